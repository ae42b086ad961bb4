package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.io.MatrixFile;
import io.dse4j.spi.Cancellation;
import io.dse4j.spi.GpuProbe;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import io.dse4j.spi.ProgressSink;
import io.dse4j.spi.StageClock;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Diffusion Spectral Entropy (Liao, Liu et al., "Assessing Neural Network Representations During Training Using
 * Noise-Resilient Diffusion Spectral Entropy", arXiv 2312.04823), computed as the official {@code dse-dsmi}
 * package does:
 *
 * <pre>
 *   d²ᵢⱼ = ‖xᵢ − xⱼ‖²,  Gᵢⱼ = exp(−d²ᵢⱼ / 2σ²) / (σ√2π),  dᵢ = Σⱼ Gᵢⱼ,  K = D^-½·G·D^-½
 *   λ = eigenvalues(K)  (those of the diffusion matrix P = D⁻¹G),  pᵢ = |λᵢ|ᵗ / Σⱼ|λⱼ|ᵗ + ε
 *   DSE = −Σᵢ pᵢ·log₂ pᵢ   (bits)
 * </pre>
 *
 * <pre>{@code
 * try (var dse = DiffusionSpectralEntropy.builder().sigma(10).t(1).backend("auto").build()) {
 *     DseResult r = dse.compute(points);          // double[][], one point per row
 *     double bits = r.entropy();
 *     double atT5 = r.spectrum().entropy(5);      // another t, no new decomposition
 * }
 * }</pre>
 *
 * <p>An instance holds its backend (threads, and device handles for the GPU) until {@link #close()}; it is safe
 * for concurrent use. After {@code close()} every compute method throws {@link IllegalStateException}
 * ("this DiffusionSpectralEntropy is closed").
 *
 * <p>Interrupting the thread that runs a computation stops it soon after (the backends check at block boundaries)
 * with {@link ComputationInterruptedException}, the thread's interrupt status still set; the instance stays usable.
 */
public final class DiffusionSpectralEntropy implements AutoCloseable {

    /** System property giving the default number of CPU threads. */
    public static final String THREADS_PROPERTY = "dse4j.threads";

    private static final System.Logger LOG = System.getLogger("io.dse4j");

    /** What DSE reads of {@link MeasureOptions}: all but the mutual information's. */
    private static final Set<MeasureOptions.Option> USES = MeasureOptions.Option.allBut(MeasureOptions.Option.MEASURE,
            MeasureOptions.Option.REPETITIONS, MeasureOptions.Option.CLUSTERS, MeasureOptions.Option.BINS,
            MeasureOptions.Option.REFERENCE_KIND, MeasureOptions.Option.KNN);

    /** How the eigenvalues are obtained. */
    public enum Method {
        /** The full symmetric eigen-decomposition (the reference's default). */
        EXACT,
        /**
         * The reference's {@code chebyshev_approx=True}: entries of K below 1e-3 dropped, 50 Chebyshev moments from
         * 100 Rademacher probes (seeded here, unseeded there), the cumulative density on 1001 points, the eigenvalue
         * multiset rebuilt from rounded counts. An estimate that the reference itself says changes the eigenvalues
         * "quite a bit"; computed on the CPU.
         */
        CHEBYSHEV,
        /**
         * An estimate of the entropy itself, with an error bar, by stochastic Lanczos quadrature after the dominant
         * eigenpairs are deflated ({@link EntropyEstimate}): O(N²·(D + passes·block)) work instead of O(N³), and
         * beyond what memory holds, K applied tile by tile from the points in O(N·(D + block)) memory. On the CPU.
         */
        SLQ;

        /** exact | chebyshev | slq. */
        public static Method parse(String text) {
            return switch (text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "exact" -> EXACT;
                case "chebyshev" -> CHEBYSHEV;
                case "slq" -> SLQ;
                default -> throw new InvalidInputException("method", "must be exact, chebyshev or slq, got '"
                        + text + "'");
            };
        }

        /** The name {@link #parse} reads. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeasureOptions options;
    /** The matrix whose spectrum is taken: K (DSE) or G (the Gaussian adjacency of ASE). */
    private final KernelKind kernel;
    private final BackendRouter router;
    private final KernelShaping shaping;
    private final SpectrumEstimator estimator;
    private volatile boolean closed;

    private DiffusionSpectralEntropy(MeasureOptions options, KernelKind kernel, BackendRouter router) {
        this.options = options;
        this.kernel = kernel;
        this.router = router;
        this.shaping = new KernelShaping(options, router);
        this.estimator = SpectrumEstimator.of(options, kernel, shaping, router);
    }

    /** A builder with the reference's defaults: σ = 10, t = 1, maxN = 10000, seed 0, backend auto, f64. */
    public static Builder builder() {
        return new Builder();
    }

    /** The options this instance computes with. */
    public MeasureOptions options() {
        return options;
    }

    /** How the backend was chosen. */
    public BackendSelection selection() {
        return router.selection();
    }

    /** One line describing the backend in use. */
    public String describeBackend() {
        return router.backend().describe();
    }

    /**
     * The CUDA device ordinal the GPU backend computes on, or -1 when the CPU backend was chosen. (A problem that
     * does not fit the GPU runs on the CPU under {@code auto}; its result's {@link DseResult#backend()} says so.)
     */
    public int device() {
        return router.backend().device();
    }

    /** DSE of the rows of {@code x}; more than maxN rows are first subsampled (see {@link Builder#maxN}). */
    public DseResult compute(Matrix x) {
        checkOpen();
        PreparedPoints.checkShape(x);
        return run(x, Subsampling.usedRows(x.rows(), options.maxN(), options.seed()), x.rows());
    }

    /**
     * DSE of the points in a file, reading only the rows it uses: beyond maxN rows the subsample is chosen from the
     * file's row count first — the same rows {@link #compute(Matrix)} would take from the whole matrix, so the same
     * result — and only those rows are read, in memory O(maxN·D) whatever the file's size.
     *
     * @throws io.dse4j.io.MatrixFileException when the file's data cannot be read (truncated, corrupt)
     */
    public DseResult compute(MatrixFile file) throws IOException {
        checkOpen();
        Matrix x = readUsedRows(file, options.precision());
        return run(x, null, file.rows());
    }

    /** DSE of {@code x[i]}, one point per row. */
    public DseResult compute(double[][] x) {
        checkOpen();
        return compute(Matrix.of(x));
    }

    /** DSE of {@code x[i]}, one point per row, in single precision. */
    public DseResult compute(float[][] x) {
        checkOpen();
        return compute(Matrix.of(x));
    }

    /** DSE of a row-major n×d array. */
    public DseResult compute(double[] rowMajor, int n, int d) {
        checkOpen();
        return compute(Matrix.ofRowMajor(rowMajor, n, d));
    }

    /** DSE of a row-major n×d array in single precision. */
    public DseResult compute(float[] rowMajor, int n, int d) {
        checkOpen();
        return compute(Matrix.ofRowMajor(rowMajor, n, d));
    }

    /**
     * DSE of the given rows of {@code x}, in that order, with no further subsampling: for replaying a subset chosen
     * elsewhere (for example the one the reference's {@code random.sample} chose).
     */
    public DseResult computeRows(Matrix x, int[] rows) {
        checkOpen();
        if (rows == null) {
            throw new InvalidInputException("rows", "must not be null");
        }
        if (rows.length < 2) {
            throw new InvalidInputException("rows", "needs at least 2 row indices, got " + rows.length);
        }
        if (x == null) {
            throw new InvalidInputException("matrix", "must not be null");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= x.rows()) {
                throw new InvalidInputException("rows", "index " + rows[i] + " at position " + i
                        + " is outside the matrix's rows [0, " + x.rows() + ")");
            }
        }
        PreparedPoints.checkShape(x);
        return run(x, rows.clone(), x.rows());
    }

    /**
     * The rows of {@code file} this computation uses, read as {@link PreparedPoints#readUsedRows} does, after
     * checking that that many fit the backend (the SLQ estimate holds K only when it fits, else recomputes it).
     */
    Matrix readUsedRows(MatrixFile file, Precision precision) throws IOException {
        return PreparedPoints.readUsedRows(file, options.maxN(), options.seed(), precision, used -> {
            if (options.method() != Method.SLQ) {
                router.backend().checkFits(used, precision);
            }
        });
    }

    private DseResult run(Matrix x, int[] rows, int inputRows) {
        return reporting(() -> computeSpectrum(x, rows, inputRows));
    }

    /**
     * Runs {@code computation} reporting to this instance's listener, when it has one (then the last report says it
     * is complete); else to the sink the caller installed, if any (a {@link MutualInformation} or {@link Tracker}
     * that this computation is a part of).
     */
    private <T> T reporting(Supplier<T> computation) {
        if (options.progress() == null) {
            return computation.get();
        }
        ProgressSink sink = ProgressSink.to(options.progress());
        try (ProgressSink.Scope installed = sink.install()) {
            T result = computation.get();
            sink.complete();
            return result;
        }
    }

    /** Points, kernel shape and σ, the estimator's eigenvalues (or estimate), the entropy and the warnings. */
    private DseResult computeSpectrum(Matrix x, int[] rows, int inputRows) {
        PreparedPoints.checkShape(x);
        long start = System.nanoTime();
        StageClock clock = new StageClock();
        Points points = PreparedPoints.gather(x, rows, options.precision());
        clock.lap("prepare");
        KernelShape shape = shaping.shapeFor(points);
        double sigma = shaping.sigmaFor(points, shape);
        if (!options.bandwidth().isFixed() || !shape.standard()) {
            clock.lap("bandwidth");
        }
        SpectrumEstimator.Outcome outcome = estimator.estimate(points, shape, sigma);
        // The backends check for an interrupt at block boundaries; one that came after their last check (the
        // tridiagonal QL has none) still stops the computation instead of letting it return as if none had come.
        Cancellation.checkInterrupted();
        clock.addAll(outcome.stages());
        double time = options.autoTime() ? outcome.spectrum().autoTime() : options.t();
        double entropy = outcome.entropy(time);
        clock.lap("entropy");
        List<String> warnings = kernel == KernelKind.DIFFUSION && options.adaptiveNeighbours() == 0
                ? shaping.degenerate(outcome.entropy(1), points, sigma, estimator::entropyAtOneWithoutAlpha)
                : List.of();
        warnings.forEach(w -> LOG.log(Level.WARNING, w));
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new DseResult(entropy, points.n(), inputRows, x.cols(), sigma, time, options.precision(),
                outcome.selection(), clock.timings(), seconds, outcome.spectrum(), warnings, options.method(),
                outcome.estimate());
    }

    /**
     * The entropies at time {@code t} of the kernels of several row sets of {@code x}, as one batch through the
     * backend (the points go to the GPU once). As {@link #compute}, a batch that does not fit the GPU runs on the
     * CPU when the backend was chosen automatically.
     */
    double[] entropiesOfRows(Matrix x, List<int[]> rowSets, double time) {
        checkOpen();
        PreparedPoints.checkShape(x);
        return reporting(() -> {
            Bandwidth bandwidth = options.bandwidth();
            if (!bandwidth.isFixed()) {
                throw new InvalidInputException("sigma", bandwidth.label() + " applies to one DSE at a time; a batch "
                        + "(DSMI) compares its entropies at one σ: give it as a number");
            }
            Points points = PreparedPoints.gather(x, null, options.precision());
            List<KernelSpectrum> spectra = router.onBackend("use the CPU backend", "batch on the CPU",
                    backend -> backend.kernelSpectra(points, rowSets, kernel, bandwidth.sigma(), options.precision()))
                    .value();
            double[] out = new double[spectra.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Spectrum.of(spectra.get(i).ascending()).entropy(time);
            }
            return out;
        });
    }

    /**
     * The eigenvalue moduli of the k-NN adjacency of the points, on the backend when it can solve the general
     * eigenproblem, else on the CPU, with the selection that describes where it ran.
     */
    BackendRouter.Routed<double[]> knnModuli(Points points, int k) {
        checkOpen();
        if (!router.backend().solvesGeneralEigenproblems()) {
            return new BackendRouter.Routed<>(router.cpu().knnAdjacencyEigenvalueModuli(points, k), router.onTheCpu(
                    "this cuSOLVER has no Xgeev; the k-NN adjacency's general eigenproblem ran on the CPU"));
        }
        return router.onBackend("lower maxN or use the CPU backend", "the k-NN adjacency's eigenvalues on the CPU",
                backend -> backend.knnAdjacencyEigenvalueModuli(points, k));
    }

    /**
     * The matrix-entry entropy of the given rows of {@code x} (all rows, subsampled beyond maxN, when null) through
     * the backend; as {@link #compute}, a problem that does not fit the GPU runs on the CPU under auto.
     */
    double matrixEntryEntropy(Matrix x, int[] rows) {
        checkOpen();
        PreparedPoints.checkShape(x);
        int[] chosen = rows != null ? rows : Subsampling.usedRows(x.rows(), options.maxN(), options.seed());
        Points points = PreparedPoints.gather(x, chosen, options.precision());
        double sigma = shaping.sigmaFor(points);
        return router.onBackend("lower maxN or use the CPU backend", "matrix-entry entropy on the CPU",
                backend -> backend.matrixEntryEntropy(points, sigma, options.precision())).value();
    }

    /**
     * The rows {@link #compute(Matrix)} uses of {@code n} rows under {@code maxN} and {@code seed}: every row when
     * n ≤ maxN, else maxN distinct indices in ascending order — for a caller that streams the rows (a Spark task) and
     * keeps only these, then passes them to {@code compute} in this order to get the same bits.
     */
    public static int[] subsampleRows(int n, int maxN, long seed) {
        if (n < 0 || maxN < 1) {
            throw new InvalidInputException("n", "needs n ≥ 0 rows and maxN ≥ 1, got n = " + n + ", maxN = " + maxN);
        }
        if (n <= maxN) {
            int[] all = new int[n];
            java.util.Arrays.setAll(all, i -> i);
            return all;
        }
        return Subsampling.subsample(n, maxN, seed);
    }

    /**
     * Releases the backend (worker threads; device handles and memory for the GPU). Idempotent. Afterwards every
     * compute method throws {@link IllegalStateException}. A computation running meanwhile on another thread is not
     * corrupted: it finishes normally (the GPU backend's close waits for it; the CPU backend's threads stop when it
     * has returned) or, had it not reached the backend yet, fails with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        closed = true;
        router.close();
    }

    /** Throws {@link IllegalStateException} once {@link #close()} has been called. */
    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this DiffusionSpectralEntropy is closed");
        }
    }

    /**
     * Opens a computation of {@code kernel}'s spectrum with these options, on the backend {@link BackendOpening}
     * chooses: the engine of the other spectral measures (ASE takes G's).
     */
    static DiffusionSpectralEntropy open(MeasureOptions options, KernelKind kernel, Map<String, String> properties,
                                         Map<String, String> env, GpuProbe probe) {
        return new DiffusionSpectralEntropy(options, kernel, BackendOpening.open(options, properties, env, probe));
    }

    /** As {@link #open(MeasureOptions, KernelKind, Map, Map, GpuProbe)} with this JVM's properties, environment and GPU. */
    static DiffusionSpectralEntropy open(MeasureOptions options, KernelKind kernel) {
        return open(options, kernel, BackendOpening.systemProperties(), System.getenv(), GpuProbe.ofThisBuild());
    }

    /** Options of a {@link DiffusionSpectralEntropy} (every setter checks its argument at once), and its opening. */
    public static final class Builder extends OptionSetters<Builder> {

        private Builder() {
        }

        /**
         * Chooses and opens the backend. Under {@code auto}, the first build of the JVM logs one INFO line on
         * {@code System.Logger} "io.dse4j" saying which backend runs (and, after a fallback, what was found:
         * "no NVIDIA driver found; using the CPU backend (…)"); later builds log it at DEBUG, and the full
         * reasons, also in {@code selection().reasons()} of every result, are logged at DEBUG.
         *
         * @throws BackendUnavailableException when gpu was requested and cannot be used
         * @throws InvalidInputException       when a backend or thread setting (argument, property or
         *                                     environment variable) is invalid, or an option of another measure
         *                                     was given
         */
        public DiffusionSpectralEntropy build() {
            return build(BackendOpening.systemProperties(), System.getenv(), GpuProbe.ofThisBuild());
        }

        DiffusionSpectralEntropy build(Map<String, String> properties, Map<String, String> env, GpuProbe probe) {
            MeasureOptions options = options();
            options.refuseUnused("DiffusionSpectralEntropy", USES);
            return open(options, KernelKind.DIFFUSION, properties, env, probe);
        }
    }
}
