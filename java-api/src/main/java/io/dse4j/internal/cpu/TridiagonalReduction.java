package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.ProgressSink;

import java.util.ArrayList;
import java.util.List;

/**
 * Blocked Householder reduction of a real symmetric matrix to tridiagonal form, T = Qᵀ·A·Q, working on the lower
 * triangle: the algorithm of LAPACK {@code dsytrd}/{@code dlatrd} (Dongarra, Hammarling &amp; Sorensen, "Block
 * reduction of matrices to condensed forms for eigenvalue computations", J. Comput. Appl. Math. 27, 1989;
 * Golub &amp; Van Loan, <i>Matrix Computations</i>, 4th ed., §8.3.1 and §5.1).
 *
 * <p>Each panel of {@link #BLOCK} columns is reduced one column at a time while the trailing matrix is left
 * untouched; the panel's reflectors are accumulated as V (stored in place, below the subdiagonal) and W, so that
 * the trailing matrix receives them all at once as the symmetric rank-2k update A ← A − V·Wᵀ − W·Vᵀ. About half of
 * the 4n³/3 flops are in the symmetric matrix-vector products of the panel (memory bound) and half in the rank-2k
 * update (compute bound); both are split over the {@link Workers}.
 *
 * <p>The matrix is column-major, n×n with leading dimension n, of which only the lower triangle is read. On
 * return: {@code d} holds T's diagonal, {@code e} its subdiagonal, and each column j &lt; n-1 holds the essential
 * part of the Householder vector v_j (v_j[j+1] = 1 implied, v_j[j+2..n) stored in rows j+2..n of column j) with
 * {@code tau[j]}, so that Q = H_0·H_1·…·H_{n-2} with H_j = I − tau_j·v_j·v_jᵀ. The strict upper triangle is
 * overwritten with meaningless values.
 *
 * <p>Cancellation is checked ({@link Cancellation#checkInterrupted()}) before each panel, each column of a panel
 * and each row chunk of the update; an interrupted reduction leaves {@code a} partly reduced.
 */
final class TridiagonalReduction<A> {

    /** Panel width. 32 keeps a 4000-row panel of V and W (2 MB) within the last-level cache share of a core. */
    static final int BLOCK = 32;

    private final VectorOps<A> ops;
    private final Workers workers;

    TridiagonalReduction(VectorOps<A> ops, Workers workers) {
        this.ops = ops;
        this.workers = workers;
    }

    /**
     * Reduces the lower triangle of {@code a} (modified) to tridiagonal form.
     *
     * @param a   n×n column-major; lower triangle read, overwritten with the Householder vectors
     * @param d   length ≥ n, receives the diagonal of T
     * @param e   length ≥ n-1, receives the subdiagonal of T
     * @param tau length ≥ n-1, receives the reflector scalars
     */
    void reduce(A a, int n, double[] d, double[] e, double[] tau) {
        if (n == 0) {
            return;
        }
        int nb = Math.min(BLOCK, Math.max(1, n - 1));
        A w = ops.allocate(Math.multiplyExact(n, nb));
        // One accumulator per part of the largest (first) product; later, smaller ones use fewer.
        List<A> partial = new ArrayList<>();
        for (int t = 0; t < workers.reductionParts(0.5 * n * n); t++) {
            partial.add(ops.allocate(n));
        }
        double[] coefficients = new double[2 * nb];
        ProgressSink progress = ProgressSink.current();
        for (int kb = 0; kb < n - 1; kb += nb) {
            Cancellation.checkInterrupted();
            progress.stage("tridiagonal", Work.trailingCubeDone(kb, n));
            int width = Math.min(nb, n - 1 - kb);
            reducePanel(a, n, kb, width, e, tau, w, partial, coefficients);
            int trailing = kb + width;
            SymmetricRank2k.update(ops, workers, a, n, a, kb, w, 0, width, trailing);
            for (int j = kb; j < kb + width; j++) {
                ops.set(a, j + 1 + j * n, e[j]);
                d[j] = ops.get(a, j + j * n);
            }
        }
        d[n - 1] = ops.get(a, (n - 1) + (n - 1) * n);
    }

    /**
     * Reduces columns [kb, kb+width) and fills W's first {@code width} columns ({@code dlatrd}, lower case).
     * W is column-major with leading dimension n and uses the global row numbering of A.
     */
    private void reducePanel(A a, int n, int kb, int width, double[] e, double[] tau, A w, List<A> partial,
                             double[] coefficients) {
        for (int i = 0; i < width; i++) {
            Cancellation.checkInterrupted();
            reduceColumn(a, n, kb, i, e, tau, w, partial, coefficients);
        }
    }

