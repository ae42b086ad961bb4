/*
 * dse4j CUDA stand-in: the cuSOLVER calls the GPU backend makes — a handle on a stream, params, and the eigensolvers
 * cusolverDnXsyevd, cusolverDnXsyevBatched (CUDA >= 12.6.2) and cusolverDnXgeev (CUDA >= 12.6) with their workspace
 * queries — with cuSOLVER's calling conventions and semantics: the 64-bit API's data types, uplo and jobz, the
 * workspace sizes they ask for, the info output (a test can make the next one non-zero: dse4j_standin_fail_info).
 * The eigenproblems themselves are solved on the host by standin_eigen.c, in double whatever the data type.
 */
#include <stdlib.h>
#include <string.h>

#include "standin_internal.h"

EXPORT int cusolverDnCreate(void **handle)
{
    ENTER("cusolverDnCreate");
    if (handle == NULL) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    /* The context and the libraries' memory on the current device, charged with the first handle there. */
    if (!dse4j_standin_charge_library_overhead()) {
        return 2; /* CUSOLVER_STATUS_ALLOC_FAILED */
    }
    return dse4j_standin_new_handle(handle, "cusolver") ? CUSOLVER_STATUS_SUCCESS
                                                        : 2 /* CUSOLVER_STATUS_ALLOC_FAILED */;
}

EXPORT int cusolverDnDestroy(void *handle)
{
    ENTER("cusolverDnDestroy");
    return dse4j_standin_drop_handle(handle, "cusolver") ? CUSOLVER_STATUS_SUCCESS
                                                         : CUSOLVER_STATUS_NOT_INITIALIZED;
}

EXPORT int cusolverDnSetStream(void *handle, void *stream)
{
    ENTER("cusolverDnSetStream");
    if (!dse4j_standin_is_handle(handle, "cusolver")) {
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    }
    return stream == NULL || dse4j_standin_is_handle(stream, "stream") ? CUSOLVER_STATUS_SUCCESS
                                                                       : CUSOLVER_STATUS_INVALID_VALUE;
}

EXPORT int cusolverDnCreateParams(void **params)
{
    ENTER("cusolverDnCreateParams");
    if (params == NULL) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    return dse4j_standin_new_handle(params, "params") ? CUSOLVER_STATUS_SUCCESS : 2;
}

EXPORT int cusolverDnDestroyParams(void *params)
{
    ENTER("cusolverDnDestroyParams");
    return dse4j_standin_drop_handle(params, "params") ? CUSOLVER_STATUS_SUCCESS : CUSOLVER_STATUS_INVALID_VALUE;
}

static int check_syevd(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, int64_t lda,
                       int type_w, int compute)
{
    if (!dse4j_standin_is_handle(handle, "cusolver")) {
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    }
    if ((params != NULL && !dse4j_standin_is_handle(params, "params"))
        || (jobz != CUSOLVER_EIG_MODE_NOVECTOR && jobz != CUSOLVER_EIG_MODE_VECTOR)
        || (uplo != CUBLAS_FILL_MODE_LOWER && uplo != CUBLAS_FILL_MODE_UPPER) || n < 0 || lda < (n > 1 ? n : 1)
        || (type_a != CUDA_R_64F && type_a != CUDA_R_32F) || type_w != type_a || compute != type_a) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    return CUSOLVER_STATUS_SUCCESS;
}

/* The stand-in asks for an n x n double scratch matrix (plus slack): its Householder reduction and QL iteration work there. */
static size_t device_workspace(int64_t n)
{
    return (size_t) (n * n) * sizeof(double) + 64;
}

