/*
 * dse4j CUDA stand-in: the host eigen-solvers behind its cuSOLVER (standin_cusolver.c). Right, not fast: unblocked
 * Householder reductions and the classical QL/QR iterations, as the textbooks write them. The symmetric solver
 * (standin_eigen_symmetric.h) is built once per element type, so that a float problem is solved in float as a
 * single-precision cuSOLVER does; the general one (Xgeev) is called in double only.
 */
#include <float.h>
#include <stdint.h>
#include <tgmath.h>

#include "standin_internal.h"

#define REAL double
#define EPSILON DBL_EPSILON
#define SYMMETRIC_EIGEN symmetric_eigen_f64
#define SYEVD dse4j_standin_syevd_f64
#include "standin_eigen_symmetric.h"
#undef REAL
#undef EPSILON
#undef SYMMETRIC_EIGEN
#undef SYEVD

#define REAL float
#define EPSILON FLT_EPSILON
#define SYMMETRIC_EIGEN symmetric_eigen_f32
#define SYEVD dse4j_standin_syevd_f32
#include "standin_eigen_symmetric.h"
#undef REAL
#undef EPSILON
#undef SYMMETRIC_EIGEN
#undef SYEVD

/*
 * Eigenvalues of a real non-symmetric n x n matrix (column-major h, destroyed): Householder reduction to upper
 * Hessenberg form, then the Francis double-shift QR iteration (Golub & Van Loan, 4th ed., Algorithms 7.4.2 and
 * 7.5.2). Returns 0, or 1 when an eigenvalue takes more than 100 iterations.
 */
