package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.ProgressSink;

/**
 * Stage 2 of the two-stage reduction: a symmetric band matrix of bandwidth b to tridiagonal form by Householder
 * bulge chasing — LAPACK {@code dsytrd_sb2st} and its kernels {@code dsb2st_kernels} (Haidar, Ltaief &amp;
 * Dongarra, SC 2011; the sequential algorithm of Lang, "A parallel algorithm for reducing symmetric banded matrices
 * to tridiagonal form", SIAM J. Sci. Comput. 14(6), 1993; Bischof, Lang &amp; Sun, ACM TOMS 26(4), 2000), in double
 * whatever the working precision, since the band is small (about 2b·n elements).
 *
 * <p>Sweep i annihilates column i below its subdiagonal with one reflector H on rows i+1..i+b and applies it from
 * both sides to the diagonal block those rows span. Applied from the right to the block below (the next b rows),
 * H fills that block in — the bulge; a second reflector annihilates the bulge's first column only and is applied
 * from the left to the rest of the block, then becomes the next step's H one block further down, and so on to the
 * end of the matrix. The rest of each bulge lies in columns that the following sweeps annihilate anyway, so a bulge
 * never spreads beyond 2b−1 diagonals below the main one. Each step works on O(b²) entries that stay in L1.
 *
 * <p>Storage: lower band, column c's entries A(c..c+2b, c) contiguous at {@code ab[c·ld .. c·ld + 2b]} with
 * ld = 2b+1 (the band, then room for the bulge). Cancellation is checked once per sweep, and while waiting.
 *
 * <p>Two threads: the sweeps are pipelined, as in Haidar, Ltaief &amp; Dongarra's wavefront — thread t runs the
 * sweeps i ≡ t (mod 2), and step k of sweep i (the block that starts about k·b rows below column i) starts once
 * sweep i−1 has finished its step k+1: step k of sweep i touches columns up to the last one of step k of sweep
 * i−1 plus one, which step k+1 of sweep i−1 still writes (the bulge's first column), while step k+2 of sweep i−1
 * lies wholly in later columns. Each thread publishes its sweep and finished steps; the other waits on them.
 */
final class BandToTridiagonal {

    private final double[] ab;
    private final int ld;
    private final int n;
    private final int b;
    private double[] v;
    private double[] next;
    private final double[] w;

    /** This chase's progress and the other one's (two-thread chasing), else null. */
    private final java.util.concurrent.atomic.AtomicLong mine;
    private final java.util.concurrent.atomic.AtomicLong other;

    private BandToTridiagonal(double[] ab, int n, int b, java.util.concurrent.atomic.AtomicLong mine,
                              java.util.concurrent.atomic.AtomicLong other) {
        this.mine = mine;
        this.other = other;
        this.ab = ab;
        this.ld = 2 * b + 1;
        this.n = n;
        this.b = b;
        this.v = new double[b];
        this.next = new double[b];
        this.w = new double[b];
    }

    /** The band of the n×n matrix held in A(c..c+b, c) of {@code a} (column-major, leading dimension n). */
    static <A> double[] extractBand(VectorOps<A> ops, A a, int n, int b) {
        int ld = 2 * b + 1;
        double[] ab = new double[Math.multiplyExact(n, ld)];
        for (int c = 0; c < n; c++) {
            int rows = Math.min(b + 1, n - c);
            for (int r = 0; r < rows; r++) {
                ab[c * ld + r] = ops.get(a, c * n + c + r);
            }
        }
        return ab;
    }

    /**
     * Reduces the band {@code ab} (from {@link #extractBand}; destroyed) to tridiagonal form: d[0..n) its
     * diagonal, e[0..n−1) its subdiagonal; on two of the {@code workers}' threads when it has them and the matrix
     * is large enough to pay for the hand-off.
     */
    static void reduce(double[] ab, int n, int b, double[] d, double[] e, Workers workers) {
        if (b > 1 && n > 2) {
            int parts = Math.min(2, workers.partsFor(3.0 * n * n * b));   // two threads, or one
            ProgressSink sink = ProgressSink.current();
            if (parts == 1) {
                BandToTridiagonal chase = new BandToTridiagonal(ab, n, b, null, null);
                for (int i = 0; i + 2 < n; i++) {
                    if ((i & 63) == 0) {
                        Cancellation.checkInterrupted();
                        sink.stage("tridiagonal", Work.trailingSquareDone(i, n));
                    }
                    chase.sweep(i);
                }
            } else {
                java.util.concurrent.atomic.AtomicLong[] progress = {
                    new java.util.concurrent.atomic.AtomicLong(progress(-1, 0)),
                    new java.util.concurrent.atomic.AtomicLong(progress(-1, 0))};
                workers.run(2, t -> {
                    BandToTridiagonal chase = new BandToTridiagonal(ab, n, b, progress[t], progress[1 - t]);
                    try {
                        for (int i = t; i + 2 < n; i += 2) {
                            if ((i & 63) < 2) {
                                Cancellation.checkInterrupted();
                                sink.stage("tridiagonal", Work.trailingSquareDone(i, n));
                            }
                            chase.mine.set(progress(i, 0));
                            chase.sweep(i);
                        }
                    } finally {
                        // Done, or failed: either way the other thread must not wait on this one any more.
                        chase.mine.set(progress(Integer.MAX_VALUE - 1, 0));
                    }
                });
            }
        }
        int ld = 2 * b + 1;
        for (int c = 0; c < n; c++) {
            d[c] = ab[c * ld];
            if (c + 1 < n) {
                e[c] = ab[c * ld + 1];
            }
        }
    }

    /** A thread's progress: the sweep it is on (−1: none yet) and the steps of it finished, in one long. */
    private static long progress(int sweep, int steps) {
        return ((long) (sweep + 1) << 32) | steps;
    }

