package io.dse4j;

import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.io.MatrixFile;
import io.dse4j.spi.Points;

import java.io.IOException;

/**
 * The reference's matrix-entry entropy: the Shannon entropy (bits) of the entries of the diffusion matrix
 * P = D⁻¹K taken as one distribution, pᵢⱼ = |Pᵢⱼ| / Σ|P| + ε over all N² entries. No eigenvalues are involved:
 * on the GPU, K is built on the device and the N² entries are reduced there. Inputs beyond maxN rows are subsampled as
 * for DSE.
 *
 * <p>An instance holds a backend until {@link #close()}; afterwards {@link #compute} throws
 * {@link IllegalStateException} ("this MatrixEntryEntropy is closed"). Interrupting the computing thread stops it
 * with {@link ComputationInterruptedException}, as for {@link DiffusionSpectralEntropy}.
 */
public final class MatrixEntryEntropy implements AutoCloseable {

    private final DiffusionSpectralEntropy engine;
    private volatile boolean closed;

    private MatrixEntryEntropy(DiffusionSpectralEntropy engine) {
        this.engine = engine;
    }

    /** Opens a computation with σ, maxN, seed, backend, precision and threads from {@code options} (t unused). */
    public static MatrixEntryEntropy open(DiffusionSpectralEntropy.Builder options) {
        return new MatrixEntryEntropy(options.copy().build());
    }

    /** The matrix-entry entropy of the rows of {@code x} (subsampled beyond maxN), in bits. */
    public double compute(Matrix x) {
        checkOpen();
        return engine.matrixEntryEntropy(x, null);
    }

    /**
     * The matrix-entry entropy of the points in a file, reading only the rows it uses (the seeded subsample beyond
     * maxN, the same rows {@link #compute(Matrix)} takes), in memory O(maxN·D) whatever the file's size.
     */
    public double compute(MatrixFile file) throws IOException {
        checkOpen();
        return engine.matrixEntryEntropy(engine.readUsedRows(file, engine.precision()), null);
    }

    /** The backend selection. */
    public BackendSelection selection() {
        return engine.selection();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this MatrixEntryEntropy is closed");
        }
    }

    /** Releases the backend; idempotent. Afterwards {@link #compute} throws {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        engine.close();
    }

    /**
     * @param sigma   the Gaussian kernel bandwidth (finite, &gt; 0)
     * @param maxN    at most this many rows enter (≥ 2), subsampled with {@code seed} as DSE does
     * @param threads CPU worker threads (≥ 1)
     * @return the entropy, computed on the CPU
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
        Points points = DiffusionSpectralEntropy.gather(x, rows, Precision.F64);
        return CpuBackends.matrixEntryEntropy(points, sigma, threads);
    }
}
