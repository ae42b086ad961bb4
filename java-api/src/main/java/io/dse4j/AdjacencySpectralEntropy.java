package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.io.MatrixFile;
import io.dse4j.spi.KernelKind;

import java.io.IOException;
import java.util.Set;

/**
 * Adjacency spectral entropy (ASE), the reference's comparison measure: the entropy of the spectrum of an adjacency
 * matrix of the points rather than of the diffusion operator, pᵢ = |λᵢ| / Σⱼ|λⱼ| + ε (no diffusion time), in bits.
 * Variants: {@link Variant#GAUSSIAN} — the Gaussian adjacency G itself; {@link Variant#ANISOTROPIC} — the
 * symmetrically normalised K, which makes ASE equal to DSE at t = 1; {@link Variant#KNN} — the binary k-NN
 * adjacency (Aᵢⱼ = 1 when xⱼ is among the k nearest points of xᵢ, itself included), which is not symmetric: its
 * eigenvalues come from a general eigensolver — cuSOLVER's Xgeev on the GPU when it has it, else the CPU's, which the
 * selection then says — and p uses their complex moduli. Subsampling beyond maxN
 * is as for DSE.
 *
 * <p>An instance holds a backend until {@link #close()}; afterwards {@link #compute} throws
 * {@link IllegalStateException} ("this AdjacencySpectralEntropy is closed"). Interrupting the computing thread
 * stops it with {@link ComputationInterruptedException}, as for {@link DiffusionSpectralEntropy}.
 */
public final class AdjacencySpectralEntropy implements AutoCloseable {

    /** Which adjacency matrix. */
    public enum Variant {
        GAUSSIAN,
        ANISOTROPIC,
        KNN
    }

    /** The reference's default neighbour count for the k-NN adjacency. */
    public static final int DEFAULT_KNN = MeasureOptions.DEFAULT_KNN;

    /**
     * What ASE of G or K reads of {@link MeasureOptions}: as DSE, but not t (ASE is at t = 1), the neighbours, nor the
     * mutual information's options.
     */
    private static final Set<MeasureOptions.Option> USES = MeasureOptions.Option.allBut(MeasureOptions.Option.T,
            MeasureOptions.Option.KNN, MeasureOptions.Option.MEASURE, MeasureOptions.Option.REPETITIONS,
            MeasureOptions.Option.CLUSTERS, MeasureOptions.Option.BINS, MeasureOptions.Option.REFERENCE_KIND);
    /**
     * What ASE of the k-NN adjacency reads: the rows, the neighbours and where it runs — its 0/1 matrix has no σ,
     * no kernel form, and is solved in double whatever the precision.
     */
    private static final Set<MeasureOptions.Option> USES_KNN = java.util.EnumSet.of(MeasureOptions.Option.MAX_N,
            MeasureOptions.Option.SEED, MeasureOptions.Option.BACKEND, MeasureOptions.Option.DEVICE,
            MeasureOptions.Option.GPU, MeasureOptions.Option.THREADS, MeasureOptions.Option.PROGRESS,
            MeasureOptions.Option.KNN);

    private final DiffusionSpectralEntropy engine;
    private final Variant variant;
    private final int knn;
    private final int maxN;
    private final long seed;
    private final double sigma;
    private volatile boolean closed;

    private AdjacencySpectralEntropy(DiffusionSpectralEntropy engine, Variant variant, MeasureOptions options) {
        this.engine = engine;
        this.variant = variant;
        this.knn = options.knn();
        this.maxN = options.maxN();
        this.seed = options.seed();
        this.sigma = options.sigma();
    }

    /** A builder of an ASE computation of the given variant, with the reference's defaults otherwise. */
    public static Builder builder(Variant variant) {
        if (variant == null) {
            throw new InvalidInputException("variant", "must be gaussian, anisotropic or knn");
        }
        return new Builder(variant);
    }

