package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.bindings.cublas.cublas_v2_h;
import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import io.dse4j.bindings.cusolver.cusolverDn_h;
import io.dse4j.spi.Cancellation;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.InsufficientDeviceMemoryException;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
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
 * <p>One stream, one cuBLAS and one cuSOLVER handle per instance, created by the constructor and released by
 * {@link #close()}; calls are serialised, so an instance is safe for concurrent callers. Every device buffer is
 * released on every path.
 *
 * <p>Device: an instance works on one CUDA device, chosen when it is opened (0 unless asked). The runtime's current
 * device belongs to the calling thread, and callers come on threads of their own (a Spark executor's task threads),
 * so every entry makes the instance's device current on the calling thread ({@code cudaSetDevice} and its primary
 * context) before any call that allocates, copies or computes; instances on different devices run side by side.
 *
 * <p>Lifetime: {@code close()} is serialised with the calls too, so a computation running when it is called
 * finishes first (close waits for it); afterwards every method that computes throws {@link IllegalStateException}.
 * Interruption: the calling thread's interrupt status is checked ({@link Cancellation#checkInterrupted()}) on entry
 * and between stages — after the upload, the Gram matrix, the kernel, each eigensolver call — never inside a CUDA
 * call; the device buffers are released on the way out, as on any failure. A thread waiting for another caller's
 * computation to finish cannot be interrupted out of that wait; it stops at its own first check.
 */
final class GpuBackend implements EigenBackend {

    private final boolean standIn;
    private final int device;
    private final String description;
    private final DeviceHeadroom headroom;
    private final long batchedElements;
    private MemorySegment stream;
    private MemorySegment cublas;
    private MemorySegment cusolver;
    private MemorySegment params;
    private DeviceKernels kernels;
    private volatile boolean closed;

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
        this.device = device;
        this.headroom = headroom;
        this.batchedElements = batchedElements;
        this.standIn = availability.standIn();
        this.description = "GPU backend (cuBLAS syrk, dse4j kernels, cuSOLVER Xsyevd) on CUDA device " + device + ", "
                + availability.description();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDevice(arena, device);
            CudaStatus.runtime("cudaSetDevice(" + device + ")", cuda_runtime_api_h.cudaSetDevice(device));
            CudaStatus.runtime("cudaStreamCreate", cuda_runtime_api_h.cudaStreamCreate(out));
            stream = out.get(ValueLayout.ADDRESS, 0);
            CudaStatus.cublas("cublasCreate_v2", cublas_v2_h.cublasCreate_v2(out));
            cublas = out.get(ValueLayout.ADDRESS, 0);
            CudaStatus.cublas("cublasSetStream_v2", cublas_v2_h.cublasSetStream_v2(cublas, stream));
            CudaStatus.cusolver("cusolverDnCreate", cusolverDn_h.cusolverDnCreate(out));
            cusolver = out.get(ValueLayout.ADDRESS, 0);
            CudaStatus.cusolver("cusolverDnSetStream", cusolverDn_h.cusolverDnSetStream(cusolver, stream));
            CudaStatus.cusolver("cusolverDnCreateParams", cusolverDn_h.cusolverDnCreateParams(out));
            params = out.get(ValueLayout.ADDRESS, 0);
            kernels = DeviceKernels.load(device, availability.kernels());
        } catch (RuntimeException failure) {
            try {
                close();
            } catch (RuntimeException secondary) {
                failure.addSuppressed(secondary);
            }
            throw failure;
        }
    }

    /** Refuses an ordinal the runtime does not have, with the ordinals it has. */
    private static void checkDevice(Arena arena, int device) {
        MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
        CudaStatus.runtime("cudaGetDeviceCount", cuda_runtime_api_h.cudaGetDeviceCount(count));
        int devices = count.get(ValueLayout.JAVA_INT, 0);
        if (device < 0 || device >= devices) {
            throw new io.dse4j.InvalidInputException("device", "CUDA device " + device + " does not exist: the "
                    + "runtime sees " + devices + (devices == 1 ? " device (ordinal 0)" : " devices (ordinals 0 to "
                    + (devices - 1) + ")") + " — with CUDA_VISIBLE_DEVICES set, ordinals count the visible ones");
        }
    }

    @Override
    public String name() {
        return standIn ? "gpu (stand-in)" : "gpu";
    }

    @Override
    public int device() {
        return device;
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
        return shape.alpha() == 0 || 2.0 * shape.alpha() * (Math.log(Math.max(n, 1)) / Math.log(2.0))
                <= (precision == Precision.F32 ? 100 : 900);
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
        enter();
        Cancellation.checkInterrupted();
        long n = points.n();
        long dims = points.dims();
        boolean f32 = precision == Precision.F32;
        long element = f32 ? Float.BYTES : Double.BYTES;
        if (n > Integer.MAX_VALUE || dims > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cuBLAS syrk takes 32-bit sizes; got " + n + "×" + dims);
        }
        if (eigenvectors && n * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("eigenvectors of N = " + n + " do not fit one Java array (N² > 2³¹)");
        }
        ProgressSink.current().plan(progressPlan(n, dims));
        StageClock clock = new StageClock();
        try (Arena arena = Arena.ofConfined()) {
            long perPoint = shape.standard() ? 0 : Double.BYTES * n;
            long needed = plus(times(element, n * dims + n * n + n),
                    plus(times(Double.BYTES, n * dims), 2L * Double.BYTES * n + perPoint + Integer.BYTES));
            checkMemory(arena, needed, 0, n, precision);
            try (DeviceBuffer x = DeviceBuffer.allocate(element * n * dims);
                 DeviceBuffer original = DeviceBuffer.allocate(Double.BYTES * n * dims);
                 DeviceBuffer a = DeviceBuffer.allocate(element * n * n);
                 DeviceBuffer norms = DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer degrees = DeviceBuffer.allocate(Double.BYTES * n);
                 // Only a shaped kernel needs it: the 1/σᵢ, then the α-normalisation's factors (null: not allocated).
                 DeviceBuffer scratch = shape.standard() ? null : DeviceBuffer.allocate(perPoint);
                 DeviceBuffer w = DeviceBuffer.allocate(element * n);
                 DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
                // The workspace query gets the real device pointers (cuSOLVER documents them as inputs), so it comes
                // after the matrices; its bytes are checked against what is still free before they are allocated.
                long[] workspace = eigensolverWorkspace(f32, n, eigenvectors, a, w, arena);
                checkMemory(arena, workspace[0], needed, n, precision);
                try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]))) {
                    x.upload(hostPoints(arena, points, f32));
                    original.upload(hostOriginals(arena, points));
                    synchronize();
                    clock.lap("upload");
                    Cancellation.checkInterrupted();
                    gram(f32, x.address(), n, dims, a.address(), arena);
                    synchronize();
                    clock.lap("distances");
                    Cancellation.checkInterrupted();
                    buildKernel(f32, a.address(), n, norms.address(), original.address(), n, dims, degrees, sigma,
                            kind == KernelKind.DIFFUSION, shape, scratch, arena);
                    synchronize();
                    clock.lap("kernel");
                    Cancellation.checkInterrupted();
                    eigensolve(f32, n, eigenvectors, a, w, work, workspace, info, arena);
                    clock.lap("eigenvalues");
                    Cancellation.checkInterrupted();
                    double[] values = download(arena, w, n, f32);
                    double[] vectors = eigenvectors ? download(arena, a, n * n, f32) : null;
                    clock.lap("download");
                    return new KernelSpectrum(values, vectors, clock.timings());
                }
            }
        }
    }

    /**
     * The batch with the points uploaded once: every row index set goes up in one buffer, and each subset is
     * gathered on the device (dse4j_gather_rows) into a buffer sized for the largest, then Gram, kernel and
     * eigensolver run on it; the buffers and the eigensolver workspace serve every subset.
     */
    @Override
    public synchronized java.util.List<KernelSpectrum> kernelSpectra(Points points, java.util.List<int[]> rowSets,
                                                                    KernelKind kind, double sigma,
                                                                    Precision precision) {
        enter();
        Cancellation.checkInterrupted();
        long n = points.n();
        long dims = points.dims();
        boolean f32 = precision == Precision.F32;
        long element = f32 ? Float.BYTES : Double.BYTES;
        long largest = 0;
        long totalRows = 0;
        for (int[] rows : rowSets) {
            largest = Math.max(largest, rows.length);
            totalRows += rows.length;
        }
        if (rowSets.isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<KernelSpectrum> out = new java.util.ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            long needed = plus(times(element, n * dims + largest * dims + largest * largest + largest),
                    plus(times(Double.BYTES, (n + largest) * dims),
                            2L * Double.BYTES * largest + Long.BYTES * totalRows + Integer.BYTES));
            checkMemory(arena, needed, 0, largest, precision);
            try (DeviceBuffer x = DeviceBuffer.allocate(element * n * dims);
                 DeviceBuffer original = DeviceBuffer.allocate(Double.BYTES * n * dims);
                 DeviceBuffer subset = DeviceBuffer.allocate(element * largest * dims);
                 DeviceBuffer subsetOriginal = DeviceBuffer.allocate(Double.BYTES * largest * dims);
                 DeviceBuffer a = DeviceBuffer.allocate(element * largest * largest);
                 DeviceBuffer norms = DeviceBuffer.allocate(Double.BYTES * largest);
                 DeviceBuffer degrees = DeviceBuffer.allocate(Double.BYTES * largest);
                 DeviceBuffer w = DeviceBuffer.allocate(element * largest);
                 DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES);
                 DeviceBuffer indices = DeviceBuffer.allocate(Long.BYTES * totalRows)) {
                long[] workspace = eigensolverWorkspace(f32, largest, false, a, w, arena);
                checkMemory(arena, workspace[0], needed, largest, precision);
                try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workspace[0]))) {
                    StageClock clock = new StageClock();
                    x.upload(hostPoints(arena, points, f32));
                    original.upload(hostOriginals(arena, points));
                    DevicePoints all = new DevicePoints(x, original, n, dims);
                    DevicePoints gathered = new DevicePoints(subset, subsetOriginal, largest, dims);
                    MemorySegment allRows = arena.allocate(ValueLayout.JAVA_LONG, totalRows);
                    long at = 0;
                    for (int[] rows : rowSets) {
                        for (int row : rows) {
                            allRows.setAtIndex(ValueLayout.JAVA_LONG, at++, row);
                        }
                    }
                    indices.upload(allRows);
                    synchronize();
                    clock.lap("upload");
                    Cancellation.checkInterrupted();
                    long[] offsets = new long[rowSets.size()];
                    for (int i = 1; i < offsets.length; i++) {
                        offsets[i] = offsets[i - 1] + rowSets.get(i - 1).length;
                    }
                    KernelSpectrum[] results = new KernelSpectrum[rowSets.size()];
                    ProgressSink progress = ProgressSink.current();
                    int done = 0;
                    progress.items(done, results.length);
                    // Subsets of equal size (a class's R random subsets) go to cusolverDnXsyevBatched together when
                    // this cuSOLVER has it, in as few calls as its size limit and the free memory allow; the others,
                    // and a group no two of which fit one call, one at a time.
                    java.util.Map<Integer, java.util.List<Integer>> bySize = new java.util.TreeMap<>();
                    for (int i = 0; i < rowSets.size(); i++) {
                        bySize.computeIfAbsent(rowSets.get(i).length, k -> new java.util.ArrayList<>()).add(i);
                    }
                    for (java.util.List<Integer> group : bySize.values()) {
                        if (group.size() > 1 && CusolverBatched.available()
                                && solveBatch(f32, kind, sigma, all, indices, offsets, rowSets, group,
                                        gathered, norms, degrees, results, arena)) {
                            done += group.size();
                            progress.items(done, results.length);
                            continue;
                        }
                        for (int s : group) {
                            Cancellation.checkInterrupted();
                            long m = rowSets.get(s).length;
                            StageClock setClock = new StageClock();
                            gatherKernel(f32, kind, sigma, all, indices, offsets[s], m, gathered, a.address(),
                                    norms, degrees, arena);
                            synchronize();
                            setClock.lap("kernel");
                            eigensolve(f32, m, false, a, w, work, workspace, info, arena);
                            setClock.lap("eigenvalues");
                            Cancellation.checkInterrupted();
                            results[s] = new KernelSpectrum(download(arena, w, m, f32), setClock.timings());
                            progress.items(++done, results.length);
                        }
                    }
                    out.addAll(java.util.Arrays.asList(results));
                    out.set(0, new KernelSpectrum(out.get(0).ascending(), merged(clock, out.get(0))));
                }
            }
        }
        return out;
    }

    /**
     * The k-NN adjacency is built on the host (a sort per row) and its general eigenproblem solved by
     * {@code cusolverDnXgeev}, eigenvalues only, in double; null when this cuSOLVER lacks Xgeev.
     */
    @Override
    public synchronized double[] knnAdjacencyEigenvalueModuli(Points points, int k) {
        enter();
        Cancellation.checkInterrupted();
        if (!CusolverGeev.available()) {
            return null;
        }
        long n = points.n();
        double[][] adjacency = io.dse4j.internal.cpu.CpuBackends.knnAdjacency(points, k);
        Cancellation.checkInterrupted();
        int type = cusolverDn_h.CUDA_R_64F();
        int novector = cusolverDn_h.CUSOLVER_EIG_MODE_NOVECTOR();
        try (Arena arena = Arena.ofConfined()) {
            long needed = plus(times(Double.BYTES, n * n + 2 * n), Integer.BYTES);
            checkMemory(arena, needed, 0, n, Precision.F64);
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
                MemorySegment deviceBytes = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment hostBytes = arena.allocate(ValueLayout.JAVA_LONG);
                CudaStatus.cusolver("cusolverDnXgeev_bufferSize", CusolverGeev.bufferSize(cusolver, params, novector,
                        n, type, a.address(), w.address(), deviceBytes, hostBytes));
                long workBytes = deviceBytes.get(ValueLayout.JAVA_LONG, 0);
                long hostWorkBytes = hostBytes.get(ValueLayout.JAVA_LONG, 0);
                checkMemory(arena, workBytes, needed, n, Precision.F64);
                try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workBytes))) {
                    MemorySegment hostWork = hostWorkBytes > 0 ? arena.allocate(hostWorkBytes, 64)
                            : MemorySegment.NULL;
                    CudaStatus.cusolver("cusolverDnXgeev", CusolverGeev.solve(cusolver, params, novector, n, type,
                            a.address(), w.address(), work.address(), workBytes, hostWork, hostWorkBytes,
                            info.address()));
                    synchronize();
                    Cancellation.checkInterrupted();
                    MemorySegment infoHost = arena.allocate(ValueLayout.JAVA_INT);
                    info.download(infoHost);
                    int infoValue = infoHost.get(ValueLayout.JAVA_INT, 0);
                    if (infoValue != 0) {
                        throw new CudaException(CudaStatus.CUSOLVER, "cusolverDnXgeev", infoValue,
                                "info = " + infoValue + ": the eigensolver did not converge");
                    }
                    double[] parts = download(arena, w, 2 * n, false);
                    double[] moduli = new double[(int) n];
                    for (int i = 0; i < n; i++) {
                        moduli[i] = Math.hypot(parts[i], parts[(int) n + i]);
                    }
                    return moduli;
                }
            }
        }
    }

    /** The upload stage and a subset's own stages, in one record. */
    private static io.dse4j.StageTimings merged(StageClock upload, KernelSpectrum spectrum) {
        upload.addAll(spectrum.stages());
        return upload.timings();
    }

    /**
     * Points on the device: their values in the working precision (centred) and their original coordinates in
     * double (for the distances recomputed by differences), both column-major with leading dimension {@code ld}.
     */
    private record DevicePoints(DeviceBuffer values, DeviceBuffer original, long ld, long dims) {
    }

    /**
     * Gathers one subset of the points (values and original coordinates) on the device into {@code into} and builds
     * its kernel matrix into {@code a} (ld m).
     */
    private void gatherKernel(boolean f32, KernelKind kind, double sigma, DevicePoints points, DeviceBuffer indices,
                              long offset, long m, DevicePoints into, MemorySegment a, DeviceBuffer norms,
                              DeviceBuffer degrees, Arena arena) {
        MemorySegment setRows = MemorySegment.ofAddress(indices.address().address() + Long.BYTES * offset);
        long dims = points.dims();
        kernels.gatherRows(f32, points.values().address(), points.ld(), dims, setRows, m, into.values().address(),
                stream);
        kernels.gatherRows(false, points.original().address(), points.ld(), dims, setRows, m,
                into.original().address(), stream);
        gram(f32, into.values().address(), m, dims, a, arena);
        buildKernel(f32, a, m, norms.address(), into.original().address(), m, dims, degrees.address(), sigma,
                kind == KernelKind.DIFFUSION);
    }

    /**
     * Solves a group of equal-size subsets with {@code cusolverDnXsyevBatched}: their kernel matrices are built one
     * after another into one batch buffer (stride m²), as many per call as {@link CusolverBatched#matricesPerCall}
     * allows and the free memory holds, the group split evenly over the fewest such calls. Returns false, having
     * allocated nothing that remains and solved nothing, when not even two fit one call (the caller then solves them
     * one at a time, in the buffers it already has).
     */
    private boolean solveBatch(boolean f32, KernelKind kind, double sigma, DevicePoints points,
                               DeviceBuffer indices, long[] offsets, java.util.List<int[]> rowSets,
                               java.util.List<Integer> group, DevicePoints gathered, DeviceBuffer norms,
                               DeviceBuffer degrees, KernelSpectrum[] results, Arena arena) {
        long m = rowSets.get(group.get(0)).length;
        long perCall = Math.min(group.size(), CusolverBatched.matricesPerCall(m, m, batchedElements));
        // The fewest calls first; each step down is the next smaller even share (at most 2·√group sizes in all).
        for (long size = evenShare(group.size(), perCall); size >= 2; size = evenShare(group.size(), size - 1)) {
            if (solveBatchInCallsOf(size, f32, kind, sigma, points, indices, offsets, m, group, gathered, norms,
                    degrees, results, arena)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The size of the largest call when {@code count} matrices are split evenly over the fewest calls of at most
     * {@code most} each (the others take one fewer); 0 when {@code most} < 1.
     */
    static long evenShare(long count, long most) {
        if (most < 1) {
            return 0;
        }
        long calls = Math.ceilDiv(count, most);
        return Math.ceilDiv(count, calls);
    }

    /**
     * The group in calls of {@code size} or {@code size - 1} matrices, with buffers for {@code size}; false, having
     * solved nothing and freed what it allocated, when those buffers or the workspace do not fit.
     */
    private boolean solveBatchInCallsOf(long size, boolean f32, KernelKind kind, double sigma, DevicePoints points,
                                        DeviceBuffer indices, long[] offsets, long m,
                                        java.util.List<Integer> group, DevicePoints gathered, DeviceBuffer norms,
                                        DeviceBuffer degrees, KernelSpectrum[] results, Arena arena) {
        long element = f32 ? Float.BYTES : Double.BYTES;
        int dataType = f32 ? cusolverDn_h.CUDA_R_32F() : cusolverDn_h.CUDA_R_64F();
        int lower = cusolverDn_h.CUBLAS_FILL_MODE_LOWER();
        int jobz = jobz(false);
        long calls = Math.ceilDiv(group.size(), size);
        long smaller = group.size() / calls;      // every call takes this many matrices, or one more:
        long larger = group.size() % calls;       // the first `larger` calls take `size` = smaller + 1
        if (!fits(arena, plus(times(element, size * (m * m + m)), (long) Integer.BYTES * size))) {
            return false;
        }
        try (DeviceBuffer a = DeviceBuffer.allocate(element * size * m * m);
             DeviceBuffer w = DeviceBuffer.allocate(element * size * m);
             DeviceBuffer info = DeviceBuffer.allocate((long) Integer.BYTES * size)) {
            long workBytes = 0;
            long hostWorkBytes = 0;
            for (long batch : larger == 0 ? new long[] {size} : new long[] {size, smaller}) {
                MemorySegment deviceBytes = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment hostBytes = arena.allocate(ValueLayout.JAVA_LONG);
                CudaStatus.cusolver("cusolverDnXsyevBatched_bufferSize", CusolverBatched.bufferSize(cusolver,
                        params, jobz, lower, m, dataType, a.address(), m, dataType, w.address(), dataType,
                        deviceBytes, hostBytes, batch));
                workBytes = Math.max(workBytes, deviceBytes.get(ValueLayout.JAVA_LONG, 0));
                hostWorkBytes = Math.max(hostWorkBytes, hostBytes.get(ValueLayout.JAVA_LONG, 0));
            }
            if (!fits(arena, workBytes)) {
                return false;
            }
            try (DeviceBuffer work = DeviceBuffer.allocate(Math.max(1, workBytes))) {
                MemorySegment host = hostWorkBytes > 0 ? arena.allocate(hostWorkBytes, 64) : MemorySegment.NULL;
                int first = 0;
                for (long call = 0; call < calls; call++) {
                    int batch = Math.toIntExact(call < larger || larger == 0 ? size : smaller);
                    Cancellation.checkInterrupted();
                    StageClock clock = new StageClock();
                    for (int b = 0; b < batch; b++) {
                        int s = group.get(first + b);
                        MemorySegment slice = MemorySegment.ofAddress(a.address().address() + element * b * m * m);
                        gatherKernel(f32, kind, sigma, points, indices, offsets[s], m, gathered, slice, norms,
                                degrees, arena);
                    }
                    synchronize();
                    clock.lap("kernel");
                    Cancellation.checkInterrupted();
                    CudaStatus.cusolver("cusolverDnXsyevBatched", CusolverBatched.solve(cusolver, params, jobz,
                            lower, m, dataType, a.address(), m, dataType, w.address(), dataType, work.address(),
                            workBytes, host, hostWorkBytes, info.address(), batch));
                    synchronize();
                    Cancellation.checkInterrupted();
                    MemorySegment infoHost = arena.allocate(ValueLayout.JAVA_INT, batch);
                    info.download(infoHost);
                    for (int b = 0; b < batch; b++) {
                        int value = infoHost.getAtIndex(ValueLayout.JAVA_INT, b);
                        if (value != 0) {
                            throw new CudaException(CudaStatus.CUSOLVER, "cusolverDnXsyevBatched", value, "info = "
                                    + value + " for matrix " + b + " of the batch");
                        }
                    }
                    clock.lap("eigenvalues");
                    double[] values = download(arena, w, batch * m, f32);
                    for (int b = 0; b < batch; b++) {
                        results[group.get(first + b)] = new KernelSpectrum(java.util.Arrays.copyOfRange(values,
                                (int) (b * m), (int) ((b + 1) * m)), clock.timings());
                    }
                    first += batch;
                }
            }
        }
        return true;
    }

    /** Partial sums of the entry-entropy reduction: one per kernel block, added on the host. */
    private static final int ENTRY_BLOCKS = 1024;

    /**
     * The matrix-entry entropy on the device: K as for DSE, its row sums (the degrees kernel applied to K), then two
     * reductions over the N² entries of P = D⁻¹K — Σ|P|, then Σ (p + ε)·ln(p + ε) — each as {@value #ENTRY_BLOCKS}
     * partial sums brought back and added in double.
     */
    @Override
    public synchronized double matrixEntryEntropy(Points points, double sigma, Precision precision) {
        enter();
        Cancellation.checkInterrupted();
        long n = points.n();
        long dims = points.dims();
        boolean f32 = precision == Precision.F32;
        long element = f32 ? Float.BYTES : Double.BYTES;
        try (Arena arena = Arena.ofConfined()) {
            long needed = plus(times(element, n * dims + n * n),
                    plus(times(Double.BYTES, n * dims), 2L * Double.BYTES * n + Double.BYTES * ENTRY_BLOCKS));
            checkMemory(arena, needed, 0, n, precision);
            try (DeviceBuffer x = DeviceBuffer.allocate(element * n * dims);
                 DeviceBuffer original = DeviceBuffer.allocate(Double.BYTES * n * dims);
                 DeviceBuffer a = DeviceBuffer.allocate(element * n * n);
                 DeviceBuffer norms = DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer degrees = DeviceBuffer.allocate(Double.BYTES * n);
                 DeviceBuffer partial = DeviceBuffer.allocate(Double.BYTES * ENTRY_BLOCKS)) {
                x.upload(hostPoints(arena, points, f32));
                original.upload(hostOriginals(arena, points));
                Cancellation.checkInterrupted();
                gram(f32, x.address(), n, dims, a.address(), arena);
                buildKernel(f32, a.address(), n, norms.address(), original.address(), n, dims, degrees.address(),
                        sigma, true);
                // The degrees kernel again, now on K: its row sums.
                kernels.degrees(f32, a.address(), n, n, degrees.address(), stream);
                double total = entrySums(f32, a, n, degrees, 0, partial, arena);
                Cancellation.checkInterrupted();
                double sum = entrySums(f32, a, n, degrees, total, partial, arena);
                return -sum / Math.log(2);
            }
        }
    }

    private double entrySums(boolean f32, DeviceBuffer a, long n, DeviceBuffer rowSums, double total,
                             DeviceBuffer partial, Arena arena) {
        double eps = io.dse4j.Spectrum.PROBABILITY_EPSILON;
        int blocks = kernels.entrySumBlocks(n, ENTRY_BLOCKS);
        kernels.entrySums(f32, a.address(), n, n, rowSums.address(), total, eps, partial.address(), blocks, stream);
        synchronize();
        MemorySegment host = arena.allocate(ValueLayout.JAVA_DOUBLE, ENTRY_BLOCKS);
        partial.download(host);
        double sum = 0;
        for (int b = 0; b < blocks; b++) {
            sum += host.getAtIndex(ValueLayout.JAVA_DOUBLE, b);
        }
        return sum;
    }

    /** The lower triangle of the Gram matrix X·Xᵀ into {@code a} (n×n, leading dimension n), by cuBLAS syrk. */
    void gram(boolean f32, MemorySegment x, long n, long dims, MemorySegment a, Arena arena) {
        checkOpen();
        int lower = cublas_v2_h.CUBLAS_FILL_MODE_LOWER();
        MemorySegment one = f32 ? arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f)
                : arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0);
        MemorySegment zero = f32 ? arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f)
                : arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 0.0);
        int status = f32
                ? cublas_v2_h.cublasSsyrk_v2(cublas, lower, cublas_v2_h.CUBLAS_OP_N(), (int) n, (int) dims, one, x,
                        (int) n, zero, a, (int) n)
                : cublas_v2_h.cublasDsyrk_v2(cublas, lower, cublas_v2_h.CUBLAS_OP_N(), (int) n, (int) dims, one, x,
                        (int) n, zero, a, (int) n);
        CudaStatus.cublas(f32 ? "cublasSsyrk_v2" : "cublasDsyrk_v2", status);
    }

    /** {device, host} workspace bytes of {@code cusolverDnXsyevd} for the n×n matrix {@code a}. */
    long[] eigensolverWorkspace(boolean f32, long n, boolean eigenvectors, DeviceBuffer a, DeviceBuffer w,
                                Arena arena) {
        checkOpen();
        int dataType = f32 ? cusolverDn_h.CUDA_R_32F() : cusolverDn_h.CUDA_R_64F();
        MemorySegment deviceWork = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment hostWork = arena.allocate(ValueLayout.JAVA_LONG);
        CudaStatus.cusolver("cusolverDnXsyevd_bufferSize", cusolverDn_h.cusolverDnXsyevd_bufferSize(cusolver,
                params, jobz(eigenvectors), cusolverDn_h.CUBLAS_FILL_MODE_LOWER(), n, dataType, a.address(), n,
                dataType, w.address(), dataType, deviceWork, hostWork));
        return new long[] {deviceWork.get(ValueLayout.JAVA_LONG, 0), hostWork.get(ValueLayout.JAVA_LONG, 0)};
    }

    /**
     * Eigenvalues (ascending, into {@code w}) and, on request, eigenvectors (over {@code a}) of the symmetric
     * matrix in the lower triangle of {@code a}, by {@code cusolverDnXsyevd}; waits for it and checks {@code info}.
     */
    void eigensolve(boolean f32, long n, boolean eigenvectors, DeviceBuffer a, DeviceBuffer w, DeviceBuffer work,
                    long[] workspace, DeviceBuffer info, Arena arena) {
        checkOpen();
        int dataType = f32 ? cusolverDn_h.CUDA_R_32F() : cusolverDn_h.CUDA_R_64F();
        MemorySegment host = workspace[1] > 0 ? arena.allocate(workspace[1], 64) : MemorySegment.NULL;
        CudaStatus.cusolver("cusolverDnXsyevd", cusolverDn_h.cusolverDnXsyevd(cusolver, params, jobz(eigenvectors),
                cusolverDn_h.CUBLAS_FILL_MODE_LOWER(), n, dataType, a.address(), n, dataType, w.address(), dataType,
                work.address(), workspace[0], host, workspace[1], info.address()));
        synchronize();
        MemorySegment infoHost = arena.allocate(ValueLayout.JAVA_INT);
        info.download(infoHost);
        int infoValue = infoHost.get(ValueLayout.JAVA_INT, 0);
        if (infoValue != 0) {
            throw new CudaException(CudaStatus.CUSOLVER, "cusolverDnXsyevd", infoValue,
                    infoValue > 0 ? "info = " + infoValue + ": the eigensolver did not converge"
                            : "info = " + infoValue + ": argument " + (-infoValue) + " was invalid");
        }
    }

    private static int jobz(boolean eigenvectors) {
        return eigenvectors ? cusolverDn_h.CUSOLVER_EIG_MODE_VECTOR() : cusolverDn_h.CUSOLVER_EIG_MODE_NOVECTOR();
    }

    void buildKernel(boolean f32, MemorySegment a, long n, MemorySegment norms, MemorySegment original, long ldo,
                     long dims, MemorySegment degrees, double sigma, boolean symmetricNormalisation) {
        checkOpen();
        kernels.diagonal(f32, a, n, n, norms, stream);
        kernels.gaussian(f32, a, n, n, norms, original, ldo, dims, sigma, stream);
        if (symmetricNormalisation) {
            kernels.degrees(f32, a, n, n, degrees, stream);
            kernels.normalise(f32, a, n, n, degrees, stream);
        }
    }

    /**
     * The kernel of the given shape from the Gram matrix in {@code a}, as the CPU path builds it: the Gaussian, or
     * with per-point bandwidths the shaped kernel (1/σᵢ uploaded into {@code scratch}); with α ≠ 0 the degrees d,
     * downloaded, f = d^−α uploaded into {@code scratch} and G ← F·G·F; then the degrees again and K = D^−½·G·D^−½.
     */
    private void buildKernel(boolean f32, MemorySegment a, long n, MemorySegment norms, MemorySegment original,
                             long ldo, long dims, DeviceBuffer degrees, double sigma, boolean symmetricNormalisation,
                             KernelShape shape, DeviceBuffer scratch, Arena arena) {
        if (shape.standard()) {
            buildKernel(f32, a, n, norms, original, ldo, dims, degrees.address(), sigma, symmetricNormalisation);
            return;
        }
        checkOpen();
        kernels.diagonal(f32, a, n, n, norms, stream);
        if (shape.bandwidths() != null) {
            MemorySegment inverse = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
            for (int i = 0; i < n; i++) {
                inverse.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 1.0 / shape.bandwidths()[i]);
            }
            scratch.upload(inverse);
            kernels.shaped(f32, a, n, n, norms, original, ldo, dims, scratch.address(), shape.decay(), stream);
        } else {
            kernels.gaussian(f32, a, n, n, norms, original, ldo, dims, sigma, stream);
        }
        if (shape.alpha() != 0) {
            kernels.degrees(f32, a, n, n, degrees.address(), stream);
            synchronize();
            MemorySegment factors = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
            degrees.download(factors);
            for (int i = 0; i < n; i++) {
                factors.setAtIndex(ValueLayout.JAVA_DOUBLE, i,
                        Math.pow(factors.getAtIndex(ValueLayout.JAVA_DOUBLE, i), -shape.alpha()));
            }
            scratch.upload(factors);
            kernels.scale(f32, a, n, n, scratch.address(), stream);
        }
        if (symmetricNormalisation) {
            kernels.degrees(f32, a, n, n, degrees.address(), stream);
            kernels.normalise(f32, a, n, n, degrees.address(), stream);
        }
    }

    /**
     * Throws {@link InsufficientDeviceMemoryException} unless {@code needed} more bytes are free on the device with
     * the {@link DeviceHeadroom} left over; {@code alreadyAllocated} bytes of this computation are added to the needed
     * and free figures in the message, so that it speaks of the whole computation.
     */
    private void checkMemory(Arena arena, long needed, long alreadyAllocated, long n, Precision precision) {
        long[] memory = memoryInfo(arena);
        long margin = headroom.bytes(memory[1]);
        if (needed > memory[0] - margin) {
            throw new InsufficientDeviceMemoryException("N = " + n + " in " + precision.label(),
                    plus(needed, alreadyAllocated), plus(memory[0], alreadyAllocated), margin);
        }
    }

    /** Whether {@code bytes} more can be allocated now and leave the {@link DeviceHeadroom} free. */
    private boolean fits(Arena arena, long bytes) {
        long[] memory = memoryInfo(arena);
        return bytes <= memory[0] - headroom.bytes(memory[1]);
    }

    /** {free, total} bytes of the device, from {@code cudaMemGetInfo}. */
    private static long[] memoryInfo(Arena arena) {
        MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
        CudaStatus.runtime("cudaMemGetInfo", cuda_runtime_api_h.cudaMemGetInfo(free, total));
        return new long[] {free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)};
    }

    /** a·b for byte counts (a, b ≥ 0), or {@code Long.MAX_VALUE} — more than any device has — when it overflows. */
    private static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    /** a + b for byte counts (a, b ≥ 0), saturating as {@link #times}. */
    private static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    void synchronize() {
        checkOpen();
        CudaStatus.runtime("cudaStreamSynchronize", cuda_runtime_api_h.cudaStreamSynchronize(stream));
    }

    /** The points as a native segment of the working precision, ready to upload. */
    private static MemorySegment hostPoints(Arena arena, Points points, boolean f32) {
        return f32 ? floats(arena, points.values()) : arena.allocateFrom(ValueLayout.JAVA_DOUBLE, points.values());
    }

    /** The points' original coordinates ({@link Points#originalAt}), column-major, in double, ready to upload. */
    private static MemorySegment hostOriginals(Arena arena, Points points) {
        int n = points.n();
        int dims = points.dims();
        if (points.original() == null) {
            return arena.allocateFrom(ValueLayout.JAVA_DOUBLE, points.values());
        }
        // Column-major on the device (the warp's rows of one column read consecutive addresses).
        double[] original = points.original();
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_DOUBLE, (long) n * dims);
        for (int k = 0; k < dims; k++) {
            for (int i = 0; i < n; i++) {
                segment.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) k * n + i, original[i * dims + k]);
            }
        }
        return segment;
    }

    private static MemorySegment floats(Arena arena, double[] values) {
        MemorySegment segment = arena.allocate(ValueLayout.JAVA_FLOAT, values.length);
        for (int i = 0; i < values.length; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) values[i]);
        }
        return segment;
    }

    private static double[] download(Arena arena, DeviceBuffer buffer, long count, boolean f32) {
        MemorySegment host = arena.allocate(f32 ? ValueLayout.JAVA_FLOAT : ValueLayout.JAVA_DOUBLE, count);
        buffer.download(host);
        double[] out = new double[Math.toIntExact(count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = f32 ? host.getAtIndex(ValueLayout.JAVA_FLOAT, i) : host.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
        }
        return out;
    }

    /**
     * Throws {@link IllegalStateException} once {@link #close()} has run: the handles and the stream are gone. Every
     * method that computes, and every helper that uses a handle, starts with it.
     */
    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this GPU backend is closed");
        }
    }

    /**
     * {@link #checkOpen()}, then the device's primary context current on the calling thread: the runtime calls of
     * the computation (allocations, copies, cuBLAS, cuSOLVER) work in the context current on their thread, and a
     * thread of the caller's may have none, or another library's, current.
     */
    private void enter() {
        checkOpen();
        makeCurrent();
    }

    /** This instance's device current on the calling thread: for the runtime, and its primary context for the driver. */
    private void makeCurrent() {
        CudaStatus.runtime("cudaSetDevice(" + device + ")", cuda_runtime_api_h.cudaSetDevice(device));
        kernels.makeCurrent();
    }

    /**
     * Destroys the params, handles and stream, then unloads the kernels (releasing the primary context); idempotent. Waits for a running
     * computation (the methods are serialised), so it never pulls a handle from under one.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (kernels != null) {
            // close() may come from another thread than the computations (a shutdown hook): the handles and the
            // stream are destroyed on their own device.
            failure = release(failure, MemorySegment.NULL, this::makeCurrent);
        }
        // Work a failed computation left queued finishes before its module is unloaded and its stream destroyed.
        failure = release(failure, stream, () -> CudaStatus.runtime("cudaStreamSynchronize",
                cuda_runtime_api_h.cudaStreamSynchronize(stream)));
        failure = release(failure, params, () -> CudaStatus.cusolver("cusolverDnDestroyParams",
                cusolverDn_h.cusolverDnDestroyParams(params)));
        failure = release(failure, cusolver, () -> CudaStatus.cusolver("cusolverDnDestroy",
                cusolverDn_h.cusolverDnDestroy(cusolver)));
        failure = release(failure, cublas, () -> CudaStatus.cublas("cublasDestroy_v2",
                cublas_v2_h.cublasDestroy_v2(cublas)));
        failure = release(failure, stream, () -> CudaStatus.runtime("cudaStreamDestroy",
                cuda_runtime_api_h.cudaStreamDestroy(stream)));
        if (kernels != null) {
            DeviceKernels loaded = kernels;
            failure = release(failure, MemorySegment.NULL, loaded::close);
        }
        kernels = null;
        params = null;
        cusolver = null;
        cublas = null;
        stream = null;
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException release(RuntimeException failure, MemorySegment resource, Runnable destroy) {
        if (resource == null) {
            return failure;
        }
        try {
            destroy.run();
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
        }
        return failure;
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
