package io.dse4j.internal.cpu;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Gauss and Gauss–Radau rules of a Lanczos run: nodes and weights against a dense eigen-decomposition of the
 * Jacobi matrix, exactness for polynomials of degree 2L − 1 (Gauss) and 2L (Radau, with its fixed node), and the
 * bracketing of vᵀ(A log A)v between them for a positive definite A.
 */
class GaussQuadratureTest {

    /** A random positive definite matrix with eigenvalues in (0, 1], dense. */
    private static double[][] matrix(int n, Random random) {
        double[][] a = new double[n][n];
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = random.nextGaussian();
            }
        }
        // A = Qᵀ·diag(λ)·Q / ‖…‖ with λ spread over (0, 1]: a spectrum like a kernel's.
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = Math.pow(random.nextDouble(), 3) + 1e-4;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[k][i] * lambda[k] * q[k][j];
                }
                a[i][j] = s;
            }
        }
        double norm = 0;
        for (double[] row : a) {
            double r = 0;
            for (double v : row) {
                r += Math.abs(v);
            }
            norm = Math.max(norm, r);
        }
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] /= norm;
            }
        }
        return a;
    }

    /** L Lanczos steps of A from unit v, full reorthogonalisation: alpha[0..L), beta[0..L) (beta[L-1] the next). */
    private static double[][] lanczos(double[][] a, double[] v, int steps) {
        int n = v.length;
        double[][] basis = new double[steps + 1][];
        basis[0] = v.clone();
        double[] alpha = new double[steps];
        double[] beta = new double[steps];
        for (int j = 0; j < steps; j++) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < n; k++) {
                    w[i] += a[i][k] * basis[j][k];
                }
            }
            for (int again = 0; again < 2; again++) {
                for (int i = 0; i <= j; i++) {
                    double dot = 0;
                    for (int k = 0; k < n; k++) {
                        dot += basis[i][k] * w[k];
                    }
                    if (again == 0 && i == j) {
                        alpha[j] = dot;
                    } else if (i == j) {
                        alpha[j] += dot;
                    }
                    for (int k = 0; k < n; k++) {
                        w[k] -= dot * basis[i][k];
                    }
                }
            }
            double norm = 0;
            for (double x : w) {
                norm += x * x;
            }
            beta[j] = Math.sqrt(norm);
            basis[j + 1] = new double[n];
            for (int k = 0; k < n; k++) {
                basis[j + 1][k] = w[k] / beta[j];
            }
        }
        return new double[][] {alpha, beta};
    }

    /** vᵀ·f(A)·v through A's eigen-decomposition (Jacobi), f given on the eigenvalues. */
    private static double exact(double[][] a, double[] v, java.util.function.DoubleUnaryOperator f) {
        int n = v.length;
        double[] packed = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                packed[i + j * n] = a[i][j];
            }
        }
        double[][] decomposition = CpuBackends.symmetricEigenvectors(packed, n, 1);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            double c = 0;
            for (int i = 0; i < n; i++) {
                c += decomposition[1][i + k * n] * v[i];
            }
            sum += c * c * f.applyAsDouble(decomposition[0][k]);
        }
        return sum;
    }

    private static double apply(GaussQuadrature.Rule rule, java.util.function.DoubleUnaryOperator f) {
        double sum = 0;
        for (int l = 0; l < rule.nodes().length; l++) {
            sum += rule.weights()[l] * f.applyAsDouble(rule.nodes()[l]);
        }
        return sum;
    }

    @Test
    void nodesAndWeightsAreTheJacobiMatrixsEigenvaluesAndFirstComponents() {
        Random random = new Random(1);
        for (int length : new int[] {1, 2, 3, 7, 20, -9}) {
            // -9: nine, with an exact split (β₂ = 0) and zero diagonal entries, as a closed Krylov space and a
            // spectrum of kernel rounding noise give
            boolean split = length < 0;
            length = Math.abs(length);
            double[] alpha = new double[length];
            double[] beta = new double[length];
            for (int i = 0; i < length; i++) {
                alpha[i] = split && i % 3 == 0 ? 0.0 : random.nextDouble();
                beta[i] = split && i == 2 ? 0.0 : 0.1 + random.nextDouble();
            }
            GaussQuadrature.Rule rule = GaussQuadrature.gauss(alpha, beta, length);
            double[] packed = new double[length * length];
            for (int i = 0; i < length; i++) {
                packed[i + i * length] = alpha[i];
                if (i + 1 < length) {
                    packed[i + 1 + i * length] = beta[i];
                    packed[i + (i + 1) * length] = beta[i];
                }
            }
            double[][] dense = CpuBackends.symmetricEigenvectors(packed, length, 1);
            double[] nodes = rule.nodes().clone();
            Integer[] order = new Integer[length];
            Arrays.setAll(order, i -> i);
            Arrays.sort(order, (x, y) -> Double.compare(nodes[x], nodes[y]));
            for (int k = 0; k < length; k++) {
                assertEquals(dense[0][k], nodes[order[k]], 1e-13, "node " + k + " of L = " + length);
                double first = dense[1][k * length];
                assertEquals(first * first, rule.weights()[order[k]], 1e-12, "weight " + k + " of L = " + length);
            }
            double total = 0;
            for (double w : rule.weights()) {
                total += w;
            }
            assertEquals(1.0, total, 1e-13, "the weights of a unit start vector sum to 1, L = " + length);
            if (split) {
                // Beyond the split the first component of every eigenvector is 0: only the leading 3 × 3 block's
                // three nodes carry weight.
                long weighted = java.util.Arrays.stream(rule.weights()).filter(w -> w > 1e-14).count();
                assertEquals(3, weighted, java.util.Arrays.toString(rule.weights()));
            }
        }
    }

    @Test
    void gaussIsExactToDegree2LMinus1AndRadauTo2LAndTheyBracketXLogX() {
        Random random = new Random(2);
        int n = 60;
        double[][] a = matrix(n, random);
        double[] v = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            v[i] = random.nextBoolean() ? 1 : -1;
            norm += 1;
        }
        for (int i = 0; i < n; i++) {
            v[i] /= Math.sqrt(norm);
        }
        for (int length : new int[] {2, 4, 8}) {
            double[][] run = lanczos(a, v, length);
            GaussQuadrature.Rule gauss = GaussQuadrature.gauss(run[0], run[1], length);
            GaussQuadrature.Rule radau = GaussQuadrature.radau(run[0], run[1], length, 0.0);
            assertEquals(length + 1, radau.nodes().length);
            double fixed = Arrays.stream(radau.nodes()).map(Math::abs).min().orElseThrow();
            assertTrue(fixed < 1e-12, "the Radau rule has a node at 0, got min |node| " + fixed);
            int power = 2 * length - 1;
            assertEquals(exact(a, v, x -> Math.pow(x, power)), apply(gauss, x -> Math.pow(x, power)), 1e-12,
                    "Gauss with L = " + length + " is exact for x^" + power);
            assertEquals(exact(a, v, x -> Math.pow(x, power + 1)), apply(radau, x -> Math.pow(x, power + 1)),
                    1e-12, "Radau with L = " + length + " is exact for x^" + (power + 1));
            java.util.function.DoubleUnaryOperator xlogx = x -> x > 0 ? x * Math.log(x) : 0;
            double truth = exact(a, v, xlogx);
            double lower = apply(gauss, xlogx);
            double upper = apply(radau, xlogx);
            assertTrue(lower <= truth + 1e-14 && truth <= upper + 1e-14, "L = " + length + ": Gauss " + lower
                    + " ≤ vᵀ(A log A)v " + truth + " ≤ Radau " + upper);
        }
    }

    @Test
    void radauIsUndefinedWhenTheFixedNodeIsAnEigenvalueOfTheJacobiMatrix() {
        // J = [[1, 1], [1, 1]] has eigenvalue 0: J − 0·I is singular.
        assertNull(GaussQuadrature.radau(new double[] {1, 1}, new double[] {1, 0.5}, 2, 0.0));
    }
}
