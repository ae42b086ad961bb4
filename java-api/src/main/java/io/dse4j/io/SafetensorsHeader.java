package io.dse4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a {@code .safetensors} file (Hugging Face's format): an unsigned little-endian 64-bit length N, N
 * bytes of UTF-8 JSON — an object mapping each tensor's name to {@code {"dtype", "shape", "data_offsets": [begin,
 * end]}} (offsets into the byte buffer that follows, end exclusive), plus an optional {@code "__metadata__"} object of
 * strings — then the tensors' bytes, little-endian, C order. Every tensor is checked here: a known dtype, a shape of
 * non-negative integers, offsets inside the buffer, exactly as many bytes as the shape needs, no two tensors
 * overlapping.
 */
final class SafetensorsHeader {

    /** The most header bytes read (the format's own readers refuse headers above 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    /**
     * The deepest nesting of JSON arrays and objects read: serde_json's default limit, under which the format's own
     * Rust reader parses. A valid header needs three levels (the header, a tensor's object, its shape); the limit
     * keeps the recursive parser's stack bounded, so that a header of 100 MB of '[' is refused, not a
     * StackOverflowError.
     */
    static final int MAX_DEPTH = 128;

    /** One tensor: its element type, shape and absolute byte range in the file. */
    record Tensor(String name, NpyDtype dtype, long[] shape, long begin, long end) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    private SafetensorsHeader() {
    }

