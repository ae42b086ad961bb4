package io.dse4j.internal.cpu;

import io.dse4j.spi.KernelShape;

/**
 * K applied without being held: every product recomputes the kernel tile by tile from the points — the Gram tile
 * of the packed product ({@link DiffusionKernel#products}, lower triangle), d²ᵢⱼ ({@link SquaredDistances}), the
 * Gaussian (or shaped) entry, the scaling Kᵢⱼ = aᵢ·Gᵢⱼ·aⱼ — and multiplies it into the block at once, both ways
 * (Y_I += K_IJ·X_J and Y_J += K_IJᵀ·X_I, packed products on the micro-kernel). Memory is O(n·(D + cols)) per
 * worker; N is limited by time, not by memory.
 *
 * <p>The scaling is found by passes of the same kind before the first product: the degrees d = G·1; with the
 * α-normalisation also d' = D^−α·G·D^−α·1; then aᵢ = dᵢ^−α·d'ᵢ^−½ (aᵢ = dᵢ^−½ for α = 0), so that K is the matrix
 * the stored path builds. The diagonal of every kernel form is 1 before the scaling, so tr K = Σ aᵢ².
 */
final class TiledKernelOperator implements KernelOperator {

    private final DiffusionKernel<double[]> kernel;
    private final VectorOps<double[]> ops;
    private final Workers workers;
    private final double[] xt;
    private final int n;
    private final int dims;
    private final double scale;
    private final SquaredDistances distances;
    private final double[] inverseBandwidths;
    private final double decay;
    private final double[] rowScale;
    private final double[] stationary;
    private final String stage;
    private double traceOfSquare = Double.NaN;
    private int passes;
    /** The stage fraction the next pass starts at and how much it spans (set by the caller for progress). */
    private double from;
    private double span;     // 0 for the degree passes of the constructor: they report the stage's start

    TiledKernelOperator(Workers workers, io.dse4j.spi.Points points, double sigma, KernelShape shape,
                        String stage) {
        this.n = points.n();
        this.ops = VectorOps.f64For(n);
        this.kernel = new DiffusionKernel<>(ops, workers);
        this.workers = workers;
        this.xt = points.values();
        this.dims = points.dims();
        this.stage = stage;
        this.scale = -1.0 / (2.0 * sigma * sigma);
        this.distances = new SquaredDistances(ops, points, DiffusionKernel.squaredNorms(xt, n, dims),
                shape.bandwidths() == null ? SquaredDistances.visibleFor(scale, io.dse4j.Precision.F64)
                        : Double.POSITIVE_INFINITY);
        if (shape.bandwidths() != null) {
            inverseBandwidths = new double[n];
            for (int i = 0; i < n; i++) {
                inverseBandwidths[i] = 1.0 / shape.bandwidths()[i];
            }
        } else {
            inverseBandwidths = null;
        }
        this.decay = shape.decay();
        double[] ones = new double[n];
        java.util.Arrays.fill(ones, 1.0);
        double[] degrees = pass(ones, ones, 1, false, new double[n]);
        double[] normalised = degrees;
        double[] factor = ones;
        if (shape.alpha() != 0 && !AlphaNormalisation.direct(degrees, shape.alpha(), io.dse4j.Precision.F64)) {
            // d^−α would underflow: the scaling from row log-sums, the degrees of G_α up to a common factor.
            double[] logFactors = AlphaNormalisation.logFactors(degrees, shape.alpha());
            normalised = new double[n];
            this.rowScale = AlphaNormalisation.scaling(logFactors, logRowSums(logFactors), normalised);
        } else {
            if (shape.alpha() != 0) {
                factor = new double[n];
                for (int i = 0; i < n; i++) {
                    factor[i] = Math.pow(degrees[i], -shape.alpha());
                }
                normalised = pass(factor, ones, 1, false, new double[n]);
            }
            this.rowScale = new double[n];
            for (int i = 0; i < n; i++) {
                rowScale[i] = factor[i] / Math.sqrt(normalised[i]);
            }
        }
        this.stationary = StoredKernelOperator.unitRoot(normalised);
    }

