package io.dse4j.internal.cpu;

/**
 * Each point's k nearest other points, from one pass of the packed dot products ({@link DiffusionKernel#products})
 * with the squared distances of {@link SquaredDistances} (recomputed by differences where the Gram expansion
 * cancels, so duplicated points are at distance exactly 0): O(N·k) memory, never an N×N matrix.
 *
 * <p>Each point keeps a bounded max-heap of its k best (d², j) pairs, ordered by d² and then by the index j, so that
 * equal distances go to the lower index whatever order the tiles arrive in: the neighbours do not depend on the
 * thread count. The pass covers the lower triangle only (each distance is offered to both of its points), every
 * worker into heaps of its own, merged at the end — unless those would take more than {@link
 * #SEPARATE_HEAPS_UP_TO} bytes: then every tile, into one set.
 */
final class NearestNeighbours {

    /**
     * The bytes of heaps (12 per neighbour) beyond which the workers share one set of heaps instead of one each: the
     * pass over the lower triangle offers a distance to the heaps of both its points, which only separate sets allow,
     * and it halves the products; a large k with many threads (the adaptive kernels' k can be N − 1) would multiply
     * the memory instead.
     */
    static final double SEPARATE_HEAPS_UP_TO = 64 << 20;

    /** The squared distances, row i's k at [i·k, (i+1)·k), in heap order (its root, the k-th smallest, first). */
    final double[] squaredDistances;
    /** The neighbours' indices, paired with {@link #squaredDistances}. */
    final int[] indices;
    final int k;

    private NearestNeighbours(double[] squaredDistances, int[] indices, int k) {
        this.squaredDistances = squaredDistances;
        this.indices = indices;
        this.k = k;
    }

    /** The k nearest other points of each point (1 ≤ k &lt; N); interrupting the calling thread stops it. */
    static NearestNeighbours of(io.dse4j.spi.Points points, int k, Workers workers) {
        return of(points, k, workers, SEPARATE_HEAPS_UP_TO);
    }

    /** As {@link #of(io.dse4j.spi.Points, int, Workers)}, with separate heaps up to the given bytes. */
    static NearestNeighbours of(io.dse4j.spi.Points points, int k, Workers workers, double separateHeapsUpTo) {
        int n = points.n();
        if (k < 1 || k >= n) {
            throw new IllegalArgumentException("the k nearest neighbours need 1 ≤ k < N = " + n + ", got " + k);
        }
        if ((long) n * k > Integer.MAX_VALUE - 8) {
            throw new io.dse4j.InvalidInputException("k", "N·K = " + (long) n * k + " neighbours do not fit one Java "
                    + "array; lower K (" + k + ")");
        }
        int parts = Math.max(1, workers.threads());
        SquaredDistances distances = SquaredDistances.all(VectorOps.f64For(n), points);
        DiffusionKernel<double[]> kernel = new DiffusionKernel<>(VectorOps.f64For(n), workers);
        if ((double) parts * n * k * 12 > separateHeapsUpTo) {
            // Every tile (both triangles), each row of tiles on one worker, one set of heaps: twice the products,
            // memory for one set.
            double[] heap = new double[n * k];
            int[] index = new int[n * k];
            int[] size = new int[n];
            kernel.products(points.values(), n, points.dims(), false, "neighbours", (part, r0, rows, c0, cols, c,
                                                                                     ld) -> {
                for (int jj = 0; jj < cols; jj++) {
                    int j = c0 + jj;
                    for (int ii = 0; ii < rows; ii++) {
                        int i = r0 + ii;
                        if (i != j) {
                            size[i] = offer(heap, index, i * k, size[i], k, distances.of(c[ii + jj * ld], i, j), j);
                        }
                    }
                }
            });
            return new NearestNeighbours(heap, index, k);
        }
        // One set of heaps per part of the lower-triangle pass: a tile (I, J) offers each distance to the heaps of
        // both of its points, and the parts are merged afterwards; the order (d², j) makes the result independent of
        // which part saw which tile.
        double[][] heaps = new double[parts][n * k];
        int[][] indices = new int[parts][n * k];
        int[][] sizes = new int[parts][n];
        kernel.products(points.values(), n, points.dims(), true, "neighbours", (part, r0, rows, c0, cols, c, ld) -> {
            double[] heap = heaps[part];
            int[] index = indices[part];
            int[] size = sizes[part];
            for (int jj = 0; jj < cols; jj++) {
                int j = c0 + jj;
                for (int ii = Math.max(0, j + 1 - r0); ii < rows; ii++) {
                    int i = r0 + ii;
                    double d2 = distances.of(c[ii + jj * ld], i, j);
                    size[i] = offer(heap, index, i * k, size[i], k, d2, j);
                    size[j] = offer(heap, index, j * k, size[j], k, d2, i);
                }
            }
        });
        for (int part = 1; part < parts; part++) {
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < sizes[part][i]; r++) {
                    sizes[0][i] = offer(heaps[0], indices[0], i * k, sizes[0][i], k, heaps[part][i * k + r],
                            indices[part][i * k + r]);
                }
            }
        }
        return new NearestNeighbours(heaps[0], indices[0], k);
    }

    /** Point i's distance to its k-th nearest other point. */
    double kthDistance(int i) {
        return Math.sqrt(squaredDistances[i * k]);
    }

    /** Whether (d2, j) comes after (e2, l): farther, or as far with a larger index. */
    private static boolean after(double d2, int j, double e2, int l) {
        return d2 > e2 || (d2 == e2 && j > l);
    }

    /** Offers (d2, j) to the max-heap of at most k pairs at [at, at + k); returns its new size. */
    private static int offer(double[] heap, int[] index, int at, int size, int k, double d2, int j) {
        int hole;
        if (size < k) {
            // Sift up from the new leaf.
            hole = size;
            while (hole > 0) {
                int parent = (hole - 1) / 2;
                if (!after(d2, j, heap[at + parent], index[at + parent])) {
                    break;
                }
                heap[at + hole] = heap[at + parent];
                index[at + hole] = index[at + parent];
                hole = parent;
            }
            heap[at + hole] = d2;
            index[at + hole] = j;
            return size + 1;
        }
        if (!after(heap[at], index[at], d2, j)) {
            return size;    // no nearer than the k-th
        }
        // Replace the root and sift down.
        hole = 0;
        while (true) {
            int child = 2 * hole + 1;
            if (child >= k) {
                break;
            }
            if (child + 1 < k && after(heap[at + child + 1], index[at + child + 1], heap[at + child],
                    index[at + child])) {
                child++;
            }
            if (!after(heap[at + child], index[at + child], d2, j)) {
                break;
            }
            heap[at + hole] = heap[at + child];
            index[at + hole] = index[at + child];
            hole = child;
        }
        heap[at + hole] = d2;
        index[at + hole] = j;
        return size;
    }
}
