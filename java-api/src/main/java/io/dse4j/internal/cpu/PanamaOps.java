package io.dse4j.internal.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

//#f64
// The f32 twin of this class, PanamaFloatOps, is generated from it at build time by
// java-api/src/main/codegen/GenerateF32Twins.java (its javadoc gives the rules and the //# directives below):
// change the f32 loops here.
//#end
/**
 * {@link VectorOps} with the incubating Vector API. This class is loaded only after {@link VectorOpsLookup} has
 * checked that the module {@code jdk.incubator.vector} is in the boot layer, so its absence can never surface as a
 * {@link NoClassDefFoundError}.
 */
final class PanamaOps extends F64Ops {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    static final PanamaOps INSTANCE = new PanamaOps();

    private PanamaOps() {
    }

    /**
     * The lanes' sum in lane order. {@code reduceLanes(ADD)} leaves the order unspecified, and it does differ between
     * the interpreter and compiled code, which would make results depend on JIT timing; this keeps them
     * reproducible bit for bit.
     */
    private static double sumLanes(DoubleVector v) {
        double s = 0;
        for (int i = 0; i < LANES; i++) {
            s += v.lane(i);
        }
        return s;
    }

    private static DoubleVector splat(double x) {
        return DoubleVector.broadcast(SPECIES, narrow(x));
    }

    static int lanes() {
        return LANES;
    }

    //#f32 the f32 loops' f64 companion: the Vector API f64 loops
    // @Override
    // public VectorOps<double[]> f64Companion() {
    //     return PanamaOps.INSTANCE;
    // }
    //#end

    @Override
    public String describe() {
        return "Vector API, " + SPECIES.vectorBitSize() + "-bit (" + LANES + " " + SPECIES.elementType() + "s)";
    }

    //#f64 squaredDistance and expScaled are on double[] in both precisions, called only on the f64 loops
    @Override
    public double squaredDistance(double[] x, int xo, int yo, int m) {
        DoubleVector acc0 = DoubleVector.zero(SPECIES), acc1 = DoubleVector.zero(SPECIES);
        int k = 0;
        for (; k + 2 * LANES <= m; k += 2 * LANES) {
            DoubleVector d0 = DoubleVector.fromArray(SPECIES, x, xo + k).sub(DoubleVector.fromArray(SPECIES, x, yo
                    + k));
            DoubleVector d1 = DoubleVector.fromArray(SPECIES, x, xo + k + LANES)
                    .sub(DoubleVector.fromArray(SPECIES, x, yo + k + LANES));
            acc0 = d0.fma(d0, acc0);
            acc1 = d1.fma(d1, acc1);
        }
        double tail = 0;
        for (; k < m; k++) {
            double d = x[xo + k] - x[yo + k];
            tail += d * d;
        }
        return sumLanes(acc0.add(acc1)) + tail;
    }

    @Override
    public void expScaled(double[] v, int from, int to, double scale) {
        DoubleVector factor = DoubleVector.broadcast(SPECIES, scale);
        int r = from;
        for (; r + LANES <= to; r += LANES) {
            DoubleVector.fromArray(SPECIES, v, r).mul(factor).lanewise(jdk.incubator.vector.VectorOperators.EXP)
                    .intoArray(v, r);
        }
        for (; r < to; r++) {
            v[r] = Math.exp(scale * v[r]);
        }
    }
    //#end

    @Override
    public double dot(double[] x, int xo, double[] y, int yo, int m) {
        DoubleVector acc0 = DoubleVector.zero(SPECIES), acc1 = DoubleVector.zero(SPECIES);
        int r = 0;
        for (; r + 2 * LANES <= m; r += 2 * LANES) {
            acc0 = DoubleVector.fromArray(SPECIES, x, xo + r)
                    .fma(DoubleVector.fromArray(SPECIES, y, yo + r), acc0);
            acc1 = DoubleVector.fromArray(SPECIES, x, xo + r + LANES)
                    .fma(DoubleVector.fromArray(SPECIES, y, yo + r + LANES), acc1);
        }
        return sumLanes(acc0.add(acc1)) + ScalarOps.INSTANCE.dot(x, xo + r, y, yo + r, m - r);
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int m) {
        DoubleVector av = splat(alpha);
        int r = 0;
        for (; r + LANES <= m; r += LANES) {
            DoubleVector.fromArray(SPECIES, x, xo + r)
                    .fma(av, DoubleVector.fromArray(SPECIES, y, yo + r))
                    .intoArray(y, yo + r);
        }
        ScalarOps.INSTANCE.axpy(alpha, x, xo + r, y, yo + r, m - r);
    }

    @Override
    public double symvColumn(double[] a, int ao, double vc, double[] v, int vo, double[] y, int yo, int m) {
        DoubleVector vcv = splat(vc);
        DoubleVector acc = DoubleVector.zero(SPECIES);
        int r = 0;
        for (; r + LANES <= m; r += LANES) {
            DoubleVector t = DoubleVector.fromArray(SPECIES, a, ao + r);
            t.fma(vcv, DoubleVector.fromArray(SPECIES, y, yo + r)).intoArray(y, yo + r);
            acc = t.fma(DoubleVector.fromArray(SPECIES, v, vo + r), acc);
        }
        return sumLanes(acc) + ScalarOps.INSTANCE.symvColumn(a, ao + r, vc, v, vo + r, y, yo + r, m - r);
    }

