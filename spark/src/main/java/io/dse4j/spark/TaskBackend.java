package io.dse4j.spark;

import io.dse4j.BackendKind;
import io.dse4j.BackendUnavailableException;
import io.dse4j.GpuDevice;
import io.dse4j.InvalidInputException;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where one task computes: the GPU Spark assigned it, or the CPU.
 *
 * <ul>
 *   <li>{@code cpu}: the CPU, with the task's {@code spark.task.cpus} threads (unless the job sets threads).</li>
 *   <li>{@code auto}: the GPU in the task's resources ({@code TaskContext.resourcesJMap().get("gpu")}, as
 *       {@code spark.task.resource.gpu.amount} and a discovery script give it) when it opens; else — no GPU
 *       assigned, or one that cannot be used for any reason — the CPU, and the result row's {@code backend_note}
 *       says why.</li>
 *   <li>{@code gpu}: the assigned GPU, or CUDA device 0 when Spark assigns none (local mode, which gives tasks no
 *       resources); a failure to open it fails the task.</li>
 * </ul>
 *
 * One {@link GpuDevice} per executor JVM and device, opened by the first task on it and shared by the later ones
 * (its stream, handles and kernels made once); closed when the JVM exits.
 *
 * @param device the shared device, or null for the CPU
 * @param kind   how the computation's builder is to be told the backend: auto or gpu with a device, else cpu
 * @param note   why a task that could have used a GPU did not, or which device it took without Spark's say; null
 */
record TaskBackend(GpuDevice device, BackendKind kind, String note) {

    private static final Map<Integer, GpuDevice> DEVICES = new ConcurrentHashMap<>();
    /** Under auto: why an assigned GPU address could not be used, by address. */
    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();
    private static volatile boolean hooked;

    /** The choice for the task running on this thread. */
    static TaskBackend choose(BackendKind requested) {
        if (requested == BackendKind.CPU) {
            return new TaskBackend(null, BackendKind.CPU, null);
        }
        TaskContext task = TaskContext.get();
        ResourceInformation gpus = task == null ? null : task.resourcesJMap().get("gpu");
        String[] addresses = gpus == null ? new String[0] : gpus.addresses();
        if (addresses.length == 0) {
            if (requested == BackendKind.AUTO) {
                return new TaskBackend(null, BackendKind.CPU, "Spark assigned no GPU to this task "
                        + "(spark.task.resource.gpu.amount and spark.executor.resource.gpu.amount are not set, or "
                        + "this is local mode); the CPU ran it");
            }
            return new TaskBackend(shared(0, "no GPU was assigned by Spark: "), BackendKind.GPU,
                    "Spark assigned no GPU to this task; CUDA device 0 ran it");
        }
        if (requested == BackendKind.GPU) {
            return new TaskBackend(shared(ordinal(addresses[0]), ""), BackendKind.GPU, null);
        }
        // auto: whatever keeps the assigned GPU from running — an address that is no CUDA ordinal, an ordinal CUDA
        // does not see (CUDA_VISIBLE_DEVICES), no usable GPU backend, a device that fails to open (out of memory,
        // exclusive mode) — runs the task on the CPU, with the reason. A failed open is remembered per device, so
        // the executor's later tasks do not try again.
        String failure = FAILED.get(addresses[0]);
        if (failure == null) {
            try {
                return new TaskBackend(shared(ordinal(addresses[0]), ""), BackendKind.AUTO, null);
            } catch (RuntimeException e) {
                failure = e instanceof BackendUnavailableException unavailable
                        ? String.join("; ", unavailable.reasons()) : e.getMessage();
                FAILED.putIfAbsent(addresses[0], failure);
            }
        }
        return new TaskBackend(null, BackendKind.CPU, "Spark assigned GPU " + addresses[0] + " but it cannot be used: "
                + failure + "; the CPU ran it");
    }

    /** A discovery script's address as a CUDA ordinal. */
    static int ordinal(String address) {
        try {
            int ordinal = Integer.parseInt(address.trim());
            if (ordinal >= 0) {
                return ordinal;
            }
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new InvalidInputException("spark.executor.resource.gpu.discoveryScript", "Spark assigned GPU address '"
                + address + "' to this task; dse4j needs CUDA device ordinals (0, 1, …) as the addresses, as "
                + "Spark's getGpusResources.sh reports them");
    }

    private static GpuDevice shared(int ordinal, String context) {
        hookOnce();
        try {
            return DEVICES.computeIfAbsent(ordinal, GpuDevice::open);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(e.argument(), context + e.problem());
        }
    }

    private static void hookOnce() {
        if (!hooked) {
            synchronized (DEVICES) {
                if (!hooked) {
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> DEVICES.values().forEach(d -> {
                        try {
                            d.close();
                        } catch (RuntimeException ignored) {
                            // the process is ending: the driver releases what is left
                        }
                    }), "dse4j-gpu-devices"));
                    hooked = true;
                }
            }
        }
    }

    /** The task's CPU threads: {@code spark.task.cpus} (1 by default), so concurrent tasks share the cores. */
    static int taskThreads() {
        TaskContext task = TaskContext.get();
        return task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
    }

    /** How many devices this executor JVM holds open, for tests and diagnostics. */
    static int openDevices() {
        return DEVICES.size();
    }
}
