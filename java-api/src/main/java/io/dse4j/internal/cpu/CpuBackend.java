package io.dse4j.internal.cpu;

import io.dse4j.ComputationException;
import io.dse4j.InvalidInputException;
import io.dse4j.Precision;
import io.dse4j.spi.Cancellation;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.KernelKind;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.Points;
import io.dse4j.spi.ProgressSink;
import io.dse4j.spi.StageClock;

/**
 * The pure-Java backend: blocked Gram matrix → kernel in place → blocked Householder tridiagonalisation →
 * Pal–Walker–Kahan QL, all on one N×N array in the working precision (double[] for f64, float[] for f32) plus
 * O(N·(D + block)) workspace.
 *
 * <p>Lifetime: after {@link #close()} every computing method throws {@link IllegalStateException}. A computation
 * already running when {@code close()} is called finishes normally; the worker threads are shut down when the last
 * one has returned ({@code close()} itself does not wait). Interrupting the calling thread stops a computation at
 * its next block boundary with {@link io.dse4j.ComputationInterruptedException} (see {@link Cancellation}).
 */
final class CpuBackend implements EigenBackend {

    /** Largest N whose N×N matrix fits one Java array. */
    static final int MAX_N = 46_340;

    private final Workers workers;
    /** Guards {@link #running} and {@link #closed}. */
    private final Object lifecycle = new Object();
    /** Computations between {@link #begin()} and {@link #end()}. */
    private int running;
    private boolean closed;

    CpuBackend(int threads) {
        this.workers = new Workers(threads);
    }

