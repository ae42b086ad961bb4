package io.dse4j.spi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Byte counts in messages: the unit that fits, never "0.00 GiB" for a real amount. */
class BytesTest {

    @Test
    void eachAmountGetsTheUnitThatFits() {
        assertEquals("0 bytes", Bytes.format(0));
        assertEquals("1 byte", Bytes.format(1));
        assertEquals("1023 bytes", Bytes.format(1023));
        assertEquals("1.0 KiB", Bytes.format(1024));
        assertEquals("4.5 KiB", Bytes.format(4608));
        assertEquals("1.0 MiB", Bytes.format(1L << 20));
        assertEquals("763.0 MiB", Bytes.format(763L << 20));
        assertEquals("1.00 GiB", Bytes.format(1L << 30));
        assertEquals("139.75 GiB", Bytes.format(139L * (1L << 30) + 3 * (1L << 28)));
    }

    @Test
    void deviceMemoryMessagesNameEveryFigureReadably() {
        var e = new InsufficientDeviceMemoryException("N = 300 in f64", 2_000_000, 300L << 20, 600L << 20);
        assertEquals("N = 300 in f64 needs 1.9 MiB of GPU memory plus a margin of 600.0 MiB (for what CUDA, cuBLAS "
                + "and cuSOLVER allocate themselves) but only 300.0 MiB is free", e.getMessage());
        assertEquals(2_000_000, e.neededBytes());
        assertEquals(300L << 20, e.freeBytes());
        assertEquals(600L << 20, e.marginBytes());
    }
}
