/*
 * dse4j: the element-wise kernels of the diffusion kernel K = D^-1/2 G D^-1/2, as device code only.
 *
 * This one source is compiled three ways: by nvcc into a fatbin for every supported architecture, by NVRTC at run
 * time on CUDA 12 drivers (no host headers: nothing here includes one under __CUDACC_RTC__), and by g++ for the
 * host through native/standin/device_emulation.h, so that the CUDA stand-in that CI tests runs these very kernels —
 * their indexing, grid-stride loops and shared-memory reductions — not a re-implementation.
 *
 * Entry points are extern "C" __global__ functions with stable names (dse4j_k_<kernel>_<f64|f32>), one per element
 * type, over templated device bodies. Every matrix is column-major n x n with leading dimension lda; only its lower
 * triangle (i >= j) is read or written, as cuBLAS syrk fills it. Blocks have DSE4J_BLOCK_THREADS threads (the shared
 * reductions assume it). They are loaded and launched through the CUDA driver API by the Java side
 * (io.dse4j.internal.gpu.DeviceKernels, which holds the launch geometry).
 *
 * Traversal of the lower triangle: columns are spread over blockIdx.y (grid-stride), rows over the x dimension, so
 * the threads of a warp touch consecutive rows of one column — consecutive addresses in column-major storage.
 */
#ifndef DSE4J_DEVICE_CU
#define DSE4J_DEVICE_CU

#ifdef __CUDACC_RTC__
typedef long long int64_t;
#else
#include <stdint.h>
#endif

#include "dse4j_element_ops.h"

#define DSE4J_BLOCK_THREADS 256

namespace dse4j_device {

/*
 * The sum of every thread's `value` over the block, by a tree reduction in `shared` (DSE4J_BLOCK_THREADS doubles of
 * shared memory): every thread of the block must call it, and every thread gets the sum.
 */
__device__ inline double block_sum(double *shared, double value)
{
    shared[threadIdx.x] = value;
    __syncthreads();
    for (unsigned stride = DSE4J_BLOCK_THREADS / 2; stride > 0; stride /= 2) {
        if (threadIdx.x < stride) {
            shared[threadIdx.x] += shared[threadIdx.x + stride];
        }
        __syncthreads();
    }
    return shared[0];
}

template <typename T>
__device__ void gather_rows(const T *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, T *out)
{
    for (int64_t k = blockIdx.y; k < d; k += gridDim.y) {
        for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < m;
             i += (int64_t) gridDim.x * blockDim.x) {
            out[i + k * m] = x[rows[i] + k * n];
        }
    }
}

template <typename T>
__device__ void diagonal(const T *a, int64_t n, int64_t lda, double *norms)
{
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n; i += (int64_t) gridDim.x * blockDim.x) {
        norms[i] = (double) a[i + i * lda];
    }
}

/*
 * The squared distance of points i != j from their Gram entry and squared norms, recomputed as the sum of squared
 * differences of their original coordinates (original[i + k * ldo], column-major, in double) where the expansion has
 * cancelled (dse4j_expansion_cancels). The threads of a warp hold consecutive rows i of one column j, so the
 * recomputation's reads of original[i + k * ldo] are coalesced and original[j + k * ldo] is one broadcast.
 */
__device__ inline double squared_distance(double gram, const double *norms, const double *original, int64_t ldo,
                                          int64_t dims, int64_t i, int64_t j, double visible, double error)
{
    double sum = norms[i] + norms[j];
    double d2 = sum - 2.0 * gram;
    if (dse4j_expansion_cancels(sum, d2, visible, error)) {
        double s = 0.0;
        for (int64_t k = 0; k < dims; k++) {
            double d = original[i + k * ldo] - original[j + k * ldo];
            s += d * d;
        }
        return s;
    }
    return d2 < 0.0 ? 0.0 : d2;
}

