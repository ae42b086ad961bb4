package io.dse4j.internal.cpu;

import io.dse4j.Precision;

/** Element access for {@code float[]}; the loops are in {@link ScalarFloatOps} and {@link PanamaFloatOps}. */
abstract sealed class F32Ops implements VectorOps<float[]> permits ScalarFloatOps, PanamaFloatOps {

    @Override
    public final Precision precision() {
        return Precision.F32;
    }

    @Override
    public final float[] allocate(int length) {
        return new float[length];
    }

    @Override
    public final double get(float[] a, int i) {
        return a[i];
    }

    @Override
    public final void set(float[] a, int i, double value) {
        a[i] = (float) value;
    }

    @Override
    public final void load(float[] a, int ao, double[] dst, int m) {
        for (int r = 0; r < m; r++) {
            dst[r] = a[ao + r];
        }
    }

    @Override
    public final void store(double[] src, float[] a, int ao, int m) {
        for (int r = 0; r < m; r++) {
            a[ao + r] = (float) src[r];
        }
    }

    @Override
    public final void zero(float[] a, int ao, int m) {
        java.util.Arrays.fill(a, ao, ao + m, 0);
    }

    @Override
    public final void scale(double alpha, float[] x, int xo, int m) {
        float f = (float) alpha;
        for (int r = 0; r < m; r++) {
            x[xo + r] *= f;
        }
    }
}
