package io.dse4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Writes NumPy {@code .npy} files (format 1.0, little-endian, C order). The file is written next to its
 * destination and moved into place at the end, so a failure never leaves a half-written file behind.
 */
public final class NpyWriter {

    private NpyWriter() {
    }

    /** Writes 64-bit integers ({@code <i8}) with the given shape. */
    public static void writeLongs(Path file, long[] values, long... shape) throws IOException {
        checkShape(values.length, shape);
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            data.putLong(v);
        }
        write(file, "<i8", shape, data.array());
    }

    /** Writes doubles ({@code <f8}) with the given shape. */
    public static void writeDoubles(Path file, double[] values, long... shape) throws IOException {
        checkShape(values.length, shape);
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        write(file, "<f8", shape, data.array());
    }

    private static void checkShape(int length, long[] shape) {
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (count != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count + " values, got "
                    + length);
        }
    }

    /**
     * Writes a {@code .npz} archive holding one float64 array under {@code key} (as numpy's {@code savez} does:
     * a zip entry {@code key.npy}).
     */
    public static void writeNpz(Path file, String key, double[] values) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        byte[] npy = npyBytes("<f8", new long[] {values.length}, data.array());
        atomically(file, out -> {
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
                zip.putNextEntry(new java.util.zip.ZipEntry(key + ".npy"));
                zip.write(npy);
                zip.closeEntry();
            }
        });
    }

    private static void write(Path file, String descr, long[] shape, byte[] data) throws IOException {
        byte[] npy = npyBytes(descr, shape, data);
        atomically(file, out -> out.write(npy));
    }

    private interface Writing {
        void to(OutputStream out) throws IOException;
    }

    /** Writes next to {@code file} and moves the result into place, so that a failure leaves nothing half-written. */
    private static void atomically(Path file, Writing writing) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                writing.to(out);
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] npyBytes(String descr, long[] shape, byte[] data) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + (shape.length == 1 ? "," : "") + "), }";
        // The header (magic, version, length, dict, padding, newline) is padded to a multiple of 64 bytes.
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(headerBytes.length & 0xff);
        out.write(headerBytes.length >>> 8);
        out.writeBytes(headerBytes);
        out.writeBytes(data);
        return out.toByteArray();
    }
}
