/**
 * dse4j's API: the measures — {@link io.dse4j.DiffusionSpectralEntropy} (DSE, built by its
 * {@link io.dse4j.DiffusionSpectralEntropy.Builder}), {@link io.dse4j.MutualInformation} (DSMI, CSMI),
 * {@link io.dse4j.AdjacencySpectralEntropy}, {@link io.dse4j.MatrixEntryEntropy}, {@link io.dse4j.ClassicShannonEntropy},
 * {@link io.dse4j.LinearSpectrumMeasures} (RankMe, von Neumann entropy),
 * {@link io.dse4j.Tracker} — their inputs ({@link io.dse4j.Matrix}), results ({@link io.dse4j.DseResult},
 * {@link io.dse4j.Spectrum}, {@link io.dse4j.EntropyEstimate}) and errors ({@link io.dse4j.InvalidInputException},
 * {@link io.dse4j.BackendUnavailableException}, {@link io.dse4j.ComputationException}).
 *
 * <p>This package and {@code io.dse4j.io} are the library's API; {@code io.dse4j.spi} and {@code io.dse4j.internal.*}
 * are not, whatever their classes' visibility on the class path (the module exports only these two).
 */
package io.dse4j;
