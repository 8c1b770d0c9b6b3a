/* The law the ziggurat normal sampler implies, computed from its own
 * transforms (ziggurat.h) over their whole word space: the proof behind
 * tests/test_normal_census.py and docs/normal-sampler.md. Compiled for the
 * build's default target; used only by the test hooks in _core.
 *
 * One attempt of the sampler draws a proposal (layer k, sign, u) and either
 * returns it (fast path), tests it against the curve with a fresh uniform v
 * (wedge, k >= 1: a failed test starts a new attempt), or enters the tail
 * (k = 0, u >= K[0]), which repeats its trials until one is accepted. So
 * the law of the output is: the fast values with weight 1, the wedge values
 * with weight P(v passes), the tail's proposals with weight 1 and the law
 * of an accepted tail trial, all normalized by the total.
 *
 * float32 (exact: every weight is a count of words): for each of the 2^31
 * (k, u) (the sign only mirrors), fast weight 2^24; wedge weight = the
 * number of the 2^24 values of v that pass; the tail's law from all 2^31
 * u1 words (t = fi_zig32_tailx, grouped by equal float u1) with the count of
 * the 2^24 u2 values that accept t. The wedge and tail counts are found by
 * bisection, which is exact because the tests are monotone in v and u2:
 * fi_logf is checked to be non-decreasing on every float the wedge test
 * can meet (fi_zig_census32 fails otherwise).
 * float64: the fast part exact (integer thresholds of the 2^53 u by
 * bisection); the wedge and tail in closed form (the test's probability
 * integrated with erf), i.e. without the 2^-53 quantization of v and u2.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "census.h"
#include "ziggurat.h"

/* counts of v in [0, 2^24) with pred(v): pred true for v < v*, false after */
#define FI_COUNT_PREFIX(PRED, EST, OUT)                                         \
    do {                                                                        \
        int64_t e_ = (EST) < 0 ? 0 : (EST) > (1 << 24) ? (1 << 24) : (EST);     \
        int64_t lo_ = e_ - 2, hi_ = e_ + 2, step_ = 4;                          \
        if (lo_ < 0) lo_ = 0;                                                   \
        if (hi_ > (1 << 24)) hi_ = 1 << 24;                                     \
        /* widen until pred(lo) holds (or lo = 0) and pred(hi) fails */        \
        while (lo_ > 0 && !(PRED(lo_))) { lo_ -= step_; step_ *= 2; if (lo_ < 0) lo_ = 0; } \
        step_ = 4;                                                              \
        while (hi_ < (1 << 24) && (PRED(hi_))) { hi_ += step_; step_ *= 2;     \
            if (hi_ > (1 << 24)) hi_ = 1 << 24; }                               \
        if (lo_ == 0 && !(PRED(0))) { OUT = 0; break; }                         \
        if (hi_ == (1 << 24) && (PRED((1 << 24) - 1))) { OUT = 1 << 24; break; } \
        /* pred(lo) true, pred(hi) false */                                    \
        while (hi_ - lo_ > 1) {                                                 \
            int64_t mid_ = (lo_ + hi_) / 2;                                     \
            if (PRED(mid_)) lo_ = mid_; else hi_ = mid_;                        \
        }                                                                       \
        OUT = hi_;                                                              \
    } while (0)

static int fi_logf_monotone(float lo, float hi)
{
    float prev = fi_logf(lo);
    for (uint32_t b = fi_f2u(lo) + 1; b <= fi_f2u(hi); b++) {
        float y = fi_logf(fi_u2f(b));
        if (y < prev)
            return 0;
        prev = y;
    }
    return 1;
}

/* The law from the weights: p[i] = above[i] / total, for i < nt; 0. */
static int fi_census_shares(const long double *above, long double total, int nt, double *p)
{
    for (int i = 0; i < nt; i++)
        p[i] = (double)(above[i] / total);
    return 0;
}

