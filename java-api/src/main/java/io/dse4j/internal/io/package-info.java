/**
 * Not API: writing files whole or not at all ({@link io.dse4j.internal.io.AtomicWrite}) and the bytes of a
 * {@code .npy} array ({@link io.dse4j.internal.io.NpyEncoding}) — one implementation of each, which the public
 * {@link io.dse4j.io.NpyWriter} and the command line of the same build share. The module does not export it; on the
 * class path it may change in any release.
 */
package io.dse4j.internal.io;
