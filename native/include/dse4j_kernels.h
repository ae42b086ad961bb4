/*
 * dse4j: host API of the element-wise CUDA kernels of the diffusion kernel K = D^-1/2 G D^-1/2.
 *
 * Every matrix is column-major, n x n with leading dimension lda, on the device; only its lower triangle (i >= j)
 * is read or written, as cuBLAS syrk fills it. Sizes and offsets are 64-bit. Each function enqueues its work on
 * `stream` (a cudaStream_t; NULL is the legacy default stream) and returns the cudaError_t of the launch (0 when
 * it was enqueued). The f32 variants keep the matrix in float and the norms and degrees in double.
 */
#ifndef DSE4J_KERNELS_H
#define DSE4J_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * out = the rows `rows[0..m)` of the n x d column-major x, as an m x d column-major matrix: the points of one
 * subset, gathered on the device so that x is uploaded once for a whole batch of subsets.
 */
int dse4j_gather_rows_f64(const double *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, double *out,
                          void *stream);
int dse4j_gather_rows_f32(const float *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, float *out,
                          void *stream);

/* norms[i] = a[i + i*lda]: the squared norms are the Gram matrix's diagonal. */
int dse4j_diagonal_f64(const double *a, int64_t n, int64_t lda, double *norms, void *stream);
int dse4j_diagonal_f32(const float *a, int64_t n, int64_t lda, double *norms, void *stream);

/* Gram -> Gaussian on the lower triangle: a_ij = exp(-(n_i + n_j - 2 a_ij)^+ / (2 sigma^2)), a_ii = 1. */
int dse4j_gaussian_f64(double *a, int64_t n, int64_t lda, const double *norms, double sigma, void *stream);
int dse4j_gaussian_f32(float *a, int64_t n, int64_t lda, const double *norms, double sigma, void *stream);

/* degrees[i] = sum_j G_ij over the full symmetric matrix held in the lower triangle. */
int dse4j_degrees_f64(const double *a, int64_t n, int64_t lda, double *degrees, void *stream);
int dse4j_degrees_f32(const float *a, int64_t n, int64_t lda, double *degrees, void *stream);

/* a_ij = (d_i^-1/2 a_ij) d_j^-1/2 on the lower triangle. */
int dse4j_normalise_f64(double *a, int64_t n, int64_t lda, const double *degrees, void *stream);
int dse4j_normalise_f32(float *a, int64_t n, int64_t lda, const double *degrees, void *stream);

/*
 * Sums over the entries of the row-normalised P = D^-1 K of the full symmetric K held in the lower triangle of a
 * (row_sums = the rows sums of K): with total <= 0, the sum of p_ij = |K_ij| / row_sums[i]; with total > 0, the sum of
 * (p_ij / total + eps) ln(p_ij / total + eps). Block b writes its partial sum to partial[b] for b < blocks; the caller
 * adds the `blocks` partial sums.
 */
int dse4j_entry_sums_f64(const double *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                         double *partial, int64_t blocks, void *stream);
int dse4j_entry_sums_f32(const float *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                         double *partial, int64_t blocks, void *stream);

#ifdef __cplusplus
}
#endif

#endif
