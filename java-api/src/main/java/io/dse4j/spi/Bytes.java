package io.dse4j.spi;

import java.util.Locale;

/** Byte counts for messages, in the largest binary unit that keeps them readable. */
public final class Bytes {

    private static final long KIB = 1L << 10;
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private Bytes() {
    }

    /**
     * "3.50 GiB" from 1 GiB up, "12.0 MiB" from 1 MiB, "4.0 KiB" from 1 KiB, else "512 bytes" ("1 byte"); never
     * "0.00 GiB" for a small non-zero amount.
     */
    public static String format(long bytes) {
        long magnitude = Math.abs(bytes);
        if (magnitude >= GIB) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
        }
        if (magnitude >= MIB) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
        }
        if (magnitude >= KIB) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) KIB);
        }
        return bytes + (magnitude == 1 ? " byte" : " bytes");
    }
}
