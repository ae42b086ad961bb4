/*
 * dse4j CUDA stand-in: the CUDA runtime calls the GPU backend makes — error names, versions, devices, device memory,
 * copies and streams — with the runtime's semantics on the host. Work issued to streams is queued (standin_streams.c)
 * and runs when something waits for it: cudaStreamSynchronize (the stream's work), the blocking cudaMemcpy (the
 * device's) — not cudaFree, which CUDA does not promise to wait; a failure of work that ran is sticky, and every call here that works on the device answers
 * it from then on. Device memory and
 * handles are kept by the ledger (standin_ledger.c), which counts each allocation against the calling thread's current
 * device.
 */
#include <stdlib.h>
#include <string.h>

#include "standin_internal.h"

EXPORT const char *cudaGetErrorName(int error)
{
    switch (error) {
        case cudaSuccess: return "cudaSuccess";
        case cudaErrorInvalidValue: return "cudaErrorInvalidValue";
        case cudaErrorMemoryAllocation: return "cudaErrorMemoryAllocation";
        case 35: return "cudaErrorInsufficientDriver";
        case cudaErrorNoDevice: return "cudaErrorNoDevice";
        case cudaErrorInvalidDevice: return "cudaErrorInvalidDevice";
        case cudaErrorInvalidResourceHandle: return "cudaErrorInvalidResourceHandle";
        case 700: return "cudaErrorIllegalAddress";
        case 719: return "cudaErrorLaunchFailure";
        default: return "cudaErrorUnknown";
    }
}

EXPORT const char *cudaGetErrorString(int error)
{
    switch (error) {
        case cudaSuccess: return "no error";
        case cudaErrorInvalidValue: return "invalid argument";
        case cudaErrorMemoryAllocation: return "out of memory";
        case 35: return "CUDA driver version is insufficient for CUDA runtime version";
        case cudaErrorNoDevice: return "no CUDA-capable device is detected";
        case cudaErrorInvalidDevice: return "invalid device ordinal";
        case cudaErrorInvalidResourceHandle: return "invalid resource handle";
        case 700: return "an illegal memory access was encountered";
        case 719: return "unspecified launch failure";
        default: return "unknown error";
    }
}

EXPORT int cudaGetLastError(void)
{
    return cudaSuccess;
}

EXPORT int cudaRuntimeGetVersion(int *version)
{
    ENTER("cudaRuntimeGetVersion");
    if (version == NULL) {
        return cudaErrorInvalidValue;
    }
    *version = 13000;
    return cudaSuccess;
}

EXPORT int cudaDriverGetVersion(int *version)
{
    ENTER("cudaDriverGetVersion");
    if (version == NULL) {
        return cudaErrorInvalidValue;
    }
    *version = 13000;
    return cudaSuccess;
}

EXPORT int cudaGetDeviceCount(int *count)
{
    ENTER("cudaGetDeviceCount");
    if (count == NULL) {
        return cudaErrorInvalidValue;
    }
    *count = dse4j_standin_device_count();
    return *count > 0 ? cudaSuccess : cudaErrorNoDevice;
}

EXPORT int cudaSetDevice(int device)
{
    ENTER("cudaSetDevice");
    if (device < 0 || device >= dse4j_standin_device_count()) {
        return cudaErrorInvalidDevice;
    }
    dse4j_standin_set_current_device(device);
    /* As the runtime does: the device's primary context becomes the thread's current context. */
    dse4j_standin_runtime_device_set(device);
    return cudaSuccess;
}

void dse4j_standin_driver_context_set(int device)
{
    dse4j_standin_set_current_device(device);
}

EXPORT int cudaGetDevice(int *device)
{
    ENTER("cudaGetDevice");
    if (device == NULL) {
        return cudaErrorInvalidValue;
    }
    *device = dse4j_standin_current_device();
    return cudaSuccess;
}

/* The current device's free and total bytes: its allocations and the libraries' overhead (standin_memory.c) are
 * not free. */
EXPORT int cudaMemGetInfo(size_t *free_bytes, size_t *total_bytes)
{
    ENTER("cudaMemGetInfo");
    if (free_bytes == NULL || total_bytes == NULL) {
        return cudaErrorInvalidValue;
    }
    dse4j_standin_memory_info(free_bytes, total_bytes);
    return cudaSuccess;
}

EXPORT int cudaMalloc(void **pointer, size_t bytes)
{
    ENTER("cudaMalloc");
    if (pointer == NULL) {
        return cudaErrorInvalidValue;
    }
    int fault = dse4j_standin_device_fault();
    if (fault != cudaSuccess) {
        return fault;
    }
    return dse4j_standin_device_allocate(pointer, bytes);
}

EXPORT int cudaFree(void *pointer)
{
    ENTER("cudaFree");
    if (pointer == NULL) {
        return cudaSuccess;
    }
    // cudaFree "may perform implicit synchronization" (the runtime's documentation): it may not, so it does not wait
    // here, and queued work that still uses the block faults with an illegal address when it runs — a caller must
    // synchronise before it frees. After a sticky fault the block is still taken off the ledger, so that a test sees
    // whether every release was attempted; the call answers the fault.
    int fault = dse4j_standin_device_fault();
    int status = dse4j_standin_device_free(pointer);
    return fault != cudaSuccess ? fault : status;
}

