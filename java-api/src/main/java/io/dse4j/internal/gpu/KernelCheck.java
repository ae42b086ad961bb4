package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The probe's last step: load the kernel image into the device, run one of dse4j's kernels and check its result,
 * before the GPU is called usable. Loading the libraries and counting devices says nothing about whether the kernels
 * run: a GPU whose architecture has no machine code in the image and whose driver cannot compile its PTX fails only
 * when the module is loaded or launched (CUDA_ERROR_NO_BINARY_FOR_GPU, CUDA_ERROR_UNSUPPORTED_PTX_VERSION), and that
 * is here, with its name.
 */
final class KernelCheck {

    /** A 2×2 column-major matrix; the diagonal kernel must copy out its diagonal (1, 4). */
    private static final double[] MATRIX = {1, 3, 2, 4};

    private KernelCheck() {
    }

    /** {@link #run(KernelImage, int)} on device 0: the probe's check. */
    static String run(KernelImage image) {
        return run(image, 0);
    }

    /**
     * Null when the kernel ran on device {@code device} and gave the right answer, else why not (every device buffer
     * freed either way). The device is made the calling thread's current device first — as every GPU call of dse4j
     * makes its device current before it works ({@link DeviceContext#enter}) — so that the buffers are allocated on
     * the device the kernel runs on: on a thread where another device is current (a reused Spark executor thread) the
     * kernel would otherwise be handed another device's memory, an illegal address and a sticky error that poisons
     * the context.
     */
    static String run(KernelImage image, int device) {
        try {
            CudaStatus.runtime("cudaSetDevice(" + device + ")", cuda_runtime_api_h.cudaSetDevice(device));
        } catch (CudaException e) {
            return "a test kernel (" + image.description() + ") could not run: " + e.getMessage();
        }
        return onDevice(image, device);
    }

    private static String onDevice(KernelImage image, int device) {
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer a = DeviceBuffer.allocate(Double.BYTES * MATRIX.length);
             DeviceBuffer norms = DeviceBuffer.allocate(2 * Double.BYTES);
             DeviceKernels kernels = DeviceKernels.load(device, image)) {
            a.upload(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, MATRIX));
            kernels.diagonal(DeviceElement.F64, a.address(), 2, 2, norms.address(), MemorySegment.NULL);
            CudaStatus.runtime("cudaStreamSynchronize", cuda_runtime_api_h.cudaStreamSynchronize(MemorySegment.NULL));
            MemorySegment result = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
            norms.download(result);
            double first = result.getAtIndex(ValueLayout.JAVA_DOUBLE, 0);
            double second = result.getAtIndex(ValueLayout.JAVA_DOUBLE, 1);
            if (first != 1 || second != 4) {
                return "a test kernel (dse4j_k_diagonal_f64 of the " + image.description() + ", on a 2×2 matrix) ran"
                        + " but returned (" + first + ", " + second
                        + ") instead of (1.0, 4.0)";
            }
            return null;
        } catch (CudaException e) {
            return "a test kernel (" + image.description() + ") could not run: " + e.getMessage() + hint(e.status(),
                    image);
        }
    }

    private static String hint(int status, KernelImage image) {
        if (status == 209 && !image.fatbin()) {
            return " — the cubin holds machine code for another GPU architecture";
        }
        return switch (status) {
            case 209 -> " — the image has no machine code for this GPU's architecture and no PTX it can compile"
                    + " (-D" + KernelImages.PROPERTY + "=nvrtc compiles the kernels for it with NVRTC)";
            case 222 -> " — the driver is older than the compiler of the kernels' PTX: update the NVIDIA driver, or"
                    + " compile them for this GPU with -D" + KernelImages.PROPERTY + "=nvrtc";
            default -> "";
        };
    }
}
