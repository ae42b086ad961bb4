package io.dse4j.benchmarks;

import io.dse4j.Matrix;
import io.dse4j.MutualInformation;
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
 * DSMI end to end on each backend: N uniform points in [0, 1]^256 against 10 balanced labels, R = 5 — the
 * classes × (1 + R) = 60 eigenproblems of one DSMI.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx8g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class DsmiBenchmark {

    @Param({"cpu"})
    public String backend;

    @Param({"1000", "4000"})
    public int n;

    private Matrix z;
    private int[] labels;
    private MutualInformation dsmi;

    @Setup(Level.Trial)
    public void setUp() {
        z = Matrix.ofRowMajor(Points.uniform(n, 256, 42), n, 256);
        labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        dsmi = MutualInformation.builder().backend(backend).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dsmi.close();
    }

    @Benchmark
    public double dsmi() {
        return dsmi.compute(z, labels).mi();
    }
}
