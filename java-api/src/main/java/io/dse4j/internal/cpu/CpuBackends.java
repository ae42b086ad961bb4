package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;
import io.dse4j.spi.EigenBackend;

/** Opens the pure-Java backend. The only public entry point of this package. */
public final class CpuBackends {

    private CpuBackends() {
    }

    /**
     * The reference's matrix-entry entropy of the points: P = D⁻¹K (K the symmetric diffusion kernel, D its row
     * sums), pᵢⱼ = |Pᵢⱼ| / Σ|P| + ε over all N² entries, H = −Σ pᵢⱼ·log₂ pᵢⱼ. O(N²) work on one N×N array; no
     * eigenvalues. Interrupting the calling thread stops it ({@link io.dse4j.ComputationInterruptedException}).
     */
    public static double matrixEntryEntropy(io.dse4j.spi.Points points, double sigma, int threads) {
        int n = points.n();
        if (n > CpuBackend.MAX_N) {
            throw new io.dse4j.InvalidInputException("n", "at most N = " + CpuBackend.MAX_N + " points, got " + n);
        }
        double[] a = new double[n * n];
        try (Workers workers = new Workers(threads)) {
            DiffusionKernel<double[]> kernel = new DiffusionKernel<>(VectorOps.f64For(n), workers);
            kernel.gram(points.values(), n, points.dims(), a);
            kernel.normalise(a, points, sigma, true);
        }
        // Row sums of the full symmetric K from its lower triangle.
        double[] rowSums = new double[n];
        for (int j = 0; j < n; j++) {
            Cancellation.checkInterrupted();
            for (int i = j; i < n; i++) {
                double k = a[i + j * n];
                rowSums[j] += k;
                if (i != j) {
                    rowSums[i] += k;
                }
            }
        }
        // Σ|P| (= N up to rounding), then the entropy; each off-diagonal K entry appears as P(i,j) and P(j,i).
        double total = 0;
        for (int j = 0; j < n; j++) {
            Cancellation.checkInterrupted();
            for (int i = j; i < n; i++) {
                double k = Math.abs(a[i + j * n]);
                total += k / rowSums[i];
                if (i != j) {
                    total += k / rowSums[j];
                }
            }
        }
        double entropy = 0;
        for (int j = 0; j < n; j++) {
            Cancellation.checkInterrupted();
            for (int i = j; i < n; i++) {
                double k = Math.abs(a[i + j * n]);
                entropy += plogp(k / rowSums[i] / total);
                if (i != j) {
                    entropy += plogp(k / rowSums[j] / total);
                }
            }
        }
        return -entropy / Math.log(2);
    }

    private static double plogp(double p) {
        double q = p + io.dse4j.Spectrum.PROBABILITY_EPSILON;
        return q * Math.log(q);
    }

    /**
     * The moduli of the eigenvalues of the binary k-NN adjacency of the points ({@link io.dse4j.spi.KnnAdjacency}, as
     * the reference builds it). A is not symmetric, so its eigenvalues come from {@link GeneralEigenvalues} and may be
     * complex.
     *
     * @param k neighbours per row, 1 ≤ k &lt; N
     */
    public static double[] knnAdjacencyEigenvalueModuli(io.dse4j.spi.Points points, int k) {
        try {
            return GeneralEigenvalues.moduli(io.dse4j.spi.KnnAdjacency.of(points, k));
        } catch (ArithmeticException e) {
            throw new io.dse4j.ComputationException("k-NN adjacency eigenvalues: " + e.getMessage(), e);
        }
    }

    /**
     * The spectral embedding of the points through their k-NN graph ({@link SpectralEmbedding}), row-major n×k.
     * Interrupting the calling thread stops it.
     */
    public static double[][] spectralEmbedding(io.dse4j.spi.Points points, int k, int neighbours, int threads) {
        try (Workers workers = new Workers(threads)) {
            return SpectralEmbedding.of(points, k, neighbours, workers);
        } catch (ArithmeticException e) {
            throw new io.dse4j.ComputationException("spectral embedding: " + e.getMessage(), e);
        }
    }