/* (D + 4) u: a bound on the Gram expansion's error relative to |xi|^2 + |xj|^2 for a syrk in T's unit roundoff u. */
template <typename T>
__device__ inline double expansion_error(int64_t dims)
{
    return (double) (dims + 4) * (sizeof(T) == sizeof(float) ? 5.9604644775390625e-08 : 1.1102230246251565e-16);
}

template <typename T>
__device__ void gaussian(T *a, int64_t n, int64_t lda, const double *norms, const double *original, int64_t ldo,
                         int64_t dims, double scale, double visible)
{
    const double error = expansion_error<T>(dims);
    for (int64_t j = blockIdx.y; j < n; j += gridDim.y) {
        for (int64_t i = j + blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n;
             i += (int64_t) gridDim.x * blockDim.x) {
            T *entry = a + i + j * lda;
            double d2 = i == j ? 0.0
                               : squared_distance((double) *entry, norms, original, ldo, dims, i, j, visible, error);
            *entry = i == j ? (T) 1.0 : (T) dse4j_gaussian_entry(d2, scale);
        }
    }
}

/* The kernel with per-point bandwidths (inverse[i] = 1/sigma_i) and, with decay > 0, PHATE's alpha-decay form. */
template <typename T>
__device__ void shaped(T *a, int64_t n, int64_t lda, const double *norms, const double *original, int64_t ldo,
                       int64_t dims, double visible, const double *inverse, double decay)
{
    const double error = expansion_error<T>(dims);
    for (int64_t j = blockIdx.y; j < n; j += gridDim.y) {
        for (int64_t i = j + blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n;
             i += (int64_t) gridDim.x * blockDim.x) {
            T *entry = a + i + j * lda;
            double d2 = i == j ? 0.0
                               : squared_distance((double) *entry, norms, original, ldo, dims, i, j, visible, error);
            *entry = i == j ? (T) 1.0 : (T) dse4j_shaped_entry(d2, inverse[i], inverse[j], decay);
        }
    }
}

/* a[i, j] = (factors[i] a[i, j]) factors[j] on the lower triangle: the alpha-normalisation D^-alpha G D^-alpha. */
template <typename T>
__device__ void scale(T *a, int64_t n, int64_t lda, const double *factors)
{
    for (int64_t j = blockIdx.y; j < n; j += gridDim.y) {
        double fj = factors[j];
        for (int64_t i = j + blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n;
             i += (int64_t) gridDim.x * blockDim.x) {
            T *entry = a + i + j * lda;
            *entry = (T) dse4j_normalised_entry((double) *entry, factors[i], fj);
        }
    }
}

/* degrees[i] = sum over j < i of a[i, j]: one thread per row; a warp reads consecutive rows of one column. */
template <typename T>
__device__ void row_parts(const T *a, int64_t n, int64_t lda, double *degrees)
{
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n; i += (int64_t) gridDim.x * blockDim.x) {
        double sum = 0.0;
        for (int64_t j = 0; j < i; j++) {
            sum += (double) a[i + j * lda];
        }
        degrees[i] = sum;
    }
}

/* degrees[j] += sum over i >= j of a[i, j]: one block per column, a shared-memory tree reduction. */
template <typename T>
__device__ void column_parts(const T *a, int64_t n, int64_t lda, double *degrees)
{
    __shared__ double partial[DSE4J_BLOCK_THREADS];
    for (int64_t j = blockIdx.x; j < n; j += gridDim.x) {
        double sum = 0.0;
        for (int64_t i = j + threadIdx.x; i < n; i += blockDim.x) {
            sum += (double) a[i + j * lda];
        }
        double column = block_sum(partial, sum);
        if (threadIdx.x == 0) {
            degrees[j] += column;
        }
        __syncthreads();   // every thread has read the sum before the next column overwrites `partial`
    }
}

