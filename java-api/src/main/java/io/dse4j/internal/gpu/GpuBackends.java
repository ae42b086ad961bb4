package io.dse4j.internal.gpu;

import io.dse4j.spi.GpuProbe;

/** The GPU probe of this build: loads CUDA once (see {@link CudaLibraries}) and opens the backend when usable. */
public final class GpuBackends {

    private GpuBackends() {
    }

    /** Probes the GPU; never throws: every failure is a reason in the result. */
    public static GpuProbe.Result probe() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        if (!availability.usable()) {
            return GpuProbe.Result.unusable(availability.reasons());
        }
        return new GpuProbe.Result(true, java.util.List.of(), () -> new GpuBackend(availability));
    }
}
