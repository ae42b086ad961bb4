package io.dse4j;

import java.util.Locale;

/** Which backend a computation asks for. */
public enum BackendKind {
    /** The GPU when it is usable, else the CPU (the default). */
    AUTO,
    /** The pure-Java backend; never touches native code. */
    CPU,
    /** The GPU backend; fails with {@link BackendUnavailableException} when it cannot be used. */
    GPU;

    /** Parses {@code auto}, {@code cpu} or {@code gpu}, case-insensitive; anything else lists the valid values. */
    public static BackendKind parse(String text, String argument) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> {
                    return AUTO;
                }
                case "cpu" -> {
                    return CPU;
                }
                case "gpu" -> {
                    return GPU;
                }
                default -> {
                }
            }
        }
        throw new InvalidInputException(argument,
                "must be one of auto, cpu, gpu (case-insensitive), got " + Precision.quote(text));
    }

    /** The lower-case name ({@code auto}, {@code cpu}, {@code gpu}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
