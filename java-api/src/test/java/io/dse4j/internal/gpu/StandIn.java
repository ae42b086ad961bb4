package io.dse4j.internal.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA stand-in's control API (native/standin/dse4j_standin.h), bound by hand for the tests: the ledger of
 * outstanding allocations and handles, and fault injection. Usable once the loader has loaded the stand-in.
 */
final class StandIn {

    private static final Linker LINKER = Linker.nativeLinker();

    private StandIn() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = SymbolLookup.loaderLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the CUDA stand-in is not loaded (" + name + ")"));
        return LINKER.downcallHandle(symbol, descriptor);
    }

    /**
     * Fails unless the loader found the stand-in (not a real CUDA, and not nothing), then resets it: the start of
     * every test that drives the GPU backend over it.
     */
    static void requireLoadedAndReset() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        org.junit.jupiter.api.Assertions.assertTrue(availability.usable(),
                "the CUDA stand-in must be loadable here: " + availability.reasons());
        org.junit.jupiter.api.Assertions.assertTrue(availability.standIn(),
                "these tests must run on the stand-in, not on " + availability);
        reset();
    }

    static void reset() {
        try {
            handle("dse4j_standin_reset", FunctionDescriptor.ofVoid()).invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The driver's CUDA version (12080: a CUDA 12.8 driver) and the device's compute capability, until a reset. */
    static void setDriver(int version, int major, int minor) {
        try {
            handle("dse4j_standin_set_driver", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT))
                    .invokeExact(version, major, minor);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** Device {@code device}'s compute capability, until the next {@link #setDriver} or {@link #reset()}. */
    static void setCapability(int device, int major, int minor) {
        try {
            handle("dse4j_standin_set_capability", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT))
                    .invokeExact(device, major, minor);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The status of an emulated launch whose barrier half the threads of a block never reach. */
    static int launchDivergentBarrier() {
        try {
            return (int) handle("dse4j_standin_launch_divergent_barrier", FunctionDescriptor.of(JAVA_INT))
                    .invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    static long outstandingAllocations() {
        try {
            return (long) handle("dse4j_standin_outstanding_allocations", FunctionDescriptor.of(JAVA_LONG))
                    .invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Runs the work issued to streams, as {@code cudaStreamSynchronize(NULL)} (the legacy default stream waits for
     * every blocking stream), and returns its status: the failure of work that ran, or 0. A test reads "device"
     * memory directly, as the host memory it is in the stand-in — after this, as a GPU's host would after a copy.
     */
    static int synchronize() {
        return io.dse4j.bindings.cudart.cuda_runtime_api_h.cudaStreamSynchronize(MemorySegment.NULL);
    }

    /** Forgets every device's sticky fault, as a new process would start without it (a reset does it too). */
    static void clearFaults() {
        try {
            handle("dse4j_standin_clear_faults", FunctionDescriptor.ofVoid()).invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** Work issued to streams and not yet run (it runs at the next synchronisation point). */
    static long queued() {
        try {
            return (long) handle("dse4j_standin_queued", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    static long outstandingHandles() {
        try {
            return (long) handle("dse4j_standin_outstanding_handles", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    static long calls(String function) {
        try (Arena arena = Arena.ofConfined()) {
            return (long) handle("dse4j_standin_calls", FunctionDescriptor.of(JAVA_LONG, ADDRESS))
                    .invokeExact(arena.allocateFrom(function));
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** Makes the nth call of {@code function} from now return {@code status}. */
    static void fail(String function, long nth, int status) {
        try (Arena arena = Arena.ofConfined()) {
            handle("dse4j_standin_fail", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT))
                    .invokeExact(arena.allocateFrom(function), nth, status);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The number of devices the stand-in simulates (until {@link #reset()}: 1). */
    static void setDevices(int count) {
        try {
            handle("dse4j_standin_set_devices", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(count);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The cudaMalloc calls that succeeded on {@code device} since the last {@link #reset()}. */
    static long allocationsOn(int device) {
        try {
            return (long) handle("dse4j_standin_allocations_on", FunctionDescriptor.of(JAVA_LONG, JAVA_INT))
                    .invokeExact(device);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    static void failInfo(int info) {
        try {
            handle("dse4j_standin_fail_info", FunctionDescriptor.ofVoid(JAVA_INT)).invokeExact(info);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The most elements (n · lda · batch) one cusolverDnXsyevBatched call of the stand-in accepts. */
    static void setBatchedLimit(long elements) {
        try {
            handle("dse4j_standin_set_batched_limit", FunctionDescriptor.ofVoid(JAVA_LONG)).invokeExact(elements);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * {@code bytes} of device memory from {@code cudaMalloc} on the calling thread's current device, freed
     * ({@code cudaFree}) when {@code arena} closes. The stand-in's device memory is host memory, so a test reads and
     * writes it through the segment where on a GPU it would copy; fresh, it is NaN throughout (every byte 0xFF).
     */
    static MemorySegment deviceMemory(Arena arena, long bytes) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment out = scratch.allocate(ADDRESS);
            int status = io.dse4j.bindings.cudart.cuda_runtime_api_h.cudaMalloc(out, bytes);
            if (status != 0) {
                throw new AssertionError("cudaMalloc(" + bytes + ") returned " + status);
            }
            return out.get(ADDRESS, 0).reinterpret(bytes, arena,
                    block -> io.dse4j.bindings.cudart.cuda_runtime_api_h.cudaFree(block));
        }
    }

    /** {@code values} in device memory ({@link #deviceMemory}). */
    static MemorySegment deviceDoubles(Arena arena, double... values) {
        MemorySegment block = deviceMemory(arena, (long) Double.BYTES * values.length);
        MemorySegment.copy(values, 0, block, java.lang.foreign.ValueLayout.JAVA_DOUBLE, 0, values.length);
        return block;
    }

    /** The total memory of every simulated device, until {@link #reset()} (81559 MiB, an H100 80GB). */
    static void setMemory(long totalBytes) {
        try {
            handle("dse4j_standin_set_memory", FunctionDescriptor.ofVoid(JAVA_LONG)).invokeExact(totalBytes);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The device workspace bytes the stand-in's {@code cusolverDnXsyevd_bufferSize} asks for an n×n matrix of
     * {@code elementBytes}-byte elements (per matrix of a batch: {@code XsyevBatched}'s is {@code batch} times it),
     * as native/standin/standin_cusolver.c models it: the working copy (n²), the eigenvectors (n², with
     * {@code vectors}) and a panel of n × nb, whose width nb narrows as n grows (32 below 64, 16 below 256, 8 beyond)
     * — so that the requirement is not monotonic in n, as cuSOLVER does not promise it to be.
     */
    static long syevdDeviceBytes(long n, long elementBytes, boolean vectors) {
        long panel = n < 64 ? 32 : n < 256 ? 16 : 8;
        return elementBytes * (n * n * (vectors ? 2 : 1) + n * panel);
    }

    /** The host workspace bytes the stand-in's Xsyevd and XsyevBatched ask for: LAPACK xSYEVD's 2n + 1 elements. */
    static long syevdHostBytes(long n, long elementBytes) {
        return elementBytes * (2 * n + 1);
    }

    /** The total memory of simulated device {@code device}, until {@link #reset()}. */
    static void setDeviceMemory(int device, long totalBytes) {
        try {
            handle("dse4j_standin_set_device_memory", FunctionDescriptor.ofVoid(JAVA_INT, JAVA_LONG))
                    .invokeExact(device, totalBytes);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The device memory CUDA's context, cuBLAS and cuSOLVER take, charged to a device with its first cuBLAS or
     * cuSOLVER handle, until {@link #reset()} (which restores the default, {@link #libraryOverhead()} then).
     */
    static void setLibraryOverhead(long bytes) {
        try {
            handle("dse4j_standin_set_library_overhead", FunctionDescriptor.ofVoid(JAVA_LONG)).invokeExact(bytes);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The overhead the next first handle on a device charges. */
    static long libraryOverhead() {
        try {
            return (long) handle("dse4j_standin_library_overhead", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
