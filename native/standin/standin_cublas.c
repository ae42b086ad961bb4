/*
 * dse4j CUDA stand-in: the cuBLAS calls the GPU backend makes — a handle on a stream, and syrk, which forms the Gram
 * matrix — with cuBLAS's semantics (column-major storage, leading dimensions, uplo and trans, the status codes, the
 * work queued on the handle's stream) on the host. Right, not fast: a naive loop, in the precision of the routine.
 */
#include <math.h>
#include <stdlib.h>

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
    if (stream != NULL && !dse4j_standin_is_handle(stream, "stream")) {
        return CUBLAS_STATUS_INVALID_VALUE;
    }
    *dse4j_standin_handle_stream(handle) = stream;
    return CUBLAS_STATUS_SUCCESS;
}

/*
 * C = alpha op(A) op(A)^T + beta C on the uplo triangle of the n x n C; op(A) is n x k. Everything is in T, as in
 * cuBLAS: Ssyrk's products and sums are float (a fused multiply-add per term, the GPU's FFMA: one rounding per
 * term), Dsyrk's double, so the stand-in's Gram matrix carries the rounding error of the precision it claims. The
 * sum runs over p in order, the longest chain a blocked GPU kernel can have (its error bound, k·u, is the worst
 * case; a GPU's tree-like partial sums are usually more accurate). C is not read when beta is 0 (BLAS semantics).
 * A and C must lie on the current device, as large as n, k and the leading dimensions say (standin_operands.c).
 *
 * The arguments are checked when called, alpha and beta read then (the host pointer mode: the caller may reuse them
 * at once), and the product itself is queued on the handle's stream: it runs at the next synchronisation
 * (standin_streams.c), as the kernel cuBLAS launches would.
 */
#define SYRK(NAME, T, FMA)                                                                                  \
    typedef struct {                                                                                        \
        int uplo, trans, n, k, lda, ldc;                                                                    \
        T alpha, beta;                                                                                      \
        const T *A;                                                                                         \
        T *C;                                                                                               \
    } NAME##_call;                                                                                          \
                                                                                                            \
    static int run_##NAME(void *arguments, int run)                                                         \
    {                                                                                                       \
        NAME##_call *c = arguments;                                                                         \
        if (run && (!dse4j_standin_still_allocated(c->A) || !dse4j_standin_still_allocated(c->C))) {        \
            free(c);                                                                                        \
            return 700; /* cudaErrorIllegalAddress: an operand freed before the product ran */              \
        }                                                                                                   \
        for (int64_t j = 0; run && j < c->n; j++) {                                                         \
            int64_t from = c->uplo == CUBLAS_FILL_MODE_LOWER ? j : 0;                                       \
            int64_t to = c->uplo == CUBLAS_FILL_MODE_LOWER ? c->n : j + 1;                                  \
            for (int64_t i = from; i < to; i++) {                                                           \
                T sum = 0;                                                                                  \
                for (int64_t p = 0; p < c->k; p++) {                                                        \
                    T aip = c->trans == CUBLAS_OP_N ? c->A[i + p * (int64_t) c->lda]                        \
                                                    : c->A[p + i * (int64_t) c->lda];                       \
                    T ajp = c->trans == CUBLAS_OP_N ? c->A[j + p * (int64_t) c->lda]                        \
                                                    : c->A[p + j * (int64_t) c->lda];                       \
                    sum = FMA(aip, ajp, sum);                                                               \
                }                                                                                           \
                T *out = c->C + i + j * (int64_t) c->ldc;                                                   \
                *out = c->beta == 0 ? c->alpha * sum : FMA(c->beta, *out, c->alpha * sum);                  \
            }                                                                                               \
        }                                                                                                   \
        free(c);                                                                                            \
        return cudaSuccess;                                                                                 \
    }                                                                                                       \
                                                                                                            \
    EXPORT int NAME(void *handle, int uplo, int trans, int n, int k, const T *alpha, const T *A, int lda,   \
                    const T *beta, T *C, int ldc)                                                           \
    {                                                                                                       \
        ENTER(#NAME);                                                                                       \
        if (!dse4j_standin_is_handle(handle, "cublas")) {                                                   \
            return CUBLAS_STATUS_NOT_INITIALIZED;                                                           \
        }                                                                                                   \
        if ((uplo != CUBLAS_FILL_MODE_LOWER && uplo != CUBLAS_FILL_MODE_UPPER)                              \
            || (trans != CUBLAS_OP_N && trans != CUBLAS_OP_T) || n < 0 || k < 0                             \
            || lda < (trans == CUBLAS_OP_N ? (n > 1 ? n : 1) : (k > 1 ? k : 1)) || ldc < (n > 1 ? n : 1)    \
            || alpha == NULL || beta == NULL                                                                \
            || !dse4j_standin_syrk_operands(trans, n, k, A, lda, C, ldc, sizeof(T))) {                      \
            return CUBLAS_STATUS_INVALID_VALUE;                                                             \
        }                                                                                                   \
        if (dse4j_standin_device_fault() != cudaSuccess) {                                                  \
            return 13; /* CUBLAS_STATUS_EXECUTION_FAILED: the device's context is lost */                   \
        }                                                                                                   \
        NAME##_call *c = malloc(sizeof *c);                                                                 \
        if (c == NULL) {                                                                                    \
            return 3; /* CUBLAS_STATUS_ALLOC_FAILED */                                                      \
        }                                                                                                   \
        *c = (NAME##_call) {uplo, trans, n, k, lda, ldc, *alpha, *beta, A, C};                              \
        void *stream = *dse4j_standin_handle_stream(handle);                                                \
        return dse4j_standin_enqueue(stream, run_##NAME, c) == cudaSuccess ? CUBLAS_STATUS_SUCCESS : 3;     \
    }

SYRK(cublasDsyrk_v2, double, fma)
SYRK(cublasSsyrk_v2, float, fmaf)
