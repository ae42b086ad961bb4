package io.dse4j.internal.cpu;

import java.util.Arrays;

/**
 * The spectral embedding of points through their k-NN graph, as scikit-learn's {@code spectral_embedding} forms it
 * for {@code SpectralClustering(affinity='nearest_neighbors')}: the connectivity A (each point linked to its n
 * nearest points, itself included) symmetrised as W = ½(A + Aᵀ); the normalised Laplacian L = I − D^-½·W′·D^-½ with
 * W′ = W without its diagonal and D its degrees (an isolated point keeps L's diagonal 0, as scipy's); the k
 * eigenvectors of L of smallest eigenvalue, each row scaled by D^-½ (Ng, Jordan &amp; Weiss 2001; von Luxburg, "A
 * tutorial on spectral clustering", 2007).
 *
 * <p>W′ is sparse — at most 2(n − 1) entries a row — so the eigenvectors come from {@link LeadingEigenvectors} on
 * M = I − L = D^-½·W′·D^-½ (+1 on an isolated point's diagonal), whose largest eigenvalues are L's smallest: O(N·n)
 * per product instead of the O(N³) of a dense decomposition, which is kept for small N, for k beyond what the
 * iteration's basis (about 4k columns) leaves room for, and as the fallback when the iteration does not converge —
 * each up to {@value #DENSE_FALLBACK_UP_TO} points (minutes there on two cores); beyond, an exception says so.
 * Repeated eigenvalues: a graph with several connected components has the eigenvalue 1 once per component, with
 * eigenvectors known exactly ({@link #componentVectors}) — the iteration starts from them; any other eigenvalue found
 * repeated as often as the block is wide (a k-NN graph on a grid of a torus has 4-fold ones) has the iteration run
 * again with a wider block ({@link LeadingEigenvectors#largest}); eigenvalues that are merely close (well-separated
 * clusters joined by a few links) are distinct and converge like any other, and the partition depends on the span of
 * the k vectors only, which is determined by the gap after the k-th.
 */
final class SpectralEmbedding {

    /** Residual norm ‖M·u − θ·u‖ accepted for each eigenpair (‖M‖ ≤ 1). */
    static final double TOLERANCE = 1e-10;
    /** At most this many points, the dense decomposition (milliseconds there). */
    static final int DENSE_UP_TO = 300;
    /** At most this many points, the dense decomposition where the iteration cannot serve (minutes at 4000). */
    static final int DENSE_FALLBACK_UP_TO = 4000;
    /**
     * The iteration's first block: two columns (widened where an eigenvalue turns out repeated); at N = 2000
     * (uniform points, k = 10) 493 products against 284 with one column and 2180 with k, in about the time of one
     * column.
     */
    static final int BLOCK = 2;

    private SpectralEmbedding() {
    }

    /**
     * The embedding, row-major n×k ({@code embedding[i][c]}).
     *
     * @param neighbours n of the k-NN graph, the point itself included; 2 ≤ n ≤ N
     * @param k          the eigenvectors, 1 ≤ k ≤ N
     * @throws io.dse4j.InvalidInputException when k is too large for the iteration's basis and N for the dense
     *                                        decomposition
     * @throws io.dse4j.ComputationException  when the iteration does not converge and N is too large for the dense
     *                                        decomposition
     */
    static double[][] of(io.dse4j.spi.Points points, int k, int neighbours, Workers workers) {
        int n = points.n();
        boolean roomForBasis = LeadingEigenvectors.capacityFor(k, BLOCK) <= n;
        if (n > DENSE_FALLBACK_UP_TO && !roomForBasis) {
            throw new io.dse4j.InvalidInputException("clusters", k + " spectral clusters of N = " + n + " points: the "
                    + "iteration needs a basis of " + LeadingEigenvectors.capacityFor(k, BLOCK) + " columns, more than "
                    + "N, and the dense decomposition serves at most " + DENSE_FALLBACK_UP_TO + " points; at most "
                    + maxClustersFor(n) + " clusters here");
        }
        return of(points, k, neighbours, workers, n > DENSE_UP_TO && roomForBasis);
    }

    /** The most clusters that the iteration's basis has room for among n points. */
    static int maxClustersFor(int n) {
        int k = 1;
        while (LeadingEigenvectors.capacityFor(k + 1, BLOCK) <= n) {
            k++;
        }
        return k;
    }

