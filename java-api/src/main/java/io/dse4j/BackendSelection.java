package io.dse4j;

import java.util.List;
import java.util.Objects;

/**
 * How the backend of a computation was chosen: what was asked for, where that request came from, which backend
 * was used and why the others were not.
 *
 * @param requested the backend asked for
 * @param source    where the request came from
 * @param chosen    the backend used: {@code cpu}, {@code gpu}, or {@code gpu (stand-in)} for the test stand-in
 * @param reasons   why a backend other than the requested one was used or why the GPU was not; may be empty
 * @param summary   when {@code auto} fell back to the CPU, a few words on what the probe found ("no NVIDIA driver
 *                  found", "found the CUDA runtime 13 but no NVIDIA driver"); null otherwise
 */
public record BackendSelection(BackendKind requested, Source source, String chosen, List<String> reasons,
                               String summary) {

    /** Where a backend request came from, in order of precedence. */
    public enum Source {
        /** The API or the command line. */
        ARGUMENT("argument"),
        /** The system property {@code dse4j.backend}. */
        SYSTEM_PROPERTY("system property dse4j.backend"),
        /** The environment variable {@code DSE4J_BACKEND}. */
        ENVIRONMENT("environment variable DSE4J_BACKEND"),
        /** Nothing asked; {@code auto}. */
        DEFAULT("default");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        /** A few words for reports, e.g. "system property dse4j.backend". */
        public String description() {
            return description;
        }
    }

    public BackendSelection {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(chosen, "chosen");
        reasons = List.copyOf(reasons);
    }

    /** A selection without a summary. */
    public BackendSelection(BackendKind requested, Source source, String chosen, List<String> reasons) {
        this(requested, source, chosen, reasons, null);
    }

    /** One line for logs and reports, e.g. "backend cpu (requested auto by default; GPU unavailable: …)". */
    public String describe() {
        StringBuilder line = new StringBuilder("backend ").append(chosen)
                .append(" (requested ").append(requested.label()).append(" by ").append(source.description());
        if (!reasons.isEmpty()) {
            line.append("; ").append(String.join("; ", reasons));
        }
        return line.append(')').toString();
    }

    /**
     * One short line for a person: as {@link #describe()}, but with the {@link #summary} in place of the reasons
     * when there is one, e.g. "backend cpu (requested auto by default; no NVIDIA driver found; --backend gpu for
     * details)". The reasons stay in {@link #reasons()}.
     */
    public String describeBriefly() {
        if (summary == null) {
            return describe();
        }
        return "backend " + chosen + " (requested " + requested.label() + " by " + source.description() + "; "
                + summary + "; --backend gpu for details)";
    }
}
