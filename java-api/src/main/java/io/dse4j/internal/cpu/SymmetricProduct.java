package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

/**
 * Y = S·X for a symmetric S held in the lower triangle of a column-major matrix and a column-major X of a few
 * columns ({@code dsymm}, left side, lower), as packed matrix products (Goto &amp; van de Geijn, "Anatomy of
 * high-performance matrix multiplication", ACM TOMS 34(3), 2008) over the tiles of S's lower triangle.
 *
 * <p>Each tile S_IJ (I ≥ J, {@value #TILE}×{@value #TILE}) is read from memory once and serves both of its
 * products while it is in cache: Y_I += S_IJ·X_J and Y_J += S_IJᵀ·X_I. A full tile below the diagonal is read in
 * place by the register-blocked micro-kernel ({@link VectorOps#gemmBlockStridedA} walking MR-row strips of its
 * columns; {@link VectorOps#gemmBlockStridedB} for the transposed product, computed as Y_Jᵀ += X_Iᵀ·S_IJ); a
 * diagonal tile, or one cut by the matrix's edge, is packed into panels of MR rows, as it is and transposed, for
 * {@link VectorOps#gemmBlock}. X is packed once into panels of NR columns and once transposed. Reading S once
 * instead of twice matters: with the few columns of X the two-stage reduction needs, the product is otherwise bound
 * by memory bandwidth, not arithmetic.
 *
 * <p>Row blocks of tiles go to the {@link Workers} in shares of equal work; the transposed contributions land in
 * rows another worker owns, so each worker adds them into a buffer of its own, summed at the end. Cancellation is
 * checked per tile row.
 */
final class SymmetricProduct<A> {

    /** Tile size before rounding up to a multiple of MR and NR: 128 × 128 elements (128 KiB f64), in L2. */
    static final int TILE = 128;
    /**
     * The most parts of one product: each holds two m × nx buffers of transposed sums, and more parts cost more than
     * they gain on few cores (16 parts: 11 % slower DSE at N = 4000 on 2 cores, 8 parts within the noise).
     */
    static final int PARTS = 8;

    /*
     * Each part's buffers of transposed sums, kept from one product to the next (a band reduction makes one per
     * panel, ever smaller): allocating them afresh made ~13 GB of garbage at N = 10000. One instance serves one
     * computation, its products one after another; part t's buffers are touched by part t's thread only.
     */
    private final Object[] transposedSums = new Object[PARTS];
    private final int[] transposedCapacity = new int[PARTS];
    private final Object[] transposedTSums = new Object[PARTS];
    private final int[] transposedTCapacity = new int[PARTS];

    /** Part t's buffer of at least {@code length} elements (not zeroed). */
    @SuppressWarnings("unchecked")
    private A partBuffer(Object[] buffers, int[] capacity, int t, int length) {
        if (buffers[t] == null || capacity[t] < length) {
            buffers[t] = ops.allocate(length);
            capacity[t] = length;
        }
        return (A) buffers[t];
    }

    private final VectorOps<A> ops;
    private final Workers workers;

    SymmetricProduct(VectorOps<A> ops, Workers workers) {
        this.ops = ops;
        this.workers = workers;
    }

    /**
     * y[yo + j·ldy + i] = Σ_k S[i, k]·x[xo + j·ldx + k] for i &lt; m, j &lt; nx, where S = the m×m symmetric matrix
     * whose lower triangle is rows and columns [s, s+m) of {@code a} (leading dimension lda). Y is overwritten.
     */
    void multiply(A a, int lda, int s, int m, A x, int xo, int ldx, int nx, A y, int yo, int ldy) {
        multiply(a, lda, s, m, x, xo, ldx, nx, y, yo, ldy, null);
    }

    /**
     * Work done on a tile of S just before the product reads it, by the thread that reads it: rows [s+r0, s+r0+rows)
     * by columns [s+c0, s+c0+cols) of {@code a}; it may change only that tile.
     */
    interface TileUpdate<A> {
        void apply(int r0, int rows, int c0, int cols, A edge);
    }

