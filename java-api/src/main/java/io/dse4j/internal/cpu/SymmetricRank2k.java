package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

/**
 * The symmetric rank-2k update A(s:n, s:n) −= V·Wᵀ + W·Vᵀ on the lower triangle ({@code dsyr2k}), with which both
 * the one-stage ({@link TridiagonalReduction}) and the two-stage ({@link BandReduction}) reductions apply a panel's
 * reflectors to the trailing matrix all at once.
 *
 * <p>Written as one packed matrix product of depth 2k per tile of the lower triangle, C_IJ += P_I·Q_Jᵀ with
 * P = [V W] and Q = −[W V] (Goto &amp; van de Geijn, ACM TOMS 34(3), 2008): P is packed once into panels of MR
 * rows, Q into panels of NR columns, and the register-blocked micro-kernel ({@link VectorOps#gemmBlock}) updates
 * each MR × NR block of A in one read and one write. Tiles on the diagonal are updated whole, so entries just above
 * the diagonal are written too: they lie in the strict upper triangle, which no reduction reads. Row blocks of tiles
 * go to the {@link Workers} in shares of equal work; cancellation is checked per tile row.
 */
final class SymmetricRank2k {

    /** Tile size before rounding up to a multiple of MR and NR. */
    static final int TILE = 128;

    private SymmetricRank2k() {
    }

    /**
     * @param a     n×n column-major, leading dimension n; its lower triangle from row and column s is updated
     * @param v     V: its column p is column {@code vFirst + p} of {@code v} (n rows, in A's numbering: rows ≥ s
     *              are read)
     * @param w     W: its column p is column {@code wFirst + p} of {@code w}, likewise
     * @param width the number of columns of V and W
     */
    static <A> void update(VectorOps<A> ops, Workers workers, A a, int n, A v, int vFirst, A w, int wFirst,
                           int width, int s) {
        int m = n - s;
        if (m <= 0 || width == 0) {
            return;
        }
        Packed<A> packed = pack(ops, workers, n, v, vFirst, w, wFirst, width, s, m, m);
        int tile = packed.tile;
        int blocks = (m + tile - 1) / tile;
        int parts = Math.min(blocks, workers.partsFor(2.0 * m * m * width));
        int[] bounds = Workers.splitTileRows(blocks, parts);
        workers.run(parts, t -> {
            A edge = ops.allocate(ops.gemmRows() * ops.gemmCols());
            for (int row = bounds[t]; row < bounds[t + 1]; row++) {
                Cancellation.checkInterrupted();
                int r0 = row * tile;
                for (int column = 0; column <= row; column++) {
                    int c0 = column * tile;
                    packed.updateTile(a, n, r0, Math.min(tile, m - r0), c0, Math.min(tile, m - c0), edge);
                }
            }
        });
    }

    /**
     * The same update restricted to the columns [s, s+columns) of the trailing matrix: A(s:n, s:s+columns) −= V·Wᵀ + W·Vᵀ
     * on and below the diagonal. The band reduction's look-ahead updates the next panel's columns with it first, so
     * that the panel can be factored before the rest of the trailing matrix is updated (Haidar, Ltaief &amp; Dongarra,
     * SC 2011). Every element gets the same sum, in the same order, as from {@link #update}.
     */
    static <A> void updateColumns(VectorOps<A> ops, Workers workers, A a, int n, A v, int vFirst, A w, int wFirst,
                                  int width, int s, int columns) {
        int m = n - s;
        int cols = Math.min(columns, m);
        if (m <= 0 || width == 0 || cols <= 0) {
            return;
        }
        Packed<A> packed = pack(ops, workers, n, v, vFirst, w, wFirst, width, s, m, cols);
        int tile = packed.tile;
        int blocks = (m + tile - 1) / tile;
        int parts = Math.min(blocks, workers.partsFor(4.0 * m * cols * width));
        workers.run(parts, t -> {
            A edge = ops.allocate(ops.gemmRows() * ops.gemmCols());
            for (int row = (int) ((long) blocks * t / parts); row < (long) blocks * (t + 1) / parts; row++) {
                int r0 = row * tile;
                packed.updateTile(a, n, r0, Math.min(tile, m - r0), 0, cols, edge);
            }
        });
    }

