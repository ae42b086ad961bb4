package io.dse4j.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** Finds out whether a GPU backend can be used here, and why not. */
@FunctionalInterface
public interface GpuProbe {

    /** The summary of an unusable result that does not give its own. */
    String UNUSABLE = "the GPU backend cannot be used";

    /**
     * The outcome of a probe.
     *
     * @param usable  whether {@link #open} will give a working backend
     * @param reasons when not usable, every reason found (never empty then)
     * @param summary when not usable, a few words for the one log line ("no NVIDIA driver found", "found the CUDA
     *                runtime 13 but no NVIDIA driver"); empty when usable
     * @param opener  opens the backend on a CUDA device ordinal; only called when usable
     */
    record Result(boolean usable, List<String> reasons, String summary, IntFunction<EigenBackend> opener) {
        public Result {
            reasons = List.copyOf(reasons);
            Objects.requireNonNull(summary, "summary");
            Objects.requireNonNull(opener, "opener");
        }

        /** A result whose backend has no device to choose (a test's, or one device only). */
        public Result(boolean usable, List<String> reasons, String summary, Supplier<EigenBackend> open) {
            this(usable, reasons, summary, device -> open.get());
        }

        /** A result with the default summary. */
        public Result(boolean usable, List<String> reasons, Supplier<EigenBackend> open) {
            this(usable, reasons, usable ? "" : UNUSABLE, open);
        }

        public static Result unusable(List<String> reasons) {
            return unusable(UNUSABLE, reasons);
        }

        public static Result unusable(String summary, List<String> reasons) {
            return new Result(false, reasons, summary, () -> {
                throw new IllegalStateException("GPU backend is unusable: " + reasons);
            });
        }

        /**
         * Opens the backend on CUDA device {@code device}.
         *
         * @throws io.dse4j.InvalidInputException when the machine has no such device (naming the ones it has)
         */
        public EigenBackend open(int device) {
            return opener.apply(device);
        }
    }

    /** Loads what the GPU backend needs (native code) and says whether it can run. */
    Result probe();

    /**
     * A cheap look that needs no native code, asked first by {@code auto}: an unusable result when it already
     * shows that the GPU cannot be used (no NVIDIA driver on the machine), else empty, and {@link #probe()} decides.
     * {@code gpu} never asks it, so that its failure lists what the full probe found. By default: empty.
     */
    default Optional<Result> precheck() {
        return Optional.empty();
    }

    /**
     * The probe of this build: loads the CUDA libraries (once per JVM) and reports every reason the GPU backend
     * cannot run; its pre-check looks for the NVIDIA driver's files without native code (skipped when the CUDA
     * libraries are given by path, {@code -Ddse4j.cuda.libraries}). Never throws.
     *
     * <p>The implementation is the GPU backend's, found through {@link java.util.ServiceLoader} (the module
     * descriptor's {@code provides}, or {@code META-INF/services} on the class path), so that this interface, which
     * the backends implement, depends on none of them. The look-up happens at the first {@code probe()} or
     * {@code precheck()}: {@code cpu}, which asks neither, does not even load the GPU backend's classes.
     */
    static GpuProbe ofThisBuild() {
        return ThisBuildProbe.INSTANCE;
    }
}