    /**
     * ln (G·f)ᵢ = LSEⱼ(ln Gᵢⱼ + ln fⱼ) by one pass over the tiles ({@link AlphaNormalisation}); for the Gaussian
     * ln Gᵢⱼ = −d²ᵢⱼ/2σ² directly, except that an entry whose exponential underflows counts as 0 (−∞), as it does
     * in the products.
     */
    private double[] logRowSums(double[] logFactors) {
        AlphaNormalisation.RowLogSums[] sums = new AlphaNormalisation.RowLogSums[workers.threads()];
        double[][] columns = new double[workers.threads()][];
        kernel.products(xt, n, dims, true, stage, from, span, (part, r0, rows, c0, width, c, ld) -> {
            if (sums[part] == null) {
                sums[part] = new AlphaNormalisation.RowLogSums(n);
                columns[part] = new double[ld];
            }
            AlphaNormalisation.RowLogSums mine = sums[part];
            double[] column = columns[part];
            boolean diagonal = r0 == c0;
            for (int jj = 0; jj < width; jj++) {
                int j = c0 + jj;
                int start = diagonal ? jj + 1 : 0;
                if (diagonal) {
                    mine.add(j, logFactors[j]);   // Gⱼⱼ = 1
                }
                for (int ii = start; ii < rows; ii++) {
                    double d2 = distances.of(c[jj * ld + ii], r0 + ii, j);
                    double t = inverseBandwidths == null ? d2 * scale : Math.log(entry(d2, r0 + ii, j));
                    // An entry whose exponential underflows is 0 in the products too: the same kernel throughout.
                    column[ii] = Math.exp(t) == 0 ? Double.NEGATIVE_INFINITY : t;
                }
                for (int ii = start; ii < rows; ii++) {
                    mine.add(r0 + ii, column[ii] + logFactors[j]);
                    mine.add(j, column[ii] + logFactors[r0 + ii]);
                }
            }
        });
        return AlphaNormalisation.RowLogSums.merge(sums, n);
    }

