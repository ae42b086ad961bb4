package io.dse4j;

import io.dse4j.io.MatrixFile;
import io.dse4j.io.MatrixFiles;
import io.dse4j.io.NpyWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measures on a file read only the rows they use, and the result is the one computed on the whole matrix in memory:
 * the subsample is chosen from the row count with the same seed before anything is read. The subsample itself is
 * the partial Fisher–Yates shuffle it always was, whichever bookkeeping (array or hash map) draws it.
 */
class FileInputTest {

    private static DiffusionSpectralEntropy dse;

    @TempDir
    static Path dir;

    @BeforeAll
    static void open() {
        dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required()).maxN(150).seed(7).build();
        TestBackend.assertInUse(dse.selection());
    }

    @AfterAll
    static void close() {
        dse.close();
    }

    private static double[] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian() * 4;
        }
        return x;
    }

    @Test
    void dseOfAFileLargerThanMaxNEqualsDseOfTheWholeMatrix() throws IOException {
        double[] x = gaussian(400, 6, 1);
        Path file = dir.resolve("z.npy");
        NpyWriter.writeDoubles(file, x, 400, 6);
        MatrixFile opened = MatrixFiles.open(file, null);
        DseResult fromFile = dse.compute(opened);
        DseResult inMemory = dse.compute(x, 400, 6);
        assertEquals(inMemory.entropy(), fromFile.entropy(), 0.0);
        assertEquals(150, fromFile.n());
        assertEquals(400, fromFile.inputRows());
        assertArrayEquals(inMemory.spectrum().eigenvalues(), fromFile.spectrum().eigenvalues(), 0.0);
        // A file within maxN is read whole.
        Path small = dir.resolve("small.npy");
        NpyWriter.writeDoubles(small, Arrays.copyOf(x, 100 * 6), 100, 6);
        assertEquals(dse.compute(Arrays.copyOf(x, 600), 100, 6).entropy(),
                dse.compute(MatrixFiles.open(small, null)).entropy(), 0.0);
    }

    @Test
    void theOtherMeasuresOfAFileEqualThoseOfTheWholeMatrix() throws IOException {
        double[] x = gaussian(300, 4, 2);
        Path file = dir.resolve("a.npy");
        NpyWriter.writeDoubles(file, x, 300, 4);
        MatrixFile opened = MatrixFiles.open(file, null);
        Matrix whole = Matrix.ofRowMajor(x, 300, 4);
        DiffusionSpectralEntropy.Builder options = DiffusionSpectralEntropy.builder()
                .backend(TestBackend.required()).maxN(120).seed(3);
        for (AdjacencySpectralEntropy.Variant variant : AdjacencySpectralEntropy.Variant.values()) {
            try (AdjacencySpectralEntropy ase = AdjacencySpectralEntropy.builder(variant).options(options.options())
                    .build()) {
                DseResult fromFile = ase.compute(opened);
                assertEquals(ase.compute(whole).entropy(), fromFile.entropy(), 0.0, variant.toString());
                assertEquals(300, fromFile.inputRows(), variant.toString());
                assertEquals(120, fromFile.n(), variant.toString());
            }
        }
        try (MatrixEntryEntropy mee = MatrixEntryEntropy.builder().options(options.options()).build()) {
            assertEquals(mee.compute(whole), mee.compute(opened), 0.0);
        }
    }

    /** The sampler as it was before the hash-map bookkeeping: a full array of n positions. */
    private static int[] arraySample(SplittableRandom random, int n, int k) {
        int[] pool = new int[n];
        Arrays.setAll(pool, i -> i);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            int swap = pool[i];
            pool[i] = pool[j];
            pool[j] = swap;
        }
        return Arrays.copyOf(pool, k);
    }

    @Test
    void theSubsampleIsTheSameWhateverTheBookkeeping() {
        SplittableRandom sizes = new SplittableRandom(11);
        for (int trial = 0; trial < 300; trial++) {
            int n = 2 + sizes.nextInt(trial < 150 ? 60 : 50_000);
            int k = 1 + sizes.nextInt(Math.min(n, trial % 3 == 0 ? n : 40));
            long seed = sizes.nextLong();
            assertArrayEquals(arraySample(new SplittableRandom(seed), n, k),
                    Subsampling.sample(new SplittableRandom(seed), n, k), "n=" + n + " k=" + k);
        }
    }

    @Test
    void aSubsampleOfHundredsOfMillionsOfRowsNeedsMemoryForTheSubsampleOnly() {
        // An array of 2^31 − 1 positions would be 8 GiB; the draw keeps only the positions it has touched.
        int[] rows = Subsampling.subsample(Integer.MAX_VALUE, 1000, 0);
        assertEquals(1000, rows.length);
        assertEquals(1000, Arrays.stream(rows).distinct().count());
        assertTrue(rows[0] >= 0 && rows[999] < Integer.MAX_VALUE);
    }

    @Test
    void finiteValuesWhoseSquaredDistancesOverflowAreRefusedForThePrecision() {
        double[] far = gaussian(20, 3, 5);
        far[7] = 1e300;
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> dse.compute(far, 20, 3));
        assertEquals("matrix", e.argument());
        assertTrue(e.getMessage().contains("values too large for the squared distances in f64: row 2 (0-based)"),
                e.getMessage());
        // 1e20 squares to 1e40: fine in double, beyond float.
        double[] large = gaussian(20, 3, 6);
        large[4] = 1e20;
        try (DiffusionSpectralEntropy f32 = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .precision(Precision.F32).build()) {
            e = assertThrows(InvalidInputException.class, () -> f32.compute(large, 20, 3));
            assertTrue(e.getMessage().contains("in f32: row 1 (0-based)"), e.getMessage());
            assertTrue(e.getMessage().contains("use precision f64"), e.getMessage());
        }
        assertTrue(Double.isFinite(dse.compute(large, 20, 3).entropy()));
    }

    @Test
    void problemsFoundInAFileNameTheFileAndItsOwnRowNumbers() throws IOException {
        Path empty = dir.resolve("empty.npy");
        NpyWriter.writeDoubles(empty, new double[0], 0, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> dse.compute(MatrixFiles.open(empty, null)));
        assertTrue(e.getMessage().contains(empty
                + ": needs at least 2 rows (points) and 1 column (dimension); its shape"
                + " [0, 2] gives N = 0, D = 2"), e.getMessage());
        // A NaN in the last rows, found while only the subsample (150 of 200) is read: the file's row is named,
        // not its position in the subsample.
        double[] x = gaussian(200, 2, 9);
        int[] used = Subsampling.subsample(200, 150, 7);
        int last = used[used.length - 1];
        x[last * 2 + 1] = Double.NaN;
        Path nan = dir.resolve("nan.npy");
        NpyWriter.writeDoubles(nan, x, 200, 2);
        e = assertThrows(InvalidInputException.class, () -> dse.compute(MatrixFiles.open(nan, null)));
        assertTrue(e.getMessage().contains(nan + ": the value at row " + last + ", column 1 (0-based) is NaN"),
                e.getMessage());
    }

    @Test
    void aSubsampleTooLargeForTheCpuBackendIsRefusedBeforeAnyRowIsRead() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(TestBackend.required() == BackendKind.CPU,
                "the CPU backend's limit");
        Path file = dir.resolve("tall.npy");
        // A header promising 10^6 rows over a file with no data: refused when opened for its length, so write the
        // rows (8 MB, zeros).
        NpyWriter.writeDoubles(file, new double[1_000_000], 1_000_000, 1);
        try (DiffusionSpectralEntropy wide = DiffusionSpectralEntropy.builder().backend("cpu").maxN(50_000).build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> wide.compute(MatrixFiles.open(file, null)));
            assertTrue(e.getMessage().contains("at most N = 46340"), e.getMessage());
        }
        try (DiffusionSpectralEntropy huge = DiffusionSpectralEntropy.builder().backend("cpu")
                .maxN(Integer.MAX_VALUE).build()) {
            Path wideFile = dir.resolve("wide.npy");
            NpyWriter.writeDoubles(wideFile, new double[4], 2, 2);
            assertTrue(Double.isFinite(huge.compute(MatrixFiles.open(wideFile, null)).entropy()));
        }
    }
}
