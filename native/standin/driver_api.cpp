/*
 * dse4j CUDA stand-in: the CUDA driver API calls that load and launch dse4j's kernels — cuModuleLoadData,
 * cuModuleGetFunction, cuModuleUnload, cuLaunchKernel — over the emulated kernels of emulated_kernels.cpp, so that
 * the Java side's module loading and argument marshalling (kernelParams: an array of pointers, one to each argument)
 * are tested in CI with the kernels a GPU runs. A launch is checked when called (its configuration, its pointers) and
 * queued: the kernel runs at the next synchronisation (standin_streams.c), as on a GPU.
 *
 * Besides, what the loader asks of the driver before anything runs: cuDriverGetVersion (13.0 unless a test sets
 * another), cuInit, cuDeviceGet and, per simulated device, cuDeviceGetName ("dse4j CUDA stand-in") and
 * cuDeviceGetAttribute (compute capability 9.0 unless a test sets another, for every device or for one; grids of at
 * most 16 blocks a dimension, so that every grid-stride loop of the kernels wraps in the tests). Each device's primary context is simulated as a GPU
 * has it: cuDevicePrimaryCtxRetain/Release count references (a retained context is one outstanding handle in the
 * ledger), cuCtxSetCurrent/GetCurrent keep a current context per thread, and loading, unloading and launching fail
 * with CUDA_ERROR_INVALID_CONTEXT on a thread where it is not current — so a launch from a thread that never made it
 * current is caught here as on a GPU (where the runtime sets it current only on the threads that call the runtime).
 *
 * A cubin of the stand-in's NVRTC (standin_nvrtc.cpp) names its architecture, and cuModuleLoadData refuses it
 * (CUDA_ERROR_NO_BINARY_FOR_GPU) on a device it cannot run on (another major compute capability, or a lower minor
 * one), judged by the device of the current context.
 *
 * A module image is accepted when it looks like one of the three things cuModuleLoadData takes: a fatbin (magic
 * 0xBA55ED50), a cubin (ELF) or PTX text (".version" within its first kilobyte); it holds every dse4j entry point,
 * looked up by its extern "C" name.
 */
#include "device_emulation.h"
#include "standin_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <functional>
#include <map>
#include <new>
#include <tuple>
#include <utility>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

/* The entry points of src/dse4j_device.cu, as compiled into emulated_kernels.cpp. */
#define DSE4J_DECLARE_ENTRY_POINTS(SUFFIX, T)                                                                      \
    extern "C" void dse4j_k_gather_rows_##SUFFIX(const T *, int64_t, int64_t, const int64_t *, int64_t, T *);      \
    extern "C" void dse4j_k_diagonal_##SUFFIX(const T *, int64_t, int64_t, double *);                              \
    extern "C" void dse4j_k_gaussian_##SUFFIX(T *, int64_t, int64_t, const double *, const double *, int64_t,       \
                                              int64_t, double, double);                                             \
    extern "C" void dse4j_k_shaped_##SUFFIX(T *, int64_t, int64_t, const double *, const double *, int64_t,         \
                                            int64_t, double, const double *, double);                               \
    extern "C" void dse4j_k_scale_##SUFFIX(T *, int64_t, int64_t, const double *);                                 \
    extern "C" void dse4j_k_row_parts_##SUFFIX(const T *, int64_t, int64_t, double *);                             \
    extern "C" void dse4j_k_column_parts_##SUFFIX(const T *, int64_t, int64_t, double *);                          \
    extern "C" void dse4j_k_entry_sums_##SUFFIX(const T *, int64_t, int64_t, const double *, double, double,        \
                                                double *);                                                          \
    extern "C" void dse4j_k_normalise_##SUFFIX(T *, int64_t, int64_t, const double *);
DSE4J_DECLARE_ENTRY_POINTS(f64, double)
DSE4J_DECLARE_ENTRY_POINTS(f32, float)

