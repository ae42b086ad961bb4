package io.dse4j.internal.gpu;

import io.dse4j.spi.GpuProbe;

import java.util.List;
import java.util.Optional;

/** The GPU probe of this build: loads CUDA once (see {@link CudaLibraries}) and opens the backend when usable. */
public final class GpuBackends {

    private static Optional<GpuProbe.Result> precheck;

    private GpuBackends() {
    }

    /** Probes the GPU; never throws: every failure is a reason in the result. */
    public static GpuProbe.Result probe() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        if (!availability.usable()) {
            return GpuProbe.Result.unusable(availability.summary(), availability.reasons());
        }
        return new GpuProbe.Result(true, List.of(), "", device -> new GpuBackend(availability, device));
    }

    /**
     * The look without native code (once per JVM, as the probe): unusable when this is not linux-x86_64 or the
     * machine shows no trace of an NVIDIA driver ({@link DriverPresence}); empty when the full probe should decide,
     * and always empty when the CUDA libraries are given by path ({@code -Ddse4j.cuda.libraries} or
     * {@code DSE4J_CUDA_LIBRARIES}: the tests' stand-in, or a CUDA the linker does not know), which load as given.
     */
    public static synchronized Optional<GpuProbe.Result> precheck() {
        if (precheck == null) {
            precheck = look();
        }
        return precheck;
    }

    private static Optional<GpuProbe.Result> look() {
        try {
            if (CudaLibraries.explicitPaths() != null) {
                return Optional.empty();
            }
            String platform = CudaLibraries.unsupportedPlatform();
            if (platform != null) {
                return Optional.of(GpuProbe.Result.unusable("no GPU backend for this platform", List.of(platform)));
            }
            DriverPresence.Look look = DriverPresence.look();
            if (look.driverMayBePresent()) {
                return Optional.empty();
            }
            return Optional.of(GpuProbe.Result.unusable(look.summary(), List.of(look.reason())));
        } catch (RuntimeException unexpected) {
            // A look that fails says nothing: the full probe decides, and turns its own failures into reasons.
            return Optional.empty();
        }
    }
}
