package io.dse4j;

import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.GpuProbe;

/**
 * The GPU backend opened once on one CUDA device, for many computations to share: its stream, cuBLAS and cuSOLVER
 * handles and loaded kernels are made once, not once per {@link DiffusionSpectralEntropy}. Give it to
 * {@link DiffusionSpectralEntropy.Builder#gpu(GpuDevice)} (or the {@link MutualInformation} builder's); instances
 * built on it do not close it, and it serves concurrent callers one computation at a time.
 *
 * <pre>{@code
 * try (GpuDevice gpu = GpuDevice.open(1)) {                // CUDA device 1
 *     for (Matrix layer : layers) {
 *         try (var dse = DiffusionSpectralEntropy.builder().sigma(10).gpu(gpu).build()) {
 *             results.add(dse.compute(layer));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>A Spark executor keeps one per device Spark assigns its tasks (the {@code dse4j-spark} module).
 */
public final class GpuDevice implements AutoCloseable {

    private final int ordinal;
    private final EigenBackend backend;

    private GpuDevice(int ordinal, EigenBackend backend) {
        this.ordinal = ordinal;
        this.backend = backend;
    }

    /**
     * Opens the GPU backend on CUDA device {@code ordinal} (as {@code cudaSetDevice} counts them: among the devices
     * CUDA_VISIBLE_DEVICES leaves visible).
     *
     * @throws InvalidInputException       for a negative ordinal, or one the machine does not have (naming those
     *                                     it has)
     * @throws BackendUnavailableException when the GPU backend cannot run here, with every reason
     */
    public static GpuDevice open(int ordinal) {
        return open(ordinal, GpuProbe.ofThisBuild());
    }

    static GpuDevice open(int ordinal, GpuProbe probe) {
        checkOrdinal(ordinal);
        GpuProbe.Result result = probe.probe();
        if (!result.usable()) {
            throw new BackendUnavailableException("gpu", result.reasons());
        }
        return new GpuDevice(ordinal, result.open(ordinal));
    }

    static void checkOrdinal(int ordinal) {
        if (ordinal < 0) {
            throw new InvalidInputException("device", "must be a CUDA device ordinal (0, 1, …), got " + ordinal);
        }
    }

    /** The CUDA device ordinal. */
    public int ordinal() {
        return ordinal;
    }

    /** One line describing the backend (its kernels and device). */
    public String describe() {
        return backend.describe();
    }

    EigenBackend backend() {
        return backend;
    }

    /**
     * Releases the handles, the stream and the kernels; waits for a computation running on it. Idempotent;
     * afterwards the instances built on it fail with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "GpuDevice[" + ordinal + ", " + backend.name() + "]";
    }
}
