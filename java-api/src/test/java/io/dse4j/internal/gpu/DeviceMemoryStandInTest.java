package io.dse4j.internal.gpu;

import io.dse4j.bindings.cublas.cublas_v2_h;
import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import io.dse4j.bindings.cusolver.cusolverDn_h;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in's device memory is at least as strict as a GPU's, so that a mistake the backend could make with it
 * fails in CI: fresh memory is garbage (NaN here); each device has its own memory, of which CUDA and the libraries
 * take their share; and every call that takes device memory refuses a pointer a GPU could not follow — host memory,
 * another device's, memory already freed, or a range past the end of its allocation — and a copy whose sides are not
 * what its direction says. Each call is driven through the generated bindings, as the backend drives it.
 */
@ExtendWith(SanitizedStandIn.class)
class DeviceMemoryStandInTest {

    private static final int CUDA_ERROR_INVALID_VALUE = 1;
    private static final int CUDA_ERROR_MEMORY_ALLOCATION = 2;
    private static final int CUBLAS_STATUS_ALLOC_FAILED = 3;
    private static final int CUBLAS_STATUS_INVALID_VALUE = 7;
    private static final int CUSOLVER_STATUS_ALLOC_FAILED = 2;
    private static final int CUSOLVER_STATUS_INVALID_VALUE = 3;
    /** cudaMemcpyKind values the generated bindings do not carry (dse4j never copies host to host, nor by default). */
    private static final int HOST_TO_HOST = 0;
    private static final int DEFAULT = 4;

    @BeforeEach
    void standIn() {
        StandIn.requireLoadedAndReset();
    }

    @AfterEach
    void nothingLeftBehind() {
        cuda_runtime_api_h.cudaSetDevice(0);
        assertEquals(0, StandIn.outstandingAllocations(), "device allocations left");
        assertEquals(0, StandIn.outstandingHandles(), "handles left");
        StandIn.reset();
    }

