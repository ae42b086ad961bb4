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
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        int depth = 2 * width;
        int tile = PackedBlock.tileSize(TILE, mr, nr);
        int blocks = (m + tile - 1) / tile;
        int rowsPacked = (m + mr - 1) / mr * mr;
        int colsPacked = (m + nr - 1) / nr * nr;
        // P = [V W] in MR-row panels and Q = −[W V] in NR-column panels, each panel 2k deep, for all m rows.
        A p = ops.allocate(Math.multiplyExact(rowsPacked, depth));
        A q = ops.allocate(Math.multiplyExact(colsPacked, depth));
        ops.packRows(v, n, s, m, vFirst, width, p, 0, depth);
        ops.packRows(w, n, s, m, wFirst, width, p, width * mr, depth);
        ops.packColumnsOfTranspose(w, n, s, m, wFirst, width, -1.0, q, 0, depth);
        ops.packColumnsOfTranspose(v, n, s, m, vFirst, width, -1.0, q, width * nr, depth);
        int parts = Math.min(blocks, workers.partsFor(2.0 * m * m * width));
        int[] bounds = Workers.splitTileRows(blocks, parts);
        workers.run(parts, t -> {
            A edge = ops.allocate(mr * nr);
            for (int row = bounds[t]; row < bounds[t + 1]; row++) {
                Cancellation.checkInterrupted();
                int r0 = row * tile;
                int rows = Math.min(tile, m - r0);
                for (int column = 0; column <= row; column++) {
                    int c0 = column * tile;
                    int cols = Math.min(tile, m - c0);
                    for (int jq = 0; jq < cols; jq += nr) {
                        int panelCols = Math.min(nr, cols - jq);
                        int qAt = (c0 + jq) / nr * nr * depth;
                        for (int ip = 0; ip < rows; ip += mr) {
                            // On a diagonal tile, register blocks wholly above the diagonal are skipped.
                            if (column == row && ip + mr <= jq) {
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
        });
    }
}