    /**
     * Column kb+i of the panel: brought up to date, its reflector generated, its column of W formed. A method of
     * its own so that the JIT compiles this body once, when it has been called often enough, rather than as an
     * on-stack replacement of the panel loop and then again as a whole (measured: C2 spent 0.64 s compiling the
     * combined method three times in a cold DSMI run).
     */
    private void reduceColumn(A a, int n, int kb, int i, double[] e, double[] tau, A w, List<A> partial,
                              double[] coefficients) {
        int c = kb + i;
        int col = c * n;
        // Bring column c up to date with the panel's earlier reflectors: A(c:n, c) -= V·W(c,:)ᵀ + W·V(c,:)ᵀ.
        for (int p = 0; p < i; p++) {
            int vcol = (kb + p) * n;
            int wcol = p * n;
            ops.axpy(-ops.get(w, wcol + c), a, vcol + c, a, col + c, n - c);
            ops.axpy(-ops.get(a, vcol + c), w, wcol + c, a, col + c, n - c);
        }
        // Householder reflector annihilating A(c+2:n, c).
        int len = n - c - 1;
        double t = Householder.generate(a, col + c + 1, col + c + 2, len - 1, ops);
        e[c] = ops.get(a, col + c + 1);
        tau[c] = t;
        ops.set(a, col + c + 1, 1.0);

        // W(c+1:n, i) = tau·(A22·v − V·(Wᵀv) − W·(Vᵀv)), then W += (−tau/2·(wᵀv))·v.
        int vo = col + c + 1;
        int wi = i * n + c + 1;
        symmetricTimesVector(a, n, c + 1, vo, w, wi, partial);
        for (int p = 0; p < i; p++) {
            coefficients[2 * p] = ops.dot(w, p * n + c + 1, a, vo, len);
            coefficients[2 * p + 1] = ops.dot(a, (kb + p) * n + c + 1, a, vo, len);
        }
        for (int p = 0; p < i; p++) {
            ops.axpy(-coefficients[2 * p], a, (kb + p) * n + c + 1, w, wi, len);
            ops.axpy(-coefficients[2 * p + 1], w, p * n + c + 1, w, wi, len);
        }
        ops.scale(t, w, wi, len);
        double alpha = -0.5 * t * ops.dot(w, wi, a, vo, len);
        ops.axpy(alpha, a, vo, w, wi, len);
    }

    /**
     * y = A(s:n, s:n)·v for the symmetric trailing matrix stored in the lower triangle of {@code a}
     * ({@code dsymv}). v is read from {@code a} at offset {@code vo}; y is written to {@code y} at offset
     * {@code yo}. Column ranges of equal work go to the workers, each accumulating into its own buffer, the buffers
     * added in order.
     */
    private void symmetricTimesVector(A a, int n, int s, int vo, A y, int yo, List<A> partial) {
        int m = n - s;
        int parts = workers.reductionParts(0.5 * m * m);   // the same bits for any thread count
        int[] bounds = Workers.splitTriangle(m, parts);
        workers.run(parts, t -> {
            A acc = partial.get(t);
            double[] dots = new double[4];
            double[] column = new double[4];
            double[] vBlock = new double[4];
            double[] yBlock = new double[4];
            ops.zero(acc, 0, m);
            int q = bounds[t];
            // Four columns per pass: each element of y and v then serves four matrix elements.
            for (; q + 4 <= bounds[t + 1]; q += 4) {
                fourColumns(a, n, s, m, vo, q, acc, dots, column, vBlock, yBlock);
            }
            for (; q < bounds[t + 1]; q++) {
                int colStart = (s + q) * n + s;
                double vq = ops.get(a, vo + q);
                double off = ops.symvColumn(a, colStart + q + 1, vq, a, vo + q + 1, acc, q + 1, m - q - 1);
                ops.set(acc, q, ops.get(acc, q) + ops.get(a, colStart + q) * vq + off);
            }
        });
        ops.zero(y, yo, m);
        for (int t = 0; t < parts; t++) {
            ops.axpy(1.0, partial.get(t), 0, y, yo, m);
        }
    }

    /**
     * acc += A(s:n, s+q..s+q+4)·v(q..q+4) and acc(q..q+4) += A(s:n, s+q..s+q+4)ᵀ·v, for the symmetric trailing
     * matrix's columns q..q+3 (lower triangle). A method of its own so that C2 compiles this body once instead of
     * replacing the column loop on the stack again and again (5 compilations, 0.27 s, in a cold DSMI run).
     */
    private void fourColumns(A a, int n, int s, int m, int vo, int q, A acc, double[] dots, double[] column,
                             double[] vBlock, double[] yBlock) {
        int c0 = (s + q) * n + s;
        // The 4x4 triangle on and below the diagonal of these columns, in double.
        ops.load(a, vo + q, vBlock, 4);
        ops.load(acc, q, yBlock, 4);
        for (int k = 0; k < 4; k++) {
            ops.load(a, c0 + k * n + q, column, 4);
            double sum = column[k] * vBlock[k];
            for (int r = k + 1; r < 4; r++) {
                yBlock[r] += column[r] * vBlock[k];
                sum += column[r] * vBlock[r];
            }
            yBlock[k] += sum;
        }
        ops.store(yBlock, acc, q, 4);
        ops.symvColumns4(a, c0 + q + 4, n, vBlock[0], vBlock[1], vBlock[2], vBlock[3],
                a, vo + q + 4, acc, q + 4, m - q - 4, dots);
        for (int k = 0; k < 4; k++) {
            ops.set(acc, q + k, ops.get(acc, q + k) + dots[k]);
        }
    }
}
