package io.dse4j.internal.gpu;

import io.dse4j.spi.Points;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Points on the device, in two buffers its user allocates and frees: their values in the element type (centred, for
 * the Gram matrix) and their original coordinates in double (for the distances the kernels recompute by differences
 * where the Gram expansion cancels), both column-major with leading dimension {@code ld}.
 */
record DevicePoints(DeviceBuffer values, DeviceBuffer original, long ld, long dims) {

    /** Uploads the points: the values rounded to {@code element}, the original coordinates in double. */
    void upload(Points points, DeviceElement element, Arena arena) {
        values.upload(element.host(arena, points.values()));
        original.upload(originals(arena, points));
    }

    /** The points' original coordinates ({@link Points#originalAt}), column-major, in double, ready to upload. */
    private static MemorySegment originals(Arena arena, Points points) {
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
}
