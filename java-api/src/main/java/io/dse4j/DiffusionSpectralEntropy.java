package io.dse4j;

import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.io.MatrixFile;
import io.dse4j.spi.BackendResolver;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.GpuProbe;
import io.dse4j.spi.InsufficientDeviceMemoryException;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import io.dse4j.spi.ProgressSink;
import io.dse4j.spi.StageClock;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

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

    public static final double DEFAULT_SIGMA = 10.0;
    public static final double DEFAULT_T = 1.0;
    public static final int DEFAULT_MAX_N = 10_000;
    public static final long DEFAULT_SEED = 0L;
    /** The {@link Method#SLQ} estimate's default probes and Lanczos steps per probe. */
    public static final int DEFAULT_SLQ_PROBES = 24;
    public static final int DEFAULT_SLQ_STEPS = 12;
    /** System property giving the default number of CPU threads. */
    public static final String THREADS_PROPERTY = "dse4j.threads";

    private static final System.Logger LOG = System.getLogger("io.dse4j");

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

    private final double sigma;
    private final double t;
    /** Whether t is chosen per spectrum by {@link Spectrum#autoTime()} instead of fixed. */
    private final boolean autoTime;
    /** How σ is chosen: the fixed {@code sigma}, or from each computation's points. */
    private final Bandwidth bandwidth;
    /** How the eigenvalues are obtained. */
    private final Method method;
    /** The kernel's form: adaptive bandwidths from this neighbour (0: one σ), α-decay exponent (0: Gaussian), α. */
    private final int adaptiveK;
    private final double decay;
    private final double alpha;
    private final int maxN;
    private final long seed;
    /** The estimator's probes and Lanczos steps, and whether it recomputes K for every product. */
    private final int slqProbes;
    private final int slqSteps;
    private final boolean slqMatrixFree;
    private final Precision precision;
    private final int threads;
    private final KernelKind kernel;
    /** Where this instance's computations report their progress; null: to the caller's sink, if any. */
    private final ProgressListener progress;
    private final BackendSelection selection;
    private final EigenBackend backend;
    /** Whether {@link #close()} closes {@link #backend}: not a {@link GpuDevice}'s, which its owner closes. */
    private final boolean ownsBackend;
    /** The CPU backend that an auto selection falls back to when a problem does not fit the GPU; opened on need. */
    private EigenBackend fallback;
    private volatile boolean closed;

    private DiffusionSpectralEntropy(Builder b, int threads, BackendSelection selection, EigenBackend backend,
                                     boolean ownsBackend) {
        this.ownsBackend = ownsBackend;
        this.threads = threads;
        this.kernel = b.kernel;
        this.sigma = b.sigma;
        this.t = b.t;
        this.autoTime = b.autoTime;
        this.bandwidth = b.bandwidth != null ? b.bandwidth : Bandwidth.of(b.sigma);
        this.adaptiveK = b.adaptiveK;
        this.method = b.method;
        this.decay = b.decay;
        this.alpha = b.alpha;
        this.maxN = b.maxN;
        this.seed = b.seed;
        this.slqProbes = b.slqProbes;
        this.slqSteps = b.slqSteps;
        this.slqMatrixFree = b.slqMatrixFree;
        this.precision = b.precision;
        this.progress = b.progress;
        this.selection = selection;
        this.backend = backend;
    }

    /** A builder with the reference's defaults: σ = 10, t = 1, maxN = 10000, seed 0, backend auto, f64. */
    public static Builder builder() {
        return new Builder();
    }

    /** The diffusion time t of this computation. */
    double diffusionTime() {
        return t;
    }

    /** How the backend was chosen. */
    public BackendSelection selection() {
        return selection;
    }

    /** One line describing the backend in use. */
    public String describeBackend() {
        return backend.describe();
    }

    /**
     * The CUDA device ordinal the GPU backend computes on, or -1 when the CPU backend was chosen. (A problem that
     * does not fit the GPU runs on the CPU under {@code auto}; its result's {@link DseResult#backend()} says so.)
     */
    public int device() {
        return backend.device();
    }

    /** DSE of the rows of {@code x}; more than maxN rows are first subsampled (see {@link Builder#maxN}). */
    public DseResult compute(Matrix x) {
        checkOpen();
        checkShape(x);
        int[] rows = x.rows() > maxN ? subsample(x.rows(), maxN, seed) : null;
        return run(x, rows, x.rows());
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
        Matrix x = readUsedRows(file, precision);
        return run(x, null, file.rows());
    }

    /**
     * The rows of {@code file} this computation uses — all, or the seeded subsample beyond maxN — read only after
     * the checks that need no data (the shape; whether that many rows fit the heap and the backend), and checked
     * once read as {@link #gather} checks them, but named by the file and its own row numbers (a position in the
     * subsample would mislead).
     *
     * @param precision the precision whose range the squared distances must fit
     */
    Matrix readUsedRows(MatrixFile file, Precision precision) throws IOException {
        if (file == null) {
            throw new InvalidInputException("file", "must not be null");
        }
        if (file.rows() < 2 || file.cols() < 1) {
            throw new InvalidInputException("matrix", file.name() + ": needs at least 2 rows (points) and 1 column"
                    + " (dimension); its shape " + Arrays.toString(file.shape()) + " gives N = " + file.rows()
                    + ", D = " + file.cols());
        }
        int used = Math.min(file.rows(), maxN);
        long bytes = 8L * used * file.cols();
        if (bytes > Runtime.getRuntime().maxMemory()) {
            throw new InvalidInputException("maxN", file.name() + ": " + used + " rows × " + file.cols()
                    + " columns need " + io.dse4j.spi.Bytes.format(bytes) + " as doubles, more than the whole Java"
                    + " heap (" + io.dse4j.spi.Bytes.format(Runtime.getRuntime().maxMemory())
                    + "); lower maxN (--max-n) or raise -Xmx");
        }
        if (method != Method.SLQ) {
            backend.checkFits(used, precision);     // the estimate holds K only when it fits, else recomputes it
        }
        int[] rows = file.rows() > maxN ? subsample(file.rows(), maxN, seed) : null;
        Matrix x = rows == null ? file.read() : file.readRows(rows);
        for (int p = 0; p < x.rows(); p++) {
            for (int j = 0; j < x.cols(); j++) {
                double v = x.at(p, j);
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("matrix", file.name() + ": the value at row "
                            + (rows == null ? p : rows[p]) + ", column " + j + " (0-based) is " + v
                            + "; every value must be finite");
                }
            }
        }
        checkSquaredRange(x, null, precision,
                position -> file.name() + ": row " + (rows == null ? position : rows[position]) + " (0-based)");
        return x;
    }

    /** The working precision. */
    Precision precision() {
        return precision;
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
        checkShape(x);
        return run(x, rows.clone(), x.rows());
    }

    private DseResult run(Matrix x, int[] rows, int inputRows) {
        return reporting(() -> computeSpectrum(x, rows, inputRows));
    }

    /**
     * Runs {@code computation} reporting to this instance's listener, when it has one (then the last report says it
     * is complete); else to the sink the caller installed, if any (a {@link MutualInformation} or {@link Tracker}
     * that this computation is a part of).
     */
    private <T> T reporting(java.util.function.Supplier<T> computation) {
        if (progress == null) {
            return computation.get();
        }
        ProgressSink sink = ProgressSink.to(progress);
        try (ProgressSink.Scope installed = sink.install()) {
            T result = computation.get();
            sink.complete();
            return result;
        }
    }

    private DseResult computeSpectrum(Matrix x, int[] rows, int inputRows) {
        checkShape(x);
        long start = System.nanoTime();
        StageClock clock = new StageClock();
        Points points = gather(x, rows, precision);
        clock.lap("prepare");
        KernelShape shape = shapeFor(points);
        double sigmaUsed = shape.bandwidths() != null ? mean(shape.bandwidths()) : sigmaFor(points);
        if (!bandwidth.isFixed() || !shape.standard()) {
            clock.lap("bandwidth");
        }
        if (method == Method.SLQ) {
            return estimated(x, points, shape, sigmaUsed, inputRows, start, clock);
        }
        BackendSelection used = selection;
        KernelSpectrum kernelSpectrum;
        if (method == Method.CHEBYSHEV) {
            List<String> reasons = new java.util.ArrayList<>(selection.reasons());
            reasons.add("eigenvalues by the reference's Chebyshev approximation (entries below "
                    + "1e-3 dropped, 50 moments from 100 Rademacher probes, seed " + seed + ") on the CPU");
            used = new BackendSelection(selection.requested(), selection.source(), "cpu", reasons,
                    selection.summary());
            kernelSpectrum = CpuBackends.chebyshevSpectrum(points, sigmaUsed, shape, seed, threads);
        } else if (!shape.standard() && !backend.supports(shape, points.n(), precision)) {
            used = new BackendSelection(selection.requested(), selection.source(), "cpu",
                    List.of(shapeLabel() + " runs on the CPU: "
                            + backend.unsupportedReason(shape, points.n(), precision)));
            kernelSpectrum = cpuFallback().kernelSpectrum(points, kernel, sigmaUsed, shape, precision, false);
        } else {
            try {
                kernelSpectrum = shape.standard()
                        ? backend.kernelSpectrum(points, kernel, sigmaUsed, precision, false)
                        : backend.kernelSpectrum(points, kernel, sigmaUsed, shape, precision, false);
            } catch (InsufficientDeviceMemoryException tooLarge) {
                if (selection.requested() != BackendKind.AUTO) {
                    throw new InvalidInputException("n", tooLarge.getMessage()
                            + "; lower maxN or use the CPU backend");
                }
                used = new BackendSelection(selection.requested(), selection.source(), "cpu",
                        java.util.List.of("GPU memory: " + tooLarge.getMessage()));
                LOG.log(Level.WARNING, "dse4j: " + used.describe());
                kernelSpectrum = cpuFallback().kernelSpectrum(points, kernel, sigmaUsed, shape, precision, false);
            }
        }
        clock.addAll(kernelSpectrum.stages());
        Spectrum spectrum = Spectrum.of(kernelSpectrum.ascending());
        double time = autoTime ? spectrum.autoTime() : t;
        double entropy = spectrum.entropy(time);
        clock.lap("entropy");
        List<String> warnings = kernel == KernelKind.DIFFUSION && adaptiveK == 0
                ? degenerate(spectrum.entropy(1), points, sigmaUsed) : List.of();
        warnings.forEach(w -> LOG.log(Level.WARNING, "dse4j: " + w));
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new DseResult(entropy, points.n(), inputRows, x.cols(), sigmaUsed, time, precision, used,
                clock.timings(), seconds, spectrum, warnings, method, null);
    }

    /** The SLQ estimate ({@link Method#SLQ}), on the CPU whatever the backend. */
    private DseResult estimated(Matrix x, Points points, KernelShape shape, double sigmaUsed, int inputRows,
                                long start, StageClock clock) {
        if (autoTime) {
            throw new InvalidInputException("t", "auto chooses t from all the eigenvalues, which the slq method "
                    + "does not compute; give t as a number, or use the exact method");
        }
        if (kernel != KernelKind.DIFFUSION) {
            throw new InvalidInputException("method", "slq estimates DSE of the diffusion kernel K only");
        }
        if (shape.bandwidths() != null) {
            // Their K can have negative eigenvalues (measured: −0.002 for the adaptive kernel, −0.25 for α-decay
            // with exponent 40): the quadrature's fixed node at 0 would then sit inside the spectrum, and its bound
            // would not hold. The Gaussian, α-normalised or not, is positive semi-definite.
            throw new InvalidInputException("kernel", "slq needs a positive semi-definite kernel, and " + shapeLabel()
                    + " can have negative eigenvalues; use the Gaussian kernel (with --alpha if wanted) or the exact "
                    + "method");
        }
        if (t > 2.0 * slqSteps) {
            throw new InvalidInputException("t", "t = " + t + " is beyond what an SLQ estimate with " + slqSteps
                    + " Lanczos steps answers for (t ≤ 2 × steps); raise the steps (slqSteps, --lanczos-steps) to at "
                    + "least " + (int) Math.ceil(t / 2));
        }
        io.dse4j.spi.LanczosSamples samples = CpuBackends.lanczosSamples(points, sigmaUsed, shape, precision, seed,
                slqProbes, slqSteps, slqMatrixFree, threads);
        List<String> reasons = new java.util.ArrayList<>(selection.reasons());
        reasons.add("DSE estimated by stochastic Lanczos quadrature (" + slqProbes + " probes, " + slqSteps
                + " Lanczos steps, seed " + seed + ") on the CPU, " + (samples.matrixFree()
                ? "K recomputed tile by tile from the points for every product"
                + (precision == Precision.F32 ? " (in f64: the tiles are computed in double)" : "")
                : "K held in memory"));
        BackendSelection used = new BackendSelection(selection.requested(), selection.source(), "cpu", reasons,
                selection.summary());
        clock.addAll(samples.stages());
        EntropyEstimate estimate = new EntropyEstimate(samples);
        double entropy = estimate.entropy(t);
        clock.lap("entropy");
        List<String> warnings = adaptiveK == 0 ? degenerate(estimate.entropy(1), points, sigmaUsed) : List.of();
        warnings.forEach(w -> LOG.log(Level.WARNING, "dse4j: " + w));
        double seconds = (System.nanoTime() - start) * 1e-9;
        return new DseResult(entropy, points.n(), inputRows, x.cols(), sigmaUsed, t, precision, used,
                clock.timings(), seconds, null, warnings, method, estimate);
    }

    /**
     * The kernel's shape for these points: the standard one, or per-point bandwidths (the distance to the k-th
     * neighbour, computed on the CPU) with the α-decay exponent, and the α-normalisation.
     */
    private KernelShape shapeFor(Points points) {
        if (adaptiveK == 0 && alpha == 0) {
            return KernelShape.STANDARD;
        }
        double[] bandwidths = null;
        if (adaptiveK > 0) {
            int n = points.n();
            if (adaptiveK >= n) {
                throw new InvalidInputException("kernel", shapeLabel() + " needs fewer neighbours than the " + n
                        + " points used; give K below " + n);
            }
            bandwidths = CpuBackends.kthNeighbourDistances(points, adaptiveK, threads);
            for (int i = 0; i < n; i++) {
                if (!(bandwidths[i] > 0)) {
                    throw new InvalidInputException("kernel", shapeLabel() + ": point " + i + " (0-based) has "
                            + adaptiveK + " or more other points at distance 0, so its bandwidth σᵢ would be 0; "
                            + "raise K or remove duplicate points");
                }
            }
        }
        return new KernelShape(bandwidths, decay, alpha);
    }

    /** The kernel's form in words, for messages and the selection. */
    private String shapeLabel() {
        String form = adaptiveK == 0 ? "the Gaussian kernel" : decay == 0 ? "the adaptive kernel (σᵢ = distance to "
                + "neighbour " + adaptiveK + ")" : "the α-decay kernel (σᵢ = distance to neighbour " + adaptiveK
                + ", exponent " + decay + ")";
        return alpha == 0 ? form : form + " with α-normalisation α = " + alpha;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /**
     * σ for these points: the given number, or the data-driven {@link Bandwidth}'s value computed on the CPU (the
     * median on a seeded subsample of {@link Bandwidth#MEDIAN_EXACT_UP_TO} points when there are more).
     */
    private double sigmaFor(Points points) {
        if (bandwidth.isFixed()) {
            return bandwidth.sigma();
        }
        int n = points.n();
        double value;
        String what;
        if (bandwidth.isMedian()) {
            value = medianDistance(points);
            what = "the median distance between the points";
        } else {
            int k = bandwidth.neighbours();
            if (k >= n) {
                throw new InvalidInputException("sigma", "knn:" + k + " needs fewer neighbours than the " + n
                        + " points used; give K below " + n);
            }
            value = CpuBackends.meanKthNeighbourDistance(points, k, threads);
            what = "the mean distance to the " + k + "-th nearest neighbour";
        }
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidInputException("sigma", bandwidth.label() + ": " + what + " is " + value
                    + " (the points coincide); give σ as a number");
        }
        return value;
    }

    /** The median distance between the points: exact up to MEDIAN_EXACT_UP_TO of them, on a seeded sample above. */
    private double medianDistance(Points points) {
        int n = points.n();
        return CpuBackends.medianDistance(n > Bandwidth.MEDIAN_EXACT_UP_TO
                ? points.subset(subsample(n, Bandwidth.MEDIAN_EXACT_UP_TO, seed)) : points, threads);
    }

    /**
     * Warnings for a kernel that σ or α made degenerate, judged from its DSE at t = 1 ({@code atOne}): DSE within 2 %
     * of log₂ N (nearly every off-diagonal entry underflowed: K ≈ I) or below 0.02 bits (nearly all entries equal: K
     * has rank about one). With the α-normalisation, the same test on the kernel without it says which is the cause:
     * when that kernel is not degenerate, the warning names α; else, as without α, it names σ and the σ that
     * {@link Bandwidth#median()} picks, computed only then.
     */
    private List<String> degenerate(double atOne, Points points, double sigma) {
        int n = points.n();
        if (n < 8) {
            return List.of();
        }
        double most = Math.log(n) / Math.log(2);
        boolean identity = atOne > 0.98 * most;
        if (!identity && !(atOne < 0.02)) {
            return List.of();
        }
        if (alpha != 0) {
            // D^−α·G·D^−α weighs each pair by its points' degrees to the power −α, so a large α alone can make a
            // kernel degenerate that σ does not (measured: 100 Gaussian points in 3-D, σ = 1, α = 60: 0.002 bits,
            // against 4.4 without α), and then no σ advice helps. One more kernel and spectrum, only when warning.
            double withoutAlpha = entropyAtOneWithoutAlpha(points, sigma);
            if (!(withoutAlpha > 0.98 * most) && !(withoutAlpha < 0.02)) {
                return List.of(String.format(java.util.Locale.ROOT, "the kernel %s with α-normalisation α = %s (DSE "
                        + "at t = 1 is %.4f bits%s), and α is the cause, not σ: without α, at the same σ = %s, DSE "
                        + "at t = 1 is %.4f bits. D^−α·G·D^−α weighs each pair by its points' degrees to the power "
                        + "−α, so a large α lets a few points take nearly all the weight; lower α (--alpha)",
                        identity ? "is nearly the identity" : "has rank about one", alpha, atOne,
                        identity ? String.format(java.util.Locale.ROOT, " of log₂ N = %.4f", most) : "", sigma,
                        withoutAlpha));
            }
        }
        String problem;
        if (identity) {
            problem = String.format(java.util.Locale.ROOT, "the kernel is nearly the identity at σ = %s (DSE at "
                    + "t = 1 is %.4f of log₂ N = %.4f bits): nearly every pair of points is many σ apart, so DSE "
                    + "only counts the points", sigma, atOne, most);
        } else {
            problem = String.format(java.util.Locale.ROOT, "the kernel has rank about one at σ = %s (DSE at t = 1 "
                    + "is %.4f bits): nearly every pair of points is within a small fraction of σ, so DSE sees one "
                    + "cluster", sigma, atOne);
        }
        if (bandwidth.isMedian()) {
            return List.of(problem + " even with σ = the median distance");
        }
        double median = medianDistance(points);
        return List.of(String.format(java.util.Locale.ROOT, "%s; the median distance between the points is %.6g: "
                + "try sigma = median (--sigma median)", problem, median));
    }

    /**
     * DSE at t = 1 of the Gaussian kernel at {@code sigma} without the α-normalisation, by the same method as the
     * result, to tell whether σ or α made the kernel degenerate.
     */
    private double entropyAtOneWithoutAlpha(Points points, double sigma) {
        if (method == Method.SLQ) {
            return new EntropyEstimate(CpuBackends.lanczosSamples(points, sigma, KernelShape.STANDARD, precision, seed,
                    slqProbes, slqSteps, slqMatrixFree, threads)).entropy(1);
        }
        KernelSpectrum plain;
        if (method == Method.CHEBYSHEV) {
            plain = CpuBackends.chebyshevSpectrum(points, sigma, KernelShape.STANDARD, seed, threads);
        } else {
            try {
                plain = backend.kernelSpectrum(points, kernel, sigma, precision, false);
            } catch (InsufficientDeviceMemoryException tooLarge) {
                plain = cpuFallback().kernelSpectrum(points, kernel, sigma, KernelShape.STANDARD, precision, false);
            }
        }
        return Spectrum.of(plain.ascending()).entropy(1);
    }

    /**
     * The entropies at time {@code t} of the kernels of several row sets of {@code x}, as one batch through the
     * backend (the points go to the GPU once). As {@link #compute}, a batch that does not fit the GPU runs on the
     * CPU when the backend was chosen automatically.
     */
    double[] entropiesOfRows(Matrix x, List<int[]> rowSets, double time) {
        checkOpen();
        checkShape(x);
        return reporting(() -> batchEntropies(x, rowSets, time));
    }

    private double[] batchEntropies(Matrix x, List<int[]> rowSets, double time) {
        if (!bandwidth.isFixed()) {
            throw new InvalidInputException("sigma", bandwidth.label() + " applies to one DSE at a time; a batch "
                    + "(DSMI) compares its entropies at one σ: give it as a number");
        }
        Points points = gather(x, null, precision);
        List<KernelSpectrum> spectra;
        try {
            spectra = backend.kernelSpectra(points, rowSets, kernel, sigma, precision);
        } catch (InsufficientDeviceMemoryException tooLarge) {
            if (selection.requested() != BackendKind.AUTO) {
                throw new InvalidInputException("n", tooLarge.getMessage() + "; use the CPU backend");
            }
            LOG.log(Level.WARNING, "dse4j: batch on the CPU; GPU memory: " + tooLarge.getMessage());
            spectra = cpuFallback().kernelSpectra(points, rowSets, kernel, sigma, precision);
        }
        double[] out = new double[spectra.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Spectrum.of(spectra.get(i).ascending()).entropy(time);
        }
        return out;
    }

    /**
     * The eigenvalue moduli of the k-NN adjacency of the points, on the backend when it can solve the general
     * eigenproblem, else on the CPU; returns the selection that describes where it ran.
     */
    /** Eigenvalue moduli and where they were computed. */
    record Moduli(double[] values, BackendSelection selection) {
    }

    Moduli knnModuli(Points points, int k) {
        checkOpen();
        double[] moduli = null;
        String reason = null;
        try {
            moduli = backend.knnAdjacencyEigenvalueModuli(points, k);
            if (moduli == null) {
                reason = "this cuSOLVER has no Xgeev; the k-NN adjacency's general eigenproblem ran on the CPU";
            }
        } catch (InsufficientDeviceMemoryException tooLarge) {
            if (selection.requested() != BackendKind.AUTO) {
                throw new InvalidInputException("n", tooLarge.getMessage() + "; lower maxN or use the CPU backend");
            }
            reason = "GPU memory: " + tooLarge.getMessage();
        }
        BackendSelection used = selection;
        if (moduli == null) {
            moduli = cpuFallback().knnAdjacencyEigenvalueModuli(points, k);
            used = new BackendSelection(selection.requested(), selection.source(), "cpu", List.of(reason));
        }
        return new Moduli(moduli, used);
    }

    /**
     * The matrix-entry entropy of the given rows of {@code x} (all rows, subsampled beyond maxN, when null) through
     * the backend; as {@link #compute}, a problem that does not fit the GPU runs on the CPU under auto.
     */
    double matrixEntryEntropy(Matrix x, int[] rows) {
        checkOpen();
        checkShape(x);
        int[] chosen = rows != null ? rows : x.rows() > maxN ? subsample(x.rows(), maxN, seed) : null;
        Points points = gather(x, chosen, precision);
        double sigmaUsed = sigmaFor(points);
        try {
            return backend.matrixEntryEntropy(points, sigmaUsed, precision);
        } catch (InsufficientDeviceMemoryException tooLarge) {
            if (selection.requested() != BackendKind.AUTO) {
                throw new InvalidInputException("n", tooLarge.getMessage() + "; lower maxN or use the CPU backend");
            }
            LOG.log(Level.WARNING, "dse4j: matrix-entry entropy on the CPU; GPU memory: " + tooLarge.getMessage());
            return cpuFallback().matrixEntryEntropy(points, sigmaUsed, precision);
        }
    }

    private static void checkShape(Matrix x) {
        if (x == null) {
            throw new InvalidInputException("matrix", "must not be null");
        }
        if (x.rows() < 2) {
            throw new InvalidInputException("matrix", "needs at least 2 rows (points), got " + x.rows());
        }
        if (x.cols() < 1) {
            throw new InvalidInputException("matrix", "needs at least 1 column (dimension), got 0");
        }
    }

    /**
     * Copies the chosen rows into the backend's column-major layout, centred at their mean, refusing NaN and
     * infinities, and values so large that the squared distances would overflow in the working precision (see
     * {@link #checkSquaredRange}).
     *
     * <p>Centring does not change a distance, but it is what keeps the Gram formula ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ accurate:
     * for points far from the origin the three terms are huge and nearly cancel (in f32, points at 1000 with spread 1
     * lose every digit of d²); about their mean, the terms are of the size of the distances themselves — for points
     * spread about it. Where they are not (a far outlier moves the mean away from every other point; two far
     * clusters), the backends recompute the entries that cancel by differences of the original coordinates, which
     * the returned points keep (a second copy of the N·D values).
     */
    static Points gather(Matrix x, int[] rows, Precision precision) {
        int n = rows == null ? x.rows() : rows.length;
        int dims = x.cols();
        if ((long) n * dims > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("matrix", n + "×" + dims + " values exceed one Java array; lower maxN");
        }
        double[] values = new double[n * dims];
        for (int i = 0; i < n; i++) {
            int row = rows == null ? i : rows[i];
            for (int j = 0; j < dims; j++) {
                double v = x.at(row, j);
                if (!Double.isFinite(v)) {
                    throw new InvalidInputException("matrix", "the value at row " + row + ", column " + j
                            + " (0-based) is " + v + "; every value must be finite");
                }
                values[j * n + i] = v;
            }
        }
        double[] means = checkSquaredRange(x, rows, precision,
                position -> "row " + (rows == null ? position : rows[position]) + " (0-based)");
        // The original coordinates are kept, row-major, for the distances that cancel in the centred Gram expansion
        // — unless centring rounds nothing (float inputs about a mean near them, often): then the centred values'
        // differences are the originals' and no copy is made.
        double[] original = centringRounds(values, n, dims, means) ? rowMajor(values, n, dims) : null;
        for (int j = 0; j < dims; j++) {
            double mean = means[j];
            for (int i = 0; i < n; i++) {
                values[j * n + i] -= mean;
            }
        }
        return new Points(n, dims, values, original);
    }

    /** Whether some x − mean of the column-major values rounds (Knuth's TwoSum: its error is exactly 0 otherwise). */
    private static boolean centringRounds(double[] values, int n, int dims, double[] means) {
        for (int j = 0; j < dims; j++) {
            double shift = -means[j];
            for (int i = 0; i < n; i++) {
                double x0 = values[j * n + i];
                double centred = x0 + shift;
                double back = centred - x0;
                if ((x0 - (centred - back)) + (shift - back) != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The column-major n×dims values, row-major. */
    private static double[] rowMajor(double[] values, int n, int dims) {
        double[] out = new double[values.length];
        for (int j = 0; j < dims; j++) {
            for (int i = 0; i < n; i++) {
                out[i * dims + j] = values[j * n + i];
            }
        }
        return out;
    }

    /**
     * The squared distances are formed as ‖xᵢ‖² + ‖xⱼ‖² − 2xᵢ·xⱼ of the centred points (the Gram matrix, cuBLAS
     * {@code syrk} on the GPU) and stored in the working precision, so every term — at most 4·max‖xᵢ − x̄‖² in
     * magnitude — must be finite there: a finite input whose squares overflow would otherwise become ∞ and NaN deep
     * inside the kernel. Rescaling the data is not done silently: it changes the kernel unless σ is scaled with it,
     * which is the user's choice.
     *
     * @param rows    the rows used (all when null)
     * @param rowName how a message names the row at a position of {@code rows}
     * @return the column means x̄, each taken as x₀ + Σ (xᵢ − x₀)/n about the first row x₀: no sum overflows, and
     *         points that are all equal (or nearly) far from the origin centre to exactly zero (or nearly) — a plain
     *         Σ xᵢ/n would leave residues of the size of the mean's rounding, which at 1e200 square to ∞
     */
    static double[] checkSquaredRange(Matrix x, int[] rows, Precision precision, IntFunction<String> rowName) {
        int n = rows == null ? x.rows() : rows.length;
        int dims = x.cols();
        int first = rows == null ? 0 : rows[0];
        double[] means = new double[dims];
        for (int j = 0; j < dims; j++) {
            double origin = x.at(first, j);
            double shift = 0;
            for (int i = 0; i < n; i++) {
                shift += (x.at(rows == null ? i : rows[i], j) - origin) / n;
            }
            means[j] = origin + shift;
        }
        // The farthest row by its distance from the mean, scaled by its largest component (as hypot does) so the
        // comparison itself cannot overflow; NaN (a difference that overflowed) counts as farthest.
        double largest = 0;
        int farthest = 0;
        for (int i = 0; i < n; i++) {
            int row = rows == null ? i : rows[i];
            double scale = 0;
            for (int j = 0; j < dims; j++) {
                scale = Math.max(scale, Math.abs(x.at(row, j) - means[j]));
            }
            double sum = 0;
            if (scale > 0 && Double.isFinite(scale)) {
                for (int j = 0; j < dims; j++) {
                    double ratio = (x.at(row, j) - means[j]) / scale;
                    sum += ratio * ratio;
                }
            }
            double distance = Double.isFinite(scale) ? scale * Math.sqrt(sum) : Double.POSITIVE_INFINITY;
            if (!(distance <= largest)) {
                largest = distance;
                farthest = i;
            }
        }
        largest = largest * largest;   // squared; ∞ when it overflows, as it would in the Gram matrix
        double limit = precision == Precision.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        if (4 * largest <= limit) {
            return means;
        }
        String norm = Double.isFinite(largest)
                ? "‖x − x̄‖² = " + String.format(java.util.Locale.ROOT, "%.3g", largest)
                : "‖x − x̄‖² beyond the range of a double";
        String hint = precision == Precision.F32 && 4 * largest <= Double.MAX_VALUE
                ? "use precision f64, or rescale the data (and σ with it)"
                : "rescale the data (and σ with it)";
        throw new InvalidInputException("matrix", "values too large for the squared distances in "
                + precision.label() + ": " + rowName.apply(farthest) + " has " + norm + " from the points' mean x̄,"
                + " and squared distances up to 4·max‖x − x̄‖² must stay below "
                + String.format(java.util.Locale.ROOT, "%.3g", limit) + " (every point within "
                + String.format(java.util.Locale.ROOT, "%.3g", Math.sqrt(limit / 4)) + " of the mean in "
                + precision.label() + "); " + hint);
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
            Arrays.setAll(all, i -> i);
            return all;
        }
        return subsample(n, maxN, seed);
    }

    /**
     * {@code k} distinct indices of [0, n), sorted, by a partial Fisher–Yates shuffle driven by
     * {@link SplittableRandom}(seed). The subset is reproducible for a seed but is not the one Python's
     * {@code random.sample(range(n), k)} draws with the same seed.
     */
    static int[] subsample(int n, int k, long seed) {
        int[] chosen = sample(new SplittableRandom(seed), n, k);
        Arrays.sort(chosen);
        return chosen;
    }

    /**
     * {@code k} distinct indices of [0, n), in draw order, by a partial Fisher–Yates shuffle: step i swaps position
     * i with a uniformly drawn position j in [i, n) and keeps what lands at i. Only the positions a swap has touched
     * differ from the identity, so when k is small next to n they are kept in a hash map (O(k) memory, for a file of
     * hundreds of millions of rows) instead of an array of n; both give the same indices for the same draws.
     */
    static int[] sample(SplittableRandom random, int n, int k) {
        int[] chosen = new int[k];
        if (k >= n / 8) {
            int[] pool = new int[n];
            Arrays.setAll(pool, i -> i);
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(n - i);
                chosen[i] = pool[j];
                pool[j] = pool[i];
            }
            return chosen;
        }
        Map<Integer, Integer> moved = new HashMap<>(2 * k);
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(n - i);
            chosen[i] = moved.getOrDefault(j, j);
            moved.put(j, moved.getOrDefault(i, i));
        }
        return chosen;
    }

    private synchronized EigenBackend cpuFallback() {
        checkOpen();
        if (fallback == null) {
            fallback = CpuBackends.open(threads);
        }
        return fallback;
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
        try {
            if (ownsBackend) {
                backend.close();
            }
        } finally {
            synchronized (this) {
                if (fallback != null) {
                    fallback.close();
                }
            }
        }
    }

    /** Throws {@link IllegalStateException} once {@link #close()} has been called. */
    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this DiffusionSpectralEntropy is closed");
        }
    }

    /** Options of a {@link DiffusionSpectralEntropy}; every setter checks its argument at once. */
    public static final class Builder {
        /** The most a ForkJoinPool takes (its MAX_CAP); beyond it the CPU backend would fail deep inside. */
        private static final int MAX_THREADS = 32767;

        private double sigma = DEFAULT_SIGMA;
        private double t = DEFAULT_T;
        private boolean autoTime;
        private Bandwidth bandwidth;
        private int adaptiveK;
        private Method method = Method.EXACT;
        private double decay;
        private double alpha;
        private int maxN = DEFAULT_MAX_N;
        private long seed = DEFAULT_SEED;
        private int slqProbes = DEFAULT_SLQ_PROBES;
        private int slqSteps = DEFAULT_SLQ_STEPS;
        private boolean slqMatrixFree;
        private BackendKind backend;
        private Precision precision = Precision.F64;
        private int threads;
        private KernelKind kernel = KernelKind.DIFFUSION;
        private ProgressListener progress;
        private int device;
        private GpuDevice gpu;

        private Builder() {
        }

        /** An independent copy, so that a derived computation (ASE) can adjust options without touching these. */
        Builder copy() {
            Builder copy = new Builder();
            copy.sigma = sigma;
            copy.t = t;
            copy.maxN = maxN;
            copy.seed = seed;
            copy.backend = backend;
            copy.precision = precision;
            copy.threads = threads;
            copy.kernel = kernel;
            copy.autoTime = autoTime;
            copy.bandwidth = bandwidth;
            copy.adaptiveK = adaptiveK;
            copy.method = method;
            copy.decay = decay;
            copy.alpha = alpha;
            copy.progress = progress;
            copy.slqProbes = slqProbes;
            copy.slqSteps = slqSteps;
            copy.slqMatrixFree = slqMatrixFree;
            copy.device = device;
            copy.gpu = gpu;
            return copy;
        }

        int maxN() {
            return maxN;
        }

        long seed() {
            return seed;
        }

        double sigma() {
            return sigma;
        }

        /** The matrix whose spectrum is taken: K (DSE, the default) or G (for the adjacency spectral entropy). */
        Builder kernel(KernelKind kernel) {
            this.kernel = kernel;
            return this;
        }

        /** The Gaussian kernel bandwidth σ: finite and &gt; 0 (default 10). */
        public Builder sigma(double sigma) {
            if (!(sigma > 0) || !Double.isFinite(sigma)) {
                throw new InvalidInputException("sigma", "must be a finite number > 0, got " + sigma);
            }
            this.sigma = sigma;
            this.bandwidth = null;
            return this;
        }

        /**
         * How σ is chosen: {@link Bandwidth#of(double)} a number (as {@link #sigma(double)}), {@link Bandwidth#median()}
         * or {@link Bandwidth#knn(int)} from each computation's points; the result's {@code sigma()} is the value used.
         */
        public Builder bandwidth(Bandwidth bandwidth) {
            if (bandwidth == null) {
                throw new InvalidInputException("sigma", "the bandwidth must not be null");
            }
            if (bandwidth.isFixed()) {
                return sigma(bandwidth.sigma());
            }
            this.bandwidth = bandwidth;
            return this;
        }

        /**
         * The adaptive kernel of Zelnik-Manor &amp; Perona (2004): σᵢ = the distance from point i to its k-th nearest
         * other point, Gᵢⱼ = exp(−d²ᵢⱼ / 2σᵢσⱼ); σ is then unused (the result reports the mean σᵢ). The σᵢ are found on
         * the CPU; the kernel is built on the backend (on the GPU the σᵢ go to the device as a vector).
         */
        public Builder adaptiveKernel(int k) {
            if (k < 1) {
                throw new InvalidInputException("kernel", "adaptive:K needs K ≥ 1, got " + k);
            }
            this.adaptiveK = k;
            this.decay = 0;
            return this;
        }

        /**
         * PHATE's α-decay kernel (Moon et al. 2019): σᵢ as {@link #adaptiveKernel}, Gᵢⱼ = ½·exp(−(dᵢⱼ/σᵢ)^a) +
         * ½·exp(−(dᵢⱼ/σⱼ)^a) with a &gt; 0 (PHATE's default 40). As {@link #adaptiveKernel}, on either backend.
         */
        public Builder alphaDecayKernel(int k, double a) {
            if (k < 1) {
                throw new InvalidInputException("kernel", "alpha-decay:K,A needs K ≥ 1, got " + k);
            }
            if (!(a > 0) || !Double.isFinite(a)) {
                throw new InvalidInputException("kernel", "alpha-decay:K,A needs a finite exponent A > 0, got " + a);
            }
            this.adaptiveK = k;
            this.decay = a;
            return this;
        }

        /**
         * How the eigenvalues are obtained: {@link Method#EXACT} (the default), the reference's
         * {@link Method#CHEBYSHEV} approximation, or the {@link Method#SLQ} estimate of the entropy with an error
         * bar (the last two draw their probes from {@link #seed(long)}).
         */
        public Builder method(Method method) {
            if (method == null) {
                throw new InvalidInputException("method", "must be exact, chebyshev or slq, got nothing");
            }
            this.method = method;
            return this;
        }

        /**
         * The probe vectors of the {@link Method#SLQ} estimate, 4 to 4096 (default {@value #DEFAULT_SLQ_PROBES}):
         * its standard error falls as 1/√probes, its cost grows with probes × steps.
         */
        public Builder slqProbes(int probes) {
            if (probes < 4 || probes > 4096) {
                throw new InvalidInputException("probes", "must be between 4 and 4096, got " + probes);
            }
            this.slqProbes = probes;
            return this;
        }

        /** The Lanczos steps per probe of the {@link Method#SLQ} estimate, 2 to 1000 (default {@value #DEFAULT_SLQ_STEPS}). */
        public Builder slqSteps(int steps) {
            if (steps < 2 || steps > 1000) {
                throw new InvalidInputException("steps", "must be between 2 and 1000, got " + steps);
            }
            this.slqSteps = steps;
            return this;
        }

        /**
         * Whether the {@link Method#SLQ} estimate recomputes K tile by tile from the points for every product (memory
         * O(N·(D + probes))) even when K would fit in memory; by default it holds K when the n×n array takes at most
         * 60 % of the heap, which is much faster, and recomputes it otherwise.
         */
        public Builder slqMatrixFree(boolean matrixFree) {
            this.slqMatrixFree = matrixFree;
            return this;
        }

        /** The fixed-σ Gaussian kernel of the reference (the default). */
        public Builder gaussianKernel() {
            this.adaptiveK = 0;
            this.decay = 0;
            return this;
        }

        /**
         * The diffusion-maps α-normalisation (Coifman &amp; Lafon 2006): G ← D^−α·G·D^−α, D the degrees of G, before
         * the symmetric normalisation; 0 (the default) is the reference's kernel, 1 removes the sampling density.
         * On either backend.
         */
        public Builder alpha(double alpha) {
            if (!(alpha >= 0) || !Double.isFinite(alpha)) {
                throw new InvalidInputException("alpha", "must be a finite number ≥ 0, got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** The diffusion time t: finite and ≥ 0, not necessarily an integer (default 1). */
        public Builder t(double t) {
            if (!(t >= 0) || !Double.isFinite(t)) {
                throw new InvalidInputException("t", "must be a finite number ≥ 0, got " + t);
            }
            this.t = t;
            this.autoTime = false;
            return this;
        }

        /**
         * Chooses t per computation from its spectrum by the rule of {@link Spectrum#autoTime()} (the smallest
         * integer t at which at most 1 % of the powered eigenvalues stay above 0.01); the result's {@code t()} says
         * which. A later {@link #t(double)} fixes t again.
         */
        public Builder autoTime() {
            this.autoTime = true;
            return this;
        }

        /**
         * At most this many points enter the kernel (default 10000, as the reference); larger inputs are
         * subsampled without replacement with the {@link #seed}. At least 2.
         */
        public Builder maxN(int maxN) {
            if (maxN < 2) {
                throw new InvalidInputException("maxN", "must be at least 2, got " + maxN);
            }
            this.maxN = maxN;
            return this;
        }

        /** The seed of the subsampling generator (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** {@code auto}, {@code cpu} or {@code gpu}, case-insensitive. */
        public Builder backend(String backend) {
            this.backend = backend == null ? null : BackendKind.parse(backend, "backend");
            return this;
        }

        /** The backend to use; null defers to {@code -Ddse4j.backend}, then {@code DSE4J_BACKEND}, then auto. */
        public Builder backend(BackendKind backend) {
            this.backend = backend;
            return this;
        }

        /**
         * The CUDA device the GPU backend opens when it is chosen (default 0; among the devices CUDA_VISIBLE_DEVICES
         * leaves visible); the CPU backend ignores it. A device the machine lacks fails {@link #build()} with the
         * ordinals it has.
         */
        public Builder device(int ordinal) {
            GpuDevice.checkOrdinal(ordinal);
            this.device = ordinal;
            return this;
        }

        /**
         * Computes on a GPU backend already open ({@link GpuDevice#open}), shared with other instances: the backend
         * setting, {@code -Ddse4j.backend} and {@link #device} are not consulted — except that with
         * {@code backend("auto")} a problem too large for the device runs on the CPU, as {@code auto} does, where
         * otherwise it is refused — and {@link #close()} leaves it open; with {@code backend("cpu")} {@link #build()}
         * refuses it. Null returns to choosing a backend.
         */
        public Builder gpu(GpuDevice device) {
            this.gpu = device;
            return this;
        }

        /** The working precision (default f64). */
        public Builder precision(Precision precision) {
            if (precision == null) {
                throw new InvalidInputException("precision", "must be f64 or f32, got nothing");
            }
            this.precision = precision;
            return this;
        }

        /** {@code f64} or {@code f32}. */
        public Builder precision(String precision) {
            return precision(Precision.parse(precision));
        }

        /** CPU worker threads, 1 to 32767; default {@code -Ddse4j.threads}, else every available processor. */
        /**
         * Reports the progress of each computation to {@code listener} (see {@link ProgressListener}); null, the
         * default, reports nothing.
         */
        public Builder progress(ProgressListener listener) {
            this.progress = listener;
            return this;
        }

        public Builder threads(int threads) {
            if (threads < 1 || threads > MAX_THREADS) {
                throw new InvalidInputException("threads", "must be between 1 and " + MAX_THREADS + ", got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Chooses and opens the backend. Under {@code auto}, the first build of the JVM logs one INFO line on
         * {@code System.Logger} "io.dse4j" saying which backend runs (and, after a fallback, what was found:
         * "dse4j: no NVIDIA driver found; using the CPU backend (…)"); later builds log it at DEBUG, and the full
         * reasons, also in {@code selection().reasons()} of every result, are logged at DEBUG.
         *
         * @throws BackendUnavailableException when gpu was requested and cannot be used
         * @throws InvalidInputException       when a backend or thread setting (argument, property or
         *                                     environment variable) is invalid
         */
        public DiffusionSpectralEntropy build() {
            return build(systemProperties(), System.getenv(), GpuProbe.ofThisBuild());
        }

        DiffusionSpectralEntropy build(Map<String, String> properties, Map<String, String> env, GpuProbe probe) {
            int threadCount = resolveThreads(properties);
            if (gpu != null) {
                if (backend == BackendKind.CPU) {
                    throw new InvalidInputException("gpu", "a GpuDevice was given with backend cpu; give the device "
                            + "(it computes there) or the CPU backend, not both");
                }
                EigenBackend shared = gpu.backend();
                BackendKind requested = backend == BackendKind.AUTO ? BackendKind.AUTO : BackendKind.GPU;
                return new DiffusionSpectralEntropy(this, threadCount, new BackendSelection(requested,
                        BackendSelection.Source.ARGUMENT, shared.name(), List.of()), shared, false);
            }
            BackendResolver.Resolution resolution = BackendResolver.resolve(backend, properties, env, probe);
            EigenBackend opened = resolution.usesGpu() ? resolution.gpu().open(device) : CpuBackends.open(threadCount);
            BackendSelection selection = resolution.selection();
            if (!opened.name().equals(selection.chosen())) {
                selection = new BackendSelection(selection.requested(), selection.source(), opened.name(),
                        selection.reasons(), selection.summary());
            }
            SelectionLog.JVM.announce(resolution, selection);
            return new DiffusionSpectralEntropy(this, threadCount, selection, opened, true);
        }

        private int resolveThreads(Map<String, String> properties) {
            if (threads > 0) {
                return threads;
            }
            String property = properties.get(THREADS_PROPERTY);
            if (property == null || property.isBlank()) {
                return Runtime.getRuntime().availableProcessors();
            }
            try {
                int parsed = Integer.parseInt(property.trim());
                if (parsed >= 1 && parsed <= MAX_THREADS) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new InvalidInputException("system property " + THREADS_PROPERTY,
                    "must be an integer between 1 and " + MAX_THREADS + ", got '" + property + "'");
        }

        private static Map<String, String> systemProperties() {
            Map<String, String> copy = new HashMap<>();
            System.getProperties().forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
            return copy;
        }
    }
}