EXPORT int cusolverDnXsyevd_bufferSize(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a,
                                       const void *A, int64_t lda, int type_w, const void *W, int compute,
                                       size_t *device_bytes, size_t *host_bytes)
{
    ENTER("cusolverDnXsyevd_bufferSize");
    (void) A;
    (void) W;
    int status = check_syevd(handle, params, jobz, uplo, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    if (device_bytes == NULL || host_bytes == NULL) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    *device_bytes = device_workspace(n);
    *host_bytes = 0;
    return CUSOLVER_STATUS_SUCCESS;
}


/* One symmetric eigenproblem, as cusolverDnXsyevd does it: shared by the single and the batched entry points. */
static int syevd_core(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, void *A, int64_t lda,
                      int type_w, void *W, int compute, void *device_work, size_t device_bytes, int *info)
{
    int status = check_syevd(handle, params, jobz, uplo, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    if (info == NULL || (n > 0 && (A == NULL || W == NULL)) || device_bytes < device_workspace(n)
        || (device_work == NULL && n > 0)) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    int pending = dse4j_standin_take_pending_info();
    if (pending != 0) {
        *info = pending;
        return CUSOLVER_STATUS_SUCCESS;
    }
    double *s = (double *) device_work;
    double *v = NULL;
    if (jobz == CUSOLVER_EIG_MODE_VECTOR) {
        v = malloc((size_t) (n * n > 0 ? n * n : 1) * sizeof(double));
        if (v == NULL) {
            return 7; /* CUSOLVER_STATUS_INTERNAL_ERROR */
        }
        memset(v, 0, (size_t) (n * n) * sizeof(double));
        for (int64_t i = 0; i < n; i++) {
            v[i + i * n] = 1.0;
        }
    }
    /* Only the uplo triangle of A is read, as LAPACK does. */
    for (int64_t j = 0; j < n; j++) {
        for (int64_t i = j; i < n; i++) {
            int64_t lower = i + j * lda;
            int64_t upper = j + i * lda;
            int64_t at = uplo == CUBLAS_FILL_MODE_LOWER ? lower : upper;
            double x = type_a == CUDA_R_64F ? ((double *) A)[at] : (double) ((float *) A)[at];
            s[i + j * n] = x;
            s[j + i * n] = x;
        }
    }
    double *values = malloc((size_t) (n > 0 ? n : 1) * sizeof(double));
    double *scratch_e = malloc((size_t) (n > 0 ? n : 1) * sizeof(double));
    double *scratch_p = malloc((size_t) (n > 0 ? n : 1) * sizeof(double));
    int64_t *index = malloc((size_t) (n > 0 ? n : 1) * sizeof(int64_t));
    if (values == NULL || scratch_e == NULL || scratch_p == NULL || index == NULL) {
        free(values);
        free(scratch_e);
        free(scratch_p);
        free(index);
        free(v);
        return 7;
    }
    int failed = dse4j_standin_symmetric_eigen(s, v, values, scratch_e, scratch_p, n);
    free(scratch_e);
    free(scratch_p);
    if (failed) {
        free(values);
        free(index);
        free(v);
        *info = (int) n;     /* as LAPACK: the iteration failed to converge */
        return CUSOLVER_STATUS_SUCCESS;
    }
    for (int64_t i = 0; i < n; i++) {
        index[i] = i;
    }
    for (int64_t i = 0; i < n; i++) {
        int64_t best = i;
        for (int64_t k = i + 1; k < n; k++) {
            if (values[index[k]] < values[index[best]]) {
                best = k;
            }
        }
        int64_t swap = index[i];
        index[i] = index[best];
        index[best] = swap;
    }
    for (int64_t i = 0; i < n; i++) {
        double value = values[index[i]];
        if (type_w == CUDA_R_64F) {
            ((double *) W)[i] = value;
        } else {
            ((float *) W)[i] = (float) value;
        }
        if (v != NULL) {
            for (int64_t k = 0; k < n; k++) {
                double x = v[k + index[i] * n];
                if (type_a == CUDA_R_64F) {
                    ((double *) A)[k + i * lda] = x;
                } else {
                    ((float *) A)[k + i * lda] = (float) x;
                }
            }
        }
    }
    free(values);
    free(index);
    free(v);
    *info = 0;
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT int cusolverDnXsyevd(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, void *A,
                            int64_t lda, int type_w, void *W, int compute, void *device_work, size_t device_bytes,
                            void *host_work, size_t host_bytes, int *info)
{
    ENTER("cusolverDnXsyevd");
    if (!dse4j_standin_syevd_operands(n, type_a, A, lda, type_w, W, device_work, device_bytes, info, 1)) {
        return CUSOLVER_STATUS_INVALID_VALUE;   /* not on the current device, or smaller than the call's reach */
    }
    (void) host_work;
    (void) host_bytes;
    return syevd_core(handle, params, jobz, uplo, n, type_a, A, lda, type_w, W, compute, device_work, device_bytes,
                      info);
}

/* The batched API (CUDA >= 12.6.2): batchSize matrices n x n stored one after another (stride lda*n), their
 * eigenvalues one after another (stride n), one info word each. NVIDIA documents n * lda * batchSize <= INT32_MAX
 * for one call; what the real library does beyond it is not documented, and the stand-in refuses it as an invalid
 * value, so that a caller that does not split its batch fails here instead of silently working. */
static int batch_too_large(int64_t n, int64_t lda, int64_t batch)
{
    if (n <= 0 || lda <= 0 || batch <= 0) {
        return 0;
    }
    int64_t limit = dse4j_standin_batched_limit();
    return lda > limit / n || batch > limit / (n * lda);
}

EXPORT int cusolverDnXsyevBatched_bufferSize(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a,
                                             const void *A, int64_t lda, int type_w, const void *W, int compute,
                                             size_t *device_bytes, size_t *host_bytes, int64_t batch)
{
    ENTER("cusolverDnXsyevBatched_bufferSize");
    (void) A;
    (void) W;
    int status = check_syevd(handle, params, jobz, uplo, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    if (device_bytes == NULL || host_bytes == NULL || batch < 1 || batch_too_large(n, lda, batch)) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    *device_bytes = device_workspace(n);
    *host_bytes = 0;
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT int cusolverDnXsyevBatched(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, void *A,
                                  int64_t lda, int type_w, void *W, int compute, void *device_work,
                                  size_t device_bytes, void *host_work, size_t host_bytes, int *info, int64_t batch)
{
    ENTER("cusolverDnXsyevBatched");
    if (!dse4j_standin_syevd_operands(n, type_a, A, lda, type_w, W, device_work, device_bytes, info, batch)) {
        return CUSOLVER_STATUS_INVALID_VALUE;   /* not on the current device, or smaller than the call's reach */
    }
    (void) host_work;
    (void) host_bytes;
    if (batch < 1 || info == NULL || batch_too_large(n, lda, batch)) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    size_t element = type_a == CUDA_R_64F ? sizeof(double) : sizeof(float);
    for (int64_t b = 0; b < batch; b++) {
        int status = syevd_core(handle, params, jobz, uplo, n, type_a, (char *) A + (size_t) (b * lda * n) * element,
                                lda, type_w, (char *) W + (size_t) (b * n) * element, compute, device_work,
                                device_bytes, info + b);
        if (status != CUSOLVER_STATUS_SUCCESS) {
            return status;
        }
    }
    return CUSOLVER_STATUS_SUCCESS;
}

static int check_geev(void *handle, void *params, int jobvl, int jobvr, int64_t n, int type_a, int64_t lda,
                      int type_w, int compute)
{
    if (!dse4j_standin_is_handle(handle, "cusolver")) {
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    }
    if (params != NULL && !dse4j_standin_is_handle(params, "params")) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    if (jobvl != CUSOLVER_EIG_MODE_NOVECTOR || jobvr != CUSOLVER_EIG_MODE_NOVECTOR) {
        return 9; /* CUSOLVER_STATUS_NOT_SUPPORTED: the stand-in computes eigenvalues only */
    }
    if (n < 0 || lda < (n > 1 ? n : 1) || type_a != CUDA_R_64F || type_w != CUDA_R_64F || compute != CUDA_R_64F) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    return CUSOLVER_STATUS_SUCCESS;
}

/* cusolverDnXgeev (CUDA >= 12.6), real types: W holds the n real parts, then the n imaginary parts. */
EXPORT int cusolverDnXgeev_bufferSize(void *handle, void *params, int jobvl, int jobvr, int64_t n, int type_a,
                                      const void *A, int64_t lda, int type_w, const void *W, int type_vl,
                                      const void *VL, int64_t ldvl, int type_vr, const void *VR, int64_t ldvr,
                                      int compute, size_t *device_bytes, size_t *host_bytes)
{
    ENTER("cusolverDnXgeev_bufferSize");
    (void) A; (void) W; (void) type_vl; (void) VL; (void) ldvl; (void) type_vr; (void) VR; (void) ldvr;
    int status = check_geev(handle, params, jobvl, jobvr, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    if (device_bytes == NULL || host_bytes == NULL) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    *device_bytes = (size_t) (n * n + n) * sizeof(double) + 64;
    *host_bytes = 0;
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT int cusolverDnXgeev(void *handle, void *params, int jobvl, int jobvr, int64_t n, int type_a, void *A,
                           int64_t lda, int type_w, void *W, int type_vl, void *VL, int64_t ldvl, int type_vr,
                           void *VR, int64_t ldvr, int compute, void *device_work, size_t device_bytes,
                           void *host_work, size_t host_bytes, int *info)
{
    ENTER("cusolverDnXgeev");
    if (!dse4j_standin_geev_operands(n, A, lda, W, device_work, device_bytes, info)) {
        return CUSOLVER_STATUS_INVALID_VALUE;   /* not on the current device, or smaller than the call's reach */
    }
    (void) type_vl; (void) VL; (void) ldvl; (void) type_vr; (void) VR; (void) ldvr; (void) host_work;
    (void) host_bytes;
    int status = check_geev(handle, params, jobvl, jobvr, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    if (info == NULL || (n > 0 && (A == NULL || W == NULL || device_work == NULL))
        || device_bytes < (size_t) (n * n + n) * sizeof(double) + 64) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    double *h = (double *) device_work;
    double *v = h + n * n;
    for (int64_t j = 0; j < n; j++) {
        for (int64_t i = 0; i < n; i++) {
            h[i + j * n] = ((double *) A)[i + j * lda];
        }
    }
    double *w = (double *) W;
    *info = dse4j_standin_general_eigenvalues(h, n, w, w + n, v) ? (int) n : 0;
    return CUSOLVER_STATUS_SUCCESS;
}
