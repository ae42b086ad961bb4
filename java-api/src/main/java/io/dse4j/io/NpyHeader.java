package io.dse4j.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .npy} array (numpy.lib.format): element type, memory order and shape, and where the data
 * starts. The header text is a Python literal — a dict of exactly the keys {@code 'descr'} (a string),
 * {@code 'fortran_order'} ({@code True}/{@code False}) and {@code 'shape'} (a tuple of non-negative integers) — padded
 * with spaces and a newline. It is parsed here as that literal, by a small recursive-descent parser, not searched
 * with patterns: a key is a key only where the grammar puts one (never inside a string value), a key given twice is
 * refused (Python's {@code literal_eval} would silently keep the last), and so is any other key or value, as numpy
 * itself refuses them.
 *
 * @param dtype      the element type
 * @param fortran    whether the data is stored in Fortran (column-major) order
 * @param shape      the extents, outermost first (empty for a scalar)
 * @param dataOffset the byte offset of the first data byte from the start of the {@code .npy} stream
 * @param elements   the number of elements, the product of the extents
 */
record NpyHeader(NpyDtype dtype, boolean fortran, long[] shape, long dataOffset, long elements) {

    /** The magic string that starts every {@code .npy} stream. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy refuses headers above this size unless told otherwise; a larger one is certainly not ours to read. */
    static final int MAX_HEADER_BYTES = 1 << 20;
    /** numpy's own limit on an array's dimensions (NPY_MAXDIMS in numpy 2). */
    static final int MAX_DIMENSIONS = 64;

    /** The number of data bytes the header promises: elements × element size, checked for overflow. */
    long dataBytes(String name) throws MatrixFileException {
        if (elements > Long.MAX_VALUE / dtype.size()) {
            throw new MatrixFileException(name + ": shape " + Arrays.toString(shape) + " of " + dtype.code()
                    + " values describes more than 2^63 bytes");
        }
        return elements * dtype.size();
    }

    /** Whether {@code other} describes the same data at the same place: a file re-read finds what was opened. */
    boolean sameLayout(NpyHeader other) {
        return dtype.equals(other.dtype) && fortran == other.fortran && Arrays.equals(shape, other.shape)
                && dataOffset == other.dataOffset;
    }

    /** The shape as numpy prints it, e.g. {@code (3, 2)} or {@code (5,)}. */
    String shapeText() {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /**
     * Parses the header text of a format version ({@code major} 1 or 2: Latin-1; 3: UTF-8).
     *
     * @param bytes      the header bytes after the length field
     * @param dataOffset where the data starts (the magic, version, length field and header together)
     */
    static NpyHeader parse(byte[] bytes, int major, long dataOffset, String name) throws MatrixFileException {
        String text;
        if (major == 3) {
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new MatrixFileException(name + ": corrupt .npy header: a format 3.0 header must be UTF-8 text,"
                        + " and this one is not");
            }
        } else {
            text = new String(bytes, StandardCharsets.ISO_8859_1);
        }
        Map<String, Object> dict = new LiteralParser(text, name).dictionary();
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeValue = dict.get("shape");
        if (!(descr instanceof String code)) {
            throw corrupt(name, "'descr' must be a string such as '<f8', got " + describe(descr));
        }
        if (!(fortran instanceof Boolean fortranOrder)) {
            throw corrupt(name, "'fortran_order' must be True or False, got " + describe(fortran));
        }
        if (!(shapeValue instanceof long[] shape)) {
            throw corrupt(name, "'shape' must be a tuple of integers, got " + describe(shapeValue));
        }
        NpyDtype dtype = NpyDtype.parse(code, name);
        if (shape.length > MAX_DIMENSIONS) {
            throw corrupt(name, "the shape has " + shape.length + " dimensions; numpy allows at most "
                    + MAX_DIMENSIONS);
        }
        // The product of the non-zero extents must fit: then so does every partial product (a row's length, say),
        // even when a zero extent makes the array empty.
        long nonZeroProduct = 1;
        for (long extent : shape) {
            if (extent != 0) {
                if (nonZeroProduct > Long.MAX_VALUE / extent) {
                    throw new MatrixFileException(name + ": shape " + Arrays.toString(shape)
                            + " has more than 2^63 elements");
                }
                nonZeroProduct *= extent;
            }
        }
        long elements = Arrays.stream(shape).anyMatch(extent -> extent == 0) ? 0 : nonZeroProduct;
        return new NpyHeader(dtype, fortranOrder, shape, dataOffset, elements);
    }

    private static String describe(Object value) {
        if (value instanceof long[] tuple) {
            return Arrays.toString(tuple);
        }
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    private static MatrixFileException corrupt(String name, String what) {
        return new MatrixFileException(name + ": corrupt .npy header: " + what);
    }

    /**
     * The subset of Python's literal grammar a {@code .npy} header uses:
     * <pre>
     *   header := ws dict ws              (trailing spaces and newlines are padding)
     *   dict   := '{' ws [ entry ws { ',' ws entry ws } [ ',' ws ] ] '}'
     *   entry  := string ws ':' ws value
     *   value  := string | 'True' | 'False' | tuple
     *   tuple  := '(' ws [ int ws { ',' ws int ws } [ ',' ws ] ] ')'    a single element needs its comma: (5,)
     *   string := '…' | "…"                 with \\, \' and \" as the only escapes
     *   int    := digit { digit } [ 'L' ]     the L of Python 2 longs is accepted
     * </pre>
     * The three keys must each appear exactly once; numpy's structured dtypes (a list as 'descr') are not supported
     * and are refused as such.
     */
    private static final class LiteralParser {

        private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");

        private final String text;
        private final String name;
        private int pos;

        LiteralParser(String text, String name) {
            this.text = text;
            this.name = name;
        }

        Map<String, Object> dictionary() throws MatrixFileException {
            skipWhitespace();
            expect('{');
            Map<String, Object> dict = new LinkedHashMap<>();
            skipWhitespace();
            while (peek() != '}') {
                int keyAt = pos;
                if (peek() != '\'' && peek() != '"') {
                    throw error("expected a quoted key");
                }
                String key = string();
                if (!KEYS.contains(key)) {
                    pos = keyAt;
                    throw error("unknown key '" + key + "' (a .npy header has exactly 'descr', 'fortran_order'"
                            + " and 'shape')");
                }
                if (dict.containsKey(key)) {
                    pos = keyAt;
                    throw error("the key '" + key + "' is given twice");
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                dict.put(key, value(key));
                skipWhitespace();
                if (peek() == ',') {
                    pos++;
                    skipWhitespace();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            pos++;
            skipWhitespace();
            if (pos != text.length()) {
                throw error("unexpected text after the header's dict");
            }
            for (String key : KEYS) {
                if (!dict.containsKey(key)) {
                    throw new MatrixFileException(name + ": corrupt .npy header: the key '" + key
                            + "' is missing (a .npy header has 'descr', 'fortran_order' and 'shape'): "
                            + excerpt(text));
                }
            }
            return dict;
        }

        private Object value(String key) throws MatrixFileException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[' && key.equals("descr")) {
                throw new MatrixFileException(name + ": structured .npy dtypes (a list of fields as 'descr') are"
                        + " not supported; save a plain numeric array");
            }
            throw error("expected a string, True, False or a tuple");
        }

        private long[] tuple() throws MatrixFileException {
            expect('(');
            List<Long> extents = new ArrayList<>();
            boolean trailingComma = false;
            skipWhitespace();
            while (peek() != ')') {
                extents.add(integer());
                skipWhitespace();
                trailingComma = false;
                if (peek() == ',') {
                    pos++;
                    trailingComma = true;
                    skipWhitespace();
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape");
                }
            }
            pos++;
            if (extents.size() == 1 && !trailingComma) {
                // (5) is the integer 5 in Python, not a tuple.
                throw error("a one-element shape is written (5,), not (5)");
            }
            return extents.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() throws MatrixFileException {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == start) {
                throw error("expected a non-negative integer in the shape");
            }
            String digits = text.substring(start, pos);
            if (digits.length() > 1 && digits.charAt(0) == '0') {
                pos = start;
                throw error("an extent with a leading zero (" + digits + ") is not a Python integer");
            }
            if (pos < text.length() && text.charAt(pos) == 'L') {
                pos++;
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("the extent " + digits + " is too large");
            }
        }

        private String string() throws MatrixFileException {
            char quote = text.charAt(pos++);
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == quote) {
                    return out.toString();
                }
                if (c == '\n') {
                    throw error("unterminated string");
                }
                if (c == '\\') {
                    if (pos >= text.length()) {
                        throw error("unterminated string");
                    }
                    char escaped = text.charAt(pos++);
                    if (escaped != '\\' && escaped != '\'' && escaped != '"') {
                        pos -= 2;
                        throw error("unsupported escape \\" + escaped + " in a string");
                    }
                    c = escaped;
                }
                out.append(c);
            }
        }

        private void expect(char c) throws MatrixFileException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() throws MatrixFileException {
            if (pos >= text.length()) {
                throw error("the header ends early");
            }
            return text.charAt(pos);
        }

        private void skipWhitespace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                    || text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private MatrixFileException error(String what) {
            return new MatrixFileException(name + ": corrupt .npy header: " + what + " at character " + (pos + 1)
                    + " of: " + excerpt(text));
        }

        /** The header for a message: a corrupt one may be a megabyte of anything. */
        private static String excerpt(String text) {
            String s = text.strip();
            return s.length() <= 200 ? s : s.substring(0, 200) + "… (" + s.length() + " characters)";
        }
    }
}
