/*
 * dse4j CUDA stand-in: the CUDA driver API calls that load and launch dse4j's kernels — cuModuleLoadData,
 * cuModuleGetFunction, cuModuleUnload, cuLaunchKernel — over the emulated kernels of emulated_kernels.cpp, so that
 * the Java side's module loading and argument marshalling (kernelParams: an array of pointers, one to each argument)
 * are tested in CI with the kernels a GPU runs.
 *
 * Besides, what the loader asks of the driver before anything runs: cuDriverGetVersion (13.0), cuInit, cuDeviceGet
 * and, per simulated device, cuDeviceGetName ("dse4j CUDA stand-in") and cuDeviceGetAttribute (compute capability 9.0).
 *
 * A module image is accepted when it looks like one of the three things cuModuleLoadData takes: a fatbin (magic
 * 0xBA55ED50), a cubin (ELF) or PTX text (".version" within its first kilobyte); it holds every dse4j entry point,
 * looked up by its extern "C" name.
 */
#include "device_emulation.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <map>
#include <string>

extern "C" {
/* In cuda_standin.c: the handle ledger and fault injection. */
int dse4j_standin_new_handle(void **handle, const char *kind);
int dse4j_standin_drop_handle(void *handle, const char *kind);
int dse4j_standin_is_handle(const void *handle, const char *kind);
int dse4j_standin_enter(const char *name);
int dse4j_standin_device_count(void);
}

/* The entry points of src/dse4j_device.cu, as compiled into emulated_kernels.cpp. */
#define DSE4J_DECLARE_ENTRY_POINTS(SUFFIX, T)                                                                      \
    extern "C" void dse4j_k_gather_rows_##SUFFIX(const T *, int64_t, int64_t, const int64_t *, int64_t, T *);      \
    extern "C" void dse4j_k_diagonal_##SUFFIX(const T *, int64_t, int64_t, double *);                              \
    extern "C" void dse4j_k_gaussian_##SUFFIX(T *, int64_t, int64_t, const double *, double);                      \
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
constexpr int CUDA_ERROR_INVALID_HANDLE = 400;
constexpr int CUDA_ERROR_NOT_FOUND = 500;

/* Argument i of kernelParams, as the type the kernel declares. */
template <typename A>
A arg(void **params, int i)
{
    return *static_cast<A *>(params[i]);
}

using Thunk = void (*)(void **params);

/* One thunk per entry point: unpacks kernelParams into the call. */
#define DSE4J_THUNKS(SUFFIX, T)                                                                                    \
    {"dse4j_k_gather_rows_" #SUFFIX, [](void **p) {                                                               \
         dse4j_k_gather_rows_##SUFFIX(arg<const T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),               \
                                      arg<const int64_t *>(p, 3), arg<int64_t>(p, 4), arg<T *>(p, 5));            \
     }},                                                                                                            \
    {"dse4j_k_diagonal_" #SUFFIX, [](void **p) {                                                                  \
         dse4j_k_diagonal_##SUFFIX(arg<const T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),                  \
                                   arg<double *>(p, 3));                                                            \
     }},                                                                                                            \
    {"dse4j_k_gaussian_" #SUFFIX, [](void **p) {                                                                  \
         dse4j_k_gaussian_##SUFFIX(arg<T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),                        \
                                   arg<const double *>(p, 3), arg<double>(p, 4));                                   \
     }},                                                                                                            \
    {"dse4j_k_row_parts_" #SUFFIX, [](void **p) {                                                                 \
         dse4j_k_row_parts_##SUFFIX(arg<const T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),                 \
                                    arg<double *>(p, 3));                                                           \
     }},                                                                                                            \
    {"dse4j_k_column_parts_" #SUFFIX, [](void **p) {                                                              \
         dse4j_k_column_parts_##SUFFIX(arg<const T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),              \
                                       arg<double *>(p, 3));                                                        \
     }},                                                                                                            \
    {"dse4j_k_entry_sums_" #SUFFIX, [](void **p) {                                                                \
         dse4j_k_entry_sums_##SUFFIX(arg<const T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),                \
                                     arg<const double *>(p, 3), arg<double>(p, 4), arg<double>(p, 5),               \
                                     arg<double *>(p, 6));                                                          \
     }},                                                                                                            \
    {"dse4j_k_normalise_" #SUFFIX, [](void **p) {                                                                 \
         dse4j_k_normalise_##SUFFIX(arg<T *>(p, 0), arg<int64_t>(p, 1), arg<int64_t>(p, 2),                       \
                                    arg<const double *>(p, 3));                                                     \
     }},

