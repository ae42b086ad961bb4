package io.dse4j.internal.cpu;

import io.dse4j.ReferenceData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every configuration of the symmetric eigenvalue solver must satisfy: agreement with brute force (Jacobi) on
 * random matrices of every size around the panel width, and exact-in-theory spectra (identity, zero, diagonal,
 * block-diagonal, repeated, rank-one, 1×1, 2×2, tiny and huge scale). Each configuration is a small subclass.
 */
abstract class SymmetricEigenvaluesContract {

    private Workers workers;

    abstract VectorOps<?> ops();

    abstract int threads();

    /** The order from which the two-stage reduction runs: by default the solver's own choice. */
    int twoStageFrom() {
        return SymmetricEigenvalues.TWO_STAGE_FROM;
    }

    /** The two-stage reduction's bandwidth. */
    int band() {
        return SymmetricEigenvalues.BAND;
    }

    /**
     * Tolerances are written for f64 with about three digits of headroom over the errors observed; f32 multiplies
     * them by 1e5, which leaves the same headroom over single precision's 2^29 larger unit roundoff.
     */
    private double tol(double f64Tolerance) {
        return ops().precision() == io.dse4j.Precision.F32 ? f64Tolerance * 1e5 : f64Tolerance;
    }

    private double[] solve(double[] full, int n) {
        workers = workers == null ? new Workers(threads(), 1) : workers;
        return solveWith(ops(), full, n);
    }

    private <A> double[] solveWith(VectorOps<A> ops, double[] full, int n) {
        A a = ops.allocate(n * n);
        ops.store(full, a, 0, n * n);
        return new SymmetricEigenvalues<>(ops, workers, twoStageFrom(), band()).eigenvalues(a, n, null);
    }

    @AfterEach
    void closeWorkers() {
        if (workers != null) {
            workers.close();
        }
    }

