package io.dse4j.internal.cpu;

import io.dse4j.spi.EigenBackend;

/** Opens the pure-Java backend. The only public entry point of this package. */
public final class CpuBackends {

    private CpuBackends() {
    }

    /** A CPU backend with {@code threads} worker threads and the fastest kernels this JVM allows. */
    public static EigenBackend open(int threads) {
        return new CpuBackend(threads);
    }
}
