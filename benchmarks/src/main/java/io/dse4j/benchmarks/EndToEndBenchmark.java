package io.dse4j.benchmarks;

import io.dse4j.DiffusionSpectralEntropy;
import io.dse4j.DseResult;
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

import java.util.concurrent.TimeUnit;

/**
 * End-to-end DSE through the public API, data in memory to entropy, on each backend: what a user's call costs.
 * {@code -p backend=gpu} needs the GPU backend; {@code cpu} always runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx8g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class EndToEndBenchmark {

    @Param({"cpu"})
    public String backend;

    @Param({"1000", "2000", "4000"})
    public int n;

    @Param({"256"})
    public int d;

    @Param({"f64", "f32"})
    public String precision;

    private double[] points;
    private DiffusionSpectralEntropy dse;

    @Setup(Level.Trial)
    public void setUp() {
        points = Points.uniform(n, d, 42);
        dse = DiffusionSpectralEntropy.builder().backend(backend).precision(precision).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dse.close();
    }

    @Benchmark
    public double entropy() {
        DseResult result = dse.compute(points, n, d);
        return result.entropy();
    }
}
