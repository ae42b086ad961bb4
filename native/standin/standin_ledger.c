/*
 * dse4j CUDA stand-in: the ledger — every live handle, so that leaks and double frees are visible — with the
 * simulated devices, the call records and fault injection that every entry point goes through (ENTER), and the
 * control API of dse4j_standin.h through which tests read and steer all that (device memory's part is in
 * standin_memory.c).
 *
 * Several simulated devices (dse4j_standin_set_devices, or DSE4J_STANDIN_DEVICES in the environment of a process
 * that cannot call it, such as a Spark executor): the calling thread's current device is the one cudaSetDevice chose,
 * as in the runtime, and every allocation is counted against the device current when it was made. The ledger is
 * guarded by one mutex, so concurrent callers (one backend per device on threads of their own) are as safe as with
 * the real libraries.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dse4j_standin.h"
#include "standin_internal.h"

/* ---- ledger: every live handle, so leaks and double frees are visible ---- */

typedef struct {
    void **items;
    int64_t count;
    int64_t capacity;
} pointer_set;

static pointer_set handles;
/* -1: not yet read from DSE4J_STANDIN_DEVICES (default 1). */
static int device_count = -1;
/* The calling thread's current device (cudaSetDevice), 0 until it sets one, as in the runtime. */
static __thread int current_device;
/* Guards the ledger, the call records and the device counts: callers may be concurrent, as on CUDA. */
static pthread_mutex_t ledger_lock = PTHREAD_MUTEX_INITIALIZER;

/* The devices the environment asks for (DSE4J_STANDIN_DEVICES, 0 to STANDIN_MAX_DEVICES), else 1. */
static int configured_devices(void)
{
    const char *text = getenv("DSE4J_STANDIN_DEVICES");
    if (text == NULL || *text == 0) {
        return 1;
    }
    char *end;
    long count = strtol(text, &end, 10);
    if (*end != 0 || count < 0 || count > STANDIN_MAX_DEVICES) {
        fprintf(stderr, "dse4j CUDA stand-in: DSE4J_STANDIN_DEVICES must be 0 to %d, got '%s'; using 1\n",
                STANDIN_MAX_DEVICES, text);
        return 1;
    }
    return (int) count;
}

int dse4j_standin_device_count(void)
{
    pthread_mutex_lock(&ledger_lock);
    if (device_count < 0) {
        device_count = configured_devices();
    }
    int count = device_count;
    pthread_mutex_unlock(&ledger_lock);
    return count;
}

int dse4j_standin_current_device(void)
{
    return current_device;
}

void dse4j_standin_set_current_device(int device)
{
    current_device = device;
}

static int set_add_locked(pointer_set *set, void *p)
{
    if (set->count == set->capacity) {
        int64_t capacity = set->capacity == 0 ? 64 : 2 * set->capacity;
        void **items = realloc(set->items, (size_t) capacity * sizeof(void *));
        if (items == NULL) {
            return 0;
        }
        set->items = items;
        set->capacity = capacity;
    }
    set->items[set->count++] = p;
    return 1;
}

static int set_add(pointer_set *set, void *p)
{
    pthread_mutex_lock(&ledger_lock);
    int added = set_add_locked(set, p);
    pthread_mutex_unlock(&ledger_lock);
    return added;
}

static int set_remove_locked(pointer_set *set, const void *p)
{
    for (int64_t i = 0; i < set->count; i++) {
        if (set->items[i] == p) {
            set->items[i] = set->items[--set->count];
            return 1;
        }
    }
    return 0;
}

static int set_contains(const pointer_set *set, const void *p)
{
    pthread_mutex_lock(&ledger_lock);
    int found = 0;
    for (int64_t i = 0; i < set->count && !found; i++) {
        found = set->items[i] == p;
    }
    pthread_mutex_unlock(&ledger_lock);
    return found;
}

/* ---- handles ---- */

int dse4j_standin_new_handle(void **handle, const char *kind)
{
    /* The kind (16 bytes), then the stream a library handle works on (dse4j_standin_handle_stream), NULL at first. */
    void *h = calloc(1, 16 + sizeof(void *));
    if (h == NULL) {
        return 0;
    }
    strncpy((char *) h, kind, 15);
    ((char *) h)[15] = 0;
    if (!set_add(&handles, h)) {
        free(h);
        return 0;
    }
    *handle = h;
    return 1;
}

