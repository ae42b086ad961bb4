package io.dse4j.internal.cpu;

import io.dse4j.Precision;

//#f64
// The f32 twin of this class, F32Ops, is generated from it at build time by
// java-api/src/main/codegen/GenerateF32Twins.java (its javadoc gives the rules and the //# directives below):
// change the f32 loops here.
//#end
/** Element access for {@code double[]}; the loops are in {@link ScalarOps} and {@link PanamaOps}. */
abstract sealed class F64Ops implements VectorOps<double[]> permits ScalarOps, PanamaOps {

    /** {@code x} rounded to the element type: {@code x} itself in f64, {@code (float) x} in f32. */
    static double narrow(double x) { //#f32 static float narrow(double x) {
        return x; //#f32 return (float) x;
    }

    //#f64 the f32 loops' f64 companion is the f64 loops of their kind, named in each f32 class
    @Override
    public final VectorOps<double[]> f64Companion() {
        return this;
    }
    //#end

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
        a[i] = narrow(value);
    }

    @Override
    public final void load(double[] a, int ao, double[] dst, int m) { //#double dst
        //#f64
        System.arraycopy(a, ao, dst, 0, m);
        //#f32
        // for (int r = 0; r < m; r++) {
        //     dst[r] = a[ao + r];
        // }
        //#end
    }

    @Override
    public final void store(double[] src, int so, double[] a, int ao, int m) { //#double src
        //#f64
        System.arraycopy(src, so, a, ao, m);
        //#f32
        // for (int r = 0; r < m; r++) {
        //     a[ao + r] = narrow(src[so + r]);
        // }
        //#end
    }

    @Override
    public final void zero(double[] a, int ao, int m) {
        java.util.Arrays.fill(a, ao, ao + m, 0);
    }

    @Override
    public final void scale(double alpha, double[] x, int xo, int m) {
        var f = narrow(alpha);
        for (int r = 0; r < m; r++) {
            x[xo + r] *= f;
        }
    }

    @Override
    public final void packSymmetricRows(double[] a, int lda, int r0, int mc, int c0, int kc, double[] dst) {
        int mr = gemmRows();
        int panels = (mc + mr - 1) / mr;
        // S[r, c] on or below the diagonal is A[r, c]. Read column after column, each one's rows [r0, r0+mc) in one
        // contiguous run that the prefetcher follows, and spread over the panels; walking a panel's MR rows across
        // all kc columns instead costs a cache miss per MR elements (measured: half of the product's time).
        for (int k = 0; k < kc; k++) {
            int c = c0 + k;
            int col = c * lda + r0;
            int from = Math.max(0, Math.min(mc, c - r0));
            for (int p = from / mr; p < panels; p++) {
                int at = p * mr * kc + k * mr;
                int i0 = p * mr;
                int hi = Math.min(mc, i0 + mr) - i0;
                for (int i = Math.max(from, i0) - i0; i < hi; i++) {
                    dst[at + i] = a[col + i0 + i];
                }
            }
        }
        int tail = mc - (panels - 1) * mr;
        if (tail < mr) {
            int at = (panels - 1) * mr * kc;
            for (int k = 0; k < kc; k++) {
                for (int i = tail; i < mr; i++) {
                    dst[at + k * mr + i] = 0;
                }
            }
        }
        // Above the diagonal, S[r, c] = A[c, r]: column r of A, contiguous in c.
        for (int i = 0; i < mc; i++) {
            int r = r0 + i;
            int col = r * lda + c0;
            int at = (i / mr) * mr * kc + i % mr;
            for (int k = Math.max(0, r - c0 + 1); k < kc; k++) {
                dst[at + k * mr] = a[col + k];
            }
        }
    }

    @Override
    public final void packColumns(double[] b, int bo, int ldb, int k0, int kc, int nc, double[] dst, int dsto) {
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

    @Override
    public final void packTransposedRows(double[] a, int lda, int r0, int kc, int c0, int mc, double[] dst) {
        int mr = gemmRows();
        int panels = (mc + mr - 1) / mr;
        for (int i = 0; i < panels * mr; i++) {
            int at = (i / mr) * mr * kc + i % mr;
            if (i >= mc) {
                for (int k = 0; k < kc; k++) {
                    dst[at + k * mr] = 0;
                }
                continue;
            }
            // Column c0+i of A, rows r0.. contiguous: one run per packed row (reading MR columns side by side
            // instead measured slower here).
            int col = (c0 + i) * lda + r0;
            for (int k = 0; k < kc; k++) {
                dst[at + k * mr] = a[col + k];
            }
        }
    }

    @Override
    public final void packRows(double[] a, int lda, int r0, int mc, int c0, int kc, double[] dst, int dsto, int depth) {
        int mr = gemmRows();
        int panels = (mc + mr - 1) / mr;
        for (int p = 0; p < panels; p++) {
            int rows = Math.min(mr, mc - p * mr);
            for (int k = 0; k < kc; k++) {
                int at = dsto + p * mr * depth + k * mr;
                int from = (c0 + k) * lda + r0 + p * mr;
                for (int i = 0; i < rows; i++) {
                    dst[at + i] = a[from + i];
                }
                for (int i = rows; i < mr; i++) {
                    dst[at + i] = 0;
                }
            }
        }
    }

    @Override
    public final void packColumnsOfTranspose(double[] a, int lda, int r0, int nc, int c0, int kc, double scale,
                                             double[] dst, int dsto, int depth) {
        int nr = gemmCols();
        int panels = (nc + nr - 1) / nr;
        var f = narrow(scale);
        for (int q = 0; q < panels; q++) {
            int cols = Math.min(nr, nc - q * nr);
            for (int k = 0; k < kc; k++) {
                int at = dsto + q * nr * depth + k * nr;
                int from = (c0 + k) * lda + r0 + q * nr;
                for (int j = 0; j < cols; j++) {
                    dst[at + j] = f * a[from + j];
                }
                for (int j = cols; j < nr; j++) {
                    dst[at + j] = 0;
                }
            }
        }
    }
}
