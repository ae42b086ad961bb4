/*
 * dse4j CUDA stand-in: device memory — every live allocation as a range [base, base + bytes) on the device that was
 * current when it was made, each device's total and used bytes, and the memory CUDA and the libraries take for
 * themselves — with the memory part of the control API (dse4j_standin.h).
 *
 * "Device memory" is host memory from malloc, so nothing but this table tells a device pointer from a host pointer:
 * every entry point that takes device memory asks it (dse4j_standin_device_range) whether what it will read or write
 * lies inside one live allocation of the current device, and refuses it otherwise, as a GPU cannot reach host memory
 * or another device's. The block is malloc'd at its exact size, so that the sanitized build's redzones sit right
 * after it: an overrun the range checks cannot see (inside a kernel) is ASan's to report.
 *
 * A fresh allocation holds garbage on a GPU; here every byte is 0xFF, a NaN as double and as float, so that a result
 * computed from memory nothing wrote comes out NaN instead of an innocent zero.
 *
 * Its own mutex: the table is asked on every call that takes device memory, which never needs the ledger's.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dse4j_standin.h"
#include "standin_internal.h"

/* Each simulated device's total until a test sets another: what cudaMemGetInfo reports as the total of an H100 80GB
 * HBM3, 81559 MiB (79.6 GiB: less than the 80 GiB of its name). */
#define DEFAULT_TOTAL ((size_t) 81559 << 20)

/*
 * What CUDA and the libraries take on a device before dse4j allocates anything, charged when the first cuBLAS or
 * cuSOLVER handle is created there (dse4j creates both when a backend opens, before it plans any computation):
 *   ~450 MiB  the primary context — the driver's own state, the local-memory reservation, which grows with the
 *             number of SMs (132 on an H100), and the kernel images the runtime loads — with lazy module loading (the
 *             default since CUDA 12.2): PyTorch's maintainers give ~400 MB for a context with lazy loading, llama.cpp
 *             measured a bare primary context at 555 MiB on a 188-SM Blackwell and 107 MiB on a 34-SM Ada, and more
 *             without lazy loading;
 *    32 MiB   cuBLAS's workspace on Hopper (NVIDIA's cuBLAS documentation, cublasSetWorkspace: 32 MiB recommended
 *             for Hopper, 4 MiB before);
 *    32 MiB   the same for the cuBLAS handle that cuSOLVER keeps for itself.
 * 512 MiB in all, the libraries' kernels loaded lazily within it: an estimate from NVIDIA's documentation and
 * public reports, not a measurement of ours (the first GPU session measures it: cudaMemGetInfo after cudaFree(0),
 * cublasCreate and cusolverDnCreate). Settable
 * (dse4j_standin_set_library_overhead), 0 to simulate none. Charged once per device and kept until
 * dse4j_standin_reset, not given back when the handles are destroyed: most of it is the primary context, which the
 * runtime keeps for the life of the process (only cudaDeviceReset or exit frees it), with the kernels loaded into
 * it; a second backend opened on the device then sees the free memory the first one saw, as on a GPU. (cuBLAS frees
 * its workspace with its handle: between two backends the stand-in reports up to 64 MiB less free than a GPU would,
 * the strict side.)
 */
#define DEFAULT_OVERHEAD ((size_t) 512 << 20)

typedef struct {
    uintptr_t base;
    size_t bytes;
    int device;
} allocation;

static allocation *live;
static int64_t live_count;
static int64_t live_capacity;
/* Per device: its total, the bytes live allocations and the charged overhead hold, the allocations made since the
   last reset, and the overhead charged (0 until its first handle). */
static size_t device_total[STANDIN_MAX_DEVICES];
static size_t allocated_bytes[STANDIN_MAX_DEVICES];
static int64_t allocations_on[STANDIN_MAX_DEVICES];
static size_t overhead_charged[STANDIN_MAX_DEVICES];
static size_t library_overhead = DEFAULT_OVERHEAD;
/* Whether device_total holds its defaults yet: set at the first use, as a process may never call reset. */
static int totals_ready;
static pthread_mutex_t memory_lock = PTHREAD_MUTEX_INITIALIZER;

/* Call with memory_lock held: the defaults in place. */
static void ready_locked(void)
{
    if (!totals_ready) {
        for (int d = 0; d < STANDIN_MAX_DEVICES; d++) {
            device_total[d] = DEFAULT_TOTAL;
        }
        totals_ready = 1;
    }
}

/* Call with memory_lock held: the bytes device d can still give (its used bytes may exceed a total set lower). */
static size_t free_locked(int d)
{
    ready_locked();
    size_t used = allocated_bytes[d] + overhead_charged[d];
    return used > device_total[d] ? 0 : device_total[d] - used;
}

/* Call with memory_lock held: the index of the live allocation holding [p, p + bytes) on `device` (any device
   when it is -1), or -1. An empty range may start anywhere up to the end of one. */
static int64_t find_locked(const void *p, size_t bytes, int device)
{
    uintptr_t at = (uintptr_t) p;
    for (int64_t i = 0; p != NULL && i < live_count; i++) {
        const allocation *a = &live[i];
        if ((device < 0 || a->device == device) && at >= a->base && at - a->base <= a->bytes
            && bytes <= a->bytes - (at - a->base)) {
            return i;
        }
    }
    return -1;
}