    /**
     * {@link #multiply} with {@code before} applied to every tile of S's lower triangle just before the product reads
     * it (null: none). The band reduction passes the previous panel's rank-2k update here, so that each tile is
     * updated and then multiplied while it is in cache — read from memory once per panel instead of twice.
     */
    void multiply(A a, int lda, int s, int m, A x, int xo, int ldx, int nx, A y, int yo, int ldy,
                  TileUpdate<A> before) {
        if (m == 0 || nx == 0) {
            return;
        }
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        int widthPanels = (nx + nr - 1) / nr;
        int packedWidth = widthPanels * nr;
        int tile = PackedBlock.tileSize(TILE, mr, nr);
        int blocks = (m + tile - 1) / tile;
        // X packed once, tile of rows after tile of rows: the tile from k0 starts at k0·packedWidth.
        A packedX = ops.allocate(Math.multiplyExact(m, packedWidth));
        for (int k0 = 0; k0 < m; k0 += tile) {
            ops.packColumns(x, xo, ldx, k0, Math.min(tile, m - k0), nx, packedX, k0 * packedWidth);
        }
        // Xᵀ packed once into panels of MR rows (its nx columns padded to ldT), all m deep, for the in-place tiles.
        int ldT = (nx + mr - 1) / mr * mr;
        A packedXT = ops.allocate(Math.multiplyExact(m, ldT));
        ops.packTransposedRows(x, ldx, xo, m, 0, nx, packedXT);
        for (int j = 0; j < nx; j++) {
            ops.zero(y, yo + j * ldy, m);
        }
        // The transposed tiles' sums meet in Y across parts: split by the work alone (the same bits for any count).
        int parts = Math.min(blocks, Math.min(PARTS, workers.reductionParts(2.0 * m * m * nx)));
        int[] bounds = Workers.splitTileRows(blocks, parts);
        @SuppressWarnings("unchecked")
        A[] transposed = (A[]) new Object[parts];
        @SuppressWarnings("unchecked")
        A[] transposedT = (A[]) new Object[parts];
        int mineLength = Math.multiplyExact(m, nx);
        int mineTLength = Math.multiplyExact(m, ldT);
        // A part's transposed sums land in the rows of the tile columns left of its last tile row only: the buffers
        // are zeroed, and added, that far (part 0's, which the others are added into, whole).
        int[] reach = new int[parts];
        for (int t = 0; t < parts; t++) {
            reach[t] = t == 0 ? m : (int) Math.min(m, (long) bounds[t + 1] * tile);
        }
        workers.run(parts, t -> {
            A packedS = ops.allocate(tile * tile);
            A edge = ops.allocate(mr * nr);
            A mine = partBuffer(transposedSums, transposedCapacity, t, mineLength);
            A mineT = partBuffer(transposedTSums, transposedTCapacity, t, mineTLength);
            for (int j = 0; j < nx; j++) {
                ops.zero(mine, j * m, reach[t]);
            }
            ops.zero(mineT, 0, reach[t] * ldT);
            transposed[t] = mine;
            transposedT[t] = mineT;
            for (int row = bounds[t]; row < bounds[t + 1]; row++) {
                Cancellation.checkInterrupted();
                int r0 = row * tile;
                int rows = Math.min(tile, m - r0);
                for (int column = 0; column <= row; column++) {
                    int c0 = column * tile;
                    int cols = Math.min(tile, m - c0);
                    if (before != null) {
                        before.apply(r0, rows, c0, cols, edge);
                    }
                    if (column < row && rows == tile) {
                        inPlace(a, lda, (s + c0) * lda + s + r0, tile, packedX, c0 * packedWidth, widthPanels, nx,
                                y, yo + r0, ldy, packedXT, r0, m, ldT, mineT, c0, edge);
                        continue;
                    }
                    ops.packSymmetricRows(a, lda, s + r0, rows, s + c0, cols, packedS);
                    accumulate(packedS, rows, cols, packedX, c0 * packedWidth, widthPanels, nx, y, yo + r0, ldy,
                            edge);
                    if (column < row) {
                        ops.packTransposedRows(a, lda, s + r0, rows, s + c0, cols, packedS);
                        accumulate(packedS, cols, rows, packedX, r0 * packedWidth, widthPanels, nx, mine, c0, m,
                                edge);
                    }
                }
            }
        });
        // The parts' transposed sums added into part 0's in part order, then into Y: by rows, on the workers (each
        // element's sum runs in part order whatever the split, so the bits do not depend on it). Serial, this held one
        // core for a few percent of the band reduction while the other waited.
        int shares = workers.partsFor(2.0 * parts * m * (nx + ldT));
        workers.run(shares, share -> {
            int i0 = (int) ((long) m * share / shares);
            int i1 = (int) ((long) m * (share + 1) / shares);
            int rows = i1 - i0;
            for (int j = 0; j < nx; j++) {
                for (int t = 1; t < parts; t++) {
                    int reached = Math.min(i1, reach[t]) - i0;
                    if (reached > 0) {
                        ops.axpy(1.0, transposed[t], j * m + i0, transposed[0], j * m + i0, reached);
                    }
                }
                ops.axpy(1.0, transposed[0], j * m + i0, y, yo + j * ldy + i0, rows);
            }
            // (Y_Jᵀ) rows of the in-place tiles: column i of mineT is row i of Y.
            for (int t = 1; t < parts; t++) {
                int reached = Math.min(i1, reach[t]) - i0;
                if (reached > 0) {
                    ops.axpy(1.0, transposedT[t], i0 * ldT, transposedT[0], i0 * ldT, reached * ldT);
                }
            }
            A mineT = transposedT[0];
            double[] row = new double[nx];
            for (int i = i0; i < i1; i++) {
                ops.load(mineT, i * ldT, row, nx);
                for (int j = 0; j < nx; j++) {
                    ops.set(y, yo + j * ldy + i, ops.get(y, yo + j * ldy + i) + row[j]);
                }
            }
        });
    }

