package io.dse4j.internal;

import io.dse4j.BackendKind;
import io.dse4j.BackendSelection;
import io.dse4j.InvalidInputException;
import io.dse4j.Precision;
import io.dse4j.internal.cpu.CpuBackends;
import io.dse4j.spi.EigenBackend;
import io.dse4j.spi.InsufficientDeviceMemoryException;
import io.dse4j.spi.KernelShape;
import io.dse4j.spi.KernelSpectrum;
import io.dse4j.spi.LanczosSamples;
import io.dse4j.spi.Points;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.Function;

/**
 * The measures' one door to the backends: the backend a measure chose, the CPU backend that an {@code auto} selection
 * falls back to when a problem does not fit the GPU (opened on need), the rule for that fallback, written once, and
 * the computations that only the CPU does (the neighbour distances of the data-driven σ and the adaptive kernels, the
 * Chebyshev and SLQ estimators). The public measures reach the CPU package through here only.
 *
 * <p>Not API. Safe for concurrent use.
 */
public final class BackendRouter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.dse4j");

    private final BackendSelection selection;
    private final EigenBackend backend;
    /** Whether {@link #close()} closes {@link #backend}: not a shared GPU device's, which its owner closes. */
    private final boolean ownsBackend;
    private final int threads;
    /** The CPU backend of fallbacks and CPU-only work; opened on need, never after {@link #close()}. */
    private EigenBackend cpu;
    private boolean closed;

    /**
     * @param selection   how {@code backend} was chosen
     * @param backend     the chosen backend
     * @param ownsBackend whether closing this router closes it
     * @param threads     CPU worker threads
     */
    public BackendRouter(BackendSelection selection, EigenBackend backend, boolean ownsBackend, int threads) {
        this.selection = selection;
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.threads = threads;
    }

    /** A CPU backend with {@code threads} worker threads. */
    public static EigenBackend openCpu(int threads) {
        return CpuBackends.open(threads);
    }

    /** A value and the selection that describes where it was computed. */
    public record Routed<T>(T value, BackendSelection selection) {
    }

    public BackendSelection selection() {
        return selection;
    }

    /** The chosen backend. */
    public EigenBackend backend() {
        return backend;
    }

    /**
     * Runs {@code call} on the chosen backend; when the GPU has too little memory for it, runs it on the CPU if the
     * backend was chosen automatically, else refuses it.
     *
     * @param hint        what the refusal advises ("lower maxN or use the CPU backend")
     * @param fallingBack what the warning of a fallback says ran on the CPU ("batch on the CPU"); null: the warning
     *                    is the fallback's selection, described
     * @throws InvalidInputException ("n") when the problem does not fit the GPU and the GPU was asked for
     */
    public <T> Routed<T> onBackend(String hint, String fallingBack, Function<EigenBackend, T> call) {
        try {
            return new Routed<>(call.apply(backend), selection);
        } catch (InsufficientDeviceMemoryException tooLarge) {
            if (selection.requested() != BackendKind.AUTO) {
                throw new InvalidInputException("n", tooLarge.getMessage() + "; " + hint);
            }
            BackendSelection used = onTheCpu("GPU memory: " + tooLarge.getMessage());
            LOG.log(Level.WARNING, (fallingBack == null ? used.describe()
                    : fallingBack + "; GPU memory: " + tooLarge.getMessage()));
            return new Routed<>(call.apply(cpu()), used);
        }
    }

    /** As {@link #onBackend}, but a problem too large for the GPU always runs on the CPU, silently (a side check). */
    public <T> T onBackendOrCpu(Function<EigenBackend, T> call) {
        try {
            return call.apply(backend);
        } catch (InsufficientDeviceMemoryException tooLarge) {
            return call.apply(cpu());
        }
    }

    /** The selection of a computation moved to the CPU, for {@code reason}. */
    public BackendSelection onTheCpu(String reason) {
        return new BackendSelection(selection.requested(), selection.source(), "cpu", List.of(reason));
    }

    /** The selection of a computation done on the CPU whatever the backend, with its reasons after the choice's. */
    public BackendSelection cpuAfter(String reason) {
        List<String> reasons = new java.util.ArrayList<>(selection.reasons());
        reasons.add(reason);
        return new BackendSelection(selection.requested(), selection.source(), "cpu", reasons, selection.summary());
    }

    /** The CPU backend, opened on first use. */
    public synchronized EigenBackend cpu() {
        if (closed) {
            // A computation that reaches a fallback after its measure was closed on another thread: no backend is
            // opened that nothing would close.
            throw new IllegalStateException("this DiffusionSpectralEntropy is closed");
        }
        if (cpu == null) {
            cpu = CpuBackends.open(threads);
        }
        return cpu;
    }

    /** The median distance between the points (exact; the caller samples large sets). */
    public double medianDistance(Points points) {
        return CpuBackends.medianDistance(points, threads);
    }

    /** The mean over the points of the distance to their k-th nearest other point. */
    public double meanKthNeighbourDistance(Points points, int k) {
        return CpuBackends.meanKthNeighbourDistance(points, k, threads);
    }

    /** Each point's distance to its k-th nearest other point. */
    public double[] kthNeighbourDistances(Points points, int k) {
        return CpuBackends.kthNeighbourDistances(points, k, threads);
    }

    /** The reference's Chebyshev approximation of the eigenvalues, on the CPU. */
    public KernelSpectrum chebyshevSpectrum(Points points, double sigma, KernelShape shape, long seed) {
        return CpuBackends.chebyshevSpectrum(points, sigma, shape, seed, threads);
    }

    /** The SLQ estimator's samples, on the CPU. */
    public LanczosSamples lanczosSamples(Points points, double sigma, KernelShape shape, Precision precision, long seed,
                                         int probes, int steps, boolean matrixFree) {
        return CpuBackends.lanczosSamples(points, sigma, shape, precision, seed, probes, steps, matrixFree, threads);
    }

    /** The matrix-entry entropy on the CPU, with no backend open. */
    public static double matrixEntryEntropyOnCpu(Points points, double sigma, int threads) {
        return CpuBackends.matrixEntryEntropy(points, sigma, threads);
    }

    /**
     * The eigenvalues, ascending, of X·Xᵀ for the n×dims column-major {@code xt}, on the CPU (RankMe, the von
     * Neumann entropy).
     */
    public static double[] gramEigenvaluesOnCpu(double[] xt, int n, int dims, int threads) {
        return CpuBackends.gramEigenvalues(xt, n, dims, threads);
    }

    /** The spectral embedding of the points' k-NN graph, on the CPU (spectral clustering). */
    public static double[][] spectralEmbeddingOnCpu(Points points, int k, int neighbours, int threads) {
        return CpuBackends.spectralEmbedding(points, k, neighbours, threads);
    }

    /** The eigenvectors of a symmetric n×n matrix, on the CPU (spectral clustering). */
    public static double[][] symmetricEigenvectors(double[] a, int n, int threads) {
        return CpuBackends.symmetricEigenvectors(a, n, threads);
    }

    /**
     * Runs {@code task.accept(i)} for i in [0, tasks) side by side on {@code threads} CPU worker threads (the calling
     * thread among them) — independent problems, each on one thread — and returns when all are done; rethrows the
     * first failure. An interrupt of the calling thread stops the tasks at their next check.
     */
    public static void runSideBySide(int threads, int tasks, java.util.function.IntConsumer task) {
        CpuBackends.runSideBySide(threads, tasks, task);
    }

    /** Closes the backend when this router owns it, and the CPU backend if it was opened. Idempotent. */
    @Override
    public void close() {
        try {
            if (ownsBackend) {
                backend.close();
            }
        } finally {
            synchronized (this) {
                closed = true;
                if (cpu != null) {
                    cpu.close();
                }
            }
        }
    }
}
