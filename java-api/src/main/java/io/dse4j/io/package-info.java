/**
 * dse4j's API for files: {@link io.dse4j.io.MatrixFiles} opens {@code .npy}, {@code .npz}, {@code .safetensors} and
 * text matrices as {@link io.dse4j.io.MatrixFile}s (header first, rows on demand); {@link io.dse4j.io.NpyWriter}
 * writes arrays numpy reads. {@link io.dse4j.io.AtomicWrite} and {@link io.dse4j.io.EigenvalueCache} serve the
 * command line (files moved into place only once complete; the eigenvalue cache and its record) and may leave this
 * package's API.
 */
package io.dse4j.io;
