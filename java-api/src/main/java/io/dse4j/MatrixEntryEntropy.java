package io.dse4j;

import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.spi.Points;

/**
 * The reference's matrix-entry entropy: the Shannon entropy (bits) of the entries of the diffusion matrix
 * P = D⁻¹K taken as one distribution, pᵢⱼ = |Pᵢⱼ| / Σ|P| + ε over all N² entries. No eigenvalues are involved; it is
 * computed on the CPU. Inputs beyond maxN rows are subsampled as for DSE.
 */
public final class MatrixEntryEntropy {

    private MatrixEntryEntropy() {
    }

    /**
     * @param sigma   the Gaussian kernel bandwidth (finite, &gt; 0)
     * @param maxN    at most this many rows enter (≥ 2), subsampled with {@code seed} as DSE does
     * @param threads CPU worker threads (≥ 1)
     */
    public static double entropy(Matrix x, double sigma, int maxN, long seed, int threads) {
        DiffusionSpectralEntropy.builder().sigma(sigma).maxN(maxN).threads(threads);   // argument checks
        if (x == null || x.rows() < 2 || x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 2 rows and 1 column");
        }
        int[] rows = x.rows() > maxN ? DiffusionSpectralEntropy.subsample(x.rows(), maxN, seed) : null;
        return ofRows(x, rows, sigma, threads);
    }

    /** The matrix-entry entropy of the given rows of {@code x} (all rows when null), with no subsampling. */
    static double ofRows(Matrix x, int[] rows, double sigma, int threads) {
        Points points = DiffusionSpectralEntropy.gather(x, rows);
        return CpuBackends.matrixEntryEntropy(points, sigma, threads);
    }
}
