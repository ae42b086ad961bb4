package io.dse4j.internal.cpu;

import io.dse4j.ComputationException;
import io.dse4j.InvalidInputException;
import io.dse4j.spi.Cancellation;

import java.util.SplittableRandom;

/**
 * The official package's Chebyshev approximation of a kernel's eigenvalues ({@code chebyshev_approx=True}), as its
 * documentation and formulas define it, with seeded probes: the kernel's entries below {@link #DROP_BELOW} in
 * magnitude are dropped (a sparse matrix), the first {@link #MOMENTS} Chebyshev moments cₖ = tr Tₖ(K) are estimated
 * with {@link #PROBES} Rademacher vectors z as the mean of zᵀTₖ(K)z (Hutchinson's estimator, the three-term recurrence
 * Tₖ = 2K·Tₖ₋₁ − Tₖ₋₂), the cumulative spectral density is evaluated on {@link #POINTS} points of (−1, 1) from the
 * moments (F(x) = −(2/π)·[c₀(θ − π)/2 + Σₖ cₖ sin(kθ)/k], θ = arccos x; Lin, Saad &amp; Yang, "Approximating spectral
 * densities of large matrices", SIAM Review 58, 2016, §3.1, undamped), and the eigenvalue multiset is rebuilt by
 * giving each mesh point round(N·ΔF/ΣΔF) copies (round half to even). The number of values rebuilt need not be N,
 * and the reference itself warns that they change "quite a bit": this reproduces its estimator, not the spectrum.
 */
final class ChebyshevSpectrum {

    static final double DROP_BELOW = 1e-3;
    static final int MOMENTS = 50;
    static final int PROBES = 100;
    static final int POINTS = 1001;
    /** The most stored entries of the sparse kernel (12 bytes each): ~1.8 GB. */
    static final long MAX_ENTRIES = 150_000_000L;

    private ChebyshevSpectrum() {
    }

    /**
     * The rebuilt eigenvalues of the symmetric kernel held in the lower triangle of {@code a} (column-major n×n,
     * f64), with probes drawn from {@code seed}.
     */
    static double[] eigenvalues(double[] a, int n, long seed, Workers workers) {
        Sparse k = Sparse.of(a, n);
        double[] moments = moments(k, n, seed, workers);
        return rebuild(moments, n);
    }

