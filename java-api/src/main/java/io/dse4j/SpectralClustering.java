package io.dse4j;

import io.dse4j.internal.BackendRouter;

/**
 * Spectral clustering of vectors into k classes, the algorithm of scikit-learn's
 * {@code SpectralClustering(n_clusters=k, affinity='nearest_neighbors', n_neighbors=10, assign_labels='cluster_qr')}
 * that the reference uses for vector references:
 * <ol>
 *   <li>the k-NN connectivity graph (each point linked to its n nearest points, itself included), symmetrised as
 *       W = ½(A + Aᵀ);</li>
 *   <li>the normalised Laplacian L = I − D^-½·W′·D^-½ with W′ = W without its diagonal and D its degrees; its k
 *       eigenvectors of smallest eigenvalue, scaled row-wise by D^-½, form the spectral embedding (Ng, Jordan &amp;
 *       Weiss 2001; von Luxburg, "A tutorial on spectral clustering", 2007);</li>
 *   <li>{@code cluster_qr} (Damle, Minden &amp; Ying, "Simple, direct, and efficient multi-way spectral clustering",
 *       2019): QR with column pivoting of the embedding's transpose picks k representative points; the SVD of their
 *       rows gives the rotation U·Vᵀ; each point goes to the column of largest |embedding·U·Vᵀ|.</li>
 * </ol>
 * The graph has at most 2(n − 1) links a point, so the k eigenvectors come from a sparse block Lanczos iteration with
 * thick restarts, converged to residuals of 10⁻¹⁰ (the dense decomposition for small N); the partition does not
 * depend on the eigenvectors' signs or on the basis chosen within a repeated eigenvalue, which is what cluster_qr is
 * for. The neighbours are searched with the distances of the diffusion kernel (the Gram product, recomputed by
 * differences where it cancels; equal distances go to the lower index). Labels run 0..k-1 and match scikit-learn's
 * up to a permutation.
 */
public final class SpectralClustering {

    public static final int DEFAULT_NEIGHBOURS = 10;

    private SpectralClustering() {
    }

    /**
     * Labels 0..k-1 for the rows of {@code y}, with {@code neighbours} per point (itself included, 2 ≤ neighbours ≤
     * N).
     */
    public static int[] labels(Matrix y, int k, int neighbours, int threads) {
        int n = y.rows();
        if (k < 2 || k > n) {
            throw new InvalidInputException("clusters", "must be between 2 and N = " + n + ", got " + k);
        }
        if (neighbours < 2 || neighbours > n) {
            throw new InvalidInputException("neighbours", "must be between 2 and N = " + n + ", got " + neighbours);
        }
        io.dse4j.spi.Points points;
        try {
            points = PreparedPoints.gather(scaledToUnity(y), null, Precision.F64);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("reference", "vectors to cluster: " + e.problem());
        }
        double[][] embedding = BackendRouter.spectralEmbeddingOnCpu(points, k, neighbours, threads);
        return clusterQr(embedding);
    }