    /** Waits until sweep i−1 has finished step k+1 (or is over), when another thread runs it. */
    private void awaitPredecessor(int i, int k) {
        if (other == null || i == 0) {
            return;
        }
        int spins = 0;
        while (true) {
            long state = other.get();
            int sweep = (int) (state >>> 32) - 1;
            int steps = (int) state;
            if (sweep > i - 1 || (sweep == i - 1 && steps >= k + 2)) {
                return;
            }
            if (++spins % 4096 == 0) {
                Cancellation.checkInterrupted();
            }
            Thread.onSpinWait();
        }
    }

    private void finished(int i, int steps) {
        if (mine != null) {
            mine.set(progress(i, steps));
        }
    }

    private void sweep(int i) {
        int st = i + 1;
        int ed = Math.min(i + b, n - 1);
        int len = ed - st + 1;
        awaitPredecessor(i, 0);
        double tau = reflector(i * ld + 1, len, v);
        for (int step = 0;; step++) {
            if (step > 0) {
                finished(i, step);
                awaitPredecessor(i, step);
            }
            if (tau != 0) {
                twoSided(st, len, tau);
            }
            int r0 = ed + 1;
            if (r0 >= n) {
                return;
            }
            int r1 = Math.min(ed + b, n - 1);
            int lm = r1 - r0 + 1;
            if (tau != 0) {
                fromTheRight(r0, lm, st, len, tau);
            }
            double tauNext = reflector(st * ld + (r0 - st), lm, next);
            if (tauNext != 0) {
                fromTheLeft(r0, lm, st + 1, len - 1, tauNext);
            }
            double[] swap = v;
            v = next;
            next = swap;
            tau = tauNext;
            st = r0;
            ed = r1;
            len = lm;
        }
    }

    /**
     * A reflector annihilating ab[at+1 .. at+len) against ab[at] ({@link Householder#generate}, {@code dlarfg}):
     * β is left in ab[at] and zeros below it; u receives (1, v) and τ is returned (0: the identity).
     */
    private double reflector(int at, int len, double[] u) {
        double tau = Householder.generate(ab, at, at + 1, len - 1, ScalarOps.INSTANCE);
        u[0] = 1.0;
        for (int r = 1; r < len; r++) {
            u[r] = ab[at + r];   // v (all zero when τ = 0: x was already zero)
            ab[at + r] = 0;
        }
        return tau;
    }

    /**
     * D ← H·D·H for the symmetric diagonal block D = A(st..st+len, st..st+len) and H = I − τ·v·vᵀ ({@code dlarfy}):
     * w = τ·D·v, w ← w − ½τ(wᵀv)·v, D ← D − v·wᵀ − w·vᵀ, on the lower triangle.
     */
    private void twoSided(int st, int len, double tau) {
        java.util.Arrays.fill(w, 0, len, 0);
        for (int c = 0; c < len; c++) {
            int col = (st + c) * ld;   // D[r, c] for r ≥ c at col + (r − c)
            double vc = v[c];
            double sum = ab[col] * v[c];
            for (int r = c + 1; r < len; r++) {
                double x = ab[col + r - c];
                w[r] += x * vc;
                sum += x * v[r];
            }
            w[c] += sum;
        }
        double dot = 0;
        for (int r = 0; r < len; r++) {
            w[r] *= tau;
            dot += w[r] * v[r];
        }
        double alpha = -0.5 * tau * dot;
        for (int r = 0; r < len; r++) {
            w[r] += alpha * v[r];
        }
        for (int c = 0; c < len; c++) {
            int col = (st + c) * ld - c;
            double vc = v[c];
            double wc = w[c];
            for (int r = c; r < len; r++) {
                ab[col + r] -= v[r] * wc + w[r] * vc;
            }
        }
    }

    /** B ← B·H for the lm×len block B = A(r0..r0+lm, st..st+len) below the diagonal block. */
    private void fromTheRight(int r0, int lm, int st, int len, double tau) {
        double[] sums = w;   // B·v, one entry per row of B (lm ≤ b)
        java.util.Arrays.fill(sums, 0, lm, 0);
        for (int c = 0; c < len; c++) {
            int at = (st + c) * ld + (r0 - st - c);
            double vc = v[c];
            for (int r = 0; r < lm; r++) {
                sums[r] += ab[at + r] * vc;
            }
        }
        for (int c = 0; c < len; c++) {
            int at = (st + c) * ld + (r0 - st - c);
            double f = tau * v[c];
            for (int r = 0; r < lm; r++) {
                ab[at + r] -= f * sums[r];
            }
        }
    }

    /** B(:, c0..c0+nc) ← H'·B(:, c0..c0+nc) for the reflector in {@code next} on rows r0..r0+lm. */
    private void fromTheLeft(int r0, int lm, int c0, int nc, double tau) {
        for (int c = 0; c < nc; c++) {
            int at = (c0 + c) * ld + (r0 - c0 - c);
            // Four partial sums: one chain of dependent additions would cost lm FP-add latencies.
            double dot0 = 0, dot1 = 0, dot2 = 0, dot3 = 0;
            int r = 0;
            for (; r + 3 < lm; r += 4) {
                dot0 += next[r] * ab[at + r];
                dot1 += next[r + 1] * ab[at + r + 1];
                dot2 += next[r + 2] * ab[at + r + 2];
                dot3 += next[r + 3] * ab[at + r + 3];
            }
            for (; r < lm; r++) {
                dot0 += next[r] * ab[at + r];
            }
            double f = tau * ((dot0 + dot1) + (dot2 + dot3));
            for (r = 0; r < lm; r++) {
                ab[at + r] -= f * next[r];
            }
        }
    }
}