/* Why the copy cannot be made, or cudaSuccess: a side that is not the memory `kind` says (device memory of the
 * current device, as large as the copy, or host memory) is an invalid value, as the runtime answers a copy in the wrong
 * direction. */
static int check_copy(void *dst, const void *src, size_t bytes, int kind)
{
    if ((dst == NULL || src == NULL) && bytes > 0) {
        return cudaErrorInvalidValue;
    }
    if (kind < cudaMemcpyHostToHost || kind > cudaMemcpyDefault
        || !dse4j_standin_copy_operands(dst, src, bytes, kind)) {
        return cudaErrorInvalidValue;
    }
    return cudaSuccess;
}

EXPORT int cudaMemcpy(void *dst, const void *src, size_t bytes, int kind)
{
    ENTER("cudaMemcpy");
    int status = check_copy(dst, src, bytes, kind);
    if (status != cudaSuccess) {
        return status;
    }
    // The blocking copy runs in the legacy default stream, after all earlier work of the device's blocking streams, and
    // reports a failure of that work as its own (the runtime's "may also return error codes from previous,
    // asynchronous launches").
    status = dse4j_standin_synchronize_device();
    if (status != cudaSuccess) {
        return status;
    }
    memmove(dst, src, bytes);
    return cudaSuccess;
}

typedef struct {
    void *dst;
    const void *src;
    size_t bytes;
    int dst_on_device, src_on_device;
} queued_copy;

static int run_copy(void *arguments, int run)
{
    queued_copy *copy = arguments;
    int status = cudaSuccess;
    if (run && ((copy->dst_on_device && !dse4j_standin_still_allocated(copy->dst))
                || (copy->src_on_device && !dse4j_standin_still_allocated(copy->src)))) {
        status = 700;   /* cudaErrorIllegalAddress: device memory freed before the copy ran */
    } else if (run) {
        memmove(copy->dst, copy->src, copy->bytes);
    }
    free(copy);
    return status;
}

/*
 * Queued behind the stream's work: the source is read and the destination written when it runs. A destination in host
 * memory is poisoned now (every byte 0xFF: NaN as float or double) — what a host read before the stream's
 * synchronisation may see on a GPU, where the copy has not happened yet — so a missing synchronisation shows.
 */
EXPORT int cudaMemcpyAsync(void *dst, const void *src, size_t bytes, int kind, void *stream)
{
    ENTER("cudaMemcpyAsync");
    if (stream != NULL && !dse4j_standin_is_handle(stream, "stream")) {
        return cudaErrorInvalidResourceHandle;
    }
    int status = check_copy(dst, src, bytes, kind);
    if (status == cudaSuccess) {
        status = dse4j_standin_device_fault();
    }
    if (status != cudaSuccess) {
        return status;
    }
    queued_copy *copy = malloc(sizeof *copy);
    if (copy == NULL) {
        return cudaErrorMemoryAllocation;
    }
    copy->dst = dst;
    copy->src = src;
    copy->bytes = bytes;
    copy->dst_on_device = dse4j_standin_device_of(dst) >= 0;
    copy->src_on_device = dse4j_standin_device_of(src) >= 0;
    if (!dse4j_standin_device_range(dst, bytes)) {
        memset(dst, 0xFF, bytes);
    }
    return dse4j_standin_enqueue(stream, run_copy, copy);
}

EXPORT int cudaStreamCreate(void **stream)
{
    ENTER("cudaStreamCreate");
    if (stream == NULL) {
        return cudaErrorInvalidValue;
    }
    int fault = dse4j_standin_device_fault();
    if (fault != cudaSuccess) {
        return fault;
    }
    return dse4j_standin_new_handle(stream, "stream") ? cudaSuccess : cudaErrorMemoryAllocation;
}

EXPORT int cudaStreamDestroy(void *stream)
{
    ENTER("cudaStreamDestroy");
    if (!dse4j_standin_is_handle(stream, "stream")) {
        return cudaErrorInvalidResourceHandle;
    }
    // CUDA returns at once and releases the stream once its work is done: the work stays queued, to run when something
    // waits for it, so host memory it reads must outlive the call. A sticky fault is answered, the handle dropped.
    int fault = dse4j_standin_device_fault();
    int status = dse4j_standin_drop_handle(stream, "stream") ? cudaSuccess : cudaErrorInvalidResourceHandle;
    return fault != cudaSuccess ? fault : status;
}

EXPORT int cudaStreamSynchronize(void *stream)
{
    ENTER("cudaStreamSynchronize");
    if (stream != NULL && !dse4j_standin_is_handle(stream, "stream")) {
        return cudaErrorInvalidResourceHandle;
    }
    return dse4j_standin_synchronize_stream(stream);
}
