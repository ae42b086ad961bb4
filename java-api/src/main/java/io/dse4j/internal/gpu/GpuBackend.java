package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.spi.Cancellation;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.KnnAdjacency;
import io.dse4j.spi.Points;
import io.dse4j.spi.ProgressSink;
import io.dse4j.spi.StageClock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The GPU backend: X is uploaded once; cuBLAS syrk forms the Gram matrix X·Xᵀ (lower triangle) in device memory;
 * dse4j's kernels turn it into K = D^-½·G·D^-½ in place; cuSOLVER's 64-bit {@code cusolverDnXsyevd} computes the
 * eigenvalues (and, on request, eigenvectors); only N eigenvalues come back. The N×N matrix never crosses the bus.
 *
 * <p>Composed of parts with one job each: the {@link DeviceContext} (device, stream, cuBLAS and cuSOLVER handles,
 * kernels; released by {@link #close()}), the {@link DeviceMemoryPlan} (what each computation needs against what is
 * free), the {@link KernelAssembly} (Gram and kernel on the device), the {@link DeviceEigensolvers} (cuSOLVER's
 * calls) and {@link SubsetSpectra} (a DSMI's batch); the working precision is a {@link DeviceElement}. This class
 * holds the entry points: their checks, buffers and stages. Every device buffer is released on every path.
 *
 * <p>Calls are serialised, so an instance is safe for concurrent callers. Device: an instance works on one CUDA
 * device, chosen when it is opened (0 unless asked). The runtime's current device belongs to the calling thread, and
 * callers come on threads of their own (a Spark executor's task threads), so every entry makes the instance's device
 * current on the calling thread ({@code cudaSetDevice} and its primary context) before any call that allocates,
 * copies or computes; instances on different devices run side by side.
 *
 * <p>Lifetime: {@code close()} is serialised with the calls too, so a computation running when it is called
 * finishes first (close waits for it); afterwards every method that computes throws {@link IllegalStateException}.
 * Interruption: the calling thread's interrupt status is checked ({@link Cancellation#checkInterrupted()}) on entry
 * and between stages — after the upload, the Gram matrix, the kernel, each eigensolver call — never inside a CUDA
 * call; the device buffers are released on the way out, as on any failure. A thread waiting for another caller's
 * computation to finish cannot be interrupted out of that wait; it stops at its own first check.
 */
final class GpuBackend implements EigenBackend {

    /** Partial sums of the entry-entropy reduction: one per kernel block, added on the host. */
    private static final int ENTRY_BLOCKS = 1024;

    private final boolean standIn;
    private final String description;
    private final DeviceMemoryPlan memory;
    private final DeviceContext context;
    private final KernelAssembly assembly;
    private final DeviceEigensolvers solvers;
    private final SubsetSpectra subsets;

    GpuBackend(CudaLibraries.Availability availability) {
        this(availability, 0);
    }

    GpuBackend(CudaLibraries.Availability availability, int device) {
        this(availability, device, DeviceHeadroom.DEFAULT, CusolverBatched.MAX_ELEMENTS);
    }

    GpuBackend(CudaLibraries.Availability availability, DeviceHeadroom headroom, long batchedElements) {
        this(availability, 0, headroom, batchedElements);
    }

    /**
     * @param device          the CUDA device ordinal (as {@code cudaSetDevice} takes it; with CUDA_VISIBLE_DEVICES,
     *                        among the visible devices)
     * @param headroom        device memory left free beyond the computation's own buffers
     * @param batchedElements the most matrix elements (n · lda · batch) one {@code cusolverDnXsyevBatched} call
     *                        may take; {@link CusolverBatched#MAX_ELEMENTS} but in tests of the splitting
     */
    GpuBackend(CudaLibraries.Availability availability, int device, DeviceHeadroom headroom, long batchedElements) {
        this.standIn = availability.standIn();
        this.description = "GPU backend (cuBLAS syrk, dse4j kernels, cuSOLVER Xsyevd) on CUDA device " + device + ", "
                + availability.description();
        this.memory = new DeviceMemoryPlan(headroom);
        this.context = new DeviceContext(availability.images(), device);
        this.assembly = new KernelAssembly(context);
        this.solvers = new DeviceEigensolvers(context);
        this.subsets = new SubsetSpectra(context, memory, assembly, solvers, batchedElements);
    }

    /** The handles and the device, for the tests and the stage benchmark, which drive one stage at a time. */
    DeviceContext context() {
        return context;
    }

    /** The Gram and kernel stages, for the tests and the stage benchmark. */
    KernelAssembly assembly() {
        return assembly;
    }

    /** The eigensolver stage, for the tests and the stage benchmark. */
    DeviceEigensolvers solvers() {
        return solvers;
    }

    @Override
    public String name() {
        return standIn ? "gpu (stand-in)" : "gpu";
    }

    @Override
    public int device() {
        return context.device();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public synchronized KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma,
                                                      Precision precision, boolean eigenvectors) {
        return kernelSpectrum(points, kind, sigma, KernelShape.STANDARD, precision, eigenvectors);
    }

    /**
     * Every shape: the per-point bandwidths go to the device as a vector of 1/σᵢ for the shaped kernel
     * (dse4j_k_shaped), and the α-normalisation scales the lower triangle by d^−α (dse4j_k_scale) between two
     * degree passes.
     */
    @Override
    public boolean supports(KernelShape shape) {
        return true;
    }

    /**
     * Every shape, except an α-normalisation whose d^−α could underflow: the device forms D^−α·G·D^−α directly,
     * and a degree is at most n, so (max d)^−2α ≥ n^−2α stays in range while 2α·log₂ n is within the limit of
     * the storage precision ({@code AlphaNormalisation.direct}'s: 900 in double, 100 in float). Beyond it the CPU,
     * which forms the kernel in logarithms, computes it.
     */
    @Override
    public boolean supports(KernelShape shape, int n, Precision precision) {
        return shape.alpha() == 0 || 2.0 * shape.alpha() * (Math.log(Math.max(n, 1)) / Math.log(
                2.0)) <= (precision == Precision.F32 ? 100 : 900);
    }

    @Override
    public String unsupportedReason(KernelShape shape, int n, Precision precision) {
        return "the α-normalisation with α = " + shape.alpha() + " at N = " + n + " in " + precision.label()
                + " could underflow on the GPU (d^−α formed directly); the CPU forms it without underflow (in "
                + "logarithms, or rescaled)";
    }

    @Override
    public synchronized KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma, KernelShape shape,
                                                      Precision precision, boolean eigenvectors) {
        context.enter();
        Cancellation.checkInterrupted();
        long n = points.n();
        long dims = points.dims();
        DeviceElement element = DeviceElement.of(precision);
        long bytes = element.bytes();
        if (n > Integer.MAX_VALUE || dims > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cuBLAS syrk takes 32-bit sizes; got " + n + "×" + dims);
        }
        if (eigenvectors && n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("eigenvectors of N = " + n + " do not fit one Java array (N² > 2³¹)");
        }
        ProgressSink.current().plan(progressPlan(n, dims));
        StageClock clock = new StageClock();
        try (Arena arena = Arena.ofConfined()) {
            long needed = DeviceMemoryPlan.spectrum(element, n, dims, !shape.standard());
            memory.require(arena, needed, 0, n, precision);
            try (DeviceBuffer x = DeviceBuffer.allocate(bytes * n * dims);
                 DeviceBuffer original = DeviceBuffer.allocate(Double.BYTES * n * dims);
                 DeviceBuffer a = DeviceBuffer.allocate(bytes * n * n);
                 DeviceBuffer norms = DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer degrees = DeviceBuffer.allocate(Double.BYTES * n);
                 // Only a shaped kernel needs it: the 1/σᵢ, then the α-normalisation's factors (null: not allocated).
                 DeviceBuffer scratch = shape.standard() ? null : DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer w = DeviceBuffer.allocate(bytes * n);
                 DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
                // cuSOLVER's workspace is known once the matrices exist; it is checked against what is still free.
                long[] workspace = solvers.syevdWorkspace(element, n, eigenvectors, a, w, arena);
                memory.require(arena, workspace[0], needed, n, precision);
                try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]));
                     DeviceContext.Fence _ = context.fence()) {
                    new DevicePoints(x, original, n, dims).upload(points, element, arena);
                    context.synchronize();
                    clock.lap("upload");
                    Cancellation.checkInterrupted();
                    assembly.gram(element, x.address(), n, dims, a.address(), arena);
                    context.synchronize();
                    clock.lap("distances");
                    Cancellation.checkInterrupted();
                    assembly.kernel(element, a.address(), n, norms.address(), original.address(), n, dims, degrees,
                            sigma, kind == KernelKind.DIFFUSION, shape, scratch, arena);
                    context.synchronize();
                    clock.lap("kernel");
                    Cancellation.checkInterrupted();
                    solvers.syevd(element, n, eigenvectors, a, w, work, workspace,
                            DeviceEigensolvers.hostWork(arena, workspace[1]), info, arena);
                    clock.lap("eigenvalues");
                    Cancellation.checkInterrupted();
                    double[] values = element.download(arena, w, n);
                    double[] vectors = eigenvectors ? element.download(arena, a, n * n) : null;
                    clock.lap("download");
                    return new KernelSpectrum(values, vectors, clock.timings());
                }
            }
        }
    }

    /** The batch with the points uploaded once ({@link SubsetSpectra}). */
    @Override
    public synchronized java.util.List<KernelSpectrum> kernelSpectra(Points points, java.util.List<int[]> rowSets,
                                                                     KernelKind kind, double sigma,
                                                                     Precision precision) {
        context.enter();
        Cancellation.checkInterrupted();
        return subsets.compute(points, rowSets, kind, sigma, precision);
    }

    /** When this cuSOLVER has {@code cusolverDnXgeev} (CUDA ≥ 12.6; {@link CusolverGeev}). */
    @Override
    public boolean solvesGeneralEigenproblems() {
        return CusolverGeev.available();
    }

    /**
     * The k-NN adjacency is built on the host ({@link KnnAdjacency}) and its general eigenproblem solved by
     * {@code cusolverDnXgeev}, eigenvalues only, in double.
     *
     * @throws UnsupportedOperationException when this cuSOLVER lacks Xgeev ({@link #solvesGeneralEigenproblems()})
     */
    @Override
    public synchronized double[] knnAdjacencyEigenvalueModuli(Points points, int k) {
        context.enter();
        Cancellation.checkInterrupted();
        if (!solvesGeneralEigenproblems()) {
            throw new UnsupportedOperationException("this cuSOLVER has no cusolverDnXgeev (CUDA ≥ 12.6): the k-NN "
                    + "adjacency's general eigenproblem is not solved here (see solvesGeneralEigenproblems())");
        }
        long n = points.n();
        double[][] adjacency = KnnAdjacency.of(points, k);
        Cancellation.checkInterrupted();
        try (Arena arena = Arena.ofConfined()) {
            long needed = DeviceMemoryPlan.adjacency(n);
            memory.require(arena, needed, 0, n, Precision.F64);
            try (DeviceBuffer a = DeviceBuffer.allocate(Double.BYTES * n * n);
                 DeviceBuffer w = DeviceBuffer.allocate(Double.BYTES * 2 * n);
                 DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
                MemorySegment host = arena.allocate(ValueLayout.JAVA_DOUBLE, n * n);
                for (int j = 0; j < n; j++) {
                    for (int i = 0; i < n; i++) {
                        host.setAtIndex(ValueLayout.JAVA_DOUBLE, i + j * n, adjacency[i][j]);
                    }
                }
                a.upload(host);
                Cancellation.checkInterrupted();
                long[] workspace = solvers.geevWorkspace(n, a, w, arena);
                memory.require(arena, workspace[0], needed, n, Precision.F64);
                try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]));
                     DeviceContext.Fence _ = context.fence()) {
                    return solvers.geevModuli(n, a, w, work, workspace, info, arena);
                }
            }
        }
    }

    /**
     * The matrix-entry entropy on the device: K as for DSE, its row sums (the degrees kernel applied to K), then two
     * reductions over the N² entries of P = D⁻¹K — Σ|P|, then Σ (p + ε)·ln(p + ε) — each as {@value #ENTRY_BLOCKS}
     * partial sums brought back and added in double.
     */
    @Override
    public synchronized double matrixEntryEntropy(Points points, double sigma, Precision precision) {
        context.enter();
        Cancellation.checkInterrupted();
        long n = points.n();
        long dims = points.dims();
        DeviceElement element = DeviceElement.of(precision);
        long bytes = element.bytes();
        try (Arena arena = Arena.ofConfined()) {
            memory.require(arena, DeviceMemoryPlan.entryEntropy(element, n, dims, ENTRY_BLOCKS), 0, n, precision);
            try (DeviceBuffer x = DeviceBuffer.allocate(bytes * n * dims);
                 DeviceBuffer original = DeviceBuffer.allocate(Double.BYTES * n * dims);
                 DeviceBuffer a = DeviceBuffer.allocate(bytes * n * n);
                 DeviceBuffer norms = DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer degrees = DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer partial = DeviceBuffer.allocate(Double.BYTES * ENTRY_BLOCKS);
                 DeviceContext.Fence _ = context.fence()) {
                new DevicePoints(x, original, n, dims).upload(points, element, arena);
                Cancellation.checkInterrupted();
                assembly.gram(element, x.address(), n, dims, a.address(), arena);
                assembly.kernel(element, a.address(), n, norms.address(), original.address(), n, dims,
                        degrees.address(), sigma, true);
                // The degrees kernel again, now on K: its row sums.
                context.kernels().degrees(element, a.address(), n, n, degrees.address(), context.stream());
                double total = entrySums(element, a, n, degrees, 0, partial, arena);
                Cancellation.checkInterrupted();
                double sum = entrySums(element, a, n, degrees, total, partial, arena);
                return -sum / Math.log(2);
            }
        }
    }

    /** One reduction of the entry entropy ({@link DeviceKernels#entrySums}), its partial sums added on the host. */
    private double entrySums(DeviceElement element, DeviceBuffer a, long n, DeviceBuffer rowSums, double total,
                             DeviceBuffer partial, Arena arena) {
        double eps = io.dse4j.Spectrum.PROBABILITY_EPSILON;
        DeviceKernels kernels = context.kernels();
        int blocks = kernels.entrySumBlocks(n, ENTRY_BLOCKS);
        kernels.entrySums(element, a.address(), n, n, rowSums.address(), total, eps, partial.address(), blocks,
                context.stream());
        context.synchronize();
        MemorySegment host = arena.allocate(ValueLayout.JAVA_DOUBLE, ENTRY_BLOCKS);
        partial.download(host);
        double sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += host.getAtIndex(ValueLayout.JAVA_DOUBLE, b);
        }
        return sum;
    }

    /**
     * Releases the context — params, handles, stream, kernels; idempotent. Waits for a running computation (the
     * methods are serialised), so it never pulls a handle from under one.
     */
    @Override
    public synchronized void close() {
        context.close();
    }

    /**
     * The single problem's stages with their estimated relative time, for progress reports only: the eigensolver's
     * 4N³/3 at a small share of the GEMM rate dominates; the transfers are ∝ N·D and the kernel ∝ N².
     */
    private static java.util.Map<String, Double> progressPlan(long n, long dims) {
        java.util.Map<String, Double> plan = new java.util.LinkedHashMap<>();
        double nn = (double) n * n;
        plan.put("upload", 50.0 * n * dims);
        plan.put("distances", nn * dims / 20);
        plan.put("kernel", 10 * nn);
        plan.put("eigenvalues", 4.0 / 3 * nn * n);
        plan.put("download", 50.0 * n);
        return plan;
    }
}
