package io.dse4j;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The options of every measure — {@link DiffusionSpectralEntropy}, {@link AdjacencySpectralEntropy},
 * {@link MatrixEntryEntropy}, {@link MutualInformation} and {@link Tracker} — declared, checked and documented here
 * once, apart from the objects that use them (as cuVS keeps its index parameters apart from the index). Immutable.
 *
 * <p>Every measure's builder is a {@link Setters} of these options, so the same call sets an option wherever it
 * applies; one set of options can serve several measures:
 *
 * <pre>{@code
 * MeasureOptions options = MeasureOptions.builder().sigma(10).t(1).precision(Precision.F32).build();
 * try (var dse = DiffusionSpectralEntropy.builder().options(options).build();
 *      var dsmi = MutualInformation.builder().options(options).repetitions(10).build()) { ... }
 * }</pre>
 *
 * <p>A measure's {@code build()} refuses an option that was set (by its setter, or through {@link
 * Setters#options(MeasureOptions)} with a value other than the default) but that the measure does not use, naming
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

    private MeasureOptions(Setters<?> s) {
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

    /** The options' text, for logs and messages. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MeasureOptions[σ %s, t %s, maxN %d, seed %d, backend %s, precision %s, "
                + "threads %d, method %s, given %s]", bandwidth.label(), autoTime ? "auto" : Double.toString(t),
                maxN, seed, backend, precision.label(), threads, method.label(), given);
    }

    /** Builds a {@link MeasureOptions}. */
    public static final class Builder extends Setters<Builder> {
        private Builder() {
        }

        public MeasureOptions build() {
            return options();
        }
    }

    /**
     * The setters of every option, shared by {@link MeasureOptions.Builder} and each measure's builder; each setter
     * checks its argument at once and throws {@link InvalidInputException} naming it.
     *
     * @param <B> the builder, returned by each setter for chaining
     */
    public abstract static sealed class Setters<B extends Setters<B>> permits Builder,
            DiffusionSpectralEntropy.Builder, AdjacencySpectralEntropy.Builder, MatrixEntryEntropy.Builder,
            MutualInformation.Builder, Tracker.Builder {
        private Bandwidth bandwidth = Bandwidth.of(DEFAULT_SIGMA);
        private double sigma = DEFAULT_SIGMA;
        private double t = DEFAULT_T;
        private boolean autoTime;
        private int adaptiveNeighbours;
        private double decayExponent;
        private double alpha;
        private DiffusionSpectralEntropy.Method method = DiffusionSpectralEntropy.Method.EXACT;
        private int slqProbes = DEFAULT_SLQ_PROBES;
        private int slqSteps = DEFAULT_SLQ_STEPS;
        private boolean slqMatrixFree;
        private int maxN = DEFAULT_MAX_N;
        private long seed = DEFAULT_SEED;
        private BackendKind backend;
        private int device;
        private GpuDevice gpu;
        private Precision precision = Precision.F64;
        private int threads;
        private ProgressListener progress;
        private MutualInformation.Measure measure = MutualInformation.Measure.DSMI;
        private int repetitions = DEFAULT_REPETITIONS;
        private int clusters = DEFAULT_CLUSTERS;
        private int bins = DEFAULT_BINS;
        private ReferenceKind referenceKind = ReferenceKind.AUTO;
        private int knn = DEFAULT_KNN;
        private final EnumSet<Option> given = EnumSet.noneOf(Option.class);

        Setters() {
        }

        @SuppressWarnings("unchecked")
        private B given(Option option) {
            given.add(option);
            return (B) this;
        }

        /** The options set so far. */
        public MeasureOptions options() {
            return new MeasureOptions(this);
        }

        /**
         * Takes every option from {@code options}; those with a value other than the default count as given (see
         * the class comment).
         */
        public B options(MeasureOptions options) {
            if (options == null) {
                throw new InvalidInputException("options", "must not be null");
            }
            MeasureOptions defaults = new Builder().options();
            bandwidth = options.bandwidth;
            sigma = options.sigma;
            t = options.t;
            autoTime = options.autoTime;
            adaptiveNeighbours = options.adaptiveNeighbours;
            decayExponent = options.decayExponent;
            alpha = options.alpha;
            method = options.method;
            slqProbes = options.slqProbes;
            slqSteps = options.slqSteps;
            slqMatrixFree = options.slqMatrixFree;
            maxN = options.maxN;
            seed = options.seed;
            backend = options.backend;
            device = options.device;
            gpu = options.gpu;
            precision = options.precision;
            threads = options.threads;
            progress = options.progress;
            measure = options.measure;
            repetitions = options.repetitions;
            clusters = options.clusters;
            bins = options.bins;
            referenceKind = options.referenceKind;
            knn = options.knn;
            given.clear();
            for (Option option : options.given) {
                if (!sameValue(option, options, defaults)) {
                    given.add(option);
                }
            }
            @SuppressWarnings("unchecked") B self = (B) this;
            return self;
        }

        private static boolean sameValue(Option option, MeasureOptions a, MeasureOptions b) {
            return switch (option) {
                case SIGMA -> a.bandwidth.equals(b.bandwidth);
                case T -> a.t == b.t && a.autoTime == b.autoTime;
                case KERNEL -> a.adaptiveNeighbours == b.adaptiveNeighbours && a.decayExponent == b.decayExponent;
                case ALPHA -> a.alpha == b.alpha;
                case METHOD -> a.method == b.method;
                case SLQ_PROBES -> a.slqProbes == b.slqProbes;
                case SLQ_STEPS -> a.slqSteps == b.slqSteps;
                case SLQ_MATRIX_FREE -> a.slqMatrixFree == b.slqMatrixFree;
                case MAX_N -> a.maxN == b.maxN;
                case SEED -> a.seed == b.seed;
                case BACKEND -> a.backend == b.backend;
                case DEVICE -> a.device == b.device;
                case GPU -> a.gpu == b.gpu;
                case PRECISION -> a.precision == b.precision;
                case THREADS -> a.threads == b.threads;
                case PROGRESS -> a.progress == b.progress;
                case MEASURE -> a.measure == b.measure;
                case REPETITIONS -> a.repetitions == b.repetitions;
                case CLUSTERS -> a.clusters == b.clusters;
                case BINS -> a.bins == b.bins;
                case REFERENCE_KIND -> a.referenceKind == b.referenceKind;
                case KNN -> a.knn == b.knn;
            };
        }

        /** The Gaussian kernel bandwidth σ: finite and &gt; 0 (default 10). */
        public B sigma(double sigma) {
            this.bandwidth = Bandwidth.of(sigma);
            this.sigma = sigma;
            return given(Option.SIGMA);
        }

        /**
         * How σ is chosen: {@link Bandwidth#of(double)} a number (as {@link #sigma(double)}), {@link Bandwidth#median()}
         * or {@link Bandwidth#knn(int)} from each computation's points; the result's {@code sigma()} is the value used.
         */
        public B bandwidth(Bandwidth bandwidth) {
            if (bandwidth == null) {
                throw new InvalidInputException("sigma", "the bandwidth must not be null");
            }
            if (bandwidth.isFixed()) {
                return sigma(bandwidth.sigma());
            }
            this.bandwidth = bandwidth;
            return given(Option.SIGMA);
        }

        /** The diffusion time t: finite and ≥ 0, not necessarily an integer (default 1). */
        public B t(double t) {
            if (!(t >= 0) || !Double.isFinite(t)) {
                throw new InvalidInputException("t", "must be a finite number ≥ 0, got " + t);
            }
            this.t = t;
            this.autoTime = false;
            return given(Option.T);
        }

        /**
         * Chooses t per computation from its spectrum by the rule of {@link Spectrum#autoTime()} (the smallest
         * integer t at which at most 1 % of the powered eigenvalues stay above 0.01); the result's {@code t()} says
         * which. A later {@link #t(double)} fixes t again.
         */
        public B autoTime() {
            this.autoTime = true;
            return given(Option.T);
        }

        /** The fixed-σ Gaussian kernel of the reference (the default). */
        public B gaussianKernel() {
            this.adaptiveNeighbours = 0;
            this.decayExponent = 0;
            return given(Option.KERNEL);
        }

        /**
         * The adaptive kernel of Zelnik-Manor &amp; Perona (2004): σᵢ = the distance from point i to its k-th nearest
         * other point, Gᵢⱼ = exp(−d²ᵢⱼ / 2σᵢσⱼ); σ is then unused (the result reports the mean σᵢ). The σᵢ are found on
         * the CPU; the kernel is built on the backend (on the GPU the σᵢ go to the device as a vector).
         */
        public B adaptiveKernel(int k) {
            if (k < 1) {
                throw new InvalidInputException("kernel", "adaptive:K needs K ≥ 1, got " + k);
            }
            this.adaptiveNeighbours = k;
            this.decayExponent = 0;
            return given(Option.KERNEL);
        }

        /**
         * PHATE's α-decay kernel (Moon et al. 2019): σᵢ as {@link #adaptiveKernel}, Gᵢⱼ = ½·exp(−(dᵢⱼ/σᵢ)^a) +
         * ½·exp(−(dᵢⱼ/σⱼ)^a) with a &gt; 0 (PHATE's default 40). As {@link #adaptiveKernel}, on either backend.
         */
        public B alphaDecayKernel(int k, double a) {
            if (k < 1) {
                throw new InvalidInputException("kernel", "alpha-decay:K,A needs K ≥ 1, got " + k);
            }
            if (!(a > 0) || !Double.isFinite(a)) {
                throw new InvalidInputException("kernel", "alpha-decay:K,A needs a finite exponent A > 0, got " + a);
            }
            this.adaptiveNeighbours = k;
            this.decayExponent = a;
            return given(Option.KERNEL);
        }

        /**
         * The diffusion-maps α-normalisation (Coifman &amp; Lafon 2006): G ← D^−α·G·D^−α, D the degrees of G, before
         * the symmetric normalisation; 0 (the default) is the reference's kernel, 1 removes the sampling density.
         * On either backend.
         */
        public B alpha(double alpha) {
            if (!(alpha >= 0) || !Double.isFinite(alpha)) {
                throw new InvalidInputException("alpha", "must be a finite number ≥ 0, got " + alpha);
            }
            this.alpha = alpha;
            return given(Option.ALPHA);
        }

        /**
         * How the eigenvalues are obtained: {@link DiffusionSpectralEntropy.Method#EXACT} (the default), the
         * reference's {@link DiffusionSpectralEntropy.Method#CHEBYSHEV} approximation, or the
         * {@link DiffusionSpectralEntropy.Method#SLQ} estimate of the entropy with an error bar (the last two draw
         * their probes from {@link #seed(long)}).
         */
        public B method(DiffusionSpectralEntropy.Method method) {
            if (method == null) {
                throw new InvalidInputException("method", "must be exact, chebyshev or slq, got nothing");
            }
            this.method = method;
            return given(Option.METHOD);
        }

        /**
         * The probe vectors of the SLQ estimate, 4 to 4096 (default {@value #DEFAULT_SLQ_PROBES}): its standard
         * error falls as 1/√probes, its cost grows with probes × steps.
         */
        public B slqProbes(int probes) {
            if (probes < 4 || probes > 4096) {
                throw new InvalidInputException("probes", "must be between 4 and 4096, got " + probes);
            }
            this.slqProbes = probes;
            return given(Option.SLQ_PROBES);
        }

        /** The Lanczos steps per probe of the SLQ estimate, 2 to 1000 (default {@value #DEFAULT_SLQ_STEPS}). */
        public B slqSteps(int steps) {
            if (steps < 2 || steps > 1000) {
                throw new InvalidInputException("steps", "must be between 2 and 1000, got " + steps);
            }
            this.slqSteps = steps;
            return given(Option.SLQ_STEPS);
        }

        /**
         * Whether the SLQ estimate recomputes K tile by tile from the points for every product (memory
         * O(N·(D + probes))) even when K would fit in memory; by default it holds K when the n×n array takes at most
         * 60 % of the heap, which is much faster, and recomputes it otherwise.
         */
        public B slqMatrixFree(boolean matrixFree) {
            this.slqMatrixFree = matrixFree;
            return given(Option.SLQ_MATRIX_FREE);
        }

        /**
         * At most this many points enter the kernel (default 10000, as the reference); larger inputs are
         * subsampled without replacement with the {@link #seed}. At least 2.
         */
        public B maxN(int maxN) {
            if (maxN < 2) {
                throw new InvalidInputException("maxN", "must be at least 2, got " + maxN);
            }
            this.maxN = maxN;
            return given(Option.MAX_N);
        }

        /** The seed of the subsampling generator, the random subsets and the estimators' probes (default 0). */
        public B seed(long seed) {
            this.seed = seed;
            return given(Option.SEED);
        }

        /** {@code auto}, {@code cpu} or {@code gpu}, case-insensitive. */
        public B backend(String backend) {
            this.backend = backend == null ? null : BackendKind.parse(backend, "backend");
            return given(Option.BACKEND);
        }

        /** The backend to use; null defers to {@code -Ddse4j.backend}, then {@code DSE4J_BACKEND}, then auto. */
        public B backend(BackendKind backend) {
            this.backend = backend;
            return given(Option.BACKEND);
        }

        /**
         * The CUDA device the GPU backend opens when it is chosen (default 0; among the devices CUDA_VISIBLE_DEVICES
         * leaves visible); the CPU backend ignores it. A device the machine lacks fails {@code build()} with the
         * ordinals it has.
         */
        public B device(int ordinal) {
            GpuDevice.checkOrdinal(ordinal);
            this.device = ordinal;
            return given(Option.DEVICE);
        }

        /**
         * Computes on a GPU backend already open ({@link GpuDevice#open}), shared with other instances: the backend
         * setting, {@code -Ddse4j.backend} and {@link #device} are not consulted — except that with
         * {@code backend("auto")} a problem too large for the device runs on the CPU, as {@code auto} does, where
         * otherwise it is refused — and the measure's {@code close()} leaves it open; with {@code backend("cpu")}
         * {@code build()} refuses it. Null returns to choosing a backend.
         */
        public B gpu(GpuDevice device) {
            this.gpu = device;
            return given(Option.GPU);
        }

        /** The working precision (default f64). */
        public B precision(Precision precision) {
            if (precision == null) {
                throw new InvalidInputException("precision", "must be f64 or f32, got nothing");
            }
            this.precision = precision;
            return given(Option.PRECISION);
        }

        /** {@code f64} or {@code f32}. */
        public B precision(String precision) {
            return precision(Precision.parse(precision));
        }

        /** CPU worker threads, 1 to 32767; default {@code -Ddse4j.threads}, else every available processor. */
        public B threads(int threads) {
            if (threads < 1 || threads > MAX_THREADS) {
                throw new InvalidInputException("threads", "must be between 1 and " + MAX_THREADS + ", got "
                        + threads);
            }
            this.threads = threads;
            return given(Option.THREADS);
        }

        /**
         * Reports the progress of each computation to {@code listener} (see {@link ProgressListener}); null, the
         * default, reports nothing.
         */
        public B progress(ProgressListener listener) {
            this.progress = listener;
            return given(Option.PROGRESS);
        }

        /** Which entropy a mutual information is built from (default DSMI). */
        public B measure(MutualInformation.Measure measure) {
            if (measure == null) {
                throw new InvalidInputException("measure", "must be dsmi or csmi, got nothing");
            }
            this.measure = measure;
            return given(Option.MEASURE);
        }

        /** R, the random subsets per class of a mutual information (≥ 1; default 5). */
        public B repetitions(int repetitions) {
            if (repetitions < 1) {
                throw new InvalidInputException("repetitions", "must be at least 1, got " + repetitions);
            }
            this.repetitions = repetitions;
            return given(Option.REPETITIONS);
        }

        /**
         * The classes a scalar reference is binned into, or a vector reference's spectral clusters (2 ≤ clusters ≤ N,
         * checked against N when used; default 10).
         */
        public B clusters(int clusters) {
            if (clusters < 2) {
                throw new InvalidInputException("clusters", "must be at least 2, got " + clusters);
            }
            this.clusters = clusters;
            return given(Option.CLUSTERS);
        }

        /** Bins per dimension for the classic Shannon entropy of CSMI (≥ 1; default 2). */
        public B bins(int bins) {
            if (bins < 1) {
                throw new InvalidInputException("bins", "must be at least 1, got " + bins);
            }
            this.bins = bins;
            return given(Option.BINS);
        }

        /** How a mutual information's reference Y is read (default: judged from Y). */
        public B referenceKind(ReferenceKind kind) {
            if (kind == null) {
                throw new InvalidInputException("reference kind", "must be one of auto, discrete, scalar, vector");
            }
            this.referenceKind = kind;
            return given(Option.REFERENCE_KIND);
        }

        /** Neighbours per point of the binary k-NN adjacency (ASE's KNN variant, asmi-knn; ≥ 1, default 10). */
        public B knn(int knn) {
            if (knn < 1) {
                throw new InvalidInputException("knn", "must be at least 1, got " + knn);
            }
            this.knn = knn;
            return given(Option.KNN);
        }
    }
}
