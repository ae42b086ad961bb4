/*
 * dse4j: libdse4j_kernels.so, built by nvcc — the device source src/dse4j_device.cu with the host API of
 * include/dse4j_kernels.h (src/dse4j_launchers.inc) launching it through the CUDA runtime.
 */
#include <cuda_runtime.h>

#include "dse4j_kernels.h"
#include "dse4j_device.cu"

#define DSE4J_EXPORT __attribute__((visibility("default")))
#define DSE4J_ENTER(name) ((void) 0)
#define DSE4J_MAX_GRID 65535
#define DSE4J_LAUNCH(grid, kernel, ...) \
    ((kernel)<<<(grid), DSE4J_BLOCK_THREADS, 0, (cudaStream_t) stream>>>(__VA_ARGS__), (int) cudaGetLastError())

#include "dse4j_launchers.inc"