    /** cₖ, k = 0 … MOMENTS − 1: the mean over the probes of zᵀTₖ(K)z. */
    static double[] moments(Sparse k, int n, long seed, Workers workers) {
        int p = PROBES;
        SplittableRandom random = new SplittableRandom(seed);
        double[] z = new double[n * p];            // row-major: probe q of row i at z[i·p + q]
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextBoolean() ? 1.0 : -1.0;
        }
        double[] previous = z.clone();
        double[] current = new double[n * p];
        double[] next = new double[n * p];
        double[] moments = new double[MOMENTS];
        moments[0] = dotPerProbeMean(z, previous, n, p);
        k.times(previous, current, p, 1.0, null, workers);
        moments[1] = dotPerProbeMean(z, current, n, p);
        for (int m = 2; m < MOMENTS; m++) {
            Cancellation.checkInterrupted();
            k.times(current, next, p, 2.0, previous, workers);     // next = 2K·current − previous
            moments[m] = dotPerProbeMean(z, next, n, p);
            double[] rotated = previous;
            previous = current;
            current = next;
            next = rotated;
        }
        return moments;
    }

    /** The mean over the probes q of Σᵢ z[i,q]·v[i,q]. */
    private static double dotPerProbeMean(double[] z, double[] v, int n, int p) {
        double[] perProbe = new double[p];
        for (int i = 0; i < n; i++) {
            int row = i * p;
            for (int q = 0; q < p; q++) {
                perProbe[q] += z[row + q] * v[row + q];
            }
        }
        double sum = 0;
        for (double s : perProbe) {
            sum += s;
        }
        return sum / p;
    }

    /** The eigenvalue multiset from the moments' cumulative density on the mesh. */
    static double[] rebuild(double[] moments, int n) {
        double[] mesh = new double[POINTS];
        double start = -1 + 1e-8;
        double stop = 1 - 1e-8;
        double step = (stop - start) / (POINTS - 1);
        for (int i = 0; i < POINTS; i++) {
            mesh[i] = start + i * step;     // numpy's linspace, the last point exactly stop
        }
        mesh[POINTS - 1] = stop;
        double[] cumulative = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            double theta = Math.acos(mesh[i]);
            double y = moments[0] * (theta - Math.PI) / 2;
            for (int k = 1; k < moments.length; k++) {
                y += moments[k] * Math.sin(k * theta) / k;
            }
            cumulative[i] = y * (-2 / Math.PI);
        }
        double[] density = new double[POINTS];     // the last stays 0, as the reference's
        double total = 0;
        for (int i = 0; i < POINTS - 1; i++) {
            density[i] = cumulative[i + 1] - cumulative[i];
            total += density[i];
        }
        int count = 0;
        long[] copies = new long[POINTS];
        for (int i = 0; i < POINTS; i++) {
            double c = Math.rint(n * density[i] / total);
            copies[i] = c > 0 ? (long) c : 0;
            count = Math.addExact(count, (int) Math.min(copies[i], Integer.MAX_VALUE));
        }
        if (count == 0) {
            throw new ComputationException("the Chebyshev approximation rebuilt no eigenvalues (its density is "
                    + "nowhere positive enough); use the exact method");
        }
        double[] values = new double[count];
        int at = 0;
        for (int i = 0; i < POINTS; i++) {
            for (long c = 0; c < copies[i]; c++) {
                values[at++] = mesh[i];
            }
        }
        return values;
    }

    /** The kernel with its small entries dropped, both triangles, in compressed sparse rows. */
    static final class Sparse {
        final int n;
        final int[] start;
        final int[] column;
        final double[] value;

        private Sparse(int n, int[] start, int[] column, double[] value) {
            this.n = n;
            this.start = start;
            this.column = column;
            this.value = value;
        }

        /** From the lower triangle of column-major {@code a}: entry (i, j) is a[max(i,j) + min(i,j)·n]. */
        static Sparse of(double[] a, int n) {
            int[] perRow = new int[n];
            long entries = 0;
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    if (Math.abs(a[i + j * n]) >= DROP_BELOW) {
                        perRow[i]++;
                        entries++;
                        if (i != j) {
                            perRow[j]++;
                            entries++;
                        }
                    }
                }
            }
            if (entries > MAX_ENTRIES) {
                throw new InvalidInputException("method", "the Chebyshev approximation keeps " + entries + " of the "
                        + "kernel's entries (≥ " + DROP_BELOW + "), more than the " + MAX_ENTRIES + " it stores; use "
                        + "the exact method, or a smaller σ");
            }
            int[] start = new int[n + 1];
            for (int i = 0; i < n; i++) {
                start[i + 1] = start[i] + perRow[i];
            }
            int[] fill = start.clone();
            int[] column = new int[(int) entries];
            double[] value = new double[(int) entries];
            // Column j of the lower triangle gives row i's entry (i, j) and row j's entry (j, i); walking j upward
            // fills every row in increasing column order.
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    double v = a[i + j * n];
                    if (Math.abs(v) >= DROP_BELOW) {
                        column[fill[i]] = j;
                        value[fill[i]++] = v;
                        if (i != j) {
                            column[fill[j]] = i;
                            value[fill[j]++] = v;
                        }
                    }
                }
            }
            return new Sparse(n, start, column, value);
        }

        /**
         * out = scale·K·x − minus (minus may be null), for p right-hand sides stored row-major, rows split among
         * the workers.
         */
        void times(double[] x, double[] out, int p, double scale, double[] minus, Workers workers) {
            int parts = workers.partsFor((double) value.length * p);
            workers.run(parts, t -> {
                int from = (int) ((long) n * t / parts);
                int to = (int) ((long) n * (t + 1) / parts);
                double[] row = new double[p];
                for (int i = from; i < to; i++) {
                    java.util.Arrays.fill(row, 0.0);
                    for (int e = start[i]; e < start[i + 1]; e++) {
                        double v = value[e];
                        int src = column[e] * p;
                        for (int q = 0; q < p; q++) {
                            row[q] += v * x[src + q];
                        }
                    }
                    int dst = i * p;
                    for (int q = 0; q < p; q++) {
                        out[dst + q] = minus == null ? scale * row[q] : scale * row[q] - minus[dst + q];
                    }
                }
            });
        }
    }
}
