package io.dse4j;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SLQ estimate of DSE ({@link DiffusionSpectralEntropy.Method#SLQ}): close to the exact value and covered by its
 * own 95 % bar on the reference cases, exact where deflation exhausts the space, the same whether K is held or
 * recomputed tile by tile, reproducible per seed, and refusing what it cannot do.
 */
class SlqEstimateTest {

    private static DiffusionSpectralEntropy.Builder slq() {
        return DiffusionSpectralEntropy.builder().backend("cpu").method(DiffusionSpectralEntropy.Method.SLQ);
    }

    private static double exact(Matrix x, double sigma, double t) {
        try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").sigma(sigma).build()) {
            return dse.compute(x).spectrum().entropy(t);
        }
    }

    /**
     * On the reference datasets at σ = 10 (and σ = 1 for the swiss roll, a spectrum spread over hundreds of
     * eigenvalues) and t = 0.5, 1, 1.5, 2, 5: every estimate at t ≥ 1 within 0.01 bits of the exact DSE, the 95 %
     * bar covering it in at least 18 of 20 seeds per case (the benchmark checks 95 % over 40 seeds at N = 10000),
     * and the standard error not inflated: at most 4 × the RMS error over the seeds.
     */
    @Test
    void estimatesTheReferenceCasesWithinTheirBars() {
        // The estimate runs on the CPU whatever the backend: once is enough.
        org.junit.jupiter.api.Assumptions.assumeTrue(TestBackend.required() == BackendKind.CPU);
        record Case(String file, double sigma) {
        }
        for (Case c : List.of(new Case("uniform_500x64.npy", 10), new Case("blobs_800x32.npy", 10),
                new Case("swissroll_700x3.npy", 10), new Case("swissroll_700x3.npy", 1),
                new Case("plane2d_in_100d_600.npy", 10))) {
            Matrix x = ReferenceData.matrix(c.file);
            double[] ts = {0.5, 1, 1.5, 2, 5};
            double[] exact = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
                exact[i] = exact(x, c.sigma, ts[i]);
            }
            int[] covered = new int[ts.length];
            double[] squaredErrors = new double[ts.length];
            double[] standardErrors = new double[ts.length];
            int seeds = 20;
            for (int seed = 0; seed < seeds; seed++) {
                try (var dse = slq().sigma(c.sigma).seed(seed).build()) {
                    DseResult r = dse.compute(x);
                    EntropyEstimate e = r.estimate();
                    for (int i = 0; i < ts.length; i++) {
                        double error = Math.abs(e.entropy(ts[i]) - exact[i]);
                        // For t < 1, |λ|ᵗ's infinite slope at 0 widens the quadrature's bracket: the bar says so,
                        // and the error target is for t ≥ 1.
                        assertTrue(ts[i] < 1 || error <= 0.01, c + " t = " + ts[i] + " seed " + seed + ": error "
                                + error);
                        squaredErrors[i] += error * error / seeds;
                        standardErrors[i] += e.standardError(ts[i]) / seeds;
                        if (error <= e.errorBar(ts[i])) {
                            covered[i]++;
                        }
                    }
                }
            }
            for (int i = 0; i < ts.length; i++) {
                assertTrue(covered[i] >= 18, c + " t = " + ts[i] + ": the bar covered the exact DSE in only "
                        + covered[i] + " of " + seeds + " seeds");
                // And not by being too wide: the standard error is of the size of the errors seen over the seeds.
                double rms = Math.sqrt(squaredErrors[i]);
                assertTrue(standardErrors[i] <= 4 * rms + 1e-9, c + " t = " + ts[i] + ": mean standard error "
                        + standardErrors[i] + " against an RMS error of " + rms);
            }
        }
    }

    private static Matrix randomPoints(int n, int d, long seed) {
        Random random = new Random(seed);
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                row[k] = 3 * random.nextGaussian();
            }
        }
        return Matrix.of(x);
    }

    /**
     * With 40 points the deflation's Krylov space (16 × 4 columns) spans the whole complement of the stationary
     * vector: every eigenpair is deflated exactly, no probe is left, and the estimate is the exact DSE.
     */
    @Test
    void isExactWhenDeflationSpansTheSpace() {
        Matrix x = randomPoints(40, 3, 1);
        try (var dse = slq().sigma(2).build()) {
            DseResult r = dse.compute(x);
            EntropyEstimate e = r.estimate();
            assertEquals(40, e.deflatedEigenvalues().length);
            for (double t : new double[] {0.5, 1, 2, 5}) {
                assertEquals(exact(x, 2, t), e.entropy(t), 1e-9, "t = " + t);
                assertTrue(e.errorBar(t) < 1e-9, "t = " + t + ": bar " + e.errorBar(t));
            }
        }
    }

    /** Holding K or recomputing it tile by tile for every product changes nothing but rounding. */
    @Test
    void heldAndMatrixFreeKernelsGiveTheSameEstimate() {
        Matrix x = ReferenceData.matrix("swissroll_700x3.npy");
        DseResult held;
        DseResult tiled;
        try (var dse = slq().seed(3).build()) {
            held = dse.compute(x);
        }
        try (var dse = slq().seed(3).slqMatrixFree(true).build()) {
            tiled = dse.compute(x);
        }
        assertTrue(!held.estimate().matrixFree() && tiled.estimate().matrixFree());
        assertEquals(held.entropy(), tiled.entropy(), 1e-9);
        assertEquals(held.errorBar(), tiled.errorBar(), 1e-9);
        assertEquals(held.estimate().deflatedEigenvalues().length, tiled.estimate().deflatedEigenvalues().length);
        assertTrue(tiled.selection().reasons().stream().anyMatch(w -> w.contains("recomputed tile by tile")),
                tiled.selection().reasons().toString());
    }

    /** The same seed gives the same bits, another seed other probes; f32 holds K in single precision, close by. */
    @Test
    void aSeedIsReproducibleAndF32IsClose() {
        Matrix x = ReferenceData.matrix("blobs_800x32.npy");
        double[] bySeed = new double[3];
        int at = 0;
        for (int seed : new int[] {4, 4, 5}) {
            try (var dse = slq().seed(seed).build()) {
                bySeed[at++] = dse.compute(x).entropy();
            }
        }
        assertEquals(bySeed[0], bySeed[1], 0.0);
        assertNotEquals(bySeed[0], bySeed[2]);
        try (var dse = slq().seed(4).precision(Precision.F32).build()) {
            DseResult r = dse.compute(x);
            assertEquals(Precision.F32, r.precision());
            assertEquals(bySeed[0], r.entropy(), 1e-4);
        }
    }

    /** The result says how it was computed: the method, no spectrum, the estimate and its bar, the CPU. */
    @Test
    void theResultSaysHowItWasComputed() {
        Matrix x = ReferenceData.matrix("plane2d_in_100d_600.npy");
        try (var dse = DiffusionSpectralEntropy.builder().backend(TestBackend.required())
                .method(DiffusionSpectralEntropy.Method.SLQ).slqProbes(8).slqSteps(6).t(2).build()) {
            DseResult r = dse.compute(x);
            assertEquals(DiffusionSpectralEntropy.Method.SLQ, r.method());
            assertNull(r.spectrum());
            assertEquals("cpu", r.backend());
            assertTrue(r.selection().reasons().stream().anyMatch(w -> w.contains("stochastic Lanczos quadrature")
                    && w.contains("8 probes") && w.contains("6 Lanczos steps")), r.selection().reasons().toString());
            assertEquals(8, r.estimate().probes());
            assertEquals(6, r.estimate().lanczosSteps());
            assertEquals(r.estimate().entropy(2), r.entropy(), 0.0);
            assertEquals(r.estimate().errorBar(2), r.errorBar(), 0.0);
            assertTrue(r.errorBar() > 0 && r.estimate().standardError(2) > 0);
            assertTrue(r.stages().seconds().containsKey("lanczos"), r.stages().toString());
        }
        try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").build()) {
            DseResult r = dse.compute(x);
            assertEquals(DiffusionSpectralEntropy.Method.EXACT, r.method());
            assertNull(r.estimate());
            assertEquals(0, r.errorBar());
        }
    }

    /**
     * The α-normalised Gaussian (positive semi-definite, as K of any Gaussian) is estimated as well; the kernels with
     * per-point bandwidths, which can have negative eigenvalues, are refused.
     */
    @Test
    void estimatesTheAlphaNormalisedKernelAndRefusesIndefiniteOnes() {
        Matrix x = ReferenceData.matrix("blobs_800x32.npy");
        double exact;
        try (var dse = DiffusionSpectralEntropy.builder().backend("cpu").alpha(1).build()) {
            exact = dse.compute(x).entropy();
        }
        for (boolean matrixFree : new boolean[] {false, true}) {
            try (var dse = slq().alpha(1).slqMatrixFree(matrixFree).build()) {
                DseResult r = dse.compute(x);
                assertTrue(Math.abs(r.entropy() - exact) <= Math.max(r.errorBar(), 1e-3),
                        "α = 1, matrix-free " + matrixFree + ": " + r.entropy() + " ± " + r.errorBar() + " against "
                                + exact);
            }
        }
        try (var dse = slq().adaptiveKernel(5).build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> dse.compute(x));
            assertEquals("kernel", e.argument());
            assertTrue(e.getMessage().contains("positive semi-definite"), e.getMessage());
        }
    }

    /** What the estimate cannot do, or cannot be given, is refused with the argument named. */
    @Test
    void refusesWhatItCannotDo() {
        Matrix x = ReferenceData.matrix("swissroll_700x3.npy");
        try (var dse = slq().t(30).build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> dse.compute(x));
            assertEquals("t", e.argument());
            assertTrue(e.getMessage().contains("at least 15"), e.getMessage());
        }
        try (var dse = slq().build()) {
            EntropyEstimate estimate = dse.compute(x).estimate();
            assertEquals(24, estimate.maxTime());
            assertEquals("t", assertThrows(InvalidInputException.class, () -> estimate.errorBar(25)).argument());
        }
        try (var dse = slq().autoTime().build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> dse.compute(x));
            assertEquals("t", e.argument());
            assertTrue(e.getMessage().contains("slq"), e.getMessage());
        }
        assertEquals("probes", assertThrows(InvalidInputException.class, () -> slq().slqProbes(3)).argument());
        assertEquals("steps", assertThrows(InvalidInputException.class, () -> slq().slqSteps(1)).argument());
        assertEquals(DiffusionSpectralEntropy.Method.SLQ, DiffusionSpectralEntropy.Method.parse(" SLQ "));
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> DiffusionSpectralEntropy.Method.parse("lanczos"));
        assertTrue(unknown.getMessage().contains("exact, chebyshev or slq"), unknown.getMessage());
    }

    /** Student's t quantiles: the exact values to 4 degrees of freedom, the expansion beyond within 5·10⁻⁴. */
    @Test
    void studentQuantilesMatchTheTables() {
        double[][] table = {{1, 12.7062}, {2, 4.3027}, {3, 3.1824}, {4, 2.7764}, {5, 2.5706}, {9, 2.2622},
            {11, 2.2010}, {23, 2.0687}, {100, 1.9840}};
        for (double[] row : table) {
            assertEquals(row[1], EntropyEstimate.studentQuantile((int) row[0]), 5e-4, "ν = " + row[0]);
        }
    }

    /** Progress: the estimate's stage reported, the overall fraction never falling, a final "done", held or not. */
    @Test
    void reportsItsProgress() {
        // Large enough to outlast the reports' 100 ms spacing several times over.
        Matrix x = randomPoints(3000, 8, 2);
        for (boolean matrixFree : new boolean[] {false, true}) {
            List<Progress> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
            try (var dse = slq().slqMatrixFree(matrixFree).progress(reports::add).build()) {
                dse.compute(x);
            }
            assertTrue(reports.stream().anyMatch(p -> p.stage().equals("slq")), reports.toString());
            for (int i = 1; i < reports.size(); i++) {
                assertTrue(reports.get(i).fraction() >= reports.get(i - 1).fraction(), reports.toString());
            }
            assertEquals("done", reports.get(reports.size() - 1).stage());
            assertEquals(1.0, reports.get(reports.size() - 1).fraction());
        }
    }
}
