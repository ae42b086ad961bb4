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

    /**
     * The tile edge for a packed product over tiles: the smallest multiple of both the register block's rows and its
     * columns that is at least {@code size}, so that every tile but the last holds whole register blocks.
     */
    static int tileSize(int size, int mr, int nr) {
        int lcm = mr / gcd(mr, nr) * nr;
        return (size + lcm - 1) / lcm * lcm;
    }

    private static int gcd(int x, int y) {
        return y == 0 ? x : gcd(y, x % y);
    }
}