/* float32: P(|z| > t[i]) for i < nt, into p[i]. Returns 0, or -1 when the
 * monotonicity the counting relies on does not hold. */
int fi_zig_census32(const void *tab, const double *t, int nt, double *p)
{
    const fi_zt32 zt = tab ? fi_ztab_view32((const fi_ztab *)tab) : fi_zig_normal32();
    const int tail = zt.tail != 0;
    /* the lowest y = F + v D > 0 a wedge test meets (a layer with F = 0, the
     * truncated normal's base layer, from v = 2^-24 on; y = 0 passes) */
    float fmin = 1.0f;
    for (int k = tail; k < FI_ZIG_N; k++) {
        if ((zt.xk[k] >> 32) >= (1u << FI_ZIG_P32))
            continue;   /* no wedge: every word of the layer is fast */
        float lowest = zt.F[k] > 0.0f ? zt.F[k] : zt.D[k] * 0x1p-24f;
        fmin = lowest < fmin ? lowest : fmin;
    }
    if (!fi_logf_monotone(fmin, 1.0f))
        return -1;
    long double total = 0, above[64];
    for (int i = 0; i < nt; i++)
        above[i] = 0;
    /* fast path and wedges, layer by layer */
    for (int k = 0; k < FI_ZIG_N; k++) {
        uint32_t K = (uint32_t)(zt.xk[k] >> 32);
        float X = fi_u2f((uint32_t)zt.xk[k]);
        total += (long double)K * 0x1p24L;
        for (int i = 0; i < nt; i++) {
            /* first u < K with u X > t */
            float ti = (float)t[i];
            uint32_t lo = 0, hi = K;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if ((float)(int32_t)mid * X > ti) hi = mid; else lo = mid + 1;
            }
            above[i] += (long double)(K - lo) * 0x1p24L;
        }
        if (k == 0 && tail)
            continue;
        float F = zt.F[k], D = zt.D[k];
        for (uint32_t u = K; u < (1u << FI_ZIG_P32); u++) {
            float x = (float)(int32_t)u * X;
            double e = exp(-0.5 * (double)x * (double)x);
            int64_t est = (int64_t)((e - F) / D * 0x1p24);
            int64_t cnt;
#define FI_WEDGE_OK(v) fi_zig32_wedge(F, D, x, (uint32_t)(v) << 8)
            FI_COUNT_PREFIX(FI_WEDGE_OK, est, cnt);
#undef FI_WEDGE_OK
            total += (long double)cnt;
            for (int i = 0; i < nt; i++)
                if (x > (float)t[i])
                    above[i] += (long double)cnt;
        }
    }
    if (!tail)   /* a truncated normal's tables: no tail beyond the layers */
        return fi_census_shares(above, total, nt, p);
    /* the tail: proposals with weight 2^24 each, the law of an accepted trial */
    uint32_t K0 = (uint32_t)(zt.xk[0] >> 32);
    long double ntail = (long double)((1u << FI_ZIG_P32) - K0) * 0x1p24L;
    long double ta = 0, tabove[64];
    for (int i = 0; i < nt; i++)
        tabove[i] = 0;
    uint32_t m = 0;
    for (;;) {
        /* the words m << 1 (and their odd twins) share u1 with every m' up to
         * next - 1 */
        float u1 = (float)(int32_t)m;
        uint32_t next = m + 1;
        if (u1 >= 0x1p24f) {
            /* the first n > m with another float: bisection in (m, m + 512] */
            uint64_t lo = m, hi = (uint64_t)m + 512;
            while (hi - lo > 1) {
                uint64_t mid = (lo + hi) / 2;
                if (mid < (1ull << 31) && (float)(int32_t)mid == u1) lo = mid; else hi = mid;
            }
            next = (uint32_t)hi;
        }
        if (next > (1u << 31)) next = 1u << 31;
        float tx = fi_zig32_tailx(m << 1);
        int64_t est = (int64_t)((double)FI_ZIG_R32 / tx * 0x1p24), cnt;
#define FI_TAIL_OK(v) fi_zig32_tailok(tx, (uint32_t)(v) << 8)
        FI_COUNT_PREFIX(FI_TAIL_OK, est, cnt);
#undef FI_TAIL_OK
        long double wgt = (long double)(next - m) * (long double)cnt;
        ta += wgt;
        for (int i = 0; i < nt; i++)
            if (tx > (float)t[i])
                tabove[i] += wgt;
        if (next >= (1u << 31))
            break;
        m = next;
    }
    total += ntail;
    for (int i = 0; i < nt; i++)
        p[i] = (double)((above[i] + ntail * (tabove[i] / ta)) / total);
    return 0;
}

