/*
 * dse4j CUDA stand-in: the device source src/dse4j_device.cu compiled for the host over device_emulation.h, so that
 * the stand-in's cuLaunchKernel (driver_api.cpp) runs the kernels a GPU runs.
 *
 * Fibers: each thread of a block gets a stack of its own; dse4j_emu_switch saves the callee-saved general registers
 * and the stack pointer of one context and restores another's (System V x86-64 ABI), so a switch costs a few
 * instructions — a shared-memory reduction over n columns takes 256 × n × log2(256) of them. The SSE and x87 control
 * words are callee-saved too, but nothing here changes them: every fiber runs with the launching thread's.
 *
 * AddressSanitizer (the sanitized stand-in of native/build.sh, -fsanitize=address) keeps the bounds of the stack each
 * thread runs on: it unpoisons a stack's frames above the stack pointer when a function does not return (a throw,
 * __asan_handle_no_return) and keeps a fake stack per thread for use-after-return detection. A switch it is not told
 * about makes it judge a fiber's stack pointer against the launching thread's stack: it ignores the unpoisoning, with
 * a warning, and then reports false stack-buffer-underflows in later frames. So every switch is announced with the
 * sanitizer fiber API (<sanitizer/common_interface_defs.h>): __sanitizer_start_switch_fiber(save, bottom, size) just
 * before dse4j_emu_switch, naming the stack about to run, and __sanitizer_finish_switch_fiber(saved, &bottom, &size)
 * first thing on the other side — in the scheduler when a fiber hands back, in a fiber resumed at a barrier, and at a
 * fiber's first entry, where it learns the bounds of the scheduler's stack (the launching thread's) that its own
 * switches back name. A fiber that finishes passes no `save`, so its fake stack is freed. A stack is unpoisoned before
 * a fresh fiber starts on it: a fiber abandoned at a barrier (the launch failed) leaves its frames' redzones behind.
 * Without ASan the hooks are empty inline functions and the unsanitized stand-in's machine code is unchanged.
 */
#include "device_emulation.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#include <memory>
#include <mutex>
#include <vector>

uint3 threadIdx;
uint3 blockIdx;
dim3 blockDim;
dim3 gridDim;

extern "C" void dse4j_emu_switch(void **save_sp, void *load_sp);
extern "C" [[noreturn]] void dse4j_emu_fiber_main();

asm(R"(
    .text
    .globl dse4j_emu_switch
    .hidden dse4j_emu_switch
    .type dse4j_emu_switch, @function
dse4j_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size dse4j_emu_switch, .-dse4j_emu_switch
)");

namespace {

enum class FiberState { READY, RUNNING, AT_BARRIER, DONE };

/* Enough for a kernel's frames and libm; the kernels keep no arrays on the stack. */
constexpr size_t STACK_BYTES = 64 * 1024;

struct Fiber {
    std::unique_ptr<unsigned char[]> stack{new unsigned char[STACK_BYTES]};
    void *sp = nullptr;
    FiberState state = FiberState::READY;
    uint3 index{0, 0, 0};   // its threadIdx, worked out once per launch (divisions are slow next to a switch)
#if defined(__SANITIZE_ADDRESS__)
    void *fake_stack = nullptr;   // ASan's, while the fiber is suspended at a barrier
#endif
};

/*
 * What ASan is told around each dse4j_emu_switch (see the top of this file): "starting" just before the switch,
 * naming the stack about to run; "finished" first thing after it. Empty without ASan.
 */
#if defined(__SANITIZE_ADDRESS__)
/* The scheduler's stack (the launching thread's), learnt at every fiber's first entry; its fake stack while a fiber
   runs. */
const void *scheduler_stack_bottom;
size_t scheduler_stack_size;
void *scheduler_fake_stack;

/* A stack reused by a fresh fiber: frames of its previous fiber may still be poisoned (one abandoned at a barrier). */
inline void asan_fresh_stack(Fiber &fiber)
{
    __asan_unpoison_memory_region(fiber.stack.get(), STACK_BYTES);
}
/* Scheduler → fiber (a first entry or a resumption at a barrier), and the scheduler once the fiber hands back. */
inline void asan_scheduler_switching_to(Fiber &fiber)
{
    __sanitizer_start_switch_fiber(&scheduler_fake_stack, fiber.stack.get(), STACK_BYTES);
}
inline void asan_scheduler_resumed()
{
    __sanitizer_finish_switch_fiber(scheduler_fake_stack, nullptr, nullptr);
}
/* A fiber's first instructions: nothing saved yet; ASan hands back the bounds of the stack it came from. */
inline void asan_fiber_entered()
{
    __sanitizer_finish_switch_fiber(nullptr, &scheduler_stack_bottom, &scheduler_stack_size);
}
/* Fiber → scheduler at a barrier (to be resumed), and the fiber once resumed. */
inline void asan_fiber_suspending(Fiber &fiber)
{
    __sanitizer_start_switch_fiber(&fiber.fake_stack, scheduler_stack_bottom, scheduler_stack_size);
}
inline void asan_fiber_resumed(Fiber &fiber)
{
    __sanitizer_finish_switch_fiber(fiber.fake_stack, nullptr, nullptr);
}
/* Fiber → scheduler for the last time: no save, so ASan frees the fiber's fake stack. */
inline void asan_fiber_finishing()
{
    __sanitizer_start_switch_fiber(nullptr, scheduler_stack_bottom, scheduler_stack_size);
}
#else
inline void asan_fresh_stack(Fiber &) {}
inline void asan_scheduler_switching_to(Fiber &) {}
inline void asan_scheduler_resumed() {}
inline void asan_fiber_entered() {}
inline void asan_fiber_suspending(Fiber &) {}
inline void asan_fiber_resumed(Fiber &) {}
inline void asan_fiber_finishing() {}
#endif

/* The scheduler: its fibers (kept between launches) and the block it is running; `launches` serialises grids. */
std::mutex launches;
std::vector<Fiber> fibers;
void *scheduler_sp;
unsigned current;
const std::function<void()> *current_body;

/* A fresh context that starts in dse4j_emu_fiber_main, laid out as dse4j_emu_switch leaves a suspended one. */
void prepare(Fiber &fiber)
{
    asan_fresh_stack(fiber);
    uintptr_t top = ((uintptr_t) fiber.stack.get() + STACK_BYTES) & ~(uintptr_t) 15;
    uint64_t *slot = (uint64_t *) top;
    slot[-1] = 0;                                              // padding: the entry's (never used) return address
    slot[-2] = (uint64_t) (uintptr_t) &dse4j_emu_fiber_main;   // where `ret` goes
    for (int r = 3; r <= 8; r++) {
        slot[-r] = 0;                                          // rbp, rbx, r12, r13, r14, r15
    }
    // After `ret` the stack pointer is top - 8, as at the entry of a called function (16-byte aligned + 8).
    fiber.sp = (void *) (top - 64);
    fiber.state = FiberState::READY;
}

int run_block(unsigned threads)
{
    for (unsigned t = 0; t < threads; t++) {
        prepare(fibers[t]);
    }
    for (;;) {
        unsigned waiting = 0;
        unsigned done = 0;
        for (unsigned t = 0; t < threads; t++) {
            Fiber &fiber = fibers[t];
            if (fiber.state == FiberState::DONE) {
                done++;
                continue;
            }
            current = t;
            threadIdx = fiber.index;
            fiber.state = FiberState::RUNNING;
            asan_scheduler_switching_to(fiber);
            dse4j_emu_switch(&scheduler_sp, fiber.sp);
            asan_scheduler_resumed();
            if (fiber.state == FiberState::AT_BARRIER) {
                waiting++;
            } else {
                done++;
            }
        }
        if (waiting == 0) {
            return 0;
        }
        if (done > 0) {
            fprintf(stderr, "dse4j CUDA stand-in: __syncthreads() reached by %u of the %u threads of block "
                    "(%u, %u, %u), the others had returned: on a GPU this block would hang\n",
                    waiting, threads, blockIdx.x, blockIdx.y, blockIdx.z);
            return 719;   // cudaErrorLaunchFailure
        }
    }
}

} // namespace

