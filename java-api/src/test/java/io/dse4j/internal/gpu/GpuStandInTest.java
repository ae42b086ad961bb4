package io.dse4j.internal.gpu;

import io.dse4j.BackendKind;
import io.dse4j.BackgroundComputation;
import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
import io.dse4j.InvalidInputException;
import io.dse4j.Precision;
import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.InsufficientDeviceMemoryException;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU backend's Java code against the host-side CUDA stand-in (loaded through -Ddse4j.cuda.libraries by the
 * gpu-stand-in test run): the results equal the CPU backend's, every failing CUDA call surfaces as an exception
 * naming library, call and status, and afterwards no device allocation or handle is left.
 */
@ExtendWith(SanitizedStandIn.class)
class GpuStandInTest {

    @BeforeEach
    void resetStandIn() {
        StandIn.requireLoadedAndReset();
    }

    @AfterEach
    void nothingLeftBehind() {
        assertEquals(0, StandIn.outstandingAllocations(), "device allocations left");
        assertEquals(0, StandIn.outstandingHandles(), "handles or streams left");
        StandIn.reset();
    }

    /**
     * The smallest simulated device whose free memory once a backend is open, less the backend's default
     * {@link DeviceHeadroom}, is at least {@code usable} bytes: free is the total less the libraries' overhead, which
     * the stand-in charges with the backend's first handle, before anything is allocated.
     */
    private static long totalLeaving(long usable) {
        return totalLeaving(usable, StandIn.libraryOverhead());
    }

    /** As {@link #totalLeaving(long)} with {@code overhead} bytes taken by the libraries. */
    private static long totalLeaving(long usable, long overhead) {
        DeviceHeadroom headroom = DeviceHeadroom.DEFAULT;
        long total = (long) ((usable + overhead + headroom.fixedBytes()) / (1 - headroom.fractionOfTotal()));
        while (total - overhead - headroom.bytes(total) >= usable) {
            total--;
        }
        while (total - overhead - headroom.bytes(total) < usable) {
            total++;
        }
        return total;
    }

    private static Points randomPoints(int n, int dims, long seed) {
        Random random = new Random(seed);
        double[] values = new double[n * dims];
        for (int i = 0; i < values.length; i++) {
            values[i] = 3 * random.nextGaussian();
        }
        return new Points(n, dims, values);
    }

