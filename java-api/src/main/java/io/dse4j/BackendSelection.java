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
 */
public record BackendSelection(BackendKind requested, Source source, String chosen, List<String> reasons) {

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

    /** One line for logs and reports, e.g. "backend cpu (requested auto by default; GPU unavailable: …)". */
    public String describe() {
        StringBuilder line = new StringBuilder("backend ").append(chosen)
                .append(" (requested ").append(requested.label()).append(" by ").append(source.description());
        if (!reasons.isEmpty()) {
            line.append("; ").append(String.join("; ", reasons));
        }
        return line.append(')').toString();
    }
}
