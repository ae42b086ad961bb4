package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.ProgressSink;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stage 1 of the two-stage reduction: a real symmetric matrix to symmetric band form of bandwidth b, B = QᵀAQ,
 * working on the lower triangle — LAPACK {@code dsytrd_sy2sb} (Haidar, Ltaief &amp; Dongarra, "Parallel reduction
 * to condensed forms for symmetric eigenvalue problems using aggregated fine-grained and memory-aware kernels",
 * SC 2011; Bischof, Lang &amp; Sun, "A framework for symmetric band reduction", ACM TOMS 26(4), 2000).
 *
 * <p>For each panel of b columns [j, j+b), the block below the band, A(s:n, j:s) with s = j+b, is QR-factored by
 * Householder reflectors (Golub &amp; Van Loan, 4th ed., §5.2.2), which leaves R — inside the band — in its place.
 * The reflectors are gathered into the compact WY form Q = I − V·T·Vᵀ (Schreiber &amp; Van Loan 1989; LAPACK
 * {@code dlarft}) and applied to the trailing matrix from both sides at once. With X = V·T, Y = A₂₂·X and
 * W = Y − ½·V·(Tᵀ·(Vᵀ·Y)):
 * <pre>
 *   QᵀA₂₂Q = A₂₂ − Y·Vᵀ − V·Yᵀ + V·(TᵀVᵀY)·Vᵀ = A₂₂ − V·Wᵀ − W·Vᵀ,
 * </pre>
 * since TᵀVᵀA₂₂VT is symmetric. So every panel costs one symmetric matrix product A₂₂·X ({@link SymmetricProduct})
 * and one rank-2b update ({@link SymmetricRank2k}) — matrix-matrix work throughout, where the one-stage
 * {@link TridiagonalReduction} spends half its flops in memory-bound matrix-vector products.
 *
 * <p>The update is applied with look-ahead (Haidar, Ltaief &amp; Dongarra, SC 2011; LAPACK's {@code dsytrd_sy2sb}
 * applies it whole instead): first to the next panel's b columns only, which are then factored at once, while the
 * other workers begin on the rest of the trailing matrix; the rest is fused into the next panel's product, each
 * tile of A₂₂ updated just before the product reads it, so that the trailing matrix passes through the caches once
 * per panel instead of twice. Every element receives the same sums in the same order as with the plain update, so
 * the result has the same bits, whatever the thread count.
 *
 * <p>On return, for every column c the band entries A(c..min(c+b, n−1), c) hold B's lower band; what lies below
 * the band (the reflectors) and the strict upper triangle are meaningless. Q is not kept (eigenvalues only).
 * Cancellation is checked before each panel and inside the product and the update.
 */
final class BandReduction<A> {

    private final VectorOps<A> ops;
    private final Workers workers;
    private final SymmetricProduct<A> product;

    BandReduction(VectorOps<A> ops, Workers workers) {
        this.ops = ops;
        this.workers = workers;
        this.product = new SymmetricProduct<>(ops, workers);
    }