/* Whether h is a live handle of this kind; the caller holds the lock (a concurrent drop cannot free h meanwhile). */
static int is_handle_locked(const void *h, const char *kind)
{
    int found = 0;
    for (int64_t i = 0; h != NULL && i < handles.count && !found; i++) {
        found = handles.items[i] == h;
    }
    return found && strncmp((const char *) h, kind, 15) == 0;
}

void **dse4j_standin_handle_stream(void *handle)
{
    return (void **) ((char *) handle + 16);
}

int dse4j_standin_is_handle(const void *handle, const char *kind)
{
    pthread_mutex_lock(&ledger_lock);
    int found = is_handle_locked(handle, kind);
    pthread_mutex_unlock(&ledger_lock);
    return found;
}

int dse4j_standin_is_any_handle(const void *handle)
{
    return set_contains(&handles, handle);
}

int dse4j_standin_drop_handle(void *handle, const char *kind)
{
    pthread_mutex_lock(&ledger_lock);
    int dropped = is_handle_locked(handle, kind) && set_remove_locked(&handles, handle);
    pthread_mutex_unlock(&ledger_lock);
    if (dropped) {
        free(handle);
    }
    return dropped;
}

/* ---- fault injection and call counting ---- */

#define MAX_FUNCTIONS 64

typedef struct {
    char name[64];
    int64_t calls;
    int64_t fail_at;   /* the call number that fails, 0 for none */
    int status;
} function_record;

static function_record functions[MAX_FUNCTIONS];
static int function_count;
static int pending_info;
/* cusolverDnXsyevBatched's documented limit on one call, n * lda * batchSize <= INT32_MAX; lowered by tests. */
static int64_t batched_limit = INT32_MAX;

static function_record *record_of(const char *name)
{
    for (int i = 0; i < function_count; i++) {
        if (strcmp(functions[i].name, name) == 0) {
            return &functions[i];
        }
    }
    if (function_count == MAX_FUNCTIONS) {
        return NULL;
    }
    function_record *r = &functions[function_count++];
    memset(r, 0, sizeof *r);
    strncpy(r->name, name, sizeof r->name - 1);
    return r;
}

int dse4j_standin_enter(const char *name)
{
    pthread_mutex_lock(&ledger_lock);
    int injected = 0;
    function_record *r = record_of(name);
    if (r != NULL) {
        r->calls++;
        if (r->fail_at != 0 && r->calls == r->fail_at) {
            r->fail_at = 0;
            injected = r->status;
        }
    }
    pthread_mutex_unlock(&ledger_lock);
    return injected;
}

int dse4j_standin_take_pending_info(void)
{
    int info = pending_info;
    pending_info = 0;
    return info;
}

int64_t dse4j_standin_batched_limit(void)
{
    return batched_limit;
}

/* ---- the control API (dse4j_standin.h) ---- */

EXPORT int dse4j_standin_version(void)
{
    return 1;
}

EXPORT void dse4j_standin_reset(void)
{
    dse4j_standin_discard_queue();
    dse4j_standin_set_driver(13000, 9, 0);
    pthread_mutex_lock(&ledger_lock);
    function_count = 0;
    pending_info = 0;
    device_count = configured_devices();
    pthread_mutex_unlock(&ledger_lock);
    dse4j_standin_memory_reset();
    current_device = 0;
    batched_limit = INT32_MAX;
}

EXPORT int64_t dse4j_standin_outstanding_handles(void)
{
    return handles.count;
}

EXPORT int64_t dse4j_standin_calls(const char *function)
{
    pthread_mutex_lock(&ledger_lock);
    function_record *r = record_of(function);
    int64_t calls = r == NULL ? 0 : r->calls;
    pthread_mutex_unlock(&ledger_lock);
    return calls;
}

EXPORT void dse4j_standin_fail(const char *function, int64_t nth, int status)
{
    pthread_mutex_lock(&ledger_lock);
    function_record *r = record_of(function);
    if (r != NULL) {
        r->fail_at = r->calls + nth;
        r->status = status;
    }
    pthread_mutex_unlock(&ledger_lock);
}

EXPORT void dse4j_standin_fail_info(int info)
{
    pending_info = info;
}

EXPORT void dse4j_standin_set_devices(int count)
{
    pthread_mutex_lock(&ledger_lock);
    device_count = count < 0 ? 0 : count > STANDIN_MAX_DEVICES ? STANDIN_MAX_DEVICES : count;
    pthread_mutex_unlock(&ledger_lock);
}

EXPORT void dse4j_standin_set_batched_limit(int64_t elements)
{
    batched_limit = elements;
}