const std::map<std::string, Thunk> &entry_points()
{
    static const std::map<std::string, Thunk> table = {DSE4J_THUNKS(f64, double) DSE4J_THUNKS(f32, float)};
    return table;
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

/* A function handle: the kind tag the ledger checks, then the thunk. */
struct Function {
    char kind[16];
    Thunk thunk;
};

} // namespace

#define DSE4J_EXPORT __attribute__((visibility("default")))
#define DRIVER_ENTER(name)                            \
    do {                                              \
        int injected_ = dse4j_standin_enter(name);    \
        if (injected_ != 0) {                         \
            return injected_;                         \
        }                                             \
    } while (0)

extern "C" DSE4J_EXPORT int cuModuleLoadData(void **module, const void *image)
{
    DRIVER_ENTER("cuModuleLoadData");
    if (module == nullptr || image == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (!looks_like_module(static_cast<const unsigned char *>(image))) {
        return CUDA_ERROR_INVALID_IMAGE;
    }
    return dse4j_standin_new_handle(module, "module") ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

extern "C" DSE4J_EXPORT int cuModuleUnload(void *module)
{
    DRIVER_ENTER("cuModuleUnload");
    return dse4j_standin_drop_handle(module, "module") ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

extern "C" DSE4J_EXPORT int cuModuleGetFunction(void **function, void *module, const char *name)
{
    DRIVER_ENTER("cuModuleGetFunction");
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
    // Functions belong to their module and are not freed by the caller (as in CUDA); one per name is kept.
    static std::map<std::string, Function> functions;
    Function &f = functions[name];
    strncpy(f.kind, "function", sizeof f.kind);
    f.thunk = entry->second;
    *function = &f;
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuLaunchKernel(void *function, unsigned grid_x, unsigned grid_y, unsigned grid_z,
                                           unsigned block_x, unsigned block_y, unsigned block_z,
                                           unsigned shared_bytes, void *stream, void **params, void **extra)
{
    DRIVER_ENTER("cuLaunchKernel");
    const Function *f = static_cast<const Function *>(function);
    if (f == nullptr || strncmp(f->kind, "function", sizeof f->kind) != 0) {
        return CUDA_ERROR_INVALID_HANDLE;
    }
    if (params == nullptr || extra != nullptr || shared_bytes != 0
        || (stream != nullptr && !dse4j_standin_is_handle(stream, "stream"))) {
        // dse4j passes its arguments through kernelParams, uses static shared memory only, and its own streams.
        return CUDA_ERROR_INVALID_VALUE;
    }
    Thunk thunk = f->thunk;
    int status = dse4j_emulated_launch(dim3(grid_x, grid_y, grid_z), dim3(block_x, block_y, block_z),
                                       [&] { thunk(params); });
    // The emulation answers in the runtime's codes: 9 (invalid configuration) is the driver's INVALID_VALUE; 719
    // (launch failure) is the same number in both.
    return status == 9 ? CUDA_ERROR_INVALID_VALUE : status;
}

extern "C" DSE4J_EXPORT int cuDriverGetVersion(int *version)
{
    DRIVER_ENTER("cuDriverGetVersion");
    if (version == nullptr) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    *version = 13000;
    return CUDA_SUCCESS;
}

extern "C" DSE4J_EXPORT int cuInit(unsigned flags)
{
    DRIVER_ENTER("cuInit");
    return flags == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

extern "C" DSE4J_EXPORT int cuDeviceGet(int *device, int ordinal)
{
    DRIVER_ENTER("cuDeviceGet");
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
    DRIVER_ENTER("cuDeviceGetName");
    if (name == nullptr || length < 1) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= dse4j_standin_device_count()) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    snprintf(name, (size_t) length, "dse4j CUDA stand-in");
    return CUDA_SUCCESS;
}

/* Only the compute capability is simulated (9.0, as an H100/H200); any other attribute is refused. */
extern "C" DSE4J_EXPORT int cuDeviceGetAttribute(int *value, int attribute, int device)
{
    DRIVER_ENTER("cuDeviceGetAttribute");
    if (value == nullptr || (attribute != 75 && attribute != 76)) {
        return CUDA_ERROR_INVALID_VALUE;
    }
    if (device < 0 || device >= dse4j_standin_device_count()) {
        return CUDA_ERROR_INVALID_DEVICE;
    }
    *value = attribute == 75 ? 9 : 0;
    return CUDA_SUCCESS;
}
