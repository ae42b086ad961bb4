package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

/**
 * Y = S·X for a symmetric S held in the lower triangle of a column-major matrix and a column-major X of a few
 * columns ({@code dsymm}, left side, lower), as a packed matrix product (Goto &amp; van de Geijn, "Anatomy of
 * high-performance matrix multiplication", ACM TOMS 34(3), 2008): X is packed once into panels of NR columns, and
 * each block of MC rows × KC columns of S — read from whichever triangle holds each entry — into panels of MR rows
 * that the register-blocked micro-kernel ({@link VectorOps#gemmBlock}) streams while its MR × NR block of Y stays
 * in registers. Every element of S is read once per product, and each packed block is reused across all the
 * columns of X from the L2 cache, so the product runs at the cores' arithmetic speed rather than at memory speed,
 * which is what the two-stage reduction ({@link BandReduction}) needs in place of one matrix-vector product per
 * column.
 *
 * <p>Row blocks of Y go to the {@link Workers}; each packs its own blocks of S. Cancellation is checked per block.
 */
final class SymmetricProduct<A> {

    /** Depth of a packed block: 256 columns of S, so one MR-row panel of it (MR × 256) stays in L1. */
    static final int KC = 256;

    /** Rows of a packed block, before rounding up to a multiple of MR: 128 × 256 elements (256 KiB f64) in L2. */
    static final int MC = 128;

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
        if (m == 0 || nx == 0) {
            return;
        }
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        int widthPanels = (nx + nr - 1) / nr;
        int packedWidth = widthPanels * nr;
        // X packed once, block of rows after block of rows: the block of KC rows from k0 starts at k0·packedWidth.
        A packedX = ops.allocate(Math.multiplyExact(m, packedWidth));
        for (int k0 = 0; k0 < m; k0 += KC) {
            ops.packColumns(x, xo, ldx, k0, Math.min(KC, m - k0), nx, packedX, k0 * packedWidth);
        }
        for (int j = 0; j < nx; j++) {
            ops.zero(y, yo + j * ldy, m);
        }
        int mc = (MC + mr - 1) / mr * mr;
        int blocks = (m + mc - 1) / mc;
        int parts = Math.min(blocks, workers.partsFor(2.0 * m * m * nx));
        workers.run(parts, t -> {
            A packedS = ops.allocate(mc * Math.min(KC, m));
            A edge = ops.allocate(mr * nr);
            for (int block = blocks * t / parts; block < blocks * (t + 1) / parts; block++) {
                Cancellation.checkInterrupted();
                int r0 = block * mc;
                int rows = Math.min(mc, m - r0);
                for (int k0 = 0; k0 < m; k0 += KC) {
                    int kc = Math.min(KC, m - k0);
                    ops.packSymmetricRows(a, lda, s + r0, rows, s + k0, kc, packedS);
                    int xBlock = k0 * packedWidth;
                    for (int p = 0; p * mr < rows; p++) {
                        int panelRows = Math.min(mr, rows - p * mr);
                        for (int q = 0; q < widthPanels; q++) {
                            int panelCols = Math.min(nr, nx - q * nr);
                            int sAt = p * mr * kc;
                            int xAt = xBlock + q * nr * kc;
                            int yAt = yo + q * nr * ldy + r0 + p * mr;
                            if (panelRows == mr && panelCols == nr) {
                                ops.gemmBlock(kc, packedS, sAt, packedX, xAt, y, yAt, ldy);
                            } else {
                                // An edge block: computed whole into a scratch block, then its valid part added.
                                ops.zero(edge, 0, mr * nr);
                                ops.gemmBlock(kc, packedS, sAt, packedX, xAt, edge, 0, mr);
                                for (int j = 0; j < panelCols; j++) {
                                    ops.axpy(1.0, edge, j * mr, y, yAt + j * ldy, panelRows);
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
