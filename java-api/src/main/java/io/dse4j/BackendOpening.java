package io.dse4j;

import io.dse4j.internal.BackendRouter;
import io.dse4j.spi.BackendResolver;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.GpuProbe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses and opens a measure's backend from its options: a shared {@link GpuDevice}, or the backend
 * {@link BackendResolver} picks from the argument, {@code -Ddse4j.backend}, {@code DSE4J_BACKEND} and what the GPU
 * probe found — announced once per JVM ({@link SelectionLog}) — with the CPU threads resolved the same way.
 */
final class BackendOpening {

    private BackendOpening() {
    }

    /** The backend these options ask for, opened, behind the router that falls back from it. */
    static BackendRouter open(MeasureOptions options, Map<String, String> properties, Map<String, String> env,
                              GpuProbe probe) {
        int threads = resolveThreads(options.threads(), properties);
        GpuDevice gpu = options.gpu();
        BackendKind backend = options.backend();
        if (gpu != null) {
            if (backend == BackendKind.CPU) {
                throw new InvalidInputException("gpu", "a GpuDevice was given with backend cpu; give the device "
                        + "(it computes there) or the CPU backend, not both");
            }
            EigenBackend shared = gpu.backend();
            BackendKind requested = backend == BackendKind.AUTO ? BackendKind.AUTO : BackendKind.GPU;
            return new BackendRouter(new BackendSelection(requested, BackendSelection.Source.ARGUMENT, shared.name(),
                    List.of()), shared, false, threads);
        }
        BackendResolver.Resolution resolution = BackendResolver.resolve(backend, properties, env, probe);
        EigenBackend opened = resolution.usesGpu() ? resolution.gpu().open(options.device())
                : BackendRouter.openCpu(threads);
        BackendSelection selection = resolution.selection();
        if (!opened.name().equals(selection.chosen())) {
            selection = new BackendSelection(selection.requested(), selection.source(), opened.name(),
                    selection.reasons(), selection.summary());
        }
        SelectionLog.JVM.announce(resolution, selection);
        return new BackendRouter(selection, opened, true, threads);
    }

    /** The threads given, else {@code -Ddse4j.threads}, else every available processor. */
    static int resolveThreads(int given, Map<String, String> properties) {
        if (given > 0) {
            return given;
        }
        String property = properties.get(DiffusionSpectralEntropy.THREADS_PROPERTY);
        if (property == null || property.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int parsed = Integer.parseInt(property.trim());
            if (parsed >= 1 && parsed <= MeasureOptions.MAX_THREADS) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidInputException("system property " + DiffusionSpectralEntropy.THREADS_PROPERTY,
                "must be an integer between 1 and " + MeasureOptions.MAX_THREADS + ", got '" + property + "'");
    }

    /** A copy of this JVM's system properties. */
    static Map<String, String> systemProperties() {
        Map<String, String> copy = new HashMap<>();
        System.getProperties().forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
        return copy;
    }
}