    @Override
    public void reportAs(double from, double span) {
        this.from = from;
        this.span = span;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public void multiply(double[] x, int cols, double[] y) {
        pass(rowScale, x, cols, Double.isNaN(traceOfSquare), y);
        passes++;
    }

    /**
     * One pass over the kernel: {@code out} = Σⱼ sᵢ·Gᵢⱼ·sⱼ·x[j, ·] for the column-major n×cols block x
     * (s = {@code scaling}), returned, the workers' parts summed in part order; tiles go to the parts as the
     * workers become free, so the last bits can differ from run to run (far inside the estimate's error bar); with
     * {@code square} also
     * Σᵢⱼ (sᵢGᵢⱼsⱼ)² into {@link #traceOfSquare}.
     */
    private double[] pass(double[] scaling, double[] x, int cols, boolean square, double[] out) {
        Part[] parts = new Part[workers.threads()];
        int used = kernel.products(xt, n, dims, true, stage, from, span, (part, r0, rows, c0, width, c, ld) -> {
            if (parts[part] == null) {
                parts[part] = new Part(cols, ld);
            }
            parts[part].tile(scaling, x, r0, rows, c0, width, c, ld, square);
        });
        java.util.Arrays.fill(out, 0, n * cols, 0.0);
        double sum = 0;
        for (int p = 0; p < used; p++) {
            if (parts[p] != null) {
                double[] y = parts[p].y;
                for (int i = 0; i < out.length; i++) {
                    out[i] += y[i];
                }
                sum += parts[p].squares;
            }
        }
        if (square) {
            traceOfSquare = sum;
        }
        return out;
    }

    /**
     * One worker's share of a pass: its accumulator y (column-major n×cols) and the buffers of its tiles. A tile's
     * kernel entries W (rows × width) go into both of its products as packed matrix products on the register-blocked
     * micro-kernel (Goto &amp; van de Geijn, ACM TOMS 34(3), 2008; {@link VectorOps#gemmBlock}): Y_I += W·X_J and,
     * below the diagonal, Y_J += Wᵀ·X_I; a diagonal tile is mirrored into its upper part and multiplied once.
     */
    private final class Part {
        final int cols;
        final double[] y;
        final double[] w;
        final double[] column;
        final double[] packedW;
        final double[] packedX;
        final double[] edge;
        double squares;

        Part(int cols, int tile) {
            this.cols = cols;
            this.y = new double[n * cols];
            int mr = ops.gemmRows();
            int nr = ops.gemmCols();
            int padded = (tile + mr - 1) / mr * mr;
            this.w = new double[tile * tile];
            this.column = new double[tile];
            this.packedW = new double[padded * tile];
            this.packedX = new double[tile * Math.max(1, (cols + nr - 1) / nr * nr)];
            this.edge = new double[mr * nr];
        }

        void tile(double[] s, double[] x, int r0, int rows, int c0, int width, double[] c, int ld, boolean square) {
            boolean diagonal = r0 == c0;
            double sum = 0;
            for (int jj = 0; jj < width; jj++) {
                int j = c0 + jj;
                double sj = s[j];
                int start = diagonal ? jj + 1 : 0;
                entries(column, start, rows, r0, j, c, jj * ld);
                int wo = jj * rows;
                if (diagonal) {
                    w[wo + jj] = sj * sj;
                    sum += 0.5 * w[wo + jj] * w[wo + jj];
                }
                for (int ii = start; ii < rows; ii++) {
                    double wij = s[r0 + ii] * column[ii] * sj;
                    w[wo + ii] = wij;
                    sum += wij * wij;
                    if (diagonal) {
                        w[ii * rows + jj] = wij;
                    }
                }
            }
            if (square) {
                squares += 2 * sum;    // each entry below the diagonal stands for its mirror too
            }
            if (cols == 0) {
                return;
            }
            // Y_I += W·X_J
            ops.packRows(w, rows, 0, rows, 0, width, packedW, 0, width);
            ops.packColumns(x, 0, n, c0, width, cols, packedX, 0);
            multiplyInto(packedW, packedX, width, r0, rows);
            if (!diagonal) {
                // Y_J += Wᵀ·X_I
                ops.packTransposedRows(w, rows, 0, rows, 0, width, packedW);
                ops.packColumns(x, 0, n, r0, rows, cols, packedX, 0);
                multiplyInto(packedW, packedX, rows, c0, width);
            }
        }

        /** y[at.., ·] += (the packed m-row left operand, depth deep)·(the packed right operand of cols columns). */
        private void multiplyInto(double[] left, double[] right, int depth, int at, int m) {
            int mr = ops.gemmRows();
            int nr = ops.gemmCols();
            for (int q = 0; q * nr < cols; q++) {
                for (int p = 0; p * mr < m; p++) {
                    PackedBlock.add(ops, depth, left, p * mr * depth, right, q * nr * depth, y,
                            at + p * mr + q * nr * n, n, Math.min(mr, m - p * mr), Math.min(nr, cols - q * nr), edge);
                }
            }
        }
    }

    /**
     * w[ii] = Gᵢⱼ for i = r0 + ii, ii in [from, to), j ≠ i, from the Gram column c[co + ii]: the squared distances
     * first, then the exponentials in one vector pass for the Gaussian (they dominate a pass), the shaped entries
     * one by one.
     */
    private void entries(double[] w, int from, int to, int r0, int j, double[] c, int co) {
        for (int ii = from; ii < to; ii++) {
            w[ii] = distances.of(c[co + ii], r0 + ii, j);
        }
        if (inverseBandwidths == null) {
            ops.expScaled(w, from, to, scale);
        } else {
            for (int ii = from; ii < to; ii++) {
                w[ii] = entry(w[ii], r0 + ii, j);
            }
        }
    }

    /** Gᵢⱼ for i ≠ j of a kernel with per-point bandwidths, as {@link DiffusionKernel#normalise} computes it. */
    private double entry(double d2, int i, int j) {
        if (decay == 0) {
            return Math.exp(-0.5 * d2 * (inverseBandwidths[i] * inverseBandwidths[j]));
        }
        double d = Math.sqrt(d2);
        return 0.5 * Math.exp(-Math.pow(d * inverseBandwidths[i], decay))
                + 0.5 * Math.exp(-Math.pow(d * inverseBandwidths[j], decay));
    }

    @Override
    public double trace() {
        double sum = 0;
        for (double a : rowScale) {
            sum += a * a;
        }
        return sum;
    }

    @Override
    public double traceOfSquare() {
        if (Double.isNaN(traceOfSquare)) {
            pass(rowScale, new double[0], 0, true, new double[0]);
        }
        return traceOfSquare;
    }

    @Override
    public double[] stationary() {
        return stationary.clone();
    }

    @Override
    public int passes() {
        return passes;
    }

    @Override
    public boolean matrixFree() {
        return true;
    }
}