    /**
     * Reduces the lower triangle of {@code a} (n×n, column-major, leading dimension n) to bandwidth {@code b}.
     */
    void reduce(A a, int n, int b) {
        if (b < 1) {
            throw new IllegalArgumentException("bandwidth " + b + " (need at least 1)");
        }
        if (n <= b + 1) {
            return;   // already a band matrix
        }
        // V, X/W and Y in A's row numbering (column p at p·n), so that the rank-2b update reads them as A's columns.
        // V and W twice: the previous panel's are still to be applied while the current panel's are formed.
        @SuppressWarnings("unchecked")
        A[] vs = (A[]) new Object[] {ops.allocate(Math.multiplyExact(n, b)), ops.allocate(Math.multiplyExact(n, b))};
        @SuppressWarnings("unchecked")
        A[] ws = (A[]) new Object[] {ops.allocate(Math.multiplyExact(n, b)), ops.allocate(Math.multiplyExact(n, b))};
        A y = ops.allocate(Math.multiplyExact(n, b));
        double[] tau = new double[b];
        double[] t = new double[b * b];     // T, upper triangular, column-major b×b
        double[] z = new double[b * b];
        ProgressSink progress = ProgressSink.current();
        // Look-ahead (Haidar, Ltaief & Dongarra, SC 2011): the previous panel's update of A₂₂ is deferred. Only the
        // current panel's columns get it before the panel is factored; the rest of the trailing matrix gets it tile by
        // tile inside the current panel's product A₂₂·X, each tile just before the product reads it, so that A₂₂
        // goes through the cache once per panel, not twice. kPrevious = 0: nothing deferred.
        int kPrevious = 0;
        int sPrevious = 0;
        A vLast = null;
        A wLast = null;
        int tile = PackedBlock.tileSize(SymmetricProduct.TILE, ops.gemmRows(), ops.gemmCols());
        for (int j = 0, panel = 0; j + b + 1 < n; j += b, panel++) {
            Cancellation.checkInterrupted();
            progress.stage("band", Work.trailingCubeDone(j, n));
            int s = j + b;
            int m = n - s;
            int k = Math.min(b, m);
            A v = vs[panel & 1];
            A w = ws[panel & 1];
            A vPrevious = vs[(panel + 1) & 1];
            A wPrevious = ws[(panel + 1) & 1];
            // The previous panel's trailing matrix began at row and column j.
            SymmetricRank2k.updateColumns(ops, workers, a, n, vPrevious, 0, wPrevious, 0, kPrevious, j, b);
            SymmetricRank2k.Packed<A> packed = kPrevious == 0 ? null
                    : SymmetricRank2k.pack(ops, workers, n, vPrevious, 0, wPrevious, 0, kPrevious, s, m, m);
            int ahead = factorPanelAhead(a, n, j, b, s, m, k, tau, v, t, packed);
            // X = V·T into w, by rows: every row of X depends on the same row of V only.
            int parts = workers.reductionParts(2.0 * m * k * k);   // Z's sums: the same bits for any thread count
            A packedT = packSmall(t, k, b, 1.0);
            byRows(s, m, parts, (part, r0, rows) -> {
                for (int q = 0; q < k; q++) {
                    ops.zero(w, q * n + r0, rows);
                }
                addTimesSmall(v, n, r0, rows, k, packedT, w);
            });
            // Y = A₂₂·X, with the previous panel's update of A₂₂ (from row and column s) applied tile by tile first.
            // Tiles the other threads updated while the panel was factored are skipped.
            SymmetricProduct.TileUpdate<A> deferred = packed == null ? null : (r0, rows, c0, cols, edge) -> {
                int row = r0 / tile;
                if (row * (row + 1) / 2 + c0 / tile >= ahead) {
                    packed.updateTile(a, n, r0, rows, c0, cols, edge);
                }
            };
            product.multiply(a, n, s, m, w, s, n, k, y, s, n, deferred);
            // Z = Vᵀ·Y (k×k): each part sums its rows, the parts' sums are added in order.
            double[][] partial = new double[parts][];
            byRows(s, m, parts, (part, r0, rows) -> {
                double[] sums = new double[k * k];
                for (int q = 0; q < k; q++) {
                    for (int p = 0; p < k; p++) {
                        sums[p + q * k] = ops.dot(v, p * n + r0, y, q * n + r0, rows);
                    }
                }
                partial[part] = sums;
            });
            for (int q = 0; q < k; q++) {
                for (int p = 0; p < k; p++) {
                    double sum = 0;
                    for (double[] sums : partial) {
                        sum += sums[p + q * k];
                    }
                    z[p + q * b] = sum;
                }
            }
            // Z ← Tᵀ·Z.
            for (int q = 0; q < k; q++) {
                for (int p = k - 1; p >= 0; p--) {
                    double sum = 0;
                    for (int r = 0; r <= p; r++) {
                        sum += t[r + p * b] * z[r + q * b];   // (Tᵀ)[p, r] = T[r, p], nonzero for r ≤ p
                    }
                    z[p + q * b] = sum;
                }
            }
            // W = Y − ½·V·Z, by rows.
            A packedZ = packSmall(z, k, b, -0.5);
            byRows(s, m, parts, (part, r0, rows) -> {
                for (int q = 0; q < k; q++) {
                    ops.zero(w, q * n + r0, rows);
                    ops.axpy(1.0, y, q * n + r0, w, q * n + r0, rows);
                }
                addTimesSmall(v, n, r0, rows, k, packedZ, w);
            });
            kPrevious = k;
            sPrevious = s;
            vLast = v;
            wLast = w;
        }
        // The last panel's update, whole: its trailing matrix lies inside the band.
        SymmetricRank2k.update(ops, workers, a, n, vLast, 0, wLast, 0, kPrevious, sPrevious);
    }

