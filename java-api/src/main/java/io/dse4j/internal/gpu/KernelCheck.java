package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import io.dse4j.bindings.kernels.dse4j_kernels_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The probe's last step: run one of dse4j's kernels on the device and check its result, before the GPU is called
 * usable. Loading the libraries and counting devices says nothing about whether the kernels run: a GPU whose
 * architecture has no machine code among the kernels' and whose driver cannot compile their PTX fails only at the
 * first launch (cudaErrorNoKernelImageForDevice, cudaErrorUnsupportedPtxVersion), and that is here, with its name.
 */
final class KernelCheck {

    /** A 2×2 column-major matrix; the diagonal kernel must copy out its diagonal (1, 4). */
    private static final double[] MATRIX = {1, 3, 2, 4};

    private KernelCheck() {
    }

    /** Null when the kernel ran and gave the right answer, else why not (every device buffer freed either way). */
    static String run() {
        try (Arena arena = Arena.ofConfined();
             DeviceBuffer a = DeviceBuffer.allocate(Double.BYTES * MATRIX.length);
             DeviceBuffer norms = DeviceBuffer.allocate(2 * Double.BYTES)) {
            a.upload(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, MATRIX));
            CudaStatus.kernel("dse4j_diagonal_f64",
                    dse4j_kernels_h.dse4j_diagonal_f64(a.address(), 2, 2, norms.address(), MemorySegment.NULL));
            CudaStatus.runtime("cudaStreamSynchronize", cuda_runtime_api_h.cudaStreamSynchronize(MemorySegment.NULL));
            MemorySegment result = arena.allocate(ValueLayout.JAVA_DOUBLE, 2);
            norms.download(result);
            double first = result.getAtIndex(ValueLayout.JAVA_DOUBLE, 0);
            double second = result.getAtIndex(ValueLayout.JAVA_DOUBLE, 1);
            if (first != 1 || second != 4) {
                return "a test kernel (dse4j_diagonal_f64 on a 2×2 matrix) ran but returned (" + first + ", " + second
                        + ") instead of (1.0, 4.0)";
            }
            return null;
        } catch (CudaException e) {
            return "a test kernel could not run: " + e.getMessage() + hint(e.status());
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 209 -> " — the kernels have no machine code for this GPU's architecture and no PTX it can compile";
            case 222 -> " — the driver is older than the compiler of the kernels' PTX: update the NVIDIA driver";
            default -> "";
        };
    }
}