template <typename T>
__device__ void entry_sums(const T *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                           double *partial)
{
    __shared__ double sums[DSE4J_BLOCK_THREADS];
    double sum = 0.0;
    for (int64_t j = blockIdx.x; j < n; j += gridDim.x) {
        for (int64_t i = j + threadIdx.x; i < n; i += blockDim.x) {
            double k = fabs((double) a[i + j * lda]);
            double p = k / row_sums[i];
            sum += total > 0 ? dse4j_entropy_term(p / total, eps) : p;
            if (i != j) {
                double q = k / row_sums[j];
                sum += total > 0 ? dse4j_entropy_term(q / total, eps) : q;
            }
        }
    }
    double block = block_sum(sums, sum);
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = block;
    }
}

template <typename T>
__device__ void normalise(T *a, int64_t n, int64_t lda, const double *degrees)
{
    for (int64_t j = blockIdx.y; j < n; j += gridDim.y) {
        double rj = rsqrt(degrees[j]);
        for (int64_t i = j + blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n;
             i += (int64_t) gridDim.x * blockDim.x) {
            T *entry = a + i + j * lda;
            *entry = (T) dse4j_normalised_entry((double) *entry, rsqrt(degrees[i]), rj);
        }
    }
}

} // namespace dse4j_device

/* The entry points: one per kernel and element type, names stable for cuModuleGetFunction. */
#define DSE4J_ENTRY_POINTS(SUFFIX, T)                                                                              \
    extern "C" __global__ void dse4j_k_gather_rows_##SUFFIX(const T *x, int64_t n, int64_t d, const int64_t *rows,  \
                                                            int64_t m, T *out)                                      \
    {                                                                                                               \
        dse4j_device::gather_rows<T>(x, n, d, rows, m, out);                                                        \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_diagonal_##SUFFIX(const T *a, int64_t n, int64_t lda, double *norms)        \
    {                                                                                                               \
        dse4j_device::diagonal<T>(a, n, lda, norms);                                                                \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_gaussian_##SUFFIX(T *a, int64_t n, int64_t lda, const double *norms,        \
                                                         const double *original, int64_t ldo, int64_t dims,         \
                                                         double scale, double visible)                              \
    {                                                                                                               \
        dse4j_device::gaussian<T>(a, n, lda, norms, original, ldo, dims, scale, visible);                           \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_shaped_##SUFFIX(T *a, int64_t n, int64_t lda, const double *norms,          \
                                                       const double *original, int64_t ldo, int64_t dims,           \
                                                       double visible, const double *inverse, double decay)         \
    {                                                                                                               \
        dse4j_device::shaped<T>(a, n, lda, norms, original, ldo, dims, visible, inverse, decay);                    \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_scale_##SUFFIX(T *a, int64_t n, int64_t lda, const double *factors)         \
    {                                                                                                               \
        dse4j_device::scale<T>(a, n, lda, factors);                                                                 \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_row_parts_##SUFFIX(const T *a, int64_t n, int64_t lda, double *degrees)     \
    {                                                                                                               \
        dse4j_device::row_parts<T>(a, n, lda, degrees);                                                             \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_column_parts_##SUFFIX(const T *a, int64_t n, int64_t lda, double *degrees)  \
    {                                                                                                               \
        dse4j_device::column_parts<T>(a, n, lda, degrees);                                                          \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_entry_sums_##SUFFIX(const T *a, int64_t n, int64_t lda,                     \
                                                           const double *row_sums, double total, double eps,        \
                                                           double *partial)                                         \
    {                                                                                                               \
        dse4j_device::entry_sums<T>(a, n, lda, row_sums, total, eps, partial);                                      \
    }                                                                                                               \
    extern "C" __global__ void dse4j_k_normalise_##SUFFIX(T *a, int64_t n, int64_t lda, const double *degrees)     \
    {                                                                                                               \
        dse4j_device::normalise<T>(a, n, lda, degrees);                                                             \
    }

DSE4J_ENTRY_POINTS(f64, double)
DSE4J_ENTRY_POINTS(f32, float)

#endif
