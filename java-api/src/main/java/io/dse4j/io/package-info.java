/**
 * dse4j's API for files: {@link io.dse4j.io.MatrixFiles} opens {@code .npy}, {@code .npz}, {@code .safetensors} and
 * text matrices as {@link io.dse4j.io.MatrixFile}s (header first, rows on demand); {@link io.dse4j.io.NpyWriter}
 * writes arrays numpy reads, each file moved into place only once complete.
 */
package io.dse4j.io;
