package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the symmetric diffusion kernel K = D^-½·G·D^-½ of n points in place, in the lower triangle of one n×n
 * column-major array of the working precision: the only N×N allocation of the CPU path.
 *
 * <ol>
 *   <li>{@link #gram}: Gᵢⱼ ← xᵢ·xⱼ for i ≥ j, cache-blocked over row blocks (the block of Xᵀ stays in L2 while
 *       each column streams through it), row blocks shared among the workers. Accumulated in double whatever the
 *       working precision, so that the distances below do not lose more than the final rounding.</li>
 *   <li>{@link #normalise}: d²ᵢⱼ = ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ clamped at 0 with an exact 0 diagonal,
 *       Gᵢⱼ = exp(−d²ᵢⱼ / 2σ²), degrees dᵢ = Σⱼ Gᵢⱼ, then Kᵢⱼ = (dᵢ^-½·Gᵢⱼ)·dⱼ^-½ — the order the reference's
 *       diag(d)·G·diag(d) product amounts to.</li>
 * </ol>
 *
 * <p>The Gaussian's constant 1/(σ√2π) cancels in K, so it is left out: this keeps every degree ≥ 1 (the diagonal
 * of G is exactly 1), so a σ so small that every off-diagonal entry underflows gives K = I, whose DSE is log₂ n,
 * instead of 0/0.
 *
 * <p>Both stages check for cancellation ({@link Cancellation#checkInterrupted()}) once per row block or column.
 */
final class DiffusionKernel<A> {

    /** Rows per block of the Gram computation: a 256-row block of Xᵀ with D = 256 is 512 KiB, within L2. */
    private static final int ROW_BLOCK = 256;

    private final VectorOps<double[]> f64;
    private final VectorOps<A> ops;
    private final Workers workers;

    DiffusionKernel(VectorOps<A> ops, Workers workers) {
        this.f64 = VectorOps.f64();
        this.ops = ops;
        this.workers = workers;
    }

    /**
     * Lower triangle of the Gram matrix: {@code a[i + j·n] = Σ_k xt[k·n + i]·xt[k·n + j]} for i ≥ j.
     *
     * @param xt the points, column-major (coordinate k of point i at {@code xt[k·n + i]}), not modified
     */
    void gram(double[] xt, int n, int dims, A a) {
        int blocks = (n + ROW_BLOCK - 1) / ROW_BLOCK;
        AtomicInteger next = new AtomicInteger();
        // The last row blocks hold the most columns: hand them out first so the workers finish together.
        workers.run(workers.partsFor((double) n * n * dims), t -> {
            double[] segment = new double[ROW_BLOCK];
            for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                Cancellation.checkInterrupted();
                int block = blocks - 1 - b;
                int r0 = block * ROW_BLOCK;
                int r1 = Math.min(n, r0 + ROW_BLOCK);
                for (int j = 0; j < r1; j++) {
                    int from = Math.max(r0, j);
                    int rows = r1 - from;
                    java.util.Arrays.fill(segment, 0, rows, 0.0);
                    int k = 0;
                    for (; k + 3 < dims; k += 4) {
                        int x0 = k * n;
                        f64.axpy4(segment, 0, xt, x0 + from, x0 + n + from, x0 + 2 * n + from, x0 + 3 * n + from,
                                xt[x0 + j], xt[x0 + n + j], xt[x0 + 2 * n + j], xt[x0 + 3 * n + j], rows);
                    }
                    for (; k < dims; k++) {
                        f64.axpy(xt[k * n + j], xt, k * n + from, segment, 0, rows);
                    }
                    ops.store(segment, a, j * n + from, rows);
                }
            }
        });
    }

    /**
     * Turns the Gram matrix in the lower triangle of {@code a} into K (see the class comment), or into G alone when
     * {@code symmetricNormalisation} is false.
     *
     * @param norms ‖xᵢ‖², computed in double from the points (the Gram diagonal may have been rounded)
     * @param sigma the kernel bandwidth, finite and positive
     */
    void normalise(A a, int n, double[] norms, double sigma, boolean symmetricNormalisation) {
        double scale = -1.0 / (2.0 * sigma * sigma);
        int parts = workers.partsFor(0.5 * n * n * 8);
        int[] bounds = Workers.splitTriangle(n, parts);
        double[][] partialDegrees = new double[parts][n];
        workers.run(parts, t -> {
            double[] degrees = partialDegrees[t];
            double[] column = new double[n];
            for (int j = bounds[t]; j < bounds[t + 1]; j++) {
                Cancellation.checkInterrupted();
                int m = n - j;
                ops.load(a, j * n + j, column, m);
                double nj = norms[j];
                double columnSum = 1.0;
                column[0] = 1.0;
                for (int r = 1; r < m; r++) {
                    double d2 = Math.max(0.0, norms[j + r] + nj - 2.0 * column[r]);
                    double g = Math.exp(d2 * scale);
                    column[r] = g;
                    columnSum += g;
                    degrees[j + r] += g;
                }
                degrees[j] += columnSum;
                ops.store(column, a, j * n + j, m);
            }
        });
        if (!symmetricNormalisation) {
            return;
        }
        double[] rootInverse = new double[n];
        for (int i = 0; i < n; i++) {
            double degree = 0;
            for (int t = 0; t < parts; t++) {
                degree += partialDegrees[t][i];
            }
            rootInverse[i] = 1.0 / Math.sqrt(degree);
        }
        workers.run(parts, t -> {
            double[] column = new double[n];
            for (int j = bounds[t]; j < bounds[t + 1]; j++) {
                Cancellation.checkInterrupted();
                int m = n - j;
                ops.load(a, j * n + j, column, m);
                double rj = rootInverse[j];
                for (int r = 0; r < m; r++) {
                    column[r] = (rootInverse[j + r] * column[r]) * rj;
                }
                ops.store(column, a, j * n + j, m);
            }
        });
    }

    /** ‖xᵢ‖² for the column-major points. */
    static double[] squaredNorms(double[] xt, int n, int dims) {
        double[] norms = new double[n];
        for (int k = 0; k < dims; k++) {
            int o = k * n;
            for (int i = 0; i < n; i++) {
                norms[i] += xt[o + i] * xt[o + i];
            }
        }
        return norms;
    }
}