    /**
     * Eigenvalues (ascending) and unit eigenvectors of the symmetric matrix in the lower triangle of {@code a}
     * (column-major n×n; destroyed): {@code result[0]} the values, {@code result[1]} the vectors, column j for
     * eigenvalue j.
     */
    public static double[][] symmetricEigenvectors(double[] a, int n, int threads) {
        try (Workers workers = new Workers(threads)) {
            SymmetricEigenvectors.Decomposition d = new SymmetricEigenvectors<>(VectorOps.f64For(n), workers).decompose(
                    a, n);
            return new double[][] {d.values(), d.vectors()};
        } catch (ArithmeticException e) {
            throw new io.dse4j.ComputationException("symmetric eigenvectors: " + e.getMessage(), e);
        }
    }

    /**
     * The eigenvalues, ascending, of the Gram matrix X·Xᵀ of {@code n} vectors of {@code dims} coordinates, stored
     * column-major in {@code xt} (coordinate k of vector i at {@code xt[k·n + i]}; not modified): the lower triangle
     * formed by the packed product that builds the diffusion kernel's ({@link DiffusionKernel#gram}), then
     * {@link SymmetricEigenvalues}, in double. O(n²·dims + n³) work and one n×n array. Interrupting the calling thread
     * stops it.
     */
    public static double[] gramEigenvalues(double[] xt, int n, int dims, int threads) {
        if (n > CpuBackend.MAX_N) {
            throw new io.dse4j.InvalidInputException("n", "at most " + CpuBackend.MAX_N + " vectors, got " + n);
        }
        double[] a = new double[n * n];
        try (Workers workers = new Workers(threads)) {
            VectorOps<double[]> ops = VectorOps.f64For(n);
            new DiffusionKernel<>(ops, workers).gram(xt, n, dims, a);
            return new SymmetricEigenvalues<>(ops, workers).eigenvalues(a, n, null);
        } catch (ArithmeticException e) {
            throw new io.dse4j.ComputationException("Gram eigenvalues: " + e.getMessage(), e);
        }
    }

    /**
     * The median distance between the points, exactly (see {@link BandwidthRules#medianDistance}); O(N·D) memory.
     * Interrupting the calling thread stops it.
     */
    public static double medianDistance(io.dse4j.spi.Points points, int threads) {
        try (Workers workers = new Workers(threads)) {
            return BandwidthRules.medianDistance(points, workers);
        }
    }

    /** The mean distance of the points to their k-th nearest other point, 1 ≤ k &lt; N; O(N·(D + k)) memory. */
    public static double meanKthNeighbourDistance(io.dse4j.spi.Points points, int k, int threads) {
        try (Workers workers = new Workers(threads)) {
            return BandwidthRules.meanKthNeighbourDistance(points, k, workers);
        }
    }

    /** Each point's distance to its k-th nearest other point, 1 ≤ k &lt; N (the adaptive kernels' σᵢ). */
    public static double[] kthNeighbourDistances(io.dse4j.spi.Points points, int k, int threads) {
        try (Workers workers = new Workers(threads)) {
            return BandwidthRules.kthNeighbourDistances(points, k, workers);
        }
    }

    /**
     * The kernel's eigenvalues as the official package's Chebyshev approximation estimates them
     * ({@link ChebyshevSpectrum}): K built in double as the exact path builds it, then moments from seeded probes.
     */
    public static io.dse4j.spi.KernelSpectrum chebyshevSpectrum(io.dse4j.spi.Points points, double sigma,
                                                                io.dse4j.spi.KernelShape shape, long seed,
                                                                int threads) {
        int n = points.n();
        if (n > CpuBackend.MAX_N) {
            throw new io.dse4j.InvalidInputException("n", "at most N = " + CpuBackend.MAX_N + " points, got " + n);
        }
        io.dse4j.spi.StageClock clock = new io.dse4j.spi.StageClock();
        double[] a = new double[n * n];
        try (Workers workers = new Workers(threads)) {
            DiffusionKernel<double[]> kernel = new DiffusionKernel<>(VectorOps.f64For(n), workers);
            kernel.gram(points.values(), n, points.dims(), a);
            clock.lap("distances");
            kernel.normalise(a, points, sigma, shape,
                    true);
            clock.lap("kernel");
            double[] values = ChebyshevSpectrum.eigenvalues(a, n, seed, workers);
            clock.lap("chebyshev");
            return new io.dse4j.spi.KernelSpectrum(values, clock.timings());
        }
    }

