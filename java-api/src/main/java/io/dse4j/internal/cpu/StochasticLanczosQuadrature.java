package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.LanczosSamples;
import io.dse4j.spi.ProgressSink;
import io.dse4j.spi.StageClock;

import java.util.SplittableRandom;

/**
 * The samples of the entropy estimator: traces of functions of K by stochastic Lanczos quadrature (Ubaru, Chen &amp;
 * Saad, "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature", SIAM J. Matrix Anal. Appl. 38, 2017)
 * after the dominant eigenpairs are deflated exactly (the idea of Hutch++: Meyer, Musco, Musco &amp; Woodruff,
 * SOSA 2021; here, as in its variants for matrix functions, with eigenpairs).
 *
 * <ol>
 *   <li>Deflation: the stationary eigenvector D'^½·1 (eigenvalue 1, known exactly), then a randomized block Krylov
 *       space [Ω, KΩ, …, K^qΩ] in its complement (Musco &amp; Musco, "Randomized block Krylov methods for stronger
 *       and faster approximate singular value decomposition", NeurIPS 2015), orthonormalised block by block
 *       (Gram–Schmidt twice: Giraud, Langou &amp; Rozložník, Comput. Math. Appl. 50, 2005); Rayleigh–Ritz in it,
 *       with K applied to every basis block, gives each Ritz pair's residual ‖Ky − θy‖ exactly, and the pairs with
 *       a residual at most {@link #RESIDUAL_TOLERANCE}·θ are deflated.</li>
 *   <li>Probes: Rademacher vectors projected onto the complement of the deflated vectors, each run through
 *       Lanczos on R = P·K·P in lockstep (one product with K per step for the whole block), with full
 *       reorthogonalisation, stopping a probe whose Krylov space closes; its Gauss and Gauss–Radau rules
 *       ({@link GaussQuadrature}) are kept with zᵀRz and zᵀR²z, the control variates whose means tr R and tr R²
 *       are known from tr K, tr K² and the deflated pairs.</li>
 * </ol>
 *
 * <p>Every random draw comes from one {@link SplittableRandom}(seed): the same seed gives the same samples.
 */
final class StochasticLanczosQuadrature {

    /** Relative residual below which a Ritz pair counts as an eigenpair and is deflated. */
    static final double RESIDUAL_TOLERANCE = 1e-3;
    /** A Lanczos vector (or a block column) shorter than this after orthogonalisation ends its run. */
    private static final double BREAKDOWN = 1e-10;

    /** The run's sizes: deflation block width and its Krylov depth, probes and Lanczos steps. */
    record Plan(int block, int depth, int probes, int steps) {
    }

    private StochasticLanczosQuadrature() {
    }

