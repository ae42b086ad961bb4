package io.dse4j.internal.cpu;

import io.dse4j.Precision;

/**
 * The few inner loops that dominate the CPU backend's run time, over arrays of one working precision: {@code A} is
 * {@code double[]} (f64) or {@code float[]} (f32). The algorithms ({@link TridiagonalReduction},
 * {@link DiffusionKernel}) are written once against this interface; only these leaf loops exist per precision,
 * as in BLAS's s/d routines. Scalars, accumulations across calls and the tridiagonal matrix stay in double.
 *
 * <p>Per precision, two implementations: plain Java (always available) and the incubating Vector API (used only
 * when the JVM was started with {@code --add-modules jdk.incubator.vector}). HotSpot's auto-vectoriser does not
 * vectorise floating-point reductions or loops that read and write one array at two unknown offsets, which is
 * exactly the shape of the symmetric matrix-vector product and the rank-2k update, so explicit SIMD is worth about
 * 3x there. {@link VectorOpsLookup} decides once per JVM whether the Vector API is usable, and per
 * problem, by its size, which implementation runs it.
 *
 * <p>All arrays are addressed by (array, offset); no method allocates except {@link #allocate}.
 */
interface VectorOps<A> {

    /** The f64 implementation chosen for this JVM. */
    static VectorOps<double[]> f64() {
        return VectorOpsLookup.F64;
    }

    /** The f32 implementation chosen for this JVM. */
    static VectorOps<float[]> f32() {
        return VectorOpsLookup.F32;
    }

    /** The f64 loops for a problem of {@code n} points: the scalar ones for small problems (see {@link VectorOpsLookup}). */
    static VectorOps<double[]> f64For(int n) {
        return VectorOpsLookup.f64For(n);
    }

    /** The f32 loops for a problem of {@code n} points. */
    static VectorOps<float[]> f32For(int n) {
        return VectorOpsLookup.f32For(n);
    }

    /** A one-line description, for logs and benchmark reports. */
    String describe();

    /**
     * The f64 loops of the same kind (scalar or Vector API), for the parts of an f32 computation that stay in double
     * (the Gram matrix is accumulated in double in both precisions): {@code this} for f64.
     */
    VectorOps<double[]> f64Companion();

    /** The element type's precision. */
    Precision precision();

    /** A zeroed array of {@code length} elements. */
    A allocate(int length);

    double get(A a, int i);

    void set(A a, int i, double value);

    /** dst[r] = a[ao+r] for r in [0, m), widened to double. */
    void load(A a, int ao, double[] dst, int m);

