/*
 * dse4j CUDA stand-in: the host eigen-solvers behind its cuSOLVER (standin_cusolver.c), in double. Right, not fast:
 * unblocked Householder reductions and the classical QL/QR iterations, as the textbooks write them.
 */
#include <math.h>
#include <stdint.h>

#include "standin_internal.h"

/*
 * Symmetric eigen-decomposition of the full n x n column-major s: Householder tridiagonalisation (Golub & Van Loan,
 * 4th ed., section 8.3.1, unblocked) with the reflectors accumulated into q when it is not NULL, then the implicit
 * QL iteration with Wilkinson's shift (EISPACK tql2) rotating q's columns along. Eigenvalues end in d (unsorted).
 * Returns 0, or 1 if the iteration did not converge.
 */
int dse4j_standin_symmetric_eigen(double *s, double *q, double *d, double *e, double *p, int64_t n)
{
    for (int64_t k = 0; k + 2 < n; k++) {
        int64_t m = n - k - 1;          /* length of the part of column k below the diagonal */
        double *x = s + (k + 1) + k * n;
        /* The reflector is built from x / max|x|: H = I - 2vv'/v'v does not change when v is scaled, and the
         * scaled sums of squares can neither overflow nor underflow (the trailing columns of a reduced low-rank
         * matrix are rounding errors of rounding errors, small enough for x[i]*x[i] to lose its digits). */
        double largest = 0.0;
        for (int64_t i = 0; i < m; i++) {
            largest = fmax(largest, fabs(x[i]));
        }
        if (largest == 0.0) {
            continue;
        }
        double *v = e;                  /* scratch: v = x / largest - alpha e1 */
        double norm = 0.0;
        for (int64_t i = 0; i < m; i++) {
            v[i] = x[i] / largest;
            norm += v[i] * v[i];
        }
        norm = sqrt(norm);
        double alpha = v[0] > 0 ? -norm : norm;
        v[0] -= alpha;
        alpha *= largest;
        double vv = 0.0;
        for (int64_t i = 0; i < m; i++) {
            vv += v[i] * v[i];
        }
        if (vv == 0.0) {
            continue;
        }
        /* p = A22 v * (2 / vv); w = p - (v'p / vv) v; A22 -= v w' + w v'. */
        for (int64_t i = 0; i < m; i++) {
            double sum = 0.0;
            for (int64_t j = 0; j < m; j++) {
                sum += s[(k + 1 + i) + (k + 1 + j) * n] * v[j];
            }
            p[i] = 2.0 * sum / vv;
        }
        double vp = 0.0;
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
            s[(k + 1 + i) + k * n] = 0.0;
            s[k + (k + 1 + i) * n] = 0.0;
        }
        if (q != NULL) {
            /* Q <- Q H on columns k+1..n-1. */
            for (int64_t r = 0; r < n; r++) {
                double sum = 0.0;
                for (int64_t j = 0; j < m; j++) {
                    sum += q[r + (k + 1 + j) * n] * v[j];
                }
                sum *= 2.0 / vv;
                for (int64_t j = 0; j < m; j++) {
                    q[r + (k + 1 + j) * n] -= sum * v[j];
                }
            }
        }
    }
    for (int64_t i = 0; i < n; i++) {
        d[i] = s[i + i * n];
        e[i] = i + 1 < n ? s[(i + 1) + i * n] : 0.0;
    }
    /* Off-diagonal entries below eps times the matrix norm are negligible (EISPACK tql2's test): a purely relative
     * test never deflates between two (near-)zero diagonal entries. */
    double norm = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double row = fabs(d[i]) + fabs(e[i]) + (i > 0 ? fabs(e[i - 1]) : 0.0);
        norm = row > norm ? row : norm;
    }
    for (int64_t l = 0; l < n; l++) {
        int iterations = 0;
        for (;;) {
            int64_t m = l;
            for (; m < n - 1; m++) {
                if (fabs(e[m]) <= 0x1p-52 * norm) {
                    break;
                }
            }
            if (m == l) {
                break;
            }
            if (iterations++ == 60) {
                return 1;
            }
            double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            double r = hypot(g, 1.0);
            g = d[m] - d[l] + e[l] / (g + copysign(r, g));
            double sn = 1.0, c = 1.0, pp = 0.0;
            int deflated = 0;
            for (int64_t i = m - 1; i >= l; i--) {
                double f = sn * e[i];
                double b = c * e[i];
                r = hypot(f, g);
                e[i + 1] = r;
                if (r == 0.0) {
                    d[i + 1] -= pp;
                    e[m] = 0.0;
                    deflated = 1;
                    break;
                }
                sn = f / r;
                c = g / r;
                g = d[i + 1] - pp;
                r = (d[i] - g) * sn + 2.0 * c * b;
                pp = sn * r;
                d[i + 1] = g + pp;
                g = c * r - b;
                if (q != NULL) {
                    for (int64_t k = 0; k < n; k++) {
                        double z = q[k + (i + 1) * n];
                        q[k + (i + 1) * n] = sn * q[k + i * n] + c * z;
                        q[k + i * n] = c * q[k + i * n] - sn * z;
                    }
                }
            }
            if (!deflated) {
                d[l] -= pp;
                e[l] = g;
                e[m] = 0.0;
            }
        }
    }
    return 0;
}

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
