package io.dse4j.spi;

/**
 * The kernel's form beyond the fixed-σ Gaussian of the reference: per-point bandwidths σᵢ (adaptive,
 * Zelnik-Manor &amp; Perona 2004: Gᵢⱼ = exp(−d²ᵢⱼ / 2σᵢσⱼ)), optionally with PHATE's α-decay of exponent a
 * (Moon et al. 2019: Gᵢⱼ = ½·exp(−(dᵢⱼ/σᵢ)^a) + ½·exp(−(dᵢⱼ/σⱼ)^a)), and the diffusion-maps α-normalisation
 * (Coifman &amp; Lafon 2006: G ← D^−α·G·D^−α with D the degrees of G, before the symmetric normalisation).
 *
 * @param bandwidths σᵢ per point (null: the one σ of the call)
 * @param decay      the α-decay exponent a &gt; 0, or 0 for the Gaussian
 * @param alpha      the normalisation exponent α ≥ 0 (0: none)
 */
public record KernelShape(double[] bandwidths, double decay, double alpha) {

    /** The reference's kernel: one σ, Gaussian, no α-normalisation. */
    public static final KernelShape STANDARD = new KernelShape(null, 0, 0);

    /** Whether this is {@link #STANDARD}. */
    public boolean standard() {
        return bandwidths == null && decay == 0 && alpha == 0;
    }
}
