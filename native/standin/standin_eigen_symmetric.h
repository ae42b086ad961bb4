/*
 * dse4j CUDA stand-in: the symmetric eigensolver behind cusolverDnXsyevd/XsyevBatched, written once over its element
 * type and included by standin_eigen.c once per type, as cuSOLVER has one routine per precision: a float problem is
 * solved in float throughout (every product, sum, square root and rotation rounded to float), so the f32 tests see
 * the error a single-precision solver makes, not that of a double solver rounded at the end. The includer defines
 *   REAL             the element type (double, float);
 *   EPSILON          its machine epsilon (DBL_EPSILON, FLT_EPSILON: 2^-52, 2^-23), the tql2 deflation test's unit;
 *   SYMMETRIC_EIGEN  the name of the solver for that type;
 *   SYEVD            the name of the driver for that type;
 * and <tgmath.h> makes fabs, fmax, sqrt, hypot and copysign those of REAL. Constants are written as integers or cast
 * to REAL, so that no expression is promoted to double.
 */

/*
 * Symmetric eigen-decomposition of the full n x n column-major s: Householder tridiagonalisation (Golub & Van Loan,
 * 4th ed., section 8.3.1, unblocked) with the reflectors accumulated into q when it is not NULL, then the implicit
 * QL iteration with Wilkinson's shift (EISPACK tql2; Golub & Van Loan section 8.3.5) rotating q's columns along.
 * Eigenvalues end in d (unsorted); e and p are scratch of n. Returns 0, or 1 if the iteration did not converge.
 */
static int SYMMETRIC_EIGEN(REAL *s, REAL *q, REAL *d, REAL *e, REAL *p, int64_t n)
{
    for (int64_t k = 0; k + 2 < n; k++) {
        int64_t m = n - k - 1;          /* length of the part of column k below the diagonal */
        REAL *x = s + (k + 1) + k * n;
        /* The reflector is built from x / max|x|: H = I - 2vv'/v'v does not change when v is scaled, and the
         * scaled sums of squares can neither overflow nor underflow (the trailing columns of a reduced low-rank
         * matrix are rounding errors of rounding errors, small enough for x[i]*x[i] to lose its digits). */
        REAL largest = 0;
        for (int64_t i = 0; i < m; i++) {
            largest = fmax(largest, fabs(x[i]));
        }
        if (largest == 0) {
            continue;
        }
        REAL *v = e;                    /* scratch: v = x / largest - alpha e1 */
        REAL norm = 0;
        for (int64_t i = 0; i < m; i++) {
            v[i] = x[i] / largest;
            norm += v[i] * v[i];
        }
        norm = sqrt(norm);
        REAL alpha = v[0] > 0 ? -norm : norm;
        v[0] -= alpha;
        alpha *= largest;
        REAL vv = 0;
        for (int64_t i = 0; i < m; i++) {
            vv += v[i] * v[i];
        }
        if (vv == 0) {
            continue;
        }
        /* p = A22 v * (2 / vv); w = p - (v'p / vv) v; A22 -= v w' + w v'. */
        for (int64_t i = 0; i < m; i++) {
            REAL sum = 0;
            for (int64_t j = 0; j < m; j++) {
                sum += s[(k + 1 + i) + (k + 1 + j) * n] * v[j];
            }
            p[i] = 2 * sum / vv;
        }
        REAL vp = 0;
        for (int64_t i = 0; i < m; i++) {
            vp += v[i] * p[i];
        }
        for (int64_t i = 0; i < m; i++) {
            p[i] -= (vp / vv) * v[i];
        }
        for (int64_t j = 0; j < m; j++) {
            for (int64_t i = 0; i < m; i++) {
                s[(k + 1 + i) + (k + 1 + j) * n] -= v[i] * p[j] + p[i] * v[j];
            }
        }
        s[(k + 1) + k * n] = alpha;
        s[k + (k + 1) * n] = alpha;
        for (int64_t i = 1; i < m; i++) {
            s[(k + 1 + i) + k * n] = 0;
            s[k + (k + 1 + i) * n] = 0;
        }
        if (q != NULL) {
            /* Q <- Q H on columns k+1..n-1. */
            for (int64_t r = 0; r < n; r++) {
                REAL sum = 0;
                for (int64_t j = 0; j < m; j++) {
                    sum += q[r + (k + 1 + j) * n] * v[j];
                }
                sum *= 2 / vv;
                for (int64_t j = 0; j < m; j++) {
                    q[r + (k + 1 + j) * n] -= sum * v[j];
                }
            }
        }
    }
    for (int64_t i = 0; i < n; i++) {
        d[i] = s[i + i * n];
        e[i] = i + 1 < n ? s[(i + 1) + i * n] : 0;
    }
    /* Off-diagonal entries below eps times the matrix norm are negligible (EISPACK tql2's test): a purely relative
     * test never deflates between two (near-)zero diagonal entries. */
    REAL norm = 0;
    for (int64_t i = 0; i < n; i++) {
        REAL row = fabs(d[i]) + fabs(e[i]) + (i > 0 ? fabs(e[i - 1]) : 0);
        norm = row > norm ? row : norm;
    }
    for (int64_t l = 0; l < n; l++) {
        int iterations = 0;
        for (;;) {
            int64_t m = l;
            for (; m < n - 1; m++) {
                if (fabs(e[m]) <= EPSILON * norm) {
                    break;
                }
            }
            if (m == l) {
                break;
            }
            if (iterations++ == 60) {
                return 1;
            }
            REAL g = (d[l + 1] - d[l]) / (2 * e[l]);
            REAL r = hypot(g, (REAL) 1);
            g = d[m] - d[l] + e[l] / (g + copysign(r, g));
            REAL sn = 1, c = 1, pp = 0;
            int deflated = 0;
            for (int64_t i = m - 1; i >= l; i--) {
                REAL f = sn * e[i];
                REAL b = c * e[i];
                r = hypot(f, g);
                e[i + 1] = r;
                if (r == 0) {
                    d[i + 1] -= pp;
                    e[m] = 0;
                    deflated = 1;
                    break;
                }
                sn = f / r;
                c = g / r;
                g = d[i + 1] - pp;
                r = (d[i] - g) * sn + 2 * c * b;
                pp = sn * r;
                d[i + 1] = g + pp;
                g = c * r - b;
                if (q != NULL) {
                    for (int64_t k = 0; k < n; k++) {
                        REAL z = q[k + (i + 1) * n];
                        q[k + (i + 1) * n] = sn * q[k + i * n] + c * z;
                        q[k + i * n] = c * q[k + i * n] - sn * z;
                    }
                }
            }
            if (!deflated) {
                d[l] -= pp;
                e[l] = g;
                e[m] = 0;
            }
        }
    }
    return 0;
}

