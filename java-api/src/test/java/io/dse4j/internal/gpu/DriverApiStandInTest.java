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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in's CUDA driver API — cuModuleLoadData, cuModuleGetFunction, cuLaunchKernel with its kernelParams
 * array, cuModuleUnload — over the emulated kernels: what the driver-API launch path of the GPU backend will call,
 * so that its module loading and argument marshalling are tested with the kernels a GPU runs. Bound by hand here.
 */
@ExtendWith(SanitizedStandIn.class)
class DriverApiStandInTest {

    private static final Linker LINKER = Linker.nativeLinker();
    /** The start of a fatbin: its magic, little-endian. */
    private static final byte[] FATBIN = {0x50, (byte) 0xED, 0x55, (byte) 0xBA, 1, 0, 16, 0};

    @BeforeEach
    void standIn() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        assertTrue(availability.usable() && availability.standIn(), "needs the CUDA stand-in: " + availability);
        StandIn.reset();
    }

    @AfterEach
    void nothingLeft() {
        assertEquals(0, StandIn.outstandingHandles(), "modules left loaded");
        StandIn.reset();
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(SymbolLookup.loaderLookup().find(name).orElseThrow(), descriptor);
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
            MemorySegment matrix = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, a);
            MemorySegment degrees = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 100, 200, 300, 400, 500);
            assertEquals(0, launch(function[0], 3, 256, params(arena, matrix, (long) n, (long) lda, degrees)));
            for (int j = 0; j < n; j++) {
                double expected = 100 * (j + 1);
                for (int i = j; i < n; i++) {
                    expected += a[i + j * lda];
                }
                assertEquals(expected, degrees.getAtIndex(ValueLayout.JAVA_DOUBLE, j), "column " + j);
            }
            // gaussian with a double scalar among the arguments: the diagonal becomes exactly 1.
            assertEquals(0, getFunction(arena, module, "dse4j_k_gaussian_f64", function));
            MemorySegment norms = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 30, 30, 30, 30, 30);
            assertEquals(0, launch(function[0], 1, 256, params(arena, matrix, (long) n, (long) lda, norms, -0.5)));
            assertEquals(1.0, matrix.getAtIndex(ValueLayout.JAVA_DOUBLE, 3 + 3 * lda));
            assertEquals(Math.exp(-0.5 * (60 - 2 * a[4 + 2 * lda])),
                    matrix.getAtIndex(ValueLayout.JAVA_DOUBLE, 4 + 2 * lda), 1e-15);
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
    void theLoadersReportNamesTheDriverVersionTheDeviceAndItsComputeCapability() {
        assertEquals(java.util.Optional.of(13000), DriverApi.version());
        assertEquals(java.util.Optional.of("dse4j CUDA stand-in (sm_90)"), DriverApi.firstDevice());
        String description = CudaLibraries.availability().description();
        assertTrue(description.endsWith(", the first dse4j CUDA stand-in (sm_90)"), description);
        StandIn.setDevices(0);
        assertEquals(java.util.Optional.empty(), DriverApi.firstDevice(), "no device: nothing to name");
    }
}