    /**
     * The panel's QR, its reflectors gathered and T formed, on this thread; meanwhile the other workers apply the
     * previous panel's deferred update ({@code packed}, null: none) to the trailing matrix's tiles (its lower
     * triangle from row and column s, in tiles of the symmetric product's size, numbered row after row: tile (I, J)
     * is I(I+1)/2 + J), from the first on, until the panel is done — the look-ahead's use of the cores that the
     * panel would leave idle (Haidar, Ltaief &amp; Dongarra, SC 2011). Returns how many tiles, from the first, are
     * updated. Each element's update is the same sum whichever thread applies it, so the bits do not depend on how
     * far the others got.
     */
    private int factorPanelAhead(A a, int n, int j, int b, int s, int m, int k, double[] tau, A v, double[] t,
                                 SymmetricRank2k.Packed<A> packed) {
        int threads = workers.threads();
        if (packed == null || threads == 1) {
            factorPanel(a, n, j, b, s, m, k, tau);
            gatherReflectors(a, n, j, s, m, k, v);
            formT(v, n, s, m, k, b, tau, t);
            return 0;
        }
        int tile = PackedBlock.tileSize(SymmetricProduct.TILE, ops.gemmRows(), ops.gemmCols());
        int blocks = (m + tile - 1) / tile;
        int tiles = blocks * (blocks + 1) / 2;
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean factored = new AtomicBoolean();
        workers.run(threads, part -> {
            if (part == 0) {
                try {
                    factorPanel(a, n, j, b, s, m, k, tau);
                    gatherReflectors(a, n, j, s, m, k, v);
                    formT(v, n, s, m, k, b, tau, t);
                } finally {
                    factored.set(true);
                }
                return;
            }
            A edge = ops.allocate(ops.gemmRows() * ops.gemmCols());
            // Claimed after the check, so every claimed tile is updated: the updated ones are the first `next`.
            while (!factored.get()) {
                Cancellation.checkInterrupted();
                int index = next.getAndIncrement();
                if (index >= tiles) {
                    return;
                }
                int row = (int) ((Math.sqrt(8.0 * index + 1) - 1) / 2);
                while (row * (row + 1) / 2 > index) {
                    row--;
                }
                while ((row + 1) * (row + 2) / 2 <= index) {
                    row++;
                }
                int r0 = row * tile;
                int c0 = (index - row * (row + 1) / 2) * tile;
                packed.updateTile(a, n, r0, Math.min(tile, m - r0), c0, Math.min(tile, m - c0), edge);
            }
        });
        return Math.min(next.get(), tiles);
    }

    /**
     * α·M for a k×k M (column-major, leading dimension b) packed in panels of NR columns, k deep, as the right
     * operand of {@link VectorOps#gemmBlock}.
     */
    private A packSmall(double[] matrix, int k, int b, double alpha) {
        int nr = ops.gemmCols();
        int panels = (k + nr - 1) / nr;
        A packed = ops.allocate(panels * nr * k);
        for (int q = 0; q < k; q++) {
            for (int p = 0; p < k; p++) {
                ops.set(packed, q / nr * nr * k + p * nr + q % nr, alpha * matrix[p + q * b]);
            }
        }
        return packed;
    }

