/*
 * dse4j CUDA stand-in: a host-only library, for tests, that exports every CUDA runtime, cuBLAS, cuSOLVER, CUDA
 * driver API and NVRTC function the GPU backend calls, with the real semantics (column-major storage, leading dimensions,
 * uplo/trans, workspace queries, the info output, error codes) on ordinary host memory. It is never loaded unless
 * the loader's path property names it, and it announces itself through dse4j_standin_version().
 *
 * This header is the stand-in's own control API: the ledger of outstanding resources and fault injection.
 */
#ifndef DSE4J_STANDIN_H
#define DSE4J_STANDIN_H

#include <stddef.h>
#include <stdint.h>

/* Present only in the stand-in: lets the loader tell it from a real CUDA runtime. */
int dse4j_standin_version(void);

/* Forgets every injected fault and resets the call counters and the simulated device (1 device, 81559 MiB each as an H100 80GB, the
 * libraries' default overhead charged on no device yet, the batched eigensolver's documented size limit, a CUDA 13.0
 * driver, compute capability 9.0). */
void dse4j_standin_reset(void);

/* Device memory blocks allocated and not yet freed. */
int64_t dse4j_standin_outstanding_allocations(void);

/* cuBLAS/cuSOLVER handles, cuSOLVER params and streams created and not yet destroyed. */
int64_t dse4j_standin_outstanding_handles(void);

/* Work issued to streams (launches, cuBLAS and cuSOLVER computations, asynchronous copies) and not yet run: it runs
 * when something waits for it (standin_streams.c). A reset discards it. */
int64_t dse4j_standin_queued(void);

/* Forgets every device's sticky fault (a kernel's 700 or 719, which CUDA keeps until the process ends): a test's way to
 * go on as a new process would. A reset does it too. */
void dse4j_standin_clear_faults(void);

/* How many times `function` has been called since the last reset. */
int64_t dse4j_standin_calls(const char *function);

/*
 * Makes the `nth` call (1-based, counted from now) of `function` fail with `status` (a cudaError_t,
 * cublasStatus_t or cusolverStatus_t value, as the function returns) without doing anything else. For a kernel (its
 * entry point's name), 700 and 719 — what only a running kernel meets — are its fault when it runs instead: the launch
 * succeeds and the device's context is lost (a sticky fault) from then on.
 */
void dse4j_standin_fail(const char *function, int64_t nth, int status);

/* Makes the next cusolverDnXsyevd report `info` (e.g. > 0: no convergence) while returning success. */
void dse4j_standin_fail_info(int info);

/* The driver's CUDA version (cuDriverGetVersion: 12080 for a CUDA 12.8 driver) and every device's compute capability. */
void dse4j_standin_set_driver(int version, int major, int minor);

/* One device's compute capability, until the next dse4j_standin_set_driver or reset: a machine with mixed GPUs. */
void dse4j_standin_set_capability(int device, int major, int minor);

/*
 * Simulated devices: the number cudaGetDeviceCount reports (at most 16; until a reset, which returns to
 * DSE4J_STANDIN_DEVICES from the environment, or 1) and the total memory cudaMemGetInfo reports for each (81559 MiB
 * until a reset): for every device, or for one.
 */
void dse4j_standin_set_devices(int count);
void dse4j_standin_set_memory(size_t total_bytes);
void dse4j_standin_set_device_memory(int device, size_t total_bytes);

/*
 * The device memory CUDA's context, cuBLAS and cuSOLVER take for themselves: charged to a device when the first
 * cuBLAS or cuSOLVER handle is created on it (a creation it does not fit fails with the library's ALLOC_FAILED) and
 * kept until a reset. 512 MiB until a reset (standin_memory.c says where the figure comes from); 0 for none.
 */
void dse4j_standin_set_library_overhead(size_t bytes);
size_t dse4j_standin_library_overhead(void);

/* The cudaMalloc calls that succeeded on `device` (current on the calling thread then) since the last reset. */
int64_t dse4j_standin_allocations_on(int device);

/*
 * Runs an emulated launch in which half the threads of each block return before a __syncthreads() that the other
 * half waits at (a GPU would hang): returns 719 (cudaErrorLaunchFailure) when the emulation reports it, as it must.
 */
int dse4j_standin_launch_divergent_barrier(void);

/*
 * The most matrix elements (n * lda * batchSize) one cusolverDnXsyevBatched(_bufferSize) call accepts before it
 * returns CUSOLVER_STATUS_INVALID_VALUE: INT32_MAX, as NVIDIA documents, until a test lowers it to see a batch split.
 */
void dse4j_standin_set_batched_limit(int64_t elements);

#endif
