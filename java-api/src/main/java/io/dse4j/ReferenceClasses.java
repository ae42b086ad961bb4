package io.dse4j;

import java.util.Arrays;

/**
 * The classes a DSMI reference Y defines, computed as the reference implementation does: discrete labels as given,
 * a continuous scalar binned into equal-width bins, vectors by {@link SpectralClustering}. Exposed on its own so that a fixed reference is classified once
 * and the labels reused across checkpoints ({@link MutualInformation#compute(Matrix, int[])}).
 *
 * @param labels one class label per row of Y
 * @param kind   the kind that was applied (never {@link ReferenceKind#AUTO})
 */
public record ReferenceClasses(int[] labels, ReferenceKind kind) {

    /**
     * Classifies Y (N×1 or N×D′).
     *
     * @param clusters the number of bins for a scalar reference (2 ≤ clusters ≤ N)
     * @throws InvalidInputException for non-integer labels forced discrete or a bad cluster count
     */
    public static ReferenceClasses of(Matrix y, ReferenceKind kind, int clusters) {
        if (y == null || y.rows() < 1 || y.cols() < 1) {
            throw new InvalidInputException("reference", "must be a non-empty N×1 or N×D′ matrix");
        }
        ReferenceKind applied = kind == ReferenceKind.AUTO ? infer(y) : kind;
        return switch (applied) {
            case DISCRETE -> new ReferenceClasses(discrete(y), applied);
            case SCALAR -> new ReferenceClasses(scalarBins(y, clusters), applied);
            case VECTOR -> new ReferenceClasses(SpectralClustering.labels(y, clusters,
                    SpectralClustering.DEFAULT_NEIGHBOURS, Runtime.getRuntime().availableProcessors()), applied);
            case AUTO -> throw new IllegalStateException();
        };
    }

    /** N×1 with integer values → discrete; N×1 otherwise → scalar; wider → vector (the reference's rule). */
    static ReferenceKind infer(Matrix y) {
        if (y.cols() > 1) {
            return ReferenceKind.VECTOR;
        }
        for (int i = 0; i < y.rows(); i++) {
            double v = y.at(i, 0);
            if (v != Math.rint(v) || !Double.isFinite(v)) {
                return ReferenceKind.SCALAR;
            }
        }
        return ReferenceKind.DISCRETE;
    }

    private static int[] discrete(Matrix y) {
        if (y.cols() != 1) {
            throw new InvalidInputException("reference", "discrete labels must be N×1, got " + y.rows() + "×" + y
                    .cols());
        }
        int[] labels = new int[y.rows()];
        for (int i = 0; i < labels.length; i++) {
            double v = y.at(i, 0);
            if (v != Math.rint(v)) {
                throw new InvalidInputException("reference", "discrete labels must be integers; row " + i
                        + " (0-based) is " + v);
            }
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                // Cast, it would become Integer.MAX_VALUE and merge with every other label that large.
                throw new InvalidInputException("reference", "discrete labels must lie in the int range ["
                        + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "]; row " + i + " (0-based) is "
                        + String.format(java.util.Locale.ROOT, "%.0f", v));
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    private static int[] scalarBins(Matrix y, int clusters) {
        if (y.cols() != 1) {
            throw new InvalidInputException("reference", "a scalar reference must be N×1, got " + y.rows() + "×"
                    + y.cols());
        }
        if (clusters < 2 || clusters > y.rows()) {
            throw new InvalidInputException("clusters", "must be between 2 and N = " + y.rows() + ", got " + clusters);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < y.rows(); i++) {
            double v = y.at(i, 0);
            if (!Double.isFinite(v)) {
                throw new InvalidInputException("reference", "value at row " + i + " is " + v + "; must be finite");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int[] labels = new int[y.rows()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = ClassicShannonEntropy.bin(y.at(i, 0), min, max, clusters);
        }
        return labels;
    }

    /** The distinct labels, ascending (numpy's unique order). */
    public int[] distinct() {
        return Arrays.stream(labels).distinct().sorted().toArray();
    }
}
