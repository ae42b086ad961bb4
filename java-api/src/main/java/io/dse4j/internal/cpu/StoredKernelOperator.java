package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.KernelShape;

/**
 * K held in the lower triangle of one n×n array of the working precision, built as the exact path builds it
 * ({@link DiffusionKernel}); products by {@link SymmetricProduct}, which reads each tile once for both of its
 * products. For f32 the block is rounded to single precision for the product and the result widened back: the
 * Lanczos recurrences themselves run in double.
 */
final class StoredKernelOperator<A> implements KernelOperator {

    private final VectorOps<A> ops;
    private final SymmetricProduct<A> product;
    private final A a;
    private final int n;
    private final double[] stationary;
    private final double trace;
    private final double traceOfSquare;
    private int passes;

    StoredKernelOperator(VectorOps<A> ops, Workers workers, io.dse4j.spi.Points points, double sigma,
                         KernelShape shape) {
        int n = points.n();
        this.ops = ops;
        this.n = n;
        this.product = new SymmetricProduct<>(ops, workers);
        this.a = ops.allocate(Math.multiplyExact(n, n));
        DiffusionKernel<A> kernel = new DiffusionKernel<>(ops, workers);
        kernel.gram(points.values(), n, points.dims(), a);
        double[] degrees = kernel.normalise(a, points, sigma, shape, true);
        this.stationary = unitRoot(degrees);
        double diagonal = 0;
        double square = 0;
        double[] column = new double[n];
        for (int j = 0; j < n; j++) {
            Cancellation.checkInterrupted();
            ops.load(a, j * n + j, column, n - j);
            diagonal += column[0];
            double below = 0;
            for (int r = 1; r < n - j; r++) {
                below += column[r] * column[r];
            }
            square += column[0] * column[0] + 2 * below;
        }
        this.trace = diagonal;
        this.traceOfSquare = square;
    }

    /** √dᵢ / ‖√d‖. */
    static double[] unitRoot(double[] degrees) {
        double[] v = new double[degrees.length];
        double sum = 0;
        for (double d : degrees) {
            sum += d;
        }
        double scale = 1.0 / Math.sqrt(sum);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sqrt(degrees[i]) * scale;
        }
        return v;
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void multiply(double[] x, int cols, double[] y) {
        if (ops.precision() == io.dse4j.Precision.F64) {
            product.multiply(a, n, 0, n, (A) x, 0, n, cols, (A) y, 0, n);
        } else {
            A xa = ops.allocate(n * cols);
            A ya = ops.allocate(n * cols);
            ops.store(x, 0, xa, 0, n * cols);
            product.multiply(a, n, 0, n, xa, 0, n, cols, ya, 0, n);
            ops.load(ya, 0, y, n * cols);
        }
        passes++;
    }

    @Override
    public double trace() {
        return trace;
    }

    @Override
    public double traceOfSquare() {
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
        return false;
    }
}
