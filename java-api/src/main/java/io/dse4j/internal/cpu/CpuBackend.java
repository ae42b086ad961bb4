package io.dse4j.internal.cpu;

import io.dse4j.ComputationException;
import io.dse4j.InvalidInputException;
import io.dse4j.Precision;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import io.dse4j.spi.StageClock;

/**
 * The pure-Java backend: blocked Gram matrix → kernel in place → blocked Householder tridiagonalisation →
 * Pal–Walker–Kahan QL, all on one N×N array in the working precision plus O(N·(D + block)) workspace.
 */
final class CpuBackend implements EigenBackend {

    /** Largest N whose N×N matrix fits one Java array. */
    static final int MAX_N = 46_340;

    private final Workers workers;
    private final VectorOps ops;

    CpuBackend(int threads, VectorOps ops) {
        this.workers = new Workers(threads);
        this.ops = ops;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "pure-Java CPU backend, " + workers.threads() + " thread" + (workers.threads() == 1 ? "" : "s")
                + ", " + ops.describe();
    }

    @Override
    public KernelSpectrum diffusionEigenvalues(Points points, double sigma, Precision precision) {
        int n = points.n();
        checkMemory(n, points.dims(), precision);
        StageClock clock = new StageClock();
        double[] a;
        try {
            a = new double[n * n];
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("n", "the " + n + "×" + n + " kernel matrix needs "
                    + Memory.format(8L * n * n) + " of heap and the JVM could not allocate it; raise -Xmx or lower N");
        }
        DiffusionKernel kernel = new DiffusionKernel(ops, workers);
        kernel.gram(points.values(), n, points.dims(), a);
        clock.lap("distances");
        kernel.normalise(a, n, sigma);
        clock.lap("kernel");
        double[] eigenvalues;
        try {
            eigenvalues = new SymmetricEigenvalues(ops, workers).eigenvalues(a, n, clock);
        } catch (ArithmeticException failure) {
            throw new ComputationException("CPU eigenvalue solver failed: " + failure.getMessage(), failure);
        }
        return new KernelSpectrum(eigenvalues, clock.timings());
    }

    private static void checkMemory(int n, int dims, Precision precision) {
        if (n > MAX_N) {
            throw new InvalidInputException("n", "the CPU backend handles at most N = " + MAX_N
                    + " points (an N×N matrix in one Java array), got " + n + "; lower --max-n");
        }
        long needed = 8L * n * n + 8L * n * (TridiagonalReduction.BLOCK + 8L + Runtime.getRuntime().availableProcessors());
        long available = Memory.availableHeap(needed);
        if (needed > available) {
            throw new InvalidInputException("n", "N = " + n + " in " + precision.label() + " needs about "
                    + Memory.format(needed) + " of heap for the N×N kernel matrix and its workspace, but only "
                    + Memory.format(available) + " is available (max heap " + Memory.format(Runtime.getRuntime().maxMemory())
                    + "); raise -Xmx (DSE4J_JAVA_OPTS for the command line) or lower --max-n");
        }
    }

    @Override
    public void close() {
        workers.close();
    }
}
