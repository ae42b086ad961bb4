/*
 * dse4j CUDA stand-in: the cuSOLVER calls the GPU backend makes — a handle on a stream, params, and the eigensolvers
 * cusolverDnXsyevd, cusolverDnXsyevBatched (CUDA >= 12.6.2) and cusolverDnXgeev (CUDA >= 12.6) with their workspace
 * queries — with cuSOLVER's calling conventions and semantics: the 64-bit API's data types, uplo and jobz, the
 * workspace sizes they ask for, the info output (a test can make the next one non-zero: dse4j_standin_fail_info).
 * The eigenproblems themselves are solved on the host by standin_eigen.c, in the precision of the data type, when
 * the handle's stream is synchronised: the calls check their arguments and queue the work (standin_streams.c).
 *
 * Workspaces are held to what their query returned, as strictly as cuSOLVER documents them (each workspace's size
 * is the one its _bufferSize returned): a device or host workspace smaller than the query's answer for the same
 * arguments, or a NULL one where bytes are asked for, is CUSOLVER_STATUS_INVALID_VALUE. Both are really used (the solvers' scratch lives there), and
 * the host one is never empty, so a caller that passes no host workspace fails here, not first on a GPU.
 */
#include <stdlib.h>

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
    if (stream != NULL && !dse4j_standin_is_handle(stream, "stream")) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    *dse4j_standin_handle_stream(handle) = stream;
    return CUSOLVER_STATUS_SUCCESS;
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

static size_t element_bytes(int type)
{
    return type == CUDA_R_64F ? sizeof(double) : sizeof(float);
}

/*
 * The width of the panel a blocked tridiagonal reduction works in, which the device workspace is sized for: LAPACK's
 * xSYTRD asks for n * nb elements (LWORK = N*NB, NB from ILAENV), and cuSOLVER's sytrd, like every blocked algorithm
 * of it, chooses its block sizes by n without documenting how or promising that the workspace grows with n. The
 * stand-in models that with a panel that narrows as the matrix grows: just past each step the narrower panel saves
 * more than the larger matrix adds, so n = 60 asks for more than n = 64 (60^2 + 60*32 > 64^2 + 64*16), and a caller
 * that sizes one workspace for its largest matrix and reuses it for smaller ones is refused, as it could be on a GPU.
 */
static int64_t panel_width(int64_t n)
{
    return n < 64 ? 32 : n < 256 ? 16 : 8;
}

/* Elements of the data type in one matrix's device workspace: the working copy (n x n), the eigenvectors (n x n, with
 * jobz = VECTOR) and the panel, whose first n elements the solver's reflector scratch uses. */
static int64_t syevd_device_elements(int64_t n, int jobz)
{
    return n * n * (jobz == CUSOLVER_EIG_MODE_VECTOR ? 2 : 1) + n * panel_width(n);
}

/* Elements of the data type in the host workspace: 2n + 1, the minimum LWORK LAPACK's xSYEVD documents for
 * JOBZ = 'N' — the tridiagonal's diagonal and off-diagonal, which the stand-in's QL iteration keeps there. The
 * eigenvectors stay in the device workspace, so the figure is the same with jobz = VECTOR. A real cuSOLVER may ask for
 * less host memory (even none); asking for some here makes the caller's host-workspace path run on the stand-in. */
static int64_t syevd_host_elements(int64_t n)
{
    return 2 * n + 1;
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
    *device_bytes = (size_t) syevd_device_elements(n, jobz) * element_bytes(type_a);
    *host_bytes = (size_t) syevd_host_elements(n) * element_bytes(type_a);
    return CUSOLVER_STATUS_SUCCESS;
}

/* An eigensolver call as queued on the handle's stream: its arguments, checked when it was issued. */
typedef struct {
    int vectors, lower, type_a;
    int64_t n, lda, batch;
    void *A, *W, *device_work, *host_work;
    int *info;
} solver_call;

/* What an eigensolver call answers before it judges its arguments: a dead handle is that, whatever else; then a
 * device whose context a fault lost (standin_streams.c). */
static int solver_state(void *handle)
{
    if (!dse4j_standin_is_handle(handle, "cusolver")) {
        return CUSOLVER_STATUS_NOT_INITIALIZED;
    }
    if (dse4j_standin_device_fault() != cudaSuccess) {
        return 6; /* CUSOLVER_STATUS_EXECUTION_FAILED */
    }
    return CUSOLVER_STATUS_SUCCESS;
}