    /** Registers a computation; throws when the backend is closed. Every call is paired with {@link #end()}. */
    private void begin() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("this CPU backend is closed");
            }
            running++;
        }
    }

    /** Ends a computation; the last one to end after {@link #close()} shuts the workers down. */
    private void end() {
        synchronized (lifecycle) {
            running--;
            if (closed && running == 0) {
                workers.close();
            }
        }
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String describe() {
        return "pure-Java CPU backend, " + workers.threads() + " thread" + (workers.threads() == 1 ? "" : "s")
                + ", " + VectorOpsLookup.describe();
    }

    @Override
    public KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma, Precision precision,
                                         boolean eigenvectors) {
        begin();
        try {
            return spectrum(points, kind, sigma, precision, eigenvectors);
        } finally {
            end();
        }
    }

    /** Every shape: the CPU computes the adaptive, α-decay and α-normalised kernels too. */
    @Override
    public boolean supports(KernelShape shape) {
        return true;
    }

    @Override
    public KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma, KernelShape shape,
                                         Precision precision, boolean eigenvectors) {
        begin();
        try {
            return spectrum(points, kind, sigma, shape, precision, eigenvectors, workers);
        } finally {
            end();
        }
    }

    private KernelSpectrum spectrum(Points points, KernelKind kind, double sigma, Precision precision,
                                    boolean eigenvectors) {
        return spectrum(points, kind, sigma, KernelShape.STANDARD, precision, eigenvectors, workers);
    }

    private KernelSpectrum spectrum(Points points, KernelKind kind, double sigma, KernelShape shape,
                                    Precision precision, boolean eigenvectors, Workers workers) {
        Cancellation.checkInterrupted();
        return precision == Precision.F32
                ? kernelSpectrum(points, kind, sigma, shape, VectorOps.f32For(points.n()), eigenvectors, workers)
                : kernelSpectrum(points, kind, sigma, shape, VectorOps.f64For(points.n()), eigenvectors, workers);
    }

    private <A> KernelSpectrum kernelSpectrum(Points points, KernelKind kind, double sigma, KernelShape shape,
                                              VectorOps<A> ops, boolean eigenvectors, Workers workers) {
        int n = points.n();
        checkMemory(n, ops.precision(), eigenvectors);
        ProgressSink.current().plan(Work.plan(n, points.dims(),
                !eigenvectors && n >= SymmetricEigenvalues.TWO_STAGE_FROM));
        StageClock clock = new StageClock();
        A a;
        try {
            a = ops.allocate(n * n);
        } catch (OutOfMemoryError e) {
            throw new InvalidInputException("n", "the " + n + "×" + n + " " + ops.precision().label()
                    + " kernel matrix needs " + Memory.format(bytesPerElement(ops.precision()) * n * n)
                    + " of heap and the JVM could not allocate it; raise -Xmx or lower N");
        }
        DiffusionKernel<A> kernel = new DiffusionKernel<>(ops, workers);
        kernel.gram(points.values(), n, points.dims(), a);
        clock.lap("distances");
        Cancellation.checkInterrupted();
        kernel.normalise(a, points, sigma, shape,
                kind == KernelKind.DIFFUSION);
        clock.lap("kernel");
        Cancellation.checkInterrupted();
        try {
            if (eigenvectors) {
                SymmetricEigenvectors.Decomposition decomposition =
                        new SymmetricEigenvectors<>(ops, workers).decompose(a, n);
                clock.lap("eigenvectors");
                return new KernelSpectrum(decomposition.values(), decomposition.vectors(), clock.timings());
            }
            double[] eigenvalues = new SymmetricEigenvalues<>(ops, workers).eigenvalues(a, n, clock);
            return new KernelSpectrum(eigenvalues, clock.timings());
        } catch (ArithmeticException failure) {
            throw new ComputationException("CPU eigenvalue solver failed: " + failure.getMessage(), failure);
        }
    }

    /**
     * The batch side by side: as many problems at once as there are threads, on threads of their own (not the
     * worker pool, whose threads each problem's own loops use), so small problems need not split their few columns.
     * A problem's result does not depend on which thread ran it. Interrupting the caller cancels the problems not yet
     * started and interrupts the running ones, which stop at their next block boundary before this returns.
     */
    @Override
    public java.util.List<KernelSpectrum> kernelSpectra(Points points, java.util.List<int[]> rowSets, KernelKind kind,
                                                        double sigma, Precision precision) {
        begin();
        try {
            return spectra(points, rowSets, kind, sigma, precision);
        } finally {
            end();
        }
    }

    private java.util.List<KernelSpectrum> spectra(Points points, java.util.List<int[]> rowSets, KernelKind kind,
                                                   double sigma, Precision precision) {
        int lanes = Math.min(workers.threads(), rowSets.size());
        java.util.List<KernelSpectrum> out = new java.util.ArrayList<>();
        ProgressSink progress = ProgressSink.current();
        int total = rowSets.size();
        progress.items(0, total);
        if (lanes <= 1) {
            for (int[] rows : rowSets) {
                Cancellation.checkInterrupted();
                out.add(spectrum(points.subset(rows), kind, sigma, precision, false));
                progress.items(out.size(), total);
            }
            return out;
        }
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        // Each problem runs on its lane alone: the lanes already occupy every thread, and a problem that split its
        // loops would queue its parts behind the other lanes' at the one shared pool (measured: DSMI at N = 4000,
        // 60 problems of ~400 points, ran no faster on two lanes than on one before this).
        java.util.List<java.util.concurrent.Callable<KernelSpectrum>> problems = new java.util.ArrayList<>();
        for (int[] rows : rowSets) {
            problems.add(() -> {
                try (Workers alone = new Workers(1)) {
                    KernelSpectrum spectrum = spectrum(points.subset(rows), kind, sigma, KernelShape.STANDARD,
                            precision, false, alone);
                    progress.items(done.incrementAndGet(), total);
                    return spectrum;
                }
            });
        }
        // On interruption invokeAll cancels every task (interrupting the running ones); closing the pool then waits
        // for them, so no lane outlives this call.
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(lanes)) {
            for (var future : pool.invokeAll(problems)) {
                out.add(future.get());
            }
            return out;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ComputationException("a batched eigenproblem failed", e.getCause());
        } catch (InterruptedException e) {
            throw Cancellation.interrupted(e);
        }
    }

    /** Always: {@link GeneralEigenvalues} (Hessenberg reduction and Francis's QR iteration). */
    @Override
    public boolean solvesGeneralEigenproblems() {
        return true;
    }

    @Override
    public double[] knnAdjacencyEigenvalueModuli(Points points, int k) {
        begin();
        try {
            checkMemory(points.n(), Precision.F64, true);
            return CpuBackends.knnAdjacencyEigenvalueModuli(points, k);
        } finally {
            end();
        }
    }

    /** Computed in double whatever the precision: it needs one N×N pass and no eigensolver. */
    @Override
    public double matrixEntryEntropy(Points points, double sigma, Precision precision) {
        begin();
        try {
            checkMemory(points.n(), Precision.F64, false);
            return CpuBackends.matrixEntryEntropy(points, sigma, workers.threads());
        } finally {
            end();
        }
    }

    @Override
    public void checkFits(int n, Precision precision) {
        checkMemory(n, precision, false);
    }

    private static long bytesPerElement(Precision precision) {
        return precision == Precision.F32 ? 4 : 8;
    }

    private static void checkMemory(int n, Precision precision, boolean eigenvectors) {
        if (n > MAX_N) {
            throw new InvalidInputException("n", "the CPU backend handles at most N = " + MAX_N
                    + " points (an N×N matrix in one Java array), got " + n + "; lower --max-n");
        }
        long element = bytesPerElement(precision);
        long needed = element * n * n
                + element * n * (TridiagonalReduction.BLOCK + Runtime.getRuntime().availableProcessors()) + 64L * n
                + (eigenvectors ? 8L * n * n : 0);
        long available = Memory.availableHeap(needed);
        if (needed > available) {
            throw new InvalidInputException("n", "N = " + n + " in " + precision.label() + " needs about "
                    + Memory.format(needed) + " of heap for the N×N kernel matrix" + (eigenvectors
                            ? ", the eigenvectors" : "")
                    + " and the workspace, but only "
                    + Memory.format(available) + " is available (max heap " + Memory.format(Runtime.getRuntime()
                            .maxMemory())
                    + "); raise -Xmx (DSE4J_JAVA_OPTS for the command line) or lower --max-n");
        }
    }

    /** Idempotent; does not wait for running computations (see the class comment). */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            if (running == 0) {
                workers.close();
            }
        }
    }
}
