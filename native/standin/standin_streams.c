/*
 * dse4j CUDA stand-in: asynchrony, as a GPU has it. Work issued to a stream — a kernel launch, a cuBLAS or cuSOLVER
 * computation, an asynchronous copy — does not run when it is issued: the call checks its arguments at once (what the
 * real call reports synchronously) and queues the work, which runs only when something waits for it. So a host read
 * of a result before its synchronisation sees what was there before (an asynchronous copy to the host poisons its
 * destination at issue, as a stale or half-written buffer would read), host memory handed to queued work must live
 * until it runs, and the failure of work that ran comes back from a later call, not from the one that issued it — all
 * as on hardware, where a test that forgets a synchronisation would pass only by luck of timing.
 *
 * What waits for what follows the CUDA driver API's "Stream synchronization behavior": every stream dse4j creates is
 * blocking, and the legacy default stream (NULL) waits for all earlier work of the blocking streams of its device,
 * which in turn wait for its earlier work. So synchronising a stream runs its own work and, of its device, everything
 * issued before the last legacy-stream work it waits for — not the other streams' later work, nor another device's;
 * the blocking cudaMemcpy runs all of its device's work. cudaFree runs none: the runtime says it "may perform implicit
 * synchronization", so a caller must not count on it, and queued work whose device memory was freed meanwhile is an
 * illegal address (700) when it runs.
 *
 * A failure while work runs (a kernel's illegal address, 700, or launch failure, 719) is sticky, as NVIDIA documents
 * for both: "the process [is left] in an inconsistent state and any further CUDA work will return the same error".
 * From then on the device's calls answer it (dse4j_standin_device_fault) until dse4j_standin_reset — the stand-in's
 * only way to start a process afresh. Work runs under one lock, one item at a time, whichever thread synchronises.
 */
#include <pthread.h>
#include <stdlib.h>

#include "dse4j_standin.h"
#include "standin_internal.h"

typedef struct queued_work {
    dse4j_standin_work work;
    void *arguments;
    int device;
    const void *stream;
    int64_t order;
    struct queued_work *next;
} queued_work;

static queued_work *first_queued;
static int64_t next_order;
/* Each device's sticky failure, 0 for none. */
static int device_faults[STANDIN_MAX_DEVICES];
/* Guards the queue and the faults. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
/* Held while work runs: one synchroniser at a time, so work runs in issue order whichever thread drains it. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

int dse4j_standin_enqueue(const void *stream, dse4j_standin_work work, void *arguments)
{
    queued_work *item = malloc(sizeof *item);
    if (item == NULL) {
        work(arguments, 0);
        return cudaErrorMemoryAllocation;
    }
    item->work = work;
    item->arguments = arguments;
    item->device = dse4j_standin_current_device();
    item->stream = stream;
    item->next = NULL;
    pthread_mutex_lock(&queue_lock);
    item->order = next_order++;
    queued_work **end = &first_queued;
    while (*end != NULL) {
        end = &(*end)->next;
    }
    *end = item;
    pthread_mutex_unlock(&queue_lock);
    return cudaSuccess;
}

/*
 * Takes off the queue the oldest work of `device` that is due: issued no later than `all_until` (every stream), or on
 * `stream` and no later than `stream_until`. NULL when none is.
 */
static queued_work *take_due(int device, int64_t all_until, const void *stream, int64_t stream_until)
{
    pthread_mutex_lock(&queue_lock);
    queued_work **link = &first_queued;
    queued_work *item = NULL;
    for (; *link != NULL; link = &(*link)->next) {
        queued_work *candidate = *link;
        if (candidate->device == device
            && (candidate->order <= all_until || (candidate->stream == stream && candidate->order <= stream_until))) {
            item = candidate;
            *link = candidate->next;
            break;
        }
    }
    pthread_mutex_unlock(&queue_lock);
    return item;
}

/* Runs the due work of `device` (take_due) in issue order; a failure becomes the device's sticky fault. */
static void run_due(int device, int64_t all_until, const void *stream, int64_t stream_until)
{
    pthread_mutex_lock(&run_lock);
    for (queued_work *item = take_due(device, all_until, stream, stream_until); item != NULL;
         item = take_due(device, all_until, stream, stream_until)) {
        int status = item->work(item->arguments, 1);
        free(item);
        if (status != cudaSuccess) {
            pthread_mutex_lock(&queue_lock);
            if (device_faults[device] == cudaSuccess) {
                device_faults[device] = status;
            }
            pthread_mutex_unlock(&queue_lock);
        }
    }
    pthread_mutex_unlock(&run_lock);
}

int dse4j_standin_device_fault(void)
{
    int device = dse4j_standin_current_device();
    pthread_mutex_lock(&queue_lock);
    int fault = device >= 0 && device < STANDIN_MAX_DEVICES ? device_faults[device] : cudaSuccess;
    pthread_mutex_unlock(&queue_lock);
    return fault;
}

int dse4j_standin_synchronize_device(void)
{
    int device = dse4j_standin_current_device();
    run_due(device, INT64_MAX, NULL, -1);
    return dse4j_standin_device_fault();
}

int dse4j_standin_synchronize_stream(const void *stream)
{
    int device = dse4j_standin_current_device();
    int64_t stream_until = -1;
    pthread_mutex_lock(&queue_lock);
    // The stream's last work, on whichever device it was issued; then the last legacy-stream work before it there.
    for (const queued_work *item = first_queued; item != NULL; item = item->next) {
        if (item->stream == stream && (stream != NULL || item->device == device)) {
            stream_until = item->order;
            device = item->device;
        }
    }
    int64_t all_until = -1;
    for (const queued_work *item = first_queued; item != NULL; item = item->next) {
        if (item->device == device && item->stream == NULL && item->order <= stream_until) {
            all_until = item->order;
        }
    }
    pthread_mutex_unlock(&queue_lock);
    run_due(device, all_until, stream, stream_until);
    pthread_mutex_lock(&queue_lock);
    int fault = device_faults[device];
    pthread_mutex_unlock(&queue_lock);
    return fault;
}

EXPORT int64_t dse4j_standin_queued(void)
{
    pthread_mutex_lock(&queue_lock);
    int64_t count = 0;
    for (const queued_work *item = first_queued; item != NULL; item = item->next) {
        count++;
    }
    pthread_mutex_unlock(&queue_lock);
    return count;
}

void dse4j_standin_discard_queue(void)
{
    pthread_mutex_lock(&run_lock);
    pthread_mutex_lock(&queue_lock);
    queued_work *item = first_queued;
    first_queued = NULL;
    for (int d = 0; d < STANDIN_MAX_DEVICES; d++) {
        device_faults[d] = cudaSuccess;
    }
    pthread_mutex_unlock(&queue_lock);
    while (item != NULL) {
        queued_work *next = item->next;
        item->work(item->arguments, 0);
        free(item);
        item = next;
    }
    pthread_mutex_unlock(&run_lock);
}

EXPORT void dse4j_standin_clear_faults(void)
{
    pthread_mutex_lock(&queue_lock);
    for (int d = 0; d < STANDIN_MAX_DEVICES; d++) {
        device_faults[d] = cudaSuccess;
    }
    pthread_mutex_unlock(&queue_lock);
}