/* Queues `call`, checked, on the handle's stream, to be done by `run` when the stream is synchronised. */
static int queue_solve(void *handle, dse4j_standin_work run, solver_call call)
{
    solver_call *queued = malloc(sizeof *queued);
    if (queued == NULL) {
        return 2; /* CUSOLVER_STATUS_ALLOC_FAILED */
    }
    *queued = call;
    return dse4j_standin_enqueue(*dse4j_standin_handle_stream(handle), run, queued) == cudaSuccess
        ? CUSOLVER_STATUS_SUCCESS : 2;
}

/* Whether a queued solve's device operands are still allocated when it runs: freed, they are an illegal address. */
static int operands_live(const solver_call *c)
{
    return c->n == 0 || (dse4j_standin_still_allocated(c->A) && dse4j_standin_still_allocated(c->W)
                         && dse4j_standin_still_allocated(c->device_work) && dse4j_standin_still_allocated(c->info));
}

/* The queued work of syevd_solve: each matrix solved, its info written (standin_streams.c runs it). */
static int run_syevd(void *arguments, int run)
{
    solver_call *c = arguments;
    if (run && !operands_live(c)) {
        free(c);
        return 700; /* cudaErrorIllegalAddress */
    }
    size_t element = element_bytes(c->type_a);
    size_t per_matrix = (size_t) syevd_device_elements(c->n, c->vectors ? CUSOLVER_EIG_MODE_VECTOR
                                                                         : CUSOLVER_EIG_MODE_NOVECTOR) * element;
    for (int64_t b = 0; run && b < c->batch; b++) {
        int pending = dse4j_standin_take_pending_info();
        if (pending != 0) {
            c->info[b] = pending;
            continue;
        }
        char *a = (char *) c->A + (size_t) (b * c->lda * c->n) * element;
        char *w = (char *) c->W + (size_t) (b * c->n) * element;
        char *work = (char *) c->device_work + (size_t) b * per_matrix;
        int failed = c->type_a == CUDA_R_64F
            ? dse4j_standin_syevd_f64(c->vectors, c->lower, c->n, (double *) a, c->lda, (double *) w, (double *) work,
                                      (double *) c->host_work)
            : dse4j_standin_syevd_f32(c->vectors, c->lower, c->n, (float *) a, c->lda, (float *) w, (float *) work,
                                      (float *) c->host_work);
        c->info[b] = failed ? (int) c->n : 0;     /* as LAPACK: the iteration failed to converge */
    }
    free(c);
    return cudaSuccess;
}

/*
 * batch symmetric eigenproblems as cusolverDnXsyevd (batch 1) and cusolverDnXsyevBatched do them: matrix b at
 * A + b*lda*n, its eigenvalues at W + b*n, its info in info[b], its share of the device workspace (the query asks
 * for one per matrix) at b times one matrix's; the host workspace is shared, the matrices solved one after another.
 * The arguments are checked now; the solve is queued on the handle's stream and runs at its synchronisation, so the
 * matrices, the workspaces (the host one too) and info must live until then, and info is written only then.
 */
