package io.dse4j.internal.cpu;

import io.dse4j.spi.Cancellation;

import java.util.SplittableRandom;

/**
 * The k algebraically largest eigenpairs of a symmetric operator given only by its products M·x: block Lanczos with
 * full reorthogonalisation and thick restarts (the block form of Wu &amp; Simon's thick-restart Lanczos, SIAM J.
 * Matrix Anal. Appl. 22(2), 2000; Stewart's Krylov–Schur restart, 2001, is the same for a symmetric M).
 *
 * <p>The basis V (orthonormal columns) grows a block of b columns at a time: the next block is M applied to the
 * last one, orthogonalised against every column so far (classical Gram–Schmidt twice, "twice is enough":
 * Giraud, Langou &amp; Rozložník 2005). When V is full, the Rayleigh–Ritz step takes the eigenpairs (θ, y) of
 * H = Vᵀ·M·V; a Ritz pair has converged when its residual ‖M·V·y − θ·V·y‖ is at most {@code tolerance}. Otherwise V
 * restarts from its best {@code keep} Ritz vectors, followed by the block that would have come next — it is
 * orthogonal to all of V, so the relation M·V = V·H + (next block)·Bᵀ still holds and the space stays a Krylov
 * space; no converged direction is lost and none is recomputed.
 *
 * <p>A block of b ≥ the multiplicity of a wanted eigenvalue finds all of its eigenvectors (a single Krylov vector
 * holds only its own component in a repeated eigenspace — the k-NN graph of well-separated clusters has one
 * eigenvalue 1 per connected component): the caller picks b, or {@link #largest} widens it while some eigenvalue
 * comes out repeated as often as the block is wide. A column that falls into the span of the basis
 * (an invariant subspace was reached) is replaced by a random one, orthogonalised in turn. Everything runs on the
 * calling thread in a fixed order, so the result depends only on M, the sizes and the seed.
 */
final class LeadingEigenvectors {

    /** y = M·x for the column of length n at {@code x[xAt…]}, into {@code y[yAt…]}. */
    interface Operator {
        void apply(double[] x, int xAt, double[] y, int yAt);
    }

    /**
     * The result: {@code values} descending, {@code vectors} column-major n×k (column j for value j), the largest
     * residual norm among them, and the products of M spent.
     */
    record Result(double[] values, double[] vectors, double residual, int products, boolean converged,
                  double nextValue) {

        /**
         * The most values among the k found and the next Ritz value ({@code nextValue}, the (k+1)-th) that agree to
         * within {@code spread}: how often the iteration found the most repeated eigenvalue.
         */
        int largestRepetition(double spread) {
            double[] all = java.util.Arrays.copyOf(values, values.length + 1);
            all[values.length] = nextValue;
            int most = 1;
            int run = 1;
            for (int i = 1; i < all.length; i++) {
                run = all[i - 1] - all[i] <= spread ? run + 1 : 1;
                most = Math.max(most, run);
            }
            return most;
        }
    }

    /** Below this fraction of its norm before orthogonalisation, a new column is taken to lie in the basis. */
    private static final double DEPENDENT = 1e-8;

    private final Operator operator;
    private final VectorOps<double[]> ops;
    private final int n;
    private final int capacity;
    private final double[] basis;
    private final double[] products;
    private final SplittableRandom random;
    private int columns;
    private int productCount;

    private LeadingEigenvectors(Operator operator, int n, int capacity, long seed) {
        this.operator = operator;
        this.ops = VectorOps.f64For(n);
        this.n = n;
        this.capacity = capacity;
        this.basis = new double[Math.multiplyExact(n, capacity)];
        this.products = new double[Math.multiplyExact(n, capacity)];
        this.random = new SplittableRandom(seed);
    }

