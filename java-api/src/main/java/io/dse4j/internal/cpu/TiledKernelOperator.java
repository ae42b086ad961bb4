package io.dse4j.internal.cpu;

import io.dse4j.spi.KernelShape;

/**
 * K applied without being held: every product recomputes the kernel tile by tile from the points — the Gram tile
 * of the packed product ({@link DiffusionKernel#products}, lower triangle), d²ᵢⱼ, the Gaussian (or shaped) entry,
 * the scaling Kᵢⱼ = aᵢ·Gᵢⱼ·aⱼ — and multiplies it into the block at once, both ways (Y_I += K_IJ·X_J and
 * Y_J += K_IJᵀ·X_I). Memory is O(n·(D + cols)) per worker; N is limited by time, not by memory.
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
    private final double[] norms;
    private final double scale;
    private final double[] inverseBandwidths;
    private final double decay;
    private final double[] rowScale;
    private final double[] stationary;
    private final String stage;
    private double traceOfSquare = Double.NaN;
    private int passes;
    /** The stage fraction the next pass starts at and how much it spans (set by the caller for progress). */
    private double from;
    private double span = 1;

    TiledKernelOperator(Workers workers, double[] xt, int n, int dims, double sigma, KernelShape shape,
                        String stage) {
        this.ops = VectorOps.f64For(n);
        this.kernel = new DiffusionKernel<>(ops, workers);
        this.workers = workers;
        this.xt = xt;
        this.n = n;
        this.dims = dims;
        this.stage = stage;
        this.norms = DiffusionKernel.squaredNorms(xt, n, dims);
        this.scale = -1.0 / (2.0 * sigma * sigma);
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
        double[] degrees = pass(ones, ones, 1, false);
        double[] normalised = degrees;
        double[] factor = ones;
        if (shape.alpha() != 0) {
            factor = new double[n];
            for (int i = 0; i < n; i++) {
                factor[i] = Math.pow(degrees[i], -shape.alpha());
            }
            normalised = pass(factor, ones, 1, false);
        }
        this.rowScale = new double[n];
        for (int i = 0; i < n; i++) {
            rowScale[i] = factor[i] / Math.sqrt(normalised[i]);
        }
        this.stationary = StoredKernelOperator.unitRoot(normalised);
    }

    /** The stage fraction that the next product's tiles report from, and the span they cover. */
    void reportAs(double from, double span) {
        this.from = from;
        this.span = span;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public void multiply(double[] x, int cols, double[] y) {
        double[] rowMajor = new double[n * cols];
        for (int c = 0; c < cols; c++) {
            for (int i = 0; i < n; i++) {
                rowMajor[i * cols + c] = x[c * n + i];
            }
        }
        double[] product = pass(rowScale, rowMajor, cols, Double.isNaN(traceOfSquare));
        passes++;
        for (int c = 0; c < cols; c++) {
            for (int i = 0; i < n; i++) {
                y[c * n + i] = product[i * cols + c];
            }
        }
    }

    /**
     * One pass over the kernel: Σⱼ sᵢ·Gᵢⱼ·sⱼ·x[j, ·] for the row-major n×cols block x (s = {@code scaling}), the
     * workers' parts summed in part order (the same bits for a thread count); with {@code square} also
     * Σᵢⱼ (sᵢGᵢⱼsⱼ)² into {@link #traceOfSquare}.
     */
    private double[] pass(double[] scaling, double[] x, int cols, boolean square) {
        double[][] partial = new double[workers.threads()][];
        double[] squares = new double[workers.threads()];
        int parts = kernel.products(xt, n, dims, true, stage, from, span, (part, r0, rows, c0, width, c, ld) -> {
            if (partial[part] == null) {
                partial[part] = new double[n * cols];
            }
            squares[part] += tile(scaling, x, cols, partial[part], r0, rows, c0, width, c, ld, square);
        });
        double[] out = new double[n * cols];
        double sum = 0;
        for (int p = 0; p < parts; p++) {
            if (partial[p] != null) {
                double[] part = partial[p];
                for (int i = 0; i < out.length; i++) {
                    out[i] += part[i];
                }
            }
            sum += squares[p];
        }
        if (square) {
            traceOfSquare = sum;
        }
        return out;
    }

    /**
     * One tile's contribution (rows r0.., columns c0.., only i ≥ j in a diagonal tile) to y; returns its entries'
     * squares summed, each off-diagonal entry twice (for its mirror), when {@code square}.
     */
    private double tile(double[] s, double[] x, int cols, double[] y, int r0, int rows, int c0, int width,
                        double[] c, int ld, boolean square) {
        boolean diagonal = r0 == c0;
        double squares = 0;
        double[] mirror = new double[cols];
        double[] w = new double[rows];
        for (int jj = 0; jj < width; jj++) {
            int j = c0 + jj;
            double nj = norms[j];
            double sj = s[j];
            int jo = j * cols;
            java.util.Arrays.fill(mirror, 0.0);
            int start = diagonal ? jj + 1 : 0;
            if (diagonal) {
                double wjj = sj * sj;
                squares += wjj * wjj;
                for (int k = 0; k < cols; k++) {
                    y[jo + k] += wjj * x[jo + k];
                }
            }
            entries(w, start, rows, r0, j, nj, c, jj * ld);
            for (int ii = start; ii < rows; ii++) {
                int i = r0 + ii;
                double wij = s[i] * w[ii] * sj;
                squares += 2 * wij * wij;
                int io = i * cols;
                for (int k = 0; k < cols; k++) {
                    y[io + k] += wij * x[jo + k];
                    mirror[k] += wij * x[io + k];
                }
            }
            for (int k = 0; k < cols; k++) {
                y[jo + k] += mirror[k];
            }
        }
        return square ? squares : 0;
    }

    /**
     * w[ii] = Gᵢⱼ for i = r0 + ii, ii in [from, to), j ≠ i, from the Gram column c[co + ii]: the squared distances
     * first, then the exponentials in one vector pass for the Gaussian (they dominate a pass), the shaped entries
     * one by one.
     */
    private void entries(double[] w, int from, int to, int r0, int j, double nj, double[] c, int co) {
        for (int ii = from; ii < to; ii++) {
            w[ii] = Math.max(0.0, norms[r0 + ii] + nj - 2.0 * c[co + ii]);
        }
        if (inverseBandwidths == null) {
            ops.expScaled(w, from, to, scale);
        } else {
            for (int ii = from; ii < to; ii++) {
                w[ii] = entry(w[ii], r0 + ii, j);
            }
        }
    }

    /** Gᵢⱼ for i ≠ j, as {@link DiffusionKernel#normalise} computes it. */
    private double entry(double d2, int i, int j) {
        if (inverseBandwidths == null) {
            return Math.exp(d2 * scale);
        }
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
            pass(rowScale, new double[0], 0, true);
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
