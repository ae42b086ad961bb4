/*
 * dse4j: the element-wise CUDA kernels of the diffusion kernel (see include/dse4j_kernels.h). The arithmetic per
 * element is in include/dse4j_element_ops.h, shared with the host-side stand-in that CI tests.
 *
 * Traversal of the lower triangle: columns are spread over blockIdx.y (grid-stride), rows over the x dimension, so
 * the threads of a warp touch consecutive rows of one column — consecutive addresses in column-major storage.
 */
#include <cuda_runtime.h>

#include "dse4j_element_ops.h"
#include "dse4j_kernels.h"

namespace {

constexpr int THREADS = 256;
constexpr int MAX_GRID_Y = 65535;

inline dim3 lower_triangle_grid(int64_t n)
{
    int64_t row_blocks = (n + THREADS - 1) / THREADS;
    int64_t columns = n < MAX_GRID_Y ? n : MAX_GRID_Y;
    return dim3((unsigned) (row_blocks > 0 ? row_blocks : 1), (unsigned) (columns > 0 ? columns : 1));
}

inline int launched()
{
    return (int) cudaGetLastError();
}

template <typename T>
__global__ void gather_rows(const T *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, T *out)
{
    for (int64_t k = blockIdx.y; k < d; k += gridDim.y) {
        for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < m;
             i += (int64_t) gridDim.x * blockDim.x) {
            out[i + k * m] = x[rows[i] + k * n];
        }
    }
}

template <typename T>
__global__ void diagonal(const T *a, int64_t n, int64_t lda, double *norms)
{
    for (int64_t i = blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n; i += (int64_t) gridDim.x * blockDim.x) {
        norms[i] = (double) a[i + i * lda];
    }
}

template <typename T>
__global__ void gaussian(T *a, int64_t n, int64_t lda, const double *norms, double scale)
{
    for (int64_t j = blockIdx.y; j < n; j += gridDim.y) {
        for (int64_t i = j + blockIdx.x * (int64_t) blockDim.x + threadIdx.x; i < n;
             i += (int64_t) gridDim.x * blockDim.x) {
            T *entry = a + i + j * lda;
            *entry = i == j ? (T) 1.0 : (T) dse4j_gaussian_entry((double) *entry, norms[i], norms[j], scale);
        }
    }
}

