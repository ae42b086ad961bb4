package io.dse4j.internal.cpu;

import io.dse4j.spi.Bytes;

/** Heap headroom checks, so that a too-large N is refused with the figures instead of failing half-way. */
final class Memory {

    private Memory() {
    }

    /**
     * Bytes the heap can still grow into: max heap minus what is in use. When {@code needed} looks too much, the
     * garbage (for example, a file just parsed) is collected once before answering, so that it does not count.
     */
    static long availableHeap(long needed) {
        Runtime rt = Runtime.getRuntime();
        long available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (needed > available) {
            System.gc();
            available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        }
        return available;
    }

    static String format(long bytes) {
        return Bytes.format(bytes);
    }
}