    @Override
    public void symvColumns4(double[] a, int ao, int lda, double vc0, double vc1, double vc2, double vc3,
                             double[] v, int vo, double[] y, int yo, int m, double[] dots) { //#double dots
        int a0 = ao, a1 = ao + lda, a2 = ao + 2 * lda, a3 = ao + 3 * lda;
        DoubleVector b0 = splat(vc0), b1 = splat(vc1), b2 = splat(vc2), b3 = splat(vc3);
        DoubleVector acc0 = DoubleVector.zero(SPECIES), acc1 = DoubleVector.zero(SPECIES);
        DoubleVector acc2 = DoubleVector.zero(SPECIES), acc3 = DoubleVector.zero(SPECIES);
        int r = 0;
        for (; r + LANES <= m; r += LANES) {
            DoubleVector t0 = DoubleVector.fromArray(SPECIES, a, a0 + r);
            DoubleVector t1 = DoubleVector.fromArray(SPECIES, a, a1 + r);
            DoubleVector t2 = DoubleVector.fromArray(SPECIES, a, a2 + r);
            DoubleVector t3 = DoubleVector.fromArray(SPECIES, a, a3 + r);
            DoubleVector vr = DoubleVector.fromArray(SPECIES, v, vo + r);
            DoubleVector yr = DoubleVector.fromArray(SPECIES, y, yo + r);
            yr = t0.fma(b0, yr);
            yr = t1.fma(b1, yr);
            yr = t2.fma(b2, yr);
            yr = t3.fma(b3, yr);
            yr.intoArray(y, yo + r);
            acc0 = t0.fma(vr, acc0);
            acc1 = t1.fma(vr, acc1);
            acc2 = t2.fma(vr, acc2);
            acc3 = t3.fma(vr, acc3);
        }
        ScalarOps.INSTANCE.symvColumns4(a, ao + r, lda, vc0, vc1, vc2, vc3, v, vo + r, y, yo + r, m - r, dots);
        dots[0] += sumLanes(acc0);
        dots[1] += sumLanes(acc1);
        dots[2] += sumLanes(acc2);
        dots[3] += sumLanes(acc3);
    }

    /**
     * Register block: two vectors of rows by {@value #GEMM_COLUMNS} columns, eight accumulators (AVX2 has 16
     * registers; 8 × 4 measured as fast as 8 × 6 here, and 4 divides the two-stage reduction's bandwidth).
     */
    private static final int GEMM_COLUMNS = 4;

    @Override
    public int gemmRows() {
        return 2 * LANES;
    }

    @Override
    public int gemmCols() {
        return GEMM_COLUMNS;
    }

    @Override
    public void gemmBlockStridedA(int kc, double[] a, int ao, int lda, double[] pb, int pbo, double[] c, int co,
                                  int ldc) {
        DoubleVector z = DoubleVector.zero(SPECIES);
        DoubleVector c00 = z, c10 = z, c01 = z, c11 = z, c02 = z, c12 = z, c03 = z, c13 = z;
        // Both operands walked by running offsets rather than ao + k·lda: measured 2.3× faster here (the loop that
        // multiplies stays at about 40% of the core's peak, this one reaches about 85%).
        for (int k = 0, ak = ao, bk = pbo; k < kc; k++, ak += lda, bk += GEMM_COLUMNS) {
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, a, ak);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, a, ak + LANES);
            DoubleVector b = DoubleVector.broadcast(SPECIES, pb[bk]);
            c00 = a0.fma(b, c00);
            c10 = a1.fma(b, c10);
            b = DoubleVector.broadcast(SPECIES, pb[bk + 1]);
            c01 = a0.fma(b, c01);
            c11 = a1.fma(b, c11);
            b = DoubleVector.broadcast(SPECIES, pb[bk + 2]);
            c02 = a0.fma(b, c02);
            c12 = a1.fma(b, c12);
            b = DoubleVector.broadcast(SPECIES, pb[bk + 3]);
            c03 = a0.fma(b, c03);
            c13 = a1.fma(b, c13);
        }
        addInto(c, co, c00, c10);
        addInto(c, co + ldc, c01, c11);
        addInto(c, co + 2 * ldc, c02, c12);
        addInto(c, co + 3 * ldc, c03, c13);
    }

    @Override
    public void gemmBlockStridedB(int kc, double[] pa, int pao, double[] b, int bo, int ldb, double[] c, int co,
                                  int ldc) {
        DoubleVector z = DoubleVector.zero(SPECIES);
        DoubleVector c00 = z, c10 = z, c01 = z, c11 = z, c02 = z, c12 = z, c03 = z, c13 = z;
        int b1o = bo + ldb, b2o = bo + 2 * ldb, b3o = bo + 3 * ldb;
        for (int k = 0, ak = pao; k < kc; k++, ak += 2 * LANES) {
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, pa, ak);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, pa, ak + LANES);
            DoubleVector bv = DoubleVector.broadcast(SPECIES, b[bo + k]);
            c00 = a0.fma(bv, c00);
            c10 = a1.fma(bv, c10);
            bv = DoubleVector.broadcast(SPECIES, b[b1o + k]);
            c01 = a0.fma(bv, c01);
            c11 = a1.fma(bv, c11);
            bv = DoubleVector.broadcast(SPECIES, b[b2o + k]);
            c02 = a0.fma(bv, c02);
            c12 = a1.fma(bv, c12);
            bv = DoubleVector.broadcast(SPECIES, b[b3o + k]);
            c03 = a0.fma(bv, c03);
            c13 = a1.fma(bv, c13);
        }
        addInto(c, co, c00, c10);
        addInto(c, co + ldc, c01, c11);
        addInto(c, co + 2 * ldc, c02, c12);
        addInto(c, co + 3 * ldc, c03, c13);
    }

    private static void addInto(double[] c, int at, DoubleVector first, DoubleVector second) {
        DoubleVector.fromArray(SPECIES, c, at).add(first).intoArray(c, at);
        DoubleVector.fromArray(SPECIES, c, at + LANES).add(second).intoArray(c, at + LANES);
    }
}
