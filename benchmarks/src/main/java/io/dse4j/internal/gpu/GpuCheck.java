package io.dse4j.internal.gpu;

/**
 * Whether the GPU benchmarks can run here: {@code benchmarks/run.sh} starts it before JMH and leaves the GPU
 * benchmarks out when the GPU backend cannot be used. Prints one line: {@code usable: DESCRIPTION} (exit 0) or
 * {@code unusable: SUMMARY}, then each reason on a line of its own (exit 1). Loads CUDA as the backend does (the
 * full probe, not {@code auto}'s pre-check), so it needs {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class GpuCheck {

    private GpuCheck() {
    }

    public static void main(String[] args) {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        if (availability.usable()) {
            System.out.println("usable: " + availability.description());
            return;
        }
        System.out.println("unusable: " + availability.summary());
        availability.reasons().forEach(reason -> System.out.println("  " + reason));
        System.exit(1);
    }
}
