package io.dse4j.spi;

import io.dse4j.BackendKind;
import io.dse4j.BackendSelection;
import io.dse4j.BackendSelection.Source;
import io.dse4j.BackendUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backend selection as a pure function of (API value, system properties, environment, GPU probe), so it can be
 * tested with plain maps. Precedence: the API argument, then {@code -Ddse4j.backend}, then {@code DSE4J_BACKEND},
 * then {@code auto}. {@code cpu} never probes the GPU (and so never touches native code); {@code auto} asks the
 * probe's {@link GpuProbe#precheck() pre-check} first, which needs no native code, and probes only when it does not
 * already refuse; {@code gpu} always probes, so that its failure lists everything the probe found.
 */
public final class BackendResolver {

    public static final String PROPERTY = "dse4j.backend";
    public static final String ENVIRONMENT = "DSE4J_BACKEND";

    /** What {@code auto} says when it falls back, after the probe's summary. */
    public static final String FALLBACK =
            "; using the CPU backend (--backend gpu, or -Ddse4j.backend=gpu, for details)";

    /**
     * A decision: the selection to report and, when the GPU was chosen, the probe result that opens it.
     *
     * @param selection the selection, with every reason
     * @param gpu       the probe result that opens the GPU backend, or null when the CPU was chosen
     * @param notice    when {@code auto} fell back to the CPU, one short sentence for the log ("no NVIDIA driver
     *                  found; using the CPU backend (…)"), else null
     */
    public record Resolution(BackendSelection selection, GpuProbe.Result gpu, String notice) {
        public Resolution(BackendSelection selection, GpuProbe.Result gpu) {
            this(selection, gpu, null);
        }

        /** Whether the chosen backend is the GPU one. */
        public boolean usesGpu() {
            return gpu != null;
        }
    }

    private BackendResolver() {
    }

    /**
     * @param argument   the API or command-line value, or null when none was given
     * @param properties system properties (only {@value #PROPERTY} is read)
     * @param env        environment variables (only {@value #ENVIRONMENT} is read)
     * @param probe      asked only when the GPU may be chosen
     * @throws io.dse4j.InvalidInputException  for a value other than auto, cpu, gpu
     * @throws BackendUnavailableException     when gpu is requested and cannot be used
     */
    public static Resolution resolve(BackendKind argument, Map<String, String> properties, Map<String, String> env,
                                     GpuProbe probe) {
        BackendKind requested;
        Source source;
        if (argument != null) {
            requested = argument;
            source = Source.ARGUMENT;
        } else if (blankToNull(properties.get(PROPERTY)) != null) {
            requested = BackendKind.parse(properties.get(PROPERTY), "system property " + PROPERTY);
            source = Source.SYSTEM_PROPERTY;
        } else if (blankToNull(env.get(ENVIRONMENT)) != null) {
            requested = BackendKind.parse(env.get(ENVIRONMENT), "environment variable " + ENVIRONMENT);
            source = Source.ENVIRONMENT;
        } else {
            requested = BackendKind.AUTO;
            source = Source.DEFAULT;
        }
        return switch (requested) {
            case CPU -> new Resolution(new BackendSelection(requested, source, "cpu", List.of()), null);
            case GPU -> {
                GpuProbe.Result gpu = probe.probe();
                if (!gpu.usable()) {
                    throw new BackendUnavailableException("gpu", gpu.reasons());
                }
                yield new Resolution(new BackendSelection(requested, source, "gpu", List.of()), gpu);
            }
            case AUTO -> {
                GpuProbe.Result gpu = probe.precheck().orElseGet(probe::probe);
                if (gpu.usable()) {
                    yield new Resolution(new BackendSelection(requested, source, "gpu", List.of()), gpu);
                }
                List<String> reasons = new ArrayList<>();
                for (String reason : gpu.reasons()) {
                    reasons.add("GPU unavailable: " + reason);
                }
                yield new Resolution(new BackendSelection(requested, source, "cpu", reasons, gpu.summary()), null,
                        gpu.summary() + FALLBACK);
            }
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