    /**
     * P = [V W] packed in MR-row panels for the rows [s, s+m) and Q = −[W V] in NR-column panels for the rows
     * [s, s+qRows), each panel 2k deep, ready for {@link Packed#updateTile}. The rows are packed in shares on the
     * workers: a copy, so any split gives the same bits, and on one thread it held a core for a few percent of the
     * band reduction while the other waited.
     */
    static <A> Packed<A> pack(VectorOps<A> ops, Workers workers, int n, A v, int vFirst, A w, int wFirst, int width,
                              int s, int m, int qRows) {
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        int depth = 2 * width;
        int rowsPacked = (m + mr - 1) / mr * mr;
        int colsPacked = (qRows + nr - 1) / nr * nr;
        A p = ops.allocate(Math.multiplyExact(rowsPacked, depth));
        A q = ops.allocate(Math.multiplyExact(colsPacked, depth));
        // Shares of whole MR-row and NR-column panels both.
        int unit = PackedBlock.tileSize(1, mr, nr);
        int units = (m + unit - 1) / unit;
        int parts = Math.min(units, workers.partsFor(2.0 * depth * (m + qRows)));
        workers.run(parts, t -> {
            int r0 = (int) ((long) units * t / parts) * unit;
            int r1 = Math.min(m, (int) ((long) units * (t + 1) / parts) * unit);
            ops.packRows(v, n, s + r0, r1 - r0, vFirst, width, p, r0 * depth, depth);
            ops.packRows(w, n, s + r0, r1 - r0, wFirst, width, p, r0 * depth + width * mr, depth);
            int q1 = Math.min(r1, qRows);
            if (q1 > r0) {
                ops.packColumnsOfTranspose(w, n, s + r0, q1 - r0, wFirst, width, -1.0, q, r0 * depth, depth);
                ops.packColumnsOfTranspose(v, n, s + r0, q1 - r0, vFirst, width, -1.0, q, r0 * depth + width * nr,
                        depth);
            }
        });
        return new Packed<>(ops, s, depth, p, q, PackedBlock.tileSize(TILE, mr, nr));
    }

    /** A panel's packed P and Q, from trailing row and column s. */
    record Packed<A>(VectorOps<A> ops, int s, int depth, A p, A q, int tile) {

        /**
         * The update of one tile: rows [s+r0, s+r0+rows) by columns [s+c0, s+c0+cols) of {@code a}, each register
         * block by one product of depth 2k. On a tile on the diagonal (r0 = c0) register blocks wholly above it are
         * skipped and the others updated whole: entries just above the diagonal are written too, in the strict
         * upper triangle, which no reduction reads.
         */
        void updateTile(A a, int n, int r0, int rows, int c0, int cols, A edge) {
            int mr = ops.gemmRows();
            int nr = ops.gemmCols();
            boolean diagonal = r0 == c0;
            for (int jq = 0; jq < cols; jq += nr) {
                int panelCols = Math.min(nr, cols - jq);
                int qAt = (c0 + jq) / nr * nr * depth;
                for (int ip = 0; ip < rows; ip += mr) {
                    if (diagonal && ip + mr <= jq) {
                        continue;
                    }
                    int panelRows = Math.min(mr, rows - ip);
                    int pAt = (r0 + ip) / mr * mr * depth;
                    int cAt = (s + c0 + jq) * n + s + r0 + ip;
                    PackedBlock.add(ops, depth, p, pAt, q, qAt, a, cAt, n, panelRows, panelCols, edge);
                }
            }
        }
    }
}