    /**
     * C(r0:r0+rows, 0:k) += V(r0:r0+rows, 0:k)·M, M packed by {@link #packSmall}; C and V in A's row numbering
     * (column p at p·n). The reflector bookkeeping's products X = V·T and W = Y − V·(½Z) by the register-blocked
     * micro-kernel: as k² vector updates per row they took about a tenth of the band reduction's time.
     */
    private void addTimesSmall(A v, int n, int r0, int rows, int k, A packedM, A c) {
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        A packedV = ops.allocate((rows + mr - 1) / mr * mr * k);
        ops.packRows(v, n, r0, rows, 0, k, packedV, 0, k);
        A edge = ops.allocate(mr * nr);
        for (int ip = 0; ip < rows; ip += mr) {
            for (int jq = 0; jq < k; jq += nr) {
                PackedBlock.add(ops, k, packedV, ip * k, packedM, jq * k, c, jq * n + r0 + ip, n,
                        Math.min(mr, rows - ip), Math.min(nr, k - jq), edge);
            }
        }
    }

    /** A share of rows [r0, r0+rows) of the trailing rows, the {@code part}-th of the split. */
    private interface RowShare {
        void run(int part, int r0, int rows);
    }

    /** Rows [s, s+m) split into {@code parts} contiguous shares, run on the workers. */
    private void byRows(int s, int m, int parts, RowShare share) {
        workers.run(parts, part -> {
            int r0 = s + (int) ((long) m * part / parts);
            share.run(part, r0, s + (int) ((long) m * (part + 1) / parts) - r0);
        });
    }

    /**
     * Householder QR of the m×b block A(s:n, j:j+b) ({@code dgeqr2}): reflector p, from column j+p, annihilates
     * rows s+p+1.. of that column and is applied at once to the panel's later columns. Its essential part stays in
     * place below R; the first k = min(b, m) columns get reflectors (a reflector of length 1 is the identity).
     */
    private void factorPanel(A a, int n, int j, int b, int s, int m, int k, double[] tau) {
        for (int p = 0; p < k; p++) {
            int col = (j + p) * n;
            int top = col + s + p;
            tau[p] = Householder.generate(a, top, top + 1, m - p - 1, ops);
            if (tau[p] == 0) {
                continue;
            }
            double beta = ops.get(a, top);
            ops.set(a, top, 1.0);
            for (int q = p + 1; q < b; q++) {
                int other = (j + q) * n + s + p;
                double dot = ops.dot(a, top, a, other, m - p);
                ops.axpy(-tau[p] * dot, a, top, a, other, m - p);
            }
            ops.set(a, top, beta);
        }
    }

    /** V with its zeros and unit diagonal written out: column p has 1 at row s+p and the stored part below it. */
    private void gatherReflectors(A a, int n, int j, int s, int m, int k, A v) {
        for (int p = 0; p < k; p++) {
            int vc = p * n;
            ops.zero(v, vc + s, p);
            ops.set(v, vc + s + p, 1.0);
            int from = (j + p) * n + s + p + 1;
            for (int r = 1; r < m - p; r++) {
                ops.set(v, vc + s + p + r, ops.get(a, from + r - 1));
            }
        }
    }

    /**
     * The triangular factor of the compact WY form, forward and column-wise ({@code dlarft}):
     * T[p, p] = τ_p and T[0:p, p] = −τ_p·T[0:p, 0:p]·(V[:, 0:p]ᵀ·v_p).
     */
    private void formT(A v, int n, int s, int m, int k, int b, double[] tau, double[] t) {
        java.util.Arrays.fill(t, 0);
        double[] u = new double[k];
        for (int p = 0; p < k; p++) {
            t[p + p * b] = tau[p];
            if (tau[p] == 0) {
                continue;
            }
            for (int i = 0; i < p; i++) {
                u[i] = -tau[p] * ops.dot(v, i * n + s + p, v, p * n + s + p, m - p);
            }
            for (int i = 0; i < p; i++) {
                double sum = 0;
                for (int r = i; r < p; r++) {
                    sum += t[i + r * b] * u[r];
                }
                t[i + p * b] = sum;
            }
        }
    }
}