    /** As {@link #of(io.dse4j.spi.Points, int, int, Workers)}, by the iteration or by the dense decomposition. */
    static double[][] of(io.dse4j.spi.Points points, int k, int neighbours, Workers workers, boolean iterative) {
        int n = points.n();
        Graph graph = graph(points, neighbours, workers);
        double[] eigenvectors;
        int[] component = graph.components();
        int components = Arrays.stream(component).max().orElse(-1) + 1;
        if (components >= k) {
            eigenvectors = componentVectors(graph, component, components, k);
        } else if (iterative) {
            // The components' eigenvectors (all of them, fewer than k) begin the basis; only the rest is searched.
            double[] known = componentVectors(graph, component, components, components);
            int maxProducts = 200 * LeadingEigenvectors.capacityFor(k, BLOCK) + 10 * n;
            LeadingEigenvectors.Result result = LeadingEigenvectors.largest(graph::apply, n, k, known, components,
                    BLOCK, TOLERANCE, 0, maxProducts);
            if (result.converged()) {
                eigenvectors = result.vectors();
            } else if (n <= DENSE_FALLBACK_UP_TO) {
                eigenvectors = dense(graph, n, k, workers);
            } else {
                throw new io.dse4j.ComputationException("spectral clustering: the leading " + k + " eigenvectors of "
                        + "the k-NN graph's Laplacian did not converge in " + result.products() + " products (residual "
                        + result.residual() + ", wanted ≤ " + TOLERANCE + "): its eigenvalues around the " + k
                        + "-th are too close to tell the " + k + " classes apart; use fewer clusters, or precomputed "
                        + "classes");
            }
        } else {
            eigenvectors = dense(graph, n, k, workers);
        }
        double[][] embedding = new double[n][k];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                embedding[i][c] = eigenvectors[i + c * n] / graph.rootDegree[i];
            }
        }
        return embedding;
    }

    /** M of the points' k-NN graph with {@code neighbours} per point, itself included. */
    static Graph graph(io.dse4j.spi.Points points, int neighbours, Workers workers) {
        return Graph.of(NearestNeighbours.of(points, neighbours - 1, workers), points.n());
    }

    /**
     * Unit eigenvectors of M for the eigenvalue 1, {@code count} of them, column-major n×count: for each connected
     * component C, D^½·1_C is one (M·D^½·1_C = D^-½·W′·1_C = D^½·1_C), and so is any sum of them over disjoint
     * components. With {@code count} = the number of components, one per component. With fewer (k or more components:
     * L's k smallest eigenvalues are all 0 and any basis of their space is as good), the components are dealt out,
     * largest first (ties: the lower first point), each to the column with the fewest points so far, so that the
     * classes come out as even as the components allow rather than one class taking every small component.
     */
    private static double[] componentVectors(Graph graph, int[] component, int components, int count) {
        int n = component.length;
        long[] sizes = new long[components];
        double[] squaredNorms = new double[components];
        for (int i = 0; i < n; i++) {
            sizes[component[i]]++;
            squaredNorms[component[i]] += graph.rootDegree[i] * graph.rootDegree[i];
        }
        Integer[] order = new Integer[components];
        for (int c = 0; c < components; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> sizes[a] != sizes[b] ? Long.compare(sizes[b], sizes[a]) : Integer.compare(a, b));
        int[] column = new int[components];
        long[] points = new long[count];
        double[] columnNorms = new double[count];
        for (int r = 0; r < components; r++) {
            int c = 0;
            for (int d = 1; d < count; d++) {
                if (points[d] < points[c]) {
                    c = d;
                }
            }
            column[order[r]] = c;
            points[c] += sizes[order[r]];
            columnNorms[c] += squaredNorms[order[r]];
        }
        double[] vectors = new double[Math.multiplyExact(n, count)];
        for (int i = 0; i < n; i++) {
            int c = column[component[i]];
            vectors[c * n + i] = graph.rootDegree[i] / Math.sqrt(columnNorms[c]);
        }
        return vectors;
    }

    /** The k eigenvectors of M's largest eigenvalues from the dense decomposition, largest first, n×k. */
    private static double[] dense(Graph graph, int n, int k, Workers workers) {
        double[] m = new double[Math.multiplyExact(n, n)];
        for (int i = 0; i < n; i++) {
            if (graph.isolated(i)) {
                m[i + i * n] = 1;
            }
            for (int p = graph.rowStart[i]; p < graph.rowStart[i + 1]; p++) {
                m[graph.column[p] + i * n] = graph.value[p];
            }
        }
        SymmetricEigenvectors.Decomposition d = new SymmetricEigenvectors<>(VectorOps.f64For(n), workers).decompose(
                m, n);
        double[] out = new double[n * k];
        for (int c = 0; c < k; c++) {
            System.arraycopy(d.vectors(), (n - 1 - c) * n, out, c * n, n);
        }
        return out;
    }

    /** M = D^-½·W′·D^-½ in compressed rows (columns ascending), with the degrees' square roots. */
    record Graph(int[] rowStart, int[] column, double[] value, double[] rootDegree) {

        static Graph of(NearestNeighbours nearest, int n) {
            int k = nearest.k;
            // Row i holds its own neighbours and the points that have i among theirs: count, fill, then merge.
            int[] count = new int[n + 1];
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < k; r++) {
                    count[i]++;
                    count[nearest.indices[i * k + r]]++;
                }
            }
            int[] start = new int[n + 1];
            for (int i = 0; i < n; i++) {
                start[i + 1] = start[i] + count[i];
            }
            int[] fill = start.clone();
            int[] columns = new int[start[n]];
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < k; r++) {
                    int j = nearest.indices[i * k + r];
                    columns[fill[i]++] = j;
                    columns[fill[j]++] = i;
                }
            }
            // Each (i, j) entry is ½ per direction in which one is among the other's neighbours: ½ or 1.
            int[] rowStart = new int[n + 1];
            int[] column = new int[start[n]];
            double[] weight = new double[start[n]];
            double[] degree = new double[n];
            int at = 0;
            for (int i = 0; i < n; i++) {
                rowStart[i] = at;
                Arrays.sort(columns, start[i], start[i + 1]);
                for (int p = start[i]; p < start[i + 1]; p++) {
                    if (at > rowStart[i] && column[at - 1] == columns[p]) {
                        weight[at - 1] += 0.5;
                    } else {
                        column[at] = columns[p];
                        weight[at] = 0.5;
                        at++;
                    }
                }
                for (int p = rowStart[i]; p < at; p++) {
                    degree[i] += weight[p];
                }
            }
            rowStart[n] = at;
            double[] rootDegree = new double[n];
            for (int i = 0; i < n; i++) {
                rootDegree[i] = degree[i] == 0 ? 1 : Math.sqrt(degree[i]);
            }
            double[] value = new double[at];
            for (int i = 0; i < n; i++) {
                for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                    value[p] = weight[p] / (rootDegree[i] * rootDegree[column[p]]);
                }
            }
            return new Graph(rowStart, Arrays.copyOf(column, at), value, rootDegree);
        }

        /**
         * Each point's connected component, numbered 0, 1, … by their first point (union–find with path halving,
         * then relabelled in index order, so the numbering does not depend on how links were visited).
         */
        int[] components() {
            int n = rootDegree.length;
            int[] parent = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
            for (int i = 0; i < n; i++) {
                for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                    int a = root(parent, i);
                    int b = root(parent, column[p]);
                    if (a != b) {
                        parent[Math.max(a, b)] = Math.min(a, b);
                    }
                }
            }
            int[] label = new int[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                int r = root(parent, i);
                label[i] = r == i ? count++ : label[r];
            }
            return label;
        }

        private static int root(int[] parent, int i) {
            while (parent[i] != i) {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            return i;
        }

        /** A point with no neighbour (impossible for a k-NN graph with k ≥ 1; kept as scipy's Laplacian has it). */
        boolean isolated(int i) {
            return rowStart[i] == rowStart[i + 1];
        }

        /** y = M·x. */
        void apply(double[] x, int xAt, double[] y, int yAt) {
            int n = rootDegree.length;
            for (int i = 0; i < n; i++) {
                double s = isolated(i) ? x[xAt + i] : 0;
                for (int p = rowStart[i]; p < rowStart[i + 1]; p++) {
                    s += value[p] * x[xAt + column[p]];
                }
                y[yAt + i] = s;
            }
        }
    }
}