    static LanczosSamples run(KernelOperator k, Plan plan, long seed, Workers workers, StageClock clock) {
        int n = k.n();
        VectorOps<double[]> ops = VectorOps.f64For(n);
        SplittableRandom random = new SplittableRandom(seed);
        ProgressSink progress = ProgressSink.current();
        double totalPasses = plan.depth() + 1 + plan.steps();
        // 1. Deflation.
        double[] v1 = k.stationary();
        int limit = Math.min(n - 1, plan.block() * (plan.depth() + 1));
        double[] basis = new double[n * Math.max(1, limit)];
        double[] images = new double[n * Math.max(1, limit)];
        int size = 0;
        if (limit > 0) {
            double[] start = new double[n * Math.min(plan.block(), limit)];
            for (int i = 0; i < start.length; i++) {
                start[i] = random.nextGaussian();
            }
            int added = appendOrthonormal(ops, start, start.length / n, n, v1, basis, size, limit);
            for (int pass = 0; pass <= plan.depth() && added > 0; pass++) {
                Cancellation.checkInterrupted();
                report(k, progress, pass / totalPasses, 1 / totalPasses);
                int first = size;
                size += added;
                multiply(k, basis, first, added, images, n);
                if (pass == plan.depth() || size >= limit) {
                    break;
                }
                double[] next = java.util.Arrays.copyOfRange(images, first * n, size * n);
                added = appendOrthonormal(ops, next, size - first, n, v1, basis, size, limit);
            }
        }
        clock.lap("deflation");
        Deflated deflated = rayleighRitz(ops, basis, images, size, n, v1, workers);
        double restTrace = k.trace() - sum(deflated.values);
        double restSquareTrace = k.traceOfSquare() - 2 * deflated.imageSquares + sumOfSquares(deflated.values);
        // 2. Probes.
        int p = plan.probes();
        double[] z = new double[n * p];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextBoolean() ? 1.0 : -1.0;
        }
        int kept = deflated.values.length;
        project(ops, z, p, n, deflated.vectors, kept);
        project(ops, z, p, n, deflated.vectors, kept);
        double[] norms = new double[p];
        boolean[] active = new boolean[p];
        for (int c = 0; c < p; c++) {
            norms[c] = Math.sqrt(ops.dot(z, c * n, z, c * n, n));
            active[c] = norms[c] > BREAKDOWN * Math.sqrt(n);
            scaleColumn(z, c, n, active[c] ? 1 / norms[c] : 0);
        }
        int m = Math.max(1, plan.steps());
        double[][] lanczos = new double[m + 1][];
        lanczos[0] = z;
        double[][] alpha = new double[p][m];
        double[][] beta = new double[p][m];
        int[] length = new int[p];
        int used = 0;
        for (int j = 0; j < m && anyActive(active); j++) {
            Cancellation.checkInterrupted();
            report(k, progress, (plan.depth() + 1 + j) / totalPasses, 1 / totalPasses);
            double[] w = new double[n * p];
            k.multiply(lanczos[j], p, w);
            used = j + 1;
            project(ops, w, p, n, deflated.vectors, kept);
            for (int c = 0; c < p; c++) {
                if (!active[c]) {
                    java.util.Arrays.fill(w, c * n, (c + 1) * n, 0.0);
                    continue;
                }
                int o = c * n;
                double a = ops.dot(lanczos[j], o, w, o, n);
                alpha[c][j] = a;
                ops.axpy(-a, lanczos[j], o, w, o, n);
                if (j > 0) {
                    ops.axpy(-beta[c][j - 1], lanczos[j - 1], o, w, o, n);
                }
                for (int again = 0; again < 2; again++) {
                    for (int i = 0; i <= j; i++) {
                        ops.axpy(-ops.dot(lanczos[i], o, w, o, n), lanczos[i], o, w, o, n);
                    }
                }
            }
            project(ops, w, p, n, deflated.vectors, kept);
            for (int c = 0; c < p; c++) {
                if (!active[c]) {
                    continue;
                }
                double b = Math.sqrt(ops.dot(w, c * n, w, c * n, n));
                beta[c][j] = b;
                length[c] = j + 1;
                if (b <= BREAKDOWN) {
                    active[c] = false;
                    java.util.Arrays.fill(w, c * n, (c + 1) * n, 0.0);
                } else {
                    scaleColumn(w, c, n, 1 / b);
                }
            }
            lanczos[j + 1] = w;
        }
        clock.lap("lanczos");
        // 3. Rules per probe. A probe with nothing left after the projection (the deflated vectors span the whole
        // space, to rounding) stays a sample — of value 0 — so that the mean stays unbiased.
        int probes = p;
        double[][] gaussNodes = new double[probes][];
        double[][] gaussWeights = new double[probes][];
        double[][] radauNodes = new double[probes][];
        double[][] radauWeights = new double[probes][];
        double[] linear = new double[probes];
        double[] quadratic = new double[probes];
        int q = 0;
        for (int c = 0; c < p; c++) {
            int len = length[c];
            if (len == 0) {
                gaussNodes[q] = new double[0];
                gaussWeights[q] = new double[0];
                radauNodes[q] = new double[0];
                radauWeights[q] = new double[0];
                q++;
                continue;
            }
            double nu2 = norms[c] * norms[c];
            GaussQuadrature.Rule gauss = GaussQuadrature.gauss(alpha[c], beta[c], len);
            boolean closed = beta[c][len - 1] == 0;
            GaussQuadrature.Rule radau = closed ? null : GaussQuadrature.radau(alpha[c], beta[c], len, 0.0);
            if (radau == null) {
                radau = gauss;
            }
            gaussNodes[q] = gauss.nodes();
            gaussWeights[q] = scaled(gauss.weights(), nu2);
            radauNodes[q] = radau.nodes();
            radauWeights[q] = scaled(radau.weights(), nu2);
            linear[q] = nu2 * alpha[c][0];
            quadratic[q] = nu2 * (alpha[c][0] * alpha[c][0] + beta[c][0] * beta[c][0]);
            q++;
        }
        clock.lap("quadrature");
        double[] gaps = gaps(deflated, gaussNodes);
        progress.finished("slq");
        return new LanczosSamples(n, deflated.values, deflated.residuals, gaps, restTrace, restSquareTrace, gaussNodes,
                gaussWeights,
                radauNodes, radauWeights, linear, quadratic, used > 0 ? m : 0, k.passes(), k.matrixFree(), clock
                        .timings());
    }

    /**
     * Each deflated value's distance to the nearest value seen of the rest of the spectrum: the Ritz values not
     * deflated and every probe's Gauss nodes (∞ when nothing else was seen: the whole space was deflated).
     */
    private static double[] gaps(Deflated deflated, double[][] gaussNodes) {
        double[] gaps = new double[deflated.values.length];
        for (int i = 0; i < gaps.length; i++) {
            double theta = deflated.values[i];
            double gap = Double.POSITIVE_INFINITY;
            for (double other : deflated.others) {
                gap = Math.min(gap, Math.abs(theta - other));
            }
            for (double[] nodes : gaussNodes) {
                for (double node : nodes) {
                    gap = Math.min(gap, Math.abs(theta - node));
                }
            }
            gaps[i] = gap;
        }
        return gaps;
    }

    private static void report(KernelOperator k, ProgressSink progress, double from, double span) {
        progress.stage("slq", from);
        k.reportAs(from, span);
    }

    /** images[first..first+cols) = K·basis[first..first+cols) (column blocks of n). */
    private static void multiply(KernelOperator k, double[] basis, int first, int cols, double[] images, int n) {
        double[] x = java.util.Arrays.copyOfRange(basis, first * n, (first + cols) * n);
        double[] y = new double[x.length];
        k.multiply(x, cols, y);
        System.arraycopy(y, 0, images, first * n, y.length);
    }

    /**
     * The deflated pairs: eigenvalues (the stationary 1 first), vectors (column-major n×count), Σ‖K·qᵢ‖², their
     * residuals, and the Ritz values that were not deflated.
     */
    private record Deflated(double[] values, double[] vectors, double imageSquares, double[] residuals,
                            double[] others) {
    }

    /**
     * Rayleigh–Ritz in the basis: H = Bᵀ·(K·B), its eigenpairs (θ, w), Ritz vectors y = B·w with K·y = (K·B)·w, and
     * the pairs whose residual ‖K·y − θ·y‖ ≤ tolerance·θ kept after the stationary vector.
     */
    private static Deflated rayleighRitz(VectorOps<double[]> ops, double[] basis, double[] images, int size, int n,
                                         double[] v1,
                                         Workers workers) {
        java.util.List<double[]> vectors = new java.util.ArrayList<>();
        java.util.List<Double> values = new java.util.ArrayList<>();
        java.util.List<Double> residuals = new java.util.ArrayList<>();
        java.util.List<Double> others = new java.util.ArrayList<>();
        double imageSquares = 1.0;     // ‖K·v1‖² = ‖v1‖² = 1
        vectors.add(v1);
        values.add(1.0);
        residuals.add(0.0);
        if (size > 0) {
            double[] h = new double[size * size];
            for (int j = 0; j < size; j++) {
                for (int i = j; i < size; i++) {
                    double bij = ops.dot(basis, i * n, images, j * n, n);
                    double bji = ops.dot(basis, j * n, images, i * n, n);
                    h[i + j * size] = 0.5 * (bij + bji);
                }
            }
            SymmetricEigenvectors.Decomposition d =
                    new SymmetricEigenvectors<>(VectorOps.f64For(size), workers).decompose(h, size);
            double[] y = new double[n];
            double[] ky = new double[n];
            for (int r = size - 1; r >= 0; r--) {
                double theta = d.values()[r];
                java.util.Arrays.fill(y, 0.0);
                java.util.Arrays.fill(ky, 0.0);
                for (int c = 0; c < size; c++) {
                    double wc = d.vector(c, r);
                    ops.axpy(wc, basis, c * n, y, 0, n);
                    ops.axpy(wc, images, c * n, ky, 0, n);
                }
                double residual = 0;
                for (int i = 0; i < n; i++) {
                    double e = ky[i] - theta * y[i];
                    residual += e * e;
                }
                if (theta > 0 && Math.sqrt(residual) <= RESIDUAL_TOLERANCE * theta) {
                    vectors.add(y.clone());
                    values.add(theta);
                    residuals.add(Math.sqrt(residual));
                    imageSquares += ops.dot(ky, 0, ky, 0, n);
                } else {
                    others.add(theta);
                }
            }
        }
        double[] q = new double[n * vectors.size()];
        double[] v = new double[vectors.size()];
        for (int c = 0; c < v.length; c++) {
            System.arraycopy(vectors.get(c), 0, q, c * n, n);
            v[c] = values.get(c);
        }
        return new Deflated(v, q, imageSquares, residuals.stream().mapToDouble(Double::doubleValue).toArray(),
                others.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * Orthonormalises the columns of {@code block} against v1, the basis's first {@code size} columns and each
     * other (Gram–Schmidt twice), appending those that keep more than {@link #BREAKDOWN} of their norm to the basis,
     * up to {@code limit} columns; returns how many were appended.
     */
    private static int appendOrthonormal(VectorOps<double[]> ops, double[] block, int cols, int n, double[] v1,
                                         double[] basis, int size,
                                         int limit) {
        int added = 0;
        for (int c = 0; c < cols && size + added < limit; c++) {
            int o = c * n;
            double before = Math.sqrt(ops.dot(block, o, block, o, n));
            if (!(before > 0)) {
                continue;
            }
            for (int again = 0; again < 2; again++) {
                ops.axpy(-ops.dot(v1, 0, block, o, n), v1, 0, block, o, n);
                for (int i = 0; i < size + added; i++) {
                    ops.axpy(-ops.dot(basis, i * n, block, o, n), basis, i * n, block, o, n);
                }
            }
            double after = Math.sqrt(ops.dot(block, o, block, o, n));
            if (after <= BREAKDOWN * before) {
                continue;
            }
            int target = (size + added) * n;
            for (int i = 0; i < n; i++) {
                basis[target + i] = block[o + i] / after;
            }
            added++;
        }
        return added;
    }

    /** x ← (I − Q·Qᵀ)·x for each of x's cols columns, Q the first {@code count} columns of q. */
    private static void project(VectorOps<double[]> ops, double[] x, int cols, int n, double[] q, int count) {
        for (int c = 0; c < cols; c++) {
            int o = c * n;
            for (int i = 0; i < count; i++) {
                ops.axpy(-ops.dot(q, i * n, x, o, n), q, i * n, x, o, n);
            }
        }
    }

    private static boolean anyActive(boolean[] active) {
        for (boolean a : active) {
            if (a) {
                return true;
            }
        }
        return false;
    }

    private static double[] scaled(double[] values, double factor) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }

    private static void scaleColumn(double[] x, int c, int n, double factor) {
        for (int i = c * n; i < (c + 1) * n; i++) {
            x[i] *= factor;
        }
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static double sumOfSquares(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v * v;
        }
        return s;
    }
}
