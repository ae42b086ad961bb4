package io.dse4j.internal.cpu;

//#f64
// The f32 twin of this class, ScalarFloatOps, is generated from it at build time by
// java-api/src/main/codegen/GenerateF32Twins.java (its javadoc gives the rules and the //# directives below):
// change the f32 loops here.
//#end
/**
 * {@link VectorOps} over {@code double[]} in plain Java: the fallback when the Vector API is not available. Dot
 * products and matrix-vector sums accumulate in double, the matrix-product micro-kernel in the element type.
 */
final class ScalarOps extends F64Ops {

    static final ScalarOps INSTANCE = new ScalarOps();

    private ScalarOps() {
    }

    //#f32 the f32 loops' f64 companion: the scalar f64 loops
    // @Override
    // public VectorOps<double[]> f64Companion() {
    //     return ScalarOps.INSTANCE;
    // }
    //#end

    @Override
    public String describe() {
        return "scalar Java loops"; //#f32 return "scalar Java loops (f32)";
    }

    @Override
    public double dot(double[] x, int xo, double[] y, int yo, int m) {
        // Four independent partial sums hide the floating-point add latency.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int r = 0;
        for (; r + 3 < m; r += 4) {
            s0 += x[xo + r] * y[yo + r];
            s1 += x[xo + r + 1] * y[yo + r + 1];
            s2 += x[xo + r + 2] * y[yo + r + 2];
            s3 += x[xo + r + 3] * y[yo + r + 3];
        }
        for (; r < m; r++) {
            s0 += x[xo + r] * y[yo + r];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int m) {
        for (int r = 0; r < m; r++) {
            y[yo + r] += alpha * x[xo + r];
        }
    }

    @Override
    public double symvColumn(double[] a, int ao, double vc, double[] v, int vo, double[] y, int yo, int m) {
        double s0 = 0, s1 = 0;
        int r = 0;
        for (; r + 1 < m; r += 2) {
            double t0 = a[ao + r], t1 = a[ao + r + 1];
            y[yo + r] += t0 * vc;
            y[yo + r + 1] += t1 * vc;
            s0 += t0 * v[vo + r];
            s1 += t1 * v[vo + r + 1];
        }
        for (; r < m; r++) {
            double t = a[ao + r];
            y[yo + r] += t * vc;
            s0 += t * v[vo + r];
        }
        return s0 + s1;
    }

    @Override
    public void symvColumns4(double[] a, int ao, int lda, double vc0, double vc1, double vc2, double vc3,
                             double[] v, int vo, double[] y, int yo, int m, double[] dots) { //#double dots
        int a0 = ao, a1 = ao + lda, a2 = ao + 2 * lda, a3 = ao + 3 * lda;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int r = 0; r < m; r++) {
            double t0 = a[a0 + r], t1 = a[a1 + r], t2 = a[a2 + r], t3 = a[a3 + r];
            double vr = v[vo + r];
            y[yo + r] += t0 * vc0 + t1 * vc1 + t2 * vc2 + t3 * vc3;
            s0 += t0 * vr;
            s1 += t1 * vr;
            s2 += t2 * vr;
            s3 += t3 * vr;
        }
        dots[0] = s0;
        dots[1] = s1;
        dots[2] = s2;
        dots[3] = s3;
    }

    //#float to //#end: the micro-kernel accumulates in the element type (float in f32, as sgemm does)
    @Override
    public int gemmRows() {
        return 4;
    }

    @Override
    public int gemmCols() {
        return 4;
    }

    @Override
    public void gemmBlockStridedA(int kc, double[] a, int ao, int lda, double[] pb, int pbo, double[] c, int co,
                                  int ldc) {
        double c00 = 0, c10 = 0, c20 = 0, c30 = 0, c01 = 0, c11 = 0, c21 = 0, c31 = 0;
        double c02 = 0, c12 = 0, c22 = 0, c32 = 0, c03 = 0, c13 = 0, c23 = 0, c33 = 0;
        for (int k = 0, ak = ao, bk = pbo; k < kc; k++, ak += lda, bk += 4) {
            double a0 = a[ak], a1 = a[ak + 1], a2 = a[ak + 2], a3 = a[ak + 3];
            double b0 = pb[bk], b1 = pb[bk + 1], b2 = pb[bk + 2], b3 = pb[bk + 3];
            // spotless:off — the 4 × 4 accumulators laid out as the block they are
            c00 += a0 * b0; c10 += a1 * b0; c20 += a2 * b0; c30 += a3 * b0;
            c01 += a0 * b1; c11 += a1 * b1; c21 += a2 * b1; c31 += a3 * b1;
            c02 += a0 * b2; c12 += a1 * b2; c22 += a2 * b2; c32 += a3 * b2;
            c03 += a0 * b3; c13 += a1 * b3; c23 += a2 * b3; c33 += a3 * b3;
            // spotless:on
        }
        addColumn(c, co, c00, c10, c20, c30);
        addColumn(c, co + ldc, c01, c11, c21, c31);
        addColumn(c, co + 2 * ldc, c02, c12, c22, c32);
        addColumn(c, co + 3 * ldc, c03, c13, c23, c33);
    }

    @Override
    public void gemmBlockStridedB(int kc, double[] pa, int pao, double[] b, int bo, int ldb, double[] c, int co,
                                  int ldc) {
        double c00 = 0, c10 = 0, c20 = 0, c30 = 0, c01 = 0, c11 = 0, c21 = 0, c31 = 0;
        double c02 = 0, c12 = 0, c22 = 0, c32 = 0, c03 = 0, c13 = 0, c23 = 0, c33 = 0;
        int b1o = bo + ldb, b2o = bo + 2 * ldb, b3o = bo + 3 * ldb;
        for (int k = 0, ak = pao; k < kc; k++, ak += 4) {
            double a0 = pa[ak], a1 = pa[ak + 1], a2 = pa[ak + 2], a3 = pa[ak + 3];
            double b0 = b[bo + k], b1 = b[b1o + k], b2 = b[b2o + k], b3 = b[b3o + k];
            // spotless:off — the 4 × 4 accumulators laid out as the block they are
            c00 += a0 * b0; c10 += a1 * b0; c20 += a2 * b0; c30 += a3 * b0;
            c01 += a0 * b1; c11 += a1 * b1; c21 += a2 * b1; c31 += a3 * b1;
            c02 += a0 * b2; c12 += a1 * b2; c22 += a2 * b2; c32 += a3 * b2;
            c03 += a0 * b3; c13 += a1 * b3; c23 += a2 * b3; c33 += a3 * b3;
            // spotless:on
        }
        addColumn(c, co, c00, c10, c20, c30);
        addColumn(c, co + ldc, c01, c11, c21, c31);
        addColumn(c, co + 2 * ldc, c02, c12, c22, c32);
        addColumn(c, co + 3 * ldc, c03, c13, c23, c33);
    }

    private static void addColumn(double[] c, int at, double x0, double x1, double x2, double x3) {
        c[at] += x0;
        c[at + 1] += x1;
        c[at + 2] += x2;
        c[at + 3] += x3;
    }
    //#end
}
