package io.dse4j.spi;

import java.util.List;
import java.util.function.Supplier;

/** Finds out whether a GPU backend can be used here, and why not. */
@FunctionalInterface
public interface GpuProbe {

    /**
     * The outcome of a probe.
     *
     * @param usable  whether {@link #open} will give a working backend
     * @param reasons when not usable, every reason found (never empty then)
     * @param open    opens the backend; only called when usable
     */
    record Result(boolean usable, List<String> reasons, Supplier<EigenBackend> open) {
        public Result {
            reasons = List.copyOf(reasons);
        }

        public static Result unusable(List<String> reasons) {
            return new Result(false, reasons, () -> {
                throw new IllegalStateException("GPU backend is unusable: " + reasons);
            });
        }
    }

    Result probe();

    /**
     * The probe of this build: loads the CUDA libraries (once per JVM) and reports every reason the GPU backend
     * cannot run. Never throws.
     */
    static GpuProbe ofThisBuild() {
        return io.dse4j.internal.gpu.GpuBackends::probe;
    }
}
