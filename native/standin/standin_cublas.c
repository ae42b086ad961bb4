/*
 * dse4j CUDA stand-in: the cuBLAS calls the GPU backend makes — a handle on a stream, and syrk, which forms the Gram
 * matrix — with cuBLAS's semantics (column-major storage, leading dimensions, uplo and trans, the status codes) on
 * the host. Right, not fast: a naive loop, in the precision of the routine.
 */
#include <math.h>

#include "standin_internal.h"

EXPORT int cublasCreate_v2(void **handle)
{
    ENTER("cublasCreate_v2");
    if (handle == NULL) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    /* The context and the libraries' memory on the current device, charged with the first handle there. */
    if (!dse4j_standin_charge_library_overhead()) {
        return 3; /* CUBLAS_STATUS_ALLOC_FAILED */
    }
    return dse4j_standin_new_handle(handle, "cublas") ? CUBLAS_STATUS_SUCCESS : 3 /* CUBLAS_STATUS_ALLOC_FAILED */;
}

EXPORT int cublasDestroy_v2(void *handle)
{
    ENTER("cublasDestroy_v2");
    return dse4j_standin_drop_handle(handle, "cublas") ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_NOT_INITIALIZED;
}

EXPORT int cublasSetStream_v2(void *handle, void *stream)
{
    ENTER("cublasSetStream_v2");
    if (!dse4j_standin_is_handle(handle, "cublas")) {
        return CUBLAS_STATUS_NOT_INITIALIZED;
    }
    return stream == NULL || dse4j_standin_is_handle(stream, "stream") ? CUBLAS_STATUS_SUCCESS
                                                                       : CUBLAS_STATUS_INVALID_VALUE;
}

/*
 * C = alpha op(A) op(A)^T + beta C on the uplo triangle of the n x n C; op(A) is n x k. Everything is in T, as in
 * cuBLAS: Ssyrk's products and sums are float (a fused multiply-add per term, the GPU's FFMA: one rounding per
 * term), Dsyrk's double, so the stand-in's Gram matrix carries the rounding error of the precision it claims. The
 * sum runs over p in order, the longest chain a blocked GPU kernel can have (its error bound, k·u, is the worst
 * case; a GPU's tree-like partial sums are usually more accurate). C is not read when beta is 0 (BLAS semantics).
 * A and C must lie on the current device, as large as n, k and the leading dimensions say (standin_operands.c).
 */
#define SYRK_BODY(T, FMA)                                                                                   \
    if (!dse4j_standin_is_handle(handle, "cublas")) {                                                       \
        return CUBLAS_STATUS_NOT_INITIALIZED;                                                               \
    }                                                                                                       \
    if ((uplo != CUBLAS_FILL_MODE_LOWER && uplo != CUBLAS_FILL_MODE_UPPER)                                  \
        || (trans != CUBLAS_OP_N && trans != CUBLAS_OP_T) || n < 0 || k < 0                                 \
        || lda < (trans == CUBLAS_OP_N ? (n > 1 ? n : 1) : (k > 1 ? k : 1)) || ldc < (n > 1 ? n : 1)        \
        || alpha == NULL || beta == NULL                                                                    \
        || !dse4j_standin_syrk_operands(trans, n, k, A, lda, C, ldc, sizeof(T))) {                          \
        return CUBLAS_STATUS_INVALID_VALUE;                                                                 \
    }                                                                                                       \
    for (int64_t j = 0; j < n; j++) {                                                                       \
        int64_t from = uplo == CUBLAS_FILL_MODE_LOWER ? j : 0;                                              \
        int64_t to = uplo == CUBLAS_FILL_MODE_LOWER ? n : j + 1;                                            \
        for (int64_t i = from; i < to; i++) {                                                               \
            T sum = 0;                                                                                      \
            for (int64_t p = 0; p < k; p++) {                                                               \
                T aip = trans == CUBLAS_OP_N ? A[i + p * (int64_t) lda] : A[p + i * (int64_t) lda];         \
                T ajp = trans == CUBLAS_OP_N ? A[j + p * (int64_t) lda] : A[p + j * (int64_t) lda];         \
                sum = FMA(aip, ajp, sum);                                                                   \
            }                                                                                               \
            T *c = C + i + j * (int64_t) ldc;                                                               \
            *c = *beta == 0 ? *alpha * sum : FMA(*beta, *c, *alpha * sum);                                  \
        }                                                                                                   \
    }                                                                                                       \
    return CUBLAS_STATUS_SUCCESS;

EXPORT int cublasDsyrk_v2(void *handle, int uplo, int trans, int n, int k, const double *alpha, const double *A,
                          int lda, const double *beta, double *C, int ldc)
{
    ENTER("cublasDsyrk_v2");
    SYRK_BODY(double, fma)
}

EXPORT int cublasSsyrk_v2(void *handle, int uplo, int trans, int n, int k, const float *alpha, const float *A,
                          int lda, const float *beta, float *C, int ldc)
{
    ENTER("cublasSsyrk_v2");
    SYRK_BODY(float, fmaf)
}
