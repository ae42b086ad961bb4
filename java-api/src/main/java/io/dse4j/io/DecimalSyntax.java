package io.dse4j.io;

import java.util.regex.Pattern;

/**
 * The number syntax accepted in text files: plain decimals as NumPy, pandas and spreadsheets write them — an optional
 * sign, digits with an optional fraction ({@code 5}, {@code 5.}, {@code 5.25}, {@code .5}) and an optional exponent
 * ({@code e}/{@code E}, optional sign, digits). {@link Double#parseDouble} alone would also take Java-only forms
 * ({@code 0x1p3}, {@code 1d}, {@code 2f}) and the words {@code NaN}/{@code Infinity}, which no other tool reads
 * back the same way.
 */
final class DecimalSyntax {

    // \d is ASCII-only here (no UNICODE_CHARACTER_CLASS), as the formats we read are.
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** The spellings of NaN and ±infinity that NumPy, pandas, R and Java write (any case). */
    private static final Pattern NON_FINITE_WORD =
            Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private DecimalSyntax() {
    }

    /** Whether {@code text} (already stripped) is a decimal number in the syntax above. */
    static boolean isDecimal(String text) {
        return DECIMAL.matcher(text).matches();
    }

    /** Whether {@code text} (already stripped) is a word for NaN or an infinity: a number, but not a finite one. */
    static boolean isNonFiniteWord(String text) {
        return NON_FINITE_WORD.matcher(text).matches();
    }
}