/* float64: the same law; fast part exact, wedges and tail in closed form. */
static long double fi_gauss_int(long double a, long double b)   /* int_a^b exp(-x^2/2) */
{
    const long double s = 1.253314137315500251207882642405522627L;  /* sqrt(pi/2) */
    return s * (erfl(b / 1.414213562373095048801688724209698079L)
                 - erfl(a / 1.414213562373095048801688724209698079L));
}

int fi_zig_census64(const void *tab, const double *t, int nt, double *p)
{
    const fi_zt64 zt = tab ? fi_ztab_view64((const fi_ztab *)tab) : fi_zig_normal64();
    const int tail = zt.tail != 0;
    long double total = 0, above[64];
    for (int i = 0; i < nt; i++)
        above[i] = 0;
    for (int k = 0; k < FI_ZIG_N; k++) {
        int64_t K = zt.K[k];
        double X = zt.X[k];
        total += (long double)K;
        for (int i = 0; i < nt; i++) {
            int64_t lo = 0, hi = K;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (fi_u53_to_d((uint64_t)mid) * X > t[i]) hi = mid; else lo = mid + 1;
            }
            above[i] += (long double)(K - lo);
        }
        if (k == 0 && tail)
            continue;
        /* wedge: x uniform on [K X, 2^53 X) (2^53 / (x range) words per unit of
         * x), accepted with probability min(1, (exp(-x^2/2) - F) / D) */
        long double F = zt.F[k], D = zt.D[k];
        long double xa = (long double)K * X, xb = 0x1p53L * X;
        long double top = F + D;    /* the curve at F + D (0 past its top) */
        long double xc = top < 1.0L ? sqrtl(-2.0L * logl(top)) : 0.0L;
        if (xc < xa) xc = xa;
        if (xc > xb) xc = xb;       /* a whole rectangle under the curve */
        long double dens = 1.0L / X;                    /* words per unit x */
        long double full = (xc - xa), part = (fi_gauss_int(xc, xb) - F * (xb - xc)) / D;
        total += dens * (full + part);
        for (int i = 0; i < nt; i++) {
            long double ti = t[i];
            long double fa = xa > ti ? xa : ti, fb = xc;
            long double f1 = fb > fa ? fb - fa : 0;
            long double pa = xc > ti ? xc : ti;
            long double p1 = xb > pa ? (fi_gauss_int(pa, xb) - F * (xb - pa)) / D : 0;
            above[i] += dens * (f1 + p1);
        }
    }
    if (!tail)   /* a truncated normal's tables: no tail beyond the layers */
        return fi_census_shares(above, total, nt, p);
    long double ntail = 0x1p53L - (long double)zt.K[0];
    long double r = sqrtl((long double)FI_ZIG_RR64);
    total += ntail;
    for (int i = 0; i < nt; i++) {
        long double ti = t[i];
        long double q = ti <= r ? 1.0L : erfcl(ti / 1.414213562373095048801688724209698079L)
                                         / erfcl(r / 1.414213562373095048801688724209698079L);
        p[i] = (double)((above[i] + ntail * q) / total);
    }
    return 0;
}
