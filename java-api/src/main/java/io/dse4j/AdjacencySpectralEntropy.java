package io.dse4j;

import io.dse4j.spi.KernelKind;

/**
 * Adjacency spectral entropy (ASE), the reference's comparison measure: the entropy of the spectrum of an adjacency
 * matrix of the points rather than of the diffusion operator, pᵢ = |λᵢ| / Σⱼ|λⱼ| + ε (no diffusion time), in bits.
 * Variants: {@link Variant#GAUSSIAN} — the Gaussian adjacency G itself; {@link Variant#ANISOTROPIC} — the
 * symmetrically normalised K, which makes ASE equal to DSE at t = 1. Subsampling beyond maxN is as for DSE.
 */
public final class AdjacencySpectralEntropy implements AutoCloseable {

    /** Which adjacency matrix. */
    public enum Variant {
        GAUSSIAN,
        ANISOTROPIC
    }

    private final DiffusionSpectralEntropy engine;

    private AdjacencySpectralEntropy(DiffusionSpectralEntropy engine) {
        this.engine = engine;
    }

    /**
     * Opens an ASE computation of the given variant; {@code options} carries σ, maxN, seed, backend, precision and
     * threads (its t is ignored: ASE has no diffusion time).
     */
    public static AdjacencySpectralEntropy open(Variant variant, DiffusionSpectralEntropy.Builder options) {
        if (variant == null) {
            throw new InvalidInputException("variant", "must be gaussian or anisotropic");
        }
        options.t(1).kernel(variant == Variant.GAUSSIAN ? KernelKind.GAUSSIAN : KernelKind.DIFFUSION);
        return new AdjacencySpectralEntropy(options.build());
    }

    /** ASE of the rows of {@code x} (subsampled beyond maxN); the result's entropy is at t = 1 by definition. */
    public DseResult compute(Matrix x) {
        return engine.compute(x);
    }

    public BackendSelection selection() {
        return engine.selection();
    }

    @Override
    public void close() {
        engine.close();
    }
}