static int syevd_solve(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, void *A, int64_t lda,
                       int type_w, void *W, int compute, void *device_work, size_t device_bytes, void *host_work,
                       size_t host_bytes, int *info, int64_t batch)
{
    int status = check_syevd(handle, params, jobz, uplo, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    size_t element = element_bytes(type_a);
    size_t per_matrix = (size_t) syevd_device_elements(n, jobz) * element;
    if (info == NULL || (n > 0 && (A == NULL || W == NULL)) || device_bytes < (size_t) batch * per_matrix
        || (device_work == NULL && per_matrix > 0) || host_bytes < (size_t) syevd_host_elements(n) * element
        || host_work == NULL) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    return queue_solve(handle, run_syevd, (solver_call) {jobz == CUSOLVER_EIG_MODE_VECTOR,
                                                          uplo == CUBLAS_FILL_MODE_LOWER, type_a, n, lda, batch, A, W,
                                                          device_work, host_work, info});
}

EXPORT int cusolverDnXsyevd(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, void *A,
                            int64_t lda, int type_w, void *W, int compute, void *device_work, size_t device_bytes,
                            void *host_work, size_t host_bytes, int *info)
{
    ENTER("cusolverDnXsyevd");
    int state = solver_state(handle);
    if (state != CUSOLVER_STATUS_SUCCESS) {
        return state;
    }
    if (!dse4j_standin_syevd_operands(n, type_a, A, lda, type_w, W, device_work, device_bytes, info, 1)) {
        return CUSOLVER_STATUS_INVALID_VALUE;   /* not on the current device, or smaller than the call's reach */
    }
    return syevd_solve(handle, params, jobz, uplo, n, type_a, A, lda, type_w, W, compute, device_work, device_bytes,
                       host_work, host_bytes, info, 1);
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
    *device_bytes = (size_t) batch * (size_t) syevd_device_elements(n, jobz) * element_bytes(type_a);
    *host_bytes = (size_t) syevd_host_elements(n) * element_bytes(type_a);
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT int cusolverDnXsyevBatched(void *handle, void *params, int jobz, int uplo, int64_t n, int type_a, void *A,
                                  int64_t lda, int type_w, void *W, int compute, void *device_work,
                                  size_t device_bytes, void *host_work, size_t host_bytes, int *info, int64_t batch)
{
    ENTER("cusolverDnXsyevBatched");
    int state = solver_state(handle);
    if (state != CUSOLVER_STATUS_SUCCESS) {
        return state;
    }
    if (!dse4j_standin_syevd_operands(n, type_a, A, lda, type_w, W, device_work, device_bytes, info, batch)) {
        return CUSOLVER_STATUS_INVALID_VALUE;   /* not on the current device, or smaller than the call's reach */
    }
    if (batch < 1 || batch_too_large(n, lda, batch)) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    return syevd_solve(handle, params, jobz, uplo, n, type_a, A, lda, type_w, W, compute, device_work, device_bytes,
                       host_work, host_bytes, info, batch);
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

/* Xgeev's workspaces, in doubles: on the device the Hessenberg matrix the QR iteration works on (n x n); on the host
 * max(1, 3n), the minimum LWORK LAPACK's DGEEV documents with JOBVL = JOBVR = 'N', whose first n the stand-in's
 * Householder reduction uses for its reflector. */
static int64_t geev_device_elements(int64_t n)
{
    return n * n;
}

static int64_t geev_host_elements(int64_t n)
{
    return n > 0 ? 3 * n : 1;
}

/* The queued work of cusolverDnXgeev: A copied into the device workspace, its eigenvalues into W, info written. */
static int run_geev(void *arguments, int run)
{
    solver_call *c = arguments;
    if (run && !operands_live(c)) {
        free(c);
        return 700; /* cudaErrorIllegalAddress */
    }
    if (run) {
        double *h = (double *) c->device_work;
        for (int64_t j = 0; j < c->n; j++) {
            for (int64_t i = 0; i < c->n; i++) {
                h[i + j * c->n] = ((double *) c->A)[i + j * c->lda];
            }
        }
        double *w = (double *) c->W;
        *c->info = dse4j_standin_general_eigenvalues(h, c->n, w, w + c->n, (double *) c->host_work) ? (int) c->n : 0;
    }
    free(c);
    return cudaSuccess;
}

/* cusolverDnXgeev (CUDA >= 12.6), real types: W holds the n real parts, then the n imaginary parts; queued on the
 * handle's stream as Xsyevd is. */
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
    *device_bytes = (size_t) geev_device_elements(n) * sizeof(double);
    *host_bytes = (size_t) geev_host_elements(n) * sizeof(double);
    return CUSOLVER_STATUS_SUCCESS;
}

EXPORT int cusolverDnXgeev(void *handle, void *params, int jobvl, int jobvr, int64_t n, int type_a, void *A,
                           int64_t lda, int type_w, void *W, int type_vl, void *VL, int64_t ldvl, int type_vr,
                           void *VR, int64_t ldvr, int compute, void *device_work, size_t device_bytes,
                           void *host_work, size_t host_bytes, int *info)
{
    ENTER("cusolverDnXgeev");
    int state = solver_state(handle);
    if (state != CUSOLVER_STATUS_SUCCESS) {
        return state;
    }
    if (!dse4j_standin_geev_operands(n, A, lda, W, device_work, device_bytes, info)) {
        return CUSOLVER_STATUS_INVALID_VALUE;   /* not on the current device, or smaller than the call's reach */
    }
    (void) type_vl; (void) VL; (void) ldvl; (void) type_vr; (void) VR; (void) ldvr;
    int status = check_geev(handle, params, jobvl, jobvr, n, type_a, lda, type_w, compute);
    if (status != CUSOLVER_STATUS_SUCCESS) {
        return status;
    }
    if (info == NULL || (n > 0 && (A == NULL || W == NULL || device_work == NULL))
        || device_bytes < (size_t) geev_device_elements(n) * sizeof(double)
        || host_bytes < (size_t) geev_host_elements(n) * sizeof(double) || host_work == NULL) {
        return CUSOLVER_STATUS_INVALID_VALUE;
    }
    return queue_solve(handle, run_geev, (solver_call) {0, 0, type_a, n, lda, 1, A, W, device_work, host_work, info});
}