    /**
     * Σₖ (x[xo+k] − x[yo+k])² for k in [0, m), in double: the squared distance of two points held row-major in one
     * array, by differences ({@link SquaredDistances}: where the Gram expansion cancels).
     */
    default double squaredDistance(double[] x, int xo, int yo, int m) {
        // Four partial sums hide the add latency; no cancellation: every term is non-negative.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < m; k += 4) {
            double d0 = x[xo + k] - x[yo + k];
            double d1 = x[xo + k + 1] - x[yo + k + 1];
            double d2 = x[xo + k + 2] - x[yo + k + 2];
            double d3 = x[xo + k + 3] - x[yo + k + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; k < m; k++) {
            double d = x[xo + k] - x[yo + k];
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * v[r] ← exp(scale·v[r]) for r in [from, to), in double: correctly rounded to 1 ulp (Math.exp here, the Vector
     * API's EXP where it is used, which is documented within 1 ulp). For the matrix-free kernel's tiles, whose
     * exponentials dominate a pass; the exact path keeps Math.exp, so its results stay the reference's bit for bit.
     */
    default void expScaled(double[] v, int from, int to, double scale) {
        for (int r = from; r < to; r++) {
            v[r] = Math.exp(scale * v[r]);
        }
    }

    /** a[ao+r] = src[r] for r in [0, m), rounded to the working precision. */
    default void store(double[] src, A a, int ao, int m) {
        store(src, 0, a, ao, m);
    }

    /** a[ao+r] = src[so+r] for r in [0, m), rounded to the working precision. */
    void store(double[] src, int so, A a, int ao, int m);

    /** a[ao+r] = 0 for r in [0, m). */
    void zero(A a, int ao, int m);

    /** x[xo+r] *= alpha for r in [0, m). */
    void scale(double alpha, A x, int xo, int m);

    /** Returns Σ x[xo+r]·y[yo+r] for r in [0, m). */
    double dot(A x, int xo, A y, int yo, int m);

    /** y[yo+r] += alpha·x[xo+r] for r in [0, m). */
    void axpy(double alpha, A x, int xo, A y, int yo, int m);

    /**
     * One column of a symmetric matrix-vector product with the matrix stored in its lower triangle: with
     * {@code col} the strictly-lower part of a column, adds {@code col[r]·vc} to {@code y[yo+r]} and returns
     * Σ col[r]·v[vo+r] (the column's contribution to the element on the diagonal).
     */
    double symvColumn(A a, int ao, double vc, A v, int vo, A y, int yo, int m);

    /**
     * Four adjacent columns of a lower-stored symmetric matrix-vector product at once, so that y and v are loaded
     * once per four matrix elements: for r in [0, m),
     * {@code y[yo+r] += Σ_k a[ao + k·lda + r]·vc_k} and {@code dots[k] = Σ_r a[ao + k·lda + r]·v[vo+r]}.
     */
    void symvColumns4(A a, int ao, int lda, double vc0, double vc1, double vc2, double vc3,
                      A v, int vo, A y, int yo, int m, double[] dots);

    /** Rows of the register block of {@link #gemmBlock} (a multiple of the SIMD width). */
    int gemmRows();

    /** Columns of the register block of {@link #gemmBlock}. */
    int gemmCols();

    /**
     * One register block of a packed matrix product (the micro-kernel of Goto &amp; van de Geijn, "Anatomy of
     * high-performance matrix multiplication", ACM TOMS 34(3), 2008): with MR = {@link #gemmRows()} and
     * NR = {@link #gemmCols()}, for i &lt; MR and j &lt; NR,
     * {@code c[co + j·ldc + i] += Σ_{k < kc} pa[pao + k·MR + i] · pb[pbo + k·NR + j]}: the packed left panel is a
     * column-major MR-row matrix, so this is {@link #gemmBlockStridedA} with lda = MR.
     */
    default void gemmBlock(int kc, A pa, int pao, A pb, int pbo, A c, int co, int ldc) {
        gemmBlockStridedA(kc, pa, pao, gemmRows(), pb, pbo, c, co, ldc);
    }

    /**
     * {@link #gemmBlock} with its left operand read in place from a column-major matrix instead of a packed panel:
     * {@code c[co + j·ldc + i] += Σ_{k < kc} a[ao + k·lda + i] · pb[pbo + k·NR + j]} for i &lt; MR, j &lt; NR. Reads
     * MR contiguous elements of each of kc columns, so they must all lie inside {@code a}.
     */
    void gemmBlockStridedA(int kc, A a, int ao, int lda, A pb, int pbo, A c, int co, int ldc);

    /**
     * {@link #gemmBlock} with its right operand read in place from NR columns of a column-major matrix:
     * {@code c[co + j·ldc + i] += Σ_{k < kc} pa[pao + k·MR + i] · b[bo + j·ldb + k]} for i &lt; MR, j &lt; NR.
     */
    void gemmBlockStridedB(int kc, A pa, int pao, A b, int bo, int ldb, A c, int co, int ldc);

    /**
     * Packs rows [r0, r0+mc) × columns [c0, c0+kc) of the symmetric matrix S held in the lower triangle of
     * {@code a} (column-major, leading dimension lda) into panels of MR rows, k-major, for {@link #gemmBlock}:
     * {@code dst[p·MR·kc + k·MR + i] = S[r0 + p·MR + i, c0 + k]}, rows at or beyond mc zero.
     */
    void packSymmetricRows(A a, int lda, int r0, int mc, int c0, int kc, A dst);

    /**
     * Packs rows [k0, k0+kc) × columns [0, nc) of {@code b} (column-major from bo, leading dimension ldb) into
     * panels of NR columns, for {@link #gemmBlock}: {@code dst[dsto + q·NR·kc + k·NR + j] = b[bo + (q·NR+j)·ldb + k0+k]},
     * columns at or beyond nc zero.
     */
    void packColumns(A b, int bo, int ldb, int k0, int kc, int nc, A dst, int dsto);

    /**
     * Packs the transpose of rows [r0, r0+kc) × columns [c0, c0+mc) of {@code a} (column-major, leading dimension
     * lda) into panels of MR rows, for {@link #gemmBlock}:
     * {@code dst[p·MR·kc + k·MR + i] = a[(r0 + k) + (c0 + p·MR + i)·lda]}, rows at or beyond mc zero.
     */
    void packTransposedRows(A a, int lda, int r0, int kc, int c0, int mc, A dst);

    /**
     * Packs rows [r0, r0+mc) × columns [c0, c0+kc) of {@code a} (column-major, leading dimension lda) into panels of
     * MR rows, each panel {@code depth} deep, starting at {@code dsto}:
     * {@code dst[dsto + p·MR·depth + k·MR + i] = a[(r0 + p·MR + i) + (c0 + k)·lda]}, rows at or beyond mc zero.
     */
    void packRows(A a, int lda, int r0, int mc, int c0, int kc, A dst, int dsto, int depth);

    /**
     * Packs the transpose of rows [r0, r0+nc) × columns [c0, c0+kc) of {@code a}, times {@code scale}, into panels
     * of NR columns, each panel {@code depth} deep, starting at {@code dsto}:
     * {@code dst[dsto + q·NR·depth + k·NR + j] = scale·a[(r0 + q·NR + j) + (c0 + k)·lda]}, columns at or beyond nc
     * zero.
     */
    void packColumnsOfTranspose(A a, int lda, int r0, int nc, int c0, int kc, double scale, A dst, int dsto,
                                int depth);
}
