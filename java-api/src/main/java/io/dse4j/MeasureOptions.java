package io.dse4j;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The options of every measure — {@link DiffusionSpectralEntropy}, {@link AdjacencySpectralEntropy},
 * {@link MatrixEntryEntropy}, {@link MutualInformation} and {@link Tracker} — declared, checked and documented here
 * once, apart from the objects that use them (as cuVS keeps its index parameters apart from the index). Immutable.
 *
 * <p>Every measure's builder is a {@link OptionSetters} of these options, so the same call sets an option wherever it
 * applies; one set of options can serve several measures:
 *
 * <pre>{@code
 * MeasureOptions options = MeasureOptions.builder().sigma(10).t(1).precision(Precision.F32).build();
 * try (var dse = DiffusionSpectralEntropy.builder().options(options).build();
 *      var dsmi = MutualInformation.builder().options(options).repetitions(10).build()) { ... }
 * }</pre>
 *
 * <p>A measure's {@code build()} refuses an option that was set (by its setter, or through {@link
 * OptionSetters#options(MeasureOptions)} with a value other than the default) but that the measure does not use, naming
 * the option and what it applies to — an option silently ignored would give a number that is not what was asked
 * for.
 */
public final class MeasureOptions {

    /** The reference's defaults. */
    public static final double DEFAULT_SIGMA = 10.0;
    public static final double DEFAULT_T = 1.0;
    public static final int DEFAULT_MAX_N = 10_000;
    public static final long DEFAULT_SEED = 0L;
    /** The {@link DiffusionSpectralEntropy.Method#SLQ} estimate's default probes and Lanczos steps per probe. */
    public static final int DEFAULT_SLQ_PROBES = 24;
    public static final int DEFAULT_SLQ_STEPS = 12;
    /** The random subsets per class of a mutual information (the reference's 5). */
    public static final int DEFAULT_REPETITIONS = 5;
    /** The classes a scalar or vector reference is divided into (the reference's 10). */
    public static final int DEFAULT_CLUSTERS = 10;
    /** Bins per dimension of the classic Shannon entropy (the reference's 2). */
    public static final int DEFAULT_BINS = 2;
    /** The reference's neighbour count for the k-NN adjacency. */
    public static final int DEFAULT_KNN = 10;
    /** The most a ForkJoinPool takes (its MAX_CAP); beyond it the CPU backend would fail deep inside. */
    static final int MAX_THREADS = 32767;

    /** The options by name, as their errors name them; a measure lists those it uses. */
    enum Option {
        SIGMA("sigma"), T("t"), KERNEL("kernel"), ALPHA("alpha"), METHOD("method"), SLQ_PROBES("probes"),
        SLQ_STEPS("steps"), SLQ_MATRIX_FREE("slqMatrixFree"), MAX_N("maxN"), SEED("seed"), BACKEND("backend"),
        DEVICE("device"), GPU("gpu"), PRECISION("precision"), THREADS("threads"), PROGRESS("progress"),
        MEASURE("measure"), REPETITIONS("repetitions"), CLUSTERS("clusters"), BINS("bins"),
        REFERENCE_KIND("reference kind"), KNN("knn");

        final String argument;

        Option(String argument) {
            this.argument = argument;
        }

        /** Every option but {@code except}. */
        static Set<Option> allBut(Option... except) {
            EnumSet<Option> all = EnumSet.allOf(Option.class);
            all.removeAll(Set.of(except));
            return all;
        }
    }

    private final Bandwidth bandwidth;
    private final double sigma;
    private final double t;
    private final boolean autoTime;
    private final int adaptiveNeighbours;
    private final double decayExponent;
    private final double alpha;
    private final DiffusionSpectralEntropy.Method method;
    private final int slqProbes;
    private final int slqSteps;
    private final boolean slqMatrixFree;
    private final int maxN;
    private final long seed;
    private final BackendKind backend;
    private final int device;
    private final GpuDevice gpu;
    private final Precision precision;
    private final int threads;
    private final ProgressListener progress;
    private final MutualInformation.Measure measure;
    private final int repetitions;
    private final int clusters;
    private final int bins;
    private final ReferenceKind referenceKind;
    private final int knn;
    /** The options given a value (by a setter, or a non-default one through {@code options(…)}). */
    private final Set<Option> given;

    MeasureOptions(OptionSetters<?> s) {
        this.bandwidth = s.bandwidth;
        this.sigma = s.sigma;
        this.t = s.t;
        this.autoTime = s.autoTime;
        this.adaptiveNeighbours = s.adaptiveNeighbours;
        this.decayExponent = s.decayExponent;
        this.alpha = s.alpha;
        this.method = s.method;
        this.slqProbes = s.slqProbes;
        this.slqSteps = s.slqSteps;
        this.slqMatrixFree = s.slqMatrixFree;
        this.maxN = s.maxN;
        this.seed = s.seed;
        this.backend = s.backend;
        this.device = s.device;
        this.gpu = s.gpu;
        this.precision = s.precision;
        this.threads = s.threads;
        this.progress = s.progress;
        this.measure = s.measure;
        this.repetitions = s.repetitions;
        this.clusters = s.clusters;
        this.bins = s.bins;
        this.referenceKind = s.referenceKind;
        this.knn = s.knn;
        this.given = Set.copyOf(s.given);
    }

