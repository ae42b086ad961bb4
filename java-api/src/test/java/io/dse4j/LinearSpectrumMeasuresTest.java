package io.dse4j;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RankMe and the von Neumann entropy ({@link LinearSpectrumMeasures}) against their formulas on singular values found
 * apart — a one-sided Jacobi SVD of Z itself, which never forms ZᵀZ — and on spectra known by construction; both
 * sides of the Gram/covariance switch; invariance to scale (far beyond where ZᵀZ over- or underflows), to
 * duplicated rows and to rank deficiency; and the refusals.
 */
class LinearSpectrumMeasuresTest {

    private static final double EPS = LinearSpectrumMeasures.RANKME_EPSILON;

    /**
     * Singular values of the rows×cols matrix, descending, min(rows, cols) of them, by one-sided Jacobi (Hestenes):
     * pairs of columns rotated until all are orthogonal, then the column norms. Works on Z (or Zᵀ, whichever has
     * fewer columns), to full relative accuracy of the small values.
     */
    static double[] jacobiSingularValues(double[][] z) {
        double[][] a = z.length >= z[0].length ? z : transpose(z);
        int m = a.length;
        int n = a[0].length;
        double[][] col = new double[n][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                col[j][i] = a[i][j];
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = dot(col[p], col[p]);
                    double beta = dot(col[q], col[q]);
                    double gamma = dot(col[p], col[q]);
                    if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma == 0) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(1 + t * t);
                    double s = c * t;
                    for (int i = 0; i < m; i++) {
                        double x = col[p][i];
                        double y = col[q][i];
                        col[p][i] = c * x - s * y;
                        col[q][i] = s * x + c * y;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] sigma = new double[n];
        for (int j = 0; j < n; j++) {
            sigma[j] = Math.sqrt(dot(col[j], col[j]));
        }
        Arrays.sort(sigma);
        reverse(sigma);
        return sigma;
    }

    /** The paper's RankMe of these singular values: exp(−Σ p ln p), p = σ/‖σ‖₁ + ε. */
    static double rankMeOf(double[] sigma) {
        double sum = 0;
        for (double s : sigma) {
            sum += s;
        }
        double h = 0;
        for (double s : sigma) {
            double p = s / sum + EPS;
            h -= p * Math.log(p);
        }
        return Math.exp(h);
    }

    /** −Σ λ log₂ λ, λ = σ² / Σσ², 0 log 0 = 0. */
    static double vonNeumannOf(double[] sigma) {
        double trace = 0;
        for (double s : sigma) {
            trace += s * s;
        }
        double h = 0;
        for (double s : sigma) {
            double l = s * s / trace;
            if (l > 0) {
                h -= l * Math.log(l) / Math.log(2);
            }
        }
        return h;
    }

    /** RankMe of r equal singular values among m (the rest 0). */
    private static double rankMeOfEqual(int r, int m) {
        double p = 1.0 / r + EPS;
        return Math.exp(-r * p * Math.log(p) - (m - r) * EPS * Math.log(EPS));
    }

    @Test
    void agreesWithTheFormulasOnSingularValuesFromAJacobiSvdOnBothSidesOfTheSwitch() {
        Random random = new Random(1);
        int[][] shapes = {{5, 3}, {3, 5}, {20, 7}, {7, 20}, {1, 4}, {4, 1}, {1, 1}, {13, 13}, {60, 9}, {9, 60}};
        for (int[] shape : shapes) {
            double[][] z = gaussian(random, shape[0], shape[1]);
            z[0][0] += 3;   // an offset: Z is not centred, and its mean must show
            double[] sigma = jacobiSingularValues(z);
            LinearSpectrumMeasures m = LinearSpectrumMeasures.of(Matrix.of(z));
            String label = shape[0] + "×" + shape[1];
            assertRelative(rankMeOf(sigma), m.rankMe(), 1e-10, label + " RankMe");
            assertRelative(vonNeumannOf(sigma), m.vonNeumannEntropy(), 1e-10, label + " VNE");
            double[] computed = m.singularValues();
            assertEquals(sigma.length, computed.length, label);
            for (int k = 0; k < sigma.length; k++) {
                assertEquals(sigma[k], computed[k], 1e-12 * sigma[0], label + " σ" + k);
            }
            // The transposed problem takes the other side of the switch and has the same singular values.
            LinearSpectrumMeasures t = LinearSpectrumMeasures.of(Matrix.of(transpose(z)));
            assertRelative(rankMeOf(sigma), t.rankMe(), 1e-10, label + "ᵀ RankMe");
            assertRelative(vonNeumannOf(sigma), t.vonNeumannEntropy(), 1e-10, label + "ᵀ VNE");
            assertEquals(shape[0], m.n());
            assertEquals(shape[1], m.d());
        }
    }

