package io.dse4j.cli;

import io.dse4j.Spectrum;
import io.dse4j.internal.io.NpyEncoding;
import io.dse4j.io.MatrixFileException;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyArray;
import io.dse4j.io.NpyWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The eigenvalue cache reads the reference's float16 files and round-trips its own float64 ones exactly; the record
 * dse4j writes beside the eigenvalues comes back as written (and numpy's view of the file keeps {@code eigvals}), its
 * differences from another computation's are named field by field, the rows' digest changes with any value, and
 * arrays that cannot be a spectrum are refused.
 */
class EigenvalueCacheTest {

    @TempDir
    Path dir;

    @Test
    void float64RoundTripIsExact() throws IOException {
        Path file = dir.resolve("e.npz");
        Spectrum spectrum = Spectrum.of(new double[] {1.0, 0.3333333333333333, -1e-17, 0.25});
        EigenvalueCache.save(file, spectrum);
        assertArrayEquals(spectrum.eigenvalues(), EigenvalueCache.load(file).orElseThrow().eigenvalues(), 0.0);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void readsTheReferencesFloat16Cache() throws IOException {
        Path file = dir.resolve("ref.npz");
        ByteBuffer data = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : new float[] {1f, 0.5f, 0.25f}) {
            data.putShort(Float.floatToFloat16(v));
        }
        npz(file, "eigvals", NpyEncoding.npy("<f2", new long[] {3}, data.array()));
        assertArrayEquals(new double[] {1, 0.5, 0.25}, EigenvalueCache.load(file).orElseThrow().eigenvalues(), 0.0);
    }

    @Test
    void aMissingFileIsAMiss() throws IOException {
        assertTrue(EigenvalueCache.load(dir.resolve("none.npz")).isEmpty());
    }

    @Test
    void theRecordIsStoredBesideTheEigenvaluesAndReadBack() throws IOException {
        Path file = dir.resolve("c.npz");
        Map<String, String> record = new LinkedHashMap<>();
        record.put("measure", "dse");
        record.put("sigma", "10.0");
        record.put("n", "3");
        record.put("rows_sha256", "ab".repeat(32));
        EigenvalueCache.save(file, Spectrum.of(new double[] {1, 0.5, 0.25}), record);
        EigenvalueCache.Contents read = EigenvalueCache.read(file).orElseThrow();
        assertArrayEquals(new double[] {1, 0.5, 0.25}, read.spectrum().eigenvalues(), 0.0);
        Map<String, String> expected = new LinkedHashMap<>(record);
        expected.put(EigenvalueCache.WRITTEN_BY, "dse4j " + io.dse4j.Version.string());
        assertEquals(expected, read.record(), "every field, and the version that wrote it");
        assertEquals(List.of(), EigenvalueCache.differences(read.record(), record),
                "the version that wrote it is not a difference");
        // numpy sees two members: the eigenvalues where they always were, and the record as uint8 text.
        NpyArray eigvals = MatrixFiles.readArray(file, EigenvalueCache.KEY);
        assertEquals("f8", eigvals.dtype());
        NpyArray text = MatrixFiles.readArray(file, EigenvalueCache.RECORD_KEY);
        assertEquals("u1", text.dtype());
        assertEquals(1, text.shape().length);
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void differencesNameTheFieldTheCachedValueAndTheCurrentOne() {
        Map<String, String> cached = Map.of("sigma", "10.0", "n", "100", "kernel", "gaussian");
        Map<String, String> now = new LinkedHashMap<>();
        now.put("sigma", "3.0");
        now.put("n", "100");
        now.put("knn", "5");
        assertEquals(List.of("sigma: 10.0 in the cache, 3.0 now", "knn: (none) in the cache, 5 now",
                "kernel: gaussian in the cache, (none) now"), EigenvalueCache.differences(cached, now));
    }

    @Test
    void theReferencesCacheHasNoRecordAndANpyCannotHoldOne() throws IOException {
        Path reference = dir.resolve("ref.npz");
        NpyWriter.writeNpz(reference, "eigvals", new double[] {1, 0.5});
        assertNull(EigenvalueCache.read(reference).orElseThrow().record(), "nothing to check it against");
        Path npy = dir.resolve("e.npy");
        assertThrows(IllegalArgumentException.class,
                () -> EigenvalueCache.save(npy, Spectrum.of(new double[] {1, 0.5}), Map.of("n", "2")));
        assertTrue(Files.notExists(npy));
    }

    @Test
    void theDigestIdentifiesTheRowsExactly() {
        double[] values = {0, 1, 2, 3, 4, 5};
        String digest = EigenvalueCache.digest(io.dse4j.Matrix.ofRowMajor(values, 3, 2));
        assertEquals(64, digest.length());
        assertEquals(digest, EigenvalueCache.digest(io.dse4j.Matrix.ofRowMajor(values.clone(), 3, 2)));
        assertEquals(digest, EigenvalueCache.digest(io.dse4j.Matrix.ofRowMajor(new float[] {0, 1, 2, 3, 4, 5}, 3,
                2)), "float32 values digest as the doubles they widen to");
        assertNotEquals(digest, EigenvalueCache.digest(io.dse4j.Matrix.ofRowMajor(values, 2, 3)),
                "the same values in another shape are other points");
        double[] changed = values.clone();
        changed[5] = Math.nextUp(5.0);
        assertNotEquals(digest, EigenvalueCache.digest(io.dse4j.Matrix.ofRowMajor(changed, 3, 2)),
                "one value one ulp away");
        double[] swapped = {2, 3, 0, 1, 4, 5};
        assertNotEquals(digest, EigenvalueCache.digest(io.dse4j.Matrix.ofRowMajor(swapped, 3, 2)),
                "rows in another order (another subsample's order)");
    }

    @Test
    void arraysThatCannotBeASpectrumAreRefused() throws IOException {
        Path matrix = dir.resolve("matrix.npz");
        npz(matrix, "eigvals", NpyEncoding.npy("<f8", new long[] {5, 8}, new byte[8 * 40]));
        assertRefused(matrix, "shape (5, 8); eigenvalues are one dimension");
        Path zeros = dir.resolve("zeros.npz");
        NpyWriter.writeNpz(zeros, "eigvals", new double[40]);
        assertRefused(zeros, "every one of its 40 eigenvalues is 0");
        Path nan = dir.resolve("nan.npz");
        NpyWriter.writeNpz(nan, "eigvals", new double[] {1, Double.NaN});
        assertRefused(nan, "eigenvalue 1 (0-based) is NaN");
        Path integers = dir.resolve("integers.npy");
        NpyWriter.writeLongs(integers, new long[] {1, 0}, 2);
        assertRefused(integers, "holds integers (dtype i8)");
        Path empty = dir.resolve("empty.npz");
        NpyWriter.writeNpz(empty, "eigvals", new double[0]);
        assertRefused(empty, "the eigenvalue cache is empty");
    }

    @Test
    void aDamagedRecordIsRefused() throws IOException {
        Path twice = dir.resolve("twice.npz");
        byte[] text = "n=2\nn=3\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(1).putDouble(0.5);
        npz(twice, "eigvals", NpyEncoding.npy("<f8", new long[] {2}, data.array()),
                EigenvalueCache.RECORD_KEY, NpyEncoding.npy("|u1", new long[] {text.length}, text));
        assertRefused(twice, "the record gives 'n' twice");
        Path miscounted = dir.resolve("miscounted.npz");
        EigenvalueCache.save(miscounted, Spectrum.of(new double[] {1, 0.5}), Map.of("n", "3"));
        assertRefused(miscounted, "its record says n = 3 but it holds 2 eigenvalues");
    }

    /** An archive of the members given as (key, .npy bytes) pairs, in that order. */
    private static void npz(Path file, Object... keysAndBytes) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < keysAndBytes.length; i += 2) {
                zip.putNextEntry(new ZipEntry(keysAndBytes[i] + ".npy"));
                zip.write((byte[]) keysAndBytes[i + 1]);
                zip.closeEntry();
            }
        }
    }

    private static void assertRefused(Path file, String message) {
        MatrixFileException e = assertThrows(MatrixFileException.class, () -> EigenvalueCache.read(file));
        assertTrue(e.getMessage().contains(message) && e.getMessage().contains(file.toString()),
                "'" + message + "' naming the file, got: " + e.getMessage());
    }
}
