package io.dse4j.internal.cpu;

/**
 * The symmetric diffusion kernel K = D^-½·G·D^-½ of n points (after any α-normalisation, see {@link DiffusionKernel})
 * as an operator on blocks of vectors, with the two traces that its Lanczos runs use as control variates.
 * Blocks are column-major n×cols arrays of doubles.
 */
interface KernelOperator {

    /** The number of points, K's order. */
    int n();

    /** y = K·x for the n×cols block x; y is overwritten. */
    void multiply(double[] x, int cols, double[] y);

    /** tr K = Σᵢ Kᵢᵢ, exactly (to rounding). */
    double trace();

    /** tr K² = Σᵢⱼ Kᵢⱼ², exactly (to rounding). */
    double traceOfSquare();

    /**
     * The unit eigenvector of K for its largest eigenvalue, 1: D'^½·1 normalised, D' the degrees of the matrix
     * that was normalised (K·D'^½·1 = D'^-½·G'·1 = D'^½·1).
     */
    double[] stationary();

    /** How many products {@link #multiply} has computed (the tiled form's passes for the degrees not counted). */
    int passes();

    /** Whether the products are computed from the points tile by tile (no n×n matrix is held). */
    boolean matrixFree();

    /**
     * The share of the "slq" stage that the next product spans, from {@code from}: for an operator whose product is
     * long enough to report its own progress (the tiled one, tile row by tile row). Nothing by default.
     */
    default void reportAs(double from, double span) {
    }
}
