package io.dse4j;

import java.util.EnumSet;

/**
 * The setters of every option, shared by {@link MeasureOptions.Builder} and each measure's builder; each setter
 * checks its argument at once and throws {@link InvalidInputException} naming it.
 *
 * @param <B> the builder, returned by each setter for chaining
 */
public abstract sealed class OptionSetters<B extends OptionSetters<B>> permits MeasureOptions.Builder,
        DiffusionSpectralEntropy.Builder, AdjacencySpectralEntropy.Builder, MatrixEntryEntropy.Builder,
        MutualInformation.Builder, Tracker.Builder {
    Bandwidth bandwidth = Bandwidth.of(MeasureOptions.DEFAULT_SIGMA);
    double sigma = MeasureOptions.DEFAULT_SIGMA;
    double t = MeasureOptions.DEFAULT_T;
    boolean autoTime;
    int adaptiveNeighbours;
    double decayExponent;
    double alpha;
    DiffusionSpectralEntropy.Method method = DiffusionSpectralEntropy.Method.EXACT;
    int slqProbes = MeasureOptions.DEFAULT_SLQ_PROBES;
    int slqSteps = MeasureOptions.DEFAULT_SLQ_STEPS;
    boolean slqMatrixFree;
    int maxN = MeasureOptions.DEFAULT_MAX_N;
    long seed = MeasureOptions.DEFAULT_SEED;
    BackendKind backend;
    int device;
    GpuDevice gpu;
    Precision precision = Precision.F64;
    int threads;
    ProgressListener progress;
    MutualInformation.Measure measure = MutualInformation.Measure.DSMI;
    int repetitions = MeasureOptions.DEFAULT_REPETITIONS;
    int clusters = MeasureOptions.DEFAULT_CLUSTERS;
    int bins = MeasureOptions.DEFAULT_BINS;
    ReferenceKind referenceKind = ReferenceKind.AUTO;
    int knn = MeasureOptions.DEFAULT_KNN;
    final EnumSet<MeasureOptions.Option> given = EnumSet.noneOf(MeasureOptions.Option.class);

    OptionSetters() {
    }

    private B given(MeasureOptions.Option option) {
        given.add(option);
        return self();
    }

    /** This builder as its own type, for chaining. */
    @SuppressWarnings("unchecked")
    private B self() {
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
        MeasureOptions defaults = MeasureOptions.builder().options();
        bandwidth = options.bandwidth();
        sigma = options.sigma();
        t = options.t();
        autoTime = options.autoTime();
        adaptiveNeighbours = options.adaptiveNeighbours();
        decayExponent = options.decayExponent();
        alpha = options.alpha();
        method = options.method();
        slqProbes = options.slqProbes();
        slqSteps = options.slqSteps();
        slqMatrixFree = options.slqMatrixFree();
        maxN = options.maxN();
        seed = options.seed();
        backend = options.backend();
        device = options.device();
        gpu = options.gpu();
        precision = options.precision();
        threads = options.threads();
        progress = options.progress();
        measure = options.measure();
        repetitions = options.repetitions();
        clusters = options.clusters();
        bins = options.bins();
        referenceKind = options.referenceKind();
        knn = options.knn();
        given.clear();
        for (MeasureOptions.Option option : options.given()) {
            if (!sameValue(option, options, defaults)) {
                given.add(option);
            }
        }
        return self();
    }

    private static boolean sameValue(MeasureOptions.Option option, MeasureOptions a, MeasureOptions b) {
        return switch (option) {
            case SIGMA -> a.bandwidth().equals(b.bandwidth());
            case T -> a.t() == b.t() && a.autoTime() == b.autoTime();
            case KERNEL -> a.adaptiveNeighbours() == b.adaptiveNeighbours() && a.decayExponent() == b.decayExponent();
            case ALPHA -> a.alpha() == b.alpha();
            case METHOD -> a.method() == b.method();
            case SLQ_PROBES -> a.slqProbes() == b.slqProbes();
            case SLQ_STEPS -> a.slqSteps() == b.slqSteps();
            case SLQ_MATRIX_FREE -> a.slqMatrixFree() == b.slqMatrixFree();
            case MAX_N -> a.maxN() == b.maxN();
            case SEED -> a.seed() == b.seed();
            case BACKEND -> a.backend() == b.backend();
            case DEVICE -> a.device() == b.device();
            case GPU -> a.gpu() == b.gpu();
            case PRECISION -> a.precision() == b.precision();
            case THREADS -> a.threads() == b.threads();
            case PROGRESS -> a.progress() == b.progress();
            case MEASURE -> a.measure() == b.measure();
            case REPETITIONS -> a.repetitions() == b.repetitions();
            case CLUSTERS -> a.clusters() == b.clusters();
            case BINS -> a.bins() == b.bins();
            case REFERENCE_KIND -> a.referenceKind() == b.referenceKind();
            case KNN -> a.knn() == b.knn();
        };
    }

    /** The Gaussian kernel bandwidth σ: finite and &gt; 0 (default 10). */
    public B sigma(double sigma) {
        this.bandwidth = Bandwidth.of(sigma);
        this.sigma = sigma;
        return given(MeasureOptions.Option.SIGMA);
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
        return given(MeasureOptions.Option.SIGMA);
    }

    /** The diffusion time t: finite and ≥ 0, not necessarily an integer (default 1). */
    public B t(double t) {
        if (!(t >= 0) || !Double.isFinite(t)) {
            throw new InvalidInputException("t", "must be a finite number ≥ 0, got " + t);
        }
        this.t = t;
        this.autoTime = false;
        return given(MeasureOptions.Option.T);
    }

    /**
     * Chooses t per computation from its spectrum by the rule of {@link Spectrum#autoTime()} (the smallest
     * integer t at which at most 1 % of the powered eigenvalues stay above 0.01); the result's {@code t()} says
     * which. A later {@link #t(double)} fixes t again.
     */
    public B autoTime() {
        this.autoTime = true;
        return given(MeasureOptions.Option.T);
    }

    /** The fixed-σ Gaussian kernel of the reference (the default). */
    public B gaussianKernel() {
        this.adaptiveNeighbours = 0;
        this.decayExponent = 0;
        return given(MeasureOptions.Option.KERNEL);
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
        return given(MeasureOptions.Option.KERNEL);
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
        return given(MeasureOptions.Option.KERNEL);
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
        return given(MeasureOptions.Option.ALPHA);
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
        return given(MeasureOptions.Option.METHOD);
    }

    /**
     * The probe vectors of the SLQ estimate, 4 to 4096 (default {@value MeasureOptions#DEFAULT_SLQ_PROBES}): its standard
     * error falls as 1/√probes, its cost grows with probes × steps.
     */
    public B slqProbes(int probes) {
        if (probes < 4 || probes > 4096) {
            throw new InvalidInputException("probes", "must be between 4 and 4096, got " + probes);
        }
        this.slqProbes = probes;
        return given(MeasureOptions.Option.SLQ_PROBES);
    }

    /** The Lanczos steps per probe of the SLQ estimate, 2 to 1000 (default {@value MeasureOptions#DEFAULT_SLQ_STEPS}). */
    public B slqSteps(int steps) {
        if (steps < 2 || steps > 1000) {
            throw new InvalidInputException("steps", "must be between 2 and 1000, got " + steps);
        }
        this.slqSteps = steps;
        return given(MeasureOptions.Option.SLQ_STEPS);
    }

    /**
     * Whether the SLQ estimate recomputes K tile by tile from the points for every product (memory
     * O(N·(D + probes))) even when K would fit in memory; by default it holds K when the n×n array takes at most
     * 60 % of the heap, which is much faster, and recomputes it otherwise.
     */
    public B slqMatrixFree(boolean matrixFree) {
        this.slqMatrixFree = matrixFree;
        return given(MeasureOptions.Option.SLQ_MATRIX_FREE);
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
        return given(MeasureOptions.Option.MAX_N);
    }

    /** The seed of the subsampling generator, the random subsets and the estimators' probes (default 0). */
    public B seed(long seed) {
        this.seed = seed;
        return given(MeasureOptions.Option.SEED);
    }

    /** {@code auto}, {@code cpu} or {@code gpu}, case-insensitive. */
    public B backend(String backend) {
        this.backend = backend == null ? null : BackendKind.parse(backend, "backend");
        return given(MeasureOptions.Option.BACKEND);
    }

    /** The backend to use; null defers to {@code -Ddse4j.backend}, then {@code DSE4J_BACKEND}, then auto. */
    public B backend(BackendKind backend) {
        this.backend = backend;
        return given(MeasureOptions.Option.BACKEND);
    }

    /**
     * The CUDA device the GPU backend opens when it is chosen (default 0; among the devices CUDA_VISIBLE_DEVICES
     * leaves visible); the CPU backend ignores it. A device the machine lacks fails {@code build()} with the
     * ordinals it has.
     */
    public B device(int ordinal) {
        GpuDevice.checkOrdinal(ordinal);
        this.device = ordinal;
        return given(MeasureOptions.Option.DEVICE);
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
        return given(MeasureOptions.Option.GPU);
    }

    /** The working precision (default f64). */
    public B precision(Precision precision) {
        if (precision == null) {
            throw new InvalidInputException("precision", "must be f64 or f32, got nothing");
        }
        this.precision = precision;
        return given(MeasureOptions.Option.PRECISION);
    }

    /** {@code f64} or {@code f32}. */
    public B precision(String precision) {
        return precision(Precision.parse(precision));
    }

    /** CPU worker threads, 1 to 32767; default {@code -Ddse4j.threads}, else every available processor. */
    public B threads(int threads) {
        if (threads < 1 || threads > MeasureOptions.MAX_THREADS) {
            throw new InvalidInputException("threads", "must be between 1 and " + MeasureOptions.MAX_THREADS + ", got "
                    + threads);
        }
        this.threads = threads;
        return given(MeasureOptions.Option.THREADS);
    }

    /**
     * Reports the progress of each computation to {@code listener} (see {@link ProgressListener}); null, the
     * default, reports nothing.
     */
    public B progress(ProgressListener listener) {
        this.progress = listener;
        return given(MeasureOptions.Option.PROGRESS);
    }

    /** Which entropy a mutual information is built from (default DSMI). */
    public B measure(MutualInformation.Measure measure) {
        if (measure == null) {
            throw new InvalidInputException("measure", "must be dsmi or csmi, got nothing");
        }
        this.measure = measure;
        return given(MeasureOptions.Option.MEASURE);
    }

    /** R, the random subsets per class of a mutual information (≥ 1; default 5). */
    public B repetitions(int repetitions) {
        if (repetitions < 1) {
            throw new InvalidInputException("repetitions", "must be at least 1, got " + repetitions);
        }
        this.repetitions = repetitions;
        return given(MeasureOptions.Option.REPETITIONS);
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
        return given(MeasureOptions.Option.CLUSTERS);
    }

    /** Bins per dimension for the classic Shannon entropy of CSMI (≥ 1; default 2). */
    public B bins(int bins) {
        if (bins < 1) {
            throw new InvalidInputException("bins", "must be at least 1, got " + bins);
        }
        this.bins = bins;
        return given(MeasureOptions.Option.BINS);
    }

    /** How a mutual information's reference Y is read (default: judged from Y). */
    public B referenceKind(ReferenceKind kind) {
        if (kind == null) {
            throw new InvalidInputException("reference kind", "must be one of auto, discrete, scalar, vector");
        }
        this.referenceKind = kind;
        return given(MeasureOptions.Option.REFERENCE_KIND);
    }

    /** Neighbours per point of the binary k-NN adjacency (ASE's KNN variant, asmi-knn; ≥ 1, default 10). */
    public B knn(int knn) {
        if (knn < 1) {
            throw new InvalidInputException("knn", "must be at least 1, got " + knn);
        }
        this.knn = knn;
        return given(MeasureOptions.Option.KNN);
    }
}