    /**
     * Y scaled by a power of two (exactly, short of the subnormals) so that its largest |value| is about 1 when it
     * lies outside [2⁻⁶⁰, 2⁶⁰]: the neighbours do not depend on the scale, but squared distances of points at 1e-160
     * underflow to 0 and those of points at 1e160 overflow. Y itself when no scaling is needed.
     */
    private static Matrix scaledToUnity(Matrix y) {
        double largest = 0;
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < y.cols(); j++) {
                double v = Math.abs(y.at(i, j));
                if (v > largest && v < Double.POSITIVE_INFINITY) {
                    largest = v;
                }
            }
        }
        if (largest == 0 || (largest >= 0x1p-60 && largest <= 0x1p60)) {
            return y;
        }
        double scale = Math.scalb(1.0, -Math.getExponent(largest));
        double[] values = new double[Math.multiplyExact(y.rows(), y.cols())];
        for (int i = 0; i < y.rows(); i++) {
            for (int j = 0; j < y.cols(); j++) {
                values[i * y.cols() + j] = y.at(i, j) * scale;
            }
        }
        return Matrix.ofRowMajor(values, y.rows(), y.cols());
    }

    /** cluster_qr: QR with column pivoting of Eᵀ picks k rows of E; their SVD gives the rotation; argmax |E·U·Vᵀ|. */
    static int[] clusterQr(double[][] embedding) {
        int n = embedding.length;
        int k = embedding[0].length;
        int[] pivots = pivotedQrColumns(embedding, k);
        // M = E[pivots, :]ᵀ (k×k); SVD M = U Σ Vᵀ; rotation R = U·Vᵀ (the polar factor of M), from MᵀM = V Σ² Vᵀ:
        // U·Vᵀ = M·V·Σ⁻¹·Vᵀ.
        double[][] m = new double[k][k];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                m[r][c] = embedding[pivots[c]][r];
            }
        }
        double[][] rotation = polarFactor(m);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestValue = -1;
            for (int c = 0; c < k; c++) {
                double v = 0;
                for (int r = 0; r < k; r++) {
                    v += embedding[i][r] * rotation[r][c];
                }
                if (Math.abs(v) > bestValue) {
                    bestValue = Math.abs(v);
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    /**
     * The first k pivot columns of the QR factorisation with column pivoting of Eᵀ (k×n): Businger–Golub, each step
     * taking the column of largest remaining norm (Golub &amp; Van Loan, 4th ed., §5.4.2).
     */
    private static int[] pivotedQrColumns(double[][] embedding, int k) {
        int n = embedding.length;
        double[][] columns = new double[n][];
        for (int i = 0; i < n; i++) {
            columns[i] = embedding[i].clone();
        }
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            for (double v : columns[i]) {
                norms[i] += v * v;
            }
        }
        int[] pivots = new int[k];
        boolean[] used = new boolean[n];
        for (int step = 0; step < k; step++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!used[i] && (best < 0 || norms[i] > norms[best])) {
                    best = i;
                }
            }
            pivots[step] = best;
            used[best] = true;
            // Orthogonalise the remaining columns against the chosen one (modified Gram–Schmidt).
            double[] q = columns[best].clone();
            double qq = 0;
            for (double v : q) {
                qq += v * v;
            }
            if (qq == 0) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (used[i]) {
                    continue;
                }
                double dot = 0;
                for (int r = 0; r < q.length; r++) {
                    dot += columns[i][r] * q[r];
                }
                double norm = 0;
                for (int r = 0; r < q.length; r++) {
                    columns[i][r] -= dot / qq * q[r];
                    norm += columns[i][r] * columns[i][r];
                }
                norms[i] = norm;
            }
        }
        return pivots;
    }

    /** U·Vᵀ for M = U·Σ·Vᵀ (k×k), from the eigen-decomposition of MᵀM (Jacobi-accurate at this size). */
    private static double[][] polarFactor(double[][] m) {
        int k = m.length;
        double[] mtm = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int r = 0; r < k; r++) {
                    s += m[r][i] * m[r][j];
                }
                mtm[i + j * k] = s;
            }
        }
        double[][] eigen = BackendRouter.symmetricEigenvectors(mtm, k, 1);
        double[][] rotation = new double[k][k];
        for (int c = 0; c < k; c++) {
            double sigma = Math.sqrt(Math.max(eigen[0][c], 0));
            if (sigma == 0) {
                continue;
            }
            // u_c = M v_c / σ_c; R += u_c v_cᵀ.
            double[] u = new double[k];
            for (int r = 0; r < k; r++) {
                for (int s = 0; s < k; s++) {
                    u[r] += m[r][s] * eigen[1][s + c * k];
                }
                u[r] /= sigma;
            }
            for (int r = 0; r < k; r++) {
                for (int s = 0; s < k; s++) {
                    rotation[r][s] += u[r] * eigen[1][s + c * k];
                }
            }
        }
        return rotation;
    }
}
