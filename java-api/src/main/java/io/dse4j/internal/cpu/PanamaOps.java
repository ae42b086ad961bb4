package io.dse4j.internal.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorOps} with the incubating Vector API. This class is loaded only after {@link VectorOpsLookup} has
 * checked that the module {@code jdk.incubator.vector} is in the boot layer, so its absence can never surface as a
 * {@link NoClassDefFoundError}.
 */
final class PanamaOps implements VectorOps {

    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    static final PanamaOps INSTANCE = new PanamaOps();

    private PanamaOps() {
    }

    private static DoubleVector splat(double x) {
        return DoubleVector.broadcast(SPECIES, x);
    }

    static int lanes() {
        return LANES;
    }

    @Override
    public String describe() {
        return "Vector API, " + SPECIES.vectorBitSize() + "-bit (" + LANES + " doubles)";
    }

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
        double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; r < m; r++) {
            s += x[xo + r] * y[yo + r];
        }
        return s;
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int m) {
        DoubleVector av = DoubleVector.broadcast(SPECIES, alpha);
        int r = 0;
        for (; r + LANES <= m; r += LANES) {
            DoubleVector.fromArray(SPECIES, x, xo + r)
                    .fma(av, DoubleVector.fromArray(SPECIES, y, yo + r))
                    .intoArray(y, yo + r);
        }
        for (; r < m; r++) {
            y[yo + r] += alpha * x[xo + r];
        }
    }

    @Override
    public double symvColumn(double[] a, int ao, double vc, double[] v, int vo, double[] y, int yo, int m) {
        DoubleVector vcv = DoubleVector.broadcast(SPECIES, vc);
        DoubleVector acc = DoubleVector.zero(SPECIES);
        int r = 0;
        for (; r + LANES <= m; r += LANES) {
            DoubleVector t = DoubleVector.fromArray(SPECIES, a, ao + r);
            t.fma(vcv, DoubleVector.fromArray(SPECIES, y, yo + r)).intoArray(y, yo + r);
            acc = t.fma(DoubleVector.fromArray(SPECIES, v, vo + r), acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; r < m; r++) {
            double t = a[ao + r];
            y[yo + r] += t * vc;
            s += t * v[vo + r];
        }
        return s;
    }

    @Override
    public void axpy4(double[] dst, int o, double[] x, int x0, int x1, int x2, int x3,
                      double s0, double s1, double s2, double s3, int m) {
        DoubleVector b0 = DoubleVector.broadcast(SPECIES, s0), b1 = DoubleVector.broadcast(SPECIES, s1);
        DoubleVector b2 = DoubleVector.broadcast(SPECIES, s2), b3 = DoubleVector.broadcast(SPECIES, s3);
        int r = 0;
        for (; r + LANES <= m; r += LANES) {
            DoubleVector acc = DoubleVector.fromArray(SPECIES, dst, o + r);
            acc = DoubleVector.fromArray(SPECIES, x, x0 + r).fma(b0, acc);
            acc = DoubleVector.fromArray(SPECIES, x, x1 + r).fma(b1, acc);
            acc = DoubleVector.fromArray(SPECIES, x, x2 + r).fma(b2, acc);
            acc = DoubleVector.fromArray(SPECIES, x, x3 + r).fma(b3, acc);
            acc.intoArray(dst, o + r);
        }
        for (; r < m; r++) {
            dst[o + r] += s0 * x[x0 + r] + s1 * x[x1 + r] + s2 * x[x2 + r] + s3 * x[x3 + r];
        }
    }

    @Override
    public void rank2kColumns4(double[] a, int ao, int lda, double[] v, int vo, int ldv, double[] w, int wo, int ldw,
                               int j, int k, int r0, int r1) {
        int c0 = ao, c1 = ao + lda, c2 = ao + 2 * lda, c3 = ao + 3 * lda;
        int r = r0;
        // Register block: LANES rows x 4 columns, accumulated over all k terms before one store per column.
        for (; r + LANES <= r1; r += LANES) {
            DoubleVector acc0 = DoubleVector.zero(SPECIES), acc1 = DoubleVector.zero(SPECIES);
            DoubleVector acc2 = DoubleVector.zero(SPECIES), acc3 = DoubleVector.zero(SPECIES);
            for (int p = 0; p < k; p++) {
                int vp = vo + p * ldv, wp = wo + p * ldw;
                DoubleVector vr = DoubleVector.fromArray(SPECIES, v, vp + r);
                DoubleVector wr = DoubleVector.fromArray(SPECIES, w, wp + r);
                acc0 = vr.fma(splat(w[wp + j]), wr.fma(splat(v[vp + j]), acc0));
                acc1 = vr.fma(splat(w[wp + j + 1]), wr.fma(splat(v[vp + j + 1]), acc1));
                acc2 = vr.fma(splat(w[wp + j + 2]), wr.fma(splat(v[vp + j + 2]), acc2));
                acc3 = vr.fma(splat(w[wp + j + 3]), wr.fma(splat(v[vp + j + 3]), acc3));
            }
            DoubleVector.fromArray(SPECIES, a, c0 + r).sub(acc0).intoArray(a, c0 + r);
            DoubleVector.fromArray(SPECIES, a, c1 + r).sub(acc1).intoArray(a, c1 + r);
            DoubleVector.fromArray(SPECIES, a, c2 + r).sub(acc2).intoArray(a, c2 + r);
            DoubleVector.fromArray(SPECIES, a, c3 + r).sub(acc3).intoArray(a, c3 + r);
        }
        if (r < r1) {
            ScalarOps.INSTANCE.rank2kColumns4(a, ao, lda, v, vo, ldv, w, wo, ldw, j, k, r, r1);
        }
    }
}