    /** Opens an ASE computation of {@code variant} with these options (t unused: ASE is at t = 1); no option refused. */
    static AdjacencySpectralEntropy open(Variant variant, MeasureOptions options) {
        MeasureOptions atOne = options.toBuilder().t(1).build();
        return new AdjacencySpectralEntropy(DiffusionSpectralEntropy.open(atOne,
                variant == Variant.GAUSSIAN ? KernelKind.GAUSSIAN : KernelKind.DIFFUSION), variant, atOne);
    }

    /** ASE of the rows of {@code x} (subsampled beyond maxN); the result's entropy is at t = 1 by definition. */
    public DseResult compute(Matrix x) {
        checkOpen();
        if (x == null || x.rows() < 2 || x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 2 rows and 1 column");
        }
        return computeRows(x, Subsampling.usedRows(x.rows(), maxN, seed), x.rows());
    }

    /**
     * ASE of the points in a file, reading only the rows it uses (the seeded subsample beyond maxN, the same rows
     * {@link #compute(Matrix)} takes), in memory O(maxN·D) whatever the file's size.
     */
    public DseResult compute(MatrixFile file) throws IOException {
        checkOpen();
        // The k-NN variant works in double whatever the precision asked for.
        Matrix x = engine.readUsedRows(file, variant == Variant.KNN ? Precision.F64 : engine.options().precision());
        if (x.rows() < 2 || x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 2 rows and 1 column");
        }
        return computeRows(x, null, file.rows());
    }

    /** ASE of each row set, as one batch through the backend (Gaussian and anisotropic variants). */
    double[] entropiesOfRows(Matrix x, java.util.List<int[]> rowSets) {
        checkOpen();
        if (variant == Variant.KNN) {
            double[] out = new double[rowSets.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = computeRows(x, rowSets.get(i), x.rows()).entropy();
            }
            return out;
        }
        return engine.entropiesOfRows(x, rowSets, 1);
    }

    /**
     * ASE of the given rows of {@code x} (all when null), with no further subsampling; {@code inputRows} is the row
     * count the result reports as its input's (the file's, when {@code x} holds only the rows read from one).
     */
    DseResult computeRows(Matrix x, int[] rows, int inputRows) {
        checkOpen();
        if (variant != Variant.KNN) {
            DseResult r = rows == null ? engine.compute(x) : engine.computeRows(x, rows);
            return r.withInputRows(inputRows);
        }
        long start = System.nanoTime();
        io.dse4j.spi.StageClock clock = new io.dse4j.spi.StageClock();
        io.dse4j.spi.Points points = PreparedPoints.gather(x, rows, Precision.F64);
        if (knn >= points.n()) {
            throw new InvalidInputException("knn", "must be smaller than N = " + points.n() + ", got " + knn);
        }
        clock.lap("prepare");
        BackendRouter.Routed<double[]> solved = engine.knnModuli(points, knn);
        double[] moduli = solved.value();
        BackendSelection selection = solved.selection();
        clock.lap("eigenvalues");
        Spectrum spectrum = Spectrum.of(moduli);
        double entropy = spectrum.entropy(1);
        clock.lap("entropy");
        return new DseResult(entropy, points.n(), inputRows, x.cols(), sigma, 1, Precision.F64, selection,
                clock.timings(), (System.nanoTime() - start) * 1e-9, spectrum);
    }

    public BackendSelection selection() {
        return engine.selection();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this AdjacencySpectralEntropy is closed");
        }
    }

    /** Releases the backend; idempotent. Afterwards {@link #compute} throws {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        engine.close();
    }

    /** Options of an {@link AdjacencySpectralEntropy} (every setter checks its argument at once), and its opening. */
    public static final class Builder extends OptionSetters<Builder> {
        private final Variant variant;

        private Builder(Variant variant) {
            this.variant = variant;
        }

        /**
         * Opens the computation on the backend chosen as {@link DiffusionSpectralEntropy.Builder#build()} chooses it.
         *
         * @throws InvalidInputException when an option ASE does not use was given (t, or a mutual information's)
         */
        public AdjacencySpectralEntropy build() {
            MeasureOptions options = options();
            options.refuseUnused("AdjacencySpectralEntropy of " + variant, variant == Variant.KNN ? USES_KNN : USES);
            return open(variant, options);
        }
    }
}