    /**
     * The k largest eigenpairs of M (n×n, symmetric).
     *
     * @param known       eigenvectors of M known beforehand (the exact ones of a repeated eigenvalue), column-major
     *                    n×{@code knownCount}, orthonormal: the basis starts with them, so they are never searched
     *                    for, and the random start block is orthogonal to them
     * @param block       b, the columns added per step (≥ the largest multiplicity to be resolved)
     * @param capacity    the basis' largest size; ≥ keep + b, ≤ n
     * @param keep        the Ritz vectors kept at a restart, k ≤ keep
     * @param tolerance   the largest residual norm accepted for each of the k pairs
     * @param maxProducts the products of M after which it stops, converged or not (see {@link Result#converged})
     */
    static Result of(Operator operator, int n, int k, double[] known, int knownCount, int block, int capacity, int keep,
                     double tolerance, long seed, int maxProducts) {
        if (k < 1 || block < 1 || keep < k || keep < knownCount || capacity < keep + block || capacity > n) {
            throw new IllegalArgumentException("block Lanczos: need 1 ≤ k ≤ keep, keep + block ≤ capacity ≤ n; got k = "
                    + k + ", block = " + block + ", keep = " + keep + ", capacity = " + capacity + ", n = " + n);
        }
        return new LeadingEigenvectors(operator, n, capacity, seed).run(k, known, knownCount, block, keep, tolerance,
                maxProducts);
    }

    /** Ritz vectors kept at a restart beyond the k wanted (at least), and columns added between restarts. */
    static final int KEEP_EXTRA = 4;
    static final int GROWTH = 30;
    /** Eigenvalues that agree to within this (relative to ‖M‖) count as one repeated eigenvalue. */
    static final double REPEATED = 1e-8;

    /** The basis' largest size for k pairs with a block of b columns: at least 4k. */
    static int capacityFor(int k, int block) {
        return Math.max(4 * k, k + Math.max(KEEP_EXTRA, block) + Math.max(GROWTH, 4 * block));
    }

    /**
     * The k largest eigenpairs of M (‖M‖ ≤ 1), the block widened until it is wider than any eigenvalue is found
     * repeated: a block of b columns finds at most b copies of a repeated eigenvalue (its Krylov space holds only
     * the start block's b components in that eigenspace, and the residuals cannot tell a missing copy), so when the
     * k values and the next Ritz value hold some value b times (to {@link #REPEATED}), the run is repeated with a
     * block one wider than that — the 4-fold eigenvalue of a k-NN graph on a grid of a torus needs 5. Starts at
     * {@code block}; sizes from {@link #capacityFor}, which must not exceed n.
     */
    static Result largest(Operator operator, int n, int k, double[] known, int knownCount, int block,
                          double tolerance, long seed, int maxProducts) {
        int b = block;
        int spent = 0;
        while (true) {
            Result r = of(operator, n, k, known, knownCount, b, Math.min(n, capacityFor(k, b)),
                    k + Math.max(KEEP_EXTRA, b), tolerance, seed, maxProducts);
            spent += r.products();
            int repeated = r.largestRepetition(REPEATED);
            if (!r.converged() || repeated < b || b > k || capacityFor(k, repeated + 1) > n) {
                return new Result(r.values(), r.vectors(), r.residual(), spent, r.converged(), r.nextValue());
            }
            b = repeated + 1;
        }
    }

