/**
 * Not API: the pure-Java backend — the packed Gram pass and the kernel ({@code DiffusionKernel},
 * {@code SquaredDistances}, {@code AlphaNormalisation}), the symmetric eigensolvers (one- and two-stage reductions,
 * {@code Householder}, the tridiagonal QL), the SLQ and Chebyshev estimators — opened through
 * {@link io.dse4j.internal.cpu.CpuBackends}, its one public entry point.
 */
package io.dse4j.internal.cpu;
