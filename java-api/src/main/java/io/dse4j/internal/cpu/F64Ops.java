package io.dse4j.internal.cpu;

import io.dse4j.Precision;

/** Element access for {@code double[]}; the loops are in {@link ScalarOps} and {@link PanamaOps}. */
abstract sealed class F64Ops implements VectorOps<double[]> permits ScalarOps, PanamaOps {

    @Override
    public final Precision precision() {
        return Precision.F64;
    }

    @Override
    public final double[] allocate(int length) {
        return new double[length];
    }

    @Override
    public final double get(double[] a, int i) {
        return a[i];
    }

    @Override
    public final void set(double[] a, int i, double value) {
        a[i] = value;
    }

    @Override
    public final void load(double[] a, int ao, double[] dst, int m) {
        System.arraycopy(a, ao, dst, 0, m);
    }

    @Override
    public final void store(double[] src, double[] a, int ao, int m) {
        System.arraycopy(src, 0, a, ao, m);
    }

    @Override
    public final void zero(double[] a, int ao, int m) {
        java.util.Arrays.fill(a, ao, ao + m, 0);
    }

    @Override
    public final void scale(double alpha, double[] x, int xo, int m) {
        for (int r = 0; r < m; r++) {
            x[xo + r] *= alpha;
        }
    }
}
