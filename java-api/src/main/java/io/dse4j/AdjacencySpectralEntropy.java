package io.dse4j;

import io.dse4j.io.MatrixFile;
import io.dse4j.spi.KernelKind;

import java.io.IOException;

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
    public static final int DEFAULT_KNN = 10;

    private final DiffusionSpectralEntropy engine;
    private final Variant variant;
    private final int knn;
    private final int maxN;
    private final long seed;
    private final double sigma;
    private volatile boolean closed;

    private AdjacencySpectralEntropy(DiffusionSpectralEntropy engine, Variant variant, int knn, int maxN, long seed,
                                     double sigma) {
        this.engine = engine;
        this.variant = variant;
        this.knn = knn;
        this.maxN = maxN;
        this.seed = seed;
        this.sigma = sigma;
    }

    /**
     * Opens an ASE computation of the given variant; {@code options} carries σ, maxN, seed, backend, precision and
     * threads (its t is ignored: ASE has no diffusion time). {@code options} itself is not changed.
     */
    public static AdjacencySpectralEntropy open(Variant variant, DiffusionSpectralEntropy.Builder options) {
        return open(variant, options, DEFAULT_KNN);
    }

    /** As {@link #open(Variant, DiffusionSpectralEntropy.Builder)}, with k neighbours for {@link Variant#KNN}. */
    public static AdjacencySpectralEntropy open(Variant variant, DiffusionSpectralEntropy.Builder options, int knn) {
        if (variant == null) {
            throw new InvalidInputException("variant", "must be gaussian, anisotropic or knn");
        }
        if (knn < 1) {
            throw new InvalidInputException("knn", "must be at least 1, got " + knn);
        }
        DiffusionSpectralEntropy.Builder ase = options.copy().t(1)
                .kernel(variant == Variant.GAUSSIAN ? KernelKind.GAUSSIAN : KernelKind.DIFFUSION);
        return new AdjacencySpectralEntropy(ase.build(), variant, knn, ase.maxN(), ase.seed(), ase.sigma());
    }

    /** ASE of the rows of {@code x} (subsampled beyond maxN); the result's entropy is at t = 1 by definition. */
    public DseResult compute(Matrix x) {
        checkOpen();
        if (x == null || x.rows() < 2 || x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 2 rows and 1 column");
        }
        return computeRows(x, x.rows() > maxN ? DiffusionSpectralEntropy.subsample(x.rows(), maxN, seed) : null,
                x.rows());
    }

    /**
     * ASE of the points in a file, reading only the rows it uses (the seeded subsample beyond maxN, the same rows
     * {@link #compute(Matrix)} takes), in memory O(maxN·D) whatever the file's size.
     */
    public DseResult compute(MatrixFile file) throws IOException {
        checkOpen();
        // The k-NN variant works in double whatever the precision asked for.
        Matrix x = engine.readUsedRows(file, variant == Variant.KNN ? Precision.F64 : engine.precision());
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
            return inputRows == r.inputRows() ? r : new DseResult(r.entropy(), r.n(), inputRows, r.d(), r.sigma(),
                    r.t(), r.precision(), r.selection(), r.stages(), r.seconds(), r.spectrum());
        }
        long start = System.nanoTime();
        io.dse4j.spi.StageClock clock = new io.dse4j.spi.StageClock();
        io.dse4j.spi.Points points = DiffusionSpectralEntropy.gather(x, rows, Precision.F64);
        if (knn >= points.n()) {
            throw new InvalidInputException("knn", "must be smaller than N = " + points.n() + ", got " + knn);
        }
        clock.lap("prepare");
        DiffusionSpectralEntropy.Moduli solved = engine.knnModuli(points, knn);
        double[] moduli = solved.values();
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
}