    /**
     * Both products of a full off-diagonal tile S_IJ (tile × tile, its column-major top-left at {@code sAt} of
     * {@code a}) read in place, with no packing of S: Y_I += S_IJ·X_J by the micro-kernel walking MR-row strips of
     * S_IJ's columns ({@link VectorOps#gemmBlockStridedA}), and Y_J += S_IJᵀ·X_I computed as Y_Jᵀ += X_Iᵀ·S_IJ
     * into the worker's transposed buffer (ldT × m), the micro-kernel reading NR columns of S_IJ as its right
     * operand ({@link VectorOps#gemmBlockStridedB}). Packing the tile twice cost as much as its arithmetic at the
     * 32 columns of X the band reduction has.
     */
    private void inPlace(A a, int lda, int sAt, int tile, A packedX, int xAt, int widthPanels, int nx, A y, int yAt,
                         int ldy, A packedXT, int r0, int m, int ldT, A mineT, int c0, A edge) {
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        // Strip by strip of S_IJ's rows, every panel of X against it: the strip (MR × tile) stays in L1.
        for (int ip = 0; ip < tile; ip += mr) {
            for (int q = 0; q < widthPanels; q++) {
                int panelCols = Math.min(nr, nx - q * nr);
                int qAt = xAt + q * nr * tile;
                int cAt = yAt + q * nr * ldy + ip;
                if (panelCols == nr) {
                    ops.gemmBlockStridedA(tile, a, sAt + ip, lda, packedX, qAt, y, cAt, ldy);
                } else {
                    ops.zero(edge, 0, mr * nr);
                    ops.gemmBlockStridedA(tile, a, sAt + ip, lda, packedX, qAt, edge, 0, mr);
                    for (int j = 0; j < panelCols; j++) {
                        ops.axpy(1.0, edge, j * mr, y, cAt + j * ldy, mr);
                    }
                }
            }
        }
        for (int jq = 0; jq < tile; jq += nr) {
            for (int p = 0; p < ldT; p += mr) {
                ops.gemmBlockStridedB(tile, packedXT, p * m + r0 * mr, a, sAt + jq * lda, lda, mineT,
                        (c0 + jq) * ldT + p, ldT);
            }
        }
    }

    /**
     * C[0:rows, 0:nx] += P·Xp for a packed block P (rows × depth, MR-row panels) and the packed X tile at
     * {@code xAt} (depth rows, NR-column panels); C column-major from {@code co} with leading dimension ldc.
     */
    private void accumulate(A packed, int rows, int depth, A packedX, int xAt, int widthPanels, int nx, A c, int co,
                            int ldc, A edge) {
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        for (int p = 0; p * mr < rows; p++) {
            int panelRows = Math.min(mr, rows - p * mr);
            for (int q = 0; q < widthPanels; q++) {
                int panelCols = Math.min(nr, nx - q * nr);
                int pAt = p * mr * depth;
                int qAt = xAt + q * nr * depth;
                int cAt = co + q * nr * ldc + p * mr;
                PackedBlock.add(ops, depth, packed, pAt, packedX, qAt, c, cAt, ldc, panelRows, panelCols, edge);
            }
        }
    }
}
