package io.dse4j.spi;

/** Which N×N matrix of the points a backend decomposes. */
public enum KernelKind {
    /** K = D^-½·G·D^-½, the symmetric form of the diffusion operator (DSE; ASE "anisotropic"). */
    DIFFUSION,
    /** G itself, Gᵢⱼ = exp(−‖xᵢ − xⱼ‖² / 2σ²) (ASE "gaussian"; the constant 1/(σ√2π) leaves p unchanged). */
    GAUSSIAN
}