    /** {free, total} bytes of the current device. */
    private static long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            assertEquals(0, cuda_runtime_api_h.cudaMemGetInfo(free, total));
            return new long[] {free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0)};
        }
    }

    /** {@code bytes} of device memory on {@code device}, which stays current afterwards only if it was. */
    private static MemorySegment memoryOn(int device, Arena arena, long bytes) {
        assertEquals(0, cuda_runtime_api_h.cudaSetDevice(device));
        MemorySegment block = StandIn.deviceMemory(arena, bytes);
        assertEquals(0, cuda_runtime_api_h.cudaSetDevice(0));
        return block;
    }

    /** The address {@code bytes} past the start of {@code block}, as a bare pointer. */
    private static MemorySegment offset(MemorySegment block, long bytes) {
        return MemorySegment.ofAddress(block.address() + bytes);
    }

    private static MemorySegment createCublas(Arena arena) {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        assertEquals(0, cublas_v2_h.cublasCreate_v2(out));
        return out.get(ValueLayout.ADDRESS, 0);
    }

    private static MemorySegment createCusolver(Arena arena) {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        assertEquals(0, cusolverDn_h.cusolverDnCreate(out));
        return out.get(ValueLayout.ADDRESS, 0);
    }

    /**
     * A GPU's fresh memory holds whatever was there; the stand-in's is NaN as double and as float (every byte 0xFF),
     * so that a result computed from memory nothing wrote comes out NaN, not an innocent zero: a fresh buffer copied
     * back, syrk adding β·C to a C nothing wrote, a kernel reading a matrix nothing wrote. With β = 0 syrk does not
     * read C (BLAS semantics) and gives the product.
     */
    @Test
    void memoryNothingWroteReadsAsNaNSoWhatIsComputedFromItIsNaN() {
        try (Arena arena = Arena.ofConfined()) {
            // A block large enough that malloc maps fresh pages, zero-filled: NaN only because the stand-in made it so.
            long bytes = 1 << 20;
            MemorySegment host = arena.allocate(bytes);
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(host, StandIn.deviceMemory(arena, bytes), bytes,
                    cuda_runtime_api_h.cudaMemcpyDeviceToHost()));
            for (long i = 0; i < bytes / Double.BYTES; i++) {
                assertTrue(Double.isNaN(host.getAtIndex(ValueLayout.JAVA_DOUBLE, i)), "double " + i);
                assertTrue(Float.isNaN(host.getAtIndex(ValueLayout.JAVA_FLOAT, 2 * i)), "float " + 2 * i);
            }

            int n = 3;
            int k = 2;
            MemorySegment a = StandIn.deviceDoubles(arena, 1, 2, 3, 4, 5, 6);   // 3 × 2, column-major
            MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1);
            MemorySegment zero = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 0);
            MemorySegment handle = createCublas(arena);
            try {
                MemorySegment c = StandIn.deviceMemory(arena, (long) Double.BYTES * n * n);
                assertEquals(0, cublas_v2_h.cublasDsyrk_v2(handle, cublas_v2_h.CUBLAS_FILL_MODE_LOWER(),
                        cublas_v2_h.CUBLAS_OP_N(), n, k, one, a, n, one, c, n));
                assertEquals(0, StandIn.synchronize());
                for (int j = 0; j < n; j++) {
                    for (int i = j; i < n; i++) {
                        assertTrue(Double.isNaN(c.getAtIndex(ValueLayout.JAVA_DOUBLE, i + j * n)), i + ", " + j);
                    }
                }
                assertEquals(0, cublas_v2_h.cublasDsyrk_v2(handle, cublas_v2_h.CUBLAS_FILL_MODE_LOWER(),
                        cublas_v2_h.CUBLAS_OP_N(), n, k, one, a, n, zero, c, n));
                assertEquals(0, StandIn.synchronize());
                assertEquals(1 + 4 * 4, c.getAtIndex(ValueLayout.JAVA_DOUBLE, 0));
                assertEquals(3 * 2 + 6 * 5, c.getAtIndex(ValueLayout.JAVA_DOUBLE, 2 + n));
            } finally {
                assertEquals(0, cublas_v2_h.cublasDestroy_v2(handle));
            }

            DeviceKernels kernels = DeviceKernels.load(0, CudaLibraries.availability().kernels());
            try {
                MemorySegment norms = StandIn.deviceDoubles(arena, 7, 7, 7);
                kernels.diagonal(DeviceElement.F64, StandIn.deviceMemory(arena, (long) Double.BYTES * n * n), n, n,
                        norms, MemorySegment.NULL);
                assertEquals(0, StandIn.synchronize());
                for (int i = 0; i < n; i++) {
                    assertTrue(Double.isNaN(norms.getAtIndex(ValueLayout.JAVA_DOUBLE, i)), "norm " + i);
                }
            } finally {
                kernels.close();
            }
        }
    }

    /**
     * Each simulated device has the memory set for it ({@code dse4j_standin_set_device_memory}): cudaMemGetInfo and
     * cudaMalloc on device 1 answer from device 1's total, on device 0 from its own; setting the memory of all sets
     * both.
     */
    @Test
    void eachDeviceHasTheMemorySetForIt() {
        StandIn.setDevices(2);
        StandIn.setDeviceMemory(1, 1 << 20);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(1));
            assertArrayEquals(new long[] {1 << 20, 1 << 20}, memoryInfo());
            assertEquals(CUDA_ERROR_MEMORY_ALLOCATION, cuda_runtime_api_h.cudaMalloc(out, 2 << 20));
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(0));
            assertArrayEquals(new long[] {81559L << 20, 81559L << 20}, memoryInfo());
            assertEquals(0, cuda_runtime_api_h.cudaMalloc(out, 2 << 20));
            assertEquals(0, cuda_runtime_api_h.cudaFree(out.get(ValueLayout.ADDRESS, 0)));
            StandIn.setMemory(3 << 20);
            assertArrayEquals(new long[] {3 << 20, 3 << 20}, memoryInfo());
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(1));
            assertArrayEquals(new long[] {3 << 20, 3 << 20}, memoryInfo());
        }
    }

    /**
     * CUDA's context, cuBLAS and cuSOLVER take device memory of their own (512 MiB by default, an estimate for a
     * Hopper GPU: standin_memory.c): charged to the device of the first handle, once, and kept with the context
     * after the handles are destroyed, until a reset. A device with less free memory than that cannot create a
     * handle: the libraries' ALLOC_FAILED, and no handle left.
     */
    @Test
    void theLibrariesTakeTheirMemoryOnTheDeviceOfTheirFirstHandle() {
        StandIn.setDevices(2);
        long overhead = StandIn.libraryOverhead();
        assertEquals(512L << 20, overhead);
        long total = 81559L << 20;
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(1));
            MemorySegment cublas = createCublas(arena);
            assertArrayEquals(new long[] {total - overhead, total}, memoryInfo());
            MemorySegment cusolver = createCusolver(arena);
            assertArrayEquals(new long[] {total - overhead, total}, memoryInfo(), "charged once per device");
            assertEquals(0, cublas_v2_h.cublasDestroy_v2(cublas));
            assertEquals(0, cusolverDn_h.cusolverDnDestroy(cusolver));
            assertArrayEquals(new long[] {total - overhead, total}, memoryInfo(), "kept with the context");
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(0));
            assertArrayEquals(new long[] {total, total}, memoryInfo(), "nothing on the other device");

            StandIn.reset();
            StandIn.setDevices(2);
            StandIn.setDeviceMemory(1, overhead - 1);
            assertEquals(0, cuda_runtime_api_h.cudaSetDevice(1));
            assertArrayEquals(new long[] {overhead - 1, overhead - 1}, memoryInfo(), "a reset gives it back");
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            assertEquals(CUBLAS_STATUS_ALLOC_FAILED, cublas_v2_h.cublasCreate_v2(out));
            assertEquals(CUSOLVER_STATUS_ALLOC_FAILED, cusolverDn_h.cusolverDnCreate(out));
            assertEquals(0, StandIn.outstandingHandles());
            StandIn.setLibraryOverhead(0);
            assertEquals(0, cublas_v2_h.cublasDestroy_v2(createCublas(arena)), "with no overhead simulated");
        }
    }

    /** The backend opened on a device its libraries do not fit: the failing creation named, nothing left open. */
    @Test
    void aBackendOnADeviceTooSmallForTheLibrariesFailsToOpenCleanly() {
        StandIn.setMemory(StandIn.libraryOverhead() - 1);
        CudaException e = assertThrows(CudaException.class, () -> new GpuBackend(CudaLibraries.availability()));
        assertEquals("cuBLAS cublasCreate_v2: CUBLAS_STATUS_ALLOC_FAILED (3)", e.getMessage());
    }

    /**
     * cudaMemcpy and cudaMemcpyAsync refuse, as an invalid value, a side that is not what the copy's kind says —
     * host memory where it says device, device memory where it says host — and device memory that is not the
     * current device's, is freed, or is shorter than the copy from where it starts. cudaMemcpyDefault takes each
     * side for what it is, device memory within bounds.
     */
    @Test
    void aCopyWhoseSidesAreNotWhatItsKindSaysIsAnInvalidValue() {
        StandIn.setDevices(2);
        int toDevice = cuda_runtime_api_h.cudaMemcpyHostToDevice();
        int toHost = cuda_runtime_api_h.cudaMemcpyDeviceToHost();
        int onDevice = cuda_runtime_api_h.cudaMemcpyDeviceToDevice();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = StandIn.deviceMemory(arena, 64);
            MemorySegment device2 = StandIn.deviceMemory(arena, 64);
            MemorySegment host = arena.allocate(64);
            MemorySegment elsewhere = memoryOn(1, arena, 64);
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(device, host, 64, toDevice));
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(host, device, 64, toHost));
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(device2, device, 64, onDevice));
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(offset(device, 8), host, 56, toDevice));
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(host, device, 64, DEFAULT));
            assertEquals(0, cuda_runtime_api_h.cudaMemcpy(device, device2, 64, DEFAULT));

            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(host, device, 64, toDevice),
                    "host to device, the other way round");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(device, device2, 64, toDevice),
                    "host to device from the device");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(device, host, 64, toHost),
                    "device to host, the other way round");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(device, host, 64, onDevice),
                    "device to device from the host");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(host, device, 64, HOST_TO_HOST),
                    "host to host from the device");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(device, host, 65, toDevice),
                    "one byte past the end");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(offset(device, 8), host, 64,
                    toDevice), "from inside, past the end");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(elsewhere, host, 64, toDevice),
                    "another device's memory");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(host, elsewhere, 64, DEFAULT),
                    "by default, another device's memory");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(device, host, 65, DEFAULT),
                    "by default, past the end");
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpyAsync(host, device, 64, toDevice,
                    MemorySegment.NULL), "the asynchronous copy as the synchronous one");
            MemorySegment freed;
            try (Arena gone = Arena.ofConfined()) {
                freed = offset(StandIn.deviceMemory(gone, 64), 0);   // a bare pointer outlives its arena
            }
            assertEquals(CUDA_ERROR_INVALID_VALUE, cuda_runtime_api_h.cudaMemcpy(freed, host, 64, toDevice),
                    "memory freed");
        }
    }

    /**
     * syrk refuses (CUBLAS_STATUS_INVALID_VALUE) an A or C that is host memory, another device's, or shorter than
     * n, k and the leading dimensions make it: A holds n × k (or k × n transposed) with lda, C n × n with ldc.
     */
    @Test
    void syrkRefusesOperandsNotOnTheCurrentDeviceOrTooShort() {
        StandIn.setDevices(2);
        int lower = cublas_v2_h.CUBLAS_FILL_MODE_LOWER();
        int n = 4;
        int k = 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = createCublas(arena);
            try {
                MemorySegment one = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1);
                MemorySegment a = StandIn.deviceMemory(arena, (long) Double.BYTES * n * k);
                MemorySegment c = StandIn.deviceMemory(arena, (long) Double.BYTES * n * n);
                MemorySegment hostA = arena.allocate((long) Double.BYTES * n * k);
                MemorySegment hostC = arena.allocate((long) Double.BYTES * n * n);
                MemorySegment elsewhere = memoryOn(1, arena, (long) Double.BYTES * n * n);
                MemorySegment shortA = StandIn.deviceMemory(arena, (long) Double.BYTES * n * k - 1);
                MemorySegment shortC = StandIn.deviceMemory(arena, (long) Double.BYTES * (n * n - 1));
                java.util.function.BiFunction<MemorySegment, MemorySegment, Integer> syrk = (x, y) -> cublas_v2_h
                        .cublasDsyrk_v2(handle, lower, cublas_v2_h.CUBLAS_OP_N(), n, k, one, x, n, one, y,
                                n);
                assertEquals(0, syrk.apply(a, c));
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, syrk.apply(hostA, c), "A on the host");
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, syrk.apply(a, hostC), "C on the host");
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, syrk.apply(elsewhere, c), "A on another device");
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, syrk.apply(a, elsewhere), "C on another device");
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, syrk.apply(shortA, c), "A a byte short");
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, syrk.apply(a, shortC), "C an element short");
                // Transposed, A is k × n with lda ≥ k: the n × k buffer holds k × n with lda = k, not with lda = n.
                assertEquals(0, cublas_v2_h.cublasDsyrk_v2(handle, lower, 1, n, k, one, a, k, one, c, n));
                assertEquals(CUBLAS_STATUS_INVALID_VALUE,
                        cublas_v2_h.cublasDsyrk_v2(handle, lower, 1, n, k, one, a, n, one, c, n), "lda = n, too far");
                MemorySegment oneF = arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1);
                assertEquals(CUBLAS_STATUS_INVALID_VALUE, cublas_v2_h.cublasSsyrk_v2(handle, lower,
                        cublas_v2_h.CUBLAS_OP_N(), n, k, oneF, hostA, n, oneF, c, n), "Ssyrk's A on the host");
            } finally {
                assertEquals(0, cublas_v2_h.cublasDestroy_v2(handle));
            }
        }
    }

    /**
     * Xsyevd, XsyevBatched and Xgeev refuse (CUSOLVER_STATUS_INVALID_VALUE) an A, W, workspace or info that is
     * host memory, another device's, or shorter than the call reaches: A n × n with lda (batch of them), W n (2n for
     * Xgeev's real and imaginary parts; batch of them), the workspace the bytes the call is told, one info int per
     * matrix.
     */
    @Test
    void theEigensolversRefuseOperandsNotOnTheCurrentDeviceOrTooShort() {
        StandIn.setDevices(2);
        int n = 4;
        int f64 = cusolverDn_h.CUDA_R_64F();
        int novector = cusolverDn_h.CUSOLVER_EIG_MODE_NOVECTOR();
        int lower = cusolverDn_h.CUBLAS_FILL_MODE_LOWER();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = createCusolver(arena);
            try {
                double[] diagonal = new double[n * n];
                for (int i = 0; i < n; i++) {
                    diagonal[i + i * n] = i + 1;
                }
                MemorySegment a = StandIn.deviceDoubles(arena, diagonal);
                MemorySegment w = StandIn.deviceMemory(arena, (long) Double.BYTES * n);
                MemorySegment info = StandIn.deviceMemory(arena, Integer.BYTES);
                MemorySegment sizes = arena.allocate(ValueLayout.JAVA_LONG, 2);
                assertEquals(0, cusolverDn_h.cusolverDnXsyevd_bufferSize(handle, MemorySegment.NULL, novector,
                        lower, n, f64, a, n, f64, w, f64, sizes, sizes.asSlice(Long.BYTES)));
                long workBytes = sizes.get(ValueLayout.JAVA_LONG, 0);
                long hostBytes = sizes.get(ValueLayout.JAVA_LONG, Long.BYTES);
                MemorySegment hostWork = arena.allocate(hostBytes);
                MemorySegment work = StandIn.deviceMemory(arena, workBytes);
                MemorySegment host = arena.allocate((long) Double.BYTES * n * n);
                MemorySegment elsewhere = memoryOn(1, arena, (long) Double.BYTES * n * n);
                MemorySegment shortWork = StandIn.deviceMemory(arena, workBytes - 1);
                interface Syevd {
                    int call(MemorySegment a, MemorySegment w, MemorySegment work, MemorySegment info);
                }
                Syevd syevd = (x, y, z, i) -> cusolverDn_h.cusolverDnXsyevd(handle, MemorySegment.NULL, novector,
                        lower, n, f64, x, n, f64, y, f64, z, workBytes, hostWork, hostBytes, i);
                assertEquals(0, syevd.call(a, w, work, info));
                // Queued, not run (standin_streams.c): until the synchronisation the outputs hold what was there, the
                // fresh memory's NaN (every byte 0xFF, so info reads -1).
                assertTrue(Double.isNaN(w.getAtIndex(ValueLayout.JAVA_DOUBLE, n - 1)), "W before the synchronisation");
                assertEquals(-1, info.get(ValueLayout.JAVA_INT, 0), "info before the synchronisation");
                assertEquals(0, StandIn.synchronize());
                assertEquals(0, info.get(ValueLayout.JAVA_INT, 0));
                assertEquals(4.0, w.getAtIndex(ValueLayout.JAVA_DOUBLE, n - 1));
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, syevd.call(host, w, work, info), "A on the host");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, syevd.call(elsewhere, w, work, info),
                        "A on another device");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, syevd.call(a, host, work, info), "W on the host");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, syevd.call(a, offset(w, 8), work, info),
                        "W an element short");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, syevd.call(a, w, shortWork, info),
                        "a workspace a byte shorter than the call is told");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, syevd.call(a, w, work, host), "info on the host");

                // Two matrices: A, W and info for two, or refused.
                MemorySegment a2 = StandIn.deviceMemory(arena, 2L * Double.BYTES * n * n);
                MemorySegment.copy(a, 0, a2, 0, a.byteSize());
                MemorySegment.copy(a, 0, a2, a.byteSize(), a.byteSize());
                MemorySegment w2 = StandIn.deviceMemory(arena, 2L * Double.BYTES * n);
                MemorySegment info2 = StandIn.deviceMemory(arena, 2L * Integer.BYTES);
                assertEquals(0, CusolverBatched.bufferSize(handle, MemorySegment.NULL, novector, lower, n, f64, a2,
                        n, f64, w2, f64, sizes, sizes.asSlice(Long.BYTES), 2));
                long batchBytes = sizes.get(ValueLayout.JAVA_LONG, 0);
                long batchHostBytes = sizes.get(ValueLayout.JAVA_LONG, Long.BYTES);
                MemorySegment batchHostWork = arena.allocate(batchHostBytes);
                MemorySegment batchWork = StandIn.deviceMemory(arena, batchBytes);
                Syevd batched = (x, y, z, i) -> CusolverBatched.solve(handle, MemorySegment.NULL, novector, lower, n,
                        f64, x, n, f64, y, f64, z, batchBytes, batchHostWork, batchHostBytes, i, 2);
                assertEquals(0, batched.call(a2, w2, batchWork, info2));
                assertEquals(0, StandIn.synchronize());
                assertEquals(4.0, w2.getAtIndex(ValueLayout.JAVA_DOUBLE, 2 * n - 1));
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, batched.call(a, w2, batchWork, info2), "A for one");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, batched.call(a2, w, batchWork, info2), "W for one");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, batched.call(a2, w2, batchWork, info), "info for one");

                // Xgeev: W holds the real parts, then the imaginary ones.
                assertEquals(0, CusolverGeev.bufferSize(handle, MemorySegment.NULL, novector, n, f64, a, w2, sizes,
                        sizes.asSlice(Long.BYTES)));
                long geevBytes = sizes.get(ValueLayout.JAVA_LONG, 0);
                long geevHostBytes = sizes.get(ValueLayout.JAVA_LONG, Long.BYTES);
                MemorySegment geevHostWork = arena.allocate(geevHostBytes);
                MemorySegment geevWork = StandIn.deviceMemory(arena, geevBytes);
                Syevd geev = (x, y, z, i) -> CusolverGeev.solve(handle, MemorySegment.NULL, novector, n, f64, x, y,
                        z, geevBytes, geevHostWork, geevHostBytes, i);
                assertEquals(0, geev.call(a2, w2, geevWork, info));
                assertEquals(0, StandIn.synchronize());
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, geev.call(a2, w, geevWork, info), "W of n, not 2n");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, geev.call(host, w2, geevWork, info), "A on the host");
                assertEquals(CUSOLVER_STATUS_INVALID_VALUE, geev.call(a2, w2, geevWork, elsewhere),
                        "info on another device");
            } finally {
                assertEquals(0, cusolverDn_h.cusolverDnDestroy(handle));
            }
        }
    }
}