namespace {

constexpr int CUDA_SUCCESS = 0;
constexpr int CUDA_ERROR_INVALID_VALUE = 1;
constexpr int CUDA_ERROR_INVALID_DEVICE = 101;
constexpr int CUDA_ERROR_INVALID_IMAGE = 200;
constexpr int CUDA_ERROR_INVALID_CONTEXT = 201;
constexpr int CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
constexpr int CUDA_ERROR_INVALID_HANDLE = 400;
constexpr int CUDA_ERROR_NOT_FOUND = 500;
constexpr int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
constexpr int CUDA_ERROR_LAUNCH_FAILED = 719;

/* Argument i of kernelParams, as the type the kernel declares. */
template <typename A>
A arg(void **params, int i)
{
    return *static_cast<A *>(params[i]);
}

/* The launch's work: the kernel with its arguments' values. */
using Launch = std::function<void()>;

/*
 * Reads every argument out of kernelParams now, typed by the kernel's own declaration, into a call to make later: as
 * cuLaunchKernel does, which copies the arguments at the launch (the caller may reuse the array as soon as it
 * returns), while the kernel runs after.
 */
template <typename... A, size_t... I>
Launch bind_arguments(void (*kernel)(A...), void **params, std::index_sequence<I...>)
{
    return [kernel, values = std::make_tuple(arg<A>(params, (int) I)...)] { std::apply(kernel, values); };
}

template <typename... A>
Launch bind_arguments(void (*kernel)(A...), void **params)
{
    return bind_arguments(kernel, params, std::index_sequence_for<A...>{});
}

using Thunk = Launch (*)(void **params);

/* One thunk per entry point: binds kernelParams to the call. */
#define DSE4J_THUNK(NAME) {#NAME, [](void **p) { return bind_arguments(NAME, p); }}
#define DSE4J_THUNKS(SUFFIX)                                                                                       \
    DSE4J_THUNK(dse4j_k_gather_rows_##SUFFIX), DSE4J_THUNK(dse4j_k_diagonal_##SUFFIX),                             \
    DSE4J_THUNK(dse4j_k_gaussian_##SUFFIX), DSE4J_THUNK(dse4j_k_shaped_##SUFFIX),                                  \
    DSE4J_THUNK(dse4j_k_scale_##SUFFIX), DSE4J_THUNK(dse4j_k_row_parts_##SUFFIX),                                  \
    DSE4J_THUNK(dse4j_k_column_parts_##SUFFIX), DSE4J_THUNK(dse4j_k_entry_sums_##SUFFIX),                          \
    DSE4J_THUNK(dse4j_k_normalise_##SUFFIX),

const std::map<std::string, Thunk> &entry_points()
{
    static const std::map<std::string, Thunk> table = {DSE4J_THUNKS(f64) DSE4J_THUNKS(f32)};
    return table;
}

/* Bit i set: argument i of a kernel is a pointer, read off its entry point's declaration (follows the kernels). */
template <typename... A>
constexpr unsigned pointer_arguments(void (*)(A...))
{
    unsigned mask = 0;
    unsigned bit = 1;
    ((mask |= std::is_pointer<A>::value ? bit : 0u, bit <<= 1), ...);
    return mask;
}

#define DSE4J_POINTER_ARGUMENTS(SUFFIX)                                                                            \
    {"dse4j_k_gather_rows_" #SUFFIX, pointer_arguments(dse4j_k_gather_rows_##SUFFIX)},                              \
    {"dse4j_k_diagonal_" #SUFFIX, pointer_arguments(dse4j_k_diagonal_##SUFFIX)},                                    \
    {"dse4j_k_gaussian_" #SUFFIX, pointer_arguments(dse4j_k_gaussian_##SUFFIX)},                                    \
    {"dse4j_k_shaped_" #SUFFIX, pointer_arguments(dse4j_k_shaped_##SUFFIX)},                                        \
    {"dse4j_k_scale_" #SUFFIX, pointer_arguments(dse4j_k_scale_##SUFFIX)},                                          \
    {"dse4j_k_row_parts_" #SUFFIX, pointer_arguments(dse4j_k_row_parts_##SUFFIX)},                                  \
    {"dse4j_k_column_parts_" #SUFFIX, pointer_arguments(dse4j_k_column_parts_##SUFFIX)},                            \
    {"dse4j_k_entry_sums_" #SUFFIX, pointer_arguments(dse4j_k_entry_sums_##SUFFIX)},                                \
    {"dse4j_k_normalise_" #SUFFIX, pointer_arguments(dse4j_k_normalise_##SUFFIX)},

/* Each entry point's pointer arguments (pointer_arguments), by name. */
const std::map<std::string, unsigned> &pointer_table()
{
    static const std::map<std::string, unsigned> table = {DSE4J_POINTER_ARGUMENTS(f64) DSE4J_POINTER_ARGUMENTS(f32)};
    return table;
}

constexpr int MAX_DEVICES = STANDIN_MAX_DEVICES;

/* The simulated driver and each device's compute capability (dse4j_standin_set_driver for every device,
   dse4j_standin_set_capability for one: tests of the CUDA 12 path, of other GPUs and of machines with mixed GPUs). */
int driver_version = 13000;
static_assert(MAX_DEVICES == 16, "one 9 a device below");
int capability_major[MAX_DEVICES] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
int capability_minor[MAX_DEVICES];
constexpr int GRID_LIMIT = 16;

/* Each device's primary context while retained (its handle in the ledger) and its references, under one lock
   (backends of different devices retain and release theirs from threads of their own); each thread's current
   context. */
void *primary_contexts[MAX_DEVICES];
int primary_references[MAX_DEVICES];
std::mutex contexts_lock;
/* Each creation of a primary context (retained from zero references) gets a new number: a context released to zero
   references is destroyed, and a later one may be allocated at the same address, which a thread that still names the
   old one must not take for its current context (on CUDA it would hold a destroyed context). */
long long primary_generations[MAX_DEVICES];
long long next_generation = 1;
thread_local void *current_context;
thread_local long long current_generation;

/* The device whose primary context `context` is, retained now, or -1. Call with contexts_lock held. */
int device_of_locked(const void *context)
{
    for (int device = 0; device < MAX_DEVICES; device++) {
        if (primary_contexts[device] != nullptr && primary_contexts[device] == context) {
            return device;
        }
    }
    return -1;
}

/* Whether `context` is the primary context of a device, retained now. */
bool is_live_context(const void *context)
{
    std::lock_guard<std::mutex> guard(contexts_lock);
    return device_of_locked(context) >= 0;
}

/* Makes `context` (a live primary context, or null) the calling thread's current one. Call with contexts_lock held. */
void set_current_locked(void *context)
{
    int device = device_of_locked(context);
    current_context = context;
    current_generation = device >= 0 ? primary_generations[device] : 0;
}

/* The calling thread's current context if it is still the one it made current, else null. */
void *live_current_context()
{
    std::lock_guard<std::mutex> guard(contexts_lock);
    int device = device_of_locked(current_context);
    return device >= 0 && primary_generations[device] == current_generation ? current_context : nullptr;
}

bool context_is_current()
{
    return current_context != nullptr && live_current_context() != nullptr;
}

/* The device of the calling thread's current context, or -1 when it has none. */
int current_context_device()
{
    std::lock_guard<std::mutex> guard(contexts_lock);
    int device = device_of_locked(current_context);
    return device >= 0 && primary_generations[device] == current_generation ? device : -1;
}

bool valid_device(int device)
{
    return device >= 0 && device < MAX_DEVICES && device < dse4j_standin_device_count();
}

/* What the stand-in's NVRTC writes as a cubin: the ELF magic, then this tag and the architecture ("sm_90"). */
constexpr char CUBIN_TAG[] = DSE4J_STANDIN_CUBIN_TAG;

/* Whether `image` starts with `tag`, reading it byte by byte up to the first difference: an image may be shorter. */
bool starts_with(const unsigned char *image, const char *tag)
{
    for (size_t i = 0; tag[i] != '\0'; i++) {
        if (image[i] != (unsigned char) tag[i]) {
            return false;
        }
    }
    return true;
}

bool looks_like_module(const unsigned char *image)
{
    static const unsigned char fatbin[] = {0x50, 0xED, 0x55, 0xBA};
    static const unsigned char elf[] = {0x7F, 'E', 'L', 'F'};
    if (memcmp(image, fatbin, 4) == 0 || memcmp(image, elf, 4) == 0) {
        return true;
    }
    // PTX is NUL-terminated text: look for its .version directive near the start (after comments).
    return memmem(image, strnlen((const char *) image, 1024), ".version", 8) != nullptr;
}

/*
 * Whether a cubin for `arch` (the stand-in cubin's "sm_XY\n") runs on `device`: machine code runs on a GPU of the same
 * major compute capability and an equal or higher minor one, never across majors nor on a lower minor (NVIDIA, CUDA
 * C++ Programming Guide, "Binary Compatibility") — so a cubin built for device 0 of a machine with mixed GPUs is
 * refused by another device, as on hardware. That compatibility is the desktop's only: a Tegra GPU (5.3, 6.2, 7.2,
 * 8.7, 10.1, 11.0) runs only a cubin of its own capability, and none of it runs a desktop's cubin.
 */
bool cubin_runs_on(const char *arch, int device)
{
    // "sm_XY": the last digit is the minor version, those before it the major (sm_86, sm_90, sm_100, sm_120).
    int digits = 0;
    char end = 0;
    if (device < 0 || sscanf(arch, "sm_%d%c", &digits, &end) != 2 || end != '\n' || digits < 10) {
        return false;
    }
    int own = capability_major[device] * 10 + capability_minor[device];
    bool tegra = own == 53 || own == 62 || own == 72 || own == 87 || own == 101 || own == 110;
    if (tegra || digits == 53 || digits == 62 || digits == 72 || digits == 87 || digits == 101 || digits == 110) {
        return digits == own;
    }
    return digits / 10 == capability_major[device] && digits % 10 <= capability_minor[device];
}

/* A launch queued on its stream (standin_streams.c): its shape and its bound call, or the fault it will report. */
struct QueuedLaunch {
    dim3 grid;
    dim3 block;
    Launch call;
    int fault;
    std::vector<const void *> pointers;
    void *module;
};

int run_launch(void *arguments, int run)
{
    auto *launch = static_cast<QueuedLaunch *>(arguments);
    int status = 0;
    if (run) {
        // A module unloaded while its launch waited: CUDA calls that undefined; its code is gone, a launch failure.
        status = launch->fault != 0 ? launch->fault
                 : !dse4j_standin_is_handle(launch->module, "module") ? CUDA_ERROR_LAUNCH_FAILED : 0;
        for (const void *pointer : launch->pointers) {
            if (status == 0 && !dse4j_standin_still_allocated(pointer)) {
                status = CUDA_ERROR_ILLEGAL_ADDRESS;   // freed between the launch and its run (standin_streams.c)
            }
        }
        if (status == 0) {
            status = dse4j_emulated_launch(launch->grid, launch->block, launch->call);
        }
    }
    delete launch;
    return status;
}

/* A function handle: the kind tag the ledger checks, then the thunk and which arguments are pointers. */
struct Function {
    char kind[16];
    void *module;
    Thunk thunk;
    unsigned pointers;
    char name[48];
};

} // namespace

#define DSE4J_EXPORT __attribute__((visibility("default")))

extern "C" DSE4J_EXPORT int cuModuleLoadData(void **module, const void *image)
{
    ENTER("cuModuleLoadData");
    if (module == nullptr || image == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (!context_is_current()) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (int fault = dse4j_standin_device_fault(); fault != 0) {
        return fault;   // the context is lost: 700 and 719 are the same numbers for the driver and the runtime
    }
    if (!looks_like_module(static_cast<const unsigned char *>(image))) {
        return CUDA_ERROR_INVALID_IMAGE;
    }
    if (starts_with(static_cast<const unsigned char *>(image), CUBIN_TAG)) {
        const char *arch = static_cast<const char *>(image) + sizeof CUBIN_TAG - 1;
        if (!cubin_runs_on(arch, current_context_device())) {
            return CUDA_ERROR_NO_BINARY_FOR_GPU;
        }
    }
    return dse4j_standin_new_handle(module, "module") ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

extern "C" DSE4J_EXPORT int cuModuleUnload(void *module)
{
    ENTER("cuModuleUnload");
    if (!context_is_current()) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    // After a sticky fault the module is still taken off the ledger (every release attempted shows), the fault answered.
    int fault = dse4j_standin_device_fault();
    int status = dse4j_standin_drop_handle(module, "module") ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
    return fault != 0 ? fault : status;
}

extern "C" DSE4J_EXPORT int cuModuleGetFunction(void **function, void *module, const char *name)
{
    ENTER("cuModuleGetFunction");
    if (function == nullptr || name == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (!dse4j_standin_is_handle(module, "module")) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    auto entry = entry_points().find(name);
    if (entry == entry_points().end()) {
        return CUDA_ERROR_NOT_FOUND;
    }
    // Functions belong to their module and are not freed by the caller (as in CUDA): one per module and name is kept,
    // naming its module, so that a launch after the module's unloading is refused and one queued before it fails.
    static std::map<std::pair<void *, std::string>, Function> functions;
    static std::mutex functions_lock;
    std::lock_guard<std::mutex> guard(functions_lock);
    Function &f = functions[{module, name}];
    strncpy(f.kind, "function", sizeof f.kind);
    f.module = module;
    f.thunk = entry->second;
    f.pointers = pointer_table().at(name);
    snprintf(f.name, sizeof f.name, "%s", name);
    *function = &f;
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuLaunchKernel(void *function, unsigned grid_x, unsigned grid_y, unsigned grid_z,
                                           unsigned block_x, unsigned block_y, unsigned block_z,
                                           unsigned shared_bytes, void *stream, void **params, void **extra)
{
    ENTER("cuLaunchKernel");
    const Function *f = static_cast<const Function *>(function);
    if (f == nullptr || strncmp(f->kind, "function", sizeof f->kind) != 0) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    // Counted under the kernel's own name too, so a test can make one kernel's launch fail: with a status of the launch
    // (an invalid value, no image for the GPU) at once, with one that only a running kernel can meet (700, an illegal
    // address; 719, a launch failure) when it runs — a sticky fault, reported by what waits for it.
    int injected = dse4j_standin_enter(f->name);
    if (injected != 0 && injected != CUDA_ERROR_ILLEGAL_ADDRESS && injected != CUDA_ERROR_LAUNCH_FAILED) {
        return injected;
    }
    if (!context_is_current()) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    if (!dse4j_standin_is_handle(f->module, "module")) {
        return CUDA_ERROR_INVALID_HANDLE;   // its module was unloaded: the function went with it
    }
    if (int fault = dse4j_standin_device_fault(); fault != 0) {
        return fault;
    }
    if (grid_x > GRID_LIMIT || grid_y > GRID_LIMIT || grid_z > GRID_LIMIT) {
        // More than cuDeviceGetAttribute reported: what a GPU refuses too (beyond its own limits).
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (params == nullptr || extra != nullptr || shared_bytes != 0
        || (stream != nullptr && !dse4j_standin_is_handle(stream, "stream"))) {
        // dse4j passes its arguments through kernelParams, uses static shared memory only, and its own streams.
        return CUDA_ERROR_INVALID_VALUE;
    }
    // The configuration is checked at the launch, as a GPU does (9, invalid configuration, is the driver's
    // INVALID_VALUE); the kernel runs when its stream is synchronised, and a failure while it runs (719, a launch
    // failure: the same number for the driver and the runtime) is reported there.
    if (dse4j_emulated_launch_check(dim3(grid_x, grid_y, grid_z), dim3(block_x, block_y, block_z)) != 0) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    // Every pointer argument must point into a live allocation of the current device. On a GPU a host pointer (save
    // pageable memory under HMM, which the stand-in does not grant) or another device's memory is an illegal address:
    // the launch is accepted and the kernel faults, reported by the next synchronisation as CUDA_ERROR_ILLEGAL_ADDRESS
    // — so here too: the kernel is not run, and its queued place reports the fault. How far past the pointer a kernel
    // reaches depends on the kernel: reads and writes beyond the allocation are the sanitized build's to catch (its
    // cudaMalloc blocks are malloc'd at their exact size, so ASan's redzone follows each).
    int fault = injected;
    std::vector<const void *> pointers;
    for (unsigned i = 0; i < 32; i++) {
        if ((f->pointers >> i & 1u) != 0) {
            const void *pointer = arg<const void *>(params, (int) i);
            pointers.push_back(pointer);
            if (!dse4j_standin_device_range(pointer, 1)) {
                fault = CUDA_ERROR_ILLEGAL_ADDRESS;
            }
        }
    }
    auto *launch = new (std::nothrow) QueuedLaunch{dim3(grid_x, grid_y, grid_z), dim3(block_x, block_y, block_z),
                                                   fault == 0 ? f->thunk(params) : Launch(), fault, pointers,
                                                   f->module};
    if (launch == nullptr) {
        return 2;   // CUDA_ERROR_OUT_OF_MEMORY
    }
    return dse4j_standin_enqueue(stream, run_launch, launch) == 0 ? CUDA_SUCCESS : 2;
}

extern "C" DSE4J_EXPORT int cuDriverGetVersion(int *version)
{
    ENTER("cuDriverGetVersion");
    if (version == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *version = driver_version;
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuInit(unsigned flags)
{
    ENTER("cuInit");
    return flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

extern "C" DSE4J_EXPORT int cuDeviceGet(int *device, int ordinal)
{
    ENTER("cuDeviceGet");
    if (device == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (ordinal < 0 || ordinal >= dse4j_standin_device_count()) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *device = ordinal;
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuDeviceGetName(char *name, int length, int device)
{
    ENTER("cuDeviceGetName");
    if (name == nullptr || length < 1) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= dse4j_standin_device_count()) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    snprintf(name, (size_t) length, "dse4j CUDA stand-in");
    return CUDA_SUCCESS;
}

/* The compute capability (9.0, as an H100/H200, unless a test sets another) and the grid limits; others are refused. */
extern "C" DSE4J_EXPORT int cuDeviceGetAttribute(int *value, int attribute, int device)
{
    ENTER("cuDeviceGetAttribute");
    if (value == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= dse4j_standin_device_count()) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    switch (attribute) {
    case 5:   // CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X
    case 6:   // CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y
        *value = GRID_LIMIT;
        return CUDA_SUCCESS;
    case 75:  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
        *value = capability_major[device];
        return CUDA_SUCCESS;
    case 76:  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR
        *value = capability_minor[device];
        return CUDA_SUCCESS;
    default:
        return CUDA_ERROR_INVALID_VALUE;
    }
}

extern "C" DSE4J_EXPORT int cuDevicePrimaryCtxRetain(void **context, int device)
{
    ENTER("cuDevicePrimaryCtxRetain");
    if (context == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (!valid_device(device)) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    std::lock_guard<std::mutex> guard(contexts_lock);
    if (primary_references[device] == 0) {
        if (!dse4j_standin_new_handle(&primary_contexts[device], "context")) {
            return CUDA_ERROR_INVALID_VALUE;
        }
        primary_generations[device] = next_generation++;
    }
    primary_references[device]++;
    *context = primary_contexts[device];
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuDevicePrimaryCtxRelease_v2(int device)
{
    ENTER("cuDevicePrimaryCtxRelease_v2");
    // A context retained can always be released, even after a test has since simulated fewer devices.
    if (device < 0 || device >= MAX_DEVICES) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    std::lock_guard<std::mutex> guard(contexts_lock);
    if (primary_references[device] == 0) {
        return CUDA_ERROR_INVALID_CONTEXT;   // released more often than retained
    }
    if (--primary_references[device] == 0) {
        dse4j_standin_drop_handle(primary_contexts[device], "context");
        primary_contexts[device] = nullptr;
    }
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuCtxSetCurrent(void *context)
{
    ENTER("cuCtxSetCurrent");
    if (context != nullptr && !is_live_context(context)) {
        return CUDA_ERROR_INVALID_CONTEXT;
    }
    // The runtime follows the thread's current context (CUDA ≥ 4): its device becomes the runtime's current device.
    std::lock_guard<std::mutex> guard(contexts_lock);
    set_current_locked(context);
    for (int device = 0; context != nullptr && device < MAX_DEVICES; device++) {
        if (primary_contexts[device] == context) {
            dse4j_standin_driver_context_set(device);
        }
    }
    return CUDA_SUCCESS;
}

/* cudaSetDevice's side: the device's primary context current on the thread when it is retained (the runtime would
   retain it itself; dse4j retains it first, in DeviceKernels.load). */
extern "C" void dse4j_standin_runtime_device_set(int device)
{
    std::lock_guard<std::mutex> guard(contexts_lock);
    if (device >= 0 && device < MAX_DEVICES && primary_contexts[device] != nullptr) {
        set_current_locked(primary_contexts[device]);
    }
}

extern "C" DSE4J_EXPORT int cuCtxGetCurrent(void **context)
{
    ENTER("cuCtxGetCurrent");
    if (context == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    // A context released to zero references is gone: a thread that still names it has none, even when a context
    // created since lies at the same address.
    *context = live_current_context();
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuGetErrorName(int error, const char **name)
{
    if (name == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    switch (error) {
    case CUDA_SUCCESS: *name = "CUDA_SUCCESS"; break;
    case CUDA_ERROR_INVALID_VALUE: *name = "CUDA_ERROR_INVALID_VALUE"; break;
    case 2: *name = "CUDA_ERROR_OUT_OF_MEMORY"; break;
    case CUDA_ERROR_INVALID_DEVICE: *name = "CUDA_ERROR_INVALID_DEVICE"; break;
    case CUDA_ERROR_INVALID_IMAGE: *name = "CUDA_ERROR_INVALID_IMAGE"; break;
    case CUDA_ERROR_INVALID_CONTEXT: *name = "CUDA_ERROR_INVALID_CONTEXT"; break;
    case CUDA_ERROR_NO_BINARY_FOR_GPU: *name = "CUDA_ERROR_NO_BINARY_FOR_GPU"; break;
    case 222: *name = "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"; break;
    case CUDA_ERROR_INVALID_HANDLE: *name = "CUDA_ERROR_INVALID_HANDLE"; break;
    case CUDA_ERROR_NOT_FOUND: *name = "CUDA_ERROR_NOT_FOUND"; break;
    case CUDA_ERROR_ILLEGAL_ADDRESS: *name = "CUDA_ERROR_ILLEGAL_ADDRESS"; break;
    case 701: *name = "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"; break;
    case 719: *name = "CUDA_ERROR_LAUNCH_FAILED"; break;
    default:
        *name = nullptr;
        return CUDA_ERROR_INVALID_VALUE;
    }
    return CUDA_SUCCESS;
}

/* For the tests (dse4j_standin.h): the driver's CUDA version and every device's compute capability. */
extern "C" DSE4J_EXPORT void dse4j_standin_set_driver(int version, int major, int minor)
{
    driver_version = version;
    for (int device = 0; device < MAX_DEVICES; device++) {
        capability_major[device] = major;
        capability_minor[device] = minor;
    }
}

/* For the tests (dse4j_standin.h): one device's compute capability (a machine with mixed GPUs). */
extern "C" DSE4J_EXPORT void dse4j_standin_set_capability(int device, int major, int minor)
{
    if (device >= 0 && device < MAX_DEVICES) {
        capability_major[device] = major;
        capability_minor[device] = minor;
    }
}
