/* The ziggurat of a truncated normal: the layer tables of exp(-x^2/2) on
 * [0, c] (docs/normal-sampler.md, "The truncated normal's own ziggurat").
 *
 * N = FI_ZIG_N layers of equal area v, stacked from height y_0 = 0: layer k is
 * the rectangle [0, x_k] x [y_k, y_{k+1}], x_k = w(y_k) the width of the
 * region at its bottom, w(y) = min(c, f^-1(y)), and y_{k+1} = y_k + v / x_k.
 * v solves y_N = 1 (bisection; the top layer may reach past 1 by a
 * rounding error, which its wedge test rejects). Below f(c) the layers are
 * whole rectangles of width c: every proposal there is inside. There is no
 * tail: the base layer is the rectangle [0, c] x [0, v / c].
 *
 * The tables have the layouts of ziggurat_tables.h (tools/gen_ziggurat.py),
 * with the same rules: X = x_k 2^-P (P = FI_ZIG_P32 value bits for float32, 53 for
 * float64), K = the first u whose value u X is not inside the curve in the
 * dtype's own arithmetic (u X <= x_{k+1}, x_N = 0), F = y_k, D = y_{k+1} -
 * y_k. Computed in double with IEEE operations, sqrt and fimath.h's fi_log
 * only (no C library log or exp, whose last bits vary between libraries),
 * so every machine builds the same tables and so draws the same values;
 * the census checks the law the tables imply. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "ziggurat.h"

static double fi_zt_width(double y, double c)
{
    if (y <= 0.0)
        return c;
    if (y >= 1.0)
        return 0.0;
    double x = sqrt(-2.0 * fi_log(y));
    return x < c ? x : c;
}

/* The heights y_0..y_N for the layer area v; returns y_N - 1 (or +1 when
 * the stack reaches the top early: v too large). */
static double fi_zt_chain(double v, double c, double *y)
{
    y[0] = 0.0;
    for (int k = 0; k < FI_ZIG_N; k++) {
        double x = fi_zt_width(y[k], c);
        if (x <= 0.0)
            return 1.0;
        y[k + 1] = y[k] + v / x;
    }
    return y[FI_ZIG_N] - 1.0;
}

int fi_ztab_build(double c, fi_ztab *z)
{
    if (!(c > 0.0 && c <= FI_ZTAB_CMAX))
        return -1;
    const int N = FI_ZIG_N;
    double y[FI_ZIG_N + 1], x[FI_ZIG_N + 1];
    /* the area under the curve on [0, c] over N bounds v from below; the
     * residual is increasing in v */
    double lo = 0.0, hi = 2.0 * c / N;
    while (fi_zt_chain(hi, c, y) < 0.0)
        hi *= 2.0;
    for (int it = 0; it < 200 && hi - lo > 2.0 * nextafter(hi, INFINITY) - 2.0 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (fi_zt_chain(mid, c, y) < 0.0)
            lo = mid;
        else
            hi = mid;
    }
    double v = hi;   /* y_N >= 1: the layers cover the whole region */
    if (fi_zt_chain(v, c, y) > 0.5)
        return -1;
    for (int k = 0; k < N; k++)
        x[k] = fi_zt_width(y[k], c);
    x[N] = 0.0;
    memset(z, 0, sizeof(*z));
    z->c = c;
    z->v = v;
    for (int k = 0; k < N; k++) {
        /* float32: X scaled by 2^-P32 (exact), K checked in float products */
        float X32 = (float)x[k] * (1.0f / (float)(1u << FI_ZIG_P32));
        int64_t K = (int64_t)floor(x[k + 1] / x[k] * (double)(1u << FI_ZIG_P32));
        if (K > (1 << FI_ZIG_P32))
            K = 1 << FI_ZIG_P32;
        while (K > 0 && (double)((float)(int32_t)(K - 1) * X32) > x[k + 1])
            K--;
        z->xk32[k] = (uint64_t)fi_f2u(X32) | ((uint64_t)K << 32);
        z->xk32[k + N] = (uint64_t)fi_f2u(-X32) | ((uint64_t)K << 32);
        z->f32[k] = (float)y[k];
        z->d32[k] = (float)(y[k + 1] - y[k]);
        /* float64 */
        double X64 = x[k] * 0x1p-53;
        int64_t K64 = (int64_t)floor(x[k + 1] / x[k] * 0x1p53);
        if (K64 > (1ll << 53))
            K64 = 1ll << 53;
        while (K64 > 0 && fi_u53_to_d((uint64_t)(K64 - 1)) * X64 > x[k + 1])
            K64--;
        z->x64[k] = X64;
        z->x64[k + N] = -X64;
        z->k64[k] = K64;
        z->f64[k] = y[k];
        z->d64[k] = y[k + 1] - y[k];
    }
    return 0;
}
