package io.dse4j.internal.gpu;

import io.dse4j.Precision;
import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import io.dse4j.spi.InsufficientDeviceMemoryException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whether a computation fits the device before it allocates: what each computation needs (its buffers, listed
 * beside each formula below), against what {@code cudaMemGetInfo} reports free less the {@link DeviceHeadroom}
 * margin. A computation checks its buffers before it allocates them, then cuSOLVER's workspace once the matrices
 * exist (cuSOLVER sizes it from their device pointers), so a problem that does not fit is refused with
 * {@link InsufficientDeviceMemoryException} — which {@code auto} hands to the CPU — instead of failing half-way.
 *
 * <p>Byte counts saturate at {@code Long.MAX_VALUE}, more than any device has, instead of overflowing.
 */
final class DeviceMemoryPlan {

    private final DeviceHeadroom headroom;

    DeviceMemoryPlan(DeviceHeadroom headroom) {
        this.headroom = headroom;
    }

    /**
     * One problem of n points in {@code dims} dimensions: X in the element type; its original coordinates in double;
     * A (n×n) and W (n) in the element type; squared norms and degrees in double; with a shaped kernel, n doubles
     * of scratch (the 1/σᵢ, then the α-normalisation's factors); the info word.
     */
    static long spectrum(DeviceElement element, long n, long dims, boolean shaped) {
        long perPoint = shaped ? Double.BYTES * n : 0;
        return plus(times(element.bytes(), n * dims + n * n + n),
                plus(times(Double.BYTES, n * dims), 2L * Double.BYTES * n + perPoint + Integer.BYTES));
    }

    /**
     * A batch of row subsets, the largest of {@code largest} rows, {@code totalRows} rows in all: X and its original
     * coordinates, one subset of each; A, W, norms and degrees for the largest; the info word; every set's row
     * indices (64-bit).
     */
    static long subsets(DeviceElement element, long n, long dims, long largest, long totalRows) {
        return plus(times(element.bytes(), n * dims + largest * dims + largest * largest + largest),
                plus(times(Double.BYTES, (n + largest) * dims),
                        2L * Double.BYTES * largest + Long.BYTES * totalRows + Integer.BYTES));
    }

    /** The batched eigensolver's own buffers for {@code size} m×m matrices: their A and W, an info word each. */
    static long batchedMatrices(DeviceElement element, long size, long m) {
        return plus(times(element.bytes(), size * (m * m + m)), (long) Integer.BYTES * size);
    }

    /** The k-NN adjacency's general eigenproblem, in double: A (n×n), W (n real parts, n imaginary), the info word. */
    static long adjacency(long n) {
        return plus(times(Double.BYTES, n * n + 2 * n), Integer.BYTES);
    }

    /**
     * The matrix-entry entropy: X in the element type and its original coordinates in double; K (n×n) in the element
     * type; degrees and norms in double; {@code partialSums} doubles for the reductions.
     */
    static long entryEntropy(DeviceElement element, long n, long dims, int partialSums) {
        return plus(times(element.bytes(), n * dims + n * n),
                plus(times(Double.BYTES, n * dims), 2L * Double.BYTES * n + Double.BYTES * partialSums));
    }

    /**
     * Throws {@link InsufficientDeviceMemoryException} unless {@code needed} more bytes are free on the device with
     * the {@link DeviceHeadroom} left over; {@code alreadyAllocated} bytes of this computation are added to the needed
     * and free figures in the message, so that it speaks of the whole computation.
     */
    void require(Arena arena, long needed, long alreadyAllocated, long n, Precision precision) {
        long[] memory = memoryInfo(arena);
        long margin = headroom.bytes(memory[1]);
        if (needed > memory[0] - margin) {
            throw new InsufficientDeviceMemoryException("N = " + n + " in " + precision.label(),
                    plus(needed, alreadyAllocated), plus(memory[0], alreadyAllocated), margin);
        }
    }

    /** Whether {@code bytes} more can be allocated now and leave the {@link DeviceHeadroom} free. */
    boolean fits(Arena arena, long bytes) {
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
    static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    /** a + b for byte counts (a, b ≥ 0), saturating as {@link #times}. */
    static long plus(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
