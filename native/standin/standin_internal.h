/*
 * dse4j CUDA stand-in, private to its sources (tests use dse4j_standin.h): what its parts share. The parts —
 *   standin_ledger.c    the ledger of live handles, call counting and fault injection, and the control API of
 *                       dse4j_standin.h;
 *   standin_memory.c    device memory: the live allocations as ranges, each device's total, used bytes and the
 *                       libraries' overhead, and the memory part of the control API;
 *   standin_operands.c  what each call's pointer arguments must be: device memory of the current device, as large as
 *                       the call reads or writes, or host memory where the call reads the host;
 *   standin_runtime.c   the CUDA runtime: devices, memory, copies, streams;
 *   standin_streams.c   asynchrony: the queue of issued work, run at synchronisation points;
 *   standin_cublas.c    cuBLAS: handles and syrk;
 *   standin_cusolver.c  cuSOLVER's entry points: handles, params, Xsyevd, XsyevBatched, Xgeev;
 *   standin_eigen.c     the host eigen-solvers behind them, the symmetric one built once per element type from
 *                       standin_eigen_symmetric.h;
 *   emulated_kernels.cpp, driver_api.cpp, standin_nvrtc.cpp (C++): dse4j's device source on the host, the driver
 *                       API, NVRTC.
 * Every entry point goes through the ledger (ENTER), so that tests can count its calls and make one fail.
 *
 * The values below mirror the CUDA 11.8/13.0 headers' ABI (enums are int, handles are opaque pointers), so no CUDA
 * header is needed to build the stand-in. C and C++: driver_api.cpp takes the ledger from here too.
 */
#ifndef DSE4J_STANDIN_INTERNAL_H
#define DSE4J_STANDIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the stand-in's NVRTC writes as a cubin: the ELF magic, then this tag and the architecture ("sm_90\n"). */
#define DSE4J_STANDIN_CUBIN_TAG "\x7f" "ELF dse4j-standin-cubin "

/* What the library exports; everything else is hidden (-fvisibility=hidden). */
#define EXPORT __attribute__((visibility("default")))

/* ---- status codes and argument values (from the CUDA 11.8/13.0 headers) ---- */
enum {
    cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorInvalidDevice = 101,
    cudaErrorNoDevice = 100, cudaErrorInvalidResourceHandle = 400
};
enum {
    CUBLAS_STATUS_SUCCESS = 0, CUBLAS_STATUS_NOT_INITIALIZED = 1, CUBLAS_STATUS_INVALID_VALUE = 7
};
enum {
    CUSOLVER_STATUS_SUCCESS = 0, CUSOLVER_STATUS_NOT_INITIALIZED = 1, CUSOLVER_STATUS_INVALID_VALUE = 3
};
enum { CUDA_R_32F = 0, CUDA_R_64F = 1 };
enum { CUBLAS_FILL_MODE_LOWER = 0, CUBLAS_FILL_MODE_UPPER = 1 };
enum { CUBLAS_OP_N = 0, CUBLAS_OP_T = 1 };
enum { CUSOLVER_EIG_MODE_NOVECTOR = 0, CUSOLVER_EIG_MODE_VECTOR = 1 };
enum { cudaMemcpyHostToHost = 0, cudaMemcpyHostToDevice = 1, cudaMemcpyDeviceToHost = 2,
       cudaMemcpyDeviceToDevice = 3, cudaMemcpyDefault = 4 };

/* ---- the ledger (standin_ledger.c) ---- */

/* Counts a call of `name`; returns the status injected for this call (dse4j_standin_fail), else 0. */
int dse4j_standin_enter(const char *name);

/* Starts an entry point: counts the call, and returns the injected status when this call must fail. */
#define ENTER(name)                                  \
    do {                                             \
        int injected_ = dse4j_standin_enter(name);   \
        if (injected_ != 0) {                        \
            return injected_;                        \
        }                                            \
    } while (0)

/* A new live handle of `kind` (at most 15 characters: "stream", "cublas", "module", ...) into *handle; 0 when out of
 * memory. */
int dse4j_standin_new_handle(void **handle, const char *kind);

/* Whether `handle` is a live handle of `kind`. */
int dse4j_standin_is_handle(const void *handle, const char *kind);

/* Whether `handle` is a live handle of any kind. */
int dse4j_standin_is_any_handle(const void *handle);

/* Checks and removes in one step (of two concurrent destroys of one handle, one succeeds and one is refused):
 * whether `handle` was a live handle of `kind`, now freed. */
int dse4j_standin_drop_handle(void *handle, const char *kind);

/* The most simulated devices (dse4j_standin_set_devices). */
#define STANDIN_MAX_DEVICES 16

/* The simulated devices cudaGetDeviceCount reports. */
int dse4j_standin_device_count(void);

/* The calling thread's current device (0 until it sets one, as in the runtime), and setting it. */
int dse4j_standin_current_device(void);
void dse4j_standin_set_current_device(int device);

/* ---- device memory (standin_memory.c) ---- */

/* Device memory on the calling thread's current device: cudaMalloc's and cudaFree's work and statuses (a block
 * beyond the device's free memory is refused with cudaErrorMemoryAllocation, one that is not live is not freed; a
 * new block is all 0xFF bytes, NaN however it is read), and cudaMemGetInfo's figures. */
int dse4j_standin_device_allocate(void **pointer, size_t bytes);
int dse4j_standin_device_free(void *pointer);
void dse4j_standin_memory_info(size_t *free_bytes, size_t *total_bytes);