    @Test
    void oneNonzeroSingularValueGivesRankMeOneAndEntropyZero() {
        Random random = new Random(2);
        for (int[] shape : new int[][] {{30, 8}, {8, 30}, {12, 12}}) {
            double[] u = gaussian(random, 1, shape[0])[0];
            double[] v = gaussian(random, 1, shape[1])[0];
            double[][] z = new double[shape[0]][shape[1]];
            for (int i = 0; i < shape[0]; i++) {
                for (int j = 0; j < shape[1]; j++) {
                    z[i][j] = u[i] * v[j];
                }
            }
            LinearSpectrumMeasures m = LinearSpectrumMeasures.of(Matrix.of(z));
            int min = Math.min(shape[0], shape[1]);
            // The rounding-level eigenvalues of the rank-one ZᵀZ are taken as 0: their square roots (~1e-8·σ₁) would
            // move RankMe by about 1e-7 relative.
            assertRelative(rankMeOfEqual(1, min), m.rankMe(), 1e-12, "RankMe");
            assertEquals(1, m.rankMe(), 2e-5);
            assertEquals(0, m.vonNeumannEntropy(), 1e-12);
            assertEquals(1, m.rank());
        }
    }

    @Test
    void rEqualSingularValuesGiveRankMeRAndEntropyLogTwoR() {
        Random random = new Random(3);
        // Orthonormal columns times 7: r equal singular values; zero columns beside them leave them so.
        for (int[] shape : new int[][] {{40, 5, 5}, {40, 9, 6}, {6, 6, 6}, {25, 3, 1}}) {
            int n = shape[0];
            int d = shape[1];
            int r = shape[2];
            double[][] q = orthonormalColumns(random, n, r);
            double[][] z = new double[n][d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < r; j++) {
                    z[i][j] = 7 * q[i][j];
                }
            }
            for (double[][] matrix : new double[][][] {z, transpose(z)}) {
                LinearSpectrumMeasures m = LinearSpectrumMeasures.of(Matrix.of(matrix));
                int min = Math.min(n, d);
                String label = matrix.length + "×" + matrix[0].length + ", r = " + r;
                assertRelative(rankMeOfEqual(r, min), m.rankMe(), 1e-12, label);
                assertEquals(r, m.rankMe(), 2e-5 * r, label);
                assertEquals(Math.log(r) / Math.log(2), m.vonNeumannEntropy(), 1e-12, label);
                assertEquals(r, m.rank(), label);
            }
        }
    }

    @Test
    void scalingZChangesNothingEvenWhereZtZWouldOverflowOrUnderflow() {
        double[][] z = gaussian(new Random(4), 15, 6);
        LinearSpectrumMeasures base = LinearSpectrumMeasures.of(Matrix.of(z));
        // 1e160² overflows and 1e-170² underflows to 0: without scaling, Z·1e160 gives an infinite ZᵀZ and Z·1e-170 a
        // zero one. 1e-310 makes Z subnormal (about 14 digits left).
        assertTrue(Double.isInfinite(1e160 * 1e160) && 1e-170 * 1e-170 == 0);
        for (double scale : new double[] {1e-310, 1e-170, 1e-150, 1e-3, 1e3, 1e150, 1e160, 1e300}) {
            for (double[][] matrix : new double[][][] {scaled(z, scale), transpose(scaled(z, scale))}) {
                LinearSpectrumMeasures m = LinearSpectrumMeasures.of(Matrix.of(matrix));
                double tolerance = scale < 1e-300 ? 1e-9 : 1e-12;
                assertRelative(base.rankMe(), m.rankMe(), tolerance, "scale " + scale);
                assertRelative(base.vonNeumannEntropy(), m.vonNeumannEntropy(), tolerance, "scale " + scale);
                double[] sigma = m.singularValues();
                for (int k = 0; k < sigma.length; k++) {
                    assertRelative(base.singularValues()[k] * scale, sigma[k], tolerance, "σ" + k + " at " + scale);
                }
            }
        }
    }

    @Test
    void duplicatedRowsChangeNothing() {
        for (int[] shape : new int[][] {{12, 5}, {4, 9}}) {
            double[][] z = gaussian(new Random(5), shape[0], shape[1]);
            LinearSpectrumMeasures base = LinearSpectrumMeasures.of(Matrix.of(z));
            double[][] twice = new double[2 * z.length][];
            for (int i = 0; i < z.length; i++) {
                twice[i] = z[i];
                twice[z.length + i] = z[i];
            }
            // Stacked (the singular values grow by √2) and through the rows argument (each row given twice).
            LinearSpectrumMeasures stacked = LinearSpectrumMeasures.of(Matrix.of(twice));
            int[] rows = new int[2 * z.length];
            Arrays.setAll(rows, i -> i % z.length);
            LinearSpectrumMeasures repeated = LinearSpectrumMeasures.of(Matrix.of(z), rows, 2);
            // RankMe sums over min(N, D) singular values: where N < D, the doubled N brings zeros, each adding ε's
            // −ε·ln ε to the entropy (the paper's definition); the nonzero ones are Z's times √2.
            double[] sigma = jacobiSingularValues(z);
            double[] doubled = new double[Math.min(2 * z.length, z[0].length)];
            for (int k = 0; k < sigma.length; k++) {
                doubled[k] = Math.sqrt(2) * sigma[k];
            }
            for (LinearSpectrumMeasures m : new LinearSpectrumMeasures[] {stacked, repeated}) {
                assertRelative(rankMeOf(doubled), m.rankMe(), 1e-10, "RankMe");
                if (z.length >= z[0].length) {
                    assertRelative(base.rankMe(), m.rankMe(), 1e-12, "RankMe");
                }
                assertRelative(base.vonNeumannEntropy(), m.vonNeumannEntropy(), 1e-12, "VNE");
                assertEquals(base.rank(), m.rank());
            }
        }
    }

    @Test
    void rankDeficientZAgreesWithTheSvdAndHasItsRank() {
        Random random = new Random(6);
        for (int[] shape : new int[][] {{40, 15, 4}, {15, 40, 4}, {30, 30, 1}, {50, 12, 11}}) {
            double[][] a = gaussian(random, shape[0], shape[2]);
            double[][] b = gaussian(random, shape[2], shape[1]);
            double[][] z = multiply(a, b);
            double[] sigma = jacobiSingularValues(z);
            LinearSpectrumMeasures m = LinearSpectrumMeasures.of(Matrix.of(z));
            String label = shape[0] + "×" + shape[1] + " of rank " + shape[2];
            assertRelative(rankMeOf(sigma), m.rankMe(), 1e-10, label);
            // Rank one: the SVD's entropy is that of its rounding-level σ (~1e-30 bits); the Gram route's is 0.
            assertEquals(vonNeumannOf(sigma), m.vonNeumannEntropy(), 1e-10 * Math.max(1, vonNeumannOf(sigma)), label);
            assertEquals(shape[2], m.rank(), label);
            assertTrue(sigma[shape[2]] < 1e-13 * sigma[0], label + ": the SVD's zeros");
        }
    }

    @Test
    void theRowsArgumentMeasuresThoseRowsAndTheThreadCountChangesNothing() {
        double[][] z = gaussian(new Random(7), 30, 6);
        int[] rows = {3, 17, 5, 29, 0, 11, 8, 22};
        double[][] sub = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            sub[i] = z[rows[i]];
        }
        double[] sigma = jacobiSingularValues(sub);
        for (int threads : new int[] {0, 1, 2, 3}) {
            LinearSpectrumMeasures m = LinearSpectrumMeasures.of(Matrix.of(z), rows, threads);
            assertRelative(rankMeOf(sigma), m.rankMe(), 1e-10, threads + " threads");
            assertRelative(vonNeumannOf(sigma), m.vonNeumannEntropy(), 1e-10, threads + " threads");
            assertEquals(rows.length, m.n());
        }
        assertEquals(LinearSpectrumMeasures.of(Matrix.of(z)).rankMe(), LinearSpectrumMeasures.rankMe(Matrix.of(z)));
        assertEquals(LinearSpectrumMeasures.of(Matrix.of(z)).vonNeumannEntropy(),
                LinearSpectrumMeasures.vonNeumannEntropy(Matrix.of(z)));
    }

    @Test
    void badInputIsRefusedNamingTheArgument() {
        double[][] z = gaussian(new Random(8), 5, 3);
        z[2][1] = Double.NaN;
        assertRefused("matrix", "row 2, column 1", () -> LinearSpectrumMeasures.of(Matrix.of(z)));
        z[2][1] = Double.NEGATIVE_INFINITY;
        assertRefused("matrix", "-Infinity", () -> LinearSpectrumMeasures.rankMe(Matrix.of(z)));
        assertRefused("matrix", "at least 1 row", () -> LinearSpectrumMeasures.of(Matrix.of(new double[0][])));
        assertRefused("matrix", "at least 1 row", () -> LinearSpectrumMeasures.of(Matrix.of(new double[3][0])));
        assertRefused("matrix", "at least 1 row",
                () -> LinearSpectrumMeasures.of(Matrix.of(gaussian(new Random(9), 4, 2)), new int[0], 1));
        assertRefused("matrix", null, () -> LinearSpectrumMeasures.of(null));
        assertRefused("matrix", "is 0", () -> LinearSpectrumMeasures.of(Matrix.of(new double[4][3])));
        double[][] zeroRows = gaussian(new Random(10), 4, 3);
        zeroRows[1] = new double[3];
        zeroRows[3] = new double[3];
        assertRefused("matrix", "of the rows used is 0",
                () -> LinearSpectrumMeasures.of(Matrix.of(zeroRows), new int[] {1, 3}, 1));
        assertRefused("rows", "index 4", () -> LinearSpectrumMeasures.of(Matrix.of(zeroRows), new int[] {0, 4}, 1));
        assertRefused("rows", "index -1", () -> LinearSpectrumMeasures.of(Matrix.of(zeroRows), new int[] {-1}, 1));
        assertRefused("threads", "between 1 and", () -> LinearSpectrumMeasures.of(Matrix.of(zeroRows), null, -1));
        assertRefused("threads", "between 1 and", () -> LinearSpectrumMeasures.of(Matrix.of(zeroRows), null, 40000));
    }

    @Test
    void anInterruptedCallerStopsWithItsStatusKept() {
        Matrix z = Matrix.of(gaussian(new Random(11), 10, 4));
        Thread.currentThread().interrupt();
        try {
            assertThrows(ComputationInterruptedException.class, () -> LinearSpectrumMeasures.of(z, null, 1));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertEquals(4, LinearSpectrumMeasures.of(z, null, 1).rank());
    }

    private static void assertRefused(String argument, String part, Runnable call) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call::run);
        assertEquals(argument, e.argument(), e.getMessage());
        if (part != null) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    private static void assertRelative(double expected, double actual, double tolerance, String what) {
        assertEquals(expected, actual, tolerance * Math.abs(expected), what);
    }

    private static double[][] gaussian(Random random, int n, int d) {
        double[][] z = new double[n][d];
        for (double[] row : z) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return z;
    }

    /** n×r with orthonormal columns: modified Gram–Schmidt of Gaussian columns, twice for full orthogonality. */
    private static double[][] orthonormalColumns(Random random, int n, int r) {
        double[][] c = transpose(gaussian(random, n, r));
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < r; j++) {
                for (int k = 0; k < j; k++) {
                    double proj = dot(c[j], c[k]);
                    for (int i = 0; i < n; i++) {
                        c[j][i] -= proj * c[k][i];
                    }
                }
                double norm = Math.sqrt(dot(c[j], c[j]));
                for (int i = 0; i < n; i++) {
                    c[j][i] /= norm;
                }
            }
        }
        return transpose(c);
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[][] scaled(double[][] z, double scale) {
        double[][] out = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            out[i] = z[i].clone();
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] *= scale;
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] z) {
        double[][] t = new double[z[0].length][z.length];
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z[0].length; j++) {
                t[j][i] = z[i][j];
            }
        }
        return t;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void reverse(double[] v) {
        for (int i = 0, j = v.length - 1; i < j; i++, j--) {
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }

    @Test
    void theJacobiSvdOfTheTestIsRight() {
        // diag(3, 2, 0) rotated on both sides: the singular values 3, 2, 0 come back.
        double c = Math.cos(0.3);
        double s = Math.sin(0.3);
        double[][] z = {{3 * c, -2 * s, 0}, {3 * s, 2 * c, 0}, {0, 0, 0}, {0, 0, 0}};
        assertArrayEquals(new double[] {3, 2, 0}, jacobiSingularValues(z), 1e-14);
        assertArrayEquals(new double[] {3, 2, 0}, jacobiSingularValues(transpose(z)), 1e-14);
    }
}