    /** The deflation block width and Krylov depth of {@link #lanczosSamples}. */
    public static final int SLQ_BLOCK = 16;
    public static final int SLQ_DEPTH = 3;

    /**
     * Whether K of n points would be held in memory by {@link #lanczosSamples} unless told otherwise: when its n×n
     * array of the precision fits one Java array and takes at most 60 % of the heap's maximum.
     */
    private static boolean slqHoldsKernel(int n, io.dse4j.Precision precision) {
        long bytes = (long) n * n * (precision == io.dse4j.Precision.F32 ? 4 : 8);
        return n <= CpuBackend.MAX_N && bytes <= 0.6 * Runtime.getRuntime().maxMemory();
    }

    /**
     * The samples of the stochastic Lanczos quadrature estimate of DSE ({@link StochasticLanczosQuadrature}): K held
     * in the working precision when {@link #slqHoldsKernel} and not {@code matrixFree}, else applied tile by tile from
     * the points (in double) for every product. Interrupting the calling thread stops it.
     */
    public static io.dse4j.spi.LanczosSamples lanczosSamples(io.dse4j.spi.Points points, double sigma,
                                                             io.dse4j.spi.KernelShape shape,
                                                             io.dse4j.Precision precision, long seed, int probes,
                                                             int steps, boolean matrixFree, int threads) {
        int n = points.n();
        io.dse4j.spi.StageClock clock = new io.dse4j.spi.StageClock();
        StochasticLanczosQuadrature.Plan plan = new StochasticLanczosQuadrature.Plan(SLQ_BLOCK, SLQ_DEPTH, probes,
                steps);
        boolean held = !matrixFree && slqHoldsKernel(n, precision);
        // Progress: held, the Gram product (N²D), the kernel (~100 N² as in Work.plan) and the products of the
        // estimate (2N² per vector, at about the Gram's rate); matrix-free, every pass reports within "slq".
        double nn = (double) n * n;
        double vectors = (double) (SLQ_DEPTH + 1) * SLQ_BLOCK + (double) steps * probes;
        java.util.Map<String, Double> work = new java.util.LinkedHashMap<>();
        if (held) {
            work.put("distances", nn * points.dims());
            work.put("kernel", 100 * nn);
        }
        work.put("slq", held ? 2 * nn * vectors : 1.0);
        io.dse4j.spi.ProgressSink.current().plan(work);
        try (Workers workers = new Workers(threads)) {
            KernelOperator k;
            if (held) {
                k = precision == io.dse4j.Precision.F32
                        ? new StoredKernelOperator<>(VectorOps.f32For(n), workers, points, sigma, shape)
                        : new StoredKernelOperator<>(VectorOps.f64For(n), workers, points, sigma, shape);
                clock.lap("kernel");
            } else {
                k = new TiledKernelOperator(workers, points, sigma, shape, "slq");
                clock.lap("degrees");
            }
            return StochasticLanczosQuadrature.run(k, plan, seed, workers, clock);
        } catch (ArithmeticException e) {
            throw new io.dse4j.ComputationException("stochastic Lanczos quadrature: " + e.getMessage(), e);
        }
    }

    /** Runs independent tasks side by side on a pool of {@code threads} workers opened for the call (see Workers#run). */
    public static void runSideBySide(int threads, int tasks, java.util.function.IntConsumer task) {
        try (Workers workers = new Workers(threads)) {
            // Each task first checks for an interrupt of the caller (a part on a worker checks on its behalf): the
            // run's own checks are at its start and between the parts' blocks, which a task without checks of its
            // own (the classic entropy's counting) would never reach.
            workers.run(tasks, i -> {
                io.dse4j.spi.Cancellation.checkInterrupted();
                task.accept(i);
            });
        }
    }

    /** A CPU backend with {@code threads} worker threads and the fastest kernels this JVM allows. */
    public static EigenBackend open(int threads) {
        return new CpuBackend(threads);
    }
}
