package io.dse4j.internal.cpu;

import java.util.Arrays;
import java.util.Random;

/**
 * Symmetric test matrices with a prescribed spectrum, as LAPACK's eigensolver tests build them ({@code dlatms} with
 * {@code dlagsy}/{@code dlaror}: A = Q·diag(λ)·Qᵀ for a random orthogonal Q), so that a solver's eigenvalues can be
 * compared with the exact ones: the spectra that break numerical code — zero, identity, low rank, clusters,
 * many-fold repetitions, graded down to 1e-300, tiny and huge scales.
 *
 * <p>Q is the product of n−1 Householder reflectors of Gaussian vectors of lengths 2…n (Stewart, "The efficient
 * generation of random orthogonal matrices with an application to condition estimators", SIAM J. Numer. Anal.
 * 17(3), 1980 — the construction {@code dlaror} uses), applied from both sides to diag(λ) in O(n³). For large n,
 * {@link #lowRank} builds U·diag(λ)·Uᵀ from k orthonormal columns in O(n²k).
 */
public final class PrescribedSpectra {

    private PrescribedSpectra() {
    }

    /** The spectra of the suite, by name; each takes n and gives n eigenvalues (unsorted). */
    public enum Kind {
        ZERO {
            @Override
            double[] spectrum(int n, Random random) {
                return new double[n];
            }
        },
        IDENTITY {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                Arrays.fill(l, 1.0);
                return l;
            }
        },
        RANK_ONE {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                l[0] = 1.0;
                return l;
            }
        },
        /** Rank about n/4, the rest exactly zero: the spectrum of a kernel of few distinct points. */
        RANK_QUARTER {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                for (int i = 0; i < (n + 3) / 4; i++) {
                    l[i] = 0.5 + random.nextDouble();
                }
                return l;
            }
        },
        /** One tight cluster around 1 (spread 1e-10) and a few outliers on both sides. */
        CLUSTER_AND_OUTLIERS {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                for (int i = 0; i < n; i++) {
                    l[i] = 1.0 + 1e-10 * random.nextDouble();
                }
                for (int i = 0; i < Math.min(n, 3); i++) {
                    l[i] = i % 2 == 0 ? 100.0 * (i + 1) : -50.0;
                }
                return l;
            }
        },
        /** Three values, each repeated about n/3 times. */
        REPEATED {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                for (int i = 0; i < n; i++) {
                    l[i] = i % 3 == 0 ? -1.0 : (i % 3 == 1 ? 0.5 : 2.0);
                }
                return l;
            }
        },
        /** {@code dlatms} mode 4: from 1 down to 1e-6 in equal steps. */
        ARITHMETIC {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                for (int i = 0; i < n; i++) {
                    l[i] = n == 1 ? 1.0 : 1.0 - (1.0 - 1e-6) * i / (n - 1);
                }
                return l;
            }
        },
        /** {@code dlatms} mode 3: from 1 down to 1e-6 in equal ratios, with random signs. */
        GEOMETRIC {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                for (int i = 0; i < n; i++) {
                    double g = n == 1 ? 1.0 : Math.pow(1e-6, (double) i / (n - 1));
                    l[i] = random.nextBoolean() ? g : -g;
                }
                return l;
            }
        },
        /** Graded from 1 down to 1e-300 in equal ratios. */
        GRADED {
            @Override
            double[] spectrum(int n, Random random) {
                double[] l = new double[n];
                for (int i = 0; i < n; i++) {
                    l[i] = n == 1 ? 1.0 : Math.pow(1e-300, (double) i / (n - 1));
                }
                return l;
            }
        },
        /** Random in [−1, 1] scaled by 2⁻⁹⁰⁰ (f64) — in f32 by 2⁻⁹⁰, within its range. */
        TINY {
            @Override
            double[] spectrum(int n, Random random) {
                return scaled(n, random, -900);
            }

            @Override
            double[] spectrumF32(int n, Random random) {
                return scaled(n, random, -90);
            }
        },
        /** Random in [−1, 1] scaled by 2⁹⁰⁰ (f64) — in f32 by 2⁹⁰. */
        HUGE {
            @Override
            double[] spectrum(int n, Random random) {
                return scaled(n, random, 900);
            }

            @Override
            double[] spectrumF32(int n, Random random) {
                return scaled(n, random, 90);
            }
        };

        abstract double[] spectrum(int n, Random random);

        /** The spectrum for a single-precision solver: the same, except where the double one leaves its range. */
        double[] spectrumF32(int n, Random random) {
            return spectrum(n, random);
        }

        /** The prescribed eigenvalues for n and the given storage precision, from the seed. */
        public double[] eigenvalues(int n, boolean f32, long seed) {
            Random random = new Random(seed);
            return f32 ? spectrumF32(n, random) : spectrum(n, random);
        }

        private static double[] scaled(int n, Random random, int exponent) {
            double[] l = new double[n];
            for (int i = 0; i < n; i++) {
                l[i] = Math.scalb(2 * random.nextDouble() - 1, exponent);
            }
            return l;
        }
    }

    /** Q·diag(λ)·Qᵀ, full and column-major, for a random orthogonal Q drawn from the seed. */
    public static double[] matrix(double[] lambda, long seed) {
        int n = lambda.length;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i + i * n] = lambda[i];
        }
        Random random = new Random(seed);
        double[] v = new double[n];
        double[] p = new double[n];
        for (int k = n - 2; k >= 0; k--) {
            // H = I − β·v·vᵀ on indices k..n−1, v = x + sign(x₀)‖x‖e₁ for a Gaussian x.
            int m = n - k;
            double xx = 0;
            for (int i = 0; i < m; i++) {
                v[i] = random.nextGaussian();
                xx += v[i] * v[i];
            }
            v[0] += Math.copySign(Math.sqrt(xx), v[0]);
            double vv = 0;
            for (int i = 0; i < m; i++) {
                vv += v[i] * v[i];
            }
            if (vv == 0) {
                continue;
            }
            double beta = 2.0 / vv;
            // H·A·H = A − β(v·pᵀ + p·vᵀ) + β²(vᵀp)·v·vᵀ with p = A·v (A symmetric).
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += a[i + (k + j) * n] * v[j];
                }
                p[i] = s;
            }
            double vp = 0;
            for (int j = 0; j < m; j++) {
                vp += v[j] * p[k + j];
            }
            double gamma = beta * beta * vp;
            for (int c = 0; c < n; c++) {
                for (int r = 0; r < n; r++) {
                    double vr = r >= k ? v[r - k] : 0.0;
                    double vc = c >= k ? v[c - k] : 0.0;
                    if (vr == 0 && vc == 0) {
                        continue;
                    }
                    a[r + c * n] += -beta * (vr * p[c] + p[r] * vc) + gamma * vr * vc;
                }
            }
        }
        // Exactly symmetric, as a kernel matrix is.
        for (int c = 0; c < n; c++) {
            for (int r = c + 1; r < n; r++) {
                double mean = 0.5 * (a[r + c * n] + a[c + r * n]);
                a[r + c * n] = mean;
                a[c + r * n] = mean;
            }
        }
        return a;
    }

    /**
     * U·diag(λ)·Uᵀ for n×k orthonormal U (Gaussian columns orthonormalised by Gram–Schmidt, twice), full and
     * column-major: rank k with n − k zero eigenvalues, at sizes where {@link #matrix}'s O(n³) would be slow.
     */
    public static double[] lowRank(int n, double[] lambda, long seed) {
        int k = lambda.length;
        Random random = new Random(seed);
        double[] u = new double[n * k];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                u[i + c * n] = random.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int q = 0; q < c; q++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += u[i + q * n] * u[i + c * n];
                    }
                    for (int i = 0; i < n; i++) {
                        u[i + c * n] -= dot * u[i + q * n];
                    }
                }
                double norm = 0;
                for (int i = 0; i < n; i++) {
                    norm += u[i + c * n] * u[i + c * n];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < n; i++) {
                    u[i + c * n] /= norm;
                }
            }
        }
        double[] a = new double[n * n];
        for (int c = 0; c < n; c++) {
            for (int r = c; r < n; r++) {
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += u[r + q * n] * lambda[q] * u[c + q * n];
                }
                a[r + c * n] = s;
                a[c + r * n] = s;
            }
        }
        return a;
    }

    /**
     * The kernel K of {@code distinct} points repeated {@code copies} times each (a collapsed representation), in
     * the order point 0 × copies, point 1 × copies, …: Gᵢⱼ = g_ab for the points' classes a, b, with g given as the
     * distinct points' kernel (g_aa = 1). Full and column-major, n = distinct × copies.
     */
    public static double[] collapsedKernel(double[][] g, int copies) {
        int distinct = g.length;
        int n = distinct * copies;
        double[] degree = new double[distinct];
        for (int a = 0; a < distinct; a++) {
            for (int b = 0; b < distinct; b++) {
                degree[a] += copies * g[a][b];
            }
        }
        double[] k = new double[n * n];
        for (int c = 0; c < n; c++) {
            for (int r = 0; r < n; r++) {
                int a = r / copies;
                int b = c / copies;
                k[r + c * n] = g[a][b] / Math.sqrt(degree[a] * degree[b]);
            }
        }
        return k;
    }

    /**
     * The non-zero eigenvalues of {@link #collapsedKernel}: those of the distinct×distinct matrix
     * M_ab = copies·g_ab / √(d_a·d_b) (K = E·M'·Eᵀ with E the class indicator, whose columns have norm √copies);
     * every other eigenvalue is 0.
     */
    public static double[] collapsedEigenvalues(double[][] g, int copies) {
        int distinct = g.length;
        double[] degree = new double[distinct];
        for (int a = 0; a < distinct; a++) {
            for (int b = 0; b < distinct; b++) {
                degree[a] += copies * g[a][b];
            }
        }
        double[] m = new double[distinct * distinct];
        for (int a = 0; a < distinct; a++) {
            for (int b = 0; b < distinct; b++) {
                m[a + b * distinct] = copies * g[a][b] / Math.sqrt(degree[a] * degree[b]);
            }
        }
        return Jacobi.eigenvalues(m, distinct);
    }
}
