/*
 * dse4j: the per-element arithmetic of the diffusion kernel, used by the device source src/dse4j_device.cu (compiled
 * by nvcc or NVRTC for the device, and by g++ for the host-side CUDA stand-in, so that CI tests the very arithmetic
 * the GPU runs).
 *
 * Entries are those of K = D^-1/2 G D^-1/2 with G_ij = exp(-d2_ij / (2 sigma^2)); the Gaussian's constant
 * 1/(sigma sqrt(2 pi)) cancels in K and is left out, which keeps every degree >= 1 (G_ii = 1 exactly).
 */
#ifndef DSE4J_ELEMENT_OPS_H
#define DSE4J_ELEMENT_OPS_H

/* NVRTC has no host headers: exp, log and fabs are its builtins there. */
#ifndef __CUDACC_RTC__
#include <math.h>
#endif

#ifdef __CUDACC__
#define DSE4J_HD __host__ __device__
#else
#define DSE4J_HD
#endif

/*
 * Whether the Gram expansion d2 = (|xi|^2 + |xj|^2) - 2 xi.xj, with sum = |xi|^2 + |xj|^2, has cancelled more than
 * two bits (sum > 4 d2) for an entry the kernel can see (d2 - error sum <= visible, error bounding the expansion's
 * error relative to sum: (D + 4) u for a syrk of D terms in unit roundoff u): such an entry is recomputed by
 * differences of the original coordinates, as io.dse4j.internal.cpu.SquaredDistances does on the CPU.
 */
DSE4J_HD static inline int dse4j_expansion_cancels(double sum, double d2, double visible, double error)
{
    return sum > 4.0 * d2 && d2 - error * sum <= visible;
}

/* Gaussian of a squared distance, scale = -1 / (2 sigma^2). Off-diagonal entries only: the diagonal is exactly 1. */
DSE4J_HD static inline double dse4j_gaussian_entry(double d2, double scale)
{
    return exp(d2 * scale);
}

/*
 * The kernel with per-point bandwidths (inverse_i = 1/sigma_i) of a squared distance, as the CPU path computes it:
 * with decay 0 the adaptive Gaussian exp(-d2 / (2 sigma_i sigma_j)) (Zelnik-Manor & Perona 2004), else PHATE's
 * alpha-decay kernel 1/2 exp(-(d/sigma_i)^decay) + 1/2 exp(-(d/sigma_j)^decay) (Moon et al. 2019). Off-diagonal
 * entries only.
 */
DSE4J_HD static inline double dse4j_shaped_entry(double d2, double inverse_i, double inverse_j, double decay)
{
    if (decay == 0.0) {
        return exp(-0.5 * d2 * (inverse_i * inverse_j));
    }
    double d = sqrt(d2);
    return 0.5 * exp(-pow(d * inverse_i, decay)) + 0.5 * exp(-pow(d * inverse_j, decay));
}

/* K_ij = (d_i^-1/2 G_ij) d_j^-1/2, in the order the reference's diag(d) G diag(d) product amounts to. */
DSE4J_HD static inline double dse4j_normalised_entry(double g, double root_inverse_i, double root_inverse_j)
{
    return (root_inverse_i * g) * root_inverse_j;
}

/* One term of an entropy in nats with the reference's epsilon: (p + eps) ln(p + eps). */
DSE4J_HD static inline double dse4j_entropy_term(double p, double eps)
{
    double q = p + eps;
    return q * log(q);
}

#endif