    /**
     * The diffusion operator's eigenvalues equal the CPU backend's in f64 — within the error of forming and solving
     * it in the working precision. f32 stores the kernel in float and the stand-in solves it in float, as a GPU does:
     * the tolerance is the a-priori bound {@link SymmetricEigenvalueBounds#diffusionF32} (the backward-stable solver's
     * C·n·u plus what forming the matrix in float costs), not a figure fitted to the stand-in's results. f64: the same
     * terms in double are below 1e-12; 1e-10·n is kept.
     */
    @ParameterizedTest(name = "n={0} d={1} {2}")
    @CsvSource({"2,1,F64", "60,3,F64", "150,10,F64", "60,3,F32", "150,10,F32"})
    void eigenvaluesEqualTheCpuBackends(int n, int dims, Precision precision) {
        Points points = randomPoints(n, dims, n + dims);
        double sigma = 4;
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(2)) {
            assertEquals("gpu (stand-in)", gpu.name());
            KernelSpectrum onGpu = gpu.diffusionSpectrum(points, sigma, precision, false);
            KernelSpectrum onCpu = cpu.diffusionSpectrum(points, sigma, Precision.F64, false);
            double tolerance = precision == Precision.F64 ? 1e-10 * n : SymmetricEigenvalueBounds.diffusionF32(n, dims);
            for (int i = 0; i < n; i++) {
                assertEquals(onCpu.ascending()[i], onGpu.ascending()[i], tolerance, "eigenvalue " + i);
            }
            assertTrue(onGpu.stages().seconds().keySet().containsAll(
                    java.util.List.of("upload", "distances", "kernel", "eigenvalues", "download")));
        }
    }

    @Test
    void eigenvectorsOnRequestMatchTheCpuBackendsUpToSign() {
        int n = 80;
        Points points = randomPoints(n, 4, 9);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(1)) {
            KernelSpectrum onGpu = gpu.diffusionSpectrum(points, 3, Precision.F64, true);
            KernelSpectrum onCpu = cpu.diffusionSpectrum(points, 3, Precision.F64, true);
            // The top eigenvalue (1) is simple: its eigenvector is unique up to sign.
            int top = n - 1;
            double sign = Math.signum(onGpu.eigenvectors()[top * n]) * Math.signum(onCpu.eigenvectors()[top * n]);
            for (int i = 0; i < n; i++) {
                assertEquals(onCpu.eigenvectors()[i + top * n], sign * onGpu.eigenvectors()[i + top * n], 1e-10);
            }
        }
    }

    @Test
    void theApiReportsTheStandInAndMatchesTheCpu() {
        double[][] x = new double[120][5];
        Random random = new Random(2);
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian() * 5;
            }
        }
        try (DiffusionSpectralEntropy gpu = DiffusionSpectralEntropy.builder().backend("gpu").build();
             DiffusionSpectralEntropy cpu = DiffusionSpectralEntropy.builder().backend("cpu").build()) {
            DseResult onGpu = gpu.compute(x);
            assertEquals("gpu (stand-in)", onGpu.backend());
            assertEquals(cpu.compute(x).entropy(), onGpu.entropy(), 1e-9);
        }
    }

    /**
     * Every call the pipeline makes, with a failure status of its library: named, nothing left behind, and no work
     * left to run on freed memory (cudaFree need not wait for it: the computation's fence does).
     */
    @ParameterizedTest(name = "{0} fails")
    @CsvSource({
        "cudaStreamCreate,CUDA runtime,2,cudaErrorMemoryAllocation",
        "cublasCreate_v2,cuBLAS,3,CUBLAS_STATUS_ALLOC_FAILED",
        "cublasSetStream_v2,cuBLAS,7,CUBLAS_STATUS_INVALID_VALUE",
        "cusolverDnCreate,cuSOLVER,2,CUSOLVER_STATUS_ALLOC_FAILED",
        "cusolverDnSetStream,cuSOLVER,3,CUSOLVER_STATUS_INVALID_VALUE",
        "cusolverDnCreateParams,cuSOLVER,2,CUSOLVER_STATUS_ALLOC_FAILED",
        "cusolverDnXsyevd_bufferSize,cuSOLVER,3,CUSOLVER_STATUS_INVALID_VALUE",
        "cudaMemGetInfo,CUDA runtime,1,cudaErrorInvalidValue",
        "cudaMalloc,CUDA runtime,2,cudaErrorMemoryAllocation",
        "cudaMemcpy,CUDA runtime,1,cudaErrorInvalidValue",
        "cublasDsyrk_v2,cuBLAS,13,CUBLAS_STATUS_EXECUTION_FAILED",
        "cuDevicePrimaryCtxRetain,CUDA driver,101,CUDA_ERROR_INVALID_DEVICE",
        "cuCtxSetCurrent,CUDA driver,201,CUDA_ERROR_INVALID_CONTEXT",
        "cuModuleLoadData,CUDA driver,200,CUDA_ERROR_INVALID_IMAGE",
        "cuModuleGetFunction,CUDA driver,500,CUDA_ERROR_NOT_FOUND",
        "dse4j_k_diagonal_f64,dse4j kernels,1,CUDA_ERROR_INVALID_VALUE",
        "dse4j_k_gaussian_f64,dse4j kernels,1,CUDA_ERROR_INVALID_VALUE",
        "dse4j_k_row_parts_f64,dse4j kernels,1,CUDA_ERROR_INVALID_VALUE",
        "dse4j_k_column_parts_f64,dse4j kernels,701,CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
        "dse4j_k_normalise_f64,dse4j kernels,1,CUDA_ERROR_INVALID_VALUE",
        "cusolverDnXsyevd,cuSOLVER,6,CUSOLVER_STATUS_EXECUTION_FAILED",
        "cudaStreamSynchronize,CUDA runtime,1,cudaErrorInvalidValue"
    })
    void everyFailingCallIsNamedAndLeavesNothingBehind(String function, String library, int status, String name) {
        Points points = randomPoints(40, 3, 1);
        StandIn.fail(function, 1, status);
        CudaException e = assertThrows(CudaException.class, () -> {
            try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
                gpu.diffusionSpectrum(points, 2, Precision.F64, false);
            }
        });
        assertEquals(library, e.library(), e.getMessage());
        assertTrue(e.call().startsWith(function), e.getMessage());
        assertEquals(status, e.status());
        assertEquals(name, e.statusName());
        assertTrue(e.getMessage().contains(function) && e.getMessage().contains(name + " (" + status + ")"),
                e.getMessage());
        // Work queued before the failing call (the Gram matrix, earlier kernels) finished before its buffers were
        // freed: run on freed memory it would have been an illegal address, the device's context lost.
        assertEquals(0, StandIn.synchronize(), "queued work ran on freed device memory");
    }

    /**
     * A fault while a kernel runs (here a launch failure, 719, in the degree kernel) comes back from the stage's
     * synchronisation, not from the launch, as on a GPU; it is sticky — the device's context is lost, so a backend
     * opened afterwards fails at its first call, and the message says so — and still every buffer, handle, stream,
     * module and context is released (each release answers the fault, and the ledger shows it was attempted).
     */
    @Test
    void aFaultWhileAKernelRunsIsStickyAndStillLeavesNothingBehind() {
        Points points = randomPoints(40, 3, 1);
        StandIn.fail("dse4j_k_column_parts_f64", 1, 719);
        CudaException e = assertThrows(CudaException.class, () -> {
            try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
                gpu.diffusionSpectrum(points, 2, Precision.F64, false);
            }
        });
        assertEquals("CUDA runtime cudaStreamSynchronize: cudaErrorLaunchFailure (719) — a fault while a kernel ran:"
                + " this process's CUDA context on the device is lost, every later CUDA call there fails the same"
                + " way, and only a new process can use this GPU again", e.getMessage());
        assertEquals(0, StandIn.outstandingAllocations(), "buffers freed");
        assertEquals(0, StandIn.outstandingHandles(), "handles, stream, module and context released");
        CudaException later = assertThrows(CudaException.class, () -> new GpuBackend(CudaLibraries.availability())
                .close());
        assertEquals(719, later.status(), later.getMessage());
        StandIn.clearFaults();
    }

    @Test
    void aLaterAllocationFailingStillFreesTheEarlierOnes() {
        Points points = randomPoints(30, 2, 3);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            for (int nth = 1; nth <= 7; nth++) {
                StandIn.fail("cudaMalloc", nth, 2);
                CudaException e = assertThrows(CudaException.class,
                        () -> gpu.diffusionSpectrum(points, 2, Precision.F64, false));
                assertEquals("cudaErrorMemoryAllocation", e.statusName());
                assertEquals(0, StandIn.outstandingAllocations(), "after failing allocation " + nth);
            }
            // And the backend still works afterwards.
            assertEquals(30, gpu.diffusionSpectrum(points, 2, Precision.F64, false).ascending().length);
        }
    }

    @Test
    void aNonZeroInfoIsAnError() {
        StandIn.failInfo(3);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            CudaException e = assertThrows(CudaException.class,
                    () -> gpu.diffusionSpectrum(randomPoints(20, 2, 4), 2, Precision.F64, false));
            assertTrue(e.getMessage().contains("info = 3"), e.getMessage());
        }
    }

    @Test
    void tooLittleDeviceMemoryIsReportedBeforeAllocatingAndAutoFallsBackToTheCpu() {
        // 1 MiB free once the libraries have taken theirs.
        StandIn.setMemory(StandIn.libraryOverhead() + (1 << 20));
        Points points = randomPoints(400, 2, 5);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            InsufficientDeviceMemoryException e = assertThrows(InsufficientDeviceMemoryException.class,
                    () -> gpu.diffusionSpectrum(points, 2, Precision.F64, false));
            assertTrue(e.neededBytes() > e.freeBytes());
            assertEquals(0, StandIn.calls("cudaMalloc"), "refused before allocating");
        }
        double[][] x = new double[400][2];
        for (int i = 0; i < 400; i++) {
            x[i][0] = points.values()[i];
            x[i][1] = points.values()[400 + i];
        }
        try (DiffusionSpectralEntropy gpu = DiffusionSpectralEntropy.builder().backend(BackendKind.GPU).build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> gpu.compute(x));
            assertTrue(e.getMessage().contains("of GPU memory plus a margin of"), e.getMessage());
        }
        try (DiffusionSpectralEntropy auto = DiffusionSpectralEntropy.builder().backend(BackendKind.AUTO).build()) {
            DseResult r = auto.compute(x);
            assertEquals("cpu", r.backend());
            assertTrue(r.selection().reasons().get(0).startsWith("GPU memory: N = 400 in f64 needs"),
                    r.selection().reasons().toString());
        }
    }

    @Test
    void aWorkspaceThatDoesNotFitIsRefusedBeforeItIsAllocated() {
        // 60 points: the matrices take ~30 kB; the stand-in's eigensolver asks for n² + 32·n doubles more (~44 kB).
        StandIn.setMemory(totalLeaving(40_000));
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            InsufficientDeviceMemoryException e = assertThrows(InsufficientDeviceMemoryException.class,
                    () -> gpu.diffusionSpectrum(randomPoints(60, 3, 6), 2, Precision.F64, false));
            assertTrue(e.getMessage().contains("of GPU memory plus a margin of"), e.getMessage());
            assertEquals(7, StandIn.calls("cudaMalloc"), "the seven buffers, not the workspace");
        }
    }

    /**
     * The device memory plan keeps a margin for what CUDA and the libraries allocate themselves: a problem whose
     * buffers and workspace fit the free memory, but not with the margin, is refused before it can fail half-way —
     * {@code gpu} names the needed, free and margin figures, {@code auto} runs on the CPU saying why — while one
     * byte more of device memory lets it run on the GPU.
     */
    @Test
    void aProblemThatFitsTheFreeMemoryButNotTheMarginFallsBackCleanly() {
        int n = 300;
        Points points = randomPoints(n, 2, 31);
        // What the plan allocates for N = 300, D = 2 in f64: X, A, W (element-sized), the original coordinates, norms
        // and degrees (double), info; then the stand-in eigensolver's workspace.
        long matrices = 8L * (n * 2 + (long) n * n + n) + 8L * n * 2 + 16L * n + 4;
        long needed = matrices + StandIn.syevdDeviceBytes(n, 8, false);
        long enough = totalLeaving(needed);
        StandIn.setMemory(enough);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            assertEquals(n, gpu.diffusionSpectrum(points, 2, Precision.F64, false).ascending().length);
        }
        long total = enough - 1;
        StandIn.setMemory(total);
        long free = total - StandIn.libraryOverhead();
        long margin = DeviceHeadroom.DEFAULT.bytes(total);
        assertTrue(margin >= 256L << 20);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            long before = StandIn.calls("cudaMalloc");
            InsufficientDeviceMemoryException e = assertThrows(InsufficientDeviceMemoryException.class,
                    () -> gpu.diffusionSpectrum(points, 2, Precision.F64, false));
            assertEquals(needed, e.neededBytes());
            assertEquals(free, e.freeBytes());
            assertEquals(margin, e.marginBytes());
            assertTrue(e.neededBytes() < e.freeBytes() && e.neededBytes() + e.marginBytes() > e.freeBytes());
            assertEquals("N = 300 in f64 needs " + io.dse4j.spi.Bytes.format(needed)
                    + " of GPU memory plus a margin of "
                    + io.dse4j.spi.Bytes.format(margin) + " (for what CUDA, cuBLAS and cuSOLVER allocate themselves)"
                    + " but only " + io.dse4j.spi.Bytes.format(free) + " is free", e.getMessage());
            // The matrices were allocated, the workspace found not to fit with the margin: nothing is left.
            assertEquals(before + 7, StandIn.calls("cudaMalloc"));
        }
        double[][] x = new double[n][2];
        for (int i = 0; i < n; i++) {
            x[i][0] = points.values()[i];
            x[i][1] = points.values()[n + i];
        }
        try (DiffusionSpectralEntropy gpu = DiffusionSpectralEntropy.builder().backend(BackendKind.GPU).build()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> gpu.compute(x));
            assertTrue(e.getMessage().contains("plus a margin of " + io.dse4j.spi.Bytes.format(margin)),
                    e.getMessage());
        }
        try (DiffusionSpectralEntropy auto = DiffusionSpectralEntropy.builder().backend(BackendKind.AUTO).build()) {
            DseResult r = auto.compute(x);
            assertEquals("cpu", r.backend());
            String reason = r.selection().reasons().get(0);
            assertTrue(reason.startsWith("GPU memory: N = 300 in f64 needs") && reason.contains("plus a margin of"),
                    reason);
        }
    }

    /**
     * The device memory CUDA's context, cuBLAS and cuSOLVER take for themselves (the stand-in charges
     * {@link StandIn#libraryOverhead()} when the backend creates its handles, as a GPU's free memory shows it by
     * then) is not free for a computation: on a device that leaves as much room beyond the headroom as the libraries
     * take, the plan sees the free memory less their share and refuses the problem before it allocates — {@code auto}
     * runs it on the CPU — while the same device with no overhead simulated runs it on the GPU.
     */
    @Test
    void theLibrariesOwnMemoryIsNotFreeForAComputation() {
        int n = 300;
        Points points = randomPoints(n, 2, 36);
        long overhead = StandIn.libraryOverhead();
        long total = totalLeaving(overhead, 0);
        StandIn.setMemory(total);
        // X, A, W (element-sized), the original coordinates, norms and degrees (double), info.
        long matrices = 8L * (n * 2 + (long) n * n + n) + 8L * n * 2 + 16L * n + 4;
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            InsufficientDeviceMemoryException e = assertThrows(InsufficientDeviceMemoryException.class,
                    () -> gpu.diffusionSpectrum(points, 2, Precision.F64, false));
            assertEquals(matrices, e.neededBytes());
            assertEquals(total - overhead, e.freeBytes());
            assertEquals(DeviceHeadroom.DEFAULT.bytes(total), e.marginBytes());
            assertEquals(0, StandIn.calls("cudaMalloc"), "refused before allocating");
        }
        double[][] x = new double[n][2];
        for (int i = 0; i < n; i++) {
            x[i][0] = points.values()[i];
            x[i][1] = points.values()[n + i];
        }
        try (DiffusionSpectralEntropy auto = DiffusionSpectralEntropy.builder().backend(BackendKind.AUTO).build()) {
            DseResult r = auto.compute(x);
            assertEquals("cpu", r.backend());
            assertTrue(r.selection().reasons().get(0).startsWith("GPU memory: N = 300 in f64 needs"),
                    r.selection().reasons().toString());
        }
        StandIn.reset();
        StandIn.setMemory(total);
        StandIn.setLibraryOverhead(0);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            assertEquals(n, gpu.diffusionSpectrum(points, 2, Precision.F64, false).ascending().length);
        }
    }

    /**
     * The stand-in's cublasSsyrk rounds as a single-precision syrk does — every product and sum in float (one fused
     * multiply-add per term) — not in double with one rounding at the end, so the f32 tests see the Gram matrix's
     * real error. Points far from the origin make the two differ.
     */
    @Test
    void theStandInsSsyrkAccumulatesInFloatLikeCublas() {
        int n = 40;
        int dims = 24;
        Random random = new Random(33);
        float[] x = new float[n * dims];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (100 + random.nextGaussian());
        }
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined();
             DeviceBuffer points = DeviceBuffer.allocate(4L * n * dims);
             DeviceBuffer gram = DeviceBuffer.allocate(4L * n * n)) {
            points.upload(arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, x));
            gpu.assembly().gram(DeviceElement.F32, points.address(), n, dims, gram.address(), arena);
            java.lang.foreign.MemorySegment host = arena.allocate(java.lang.foreign.ValueLayout.JAVA_FLOAT,
                    (long) n * n);
            gram.download(host);
            int differFromDouble = 0;
            for (int j = 0; j < n; j++) {
                for (int i = j; i < n; i++) {
                    float inFloat = 0;
                    double inDouble = 0;
                    for (int p = 0; p < dims; p++) {
                        inFloat = Math.fma(x[i + p * n], x[j + p * n], inFloat);
                        inDouble += (double) x[i + p * n] * x[j + p * n];
                    }
                    float actual = host.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i + (long) j * n);
                    assertEquals(inFloat, actual, 0f, "G(" + i + ", " + j + ")");
                    if (actual != (float) inDouble) {
                        differFromDouble++;
                    }
                }
            }
            // Else this test could not tell float accumulation from double.
            assertTrue(differFromDouble > n, differFromDouble + " of " + n * (n + 1) / 2 + " entries differ");
        }
    }

    /**
     * The stand-in's Ssyevd solves a float matrix in float, as a GPU does, not in double with one rounding at the end:
     * on a matrix whose entries are floats, the double solver's eigenvalues rounded to float are within half an ulp
     * of each double one, while the float solver's carry its own rounding errors (of order √n·u·‖A‖, bounded by
     * {@link SymmetricEigenvalueBounds#solver}) and most of them differ from the double ones by more than an ulp.
     */
    @Test
    void theStandInsSsyevdSolvesInFloat() {
        int n = 64;
        Random random = new Random(36);
        double[] values = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = j; i < n; i++) {
                values[i + j * n] = (float) random.nextGaussian();
                values[j + i * n] = values[i + j * n];
            }
        }
        double[][] spectra = new double[2][];
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            for (DeviceElement type : new DeviceElement[] {DeviceElement.F64, DeviceElement.F32}) {
                try (DeviceBuffer a = DeviceBuffer.allocate(type.bytes() * n * n);
                     DeviceBuffer w = DeviceBuffer.allocate(type.bytes() * n);
                     DeviceBuffer info = DeviceBuffer.allocate(Integer.BYTES)) {
                    a.upload(type.host(arena, values));
                    long[] workspace = gpu.solvers().syevdWorkspace(type, n, false, a, w, arena);
                    try (DeviceBuffer work = DeviceBuffer.allocate(workspace[0])) {
                        gpu.solvers().syevd(type, n, false, a, w, work, workspace,
                                DeviceEigensolvers.hostWork(arena, workspace[1]), info, arena);
                    }
                    spectra[type == DeviceElement.F64 ? 0 : 1] = type.download(arena, w, n);
                }
            }
        }
        double norm = Math.max(Math.abs(spectra[0][0]), Math.abs(spectra[0][n - 1]));
        int beyondAnUlp = 0;
        for (int i = 0; i < n; i++) {
            double difference = Math.abs(spectra[1][i] - spectra[0][i]);
            assertTrue(difference <= SymmetricEigenvalueBounds.solver(n, true, norm), "eigenvalue " + i);
            if (difference > Math.ulp((float) spectra[0][i])) {
                beyondAnUlp++;
            }
        }
        assertTrue(beyondAnUlp > n / 2, beyondAnUlp + " of " + n + " eigenvalues differ by more than an ulp");
    }

    @Test
    void aBatchOfSubsetsUploadsThePointsOnceAndMatchesOneByOne() {
        Points points = randomPoints(90, 3, 12);
        java.util.List<int[]> sets = java.util.List.of(new int[] {0, 5, 7, 9, 11, 40, 41}, new int[] {89, 1, 2, 3},
                java.util.stream.IntStream.range(0, 90).filter(i -> i % 3 == 0).toArray());
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(2)) {
            java.util.List<KernelSpectrum> batch = gpu.kernelSpectra(points, sets, io.dse4j.spi.KernelKind.DIFFUSION,
                    4, Precision.F64);
            // Three uploads (the points, their original coordinates and every index set), then per subset the info
            // word and the eigenvalues; each subset gathers its values and its original coordinates.
            assertEquals(3 + 2 * sets.size(), StandIn.calls("cudaMemcpy"));
            assertEquals(2 * sets.size(), StandIn.calls("dse4j_k_gather_rows_f64"));
            java.util.List<KernelSpectrum> onCpu = cpu.kernelSpectra(points, sets, io.dse4j.spi.KernelKind.DIFFUSION,
                    4, Precision.F64);
            for (int s = 0; s < sets.size(); s++) {
                double[] expected = cpu.diffusionSpectrum(points.subset(sets.get(s)), 4, Precision.F64, false)
                        .ascending();
                assertEquals(expected.length, batch.get(s).ascending().length);
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], batch.get(s).ascending()[i], 1e-12, "set " + s + " eigenvalue " + i);
                    assertEquals(expected[i], onCpu.get(s).ascending()[i], 0.0, "CPU batch, set " + s);
                }
            }
            StandIn.fail("dse4j_k_gather_rows_f64", 2, 1);
            CudaException e = assertThrows(CudaException.class, () -> gpu.kernelSpectra(points, sets,
                    io.dse4j.spi.KernelKind.DIFFUSION, 4, Precision.F64));
            assertEquals("dse4j_k_gather_rows_f64", e.call());
        }
    }

    @Test
    void equalSizeSubsetsGoToTheBatchedEigensolverTogether() {
        Points points = randomPoints(60, 2, 14);
        java.util.Random random = new java.util.Random(2);
        java.util.List<int[]> sets = new java.util.ArrayList<>();
        for (int s = 0; s < 3; s++) {
            sets.add(random.ints(0, 60).distinct().limit(12).toArray());
        }
        sets.add(new int[] {3, 4, 5, 6, 7});
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(1)) {
            java.util.List<KernelSpectrum> batch = gpu.kernelSpectra(points, sets, io.dse4j.spi.KernelKind.DIFFUSION,
                    2, Precision.F64);
            assertEquals(1, StandIn.calls("cusolverDnXsyevBatched"), "one call for the three subsets of 12");
            assertEquals(1, StandIn.calls("cusolverDnXsyevd"), "the subset of 5 alone");
            for (int s = 0; s < sets.size(); s++) {
                double[] expected = cpu.diffusionSpectrum(points.subset(sets.get(s)), 2, Precision.F64, false)
                        .ascending();
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], batch.get(s).ascending()[i], 1e-12, "set " + s + " eigenvalue " + i);
                }
            }
            StandIn.fail("cusolverDnXsyevBatched", 1, 6);
            CudaException e = assertThrows(CudaException.class, () -> gpu.kernelSpectra(points, sets,
                    io.dse4j.spi.KernelKind.DIFFUSION, 2, Precision.F64));
            assertEquals("cusolverDnXsyevBatched", e.call());
            assertEquals("CUSOLVER_STATUS_EXECUTION_FAILED", e.statusName());
        }
    }

    private static java.util.List<int[]> equalSubsets(int count, int size, int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        java.util.List<int[]> sets = new java.util.ArrayList<>();
        for (int s = 0; s < count; s++) {
            sets.add(random.ints(0, n).distinct().limit(size).toArray());
        }
        return sets;
    }

    private static void assertSameSpectra(java.util.List<KernelSpectrum> expected,
                                          java.util.List<KernelSpectrum> actual) {
        assertEquals(expected.size(), actual.size());
        for (int s = 0; s < expected.size(); s++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(s).ascending(), actual.get(s).ascending(),
                    "set " + s);
        }
    }

    /**
     * cusolverDnXsyevBatched takes at most n · lda · batchSize ≤ INT32_MAX elements a call (NVIDIA's documented
     * limit; the stand-in refuses beyond it). With the limit lowered to two 12×12 matrices in both the backend and
     * the stand-in, five subsets of 12 go in three calls (2 + 2 + 1) and give exactly the one-by-one results; a
     * backend that does not split is refused by the stand-in.
     */
    @Test
    void aBatchBeyondTheBatchedSolversSizeLimitIsSplitIntoCallsWithinIt() {
        Points points = randomPoints(60, 2, 34);
        java.util.List<int[]> sets = new java.util.ArrayList<>(equalSubsets(5, 12, 60, 3));
        sets.add(new int[] {3, 4, 5, 6, 7});
        long twoMatrices = 2 * 12 * 12;
        StandIn.setBatchedLimit(twoMatrices);
        CudaLibraries.Availability availability = CudaLibraries.availability();
        try (GpuBackend split = new GpuBackend(availability, DeviceHeadroom.DEFAULT, twoMatrices);
             GpuBackend oneByOne = new GpuBackend(availability, DeviceHeadroom.DEFAULT, 12 * 12 - 1);
             GpuBackend unsplit = new GpuBackend(availability)) {
            java.util.List<KernelSpectrum> batched = split.kernelSpectra(points, sets,
                    io.dse4j.spi.KernelKind.DIFFUSION, 2, Precision.F64);
            assertEquals(3, StandIn.calls("cusolverDnXsyevBatched"), "calls of 2, 2 and 1");
            assertEquals(2, StandIn.calls("cusolverDnXsyevBatched_bufferSize"), "the workspace for 2 and for 1");
            assertEquals(1, StandIn.calls("cusolverDnXsyevd"), "the subset of 5");
            java.util.List<KernelSpectrum> single = oneByOne.kernelSpectra(points, sets,
                    io.dse4j.spi.KernelKind.DIFFUSION, 2, Precision.F64);
            assertEquals(3, StandIn.calls("cusolverDnXsyevBatched"), "a 12×12 matrix alone exceeds this limit");
            assertEquals(1 + 6, StandIn.calls("cusolverDnXsyevd"));
            assertSameSpectra(single, batched);
            CudaException e = assertThrows(CudaException.class, () -> unsplit.kernelSpectra(points, sets,
                    io.dse4j.spi.KernelKind.DIFFUSION, 2, Precision.F64));
            assertEquals("cusolverDnXsyevBatched_bufferSize", e.call());
            assertEquals("CUSOLVER_STATUS_INVALID_VALUE", e.statusName());
        }
    }

    /**
     * A batch whose matrices do not all fit the free memory (with the margin) is split into the fewest calls that
     * do — here five subsets of 12 with room for three matrices: calls of 3 and 2 — not solved one by one.
     */
    @Test
    void aBatchLargerThanTheFreeMemoryIsSplitIntoCallsThatFit() {
        int n = 60;
        int m = 12;
        Points points = randomPoints(n, 2, 35);
        java.util.List<int[]> sets = equalSubsets(5, m, n, 4);
        // kernelSpectra's own buffers (X and its original coordinates, one subset of each, A, norms, degrees, W, info,
        // the row indices) and the stand-in's Xsyevd workspace; then per batched matrix its A and W and info word,
        // and its share of the batch's workspace.
        long base = 8L * (n * 2 + m * 2 + m * m + m) + 8L * (n * 2 + m * 2) + 16L * m + 8L * 5 * m + 4
                + StandIn.syevdDeviceBytes(m, 8, false);
        long perMatrix = 8L * (m * m + m) + 4 + StandIn.syevdDeviceBytes(m, 8, false);
        StandIn.setMemory(totalLeaving(base + 3 * perMatrix + 100));
        CudaLibraries.Availability availability = CudaLibraries.availability();
        try (GpuBackend gpu = new GpuBackend(availability)) {
            java.util.List<KernelSpectrum> batched = gpu.kernelSpectra(points, sets,
                    io.dse4j.spi.KernelKind.DIFFUSION, 2, Precision.F64);
            assertEquals(2, StandIn.calls("cusolverDnXsyevBatched"), "calls of 3 and 2");
            assertEquals(0, StandIn.calls("cusolverDnXsyevd"));
            StandIn.reset();
            try (GpuBackend oneByOne = new GpuBackend(availability, DeviceHeadroom.DEFAULT, 0)) {
                assertSameSpectra(oneByOne.kernelSpectra(points, sets, io.dse4j.spi.KernelKind.DIFFUSION, 2,
                        Precision.F64), batched);
                assertEquals(5, StandIn.calls("cusolverDnXsyevd"));
            }
        }
    }

    @Test
    void theBatchedSolversLimitAndTheEvenSplit() {
        long max = CusolverBatched.MAX_ELEMENTS;
        assertEquals(Integer.MAX_VALUE, max);
        assertEquals(2147, CusolverBatched.matricesPerCall(1000, 1000, max));
        assertEquals(1, CusolverBatched.matricesPerCall(46340, 46340, max));
        assertEquals(0, CusolverBatched.matricesPerCall(46341, 46341, max), "one 46341² matrix is over the limit");
        assertEquals(0, CusolverBatched.matricesPerCall(3_000_000_000L, 3_000_000_000L, max), "no overflow");
        assertEquals(0, SubsetSpectra.evenShare(7, 0));
        assertEquals(7, SubsetSpectra.evenShare(7, 7));
        assertEquals(7, SubsetSpectra.evenShare(7, 100));
        assertEquals(4, SubsetSpectra.evenShare(7, 6), "4 + 3, not 6 + 1");
        assertEquals(3, SubsetSpectra.evenShare(7, 3), "3 + 2 + 2");
        assertEquals(1, SubsetSpectra.evenShare(7, 1));
        assertEquals(2000, SubsetSpectra.evenShare(10_000, 2147), "five calls of 2000, not 4 × 2147 + 1412");
    }

    @Test
    void knnAdjacencyEigenvaluesComeFromXgeevAndEqualTheCpus() {
        Points points = randomPoints(80, 3, 15);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(1)) {
            double[] onGpu = gpu.knnAdjacencyEigenvalueModuli(points, 6);
            double[] onCpu = cpu.knnAdjacencyEigenvalueModuli(points, 6);
            assertEquals(1, StandIn.calls("cusolverDnXgeev"));
            java.util.Arrays.sort(onGpu);
            java.util.Arrays.sort(onCpu);
            // A k-NN adjacency has defective (near-)zero eigenvalues, which any solver determines only to about
            // √ε; the others agree far more closely.
            for (int i = 0; i < onCpu.length; i++) {
                assertEquals(onCpu[i], onGpu[i], 1e-6, "modulus " + i);
            }
            StandIn.fail("cusolverDnXgeev", 1, 6);
            CudaException e = assertThrows(CudaException.class, () -> gpu.knnAdjacencyEigenvalueModuli(points, 6));
            assertEquals("cusolverDnXgeev", e.call());
        }
    }

    @Test
    void matrixEntryEntropyOnTheDeviceEqualsTheCpus() {
        Points points = randomPoints(70, 3, 13);
        try (EigenBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(2)) {
            assertEquals(cpu.matrixEntryEntropy(points, 3, Precision.F64), gpu.matrixEntryEntropy(points, 3,
                    Precision.F64), 1e-11);
            assertEquals(2, StandIn.calls("dse4j_k_entry_sums_f64"), "two reductions: Σ|P|, then the entropy");
            StandIn.fail("dse4j_k_entry_sums_f64", 2, 1);
            CudaException e = assertThrows(CudaException.class, () -> gpu.matrixEntryEntropy(points, 3,
                    Precision.F64));
            assertEquals("dse4j_k_entry_sums_f64", e.call());
        }
    }

    @Test
    void closeReleasesEveryHandleAndIsIdempotent() {
        GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
        assertEquals(6, StandIn.outstandingHandles(),
                "stream, cuBLAS, cuSOLVER, params, the kernels' module, the primary context");
        gpu.close();
        gpu.close();
        assertEquals(0, StandIn.outstandingHandles());
        Points points = randomPoints(5, 1, 1);
        for (org.junit.jupiter.api.function.Executable call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                () -> gpu.diffusionSpectrum(points, 1, Precision.F64, false),
                () -> gpu.kernelSpectrum(points, io.dse4j.spi.KernelKind.GAUSSIAN, 1, Precision.F32, true),
                () -> gpu.kernelSpectra(points, java.util.List.of(new int[] {0, 1}), io.dse4j.spi.KernelKind.DIFFUSION,
                        1, Precision.F64),
                () -> gpu.knnAdjacencyEigenvalueModuli(points, 2),
                () -> gpu.matrixEntryEntropy(points, 1, Precision.F64),
                gpu.context()::synchronize)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals("this GPU backend is closed", e.getMessage());
        }
        assertEquals(0, StandIn.calls("cudaMalloc"), "nothing allocated by a closed backend");
    }

    /** Every method, called with the interrupt status already set: stops before allocating, status kept. */
    @Test
    void anInterruptedCallerStopsBeforeAllocatingAndKeepsItsInterruptStatus() {
        Points points = randomPoints(40, 3, 21);
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability())) {
            for (org.junit.jupiter.api.function.Executable call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> gpu.diffusionSpectrum(points, 2, Precision.F64, false),
                    () -> gpu.kernelSpectra(points, java.util.List.of(new int[] {0, 1, 2}, new int[] {3, 4, 5}),
                            io.dse4j.spi.KernelKind.DIFFUSION, 2, Precision.F64),
                    () -> gpu.knnAdjacencyEigenvalueModuli(points, 3),
                    () -> gpu.matrixEntryEntropy(points, 2, Precision.F64))) {
                Thread.currentThread().interrupt();
                assertThrows(io.dse4j.ComputationInterruptedException.class, call);
                assertTrue(Thread.interrupted(), "the interrupt status must stay set");
            }
            assertEquals(0, StandIn.calls("cudaMalloc"));
            assertEquals(40, gpu.diffusionSpectrum(points, 2, Precision.F64, false).ascending().length);
        }
    }

    /**
     * Waits until the stand-in's eigensolver has been entered {@code calls} times. The stand-in's call records must
     * already exist (a first, small computation makes them), so that this reads them while the other thread counts.
     */
    private static void awaitEigensolverCall(long calls, BackgroundComputation running) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (StandIn.calls("cusolverDnXsyevd") < calls) {
            assertTrue(running.thread().isAlive() && System.nanoTime() < deadline, "the eigensolver never started");
            Thread.sleep(1);
        }
    }

    @Test
    void anInterruptDuringTheEigensolverStopsBeforeTheDownloadAndFreesEverything() throws InterruptedException {
        Points small = randomPoints(30, 2, 22);
        Points large = randomPoints(700, 3, 23);
        try (GpuBackend gpu = new GpuBackend(CudaLibraries.availability()); EigenBackend cpu = CpuBackends.open(1)) {
            gpu.diffusionSpectrum(small, 2, Precision.F64, false);
            long downloads = StandIn.calls("cudaMemcpy");
            BackgroundComputation running = BackgroundComputation.start(() -> gpu.diffusionSpectrum(large, 2,
                    Precision.F64, false), "gpu computation");
            awaitEigensolverCall(2, running);
            running.thread().interrupt();
            running.await(20_000);
            assertTrue(running.thrown() instanceof io.dse4j.ComputationInterruptedException,
                    () -> "expected the interruption, got " + running.thrown() + " / " + running.result());
            assertTrue(running.interruptStatus());
            assertEquals(0, StandIn.outstandingAllocations(), "device buffers left after the interruption");
            // The two uploads (values, original coordinates) and the info word were copied; the eigenvalues were not.
            assertEquals(downloads + 3, StandIn.calls("cudaMemcpy"));
            double[] expected = cpu.diffusionSpectrum(small, 2, Precision.F64, false).ascending();
            double[] again = gpu.diffusionSpectrum(small, 2, Precision.F64, false).ascending();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], again[i], 1e-12);
            }
        }
    }

    @Test
    void closeWaitsForARunningComputationWhichFinishes() throws InterruptedException {
        Points large = randomPoints(600, 3, 24);
        GpuBackend gpu = new GpuBackend(CudaLibraries.availability());
        gpu.diffusionSpectrum(randomPoints(30, 2, 25), 2, Precision.F64, false);
        BackgroundComputation running = BackgroundComputation.start(() -> gpu.diffusionSpectrum(large, 2, Precision.F64,
                false), "gpu computation");
        awaitEigensolverCall(2, running);
        gpu.close();
        running.await(20_000);
        assertEquals(null, running.thrown());
        assertEquals(600, ((KernelSpectrum) running.result()).ascending().length);
        assertThrows(IllegalStateException.class, () -> gpu.diffusionSpectrum(large, 2, Precision.F64, false));
    }
}
