package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.io.MatrixFile;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.Points;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

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

    /** What the matrix-entry entropy reads of {@link MeasureOptions}: σ, the rows, the backend. */
    private static final Set<MeasureOptions.Option> USES = EnumSet.of(MeasureOptions.Option.SIGMA,
            MeasureOptions.Option.MAX_N, MeasureOptions.Option.SEED, MeasureOptions.Option.BACKEND,
            MeasureOptions.Option.DEVICE, MeasureOptions.Option.GPU, MeasureOptions.Option.PRECISION,
            MeasureOptions.Option.THREADS, MeasureOptions.Option.PROGRESS);

    private final DiffusionSpectralEntropy engine;
    private volatile boolean closed;

    private MatrixEntryEntropy(DiffusionSpectralEntropy engine) {
        this.engine = engine;
    }

    /** A builder with the reference's defaults: σ = 10, maxN = 10000, seed 0, backend auto, f64. */
    public static Builder builder() {
        return new Builder();
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
        return engine.matrixEntryEntropy(engine.readUsedRows(file, engine.options().precision()), null);
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
     * The matrix-entry entropy on the CPU, with no backend to open or close.
     *
     * @param sigma   the Gaussian kernel bandwidth (finite, &gt; 0)
     * @param maxN    at most this many rows enter (≥ 2), subsampled with {@code seed} as DSE does
     * @param threads CPU worker threads (≥ 1)
     * @return the entropy, computed on the CPU
     */
    public static double entropy(Matrix x, double sigma, int maxN, long seed, int threads) {
        MeasureOptions.builder().sigma(sigma).maxN(maxN).threads(threads);   // argument checks
        if (x == null || x.rows() < 2 || x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 2 rows and 1 column");
        }
        Points points = PreparedPoints.gather(x, Subsampling.usedRows(x.rows(), maxN, seed), Precision.F64);
        return BackendRouter.matrixEntryEntropyOnCpu(points, sigma, threads);
    }

    /** Options of a {@link MatrixEntryEntropy} (every setter checks its argument at once), and its opening. */
    public static final class Builder extends OptionSetters<Builder> {
        private Builder() {
        }

        /**
         * Opens the computation on the backend chosen as {@link DiffusionSpectralEntropy.Builder#build()} chooses it.
         *
         * @throws InvalidInputException when an option the matrix-entry entropy does not use was given
         */
        public MatrixEntryEntropy build() {
            MeasureOptions options = options();
            options.refuseUnused("MatrixEntryEntropy", USES);
            return new MatrixEntryEntropy(DiffusionSpectralEntropy.open(options, KernelKind.DIFFUSION));
        }
    }
}