/*
 * cusolverDn<t>syevd's work for one matrix, in REAL: the uplo triangle of the n x n column-major a (leading dimension
 * lda) is read (only it, as LAPACK does), its eigenvalues written ascending into w and, when vectors, the eigenvectors
 * over a's first n columns in the same order. The scratch is the caller's workspaces, as standin_cusolver.c sizes
 * them (syevd_device_elements, syevd_host_elements): in device_work the working copy s (n x n), the eigenvectors q
 * (n x n, when vectors) and p (n); in host_work the tridiagonal's diagonal d and off-diagonal e (n each). Returns 0,
 * or 1 if the iteration did not converge (a is then not written).
 */
int SYEVD(int vectors, int lower, int64_t n, REAL *a, int64_t lda, REAL *w, REAL *device_work, REAL *host_work)
{
    REAL *s = device_work;
    REAL *q = vectors ? s + n * n : NULL;
    REAL *p = s + n * n * (vectors ? 2 : 1);
    REAL *d = host_work;
    REAL *e = host_work + n;
    for (int64_t j = 0; j < n; j++) {
        for (int64_t i = j; i < n; i++) {
            REAL x = lower ? a[i + j * lda] : a[j + i * lda];
            s[i + j * n] = x;
            s[j + i * n] = x;
        }
    }
    if (q != NULL) {
        for (int64_t j = 0; j < n; j++) {
            for (int64_t i = 0; i < n; i++) {
                q[i + j * n] = i == j;
            }
        }
    }
    if (SYMMETRIC_EIGEN(s, q, d, e, p, n)) {
        return 1;
    }
    /* Ascending, as cuSOLVER returns them: a selection sort that moves each eigenvector with its eigenvalue. */
    for (int64_t i = 0; i < n; i++) {
        int64_t best = i;
        for (int64_t k = i + 1; k < n; k++) {
            if (d[k] < d[best]) {
                best = k;
            }
        }
        REAL value = d[best];
        d[best] = d[i];
        d[i] = value;
        w[i] = value;
        if (q != NULL && best != i) {
            for (int64_t k = 0; k < n; k++) {
                REAL z = q[k + best * n];
                q[k + best * n] = q[k + i * n];
                q[k + i * n] = z;
            }
        }
    }
    if (q != NULL) {
        for (int64_t j = 0; j < n; j++) {
            for (int64_t i = 0; i < n; i++) {
                a[i + j * lda] = q[i + j * n];
            }
        }
    }
    return 0;
}