/* Whether [p, p + bytes) lies inside one live allocation of the calling thread's current device (an empty range:
 * whether p lies inside one, or at its end). */
int dse4j_standin_device_range(const void *p, size_t bytes);

/* The device of the live allocation that holds the byte at p, or -1: p is host memory. */
int dse4j_standin_device_of(const void *p);

/* Whether `p` lies in a live allocation (of any device): what queued work checks of its device pointers when it runs,
 * since cudaFree does not wait for it (standin_streams.c) — a block freed under queued work is an illegal address. */
int dse4j_standin_still_allocated(const void *p);

/* Charges the libraries' overhead (dse4j_standin_set_library_overhead) to the calling thread's current device if it
 * is not charged yet: called by cublasCreate_v2 and cusolverDnCreate. 0 when it does not fit the device's free
 * memory (the handle is then not created, as a library that cannot get its memory fails to initialise). */
int dse4j_standin_charge_library_overhead(void);

/* dse4j_standin_reset's part: every device back to its default total, no overhead charged, the default overhead,
 * the allocation counts to zero (live allocations stay live). */
void dse4j_standin_memory_reset(void);

/* The info the next cusolverDnXsyevd reports (dse4j_standin_fail_info), 0 for none; taking it clears it. */
int dse4j_standin_take_pending_info(void);

/* The most matrix elements one cusolverDnXsyevBatched(_bufferSize) call accepts (dse4j_standin_set_batched_limit). */
int64_t dse4j_standin_batched_limit(void);

/* ---- the pointer arguments of the calls that take device memory (standin_operands.c) ---- */

/* Each answers whether the call's pointers are what it needs (standin_operands.c says what each needs); the call
 * refuses them otherwise, with the invalid-value status of its library. */
int dse4j_standin_copy_operands(const void *dst, const void *src, size_t bytes, int kind);
int dse4j_standin_syrk_operands(int trans, int n, int k, const void *A, int lda, const void *C, int ldc,
                                size_t element);
int dse4j_standin_syevd_operands(int64_t n, int type_a, const void *A, int64_t lda, int type_w, const void *W,
                                 const void *work, size_t work_bytes, const int *info, int64_t batch);
int dse4j_standin_geev_operands(int64_t n, const void *A, int64_t lda, const void *W, const void *work,
                                size_t work_bytes, const int *info);

/* ---- asynchrony (standin_streams.c) ---- */

/* Queued work: runs with its arguments when `run` is non-zero and returns a cudaError_t (a failure becomes its
 * device's sticky fault); in every case releases its arguments (a queue discarded at a reset, or one that could not
 * take it, calls it with run = 0). */
typedef int (*dse4j_standin_work)(void *arguments, int run);

/* Queues `work` on `stream` (NULL: the legacy default stream) of the current device, behind everything issued before
 * it; returns cudaSuccess, or cudaErrorMemoryAllocation (the work released unrun). */
int dse4j_standin_enqueue(const void *stream, dse4j_standin_work work, void *arguments);

/* Runs the work `stream` waits for (its own, and what its device issued before the last legacy-stream work it waits
 * for) — cudaStreamSynchronize; returns the stream's device's sticky fault, else cudaSuccess. */
int dse4j_standin_synchronize_stream(const void *stream);

/* Runs all work of the current device — the blocking cudaMemcpy, cudaFree; returns its sticky fault, else cudaSuccess. */
int dse4j_standin_synchronize_device(void);

/* The current device's sticky fault (700, 719: the failure of work that ran), cudaSuccess when none: every call that
 * works on the device answers it, as CUDA does once its context is lost. */
int dse4j_standin_device_fault(void);

/* Forgets the queue unrun and every sticky fault (dse4j_standin_reset). */
void dse4j_standin_discard_queue(void);

/* The stream a cuBLAS or cuSOLVER handle works on (cublasSetStream, cusolverDnSetStream): its slot in the handle. */
void **dse4j_standin_handle_stream(void *handle);

/* ---- the runtime's current device and the driver's current context, kept in step ---- */

/* standin_runtime.c: cuCtxSetCurrent(a device's context) makes that device the runtime's current one, as on CUDA. */
void dse4j_standin_driver_context_set(int device);

/* driver_api.cpp: cudaSetDevice's side, that device's primary context current on the thread. */
void dse4j_standin_runtime_device_set(int device);

/* ---- host eigen-solvers (standin_eigen.c) ---- */

/*
 * One symmetric eigenproblem as cusolverDn<t>syevd computes it, in the element type throughout: the lower (lower != 0)
 * or upper triangle of the n x n column-major a (leading dimension lda) in, its eigenvalues ascending in w and, when
 * vectors, its eigenvectors over a. device_work holds n*n + (vectors ? n*n : 0) + n elements and host_work 2n (the
 * solver's scratch, which the workspace queries ask the caller for). Returns 0, or 1 if the iteration did not
 * converge.
 */
int dse4j_standin_syevd_f64(int vectors, int lower, int64_t n, double *a, int64_t lda, double *w, double *device_work,
                            double *host_work);
int dse4j_standin_syevd_f32(int vectors, int lower, int64_t n, float *a, int64_t lda, float *w, float *device_work,
                            float *host_work);

/*
 * Eigenvalues of a real non-symmetric n x n column-major h (destroyed): real parts in re, imaginary parts in im; v is
 * scratch of n. Returns 0, or 1 when an eigenvalue takes more than 100 iterations.
 */
int dse4j_standin_general_eigenvalues(double *h, int64_t n, double *re, double *im, double *v);

#ifdef __cplusplus
}
#endif

#endif
