package io.dse4j;

/**
 * The outcome of one Diffusion Spectral Entropy computation.
 *
 * @param entropy     DSE in bits at diffusion time {@code t}
 * @param n           the number of points the kernel was built on (after any subsampling)
 * @param inputRows   the number of rows of the input (larger than n when it was subsampled to maxN)
 * @param d           the number of dimensions
 * @param sigma       the Gaussian kernel bandwidth used (a data-driven {@link Bandwidth}'s value)
 * @param t           the diffusion time
 * @param precision   the working precision of the N×N matrix
 * @param selection   how the backend was chosen, and which one ran
 * @param stages      seconds per stage
 * @param seconds     wall-clock seconds from the data in memory to the entropy (no file reading, no JVM start)
 * @param spectrum    the kernel's eigenvalues, from which {@link Spectrum#entropy(double)} gives DSE at any t
 * @param warnings    what the caller should know about this result (a degenerate kernel for this σ), one sentence each
 * @param method      how the eigenvalues, or the entropy, were obtained
 * @param estimate    for {@link DiffusionSpectralEntropy.Method#SLQ}, the estimate with its error bar at any t (then
 *                    {@code spectrum} is null: no eigenvalues were computed); null otherwise
 */
public record DseResult(double entropy, int n, int inputRows, int d, double sigma, double t, Precision precision,
                        BackendSelection selection, StageTimings stages, double seconds,
                        Spectrum spectrum, java.util.List<String> warnings, DiffusionSpectralEntropy.Method method,
                        EntropyEstimate estimate) {

    public DseResult {
        warnings = java.util.List.copyOf(warnings);
    }

    /** A result of the exact eigenvalues (or the Chebyshev approximation's), with warnings. */
    public DseResult(double entropy, int n, int inputRows, int d, double sigma, double t, Precision precision,
                     BackendSelection selection, StageTimings stages, double seconds, Spectrum spectrum,
                     java.util.List<String> warnings) {
        this(entropy, n, inputRows, d, sigma, t, precision, selection, stages, seconds, spectrum, warnings,
                DiffusionSpectralEntropy.Method.EXACT, null);
    }

    /**
     * The half-width in bits of the 95 % interval around {@link #entropy()}: the estimate's
     * {@link EntropyEstimate#errorBar(double)} at t for SLQ; 0 for the other methods, whose entropy is that of the
     * eigenvalues they computed.
     */
    public double errorBar() {
        return estimate == null ? 0 : estimate.errorBar(t);
    }

    /** A result without warnings. */
    public DseResult(double entropy, int n, int inputRows, int d, double sigma, double t, Precision precision,
                     BackendSelection selection, StageTimings stages, double seconds, Spectrum spectrum) {
        this(entropy, n, inputRows, d, sigma, t, precision, selection, stages, seconds, spectrum,
                java.util.List.of());
    }

    /** The backend that ran ({@code cpu}, {@code gpu}, …); shorthand for {@code selection().chosen()}. */
    public String backend() {
        return selection.chosen();
    }
}
