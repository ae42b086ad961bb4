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

    @Override
    public final void packSymmetricRows(float[] a, int lda, int r0, int mc, int c0, int kc, float[] dst) {
        int mr = gemmRows();
        int panels = (mc + mr - 1) / mr;
        for (int p = 0; p < panels; p++) {
            int base = p * mr * kc;
            int rows = Math.min(mr, mc - p * mr);
            int first = r0 + p * mr;
            // S[r, c] on or below the diagonal is A[r, c]: column c, contiguous in r, so rows run innermost.
            for (int k = 0; k < kc; k++) {
                int c = c0 + k;
                int at = base + k * mr;
                int from = Math.max(0, Math.min(rows, c - first));
                for (int i = from; i < rows; i++) {
                    dst[at + i] = a[first + i + c * lda];
                }
                for (int i = rows; i < mr; i++) {
                    dst[at + i] = 0;
                }
            }
            // Above it, S[r, c] = A[c, r]: column r, contiguous in c, so columns run innermost (a strided read
            // of A here would touch a new cache line per element).
            for (int i = 0; i < rows; i++) {
                int r = first + i;
                int col = r * lda;
                for (int k = Math.max(0, r - c0 + 1); k < kc; k++) {
                    dst[base + k * mr + i] = a[c0 + k + col];
                }
            }
        }
    }

    @Override
    public final void packColumns(float[] b, int bo, int ldb, int k0, int kc, int nc, float[] dst, int dsto) {
        int nr = gemmCols();
        int panels = (nc + nr - 1) / nr;
        for (int q = 0; q < panels; q++) {
            int base = dsto + q * nr * kc;
            for (int j = 0; j < nr; j++) {
                int col = q * nr + j;
                if (col >= nc) {
                    for (int k = 0; k < kc; k++) {
                        dst[base + k * nr + j] = 0;
                    }
                    continue;
                }
                int from = bo + col * ldb + k0;
                for (int k = 0; k < kc; k++) {
                    dst[base + k * nr + j] = b[from + k];
                }
            }
        }
    }
}