    private Result run(int k, double[] known, int knownCount, int block, int keep, double tolerance,
                       int maxProducts) {
        if (knownCount > 0) {
            appendBlock(known.clone(), knownCount);
        }
        double[] next = new double[n * block];
        for (int c = 0; c < block; c++) {
            randomColumn(next, c * n);
        }
        appendBlock(next, block);
        while (true) {
            Cancellation.checkInterrupted();
            while (columns + block <= capacity) {
                System.arraycopy(products, (columns - block) * n, next, 0, block * n);
                appendBlock(next, block);
            }
            // Rayleigh–Ritz on the whole basis: H = Vᵀ·(M·V), symmetrised.
            int m = columns;
            double[] h = new double[m * m];
            for (int j = 0; j < m; j++) {
                for (int i = j; i < m; i++) {
                    h[i + j * m] = 0.5 * (dot(basis, i * n, products, j * n) + dot(basis, j * n, products, i * n));
                }
            }
            SymmetricEigenvectors.Decomposition ritz;
            try (Workers one = new Workers(1)) {
                ritz = new SymmetricEigenvectors<>(VectorOps.f64For(m), one).decompose(h, m);
            }
            // The Ritz pairs, largest first: u = V·y and M·u = (M·V)·y.
            int wanted = Math.min(keep, m);
            double[] y = new double[m * wanted];
            double[] theta = new double[wanted];
            for (int c = 0; c < wanted; c++) {
                theta[c] = ritz.values()[m - 1 - c];
                System.arraycopy(ritz.vectors(), (m - 1 - c) * m, y, c * m, m);
            }
            double[] u = combine(basis, y, m, wanted);
            double[] mu = combine(products, y, m, wanted);
            double worst = 0;
            for (int c = 0; c < k; c++) {
                double r2 = 0;
                for (int i = 0; i < n; i++) {
                    double r = mu[c * n + i] - theta[c] * u[c * n + i];
                    r2 += r * r;
                }
                worst = Math.max(worst, Math.sqrt(r2));
            }
            boolean converged = worst <= tolerance;
            if (converged || productCount >= maxProducts) {
                double[] values = java.util.Arrays.copyOf(theta, k);
                double[] vectors = java.util.Arrays.copyOf(u, n * k);
                return new Result(values, vectors, worst, productCount, converged, k < wanted ? theta[k]
                        : Double.NEGATIVE_INFINITY);
            }
            // Thick restart: the block that comes next (orthogonal to all of V) after the kept Ritz vectors.
            System.arraycopy(products, (columns - block) * n, next, 0, block * n);
            for (int c = 0; c < block; c++) {
                orthogonalise(next, c * n, columns);
                orthogonalise(next, c * n, columns);
            }
            System.arraycopy(u, 0, basis, 0, keep * n);
            System.arraycopy(mu, 0, products, 0, keep * n);
            columns = keep;
            appendBlock(next, block);
        }
    }

    /** Orthonormalises the {@code count} columns of {@code w} against the basis and each other and appends them. */
    private void appendBlock(double[] w, int count) {
        for (int c = 0; c < count; c++) {
            int at = c * n;
            double before = Math.sqrt(dot(w, at, w, at));
            orthogonalise(w, at, columns);
            orthogonalise(w, at, columns);
            double after = Math.sqrt(dot(w, at, w, at));
            while (!(after > DEPENDENT * before)) {
                // In the span already (or zero): a random direction instead, which also finds eigenvectors that
                // the start block had no component along.
                randomColumn(w, at);
                before = Math.sqrt(dot(w, at, w, at));
                orthogonalise(w, at, columns);
                orthogonalise(w, at, columns);
                after = Math.sqrt(dot(w, at, w, at));
            }
            double scale = 1 / after;
            int to = columns * n;
            for (int i = 0; i < n; i++) {
                basis[to + i] = w[at + i] * scale;
            }
            operator.apply(basis, to, products, to);
            productCount++;
            columns++;
        }
    }

    /** w ← w − V·(Vᵀ·w) over the first {@code upTo} basis columns (one classical Gram–Schmidt pass). */
    private void orthogonalise(double[] w, int at, int upTo) {
        double[] coefficients = new double[upTo];
        for (int j = 0; j < upTo; j++) {
            coefficients[j] = dot(basis, j * n, w, at);
        }
        for (int j = 0; j < upTo; j++) {
            ops.axpy(-coefficients[j], basis, j * n, w, at, n);
        }
    }

    /** The columns A·y_c (A n×m column-major, y m×count). */
    private double[] combine(double[] a, double[] y, int m, int count) {
        double[] out = new double[n * count];
        for (int c = 0; c < count; c++) {
            for (int j = 0; j < m; j++) {
                ops.axpy(y[c * m + j], a, j * n, out, c * n, n);
            }
        }
        return out;
    }

    private void randomColumn(double[] w, int at) {
        for (int i = 0; i < n; i++) {
            w[at + i] = random.nextDouble(-1, 1);
        }
    }

    private double dot(double[] x, int xAt, double[] y, int yAt) {
        return ops.dot(x, xAt, y, yAt, n);
    }
}
