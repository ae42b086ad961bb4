/*
 * dse4j CUDA stand-in: what the pointer arguments of the runtime's copies, cuBLAS's syrk and cuSOLVER's eigensolvers
 * must be — device memory of the calling thread's current device, as many bytes as the call reads or writes there,
 * or host memory where the call reads or writes the host — checked against the live allocations of
 * standin_memory.c before the call touches anything. A GPU cannot follow a host pointer, nor (without peer access)
 * another device's; its libraries refuse what they can tell, and the rest faults or corrupts memory. The stand-in,
 * whose "device memory" is host memory, would follow either: these checks make it refuse them, so that a wrong
 * pointer, size or copy direction fails in CI as it would on a GPU.
 *
 * Each check answers 1 for operands it cannot judge (a negative size, an unknown data type): the call's own checks
 * refuse those, with the status the library gives.
 */
#include "standin_internal.h"

/*
 * Whether the `count` column-major rows x cols matrices at p, `stride` elements apart and each with leading dimension
 * ld, lie inside one live allocation of the current device: from the first element to the last one read. A vector
 * is a rows x 1 matrix. Nothing to read (no rows, columns or matrices): 1. A span too large to count: 0.
 */
static int matrices_on_device(const void *p, int64_t rows, int64_t cols, int64_t ld, int64_t count, int64_t stride,
                              size_t element)
{
    if (rows <= 0 || cols <= 0 || count <= 0) {
        return 1;
    }
    int64_t last;
    int64_t span;
    size_t bytes;
    if (__builtin_mul_overflow(cols - 1, ld, &last) || __builtin_add_overflow(last, rows, &span)
        || __builtin_mul_overflow(count - 1, stride, &last) || __builtin_add_overflow(last, span, &span)
        || __builtin_mul_overflow((size_t) span, element, &bytes)) {
        return 0;
    }
    return dse4j_standin_device_range(p, bytes);
}

/* The bytes of one element of a cuSOLVER data type, 0 for one the stand-in does not take. */
static size_t element_bytes(int type)
{
    return type == CUDA_R_64F ? sizeof(double) : type == CUDA_R_32F ? sizeof(float) : 0;
}

/* One side of a copy: `bytes` of device memory of the current device, or host memory (no device's). */
static int copy_side(const void *p, size_t bytes, int on_device)
{
    return on_device ? dse4j_standin_device_range(p, bytes) : dse4j_standin_device_of(p) < 0;
}

/*
 * Whether cudaMemcpy's dst and src are what `kind` says: HostToDevice — dst `bytes` of the current device's memory,
 * src host memory; DeviceToHost the other way round; DeviceToDevice both on the device; HostToHost neither;
 * Default (the runtime tells from the pointers) — a side that is device memory must be `bytes` of the current
 * device's. An empty copy touches nothing and is not judged.
 */
int dse4j_standin_copy_operands(const void *dst, const void *src, size_t bytes, int kind)
{
    if (bytes == 0 || kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault) {
        return 1;
    }
    int dst_device = kind == cudaMemcpyDefault ? dse4j_standin_device_of(dst) >= 0
                                               : kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
    int src_device = kind == cudaMemcpyDefault ? dse4j_standin_device_of(src) >= 0
                                               : kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
    return copy_side(dst, bytes, dst_device) && copy_side(src, bytes, src_device);
}

/*
 * Whether syrk's A and C lie on the current device: op(A) is n x k, so A is n x k (trans N) or k x n (trans T) with
 * leading dimension lda, of which every element is read; C is n x n with ldc, of which syrk writes one triangle,
 * which in either fill mode holds C's first and last elements: their span is asked for.
 */
int dse4j_standin_syrk_operands(int trans, int n, int k, const void *A, int lda, const void *C, int ldc,
                                size_t element)
{
    int64_t rows = trans == CUBLAS_OP_N ? n : k;
    int64_t cols = trans == CUBLAS_OP_N ? k : n;
    if (n < 0 || k < 0 || lda < rows || ldc < n) {
        return 1;
    }
    return matrices_on_device(A, rows, cols, lda, 1, 0, element) && matrices_on_device(C, n, n, ldc, 1, 0, element);
}

/*
 * Whether Xsyevd's (batch 1) or XsyevBatched's operands lie on the current device: `batch` n x n matrices A
 * (leading dimension lda) lda * n elements apart; `batch` vectors W of n, one after another; `work_bytes` of
 * workspace; `batch` info ints.
 */
int dse4j_standin_syevd_operands(int64_t n, int type_a, const void *A, int64_t lda, int type_w, const void *W,
                                 const void *work, size_t work_bytes, const int *info, int64_t batch)
{
    size_t a_bytes = element_bytes(type_a);
    size_t w_bytes = element_bytes(type_w);
    int64_t stride;
    if (n < 0 || lda < n || batch < 1 || a_bytes == 0 || w_bytes == 0 || __builtin_mul_overflow(lda, n, &stride)) {
        return 1;
    }
    return matrices_on_device(A, n, n, lda, batch, stride, a_bytes) && matrices_on_device(W, n, 1, n, batch, n, w_bytes)
           && (n == 0 || work_bytes == 0 || dse4j_standin_device_range(work, work_bytes))
           && matrices_on_device(info, 1, 1, 1, batch, 1, sizeof(int));
}

/* Whether Xgeev's operands lie on the current device: A n x n double (lda), W 2n doubles (the real parts, then the
 * imaginary ones), `work_bytes` of workspace, one info int. */
int dse4j_standin_geev_operands(int64_t n, const void *A, int64_t lda, const void *W, const void *work,
                                size_t work_bytes, const int *info)
{
    if (n < 0 || lda < n) {
        return 1;
    }
    return matrices_on_device(A, n, n, lda, 1, 0, sizeof(double))
           && matrices_on_device(W, 2 * n, 1, 2 * n, 1, 0, sizeof(double))
           && (n == 0 || work_bytes == 0 || dse4j_standin_device_range(work, work_bytes))
           && matrices_on_device(info, 1, 1, 1, 1, 0, sizeof(int));
}
