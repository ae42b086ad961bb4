package io.dse4j.internal.gpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in's CUDA driver API itself — cuModuleLoadData, cuModuleGetFunction, cuLaunchKernel with its
 * kernelParams array, cuModuleUnload, the primary context — over the emulated kernels, called directly (bound by hand
 * here, apart from the library's bindings and {@link DeviceKernels}), so that the stand-in answers as the driver
 * does, errors included, wherever the backend's tests rely on it.
 */
@ExtendWith(SanitizedStandIn.class)
class DriverApiStandInTest {

    private static final Linker LINKER = Linker.nativeLinker();
    /** The start of a fatbin: its magic, little-endian. */
    private static final byte[] FATBIN = {0x50, (byte) 0xED, 0x55, (byte) 0xBA, 1, 0, 16, 0};

    @BeforeEach
    void standIn() throws Throwable {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        assertTrue(availability.usable() && availability.standIn(), "needs the CUDA stand-in: " + availability);
        StandIn.reset();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(ADDRESS);
            assertEquals(0, (int) function("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_INT)).invokeExact(context, 0));
            assertEquals(0, setCurrent(context.get(ADDRESS, 0)));
        }
    }

    private static int setCurrent(MemorySegment context) throws Throwable {
        return (int) function("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invokeExact(context);
    }

    private static int release() throws Throwable {
        return (int) function("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(0);
    }

    @AfterEach
    void nothingLeft() throws Throwable {
        assertEquals(0, release());
        assertEquals(0, StandIn.outstandingHandles(), "modules left loaded, or the context retained");
        StandIn.reset();
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(SymbolLookup.loaderLookup().find(name).orElseThrow(), descriptor);
    }

    private static byte[] emptyCubin(Nvrtc nvrtc, String architecture) {
        return nvrtc.compileCubin("k.cu", "extern \"C\" __global__ void k() {}", java.util.Map.of(),
                java.util.List.of("--gpu-architecture=" + architecture));
    }

    private static MemorySegment load(Arena arena, byte[] image, int expected) throws Throwable {
        MemorySegment module = arena.allocate(ADDRESS);
        assertEquals(expected, (int) function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS))
                .invokeExact(module, arena.allocateFrom(ValueLayout.JAVA_BYTE, image)));
        return module.get(ADDRESS, 0);
    }

    private static int getFunction(Arena arena, MemorySegment module, String name, MemorySegment[] out)
            throws Throwable {
        MemorySegment function = arena.allocate(ADDRESS);
        int status = (int) function("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS))
                .invokeExact(function, module, arena.allocateFrom(name));
        out[0] = function.get(ADDRESS, 0);
        return status;
    }

    private static int unload(MemorySegment module) throws Throwable {
        return (int) function("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invokeExact(module);
    }

    /** kernelParams: an array of pointers, each to one argument's value. */
    private static MemorySegment params(Arena arena, Object... arguments) {
        MemorySegment array = arena.allocate(ADDRESS, arguments.length);
        for (int i = 0; i < arguments.length; i++) {
            MemorySegment value = switch (arguments[i]) {
                case MemorySegment pointer -> arena.allocateFrom(ADDRESS, pointer);
                case Long integer -> arena.allocateFrom(ValueLayout.JAVA_LONG, integer);
                case Double real -> arena.allocateFrom(ValueLayout.JAVA_DOUBLE, real);
                default -> throw new IllegalArgumentException(String.valueOf(arguments[i]));
            };
            array.setAtIndex(ADDRESS, i, value);
        }
        return array;
    }

    private static int launch(MemorySegment function, int grid, int block, MemorySegment params) throws Throwable {
        return (int) function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS))
                .invokeExact(function, grid, 1, 1, block, 1, 1, 0, MemorySegment.NULL, params, MemorySegment.NULL);
    }

    @Test
    void aKernelLaunchedThroughKernelParamsComputesWhatItsLoopSays() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = load(arena, FATBIN, 0);
            MemorySegment[] function = new MemorySegment[1];
            // column_parts: degrees[j] += Σ_{i ≥ j} a_ij, a shared-memory reduction per column, 3 blocks over 5.
            assertEquals(0, getFunction(arena, module, "dse4j_k_column_parts_f64", function));
            int n = 5;
            int lda = 7;
            double[] a = new double[lda * n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < lda; i++) {
                    a[i + j * lda] = i >= j && i < n ? 1 + i + 10 * j : Double.NaN;
                }
            }
            MemorySegment matrix = StandIn.deviceDoubles(arena, a);
            MemorySegment degrees = StandIn.deviceDoubles(arena, 100, 200, 300, 400, 500);
            assertEquals(0, launch(function[0], 3, 256, params(arena, matrix, (long) n, (long) lda, degrees)));
            assertEquals(0, StandIn.synchronize());
            for (int j = 0; j < n; j++) {
                double expected = 100 * (j + 1);
                for (int i = j; i < n; i++) {
                    expected += a[i + j * lda];
                }
                assertEquals(expected, degrees.getAtIndex(ValueLayout.JAVA_DOUBLE, j), "column " + j);
            }
            // gaussian with a double scalar among the arguments: the diagonal becomes exactly 1.
            assertEquals(0, getFunction(arena, module, "dse4j_k_gaussian_f64", function));
            MemorySegment norms = StandIn.deviceDoubles(arena, 30, 30, 30, 30, 30);
            // Original coordinates (one dimension) that are never read: with visible = −1 no entry is recomputed by
            // differences, so every entry is the expansion's exp(−0.5·(n_i + n_j − 2a_ij)).
            MemorySegment original = StandIn.deviceMemory(arena, (long) Double.BYTES * n);
            assertEquals(0, launch(function[0], 1, 256, params(arena, matrix, (long) n, (long) lda, norms, original,
                    (long) n, 1L, -0.5, -1.0)));
            assertEquals(0, StandIn.synchronize());
            assertEquals(1.0, matrix.getAtIndex(ValueLayout.JAVA_DOUBLE, 3 + 3 * lda));
            assertEquals(Math.exp(-0.5 * (60 - 2 * a[4 + 2 * lda])),
                    matrix.getAtIndex(ValueLayout.JAVA_DOUBLE, 4 + 2 * lda), 1e-15);
            assertEquals(0, unload(module));
        }
    }

    /**
     * A kernel can follow only pointers into its device's memory: a host pointer, another device's memory, memory
     * freed, or the end of an allocation given as a kernel's pointer argument is an illegal address: the launch is
     * accepted and the fault comes back from the next synchronisation, CUDA_ERROR_ILLEGAL_ADDRESS (700) under that name,
     * and stays: the context is lost, as on a GPU.
     */
    /**
     * A launch accepted (0) whose fault the next synchronisation reports (700), and which is sticky: the next launch
     * and allocation answer it too, until the fault is cleared (as a new process would start).
     */
    private static void assertFaults(int launched, String what) throws Throwable {
        assertEquals(0, launched, what + ": the launch itself is accepted");
        assertEquals(700, StandIn.synchronize(), what);
        assertEquals(700, StandIn.synchronize(), what + ": sticky");
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(700, (int) function("cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG))
                    .invokeExact(arena.allocate(ADDRESS), 8L), what + ": an allocation after it");
        }
        StandIn.clearFaults();
    }

    @Test
    void aKernelGivenMemoryItsDeviceCannotReachFaultsWithAnIllegalAddress() throws Throwable {
        StandIn.setDevices(2);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = load(arena, FATBIN, 0);
            MemorySegment[] function = new MemorySegment[1];
            assertEquals(0, getFunction(arena, module, "dse4j_k_diagonal_f64", function));
            MemorySegment a = StandIn.deviceDoubles(arena, 1, 3, 2, 4);
            MemorySegment norms = StandIn.deviceMemory(arena, 2L * Double.BYTES);
            assertEquals(0, launch(function[0], 1, 256, params(arena, a, 2L, 2L, norms)));
            assertEquals(0, StandIn.synchronize());
            assertEquals(4.0, norms.getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
            MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1, 3, 2, 4);
            assertFaults(launch(function[0], 1, 256, params(arena, host, 2L, 2L, norms)), "a host matrix");
            assertFaults(launch(function[0], 1, 256, params(arena, a, 2L, 2L, arena.allocate(16))),
                    "host memory for the output");
            assertEquals(0, (int) function("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(1));
            MemorySegment elsewhere = StandIn.deviceDoubles(arena, 1, 3, 2, 4);
            assertEquals(0, (int) function("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(0));
            assertFaults(launch(function[0], 1, 256, params(arena, elsewhere, 2L, 2L, norms)),
                    "device 1's memory for a kernel on device 0");
            MemorySegment freed;
            try (Arena gone = Arena.ofConfined()) {
                freed = StandIn.deviceDoubles(gone, 1, 3, 2, 4);
            }
            assertFaults(launch(function[0], 1, 256, params(arena, freed, 2L, 2L, norms)), "memory freed");
            assertFaults(launch(function[0], 1, 256, params(arena, a, 2L, 2L,
                    MemorySegment.ofAddress(norms.address() + norms.byteSize()))), "the end of an allocation");
            assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", CudaStatus.driverName(700));
            assertEquals(0, unload(module));
        }
    }

    @Test
    void badImagesNamesHandlesAndArgumentsAreTheDriversErrors() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            // Text that is not PTX (NUL-terminated, as cuModuleLoadData reads text images up to their NUL).
            load(arena, "not a module\0".getBytes(), 200);                         // CUDA_ERROR_INVALID_IMAGE
            MemorySegment ptx = load(arena, "// generated\n.version 8.8\n.target sm_75\n\0".getBytes(), 0);
            MemorySegment[] function = new MemorySegment[1];
            assertEquals(500, getFunction(arena, ptx, "dse4j_k_no_such_kernel", function));   // CUDA_ERROR_NOT_FOUND
            assertEquals(0, getFunction(arena, ptx, "dse4j_k_diagonal_f32", function));
            // Arguments go through kernelParams only; extra is not used by dse4j.
            assertEquals(1, (int) function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                    JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS))
                    .invokeExact(function[0], 1, 1, 1, 256, 1, 1, 0, MemorySegment.NULL, MemorySegment.NULL,
                            MemorySegment.NULL));
            assertEquals(0, unload(ptx));
            assertEquals(400, unload(ptx), "a module unloaded twice");             // CUDA_ERROR_INVALID_HANDLE
            assertEquals(400, getFunction(arena, ptx, "dse4j_k_diagonal_f32", function));
        }
    }

    @Test
    void withoutTheContextCurrentNothingLoadsOrLaunchesAndReleasesAreCounted() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = load(arena, FATBIN, 0);
            MemorySegment[] function = new MemorySegment[1];
            assertEquals(0, getFunction(arena, module, "dse4j_k_diagonal_f64", function));
            MemorySegment a = StandIn.deviceDoubles(arena, 1, 3, 2, 4);
            MemorySegment norms = StandIn.deviceMemory(arena, 2L * Double.BYTES);
            assertEquals(0, setCurrent(MemorySegment.NULL));
            assertEquals(201, launch(function[0], 1, 256, params(arena, a, 2L, 2L, norms)));   // INVALID_CONTEXT
            load(arena, FATBIN, 201);
            assertEquals(201, unload(module));
            assertEquals(201, setCurrent(a), "only the primary context can be made current");
            MemorySegment context = arena.allocate(ADDRESS);
            assertEquals(0, (int) function("cuCtxGetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS))
                    .invokeExact(context));
            assertEquals(MemorySegment.NULL, context.get(ADDRESS, 0));
            // A second retain is a second reference: one release leaves the context alive.
            assertEquals(0, (int) function("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                    JAVA_INT)).invokeExact(context, 0));
            assertEquals(0, release());
            assertEquals(0, setCurrent(context.get(ADDRESS, 0)));
            assertEquals(0, launch(function[0], 1, 256, params(arena, a, 2L, 2L, norms)));
            assertEquals(0, StandIn.synchronize());
            assertEquals(4.0, norms.getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
            assertEquals(0, unload(module));
        }
    }

    /**
     * A function goes with its module: a launch after the module's unloading is refused (CUDA_ERROR_INVALID_HANDLE),
     * and one still queued when the module was unloaded — which CUDA leaves undefined — fails when it runs (719, the
     * context lost), so code that unloads before it synchronises fails here.
     */
    @Test
    void aModuleUnloadedUnderItsQueuedLaunchFailsItAndRefusesLaterOnes() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment module = load(arena, FATBIN, 0);
            MemorySegment[] function = new MemorySegment[1];
            assertEquals(0, getFunction(arena, module, "dse4j_k_diagonal_f64", function));
            MemorySegment a = StandIn.deviceDoubles(arena, 1, 3, 2, 4);
            MemorySegment norms = StandIn.deviceMemory(arena, 2L * Double.BYTES);
            assertEquals(0, launch(function[0], 1, 256, params(arena, a, 2L, 2L, norms)));
            assertEquals(0, unload(module));
            assertEquals(719, StandIn.synchronize(), "the queued launch's code was unloaded");
            StandIn.clearFaults();
            assertEquals(400, launch(function[0], 1, 256, params(arena, a, 2L, 2L, norms)), "a launch after it");
        }
    }

    /**
     * A cubin is machine code for one architecture: it loads on a GPU of the same major compute capability and an
     * equal or higher minor one, and nowhere else, a Tegra only its own (CUDA C++ Programming Guide, "Binary
     * Compatibility"), judged by the device of the current context — so a cubin compiled for one GPU of a machine
     * with mixed GPUs fails on another.
     */
    @Test
    void aCubinLoadsOnlyOnItsMajorArchitectureAndAnEqualOrHigherMinor() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            Nvrtc nvrtc = Nvrtc.of(SymbolLookup.loaderLookup());
            byte[] sm80 = emptyCubin(nvrtc, "sm_80");
            byte[] sm86 = emptyCubin(nvrtc, "sm_86");
            byte[] sm89 = emptyCubin(nvrtc, "sm_89");
            byte[] sm90 = emptyCubin(nvrtc, "sm_90");
            assertEquals(0, unload(load(arena, sm90, 0)), "the stand-in's device is sm_90");
            load(arena, sm86, 209);                                                  // CUDA_ERROR_NO_BINARY_FOR_GPU
            load(arena, sm80, 209);                                                  // another major
            StandIn.setCapability(0, 8, 6);
            assertEquals(0, unload(load(arena, sm86, 0)), "its own architecture");
            assertEquals(0, unload(load(arena, sm80, 0)), "a lower minor of the same major");
            load(arena, sm89, 209);                                                  // a higher minor
            load(arena, sm90, 209);
            StandIn.setCapability(0, 8, 7);                                          // a Tegra (Orin)
            load(arena, sm86, 209);                                                  // not a desktop's cubin
            assertEquals(0, unload(load(arena, emptyCubin(nvrtc, "sm_87"), 0)), "only its own");
            Nvrtc.CompilationException e = org.junit.jupiter.api.Assertions.assertThrows(
                    Nvrtc.CompilationException.class, () -> nvrtc.compileCubin("k.cu", "#include \"missing.h\"\n",
                            java.util.Map.of(), java.util.List.of("--gpu-architecture=sm_90")));
            assertTrue(e.getMessage().contains("NVRTC_ERROR_COMPILATION (6)")
                    && e.getMessage().contains("cannot open source file \"missing.h\""), e.getMessage());
        }
    }

    @Test
    void theLoadersReportNamesTheDriverVersionTheDeviceAndItsComputeCapability() {
        assertEquals(java.util.Optional.of(13000), DriverApi.version());
        assertEquals(java.util.Optional.of("dse4j CUDA stand-in (sm_90)"), DriverApi.firstDevice());
        String description = CudaLibraries.availability().description();
        boolean fatbin = DriverApiStandInTest.class.getResource(KernelImages.FATBIN_RESOURCE) != null;
        assertTrue(description.contains(", the first dse4j CUDA stand-in (sm_90); kernels: "
                + (fatbin ? "fatbin built by nvcc" : "cubin for sm_90 compiled by NVRTC")), description);
        StandIn.setDevices(0);
        assertEquals(java.util.Optional.empty(), DriverApi.firstDevice(), "no device: nothing to name");
    }

    /**
     * The runtime follows the thread's current context and the other way round, as on CUDA: with device 1's primary
     * context made current an allocation lands on device 1; cudaSetDevice(0) makes device 0's context current.
     */
    @Test
    void theRuntimesDeviceAndTheDriversContextFollowEachOther() throws Throwable {
        StandIn.setDevices(2);
        MethodHandle retain = function("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle malloc = function("cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, ValueLayout.JAVA_LONG));
        MethodHandle free = function("cudaFree", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            assertEquals(0, (int) function("cuCtxGetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS))
                    .invokeExact(out));
            MemorySegment zero = out.get(ADDRESS, 0);
            assertEquals(0, (int) retain.invokeExact(out, 1));
            MemorySegment one = out.get(ADDRESS, 0);
            assertEquals(0, setCurrent(one));
            long before = StandIn.allocationsOn(1);
            assertEquals(0, (int) malloc.invokeExact(out, 64L));
            assertEquals(before + 1, StandIn.allocationsOn(1), "allocated on the current context's device");
            assertEquals(0, (int) free.invokeExact(out.get(ADDRESS, 0)));
            assertEquals(0, (int) function("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT)).invokeExact(0));
            assertEquals(0, (int) function("cuCtxGetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS))
                    .invokeExact(out));
            assertEquals(zero, out.get(ADDRESS, 0), "cudaSetDevice(0) made device 0's context current");
            assertEquals(0, (int) function("cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT))
                    .invokeExact(1));
        }
    }
}
