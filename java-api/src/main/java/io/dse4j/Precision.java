package io.dse4j;

import java.util.Locale;

/** The floating-point precision of the N×N kernel matrix and its eigen-decomposition. */
public enum Precision {
    /** IEEE double precision: matches the reference implementation to about 1e-13. The default. */
    F64,
    /** IEEE single precision: half the memory; DSE typically within 1e-4 of f64. */
    F32;

    /**
     * Parses {@code f64} (or {@code double}, {@code float64}) or {@code f32} (or {@code float}, {@code float32}),
     * case-insensitive.
     */
    public static Precision parse(String text) {
        if (text != null) {
            switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "f64", "double", "float64" -> {
                    return F64;
                }
                case "f32", "float", "float32" -> {
                    return F32;
                }
                default -> {
                }
            }
        }
        throw new InvalidInputException("precision", "must be f64 (or double, float64) or f32 (or float, float32), got "
                + quote(text));
    }

    /** The lower-case name used on the command line and in JSON ({@code f64}, {@code f32}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String quote(String text) {
        return text == null ? "nothing" : "'" + text + "'";
    }
}
