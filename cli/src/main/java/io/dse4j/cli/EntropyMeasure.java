package io.dse4j.cli;

import io.dse4j.AdjacencySpectralEntropy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The measures of {@code entropy --measure}: DSE, the reference's other entropies — the library's
 * {@link AdjacencySpectralEntropy.Variant}s for the ASE ones — and the measures of Z's linear spectrum that DSE is
 * compared with (RankMe, the von Neumann entropy: {@link io.dse4j.LinearSpectrumMeasures}). Each names the options it does not use, read from
 * what its computation takes (--knn, --bins, --method and --eigenvalues-cache are refused by their own checks).
 */
enum EntropyMeasure {
    /** Diffusion spectral entropy, of the eigenvalues of K. */
    DSE("dse", null, null),
    /** ClassicShannonEntropy takes the matrix and the bins, and counts on the CPU. */
    CSE("cse", null, new Ignored(List.of("--sigma", "--t", "--kernel", "--alpha", "--precision", "--backend",
            "--device", "--threads"), "cse bins the coordinates and counts, on the CPU: no kernel, no diffusion time")),
    /** MatrixEntryEntropy takes σ alone (it calls the backend's Gaussian): no kernel form, no t. */
    MATRIX_ENTRY("matrix-entry", null, new Ignored(List.of("--t", "--kernel", "--alpha"), "matrix-entry takes the "
            + "entries of P = D⁻¹K of the Gaussian kernel at σ: no diffusion time, no other kernel form")),
    /** RankMe takes the singular values of Z itself, in double on the CPU (LinearSpectrumMeasures). */
    RANKME("rankme", null, linear("rankme")),
    /** The von Neumann entropy of Z·Zᵀ / tr, from the same singular values. */
    VNE("vne", null, linear("vne")),
    /** Every ASE variant has no t (it is fixed at 1). */
    ASE_GAUSSIAN("ase-gaussian", AdjacencySpectralEntropy.Variant.GAUSSIAN, new Ignored(List.of("--t"),
            "adjacency spectral entropy has no diffusion time")),
    ASE_ANISOTROPIC("ase-anisotropic", AdjacencySpectralEntropy.Variant.ANISOTROPIC, new Ignored(List.of("--t"),
            "adjacency spectral entropy has no diffusion time")),
    /** ase-knn's 0/1 adjacency has no σ or kernel form and is computed in double whatever --precision says. */
    ASE_KNN("ase-knn", AdjacencySpectralEntropy.Variant.KNN, new Ignored(List.of("--t", "--sigma", "--kernel",
            "--alpha", "--precision"), "ase-knn uses the 0/1 k-NN adjacency (--knn), computed in double: no σ, no "
                    + "kernel form, no diffusion time"));

    private final String label;
    private final AdjacencySpectralEntropy.Variant variant;
    private final Ignored ignored;

    EntropyMeasure(String label, AdjacencySpectralEntropy.Variant variant, Ignored ignored) {
        this.label = label;
        this.variant = variant;
        this.ignored = ignored;
    }

    /** What the measures of Z's linear spectrum (rankme, vne) do not use: they take its singular values on the CPU. */
    private static Ignored linear(String label) {
        return new Ignored(List.of("--sigma", "--t", "--kernel", "--alpha", "--precision", "--backend", "--device"),
                label + " takes the singular values of Z itself, in double on the CPU: no kernel, no diffusion time");
    }

    /** A label, in any case (dse, cse, matrix-entry, rankme, vne, ase-gaussian, ase-anisotropic, ase-knn). */
    static EntropyMeasure parse(String text) {
        String measure = text.toLowerCase(Locale.ROOT);
        for (EntropyMeasure m : values()) {
            if (m.label.equals(measure)) {
                return m;
            }
        }
        throw new Converters.BadValue(" must be one of " + Arrays.stream(values()).map(EntropyMeasure::label)
                .collect(Collectors.joining(", ")) + "; got '" + measure + "'");
    }

    /** The name --measure takes, and JSON's {@code measure}. */
    String label() {
        return label;
    }

    /** The adjacency an ASE measure takes the spectrum of; null for the others. */
    AdjacencySpectralEntropy.Variant variant() {
        return variant;
    }

    /** Whether the measure is of Z's singular values (rankme, vne). */
    boolean linear() {
        return this == RANKME || this == VNE;
    }

    /** Whether the measure is one of eigenvalues (dse, ase-*), which an eigenvalue cache can hold. */
    boolean spectral() {
        return this == DSE || variant != null;
    }

    /** The options it does not use, or null (dse uses them all). */
    Ignored ignored() {
        return ignored;
    }
}
