package io.dse4j.internal.gpu;

import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import io.dse4j.bindings.driver.cuda_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Turns status codes into {@link CudaException}s with their names; success passes through. */
final class CudaStatus {

    static final String CUDART = "CUDA runtime";
    static final String CUBLAS = "cuBLAS";
    static final String CUSOLVER = "cuSOLVER";
    static final String DRIVER = "CUDA driver";
    static final String KERNELS = "dse4j kernels";

    private static final String[] CUBLAS_NAMES = new String[17];
    private static final String[] CUSOLVER_NAMES = {"CUSOLVER_STATUS_SUCCESS", "CUSOLVER_STATUS_NOT_INITIALIZED",
        "CUSOLVER_STATUS_ALLOC_FAILED", "CUSOLVER_STATUS_INVALID_VALUE", "CUSOLVER_STATUS_ARCH_MISMATCH",
        "CUSOLVER_STATUS_MAPPING_ERROR", "CUSOLVER_STATUS_EXECUTION_FAILED", "CUSOLVER_STATUS_INTERNAL_ERROR",
        "CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED", "CUSOLVER_STATUS_NOT_SUPPORTED", "CUSOLVER_STATUS_ZERO_PIVOT",
        "CUSOLVER_STATUS_INVALID_LICENSE"};

    static {
        CUBLAS_NAMES[0] = "CUBLAS_STATUS_SUCCESS";
        CUBLAS_NAMES[1] = "CUBLAS_STATUS_NOT_INITIALIZED";
        CUBLAS_NAMES[3] = "CUBLAS_STATUS_ALLOC_FAILED";
        CUBLAS_NAMES[7] = "CUBLAS_STATUS_INVALID_VALUE";
        CUBLAS_NAMES[8] = "CUBLAS_STATUS_ARCH_MISMATCH";
        CUBLAS_NAMES[11] = "CUBLAS_STATUS_MAPPING_ERROR";
        CUBLAS_NAMES[13] = "CUBLAS_STATUS_EXECUTION_FAILED";
        CUBLAS_NAMES[14] = "CUBLAS_STATUS_INTERNAL_ERROR";
        CUBLAS_NAMES[15] = "CUBLAS_STATUS_NOT_SUPPORTED";
        CUBLAS_NAMES[16] = "CUBLAS_STATUS_LICENSE_ERROR";
    }

    private CudaStatus() {
    }

    /** The CUDA runtime's own name for an error code (cudaGetErrorName). */
    static String runtimeName(int status) {
        MemorySegment name = cuda_runtime_api_h.cudaGetErrorName(status);
        return name.equals(MemorySegment.NULL) ? "cudaError " + status : name.reinterpret(256).getString(0);
    }

    /** The driver's own name for a CUresult (cuGetErrorName): "CUDA_ERROR_NO_BINARY_FOR_GPU". */
    static String driverName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ValueLayout.ADDRESS);
            if (cuda_h.cuGetErrorName(status, name) != 0 || name.get(ValueLayout.ADDRESS, 0).equals(
                    MemorySegment.NULL)) {
                return "CUresult " + status;
            }
            return name.get(ValueLayout.ADDRESS, 0).reinterpret(256).getString(0);
        }
    }

    static String cublasName(int status) {
        return status >= 0 && status < CUBLAS_NAMES.length && CUBLAS_NAMES[status] != null
                ? CUBLAS_NAMES[status] : "CUBLAS_STATUS_" + status;
    }

    static String cusolverName(int status) {
        return status >= 0 && status < CUSOLVER_NAMES.length ? CUSOLVER_NAMES[status] : "CUSOLVER_STATUS_" + status;
    }

    static void runtime(String call, int status) {
        if (status != 0) {
            throw new CudaException(CUDART, call, status, runtimeName(status));
        }
    }

    static void driver(String call, int status) {
        if (status != 0) {
            throw new CudaException(DRIVER, call, status, driverName(status));
        }
    }

    /** A cuLaunchKernel of one of dse4j's kernels: the call is named after the kernel. */
    static void kernel(String call, int status) {
        if (status != 0) {
            throw new CudaException(KERNELS, call, status, driverName(status));
        }
    }

    static void cublas(String call, int status) {
        if (status != 0) {
            throw new CudaException(CUBLAS, call, status, cublasName(status));
        }
    }

    static void cusolver(String call, int status) {
        if (status != 0) {
            throw new CudaException(CUSOLVER, call, status, cusolverName(status));
        }
    }
}
