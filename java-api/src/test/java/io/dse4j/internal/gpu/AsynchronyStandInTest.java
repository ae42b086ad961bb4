package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in is asynchronous as a GPU is (issue 24): work issued to a stream — a launch, a cuBLAS or cuSOLVER
 * computation, an asynchronous copy — runs only at a synchronisation point, so a host read that a synchronisation does
 * not precede sees stale data (poison), as it may on hardware, where such a bug passes or fails by luck of timing.
 */
class AsynchronyStandInTest {

    /** A 2×2 column-major matrix whose diagonal is (1, 4). */
    private static final double[] MATRIX = {1, 3, 2, 4};

    private DeviceKernels kernels;

    @BeforeEach
    void standIn() {
        StandIn.requireLoadedAndReset();
        kernels = DeviceKernels.load(0, CudaLibraries.availability().kernels());
    }

    @AfterEach
    void nothingLeft() {
        kernels.close();
        assertEquals(0, StandIn.queued(), "work left queued");
        assertEquals(0, StandIn.outstandingAllocations());
        StandIn.reset();
    }

    /**
     * A launch and an asynchronous copy of its result to the host are queued, not run: the host buffer holds poison
     * (NaN) until the stream is synchronised, and the result after — a reader that forgets the synchronisation fails.
     */
    @Test
    void aHostReadBeforeTheStreamsSynchronisationSeesPoison() {
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer matrix = DeviceBuffer.allocate(Double.BYTES * MATRIX.length);
             DeviceBuffer diagonal = DeviceBuffer.allocate(2 * Double.BYTES)) {
            matrix.upload(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, MATRIX));
            MemorySegment stream = stream(arena);
            try {
                kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, diagonal.address(), stream);
                MemorySegment host = arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 7, 7);
                assertEquals(0, cuda_runtime_api_h.cudaMemcpyAsync(host, diagonal.address(), 2 * Double.BYTES,
                        cuda_runtime_api_h.cudaMemcpyDeviceToHost(), stream));
                assertEquals(2, StandIn.queued(), "the launch and the copy wait for a synchronisation");
                assertTrue(Double.isNaN(host.getAtIndex(ValueLayout.JAVA_DOUBLE, 0))
                        && Double.isNaN(host.getAtIndex(ValueLayout.JAVA_DOUBLE, 1)),
                        "before the synchronisation the host buffer is poisoned");
                assertEquals(0, cuda_runtime_api_h.cudaStreamSynchronize(stream));
                assertEquals(0, StandIn.queued());
                assertEquals(1.0, host.getAtIndex(ValueLayout.JAVA_DOUBLE, 0));
                assertEquals(4.0, host.getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
            } finally {
                assertEquals(0, cuda_runtime_api_h.cudaStreamDestroy(stream));
            }
        }
    }

    /**
     * The blocking cudaMemcpy runs in the legacy default stream, after the work of every blocking stream issued before
     * it: a download right after a launch gets the launch's result without an explicit synchronisation (as dse4j's
     * downloads rely on). cudaFree need not wait ("may perform implicit synchronization"): a launch still queued when
     * its output is freed is an illegal address when it runs, and the device's context is lost.
     */
    @Test
    void aBlockingCopyWaitsForTheWorkIssuedBeforeAndAFreeDoesNot() {
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer matrix = DeviceBuffer.allocate(Double.BYTES * MATRIX.length)) {
            matrix.upload(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, MATRIX));
            MemorySegment stream = stream(arena);
            try {
                MemorySegment result = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
                try (DeviceBuffer diagonal = DeviceBuffer.allocate(2 * Double.BYTES)) {
                    kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, diagonal.address(), stream);
                    assertEquals(1, StandIn.queued());
                    diagonal.download(result);
                    assertEquals(0, StandIn.queued(), "the blocking copy ran the launch first");
                    kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, diagonal.address(), stream);
                }
                assertEquals(1, StandIn.queued(), "the free did not wait for the second launch");
                assertEquals(1.0, result.getAtIndex(ValueLayout.JAVA_DOUBLE, 0));
                assertEquals(4.0, result.getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
                assertEquals(700, cuda_runtime_api_h.cudaStreamSynchronize(stream), "its output was freed");
                assertEquals(700, StandIn.synchronize(), "and the context is lost");
            } finally {
                StandIn.clearFaults();
                assertEquals(0, cuda_runtime_api_h.cudaStreamDestroy(stream));
            }
        }
    }

    /**
     * What a synchronisation waits for follows CUDA's stream semantics: a stream's own work, and — every stream dse4j
     * creates being blocking — what its device issued before the last legacy-stream (NULL) work it waits for; not
     * another stream's later work. A stream destroyed with work queued returns at once and the work still runs.
     */
    @Test
    void aStreamsSynchronisationRunsItsOwnWorkAndWhatTheLegacyStreamMakesItWait() {
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer matrix = DeviceBuffer.allocate(Double.BYTES * MATRIX.length);
             DeviceBuffer first = DeviceBuffer.allocate(2 * Double.BYTES);
             DeviceBuffer second = DeviceBuffer.allocate(2 * Double.BYTES);
             DeviceBuffer third = DeviceBuffer.allocate(2 * Double.BYTES)) {
            matrix.upload(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, MATRIX));
            MemorySegment one = stream(arena);
            MemorySegment two = stream(arena);
            kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, first.address(), one);
            kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, second.address(), two);
            assertEquals(0, cuda_runtime_api_h.cudaStreamSynchronize(one));
            assertEquals(1, StandIn.queued(), "stream two's work is not stream one's to wait for");
            // Legacy-stream work waits for stream two's; stream one's next work waits for it: synchronising one now
            // runs all three.
            kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, third.address(), MemorySegment.NULL);
            kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, first.address(), one);
            kernels.diagonal(DeviceElement.F64, matrix.address(), 2, 2, second.address(), two);
            assertEquals(4, StandIn.queued());
            assertEquals(0, cuda_runtime_api_h.cudaStreamSynchronize(one));
            assertEquals(1, StandIn.queued(), "only stream two's last work, issued after the legacy stream's, waits");
            assertEquals(0, cuda_runtime_api_h.cudaStreamDestroy(two));
            assertEquals(1, StandIn.queued(), "a destroyed stream's work still runs, later");
            assertEquals(0, cuda_runtime_api_h.cudaStreamDestroy(one));
            MemorySegment result = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
            second.download(result);
            assertEquals(0, StandIn.queued(), "the blocking copy waits for every stream of the device");
            assertEquals(4.0, result.getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
        }
    }

    private static MemorySegment stream(Arena arena) {
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        assertEquals(0, cuda_runtime_api_h.cudaStreamCreate(out));
        return out.get(ValueLayout.ADDRESS, 0);
    }
}
