package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.Points;
import io.dse4j.spi.ProgressSink;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the symmetric diffusion kernel K = D^-½·G·D^-½ of n points in place, in the lower triangle of one n×n
 * column-major array of the working precision: the only N×N allocation of the CPU path.
 *
 * <ol>
 *   <li>{@link #gram}: Gᵢⱼ ← xᵢ·xⱼ for i ≥ j, a packed matrix product over tiles of the lower triangle, tile
 *       rows shared among the workers. Accumulated in double whatever the
 *       working precision, so that the distances below do not lose more than the final rounding.</li>
 *   <li>{@link #normalise}: d²ᵢⱼ = ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ, recomputed by differences where that cancels
 *       ({@link SquaredDistances}), with an exact 0 diagonal,
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

    /**
     * Tile edge of the Gram product (rounded up to a multiple of MR and NR) and the coordinates per packed slice: a
     * worker's two packed panels (2 × 128 × 256 doubles) and its 128 × 128 double tile, 640 KiB in all, stay in L2.
     */
    private static final int GRAM_TILE = 128;
    private static final int GRAM_DEPTH = 256;

    private final VectorOps<double[]> f64;
    private final VectorOps<A> ops;
    private final Workers workers;

    DiffusionKernel(VectorOps<A> ops, Workers workers) {
        this.f64 = ops.f64Companion();
        this.ops = ops;
        this.workers = workers;
    }

    /**
     * Lower triangle of the Gram matrix: {@code a[i + j·n] = Σ_k xt[k·n + i]·xt[k·n + j]} for i ≥ j.
     *
     * <p>A packed matrix product (Goto &amp; van de Geijn, ACM TOMS 34(3), 2008) over tiles of the lower triangle:
     * for each tile (I, J), I ≥ J, and each slice of {@link #GRAM_DEPTH} coordinates, the tile's rows of Y (point i's
     * coordinates) are packed into panels of MR rows and its columns into panels of NR, and the register-blocked
     * micro-kernel ({@link VectorOps#gemmBlock}, in double) accumulates each MR × NR block in a double tile that is
     * then stored, lower part only, in the working precision. Packing per tile costs one read of 2·TILE·D values
     * for 2·TILE²·D flops. Tile rows go to the workers from the last (the longest) on, so they finish together;
     * cancellation is checked per tile.
     *
     * @param xt the points, column-major (coordinate k of point i at {@code xt[k·n + i]}), not modified
     */
    void gram(double[] xt, int n, int dims, A a) {
        products(xt, n, dims, true, "distances", (part, r0, rows, c0, cols, c, ld) -> {
            for (int jj = 0; jj < cols; jj++) {
                int j = c0 + jj;
                int from = Math.max(r0, j);
                if (from < r0 + rows) {
                    ops.store(c, jj * ld + from - r0, a, j * n + from, r0 + rows - from);
                }
            }
        });
    }

    /** What {@link #products} hands over: the dot products of one tile, in double, column-major. */
    @FunctionalInterface
    interface Tile {
        /**
         * @param part the worker part (0 ≤ part &lt; the count {@code products} returned) running this tile, for
         *             per-part accumulators
         * @param c    {@code c[ii + jj·ld]} = xᵢ·xⱼ for i = r0 + ii, j = c0 + jj; in a diagonal tile of a
         *             lower-triangle pass only i ≥ j is valid
         */
        void accept(int part, int r0, int rows, int c0, int cols, double[] c, int ld);
    }

    /**
     * Every tile of the matrix of dot products xᵢ·xⱼ, computed as {@link #gram} does, handed to {@code tile} on the
     * worker that computed it instead of stored: the lower triangle's tiles (I ≥ J), or with
     * {@code lowerTriangle} false every tile, each row of tiles on one worker, so that a per-row accumulator is
     * touched by one thread only. Returns the number of parts the work was split into.
     */
    int products(double[] xt, int n, int dims, boolean lowerTriangle, String stage, Tile tile) {
        return products(xt, n, dims, lowerTriangle, stage, 0, 1, tile);
    }

    /**
     * As {@link #products(double[], int, int, boolean, String, Tile)}, reporting {@code from + span·f} as the
     * stage's fraction when f of the tiles are done: for a stage made of several passes.
     */
    int products(double[] xt, int n, int dims, boolean lowerTriangle, String stage, double from, double span,
                 Tile tile) {
        int size = PackedBlock.tileSize(GRAM_TILE, f64.gemmRows(), f64.gemmCols());
        int tiles = (n + size - 1) / size;
        int depth = Math.max(1, Math.min(dims, GRAM_DEPTH));
        boolean oneSlice = dims <= depth;
        AtomicInteger next = new AtomicInteger();
        AtomicLong tilesDone = new AtomicLong();
        double tilesInAll = lowerTriangle ? (double) tiles * (tiles + 1) / 2 : (double) tiles * tiles;
        ProgressSink progress = ProgressSink.current();
        int parts = Math.min(tiles, workers.partsFor((double) n * n * dims));
        workers.run(parts, t -> {
            double[] p = new double[size * depth];
            double[] q = new double[size * depth];
            double[] c = new double[size * size];
            for (int b = next.getAndIncrement(); b < tiles; b = next.getAndIncrement()) {
                int row = tiles - 1 - b;
                int r0 = row * size;
                int rows = Math.min(size, n - r0);
                if (oneSlice) {
                    f64.packRows(xt, n, r0, rows, 0, dims, p, 0, dims);
                }
                int columns = lowerTriangle ? row + 1 : tiles;
                for (int column = 0; column < columns; column++) {
                    Cancellation.checkInterrupted();
                    productTile(xt, n, dims, size, depth, oneSlice, lowerTriangle, row, column, p, q, c);
                    int c0 = column * size;
                    tile.accept(t, r0, rows, c0, Math.min(size, n - c0), c, size);
                }
                progress.stage(stage, from + span * (tilesDone.addAndGet(columns) / tilesInAll));
            }
        });
        return Math.max(1, parts);
    }

    /**
     * Tile (row, column) of the dot products, accumulated in the double tile {@code c}. A method of its own so that
     * C2 compiles it once instead of replacing the tile loop on the stack.
     */
    private void productTile(double[] xt, int n, int dims, int tile, int depth, boolean oneSlice,
                             boolean lowerTriangle, int row, int column, double[] p, double[] q, double[] c) {
        int mr = f64.gemmRows();
        int nr = f64.gemmCols();
        int r0 = row * tile;
        int rows = Math.min(tile, n - r0);
        int c0 = column * tile;
        int cols = Math.min(tile, n - c0);
        java.util.Arrays.fill(c, 0.0);
        for (int k0 = 0; k0 < dims; k0 += depth) {
            int kc = Math.min(depth, dims - k0);
            if (!oneSlice) {
                f64.packRows(xt, n, r0, rows, k0, kc, p, 0, kc);
            }
            f64.packColumnsOfTranspose(xt, n, c0, cols, k0, kc, 1.0, q, 0, kc);
            // Padded rows and columns are packed as zeros, so every block runs whole within the tile.
            for (int jq = 0; jq < cols; jq += nr) {
                for (int ip = 0; ip < rows; ip += mr) {
                    if (lowerTriangle && column == row && ip + mr <= jq) {
                        continue;   // wholly above the diagonal
                    }
                    f64.gemmBlock(kc, p, ip * kc, q, jq * kc, c, jq * tile + ip, tile);
                }
            }
        }
    }

    /**
     * Turns the Gram matrix in the lower triangle of {@code a} into K (see the class comment), or into G alone when
     * {@code symmetricNormalisation} is false.
     *
     * @param points the points the Gram matrix was formed from ({@link #gram} of their values); their squared norms
     *              are computed in double from them (the Gram diagonal may have been rounded), and entries whose
     *              Gram expansion cancels are recomputed from their original coordinates ({@link SquaredDistances})
     * @param sigma the kernel bandwidth, finite and positive
     * @return the degrees dᵢ = Σⱼ Gᵢⱼ of the matrix that was (or would be) symmetrically normalised
     */
    double[] normalise(A a, Points points, double sigma, boolean symmetricNormalisation) {
        return normalise(a, points, sigma, KernelShape.STANDARD, symmetricNormalisation);
    }

    /**
     * As {@link #normalise(Object, Points, double, boolean)} for a kernel of the given shape: per-point
     * bandwidths (Gᵢⱼ = exp(−d²ᵢⱼ / 2σᵢσⱼ)), PHATE's α-decay (½·exp(−(dᵢⱼ/σᵢ)^a) + ½·exp(−(dᵢⱼ/σⱼ)^a)), then the
     * α-normalisation G ← D^−α·G·D^−α before the symmetric one (see {@link KernelShape}). Every form has Gᵢᵢ = 1.
     *
     * @return the degrees of the matrix that was (or would be) symmetrically normalised: those of G_α — up to one
     *         common factor when α is so large that d^−α would underflow and K is formed in logarithms
     *         ({@link AlphaNormalisation})
     */
    double[] normalise(A a, Points points, double sigma, KernelShape shape, boolean symmetricNormalisation) {
        int n = points.n();
        double scale = -1.0 / (2.0 * sigma * sigma);
        double[] norms = squaredNorms(points.values(), n, points.dims());
        SquaredDistances distances = new SquaredDistances(f64, points, norms,
                shape.bandwidths() == null ? SquaredDistances.visibleFor(scale, ops.precision())
                        : Double.POSITIVE_INFINITY);
        double[] inverse = null;
        if (shape.bandwidths() != null) {
            inverse = new double[n];
            for (int i = 0; i < n; i++) {
                inverse[i] = 1.0 / shape.bandwidths()[i];
            }
        }
        double[] inv = inverse;
        double decay = shape.decay();
        int parts = workers.reductionParts(0.5 * n * n * 8);   // the degrees' sums: the same bits for any count
        int[] bounds = Workers.splitTriangle(n, parts);
        double[][] partialDegrees = new double[parts][n];
        workers.run(parts, t -> {
            double[] degrees = partialDegrees[t];
            double[] column = new double[n];
            for (int j = bounds[t]; j < bounds[t + 1]; j++) {
                Cancellation.checkInterrupted();
                int m = n - j;
                ops.load(a, j * n + j, column, m);
                double columnSum = 1.0;
                column[0] = 1.0;
                if (inv == null) {
                    for (int r = 1; r < m; r++) {
                        double d2 = distances.of(column[r], j + r, j);
                        double g = Math.exp(d2 * scale);
                        column[r] = g;
                        columnSum += g;
                        degrees[j + r] += g;
                    }
                } else {
                    columnSum = shapedColumn(column, m, j, distances, inv, decay, degrees);
                }
                degrees[j] += columnSum;
                ops.store(column, a, j * n + j, m);
            }
        });
        double[] degree = sumParts(partialDegrees, n);
        double[] rootInverse = null;
        if (shape.alpha() != 0) {
            if (AlphaNormalisation.direct(degree, shape.alpha(), ops.precision())) {
                degree = alphaNormalise(a, n, degree, AlphaNormalisation.plainFactors(degree, shape.alpha()), parts,
                        bounds);
            } else if (!symmetricNormalisation) {
                // G_α alone: a common factor changes nothing its entropy sees, so f is rescaled to at most 1.
                degree = alphaNormalise(a, n, degree, AlphaNormalisation.rescaledFactors(degree, shape.alpha()),
                        parts, bounds);
            } else {
                // d^−α would underflow: K = U·G·U with U from row log-sums, degree rescaled by a common factor.
                double[] logFactors = AlphaNormalisation.logFactors(degree, shape.alpha());
                rootInverse = AlphaNormalisation.scaling(logFactors, logRowSums(a, n, logFactors, parts, bounds),
                        degree);
            }
        }
        if (!symmetricNormalisation) {
            return degree;
        }
        double[] scaling = rootInverse != null ? rootInverse : rootInverses(degree);
        workers.run(parts, t -> {
            double[] column = new double[n];
            for (int j = bounds[t]; j < bounds[t + 1]; j++) {
                Cancellation.checkInterrupted();
                int m = n - j;
                ops.load(a, j * n + j, column, m);
                double rj = scaling[j];
                for (int r = 0; r < m; r++) {
                    column[r] = (scaling[j + r] * column[r]) * rj;
                }
                ops.store(column, a, j * n + j, m);
            }
        });
        return degree;
    }

    /**
     * One column of a kernel with per-point bandwidths (the Gram column in, the kernel column out, from the diagonal
     * down); returns the column's sum and adds each entry to its row's degree.
     */
    private static double shapedColumn(double[] column, int m, int j, SquaredDistances distances, double[] inv,
                                       double decay, double[] degrees) {
        double invj = inv[j];
        double sum = 1.0;
        for (int r = 1; r < m; r++) {
            double d2 = distances.of(column[r], j + r, j);
            double g;
            if (decay == 0) {
                g = Math.exp(-0.5 * d2 * (inv[j + r] * invj));
            } else {
                double d = Math.sqrt(d2);
                g = 0.5 * Math.exp(-Math.pow(d * inv[j + r], decay)) + 0.5 * Math.exp(-Math.pow(d * invj, decay));
            }
            column[r] = g;
            sum += g;
            degrees[j + r] += g;
        }
        return sum;
    }

    /**
     * G ← F·G·F in the lower triangle (F = D^−α, D the degrees of G, or that up to a common factor), returning the
     * degrees of the result; per-worker partial sums, as the first pass.
     */
    private double[] alphaNormalise(A a, int n, double[] degree, double[] factor, int parts, int[] bounds) {
        double[][] partialDegrees = new double[parts][n];
        workers.run(parts, t -> {
            double[] degrees = partialDegrees[t];
            double[] column = new double[n];
            for (int j = bounds[t]; j < bounds[t + 1]; j++) {
                Cancellation.checkInterrupted();
                int m = n - j;
                ops.load(a, j * n + j, column, m);
                double fj = factor[j];
                double columnSum = 0;
                for (int r = 0; r < m; r++) {
                    double g = (factor[j + r] * column[r]) * fj;
                    column[r] = g;
                    columnSum += g;
                    if (r > 0) {
                        degrees[j + r] += g;
                    }
                }
                degrees[j] += columnSum;
                ops.store(column, a, j * n + j, m);
            }
        });
        return sumParts(partialDegrees, n);
    }

    /**
     * ln (G·f)ᵢ = LSEⱼ(ln Gᵢⱼ + ln fⱼ) for the kernel G in the lower triangle of {@code a} and ln f =
     * {@code logFactors} ({@link AlphaNormalisation}): each part's columns feed both the rows below the diagonal
     * and the column's own row; the parts' sums merge in part order.
     */
    private double[] logRowSums(A a, int n, double[] logFactors, int parts, int[] bounds) {
        AlphaNormalisation.RowLogSums[] sums = new AlphaNormalisation.RowLogSums[parts];
        workers.run(parts, t -> {
            AlphaNormalisation.RowLogSums mine = new AlphaNormalisation.RowLogSums(n);
            double[] column = new double[n];
            for (int j = bounds[t]; j < bounds[t + 1]; j++) {
                Cancellation.checkInterrupted();
                int m = n - j;
                ops.load(a, j * n + j, column, m);
                mine.add(j, logFactors[j]);   // Gⱼⱼ = 1
                for (int r = 1; r < m; r++) {
                    double logG = Math.log(column[r]);
                    mine.add(j + r, logG + logFactors[j]);
                    mine.add(j, logG + logFactors[j + r]);
                }
            }
            sums[t] = mine;
        });
        return AlphaNormalisation.RowLogSums.merge(sums, n);
    }

    /** dᵢ^−½ for every degree. */
    private static double[] rootInverses(double[] degree) {
        double[] out = new double[degree.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 1.0 / Math.sqrt(degree[i]);
        }
        return out;
    }

    /** The degrees from the workers' partial sums, added in part order (so the same bits for a thread count). */
    private static double[] sumParts(double[][] partialDegrees, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            for (double[] part : partialDegrees) {
                out[i] += part[i];
            }
        }
        return out;
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