extern "C" [[noreturn]] void dse4j_emu_fiber_main()
{
    asan_fiber_entered();
    (*current_body)();
    Fiber &fiber = fibers[current];
    fiber.state = FiberState::DONE;
    asan_fiber_finishing();
    dse4j_emu_switch(&fiber.sp, scheduler_sp);
    abort();   // a finished fiber is never resumed
}

void __syncthreads()
{
    Fiber &fiber = fibers[current];
    fiber.state = FiberState::AT_BARRIER;
    asan_fiber_suspending(fiber);
    dse4j_emu_switch(&fiber.sp, scheduler_sp);
    asan_fiber_resumed(fiber);
}

int dse4j_emulated_launch_check(dim3 grid, dim3 block)
{
    uint64_t threads = (uint64_t) block.x * block.y * block.z;
    if (threads < 1 || threads > 1024 || block.z > 64 || grid.x < 1 || grid.y < 1 || grid.z < 1
        || grid.y > 65535 || grid.z > 65535) {
        fprintf(stderr, "dse4j CUDA stand-in: invalid launch configuration grid (%u, %u, %u) block (%u, %u, %u)\n",
                grid.x, grid.y, grid.z, block.x, block.y, block.z);
        return 9;   // cudaErrorInvalidConfiguration
    }
    return 0;
}

int dse4j_emulated_launch(dim3 grid, dim3 block, const std::function<void()> &body)
{
    if (dse4j_emulated_launch_check(grid, block) != 0) {
        return 9;
    }
    uint64_t threads = (uint64_t) block.x * block.y * block.z;
    std::lock_guard<std::mutex> one_grid_at_a_time(launches);
    while (fibers.size() < threads) {
        fibers.emplace_back();
    }
    for (unsigned t = 0; t < threads; t++) {
        fibers[t].index = uint3{t % block.x, (t / block.x) % block.y, t / (block.x * block.y)};
    }
    gridDim = grid;
    blockDim = block;
    current_body = &body;
    for (unsigned z = 0; z < grid.z; z++) {
        for (unsigned y = 0; y < grid.y; y++) {
            for (unsigned x = 0; x < grid.x; x++) {
                blockIdx = uint3{x, y, z};
                int status = run_block((unsigned) threads);
                if (status != 0) {
                    return status;
                }
            }
        }
    }
    return 0;
}

#include "dse4j_device.cu"

#define DSE4J_EXPORT __attribute__((visibility("default")))

/*
 * For the tests (dse4j_standin.h): a launch in which half the threads of each block return before a __syncthreads()
 * the other half waits at — what would hang a GPU. Returns the launch's status: 719 when the emulation reports it.
 */
extern "C" DSE4J_EXPORT int dse4j_standin_launch_divergent_barrier(void)
{
    return dse4j_emulated_launch(dim3(2), dim3(64), [] {
        if (threadIdx.x >= 32) {
            return;
        }
        __syncthreads();
    });
}