    /** The tensors of {@code file}, in the header's order. */
    static List<Tensor> read(Path file, String name) throws IOException {
        long size = Files.size(file);
        if (size < 8) {
            throw new MatrixFileException(name + ": not a .safetensors file: " + size + " bytes, fewer than the "
                    + "8-byte header length");
        }
        byte[] json;
        long headerLength;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] length = in.readNBytes(8);
            headerLength = java.nio.ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw new MatrixFileException(name + ": the .safetensors header length is " + Long.toUnsignedString(
                        headerLength) + " bytes, but " + (headerLength > size - 8 || headerLength < 0
                                ? "the file holds only " + (size - 8) + " bytes after it"
                                : headerLength < 2 ? "a header is a JSON object of at least 2 bytes"
                                : "at most " + MAX_HEADER_BYTES + " are read"));
            }
            json = in.readNBytes((int) headerLength);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new MatrixFileException(name + ": the .safetensors header is not UTF-8 text");
        }
        Object parsed = new Json(text, name).document();
        if (!(parsed instanceof Map<?, ?> entries)) {
            throw new MatrixFileException(name + ": the .safetensors header is not a JSON object");
        }
        long buffer = size - 8 - headerLength;
        long base = 8 + headerLength;
        List<Tensor> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String tensor = (String) e.getKey();
            if (tensor.equals("__metadata__")) {
                continue;
            }
            tensors.add(tensor(name, tensor, e.getValue(), buffer, base));
        }
        if (tensors.isEmpty()) {
            throw new MatrixFileException(name + ": the .safetensors file holds no tensors");
        }
        List<Tensor> byOffset = new ArrayList<>(tensors);
        byOffset.sort(java.util.Comparator.comparingLong(Tensor::begin));
        for (int i = 1; i < byOffset.size(); i++) {
            Tensor before = byOffset.get(i - 1);
            Tensor now = byOffset.get(i);
            if (now.begin() < before.end()) {
                throw new MatrixFileException(name + ": tensors '" + before.name() + "' and '" + now.name()
                        + "' overlap in the data (bytes " + (before.begin() - base) + "–" + (before.end() - base)
                        + " and " + (now.begin() - base) + "–" + (now.end() - base) + ")");
            }
        }
        return tensors;
    }

    private static Tensor tensor(String name, String tensor, Object value, long buffer, long base)
            throws MatrixFileException {
        String where = name + ": tensor '" + tensor + "'";
        if (!(value instanceof Map<?, ?> fields)) {
            throw new MatrixFileException(where + " is not described by a JSON object");
        }
        if (!(fields.get("dtype") instanceof String dtype)) {
            throw new MatrixFileException(where + " has no \"dtype\" string");
        }
        NpyDtype type = dtype(dtype, where);
        if (!(fields.get("shape") instanceof List<?> dims)) {
            throw new MatrixFileException(where + " has no \"shape\" list");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new MatrixFileException(where + ": shape " + dims + " must hold non-negative integers");
            }
            shape[i] = d;
        }
        if (!(fields.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)) {
            throw new MatrixFileException(where + " needs \"data_offsets\": [begin, end], two integers");
        }
        if (begin < 0 || end < begin || end > buffer) {
            throw new MatrixFileException(where + ": data_offsets [" + begin + ", " + end + "] lie outside the "
                    + buffer + " data bytes of the file" + (end > buffer ? " (truncated?)" : ""));
        }
        Tensor t = new Tensor(tensor, type, shape, base + begin, base + end);
        long elements;
        try {
            elements = t.elements();
        } catch (ArithmeticException e) {
            throw new MatrixFileException(where + ": shape " + dims + " has more elements than a long counts");
        }
        if (elements > Long.MAX_VALUE / type.size() || elements * type.size() != end - begin) {
            throw new MatrixFileException(where + ": shape " + dims + " of " + dtype + " needs " + elements + " × "
                    + type.size() + " bytes, but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return t;
    }

    /** The element types dse4j reads; the 8-bit floats are refused by name. */
    private static NpyDtype dtype(String dtype, String where) throws MatrixFileException {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        return switch (dtype) {
            case "F64" -> new NpyDtype("f8", 8, le);
            case "F32" -> new NpyDtype("f4", 4, le);
            case "F16" -> new NpyDtype("f2", 2, le);
            case "BF16" -> NpyDtype.BFLOAT16;
            case "I64" -> new NpyDtype("i8", 8, le);
            case "I32" -> new NpyDtype("i4", 4, le);
            case "I16" -> new NpyDtype("i2", 2, le);
            case "I8" -> new NpyDtype("i1", 1, le);
            case "U64" -> new NpyDtype("u8", 8, le);
            case "U32" -> new NpyDtype("u4", 4, le);
            case "U16" -> new NpyDtype("u2", 2, le);
            case "U8" -> new NpyDtype("u1", 1, le);
            case "BOOL" -> new NpyDtype("b1", 1, le);
            default -> throw new MatrixFileException(where + " has dtype '" + dtype + "', which dse4j does not read; "
                    + "supported: F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL");
        };
    }

    /**
     * A strict reader of the JSON the header holds (RFC 8259): objects (a repeated key is an error — which one the
     * writer meant is unknowable), arrays, strings with every escape, integers (as {@code Long}), other numbers (as
     * {@code Double}), true, false, null. Errors say where, as a character offset.
     */
    private static final class Json {
        private final String text;
        private final String name;
        private int at;
        private int depth;      // arrays and objects open around the current position

        Json(String text, String name) {
            this.text = text;
            this.name = name;
        }

        Object document() throws MatrixFileException {
            Object value = value();
            skipSpace();
            if (at != text.length()) {
                throw error("text after the JSON value");
            }
            return value;
        }

        private Object value() throws MatrixFileException {
            skipSpace();
            if (at >= text.length()) {
                throw error("the header ends inside a value");
            }
            char c = text.charAt(at);
            if ((c == '{' || c == '[') && depth == MAX_DEPTH) {
                throw new MatrixFileException(name + ": the .safetensors header nests arrays and objects more than "
                        + MAX_DEPTH + " deep (at character " + at + "); a header needs three levels (the header, a "
                        + "tensor's object, its shape list): the file is damaged or not a .safetensors file");
            }
            return switch (c) {
                case '{', '[' -> {
                    depth++;
                    Object nested = c == '{' ? object() : array();
                    depth--;
                    yield nested;
                }
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Map<String, Object> object() throws MatrixFileException {
            Map<String, Object> m = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek() == '}') {
                at++;
                return m;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a key in quotes");
                }
                String key = string();
                skipSpace();
                expect(':');
                if (m.containsKey(key)) {
                    throw error("the key \"" + key + "\" appears twice");
                }
                m.put(key, value());
                skipSpace();
                char c = next();
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> array() throws MatrixFileException {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                list.add(value());
                skipSpace();
                char c = next();
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String string() throws MatrixFileException {
            at++;
            StringBuilder s = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return s.toString();
                }
                if (c < 0x20) {
                    throw error("a control character inside a string");
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> s.append(e);
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("a \\u escape needs four hex digits");
                        }
                        try {
                            s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException bad) {
                            throw error("a \\u escape needs four hex digits");
                        }
                        at += 4;
                    }
                    default -> throw error("the escape \\" + e + " is not JSON");
                }
            }
        }

        private Object number() throws MatrixFileException {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            while (at < text.length() && "0123456789.eE+-".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            String n = text.substring(start, at);
            if (!n.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
                throw error("'" + n + "' is not a JSON number");
            }
            if (n.matches("-?\\d+")) {
                try {
                    return Long.parseLong(n);
                } catch (NumberFormatException big) {
                    throw error("the integer " + n + " is beyond the range of a long");
                }
            }
            return Double.parseDouble(n);
        }

        private Object word(String word, Object value) throws MatrixFileException {
            if (!text.startsWith(word, at)) {
                throw error("unexpected '" + text.charAt(at) + "'");
            }
            at += word.length();
            return value;
        }

        private void expect(char c) throws MatrixFileException {
            if (next() != c) {
                throw error("expected '" + c + "'");
            }
        }

        private char peek() throws MatrixFileException {
            if (at >= text.length()) {
                throw error("the header ends early");
            }
            return text.charAt(at);
        }

        private char next() throws MatrixFileException {
            char c = peek();
            at++;
            return c;
        }

        private void skipSpace() {
            while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t'
                    || text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
                at++;
            }
        }

        private MatrixFileException error(String what) {
            return new MatrixFileException(name + ": the .safetensors header is not valid JSON: " + what
                    + " at character " + at);
        }
    }
}
