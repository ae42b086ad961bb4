package io.dse4j.internal.gpu;

import io.dse4j.bindings.cublas.cublas_v2_h;
import io.dse4j.spi.KernelShape;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The kernel matrix built in device memory, as the CPU path builds it: the lower triangle of the Gram matrix X·Xᵀ by
 * cuBLAS syrk, then dse4j's kernels ({@link DeviceKernels}) in place — the squared norms from its diagonal, the
 * Gaussian (or the shaped kernel of per-point bandwidths), the α-normalisation's scaling, the degrees and
 * K = D^−½·G·D^−½. Everything is queued on the context's stream; only the α-normalisation waits for it (its factors
 * are formed on the host).
 */
final class KernelAssembly {

    private final DeviceContext context;

    KernelAssembly(DeviceContext context) {
        this.context = context;
    }

    /** The lower triangle of the Gram matrix X·Xᵀ into {@code a} (n×n, leading dimension n), by cuBLAS syrk. */
    void gram(DeviceElement element, MemorySegment x, long n, long dims, MemorySegment a, Arena arena) {
        MemorySegment cublas = context.cublas();
        int lower = cublas_v2_h.CUBLAS_FILL_MODE_LOWER();
        MemorySegment one = element.scalar(arena, 1.0);
        MemorySegment zero = element.scalar(arena, 0.0);
        int status = element.syrk().call(cublas, lower, cublas_v2_h.CUBLAS_OP_N(), (int) n, (int) dims, one, x,
                (int) n, zero, a, (int) n);
        CudaStatus.cublas(element.syrkName(), status);
    }

    /**
     * The Gaussian kernel of bandwidth σ from the Gram matrix in {@code a} (n×n, ld n), in place; with
     * {@code symmetricNormalisation} its degrees into {@code degrees} and K = D^−½·G·D^−½. The squared norms go to
     * {@code norms}; the distances that the Gram expansion cancels are recomputed from {@code original} (ld
     * {@code ldo}).
     */
    void kernel(DeviceElement element, MemorySegment a, long n, MemorySegment norms, MemorySegment original, long ldo,
                long dims, MemorySegment degrees, double sigma, boolean symmetricNormalisation) {
        DeviceKernels kernels = context.kernels();
        MemorySegment stream = context.stream();
        kernels.diagonal(element, a, n, n, norms, stream);
        kernels.gaussian(element, a, n, n, norms, original, ldo, dims, sigma, stream);
        if (symmetricNormalisation) {
            kernels.degrees(element, a, n, n, degrees, stream);
            kernels.normalise(element, a, n, n, degrees, stream);
        }
    }

    /**
     * The kernel of the given shape from the Gram matrix in {@code a}, as the CPU path builds it: the Gaussian, or
     * with per-point bandwidths the shaped kernel (1/σᵢ uploaded into {@code scratch}); with α ≠ 0 the degrees d,
     * downloaded, f = d^−α uploaded into {@code scratch} and G ← F·G·F; then the degrees again and K = D^−½·G·D^−½.
     * {@code scratch} (n doubles) is needed, and read, only for a shape that is not standard.
     */
    void kernel(DeviceElement element, MemorySegment a, long n, MemorySegment norms, MemorySegment original,
                long ldo, long dims, DeviceBuffer degrees, double sigma, boolean symmetricNormalisation,
                KernelShape shape, DeviceBuffer scratch, Arena arena) {
        if (shape.standard()) {
            kernel(element, a, n, norms, original, ldo, dims, degrees.address(), sigma, symmetricNormalisation);
            return;
        }
        DeviceKernels kernels = context.kernels();
        MemorySegment stream = context.stream();
        kernels.diagonal(element, a, n, n, norms, stream);
        if (shape.bandwidths() != null) {
            MemorySegment inverse = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
            for (int i = 0; i < n; i++) {
                inverse.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 1.0 / shape.bandwidths()[i]);
            }
            scratch.upload(inverse);
            kernels.shaped(element, a, n, n, norms, original, ldo, dims, scratch.address(), shape.decay(), stream);
        } else {
            kernels.gaussian(element, a, n, n, norms, original, ldo, dims, sigma, stream);
        }
        if (shape.alpha() != 0) {
            kernels.degrees(element, a, n, n, degrees.address(), stream);
            context.synchronize();
            MemorySegment factors = arena.allocate(ValueLayout.JAVA_DOUBLE, n);
            degrees.download(factors);
            for (int i = 0; i < n; i++) {
                factors.setAtIndex(ValueLayout.JAVA_DOUBLE, i,
                        Math.pow(factors.getAtIndex(ValueLayout.JAVA_DOUBLE, i), -shape.alpha()));
            }
            scratch.upload(factors);
            kernels.scale(element, a, n, n, scratch.address(), stream);
        }
        if (symmetricNormalisation) {
            kernels.degrees(element, a, n, n, degrees.address(), stream);
            kernels.normalise(element, a, n, n, degrees.address(), stream);
        }
    }

    /**
     * Gathers one subset of the points — the {@code m} rows listed at {@code rows} (64-bit indices on the device) —
     * values and original coordinates, into {@code into}, and builds its Gaussian kernel (symmetrically normalised
     * with {@code symmetricNormalisation}) into {@code a} (m×m, ld m).
     */
    void subsetKernel(DeviceElement element, DevicePoints points, MemorySegment rows, long m, DevicePoints into,
                      MemorySegment a, DeviceBuffer norms, DeviceBuffer degrees, double sigma,
                      boolean symmetricNormalisation, Arena arena) {
        DeviceKernels kernels = context.kernels();
        MemorySegment stream = context.stream();
        long dims = points.dims();
        kernels.gatherRows(element, points.values().address(), points.ld(), dims, rows, m, into.values().address(),
                stream);
        kernels.gatherRows(DeviceElement.F64, points.original().address(), points.ld(), dims, rows, m,
                into.original().address(), stream);
        gram(element, into.values().address(), m, dims, a, arena);
        kernel(element, a, m, norms.address(), into.original().address(), m, dims, degrees.address(), sigma,
                symmetricNormalisation);
    }
}
