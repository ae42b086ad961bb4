/**
 * Not API: the interface between the measures and their backends ({@link io.dse4j.spi.EigenBackend}, the
 * {@link io.dse4j.spi.Points} they work on, {@link io.dse4j.spi.BackendResolver}'s selection, progress and
 * cancellation) and host code both backends use ({@link io.dse4j.spi.KnnAdjacency}). It names no implementation
 * (checked by a test); the module does not export it, and on the class path it may change in any release.
 */
package io.dse4j.spi;
