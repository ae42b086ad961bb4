package io.dse4j.internal.cpu;

import io.dse4j.Precision;
import io.dse4j.benchmarks.Points;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_MT_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
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
 * The CPU backend's stages one by one — pairwise distances (Gram), kernel construction, symmetric eigenvalues — and,
 * as an anchor in the same run, EJML's symmetric eigenvalue decomposition (single- and multi-threaded) on the very
 * same kernel matrix. Lives in the backend's package to reach its package-private classes.
 *
 * <p>Inputs that a routine overwrites are copied inside the measured call; the copy of an N×N matrix costs
 * milliseconds against seconds of work.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class CpuStagesBenchmark {

    @Param({"2000", "4000"})
    public int n;

    @Param({"256"})
    public int d;

    @Param({"f64"})
    public String precision;

    /**
     * The tridiagonal reduction of {@link #eigenvalues}: {@code auto} (the solver's own choice by N), {@code one-stage}
     * or {@code two-stage}, so that both can be measured on the same matrix in one run.
     */
    @Param({"auto"})
    public String reduction;

    private Workers workers;
    private double[] xt;
    /** K in the lower triangle, column-major, double precision (also the EJML input). */
    private double[] kernel;

    @Setup(Level.Trial)
    public void setUp() {
        workers = new Workers(Runtime.getRuntime().availableProcessors());
        double[] rows = Points.uniform(n, d, 42);
        xt = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                xt[k * n + i] = rows[i * d + k];
            }
        }
        kernel = new double[n * n];
        DiffusionKernel<double[]> k = new DiffusionKernel<>(VectorOps.f64(), workers);
        k.gram(xt, n, d, kernel);
        k.normalise(kernel, new io.dse4j.spi.Points(n, d, xt), 10.0, true);
        for (int j = 0; j < n; j++) {
            for (int i = j + 1; i < n; i++) {
                kernel[j + i * n] = kernel[i + j * n];
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workers.close();
    }

    private VectorOps<?> ops() {
        return Precision.parse(precision) == Precision.F32 ? VectorOps.f32() : VectorOps.f64();
    }

    @Benchmark
    public Object distances() {
        return gram(ops());
    }

    private <A> A gram(VectorOps<A> ops) {
        A a = ops.allocate(n * n);
        new DiffusionKernel<>(ops, workers).gram(xt, n, d, a);
        return a;
    }

    @Benchmark
    public Object kernel() {
        return kernel(ops());
    }

    private <A> A kernel(VectorOps<A> ops) {
        A a = gram(ops);
        new DiffusionKernel<>(ops, workers).normalise(a, new io.dse4j.spi.Points(n, d, xt), 10.0, true);
        return a;
    }

    @Benchmark
    public double[] eigenvalues() {
        return eigenvalues(ops());
    }

    private <A> double[] eigenvalues(VectorOps<A> ops) {
        A a = ops.allocate(n * n);
        ops.store(kernel, a, 0, n * n);
        int twoStageFrom = switch (reduction) {
            case "auto" -> SymmetricEigenvalues.TWO_STAGE_FROM;
            case "one-stage" -> Integer.MAX_VALUE;
            case "two-stage" -> 1;
            default -> throw new IllegalArgumentException("reduction " + reduction
                    + " is not one of auto, one-stage, two-stage");
        };
        return new SymmetricEigenvalues<>(ops, workers, twoStageFrom, SymmetricEigenvalues.BAND)
                .eigenvalues(a, n, null);
    }

    @Benchmark
    public Object ejmlEigenvalues() {
        return ejml(DecompositionFactory_DDRM.eig(n, false, true));
    }

    @Benchmark
    public Object ejmlEigenvaluesConcurrent() {
        return ejml(DecompositionFactory_MT_DDRM.eig(n, false, true));
    }

    private Object ejml(EigenDecomposition_F64<DMatrixRMaj> eig) {
        DMatrixRMaj k = new DMatrixRMaj(n, n);
        System.arraycopy(kernel, 0, k.data, 0, n * n);
        if (!eig.decompose(k)) {
            throw new IllegalStateException("EJML eigen-decomposition failed");
        }
        return eig.getEigenvalue(0);
    }
}
