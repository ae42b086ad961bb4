package io.dse4j;

/**
 * The outcome of one Diffusion Spectral Entropy computation.
 *
 * @param entropy     DSE in bits at diffusion time {@code t}
 * @param n           the number of points the kernel was built on (after any subsampling)
 * @param inputRows   the number of rows of the input (larger than n when it was subsampled to maxN)
 * @param d           the number of dimensions
 * @param sigma       the Gaussian kernel bandwidth
 * @param t           the diffusion time
 * @param precision   the working precision of the N×N matrix
 * @param selection   how the backend was chosen, and which one ran
 * @param stages      seconds per stage
 * @param seconds     wall-clock seconds from the data in memory to the entropy (no file reading, no JVM start)
 * @param spectrum    the kernel's eigenvalues, from which {@link Spectrum#entropy(double)} gives DSE at any t
 */
public record DseResult(double entropy, int n, int inputRows, int d, double sigma, double t, Precision precision,
                        BackendSelection selection, StageTimings stages, double seconds,
                        Spectrum spectrum) {

    /** The backend that ran ({@code cpu}, {@code gpu}, …); shorthand for {@code selection().chosen()}. */
    public String backend() {
        return selection.chosen();
    }
}