    static double[] randomSymmetric(int n, long seed) {
        Random random = new Random(seed);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = random.nextGaussian();
                a[i + j * n] = v;
                a[j + i * n] = v;
            }
        }
        return a;
    }

    static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private void assertSpectrum(double[] expected, double[] actual, double tolerance, String what) {
        double[] e = expected.clone();
        Arrays.sort(e);
        if (ops().precision() == io.dse4j.Precision.F32) {
            // Rounding the matrix to single precision alone moves eigenvalues by about 6e-8 of the largest.
            double magnitude = Math.max(Math.abs(e[0]), Math.abs(e[e.length - 1]));
            tolerance = Math.max(tolerance, 1e-6 * magnitude);
        }
        assertEquals(e.length, actual.length, what);
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], actual[i], tolerance, what + ": eigenvalue " + i);
        }
        for (int i = 1; i < actual.length; i++) {
            assertTrue(actual[i - 1] <= actual[i], what + ": not ascending at " + i);
        }
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 32, 33, 34, 37, 63, 64, 65, 100, 131})
    void randomMatricesAgreeWithJacobi(int n) {
        double[] a = randomSymmetric(n, 1000 + n);
        assertSpectrum(Jacobi.eigenvalues(a, n), solve(a, n), tol(1e-12 * Math.max(1, norm(a))), "random " + n);
    }

    /**
     * Sizes around every threshold of the solvers: the one-stage panel ({@link TridiagonalReduction#BLOCK} = 32) and
     * the bands of the two-stage configurations (1, 5, 8, 32): n &lt; band, n = band, band + 1, band + 2 (the first
     * reduced panel), 2·band + 1, and a few panels.
     */
    static Stream<Arguments> prescribedCases() {
        int[] sizes = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 17, 18, 31, 32, 33, 34, 35, 64, 65, 66, 97, 130};
        return Stream.of(PrescribedSpectra.Kind.values())
                .flatMap(kind -> java.util.Arrays.stream(sizes).mapToObj(n -> Arguments.of(kind, n)));
    }

    /**
     * LAPACK's backward-error test of a symmetric eigensolver ({@code dchkst}/{@code ddrvst}): for A = Q·Λ·Qᵀ with a
     * prescribed spectrum, max |λᵢ − λ̂ᵢ| ≤ c·n·ε·‖A‖₂ with ε the unit roundoff of the storage precision and c = 20
     * (the generator's own rounding included); the eigenvalues finite, ascending and n of them. Before the reflector
     * of a tiny column was rescaled ({@code dlarfg}), low-rank and zero-padded spectra broke the two-stage path with
     * a non-finite tridiagonal matrix.
     */
    @ParameterizedTest(name = "{0}, n = {1}")
    @MethodSource("prescribedCases")
    void prescribedSpectraAreFoundWithinTheBackwardErrorBound(PrescribedSpectra.Kind kind, int n) {
        boolean f32 = ops().precision() == io.dse4j.Precision.F32;
        double[] lambda = kind.eigenvalues(n, f32, 31L * n + kind.ordinal());
        double[] a = PrescribedSpectra.matrix(lambda, 17L * n + kind.ordinal());
        double[] actual = solve(a, n);
        assertWithinBackwardError(lambda, actual, kind + ", n = " + n);
    }

    /**
     * The kernels of collapsed representations — 1, 2 and 8 distinct points repeated until n, and a pair of far
     * points (its kernel is block diagonal) — whose eigenvalues are those of the distinct points' small matrix and
     * zeros ({@link PrescribedSpectra#collapsedEigenvalues}).
     */
    @ParameterizedTest(name = "{0} distinct points × {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1, 130", "2, 65", "8, 17", "1, 33", "2, 16", "8, 4", "3, 43"})
    void collapsedKernelsHaveTheSpectrumOfTheirDistinctPoints(int distinct, int copies) {
        Random random = new Random(distinct * 100L + copies);
        double[][] points = new double[distinct][3];
        for (double[] p : points) {
            for (int k = 0; k < 3; k++) {
                p[k] = 2.0 * random.nextGaussian();
            }
        }
        double[][] g = new double[distinct][distinct];
        for (int i = 0; i < distinct; i++) {
            for (int j = 0; j < distinct; j++) {
                double d2 = 0;
                for (int k = 0; k < 3; k++) {
                    d2 += (points[i][k] - points[j][k]) * (points[i][k] - points[j][k]);
                }
                g[i][j] = Math.exp(-d2 / 8.0);
            }
        }
        int n = distinct * copies;
        double[] expected = new double[n];
        System.arraycopy(PrescribedSpectra.collapsedEigenvalues(g, copies), 0, expected, 0, distinct);
        assertWithinBackwardError(expected, solve(PrescribedSpectra.collapsedKernel(g, copies), n),
                distinct + " × " + copies);
    }

    private void assertWithinBackwardError(double[] prescribed, double[] actual, String what) {
        int n = prescribed.length;
        double[] expected = prescribed.clone();
        Arrays.sort(expected);
        assertEquals(n, actual.length, what);
        double norm = 0;
        for (double l : expected) {
            norm = Math.max(norm, Math.abs(l));
        }
        double eps = ops().precision() == io.dse4j.Precision.F32 ? 0x1p-24 : 0x1p-53;
        double bound = 20 * Math.max(1, n) * eps * norm;
        for (int i = 0; i < n; i++) {
            assertTrue(Double.isFinite(actual[i]), what + ": eigenvalue " + i + " is " + actual[i]);
            assertTrue(Math.abs(expected[i] - actual[i]) <= bound, what + ": eigenvalue " + i + " is " + actual[i]
                    + ", prescribed " + expected[i] + ", error " + Math.abs(expected[i] - actual[i])
                    + " > 20·n·ε·‖A‖ = " + bound);
            if (i > 0) {
                assertTrue(actual[i - 1] <= actual[i], what + ": not ascending at " + i);
            }
        }
    }

    @Test
    void traceAndFrobeniusNormArePreservedOnALargerMatrix() {
        int n = 300;
        double[] a = randomSymmetric(n, 7);
        double[] lambda = solve(a, n);
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += a[i + i * n];
        }
        double sum = 0;
        double squares = 0;
        for (double l : lambda) {
            sum += l;
            squares += l * l;
        }
        assertEquals(trace, sum, tol(1e-10 * n));
        double frobenius = norm(a);
        assertEquals(frobenius * frobenius, squares, tol(1e-10 * frobenius * frobenius));
    }

    @Test
    void identityHasAllOnes() {
        int n = 70;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i + i * n] = 1;
        }
        double[] ones = new double[n];
        Arrays.fill(ones, 1.0);
        assertSpectrum(ones, solve(a, n), 1e-15, "identity");
    }

    @Test
    void zeroMatrixHasAllZeros() {
        int n = 40;
        assertArrayEquals(new double[n], solve(new double[n * n], n), 0.0);
    }

    @Test
    void diagonalMatrixKeepsItsDiagonal() {
        int n = 50;
        double[] a = new double[n * n];
        double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = (i % 7) - 3.5 + i * 1e-3;
            a[i + i * n] = diag[i];
        }
        assertSpectrum(diag, solve(a, n), tol(1e-14), "diagonal");
    }

    @Test
    void blockDiagonalMatrixHasTheUnionOfItsBlocksSpectra() {
        int n1 = 20;
        int n2 = 45;
        int n = n1 + n2;
        double[] b1 = randomSymmetric(n1, 11);
        double[] b2 = randomSymmetric(n2, 12);
        double[] a = new double[n * n];
        for (int i = 0; i < n1; i++) {
            for (int j = 0; j < n1; j++) {
                a[i + j * n] = b1[i + j * n1];
            }
        }
        for (int i = 0; i < n2; i++) {
            for (int j = 0; j < n2; j++) {
                a[(n1 + i) + (n1 + j) * n] = b2[i + j * n2];
            }
        }
        double[] expected = new double[n];
        System.arraycopy(Jacobi.eigenvalues(b1, n1), 0, expected, 0, n1);
        System.arraycopy(Jacobi.eigenvalues(b2, n2), 0, expected, n1, n2);
        assertSpectrum(expected, solve(a, n), tol(1e-12 * norm(a)), "block diagonal");
    }

    @Test
    void repeatedEigenvaluesSurviveAnOrthogonalSimilarity() {
        // Q·diag(2,2,2,…,−1,−1,…,5)·Qᵀ with Q a product of random Householder reflectors.
        int n = 60;
        double[] diag = new double[n];
        for (int i = 0; i < n; i++) {
            diag[i] = i < 25 ? 2.0 : (i < 59 ? -1.0 : 5.0);
        }
        double[] a = rotate(diag, n, 99);
        assertSpectrum(diag, solve(a, n), tol(1e-13 * n), "repeated");
    }

    @Test
    void rankOneMatrixHasOneNonZeroEigenvalue() {
        int n = 80;
        Random random = new Random(3);
        double[] u = new double[n];
        double uu = 0;
        for (int i = 0; i < n; i++) {
            u[i] = random.nextGaussian();
            uu += u[i] * u[i];
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i + j * n] = u[i] * u[j];
            }
        }
        double[] expected = new double[n];
        expected[n - 1] = uu;
        assertSpectrum(expected, solve(a, n), tol(1e-13 * uu), "rank one");
    }

    @Test
    void oneByOne() {
        assertArrayEquals(new double[] {-3.25}, solve(new double[] {-3.25}, 1), 0.0);
    }

    @Test
    void twoByTwoClosedForm() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        assertArrayEquals(new double[] {1, 3}, solve(new double[] {2, 1, 1, 2}, 2), 1e-15);
    }

    @ParameterizedTest(name = "scale 2^{0}")
    @ValueSource(ints = {-1000, -500, -100, -20, 20, 100, 500, 1000})
    void tinyAndHugeScalesGiveScaledEigenvalues(int exponent) {
        int n = 40;
        if (ops().precision() == io.dse4j.Precision.F32 && Math.abs(exponent) > 20) {
            return;     // beyond single precision's range once squared
        }
        double[] a = randomSymmetric(n, 5);
        double[] unscaled = Jacobi.eigenvalues(a, n);
        double scale = Math.scalb(1.0, exponent);
        double[] scaled = a.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= scale;
        }
        double[] actual = solve(scaled, n);
        for (int i = 0; i < n; i++) {
            assertEquals(unscaled[i], actual[i] / scale, tol(1e-12 * norm(a)), "eigenvalue " + i);
        }
    }

    @Test
    void theOfficialKernelMatrixGivesTheOfficialEigenvalues() {
        double[] k = ReferenceData.array("K_uniform_500x64_sigma10.npy").values();
        double[] expected = ReferenceData.array("eigvals_uniform_500x64_sigma10.npy").values();
        int n = 500;
        // numpy's eigvalsh reads the lower triangle of the row-major K: element (i, j), i ≥ j, is k[i·n + j],
        // which is the column-major element (j, i); transposing keeps exactly those values in our lower triangle.
        double[] lower = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                lower[i + j * n] = k[i * n + j];
            }
        }
        assertSpectrum(expected, solve(lower, n), tol(1e-12 * n), "official K");
    }

    /** Q·diag·Qᵀ for Q a product of three random Householder reflectors; returns a full column-major matrix. */
    static double[] rotate(double[] diag, int n, long seed) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i + i * n] = diag[i];
        }
        Random random = new Random(seed);
        for (int h = 0; h < 3; h++) {
            double[] v = new double[n];
            double vv = 0;
            for (int i = 0; i < n; i++) {
                v[i] = random.nextGaussian();
                vv += v[i] * v[i];
            }
            // A ← H·A·H with H = I − 2vvᵀ/vᵀv.
            double[] av = new double[n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    av[i] += a[i + j * n] * v[j];
                }
            }
            double vav = 0;
            for (int i = 0; i < n; i++) {
                vav += v[i] * av[i];
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i + j * n] += -2 * (v[i] * av[j] + av[i] * v[j]) / vv + 4 * vav * v[i] * v[j] / (vv * vv);
                }
            }
        }
        return a;
    }
}
