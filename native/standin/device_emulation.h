/*
 * dse4j CUDA stand-in: what the device source (src/dse4j_device.cu) needs from CUDA, for g++ on the host, so that
 * the stand-in runs the kernels as written.
 *
 * A launch runs the grid block after block. The threads of a block are fibers — each with its own stack, switched
 * by a few instructions of x86-64 assembly, all on the calling OS thread — so that __syncthreads() is a real barrier:
 * a thread that reaches it is suspended until every thread of its block has reached it, and shared-memory
 * reductions run exactly as on a GPU. A barrier that some threads of a block reach while others have finished is
 * reported (on a GPU it would hang or be undefined) and fails the launch.
 *
 * threadIdx, blockIdx, blockDim and gridDim are variables the scheduler sets before it resumes a fiber; __shared__
 * is `static`: one array per kernel, which all fibers of the running block share (one grid runs at a time).
 */
#ifndef DSE4J_DEVICE_EMULATION_H
#define DSE4J_DEVICE_EMULATION_H

#include <math.h>
#include <stdint.h>

#include <functional>

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};

struct uint3 {
    unsigned x, y, z;
};

/*
 * External linkage on purpose: a call to __syncthreads() may change threadIdx, so the compiler reloads it after.
 * Plain globals, not thread_local (whose every access in a shared library is a call to __tls_get_addr): launches
 * are serialised by a lock, one grid at a time in the process.
 */
extern uint3 threadIdx;
extern uint3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

#define __global__
#define __device__
#define __host__
#define __shared__ static

/* Suspends the calling thread of the block until all its threads have arrived. */
void __syncthreads();

/* CUDA's device rsqrt; on the host the correctly rounded quotient (CUDA's double rsqrt is within 1 ulp of it). */
static inline double rsqrt(double x)
{
    return 1.0 / sqrt(x);
}

/*
 * Runs `body` for every thread of `grid` × `block` (block.x × block.y × block.z ≤ 1024 threads); returns 0, or a
 * CUDA error status (cudaErrorInvalidConfiguration 9 for a bad shape, cudaErrorLaunchFailure 719 for a barrier not
 * reached by every thread of a block) after writing the reason to stderr.
 */
int dse4j_emulated_launch(dim3 grid, dim3 block, const std::function<void()> &body);

/* Whether `grid` × `block` is a shape a launch takes: 0, or 9 (cudaErrorInvalidConfiguration) after writing why to
 * stderr. dse4j_emulated_launch checks it too. */
int dse4j_emulated_launch_check(dim3 grid, dim3 block);

#endif