    /** A builder with the reference's defaults: σ = 10, t = 1, maxN = 10000, seed 0, backend auto, f64. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive others from them. */
    public Builder toBuilder() {
        return new Builder().options(this);
    }

    /** How σ is chosen: a number, or from each computation's points. */
    public Bandwidth bandwidth() {
        return bandwidth;
    }

    /** The last number given for σ (default 10): the bandwidth when it is fixed. */
    public double sigma() {
        return sigma;
    }

    /** The diffusion time t (unused when {@link #autoTime()}). */
    public double t() {
        return t;
    }

    /** Whether t is chosen per spectrum by {@link Spectrum#autoTime()}. */
    public boolean autoTime() {
        return autoTime;
    }

    /** The neighbour whose distance is each point's bandwidth σᵢ; 0 for the one-σ Gaussian kernel. */
    public int adaptiveNeighbours() {
        return adaptiveNeighbours;
    }

    /** The α-decay kernel's exponent; 0 for the Gaussian form (adaptive or not). */
    public double decayExponent() {
        return decayExponent;
    }

    /** The diffusion-maps α-normalisation's α; 0 for none. */
    public double alpha() {
        return alpha;
    }

    /** How the eigenvalues are obtained. */
    public DiffusionSpectralEntropy.Method method() {
        return method;
    }

    public int slqProbes() {
        return slqProbes;
    }

    public int slqSteps() {
        return slqSteps;
    }

    public boolean slqMatrixFree() {
        return slqMatrixFree;
    }

    public int maxN() {
        return maxN;
    }

    public long seed() {
        return seed;
    }

    /** The backend asked for; null defers to {@code -Ddse4j.backend}, then {@code DSE4J_BACKEND}, then auto. */
    public BackendKind backend() {
        return backend;
    }

    public int device() {
        return device;
    }

    /** A GPU backend already open to compute on, or null. */
    public GpuDevice gpu() {
        return gpu;
    }

    public Precision precision() {
        return precision;
    }

    /** CPU worker threads; 0 for the default ({@code -Ddse4j.threads}, else every available processor). */
    public int threads() {
        return threads;
    }

    /** Where each computation reports its progress, or null. */
    public ProgressListener progress() {
        return progress;
    }

    public MutualInformation.Measure measure() {
        return measure;
    }

    public int repetitions() {
        return repetitions;
    }

    public int clusters() {
        return clusters;
    }

    public int bins() {
        return bins;
    }

    public ReferenceKind referenceKind() {
        return referenceKind;
    }

    public int knn() {
        return knn;
    }

    /** The options given a value. */
    Set<Option> given() {
        return given;
    }

    /**
     * Refuses an option given a value that {@code measure} does not use.
     *
     * @param measure what is being built, for the message ("DiffusionSpectralEntropy")
     * @param uses    the options it reads
     */
    void refuseUnused(String measure, Set<Option> uses) {
        for (Option option : Option.values()) {
            if (given.contains(option) && !uses.contains(option)) {
                throw new InvalidInputException(option.argument, "is not an option of " + measure
                        + " (it does not use it); leave it out");
            }
        }
    }

    /**
     * Refuses what a measure that compares several entropies cannot honour: t chosen per spectrum, or σ chosen from
     * each computation's points — its terms would then differ in t or σ.
     *
     * @param measure what is being built, for the message ("MutualInformation")
     */
    void requireOneTimeAndSigma(String measure) {
        if (autoTime) {
            throw new InvalidInputException("t", "auto chooses t per spectrum, and " + measure + " compares its "
                    + "entropies at one t: give t as a number");
        }
        if (!bandwidth.isFixed()) {
            throw new InvalidInputException("sigma", bandwidth.label() + " applies to one DSE at a time; " + measure
                    + " compares its entropies at one σ: give it as a number");
        }
    }

    /** The options' text, for logs and messages. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MeasureOptions[σ %s, t %s, maxN %d, seed %d, backend %s, precision %s, "
                + "threads %d, method %s, given %s]", bandwidth.label(), autoTime ? "auto" : Double.toString(t),
                maxN, seed, backend, precision.label(), threads, method.label(), given);
    }

    /** Builds a {@link MeasureOptions}. */
    public static final class Builder extends OptionSetters<Builder> {
        private Builder() {
        }

        public MeasureOptions build() {
            return options();
        }
    }
}
