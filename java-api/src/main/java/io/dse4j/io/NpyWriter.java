package io.dse4j.io;

import io.dse4j.internal.io.AtomicWrite;
import io.dse4j.internal.io.NpyEncoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes NumPy {@code .npy} files and single-array {@code .npz} archives that {@code numpy.load} and
 * {@link MatrixFiles} read back exactly: format 1.0, little-endian, C (row-major) order, 64-bit integers
 * ({@code <i8}) or doubles ({@code <f8}), the header padded to a multiple of 64 bytes as NumPy writes it.
 *
 * <p>The command line's {@code mi --clusters-out FILE.npy} writes the class labels it used with
 * {@link #writeLongs}, to be read again with {@code --clusters-in}; {@code spectrum --out FILE.npz} writes the
 * eigenvalues with {@link #writeNpz} (key {@code eigvals}, the reference's eigenvalue cache).
 *
 * <pre>{@code
 * NpyWriter.writeDoubles(Path.of("x.npy"), new double[] {1, 2, 3, 4, 5, 6}, 2, 3);   // a 2×3 matrix
 * NpyWriter.writeLongs(Path.of("labels.npy"), labels, labels.length);               // N labels, 1-D
 * Matrix x = MatrixFiles.read(Path.of("x.npy"));                                     // 2×3 again
 * }</pre>
 *
 * <p>Each file is written to a temporary file in the destination's folder and moved into place by an atomic rename
 * when complete, replacing an existing file; a failure never leaves a half-written file.
 * The values are copied; the arrays are not modified.
 */
public final class NpyWriter {

    private NpyWriter() {
    }

    /**
     * Writes 64-bit integers ({@code <i8}) with the given shape.
     *
     * @param file   the {@code .npy} file to create or replace; its folder must exist
     * @param values the elements in C order (the last index varies fastest)
     * @param shape  the dimensions, each ≥ 0, whose product is {@code values.length}: {@code n} for a vector,
     *               {@code rows, cols} for a matrix, nothing for a scalar
     * @throws IllegalArgumentException when a dimension is negative or the shape does not hold exactly
     *                                  {@code values.length} elements
     * @throws IOException              when the file cannot be written (nothing is left behind)
     */
    public static void writeLongs(Path file, long[] values, long... shape) throws IOException {
        checkShape(values.length, shape);
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            data.putLong(v);
        }
        write(file, "<i8", shape, data.array());
    }

    /**
     * Writes doubles ({@code <f8}) with the given shape; NaN and ±∞ are written as they are.
     *
     * @param file   the {@code .npy} file to create or replace; its folder must exist
     * @param values the elements in C order (row-major for a matrix)
     * @param shape  the dimensions, each ≥ 0, whose product is {@code values.length}
     * @throws IllegalArgumentException when a dimension is negative or the shape does not hold exactly
     *                                  {@code values.length} elements
     * @throws IOException              when the file cannot be written (nothing is left behind)
     */
    public static void writeDoubles(Path file, double[] values, long... shape) throws IOException {
        checkShape(values.length, shape);
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        write(file, "<f8", shape, data.array());
    }

    private static void checkShape(int length, long[] shape) {
        if (Arrays.stream(shape).anyMatch(dim -> dim < 0)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
        }
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (count != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count + " values, got "
                    + length);
        }
    }

    /**
     * Writes a {@code .npz} archive holding one 1-D float64 array under {@code key}: one zip entry
     * {@code key.npy}, deflated as {@code numpy.savez_compressed} writes it; {@code numpy.load(file)[key]} reads it.
     *
     * @param file   the {@code .npz} file to create or replace; its folder must exist
     * @param key    the array's name in the archive, e.g. {@code eigvals}
     * @param values the elements
     * @throws IOException when the file cannot be written (nothing is left behind)
     */
    public static void writeNpz(Path file, String key, double[] values) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            data.putDouble(v);
        }
        writeNpzMembers(file, java.util.List.of(key), java.util.List.of(NpyEncoding.npy("<f8",
                new long[] {values.length}, data.array())));
    }

    /**
     * Writes a {@code .npz} archive of float64 matrices, one zip entry {@code key.npy} each, in the map's order,
     * deflated as {@code numpy.savez_compressed} writes them: {@code numpy.load(file)[key]} reads each.
     *
     * @param file   the {@code .npz} file to create or replace; its folder must exist
     * @param arrays name → the rows × cols elements, row-major
     * @throws IllegalArgumentException when an array does not hold rows × cols elements
     * @throws IOException              when the file cannot be written (nothing is left behind)
     */
    public static void writeNpz(Path file, java.util.SequencedMap<String, double[]> arrays, int rows, int cols)
            throws IOException {
        java.util.List<byte[]> members = new java.util.ArrayList<>();
        for (double[] values : arrays.values()) {
            checkShape(values.length, new long[] {rows, cols});
            ByteBuffer data = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                data.putDouble(v);
            }
            members.add(NpyEncoding.npy("<f8", new long[] {rows, cols}, data.array()));
        }
        writeNpzMembers(file, java.util.List.copyOf(arrays.keySet()), members);
    }

    /** The archive of {@code keys.get(m) + ".npy"} → {@code members.get(m)}, deflated, moved into place whole. */
    private static void writeNpzMembers(Path file, java.util.List<String> keys, java.util.List<byte[]> members)
            throws IOException {
        AtomicWrite.replace(file, out -> {
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
                for (int m = 0; m < keys.size(); m++) {
                    zip.putNextEntry(new java.util.zip.ZipEntry(keys.get(m) + ".npy"));
                    zip.write(members.get(m));
                    zip.closeEntry();
                }
            }
        });
    }

    private static void write(Path file, String descr, long[] shape, byte[] data) throws IOException {
        AtomicWrite.replace(file, NpyEncoding.npy(descr, shape, data));
    }
}