/* Call with memory_lock held: records the allocation; 0 when out of memory for the table. */
static int add_locked(void *p, size_t bytes, int device)
{
    if (live_count == live_capacity) {
        int64_t capacity = live_capacity == 0 ? 64 : 2 * live_capacity;
        allocation *grown = realloc(live, (size_t) capacity * sizeof *live);
        if (grown == NULL) {
            return 0;
        }
        live = grown;
        live_capacity = capacity;
    }
    live[live_count++] = (allocation) {(uintptr_t) p, bytes, device};
    return 1;
}

int dse4j_standin_device_allocate(void **pointer, size_t bytes)
{
    int device = dse4j_standin_current_device();
    /* At least one byte, so that every allocation has an address of its own (cudaMalloc(0) is one too). */
    void *p = malloc(bytes == 0 ? 1 : bytes);
    if (p == NULL) {
        return cudaErrorMemoryAllocation;
    }
    pthread_mutex_lock(&memory_lock);
    int status = cudaSuccess;
    if (bytes > free_locked(device) || !add_locked(p, bytes, device)) {
        status = cudaErrorMemoryAllocation;
    } else {
        allocated_bytes[device] += bytes;
        allocations_on[device]++;
    }
    pthread_mutex_unlock(&memory_lock);
    if (status != cudaSuccess) {
        free(p);
        return status;
    }
    memset(p, 0xFF, bytes);
    *pointer = p;
    return cudaSuccess;
}

int dse4j_standin_device_free(void *pointer)
{
    pthread_mutex_lock(&memory_lock);
    int found = 0;
    for (int64_t i = 0; i < live_count && !found; i++) {
        found = live[i].base == (uintptr_t) pointer;
        if (found) {
            allocated_bytes[live[i].device] -= live[i].bytes;
            live[i] = live[--live_count];
        }
    }
    pthread_mutex_unlock(&memory_lock);
    if (!found) {
        return cudaErrorInvalidValue;   /* not live, or inside an allocation but not its start */
    }
    free(pointer);
    return cudaSuccess;
}

void dse4j_standin_memory_info(size_t *free_bytes, size_t *total_bytes)
{
    int device = dse4j_standin_current_device();
    pthread_mutex_lock(&memory_lock);
    *free_bytes = free_locked(device);
    *total_bytes = device_total[device];
    pthread_mutex_unlock(&memory_lock);
}

int dse4j_standin_device_range(const void *p, size_t bytes)
{
    int device = dse4j_standin_current_device();
    pthread_mutex_lock(&memory_lock);
    int inside = find_locked(p, bytes, device) >= 0;
    pthread_mutex_unlock(&memory_lock);
    return inside;
}

int dse4j_standin_device_of(const void *p)
{
    pthread_mutex_lock(&memory_lock);
    int64_t i = find_locked(p, 1, -1);
    int device = i < 0 ? -1 : live[i].device;
    pthread_mutex_unlock(&memory_lock);
    return device;
}

int dse4j_standin_still_allocated(const void *p)
{
    return dse4j_standin_device_of(p) >= 0;
}

int dse4j_standin_charge_library_overhead(void)
{
    int device = dse4j_standin_current_device();
    pthread_mutex_lock(&memory_lock);
    int charged = 1;
    if (overhead_charged[device] == 0 && library_overhead > 0) {
        charged = library_overhead <= free_locked(device);
        if (charged) {
            overhead_charged[device] = library_overhead;
        }
    }
    pthread_mutex_unlock(&memory_lock);
    return charged;
}

void dse4j_standin_memory_reset(void)
{
    pthread_mutex_lock(&memory_lock);
    totals_ready = 0;
    ready_locked();
    memset(allocations_on, 0, sizeof allocations_on);
    memset(overhead_charged, 0, sizeof overhead_charged);
    library_overhead = DEFAULT_OVERHEAD;
    pthread_mutex_unlock(&memory_lock);
}

/* ---- the control API (dse4j_standin.h) ---- */

EXPORT int64_t dse4j_standin_outstanding_allocations(void)
{
    pthread_mutex_lock(&memory_lock);
    int64_t count = live_count;
    pthread_mutex_unlock(&memory_lock);
    return count;
}

EXPORT int64_t dse4j_standin_allocations_on(int device)
{
    pthread_mutex_lock(&memory_lock);
    int64_t count = device >= 0 && device < STANDIN_MAX_DEVICES ? allocations_on[device] : 0;
    pthread_mutex_unlock(&memory_lock);
    return count;
}

EXPORT void dse4j_standin_set_device_memory(int device, size_t total_bytes)
{
    pthread_mutex_lock(&memory_lock);
    ready_locked();
    if (device >= 0 && device < STANDIN_MAX_DEVICES) {
        device_total[device] = total_bytes;
    }
    pthread_mutex_unlock(&memory_lock);
}

EXPORT void dse4j_standin_set_memory(size_t total_bytes)
{
    for (int d = 0; d < STANDIN_MAX_DEVICES; d++) {
        dse4j_standin_set_device_memory(d, total_bytes);
    }
}

EXPORT void dse4j_standin_set_library_overhead(size_t bytes)
{
    pthread_mutex_lock(&memory_lock);
    library_overhead = bytes;
    pthread_mutex_unlock(&memory_lock);
}

EXPORT size_t dse4j_standin_library_overhead(void)
{
    pthread_mutex_lock(&memory_lock);
    size_t bytes = library_overhead;
    pthread_mutex_unlock(&memory_lock);
    return bytes;
}
