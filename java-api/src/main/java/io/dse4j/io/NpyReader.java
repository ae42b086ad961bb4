package io.dse4j.io;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the NumPy {@code .npy} format, versions 1.0, 2.0 and 3.0 (numpy.lib.format): a magic string, a header
 * length (2 bytes in 1.0, 4 in 2.0/3.0), a Python-literal dict with {@code descr}, {@code fortran_order} and
 * {@code shape}, then the raw data. Supported dtypes: f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1 and b1, in either
 * byte order; C and Fortran order. The data length must match the header exactly.
 */
final class NpyReader {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private NpyReader() {
    }

    /**
     * @param in     the stream, positioned at the magic string; read to its end
     * @param name   how to name the source in error messages
     * @param length the number of bytes the source holds, or -1 when unknown
     */
    static NpyArray read(InputStream in, String name, long length) throws IOException {
        DataInputStream data = new DataInputStream(in);
        byte[] magic = new byte[MAGIC.length];
        if (readFully(data, magic) < magic.length || !java.util.Arrays.equals(magic, MAGIC)) {
            throw new MatrixFileException(name + ": not a .npy file (it does not start with the \\x93NUMPY magic)");
        }
        int major = data.readUnsignedByte();
        int minor = data.readUnsignedByte();
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(Short.reverseBytes(data.readShort()));
            prefix = 10;
        } else if (major == 2 || major == 3) {
            headerLength = Integer.toUnsignedLong(Integer.reverseBytes(data.readInt()));
            prefix = 12;
        } else {
            throw new MatrixFileException(name + ": .npy format version " + major + "." + minor
                    + " is not supported (1.0, 2.0 and 3.0 are)");
        }
        if (headerLength > 1 << 20) {
            throw new MatrixFileException(name + ": corrupt .npy header (claims " + headerLength + " bytes)");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        if (readFully(data, headerBytes) < headerBytes.length) {
            throw new MatrixFileException(name + ": truncated .npy header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw new MatrixFileException(name + ": corrupt .npy header (needs descr, fortran_order and shape): "
                    + header.strip());
        }
        Dtype dtype = Dtype.parse(descr.group(1), name);
        boolean fortranOrder = fortran.group(1).equals("True");
        long[] shape = parseShape(shapeMatch.group(1), name);
        long count = 1;
        for (long extent : shape) {
            count = Math.multiplyHigh(count, extent) != 0 ? Long.MAX_VALUE : count * extent;
            if (count > MAX_ELEMENTS) {
                throw new MatrixFileException(name + ": shape " + java.util.Arrays.toString(shape)
                        + " has more elements than one Java array holds (" + MAX_ELEMENTS + ")");
            }
        }
        long dataBytes = count * dtype.size;
        if (length >= 0) {
            long actual = length - prefix - headerLength;
            if (actual != dataBytes) {
                throw new MatrixFileException(name + ": the header promises " + count + " " + dtype.code
                        + " values (" + dataBytes + " bytes) of shape " + java.util.Arrays.toString(shape)
                        + ", but the file holds " + actual + " data bytes"
                        + (actual < dataBytes ? " (truncated)" : ""));
            }
        }
        byte[] raw = new byte[(int) dataBytes];
        int got = readFully(data, raw);
        if (got < raw.length) {
            throw new MatrixFileException(name + ": truncated: the header promises " + dataBytes
                    + " data bytes of shape " + java.util.Arrays.toString(shape) + ", the file holds " + got);
        }
        if (length < 0 && data.read() != -1) {
            throw new MatrixFileException(name + ": the file holds more data than its header's shape "
                    + java.util.Arrays.toString(shape) + " describes");
        }
        double[] values = dtype.decode(ByteBuffer.wrap(raw).order(dtype.order), (int) count);
        if (fortranOrder && shape.length > 1) {
            values = fortranToC(values, shape);
        }
        return new NpyArray(shape, dtype.code, values);
    }

    private static long[] parseShape(String text, String name) throws MatrixFileException {
        String[] parts = text.split(",");
        java.util.List<Long> extents = new java.util.ArrayList<>();
        for (String part : parts) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            try {
                long extent = Long.parseLong(p);
                if (extent < 0) {
                    throw new NumberFormatException();
                }
                extents.add(extent);
            } catch (NumberFormatException e) {
                throw new MatrixFileException(name + ": corrupt .npy header: shape (" + text + ")");
            }
        }
        return extents.stream().mapToLong(Long::longValue).toArray();
    }

    /** Reorders values stored in Fortran (column-major) order into C (row-major) order. */
    private static double[] fortranToC(double[] fortran, long[] shape) {
        int rank = shape.length;
        int[] extent = new int[rank];
        long[] stride = new long[rank];
        long s = 1;
        for (int k = 0; k < rank; k++) {
            extent[k] = (int) shape[k];
            stride[k] = s;
            s *= shape[k];
        }
        double[] c = new double[fortran.length];
        int[] index = new int[rank];
        for (int linear = 0; linear < c.length; linear++) {
            long offset = 0;
            for (int k = 0; k < rank; k++) {
                offset += index[k] * stride[k];
            }
            c[linear] = fortran[(int) offset];
            for (int k = rank - 1; k >= 0; k--) {
                if (++index[k] < extent[k]) {
                    break;
                }
                index[k] = 0;
            }
        }
        return c;
    }

    private static int readFully(InputStream in, byte[] buffer) throws IOException {
        int total = 0;
        while (total < buffer.length) {
            int n = in.read(buffer, total, buffer.length - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** A supported element type. */
    private record Dtype(String code, char kind, int size, ByteOrder order) {

        static Dtype parse(String descr, String name) throws MatrixFileException {
            if (descr.length() < 3) {
                throw unsupported(descr, name);
            }
            char byteOrder = descr.charAt(0);
            String code = descr.substring(1);
            ByteOrder order = switch (byteOrder) {
                case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
                case '>' -> ByteOrder.BIG_ENDIAN;
                default -> throw unsupported(descr, name);
            };
            return switch (code) {
                case "f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1" ->
                        new Dtype(code, code.charAt(0), code.charAt(1) - '0', order);
                default -> throw unsupported(descr, name);
            };
        }

        private static MatrixFileException unsupported(String descr, String name) {
            return new MatrixFileException(name + ": unsupported .npy dtype '" + descr
                    + "'; supported: f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1, bool (either byte order)");
        }

        double[] decode(ByteBuffer buffer, int count) {
            double[] out = new double[count];
            for (int i = 0; i < count; i++) {
                out[i] = switch (code) {
                    case "f8" -> buffer.getDouble();
                    case "f4" -> buffer.getFloat();
                    case "f2" -> Float.float16ToFloat(buffer.getShort());
                    case "i8" -> buffer.getLong();
                    case "i4" -> buffer.getInt();
                    case "i2" -> buffer.getShort();
                    case "i1" -> buffer.get();
                    case "u8" -> unsignedLongToDouble(buffer.getLong());
                    case "u4" -> Integer.toUnsignedLong(buffer.getInt());
                    case "u2" -> Short.toUnsignedInt(buffer.getShort());
                    case "u1" -> Byte.toUnsignedInt(buffer.get());
                    case "b1" -> buffer.get() != 0 ? 1.0 : 0.0;
                    default -> throw new IllegalStateException(code);
                };
            }
            return out;
        }

        private static double unsignedLongToDouble(long v) {
            double d = (double) (v >>> 1) * 2.0;
            return d + (v & 1);
        }
    }
}
