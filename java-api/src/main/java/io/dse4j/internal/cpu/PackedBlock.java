package io.dse4j.internal.cpu;

/** One register block of a packed matrix product added into C, whole or, at C's edges, only its valid part. */
final class PackedBlock {

    private PackedBlock() {
    }

    /**
     * C[0:rows, 0:cols] += the MR × NR block of {@link VectorOps#gemmBlock} (packed panels at pAt and qAt, depth
     * deep); C column-major from cAt with leading dimension ldc. A partial block (rows &lt; MR or cols &lt; NR) is
     * computed whole into {@code edge} (MR·NR elements) and its valid part added.
     */
    static <A> void add(VectorOps<A> ops, int depth, A p, int pAt, A q, int qAt, A c, int cAt, int ldc, int rows,
                        int cols, A edge) {
        int mr = ops.gemmRows();
        int nr = ops.gemmCols();
        if (rows == mr && cols == nr) {
            ops.gemmBlock(depth, p, pAt, q, qAt, c, cAt, ldc);
            return;
        }
        ops.zero(edge, 0, mr * nr);
        ops.gemmBlock(depth, p, pAt, q, qAt, edge, 0, mr);
        for (int j = 0; j < cols; j++) {
            ops.axpy(1.0, edge, j * mr, c, cAt + j * ldc, rows);
        }
    }
}
