package io.dse4j.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A supported {@code .npy} element type: the numeric codes f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1 and b1 (bool),
 * in either byte order. Elements are decoded one at a time from a {@link MemorySegment} at a {@code long} offset, so
 * the same code reads a memory-mapped file of any size and a buffer of streamed bytes.
 *
 * @param code  the type code without byte order, e.g. {@code f8}
 * @param size  bytes per element
 * @param order the byte order
 */
record NpyDtype(String code, int size, ByteOrder order) {

    static final String SUPPORTED = "f8, f4, f2, i8, i4, i2, i1, u8, u4, u2, u1, bool (either byte order)";

    static NpyDtype parse(String descr, String name) throws MatrixFileException {
        if (descr.length() != 3) {
            throw unsupported(descr, name);
        }
        ByteOrder order = switch (descr.charAt(0)) {
            case '<', '|', '=' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> throw unsupported(descr, name);
        };
        String code = descr.substring(1);
        return switch (code) {
            case "f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1" ->
                    new NpyDtype(code, code.charAt(1) - '0', order);
            default -> throw unsupported(descr, name);
        };
    }

    private static MatrixFileException unsupported(String descr, String name) {
        return new MatrixFileException(name + ": unsupported .npy dtype '" + descr + "'; supported: " + SUPPORTED);
    }

    /** Whether the values are integers (signed, unsigned or boolean). */
    boolean integral() {
        return code.charAt(0) != 'f';
    }

    /** The element at {@code offset} (bytes) of {@code data}, widened to double. */
    double decode(MemorySegment data, long offset) {
        // Switch on kind and size rather than on the code string: this runs once per element read.
        return switch (code.charAt(0) * 16 + size) {
            case 'f' * 16 + 8 -> data.get(ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order), offset);
            case 'f' * 16 + 4 -> data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), offset);
            case 'f' * 16 + 2 -> Float.float16ToFloat(data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset));
            case 'i' * 16 + 8 -> data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), offset);
            case 'i' * 16 + 4 -> data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset);
            case 'i' * 16 + 2 -> data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset);
            case 'i' * 16 + 1 -> data.get(ValueLayout.JAVA_BYTE, offset);
            case 'u' * 16 + 8 -> unsignedLongToDouble(data.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), offset));
            case 'u' * 16 + 4 -> Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset));
            case 'u' * 16 + 2 -> Short.toUnsignedInt(data.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order), offset));
            case 'u' * 16 + 1 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, offset));
            case 'b' * 16 + 1 -> data.get(ValueLayout.JAVA_BYTE, offset) != 0 ? 1.0 : 0.0;
            default -> throw new IllegalStateException(code);
        };
    }

    /**
     * An unsigned 64-bit integer as the nearest double, as numpy converts it. Below 2⁶³ the signed conversion is
     * exact-rounded already; above, halving first would round twice, so the bit shifted out is kept as a sticky bit
     * (OR-ed into the last place) and the halved value, rounded once, is doubled exactly.
     */
    private static double unsignedLongToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        return (double) ((v >>> 1) | (v & 1)) * 2.0;
    }
}
