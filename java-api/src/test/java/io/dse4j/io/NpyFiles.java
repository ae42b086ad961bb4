package io.dse4j.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds .npy byte streams by the format's definition, for the reader's tests. */
final class NpyFiles {

    private NpyFiles() {
    }

    /**
     * @param major     format version (1, 2 or 3)
     * @param descr     e.g. "&lt;f8"
     * @param fortran   fortran_order
     * @param shape     e.g. "(2, 3)"
     * @param data      the raw data bytes
     */
    static byte[] npy(int major, String descr, boolean fortran, String shape, byte[] data) {
        return npy(major, "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False")
                + ", 'shape': " + shape + ", }", data);
    }

    /** A .npy stream whose header is the given dict text (UTF-8), padded as numpy pads it. */
    static byte[] npy(int major, String dict, byte[] data) {
        return npy(major, dict.getBytes(StandardCharsets.UTF_8), data);
    }

    /** A .npy stream whose header is the given bytes, padded with spaces and a newline to a multiple of 64. */
    static byte[] npy(int major, byte[] dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.length + 1;
        int padding = (64 - total % 64) % 64;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.writeBytes(dict);
        header.writeBytes(" ".repeat(padding).getBytes(StandardCharsets.US_ASCII));
        header.write('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = header.toByteArray();
        if (major == 1) {
            out.write(h.length & 0xff);
            out.write(h.length >>> 8);
        } else {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(h.length).array());
        }
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] doubles(ByteOrder order, double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(order);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
