package io.dse4j;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The public API: options, input forms, subsampling, closed-form entropies and every bad input. */
class DiffusionSpectralEntropyTest {

    private static DiffusionSpectralEntropy dse;

    @BeforeAll
    static void open() {
        dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required()).build();
        TestBackend.assertInUse(dse.selection());
    }

    @AfterAll
    static void close() {
        dse.close();
    }

    private static double[][] gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void everyInputFormGivesTheSameEntropy() {
        double[][] x = gaussian(120, 5, 1);
        double[] flat = new double[120 * 5];
        float[][] xf = new float[120][5];
        float[] flatF = new float[120 * 5];
        for (int i = 0; i < 120; i++) {
            for (int j = 0; j < 5; j++) {
                // Values exactly representable in float, so all four inputs hold the same numbers.
                x[i][j] = (float) x[i][j];
                flat[i * 5 + j] = x[i][j];
                xf[i][j] = (float) x[i][j];
                flatF[i * 5 + j] = (float) x[i][j];
            }
        }
        double expected = dse.compute(x).entropy();
        assertEquals(expected, dse.compute(flat, 120, 5).entropy(), 0.0);
        assertEquals(expected, dse.compute(xf).entropy(), 0.0);
        assertEquals(expected, dse.compute(flatF, 120, 5).entropy(), 0.0);
    }

    @Test
    void resultCarriesItsParametersSelectionAndStages() {
        DseResult r = dse.compute(gaussian(50, 3, 2));
        assertEquals(50, r.n());
        assertEquals(3, r.d());
        assertEquals(10.0, r.sigma());
        assertEquals(1.0, r.t());
        assertEquals(Precision.F64, r.precision());
        TestBackend.assertInUse(r.selection());
        assertTrue(r.stages().seconds().containsKey("eigenvalues"), r.stages().toString());
        assertTrue(r.seconds() > 0);
        assertTrue(r.seconds() >= r.stages().total() * 0.99, r.seconds() + " vs " + r.stages().total());
        assertEquals(r.entropy(), r.spectrum().entropy(1), 0.0);
        double[] lambda = r.spectrum().eigenvalues();
        for (int i = 1; i < lambda.length; i++) {
            assertTrue(lambda[i - 1] >= lambda[i], "descending");
        }
        // The top eigenvalue of a diffusion kernel is 1 (the stationary distribution).
        assertEquals(1.0, lambda[0], 1e-12);
    }

    @Test
    void identitySpectrumHasLog2NBits() {
        // Points so far apart (relative to σ) that every off-diagonal kernel entry underflows: K = I exactly.
        double[][] x = new double[64][1];
        for (int i = 0; i < 64; i++) {
            x[i][0] = 1000.0 * i;
        }
        try (DiffusionSpectralEntropy tiny = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .sigma(1e-3).build()) {
            DseResult r = tiny.compute(x);
            assertEquals(6.0, r.entropy(), 1e-12);
            assertTrue(Double.isFinite(r.entropy()));
        }
    }

    @Test
    void subsamplingIsReproducibleAndUsesMaxNRows() {
        double[][] x = gaussian(300, 4, 3);
        try (DiffusionSpectralEntropy limited = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .maxN(100).seed(7).build()) {
            DseResult a = limited.compute(x);
            DseResult b = limited.compute(x);
            assertEquals(100, a.n());
            assertEquals(300, a.inputRows());
            assertEquals(a.entropy(), b.entropy(), 0.0);
        }
        int[] rows = Subsampling.subsample(300, 100, 7);
        assertEquals(100, java.util.Arrays.stream(rows).distinct().count());
        assertTrue(java.util.Arrays.stream(rows).allMatch(i -> i >= 0 && i < 300));
        assertNotEquals(java.util.Arrays.toString(rows),
                java.util.Arrays.toString(Subsampling.subsample(300, 100, 8)));
    }

    @Test
    void computeRowsEqualsComputeOnTheSelectedRows() {
        double[][] x = gaussian(80, 3, 4);
        int[] rows = {5, 1, 70, 33, 12, 40, 41};
        double[][] selected = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = x[rows[i]];
        }
        assertEquals(dse.compute(selected).entropy(), dse.computeRows(Matrix.of(x), rows).entropy(), 1e-14);
    }

    @Test
    void badInputsNameTheArgument() {
        assertArgument("matrix", () -> dse.compute(new double[][] {{1, 2}}));
        assertArgument("matrix", () -> dse.compute(new double[][] {{}, {}}));
        assertArgument("matrix", () -> dse.compute(new double[][] {{1, 2}, {3}}));
        assertArgument("matrix", () -> dse.compute(new double[] {1, 2, 3}, 2, 2));
        InvalidInputException nan = assertArgument("matrix",
                () -> dse.compute(new double[][] {{1, 2}, {3, 4}, {5, Double.NaN}}));
        assertTrue(nan.getMessage().contains("row 2, column 1 (0-based) is NaN"), nan.getMessage());
        assertTrue(assertArgument("matrix", () -> dse.compute(new double[][] {{1, Double.POSITIVE_INFINITY}, {3, 4}}))
                .getMessage().contains("row 0, column 1 (0-based) is Infinity"));
        var builder = DiffusionSpectralEntropy.builder();
        assertArgument("sigma", () -> builder.sigma(0));
        assertArgument("sigma", () -> builder.sigma(-1));
        assertArgument("sigma", () -> builder.sigma(Double.NaN));
        assertArgument("sigma", () -> builder.sigma(Double.POSITIVE_INFINITY));
        assertArgument("t", () -> builder.t(-0.5));
        assertArgument("t", () -> builder.t(Double.NaN));
        assertArgument("t", () -> builder.t(Double.POSITIVE_INFINITY));
        assertArgument("maxN", () -> builder.maxN(1));
        assertArgument("threads", () -> builder.threads(0));
        assertArgument("backend", () -> builder.backend("quantum"));
        assertArgument("precision", () -> builder.precision("f16"));
        assertArgument("rows", () -> dse.computeRows(Matrix.of(gaussian(5, 2, 1)), new int[] {0, 5}));
    }

    @Test
    void threadCountsBeyondWhatAForkJoinPoolTakesAreRefusedAtEveryEntryPoint() {
        // ForkJoinPool refuses a parallelism above 32767 deep inside the CPU backend; every way of asking for
        // threads refuses it up front, naming the range.
        assertEquals("threads: must be between 1 and 32767, got 100000",
                assertArgument("threads", () -> DiffusionSpectralEntropy.builder().threads(100_000)).getMessage());
        assertEquals("threads: must be between 1 and 32767, got 100000",
                assertArgument("threads", () -> MutualInformation.builder().threads(100_000)).getMessage());
        DiffusionSpectralEntropy.builder().threads(32_767);
        InvalidInputException property = assertArgument("system property dse4j.threads",
                () -> DiffusionSpectralEntropy.builder().backend("cpu")
                        .build(java.util.Map.of("dse4j.threads", "100000"), java.util.Map.of(),
                                io.dse4j.spi.GpuProbe.ofThisBuild())
                        .close());
        assertTrue(property.getMessage().endsWith("must be an integer between 1 and 32767, got '100000'"),
                property.getMessage());
    }

    @Test
    void anNTooLargeForTheHeapIsRefusedWithTheMemoryNeeded() {
        // The GPU's own limit (device memory) is tested with the stand-in in GpuStandInTest.
        org.junit.jupiter.api.Assumptions.assumeTrue(TestBackend.required() == BackendKind.CPU);
        // 40000 points need a 40000² kernel matrix: 12.8 GB in f64, 6.4 GB in f32 — more than the test JVM's heap.
        Matrix many = Matrix.ofRowMajor(new double[40_000], 40_000, 1);
        try (DiffusionSpectralEntropy big = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .maxN(40_000).build()) {
            InvalidInputException e = assertArgument("n", () -> big.compute(many));
            assertTrue(e.getMessage().contains("N = 40000 in f64 needs about 11.9"), e.getMessage());
            assertTrue(e.getMessage().contains("raise -Xmx"), e.getMessage());
        }
        try (DiffusionSpectralEntropy big = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .maxN(40_000).precision(Precision.F32).build()) {
            assertTrue(assertArgument("n", () -> big.compute(many)).getMessage().contains("in f32 needs about 5.9"));
        }
    }

    @Test
    void fractionalDiffusionTimesInterpolate() {
        Spectrum s = dse.compute(gaussian(100, 2, 5)).spectrum();
        double h1 = s.entropy(1);
        double h15 = s.entropy(1.5);
        double h2 = s.entropy(2);
        assertTrue(h1 > h15 && h15 > h2, h1 + " " + h15 + " " + h2);
        assertEquals(Math.log(100) / Math.log(2), s.entropy(0), 1e-12);
    }

    @Test
    void spectrumEntropyFollowsTheDefinition() {
        Spectrum s = Spectrum.of(new double[] {0.5, -0.25, 0.25});
        assertArrayEquals(new double[] {0.5, 0.25, -0.25}, s.eigenvalues());
        double eps = Spectrum.PROBABILITY_EPSILON;
        double[] p = {0.5 + eps, 0.25 + eps, 0.25 + eps};
        double expected = 0;
        for (double pi : p) {
            expected -= pi * Math.log(pi) / Math.log(2);
        }
        assertEquals(expected, s.entropy(1), 1e-15);
    }

    private static InvalidInputException assertArgument(String argument, Runnable call) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call::run);
        assertEquals(argument, e.argument(), e.getMessage());
        return e;
    }

    @Test
    void aTranslationOfThePointsLeavesTheEntropyAsItWas() {
        // Distances do not change when every point moves by the same vector; the Gram formula's terms do, and
        // without centring they cancel: in f32, points 1000 from the origin lost most digits of d².
        double[][] x = gaussian(200, 5, 21);
        double[][] far = new double[200][5];
        double[][] veryFar = new double[200][5];
        for (int i = 0; i < 200; i++) {
            for (int j = 0; j < 5; j++) {
                x[i][j] *= 3;
                far[i][j] = x[i][j] + 1000;
                veryFar[i][j] = x[i][j] + 1e200;   // ‖x‖² alone would overflow a double
            }
        }
        double expected = dse.compute(x).entropy();
        assertEquals(expected, dse.compute(far).entropy(), 1e-10);
        try (DiffusionSpectralEntropy f32 = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .precision(Precision.F32).build()) {
            assertEquals(expected, f32.compute(far).entropy(), 1e-4);
        }
        // 1e200 + x rounds x to nothing: every point is the same point, one eigenvalue, no overflow error.
        assertEquals(0.0, dse.compute(veryFar).entropy(), 1e-9);
    }
}
