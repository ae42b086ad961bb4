package io.dse4j.spi;

import io.dse4j.StageTimings;

/**
 * What a backend hands back: the eigenvalues of the diffusion kernel in ascending order, the matching unit
 * eigenvectors when they were asked for (column-major n×n, column j for eigenvalue j; otherwise null), and the
 * seconds its stages took.
 */
public record KernelSpectrum(double[] ascending, double[] eigenvectors, StageTimings stages) {

    /** Eigenvalues only. */
    public KernelSpectrum(double[] ascending, StageTimings stages) {
        this(ascending, null, stages);
    }
}
