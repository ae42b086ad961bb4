package io.dse4j.internal.cpu;

/**
 * The few inner loops that dominate the CPU backend's run time, in double precision.
 *
 * <p>Two implementations: {@link ScalarOps} (plain Java, always available) and {@link PanamaOps} (the incubating
 * Vector API, used only when the JVM was started with {@code --add-modules jdk.incubator.vector}). HotSpot's
 * auto-vectoriser does not vectorise floating-point reductions or loops that read and write one array at two
 * unknown offsets, which is exactly the shape of the symmetric matrix-vector product and the rank-2k update, so
 * explicit SIMD is worth about 3x there. {@link #get()} picks one once per JVM.
 *
 * <p>All arrays are addressed by (array, offset); no method allocates.
 */
sealed interface VectorOps permits ScalarOps, PanamaOps {

    /** The implementation chosen for this JVM (see {@link VectorOpsLookup}). */
    static VectorOps get() {
        return VectorOpsLookup.CHOSEN;
    }

    /** A one-line description, for logs and benchmark reports. */
    String describe();

    /** Returns Σ x[xo+r]·y[yo+r] for r in [0, m). */
    double dot(double[] x, int xo, double[] y, int yo, int m);

    /** y[yo+r] += alpha·x[xo+r] for r in [0, m). */
    void axpy(double alpha, double[] x, int xo, double[] y, int yo, int m);

    /**
     * One column of a symmetric matrix-vector product with the matrix stored in its lower triangle: with
     * {@code col} the strictly-lower part of a column, adds {@code col[r]·vc} to {@code y[yo+r]} and returns
     * Σ col[r]·v[vo+r] (the column's contribution to the element on the diagonal).
     */
    double symvColumn(double[] a, int ao, double vc, double[] v, int vo, double[] y, int yo, int m);

    /**
     * Four adjacent columns of a lower-stored symmetric matrix-vector product at once, so that y and v are loaded
     * once per four matrix elements: for r in [0, m),
     * {@code y[yo+r] += Σ_k a[ao + k·lda + r]·vc_k} and {@code dots[k] = Σ_r a[ao + k·lda + r]·v[vo+r]}.
     */
    void symvColumns4(double[] a, int ao, int lda, double vc0, double vc1, double vc2, double vc3,
                      double[] v, int vo, double[] y, int yo, int m, double[] dots);

    /**
     * dst[o+r] += s0·x[x0+r] + s1·x[x1+r] + s2·x[x2+r] + s3·x[x3+r] for r in [0, m): four columns of a
     * matrix product accumulated in one pass over the destination.
     */
    void axpy4(double[] dst, int o, double[] x, int x0, int x1, int x2, int x3,
               double s0, double s1, double s2, double s3, int m);

    /**
     * The symmetric rank-2k update of four adjacent columns, C -= V·Wᵀ + W·Vᵀ restricted to rows [r0, r1):
     * for c in 0..3 and r in [r0, r1),
     * {@code a[ao + c·lda + r] -= Σ_p v[vo + p·ldv + r]·w[wo + p·ldw + j+c] + w[wo + p·ldw + r]·v[vo + p·ldv + j+c]}
     * where j is the first of the four columns in the row numbering of V and W and p runs over [0, k).
     */
    void rank2kColumns4(double[] a, int ao, int lda, double[] v, int vo, int ldv, double[] w, int wo, int ldw,
                        int j, int k, int r0, int r1);
}
