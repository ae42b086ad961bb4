package io.dse4j.internal.gpu;

import io.dse4j.bindings.cublas.cublas_v2_h;
import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import io.dse4j.bindings.cusolver.cusolverDn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a {@link GpuBackend} holds on its device for its lifetime: the device ordinal, one stream, one cuBLAS and one
 * cuSOLVER handle working on that stream, cuSOLVER's params, and dse4j's kernels (their module, in the device's
 * primary context, which {@link DeviceKernels} retains). Opened whole or not at all: a failing constructor releases
 * what it had created before it throws.
 *
 * <p>Every accessor of a handle throws {@link IllegalStateException} once {@link #close()} has run, so no call can
 * reach a destroyed handle. {@code close()} is idempotent and releases everything on every path: each release is
 * tried whatever the previous ones did, and the first failure is thrown afterwards with the others suppressed.
 * Not thread-safe: its owner serialises the calls, close included.
 */
final class DeviceContext implements AutoCloseable {

    private final int device;
    private MemorySegment stream;
    private MemorySegment cublas;
    private MemorySegment cusolver;
    private MemorySegment params;
    private DeviceKernels kernels;
    private volatile boolean closed;

    /**
     * Creates the stream, the handles and the params on device {@code device} and loads the kernels' image for that
     * device into its primary context.
     *
     * @throws io.dse4j.InvalidInputException when the runtime has no such device
     * @throws io.dse4j.ComputationException  when no image of the kernels runs on the device
     *                                        ({@link DeviceKernelImages#forDevice})
     * @throws CudaException                  naming the call that failed (everything created so far released)
     */
    DeviceContext(DeviceKernelImages images, int device) {
        this.device = device;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            checkDevice(arena, device);
            KernelImage image = images.forDevice(device);
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
            kernels = DeviceKernels.load(device, image);
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
                            + (devices - 1) + ")")
                    + " — with CUDA_VISIBLE_DEVICES set, ordinals count the visible ones");
        }
    }

    int device() {
        return device;
    }

    MemorySegment stream() {
        checkOpen();
        return stream;
    }

    MemorySegment cublas() {
        checkOpen();
        return cublas;
    }

    MemorySegment cusolver() {
        checkOpen();
        return cusolver;
    }

    MemorySegment params() {
        checkOpen();
        return params;
    }

    DeviceKernels kernels() {
        checkOpen();
        return kernels;
    }

    /**
     * Throws {@link IllegalStateException} once {@link #close()} has run: the handles and the stream are gone. Every
     * computation starts with it (through {@link #enter()}), and every accessor of a handle.
     */
    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this GPU backend is closed");
        }
    }

    /**
     * {@link #checkOpen()}, then the device's primary context current on the calling thread: the runtime calls of
     * the computation (allocations, copies, cuBLAS, cuSOLVER) work in the context current on their thread, and a
     * thread of the caller's may have none, or another library's, current.
     */
    void enter() {
        checkOpen();
        makeCurrent();
    }

    /** This device current on the calling thread: for the runtime, and its primary context for the driver. */
    private void makeCurrent() {
        CudaStatus.runtime("cudaSetDevice(" + device + ")", cuda_runtime_api_h.cudaSetDevice(device));
        kernels.makeCurrent();
    }

    /** Waits for the work queued on the stream; an error of that work is thrown here. */
    void synchronize() {
        CudaStatus.runtime("cudaStreamSynchronize", cuda_runtime_api_h.cudaStreamSynchronize(stream()));
    }

    /**
     * A fence for the device buffers of a computation, declared as the last resource of the try-with-resources that
     * holds them ({@code DeviceContext.Fence _ = context.fence()}): it closes first, so every buffer is freed only
     * after the work queued on the stream has finished — on every path, a failure in the middle of a stage included,
     * where work queued before it may still read or write the buffers. cudaFree "may perform implicit
     * synchronization" (the runtime's documentation), which is no promise. A failure of that work is thrown from
     * {@code close()}: suppressed by a failure already on its way, or the computation's own.
     */
    Fence fence() {
        checkOpen();
        return new Fence(this);
    }

    /** See {@link DeviceContext#fence()}. */
    record Fence(DeviceContext context) implements AutoCloseable {

        @Override
        public void close() {
            context.synchronize();
        }
    }

    /**
     * Destroys the params, handles and stream, then unloads the kernels (releasing the primary context); idempotent.
     */
    @Override
    public void close() {
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

    /** Runs {@code destroy} when {@code resource} was created; its failure becomes the first or a suppressed one. */
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
}
