package io.dse4j.spi;

/**
 * The binary k-NN adjacency of points, as the reference builds it for the adjacency spectral entropy: Aᵢⱼ = 1 when
 * dᵢⱼ ≤ the k-th smallest distance in row i (the point itself, at distance 0, included), else 0. Host code that both
 * backends use — the CPU solves A's general eigenproblem itself, the GPU uploads A to {@code cusolverDnXgeev} — so it
 * lives here, where either may depend on it, once.
 *
 * <p>A is not symmetric (i among j's nearest does not make j among i's) and is dense: O(N²) memory, O(N² log N)
 * time, one sort per row. Interrupting the calling thread stops it between rows.
 */
public final class KnnAdjacency {

    private KnnAdjacency() {
    }

    /**
     * The adjacency, row-major ({@code a[i][j]}). Distances are taken between the original coordinates
     * ({@link Points#originalAt}): centring at an outlier-moved mean can round close points together.
     *
     * @param k neighbours per row, 1 ≤ k &lt; N
     */
    public static double[][] of(Points points, int k) {
        int n = points.n();
        int dims = points.dims();
        double[][] adjacency = new double[n][n];
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            Cancellation.checkInterrupted();
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int c = 0; c < dims; c++) {
                    double diff = points.originalAt(i, c) - points.originalAt(j, c);
                    sum += diff * diff;
                }
                d2[j] = sum;
            }
            double[] sorted = d2.clone();
            java.util.Arrays.sort(sorted);
            double kth = sorted[k - 1];
            for (int j = 0; j < n; j++) {
                adjacency[i][j] = d2[j] <= kth ? 1.0 : 0.0;
            }
        }
        return adjacency;
    }
}