/* degrees[i] = sum over j < i of a[i, j]: one thread per row; a warp reads consecutive rows of one column. */
template <typename T>
__global__ void row_parts(const T *a, int64_t n, int64_t lda, double *degrees)
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
__global__ void column_parts(const T *a, int64_t n, int64_t lda, double *degrees)
{
    __shared__ double partial[THREADS];
    for (int64_t j = blockIdx.x; j < n; j += gridDim.x) {
        double sum = 0.0;
        for (int64_t i = j + threadIdx.x; i < n; i += blockDim.x) {
            sum += (double) a[i + j * lda];
        }
        partial[threadIdx.x] = sum;
        __syncthreads();
        for (int stride = THREADS / 2; stride > 0; stride /= 2) {
            if (threadIdx.x < stride) {
                partial[threadIdx.x] += partial[threadIdx.x + stride];
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            degrees[j] += partial[0];
        }
        __syncthreads();
    }
}

template <typename T>
__global__ void entry_sums(const T *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                           double *partial)
{
    __shared__ double sums[THREADS];
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
    sums[threadIdx.x] = sum;
    __syncthreads();
    for (int stride = THREADS / 2; stride > 0; stride /= 2) {
        if (threadIdx.x < stride) {
            sums[threadIdx.x] += sums[threadIdx.x + stride];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        partial[blockIdx.x] = sums[0];
    }
}

template <typename T>
__global__ void normalise(T *a, int64_t n, int64_t lda, const double *degrees)
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

inline unsigned row_blocks(int64_t n)
{
    int64_t blocks = (n + THREADS - 1) / THREADS;
    return (unsigned) (blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
}

inline unsigned column_blocks(int64_t n)
{
    return (unsigned) (n < 1 ? 1 : (n > 65535 ? 65535 : n));
}

template <typename T>
int run_gather(const T *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, T *out, void *stream)
{
    dim3 grid(row_blocks(m), (unsigned) (d < 1 ? 1 : (d > 65535 ? 65535 : d)));
    gather_rows<T><<<grid, THREADS, 0, (cudaStream_t) stream>>>(x, n, d, rows, m, out);
    return launched();
}

template <typename T>
int run_diagonal(const T *a, int64_t n, int64_t lda, double *norms, void *stream)
{
    diagonal<T><<<row_blocks(n), THREADS, 0, (cudaStream_t) stream>>>(a, n, lda, norms);
    return launched();
}

template <typename T>
int run_gaussian(T *a, int64_t n, int64_t lda, const double *norms, double sigma, void *stream)
{
    gaussian<T><<<lower_triangle_grid(n), THREADS, 0, (cudaStream_t) stream>>>(a, n, lda, norms,
                                                                             -1.0 / (2.0 * sigma * sigma));
    return launched();
}

template <typename T>
int run_degrees(const T *a, int64_t n, int64_t lda, double *degrees, void *stream)
{
    row_parts<T><<<row_blocks(n), THREADS, 0, (cudaStream_t) stream>>>(a, n, lda, degrees);
    int status = launched();
    if (status != 0) {
        return status;
    }
    column_parts<T><<<column_blocks(n), THREADS, 0, (cudaStream_t) stream>>>(a, n, lda, degrees);
    return launched();
}

template <typename T>
int run_entry_sums(const T *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                   double *partial, int64_t blocks, void *stream)
{
    unsigned grid = (unsigned) (blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
    entry_sums<T><<<grid, THREADS, 0, (cudaStream_t) stream>>>(a, n, lda, row_sums, total, eps, partial);
    return launched();
}

template <typename T>
int run_normalise(T *a, int64_t n, int64_t lda, const double *degrees, void *stream)
{
    normalise<T><<<lower_triangle_grid(n), THREADS, 0, (cudaStream_t) stream>>>(a, n, lda, degrees);
    return launched();
}

} // namespace

extern "C" {

int dse4j_gather_rows_f64(const double *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, double *out,
                          void *stream)
{
    return run_gather(x, n, d, rows, m, out, stream);
}

int dse4j_gather_rows_f32(const float *x, int64_t n, int64_t d, const int64_t *rows, int64_t m, float *out,
                          void *stream)
{
    return run_gather(x, n, d, rows, m, out, stream);
}

int dse4j_diagonal_f64(const double *a, int64_t n, int64_t lda, double *norms, void *stream)
{
    return run_diagonal(a, n, lda, norms, stream);
}

int dse4j_diagonal_f32(const float *a, int64_t n, int64_t lda, double *norms, void *stream)
{
    return run_diagonal(a, n, lda, norms, stream);
}

int dse4j_gaussian_f64(double *a, int64_t n, int64_t lda, const double *norms, double sigma, void *stream)
{
    return run_gaussian(a, n, lda, norms, sigma, stream);
}

int dse4j_gaussian_f32(float *a, int64_t n, int64_t lda, const double *norms, double sigma, void *stream)
{
    return run_gaussian(a, n, lda, norms, sigma, stream);
}

int dse4j_degrees_f64(const double *a, int64_t n, int64_t lda, double *degrees, void *stream)
{
    return run_degrees(a, n, lda, degrees, stream);
}

int dse4j_degrees_f32(const float *a, int64_t n, int64_t lda, double *degrees, void *stream)
{
    return run_degrees(a, n, lda, degrees, stream);
}

int dse4j_normalise_f64(double *a, int64_t n, int64_t lda, const double *degrees, void *stream)
{
    return run_normalise(a, n, lda, degrees, stream);
}

int dse4j_normalise_f32(float *a, int64_t n, int64_t lda, const double *degrees, void *stream)
{
    return run_normalise(a, n, lda, degrees, stream);
}

int dse4j_entry_sums_f64(const double *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                         double *partial, int64_t blocks, void *stream)
{
    return run_entry_sums(a, n, lda, row_sums, total, eps, partial, blocks, stream);
}

int dse4j_entry_sums_f32(const float *a, int64_t n, int64_t lda, const double *row_sums, double total, double eps,
                         double *partial, int64_t blocks, void *stream)
{
    return run_entry_sums(a, n, lda, row_sums, total, eps, partial, blocks, stream);
}

} // extern "C"
