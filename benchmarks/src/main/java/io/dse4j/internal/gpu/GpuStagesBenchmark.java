package io.dse4j.internal.gpu;

import io.dse4j.benchmarks.Points;
import io.dse4j.bindings.cudart.cuda_runtime_api_h;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The GPU backend's stages on device-resident data — Gram (cuBLAS syrk), kernel construction, and, as the floor of
 * the pipeline, {@code cusolverDnXsyevd} alone on the same kernel matrix (restored from a device copy before each
 * call; the device-to-device copy is a few milliseconds). End to end is {@code EndToEndBenchmark -p backend=gpu}.
 * Needs a usable GPU: the trial fails with the probe's reasons otherwise ({@code benchmarks/run.sh} leaves it out).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx8g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class GpuStagesBenchmark {

    @Param({"4000", "10000"})
    public int n;

    @Param({"256"})
    public int d;

    @Param({"f64", "f32"})
    public String precision;

    private GpuBackend gpu;
    private DeviceElement element;
    private Arena arena;
    private DeviceBuffer x;
    /** The points' coordinates in double: what the kernel's recomputed distances read. */
    private DeviceBuffer original;
    private DeviceBuffer a;
    private DeviceBuffer kernelCopy;
    private DeviceBuffer norms;
    private DeviceBuffer degrees;
    private DeviceBuffer w;
    private DeviceBuffer info;
    private DeviceBuffer work;
    private long[] workspace;
    private MemorySegment hostWork;

    @Setup(Level.Trial)
    public void setUp() {
        CudaLibraries.Availability availability = CudaLibraries.availability();
        if (!availability.usable()) {
            // JMH has no "skipped": benchmarks/run.sh leaves this benchmark out when the GPU cannot be used.
            throw new IllegalStateException("GPU unavailable (" + availability.summary() + "): "
                    + String.join("; ", availability.reasons()) + "; benchmarks/run.sh skips the GPU benchmarks");
        }
        gpu = new GpuBackend(availability);
        element = DeviceElement.valueOf(precision.toUpperCase(java.util.Locale.ROOT));
        long bytes = element.bytes();
        arena = Arena.ofShared();
        double[] points = columnMajor(Points.uniform(n, d, 42), n, d);
        x = DeviceBuffer.allocate(bytes * n * d);
        original = DeviceBuffer.allocate(Double.BYTES * (long) n * d);
        a = DeviceBuffer.allocate(bytes * n * n);
        kernelCopy = DeviceBuffer.allocate(bytes * n * n);
        norms = DeviceBuffer.allocate(Double.BYTES * (long) n);
        degrees = DeviceBuffer.allocate(Double.BYTES * (long) n);
        w = DeviceBuffer.allocate(bytes * n);
        info = DeviceBuffer.allocate(Integer.BYTES);
        workspace = gpu.solvers().syevdWorkspace(element, n, false, a, w, arena);
        work = DeviceBuffer.allocate(Math.max(1, workspace[0]));
        hostWork = DeviceEigensolvers.hostWork(arena, workspace[1]);
        x.upload(element.host(arena, points));
        original.upload(arena.allocateFrom(ValueLayout.JAVA_DOUBLE, points));
        kernel();
        copy(a, kernelCopy);
    }

    private static double[] columnMajor(double[] rows, int n, int d) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                out[k * n + i] = rows[i * d + k];
            }
        }
        return out;
    }

    private void copy(DeviceBuffer from, DeviceBuffer to) {
        CudaStatus.runtime("cudaMemcpy(device to device)", cuda_runtime_api_h.cudaMemcpy(to.address(),
                from.address(), from.bytes(), cuda_runtime_api_h.cudaMemcpyDeviceToDevice()));
    }

    @Benchmark
    public DeviceBuffer distances() {
        gpu.assembly().gram(element, x.address(), n, d, a.address(), arena);
        gpu.context().synchronize();
        return a;
    }

    @Benchmark
    public DeviceBuffer kernel() {
        gpu.assembly().gram(element, x.address(), n, d, a.address(), arena);
        gpu.assembly().kernel(element, a.address(), n, norms.address(), original.address(), n, d, degrees.address(),
                10.0, true);
        gpu.context().synchronize();
        return a;
    }

    @Benchmark
    public DeviceBuffer eigensolverAlone() {
        copy(kernelCopy, a);
        gpu.solvers().syevd(element, n, false, a, w, work, workspace, hostWork, info, arena);
        return w;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (DeviceBuffer buffer : new DeviceBuffer[] {x, original, a, kernelCopy, norms, degrees, w, info, work}) {
            if (buffer != null) {
                buffer.close();
            }
        }
        if (gpu != null) {
            gpu.close();
        }
        if (arena != null) {
            arena.close();
        }
    }
}
