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

    /** bfloat16 (the upper half of a float32), which .npy cannot hold but .safetensors can; little-endian. */
    static final NpyDtype BFLOAT16 = new NpyDtype("bf16", 2, ByteOrder.LITTLE_ENDIAN);

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
        return code.charAt(0) != 'f' && !code.equals("bf16");
    }

    // Layouts per byte order, made once: a layout made per element (withOrder) costs an allocation and a lookup of
    // its access handle each time until the JIT has compiled the read loop, ~90 ms per million elements cold.
    private static final ValueLayout.OfDouble F8_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(
            ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F8_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfFloat F4_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(
            ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F4_BE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong I8_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I8_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt I4_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I4_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort I2_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(
            ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I2_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The element at {@code offset} (bytes) of {@code data}, widened to double. */
    double decode(MemorySegment data, long offset) {
        boolean little = order == ByteOrder.LITTLE_ENDIAN;
        // Switch on kind and size rather than on the code string: this runs once per element read.
        return switch (code.charAt(0) * 16 + size) {
            case 'f' * 16 + 8 -> data.get(little ? F8_LE : F8_BE, offset);
            case 'f' * 16 + 4 -> data.get(little ? F4_LE : F4_BE, offset);
            case 'f' * 16 + 2 -> Float.float16ToFloat(data.get(little ? I2_LE : I2_BE, offset));
            case 'i' * 16 + 8 -> data.get(little ? I8_LE : I8_BE, offset);
            case 'i' * 16 + 4 -> data.get(little ? I4_LE : I4_BE, offset);
            case 'i' * 16 + 2 -> data.get(little ? I2_LE : I2_BE, offset);
            case 'i' * 16 + 1 -> data.get(ValueLayout.JAVA_BYTE, offset);
            case 'u' * 16 + 8 -> unsignedLongToDouble(data.get(little ? I8_LE : I8_BE, offset));
            case 'u' * 16 + 4 -> Integer.toUnsignedLong(data.get(little ? I4_LE : I4_BE, offset));
            case 'u' * 16 + 2 -> Short.toUnsignedInt(data.get(little ? I2_LE : I2_BE, offset));
            case 'u' * 16 + 1 -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, offset));
            case 'b' * 16 + 1 -> data.get(ValueLayout.JAVA_BYTE, offset) != 0 ? 1.0 : 0.0;
            case 'b' * 16 + 2 -> Float.intBitsToFloat(data.get(little ? I2_LE : I2_BE, offset) << 16);   // bf16
            default -> throw new IllegalStateException(code);
        };
    }

    /**
     * {@code count} consecutive elements from {@code offset} (bytes) of {@code data}, widened to double, into
     * {@code out[at…]}: f8, the common case, as one bulk copy (byte-swapped as needed), the others element by element.
     */
    void decode(MemorySegment data, long offset, double[] out, int at, int count) {
        if (code.equals("f8")) {
            MemorySegment.copy(data, order == ByteOrder.LITTLE_ENDIAN ? F8_LE : F8_BE, offset, out, at, count);
            return;
        }
        for (int e = 0; e < count; e++) {
            out[at + e] = decode(data, offset + (long) e * size);
        }
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
