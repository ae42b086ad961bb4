package io.dse4j;

import java.util.List;

/**
 * The outcome of one Diffusion Spectral Entropy computation.
 *
 * <p>What a result carries depends on its {@link #method()}:
 * <ul>
 *   <li>{@code EXACT}: {@link #spectrum()} — the kernel's eigenvalues, DSE at any t without a new decomposition,
 *       {@link #countAbove} — and no {@link #estimate()} (null); {@link #errorBar()} is 0.</li>
 *   <li>{@code CHEBYSHEV}: {@link #spectrum()} of the eigenvalues rebuilt from the estimated density (as the
 *       reference does); no estimate; {@link #countAbove} refused.</li>
 *   <li>{@code SLQ}: {@link #estimate()} — the entropy with its 95 % bar at any t — and no spectrum (null: no
 *       eigenvalues are computed); {@link #errorBar()} is the bar at the result's t.</li>
 * </ul>
 *
 * <p>Made by the measures; {@link #withInputRows} derives one for another input row count.
 */
public final class DseResult {

    private final double entropy;
    private final int n;
    private final int inputRows;
    private final int d;
    private final double sigma;
    private final double t;
    private final Precision precision;
    private final BackendSelection selection;
    private final StageTimings stages;
    private final double seconds;
    private final Spectrum spectrum;
    private final List<String> warnings;
    private final DiffusionSpectralEntropy.Method method;
    private final EntropyEstimate estimate;

    DseResult(double entropy, int n, int inputRows, int d, double sigma, double t, Precision precision,
              BackendSelection selection, StageTimings stages, double seconds, Spectrum spectrum, List<String> warnings,
              DiffusionSpectralEntropy.Method method, EntropyEstimate estimate) {
        this.entropy = entropy;
        this.n = n;
        this.inputRows = inputRows;
        this.d = d;
        this.sigma = sigma;
        this.t = t;
        this.precision = precision;
        this.selection = selection;
        this.stages = stages;
        this.seconds = seconds;
        this.spectrum = spectrum;
        this.method = method;
        this.estimate = estimate;
        this.warnings = List.copyOf(warnings);
    }

    /** A result of exact eigenvalues without warnings (ASE of the k-NN adjacency). */
    DseResult(double entropy, int n, int inputRows, int d, double sigma, double t, Precision precision,
              BackendSelection selection, StageTimings stages, double seconds, Spectrum spectrum) {
        this(entropy, n, inputRows, d, sigma, t, precision, selection, stages, seconds, spectrum, List.of(),
                DiffusionSpectralEntropy.Method.EXACT, null);
    }

    /**
     * This result, reporting {@code inputRows} as its input's row count: for a computation on rows read apart from
     * their input (a file's used rows), reporting as a run on the whole input would.
     */
    public DseResult withInputRows(int inputRows) {
        return inputRows == this.inputRows ? this : new DseResult(entropy, n, inputRows, d, sigma, t, precision,
                selection, stages, seconds, spectrum, warnings, method, estimate);
    }

    /** DSE in bits at diffusion time {@code t}. */
    public double entropy() {
        return entropy;
    }

    /** The number of points the kernel was built on (after any subsampling). */
    public int n() {
        return n;
    }

    /** The number of rows of the input (larger than n when it was subsampled to maxN). */
    public int inputRows() {
        return inputRows;
    }

    /** The number of dimensions. */
    public int d() {
        return d;
    }

    /** The Gaussian kernel bandwidth used (a data-driven {@link Bandwidth}'s value). */
    public double sigma() {
        return sigma;
    }

    /** The diffusion time. */
    public double t() {
        return t;
    }

    /** The working precision of the N×N matrix. */
    public Precision precision() {
        return precision;
    }

    /** How the backend was chosen, and which one ran. */
    public BackendSelection selection() {
        return selection;
    }

    /** Seconds per stage. */
    public StageTimings stages() {
        return stages;
    }

    /** Wall-clock seconds from the data in memory to the entropy (no file reading, no JVM start). */
    public double seconds() {
        return seconds;
    }

    /**
     * The kernel's eigenvalues, from which {@link Spectrum#entropy(double)} gives DSE at any t; null for a result of
     * {@link DiffusionSpectralEntropy.Method#SLQ}, which computes none (its {@link #estimate()} gives DSE at any t).
     */
    public Spectrum spectrum() {
        return spectrum;
    }

    /**
     * The number of the kernel's eigenvalues with |λ| &gt; {@code floor} ({@link Spectrum#countAbove}): of the
     * diffusion kernel K, whose eigenvalues are those of P = D⁻¹G, at t = 1, for DSE; of the adjacency for ASE.
     *
     * @param floor finite and ≥ 0
     * @throws InvalidInputException when {@code floor} is negative or not finite
     * @throws IllegalStateException for a result of {@link DiffusionSpectralEntropy.Method#SLQ} (no eigenvalues were
     *                               computed) or {@link DiffusionSpectralEntropy.Method#CHEBYSHEV} (its eigenvalues
     *                               are rebuilt from an estimated density, not the kernel's own)
     */
    public int countAbove(double floor) {
        Spectrum.checkFloor(floor);
        if (method != DiffusionSpectralEntropy.Method.EXACT || spectrum == null) {
            throw new IllegalStateException("countAbove needs the kernel's exact eigenvalues; this result's method is "
                    + method.label() + (method == DiffusionSpectralEntropy.Method.SLQ ? ", which computes none"
                            : ", whose eigenvalues are rebuilt from an estimated density")
                    + ": compute with Method.EXACT");
        }
        return spectrum.countAbove(floor);
    }

    /** What the caller should know about this result (a degenerate kernel for this σ), one sentence each. */
    public List<String> warnings() {
        return warnings;
    }

    /** How the eigenvalues, or the entropy, were obtained. */
    public DiffusionSpectralEntropy.Method method() {
        return method;
    }

    /**
     * For {@link DiffusionSpectralEntropy.Method#SLQ}, the estimate with its error bar at any t (then {@code
     * spectrum} is null: no eigenvalues were computed); null otherwise.
     */
    public EntropyEstimate estimate() {
        return estimate;
    }

    /**
     * The half-width in bits of the 95 % interval around {@link #entropy()}: the estimate's
     * {@link EntropyEstimate#errorBar(double)} at t for SLQ; 0 for the other methods, whose entropy is that of the
     * eigenvalues they computed.
     */
    public double errorBar() {
        return estimate == null ? 0 : estimate.errorBar(t);
    }

    /** The backend that ran ({@code cpu}, {@code gpu}, …); shorthand for {@code selection().chosen()}. */
    public String backend() {
        return selection.chosen();
    }

    @Override
    public String toString() {
        return "DseResult[entropy=" + entropy + ", n=" + n + ", inputRows=" + inputRows + ", d=" + d + ", sigma="
                + sigma + ", t=" + t + ", precision=" + precision + ", backend=" + backend() + ", method=" + method
                + ", warnings=" + warnings + "]";
    }
}