#define H(i, j) h[(i) + (j) * n]
int dse4j_standin_general_eigenvalues(double *h, int64_t n, double *re, double *im, double *v)
{
    for (int64_t k = 0; k + 2 < n; k++) {
        double norm = 0.0;
        for (int64_t i = k + 1; i < n; i++) {
            norm += H(i, k) * H(i, k);
        }
        norm = sqrt(norm);
        if (norm == 0.0) {
            continue;
        }
        double alpha = H(k + 1, k) > 0 ? -norm : norm;
        double vv = 0.0;
        for (int64_t i = k + 1; i < n; i++) {
            v[i] = H(i, k) - (i == k + 1 ? alpha : 0.0);
            vv += v[i] * v[i];
        }
        if (vv == 0.0) {
            continue;
        }
        for (int64_t j = k; j < n; j++) {
            double s = 0.0;
            for (int64_t i = k + 1; i < n; i++) {
                s += v[i] * H(i, j);
            }
            s = 2.0 * s / vv;
            for (int64_t i = k + 1; i < n; i++) {
                H(i, j) -= s * v[i];
            }
        }
        for (int64_t i = 0; i < n; i++) {
            double s = 0.0;
            for (int64_t j = k + 1; j < n; j++) {
                s += H(i, j) * v[j];
            }
            s = 2.0 * s / vv;
            for (int64_t j = k + 1; j < n; j++) {
                H(i, j) -= s * v[j];
            }
        }
        for (int64_t i = k + 2; i < n; i++) {
            H(i, k) = 0.0;
        }
    }
    double anorm = 0.0;
    for (int64_t i = 0; i < n; i++) {
        for (int64_t j = i > 0 ? i - 1 : 0; j < n; j++) {
            anorm += fabs(H(i, j));
        }
    }
    int64_t nn = n - 1;
    double t = 0.0, p = 0.0, q = 0.0, r = 0.0, s, w, x, y, z = 0.0;
    while (nn >= 0) {
        int its = 0;
        int64_t l;
        do {
            for (l = nn; l >= 1; l--) {
                s = fabs(H(l - 1, l - 1)) + fabs(H(l, l));
                if (s == 0.0) {
                    s = anorm;
                }
                if (fabs(H(l, l - 1)) + s == s || fabs(H(l, l - 1)) <= 0x1p-52 * anorm) {
                    H(l, l - 1) = 0.0;
                    break;
                }
            }
            x = H(nn, nn);
            if (l == nn) {
                re[nn] = x + t;
                im[nn] = 0.0;
                nn--;
            } else {
                y = H(nn - 1, nn - 1);
                w = H(nn, nn - 1) * H(nn - 1, nn);
                if (l == nn - 1) {
                    p = 0.5 * (y - x);
                    q = p * p + w;
                    z = sqrt(fabs(q));
                    x += t;
                    if (q >= 0.0) {
                        z = p + copysign(z, p);
                        re[nn - 1] = x + z;
                        re[nn] = z != 0.0 ? x - w / z : x + z;
                        im[nn - 1] = im[nn] = 0.0;
                    } else {
                        re[nn - 1] = re[nn] = x + p;
                        im[nn - 1] = -z;
                        im[nn] = z;
                    }
                    nn -= 2;
                } else {
                    if (its == 100) {
                        return 1;
                    }
                    if (its > 0 && its % 10 == 0) {
                        t += x;
                        for (int64_t i = 0; i <= nn; i++) {
                            H(i, i) -= x;
                        }
                        s = fabs(H(nn, nn - 1)) + fabs(H(nn - 1, nn - 2));
                        y = x = 0.75 * s;
                        w = -0.4375 * s * s;
                    }
                    its++;
                    int64_t m;
                    for (m = nn - 2; m >= l; m--) {
                        z = H(m, m);
                        r = x - z;
                        s = y - z;
                        p = (r * s - w) / H(m + 1, m) + H(m, m + 1);
                        q = H(m + 1, m + 1) - z - r - s;
                        r = H(m + 2, m + 1);
                        s = fabs(p) + fabs(q) + fabs(r);
                        p /= s;
                        q /= s;
                        r /= s;
                        if (m == l) {
                            break;
                        }
                        double u = fabs(H(m, m - 1)) * (fabs(q) + fabs(r));
                        double vv = fabs(p) * (fabs(H(m - 1, m - 1)) + fabs(z) + fabs(H(m + 1, m + 1)));
                        if (u + vv == vv) {
                            break;
                        }
                    }
                    for (int64_t i = m + 2; i <= nn; i++) {
                        H(i, i - 2) = 0.0;
                        if (i != m + 2) {
                            H(i, i - 3) = 0.0;
                        }
                    }
                    for (int64_t k = m; k <= nn - 1; k++) {
                        if (k != m) {
                            p = H(k, k - 1);
                            q = H(k + 1, k - 1);
                            r = k != nn - 1 ? H(k + 2, k - 1) : 0.0;
                            x = fabs(p) + fabs(q) + fabs(r);
                            if (x != 0.0) {
                                p /= x;
                                q /= x;
                                r /= x;
                            }
                        }
                        s = copysign(sqrt(p * p + q * q + r * r), p);
                        if (s != 0.0) {
                            if (k == m) {
                                if (l != m) {
                                    H(k, k - 1) = -H(k, k - 1);
                                }
                            } else {
                                H(k, k - 1) = -s * x;
                            }
                            p += s;
                            x = p / s;
                            y = q / s;
                            z = r / s;
                            q /= p;
                            r /= p;
                            for (int64_t j = k; j <= nn; j++) {
                                p = H(k, j) + q * H(k + 1, j);
                                if (k != nn - 1) {
                                    p += r * H(k + 2, j);
                                    H(k + 2, j) -= p * z;
                                }
                                H(k + 1, j) -= p * y;
                                H(k, j) -= p * x;
                            }
                            int64_t last = nn < k + 3 ? nn : k + 3;
                            for (int64_t i = l; i <= last; i++) {
                                p = x * H(i, k) + y * H(i, k + 1);
                                if (k != nn - 1) {
                                    p += z * H(i, k + 2);
                                    H(i, k + 2) -= p * r;
                                }
                                H(i, k + 1) -= p * q;
                                H(i, k) -= p;
                            }
                        }
                    }
                }
            }
        } while (l < nn - 1);
    }
    return 0;
}
#undef H
