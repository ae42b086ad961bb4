/*
 * dse4j CUDA stand-in: asynchrony, as a GPU has it. Work issued to a stream — a kernel launch, a cuBLAS or cuSOLVER
 * computation, an asynchronous copy — does not run when it is issued: the call checks its arguments at once (what the
 * real call reports synchronously) and queues the work, which runs only at a synchronisation point: the stream's or
 * the device's synchronisation, a blocking copy, a free, a stream's destruction. So a host read of a result before its
 * synchronisation sees poison, not the result (an asynchronous copy to the host poisons its destination at issue, as
 * the eigensolvers their eigenvalues and info and syrk its C when beta is 0: what a stale or half-written buffer would
 * hold on a GPU), host memory handed to queued work must live until it runs, and the
 * failure of work that ran (a kernel's launch failure) comes back from the synchronisation, not from the call that
 * issued it — all as on hardware, where a test that forgets a synchronisation would pass only by luck of timing.
 *
 * One queue in issue order for every stream of every device. The legacy default stream (NULL) waits for all work of
 * the blocking streams and they for it, and every stream cudaStreamCreate makes is blocking, so any synchronisation
 * that waits for a stream, or for the default stream's blocking copy, waits for the work issued before it — which is
 * what running the whole queue does. Running other devices' work too changes nothing a caller can see: only the host
 * runs it. Work runs under one lock, one item at a time, in issue order, whichever thread synchronises.
 */
#include <pthread.h>
#include <stdlib.h>

#include "dse4j_standin.h"
#include "standin_internal.h"

typedef struct queued_work {
    dse4j_standin_work work;
    void *arguments;
    struct queued_work *next;
} queued_work;

static queued_work *first_queued;
static queued_work *last_queued;
/* The first failure of work that ran and that no synchronisation has reported yet; 0 for none. */
static int unreported_failure;
/* Guards the queue and the unreported failure. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
/* Held while work runs: one synchroniser at a time, so the queue runs in issue order whichever thread drains it. */
static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER;

int dse4j_standin_enqueue(dse4j_standin_work work, void *arguments)
{
    queued_work *item = malloc(sizeof *item);
    if (item == NULL) {
        work(arguments, 0);
        return cudaErrorMemoryAllocation;
    }
    item->work = work;
    item->arguments = arguments;
    item->next = NULL;
    pthread_mutex_lock(&queue_lock);
    if (last_queued == NULL) {
        first_queued = item;
    } else {
        last_queued->next = item;
    }
    last_queued = item;
    pthread_mutex_unlock(&queue_lock);
    return cudaSuccess;
}

/* The oldest queued work, taken off the queue; NULL when it is empty. */
static queued_work *take_first(void)
{
    pthread_mutex_lock(&queue_lock);
    queued_work *item = first_queued;
    if (item != NULL) {
        first_queued = item->next;
        if (first_queued == NULL) {
            last_queued = NULL;
        }
    }
    pthread_mutex_unlock(&queue_lock);
    return item;
}

void dse4j_standin_run_queue(void)
{
    pthread_mutex_lock(&run_lock);
    for (queued_work *item = take_first(); item != NULL; item = take_first()) {
        int status = item->work(item->arguments, 1);
        free(item);
        pthread_mutex_lock(&queue_lock);
        if (status != cudaSuccess && unreported_failure == cudaSuccess) {
            unreported_failure = status;
        }
        pthread_mutex_unlock(&queue_lock);
    }
    pthread_mutex_unlock(&run_lock);
}

int dse4j_standin_synchronize(void)
{
    dse4j_standin_run_queue();
    pthread_mutex_lock(&queue_lock);
    int failure = unreported_failure;
    unreported_failure = cudaSuccess;
    pthread_mutex_unlock(&queue_lock);
    return failure;
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
    for (queued_work *item = take_first(); item != NULL; item = take_first()) {
        item->work(item->arguments, 0);
        free(item);
    }
    pthread_mutex_lock(&queue_lock);
    unreported_failure = cudaSuccess;
    pthread_mutex_unlock(&queue_lock);
    pthread_mutex_unlock(&run_lock);
}
