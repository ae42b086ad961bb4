package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

/**
 * The symmetric rank-2k update A(s:n, s:n) −= V·Wᵀ + W·Vᵀ on the lower triangle ({@code dsyr2k}), with which both
 * the one-stage ({@link TridiagonalReduction}) and the two-stage ({@link BandReduction}) reductions apply a panel's
 * reflectors to the trailing matrix all at once. Register-blocked four columns at a time
 * ({@link VectorOps#rank2kColumns4}), in row chunks that keep the chunk of V and W in L2, with column groups of
 * equal work spread over the {@link Workers}. Cancellation is checked per row chunk.
 */
final class SymmetricRank2k {

    /** Rows per chunk: 2 × 32 × 1024 doubles of V and W = 512 KiB, half of L2. */
    private static final int ROW_CHUNK = 1024;

    private SymmetricRank2k() {
    }

    /**
     * @param a     n×n column-major, leading dimension n; its lower triangle from row and column s is updated (rows
     *              j..j+3 above the diagonal of some later columns too: they lie in the strict upper triangle,
     *              which no reduction reads)
     * @param v     V: column p at {@code vo + p·n}, rows in A's numbering (rows ≥ s are read)
     * @param w     W: column p at {@code wo + p·n}, likewise
     * @param width the number of columns of V and W
     */
    static <A> void update(VectorOps<A> ops, Workers workers, A a, int n, A v, int vo, A w, int wo, int width,
                           int s) {
        int m = n - s;
        if (m <= 0 || width == 0) {
            return;
        }
        int groups = (m + 3) / 4;
        int parts = workers.partsFor(2.0 * m * m * width);
        int[] bounds = Workers.splitTriangle(groups, parts);
        workers.run(parts, t -> {
            int firstColumn = s + 4 * bounds[t];
            for (int rowStart = firstColumn; rowStart < n; rowStart += ROW_CHUNK) {
                Cancellation.checkInterrupted();
                int rowEnd = Math.min(n, rowStart + ROW_CHUNK);
                for (int g = bounds[t]; g < bounds[t + 1]; g++) {
                    int j = s + 4 * g;
                    if (j >= rowEnd) {
                        break;
                    }
                    int from = Math.max(j, rowStart);
                    if (j + 4 <= n) {
                        ops.rank2kColumns4(a, j * n, n, v, vo, n, w, wo, n, j, width, from, rowEnd);
                    } else {
                        for (int col = j; col < n; col++) {
                            int r0 = Math.max(col, rowStart);
                            for (int p = 0; p < width; p++) {
                                ops.axpy(-ops.get(w, wo + p * n + col), v, vo + p * n + r0, a, col * n + r0,
                                        rowEnd - r0);
                                ops.axpy(-ops.get(v, vo + p * n + col), w, wo + p * n + r0, a, col * n + r0,
                                        rowEnd - r0);
                            }
                        }
                    }
                }
            }
        });
    }
}
