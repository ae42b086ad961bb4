package io.dse4j.spi;

import io.dse4j.StageTimings;

/**
 * What a backend hands back: the eigenvalues of the diffusion kernel, in ascending order, and the seconds its
 * stages took.
 */
public record KernelSpectrum(double[] ascending, StageTimings stages) {
}
