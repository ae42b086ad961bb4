package io.dse4j;

import java.util.Locale;

/** How a DSMI reference Y is turned into classes, as the reference implementation infers it. */
public enum ReferenceKind {
    /** Inferred: N×1 integers are discrete labels, N×1 reals a continuous scalar, N×D′ (D′ &gt; 1) vectors. */
    AUTO,
    /** Integer labels used as classes. */
    DISCRETE,
    /** A real scalar: min–max scaled and cut into {@code clusters} equal-width bins (labels 1..clusters). */
    SCALAR,
    /** Vectors (e.g. flattened input images): spectral clustering into {@code clusters} classes. */
    VECTOR;

    /** Parses auto, discrete, scalar or vector, case-insensitive. */
    public static ReferenceKind parse(String text) {
        if (text != null) {
            for (ReferenceKind kind : values()) {
                if (kind.name().equalsIgnoreCase(text.trim())) {
                    return kind;
                }
            }
        }
        throw new InvalidInputException("reference kind",
                "must be one of auto, discrete, scalar, vector, got " + Precision.quote(text));
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
