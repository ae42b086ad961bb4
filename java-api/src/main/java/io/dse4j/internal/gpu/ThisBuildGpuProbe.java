package io.dse4j.internal.gpu;

import io.dse4j.spi.GpuProbe;

import java.util.Optional;

/**
 * The GPU backend's {@link GpuProbe}, provided as a service (module descriptor {@code provides}, and
 * {@code META-INF/services/io.dse4j.spi.GpuProbe} on the class path) and found by {@link GpuProbe#ofThisBuild()},
 * so that the SPI does not name this package. A thin door onto {@link GpuBackends}, which keeps the once-per-JVM
 * state; public with a public no-argument constructor, as {@link java.util.ServiceLoader} requires on the class path.
 */
public final class ThisBuildGpuProbe implements GpuProbe {

    public ThisBuildGpuProbe() {
    }

    @Override
    public Result probe() {
        return GpuBackends.probe();
    }

    @Override
    public Optional<Result> precheck() {
        return GpuBackends.precheck();
    }
}
