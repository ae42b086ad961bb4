package io.dse4j.spi;

import io.dse4j.Precision;

/**
 * A place where the N×N work of the measures runs: the pure-Java CPU backend or the GPU backend. Coarse-grained on
 * purpose, so that a GPU implementation keeps the kernel matrix on the device and hands back only N eigenvalues.
 *
 * <p>Implementations are safe for concurrent callers and release everything they hold on {@link #close()}, which
 * is idempotent; afterwards every method that computes throws {@link IllegalStateException}, while a computation
 * already running finishes. A computation is cancelled by interrupting its calling thread: implementations call
 * {@link Cancellation#checkInterrupted()} at the block boundaries of their long stages and throw
 * {@link io.dse4j.ComputationInterruptedException}, with the interrupt status set and nothing held.
 */
public interface EigenBackend extends AutoCloseable {

    /** The backend's name as reported in results: {@code cpu}, {@code gpu} or {@code gpu (stand-in)}. */
    String name();

    /** One line describing the implementation (threads, kernels, device). */
    String describe();

    /** The CUDA device ordinal this backend computes on; -1 for a backend that computes on the host (the default). */
    default int device() {
        return -1;
    }

    /**
     * Refuses, before any data is read, a problem of n points that this backend can never hold (the CPU's one-array
     * and heap limits); a problem it might hold passes. The default passes everything (the GPU compares with its
     * free memory only when it allocates, and may then fall back).
     *
     * @throws io.dse4j.InvalidInputException naming the limit
     */
    default void checkFits(int n, Precision precision) {
    }

    /**
     * The eigenvalues (and, on request, eigenvectors) of K = D^-½·G·D^-½ with Gᵢⱼ = exp(−‖xᵢ − xⱼ‖² / 2σ²) for the given points.
     *
     * @param points       the points (n ≥ 1, finite)
     * @param sigma        the kernel bandwidth, finite and &gt; 0
     * @param precision    the working precision of the N×N matrix
     * @param eigenvectors whether to return the eigenvectors too (O(n³) more work, an n×n double result)
     * @throws io.dse4j.InvalidInputException if the matrix cannot fit in the memory this backend can use
     * @throws io.dse4j.ComputationException  if the computation fails
     */
    default KernelSpectrum diffusionSpectrum(Points points, double sigma, Precision precision, boolean eigenvectors) {
        return kernelSpectrum(points, KernelKind.DIFFUSION, sigma, precision, eigenvectors);
    }

    /**
     * The eigenvalues (and, on request, eigenvectors) of the chosen kernel matrix of the points; as
     * {@link #diffusionSpectrum} otherwise.
     */
    KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma, Precision precision,
                                  boolean eigenvectors);

    /** Whether {@link #kernelSpectrum(Points, KernelKind, double, KernelShape, Precision, boolean)} takes this shape. */
    default boolean supports(KernelShape shape) {
        return shape.standard();
    }

    /**
     * Whether this backend computes the kernel of this shape for n points in this precision: {@link #supports}
     * unless the backend has limits of range (the GPU forms the α-normalisation's d^−α directly, which underflows
     * for large α·log n).
     */
    default boolean supports(KernelShape shape, int n, Precision precision) {
        return supports(shape);
    }

    /** Why {@link #supports(KernelShape, int, Precision)} said no, for the selection's reasons. */
    default String unsupportedReason(KernelShape shape, int n, Precision precision) {
        return "the " + name() + " backend computes the fixed-σ Gaussian kernel only";
    }

    /**
     * As {@link #kernelSpectrum(Points, KernelKind, double, Precision, boolean)} for a kernel of the given shape; only
     * called with shapes the backend {@link #supports}.
     */
    default KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma, KernelShape shape,
                                          Precision precision, boolean eigenvectors) {
        if (!supports(shape)) {
            throw new UnsupportedOperationException(name() + " computes the standard kernel only");
        }
        return kernelSpectrum(points, kind, sigma, precision, eigenvectors);
    }

    /**
     * Whether {@link #knnAdjacencyEigenvalueModuli} runs on this backend: the CPU's always; the GPU's only where its
     * cuSOLVER has {@code Xgeev} (CUDA ≥ 12.6). When not, the caller solves the problem on the CPU and says so. Fixed
     * for the backend's lifetime.
     */
    boolean solvesGeneralEigenproblems();

    /**
     * The moduli |λ| of the eigenvalues of the binary k-NN adjacency of the points ({@link KnnAdjacency}; not
     * symmetric: a general eigenproblem). Only for a backend that {@link #solvesGeneralEigenproblems()}.
     *
     * @throws UnsupportedOperationException when this backend does not solve general eigenproblems
     */
    double[] knnAdjacencyEigenvalueModuli(Points points, int k);

    /**
     * The reference's matrix-entry entropy (bits) of the points: the entropy of the entries of P = D⁻¹K taken as one
     * distribution, pᵢⱼ = |Pᵢⱼ| / Σ|P| + ε over all N² entries. No eigenvalues.
     */
    double matrixEntryEntropy(Points points, double sigma, Precision precision);

    /**
     * The eigenvalues of the kernels of several row subsets of one point set — the batch of a DSMI (every class and
     * every random subset). This default solves them one after another; backends override it to keep the points in
     * place (the GPU uploads them once) or to run the problems side by side.
     *
     * @param rowSets each set's rows of {@code points}, every set with at least one row
     */
    default java.util.List<KernelSpectrum> kernelSpectra(Points points, java.util.List<int[]> rowSets, KernelKind kind,
                                                         double sigma, Precision precision) {
        java.util.List<KernelSpectrum> out = new java.util.ArrayList<>();
        for (int[] rows : rowSets) {
            out.add(kernelSpectrum(points.subset(rows), kind, sigma, precision, false));
        }
        return out;
    }

    @Override
    void close();
}
