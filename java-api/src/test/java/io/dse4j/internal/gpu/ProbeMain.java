package io.dse4j.internal.gpu;

import io.dse4j.spi.GpuProbe;

/** Prints this JVM's GPU probe result, one reason per line: run in a fresh JVM by {@link RealCudaRuntimeTest}. */
public final class ProbeMain {

    private ProbeMain() {
    }

    public static void main(String[] args) {
        GpuProbe.Result result = GpuBackends.probe();
        System.out.println("usable=" + result.usable());
        System.out.println("summary=" + result.summary());
        result.reasons().forEach(reason -> System.out.println("reason=" + reason));
    }
}
