/* Truncated normal kernels (FI_TRUNCNORM), included from kernels_impl.h and
 * so compiled once per SIMD path. Exact rejection samplers; no inverse CDF.
 *
 * Parameters: fi_params.truncnorm (kernels.h), set up in double by
 * fastinit/truncated.py, which picks the method; converted once per call to
 * the working precision (fi_tn32 / fi_tn64 below).
 *   FI_TN_NORMAL: propose z ~ N(0, 1), or its folded form fold * |z| for a
 *       one-sided interval (fold = +-1, the half-normal: [0, inf) accepts
 *       everything); value x = mean + std * z, accepted when lo <= x <= hi
 *       (in the working precision, so that float16 keeps exactly the values
 *       that land inside). With fold = 0, an accepted value is normal_'s
 *       value at the same index. Sampled by the ziggurat (normal_impl.h,
 *       k_tnzig_*), rejection and all.
 *   FI_TN_UNIFORM: propose u ~ U[0, 1), delta = w u (the standardized
 *       distance from base, the bound a, or b when flipped); accept when
 *       E >= q / 2 with E ~ Exp(1) and q = (s1 + delta)(s2 + delta) =
 *       x^2 - m^2, m the point of the interval nearest 0. value = base +
 *       width * u.
 *   FI_TN_EXP: Robert (1995): delta ~ Exp(lambda), lambda = (alpha +
 *       sqrt(alpha^2 + 4)) / 2 (so 1/lambda = lambda - alpha), accept when
 *       delta <= w and E >= (delta - 1/lambda)^2 / 2. value = base + scale *
 *       delta (precise next to the bound even when the mean is far away or
 *       std tiny). Lower tails are flipped (base = b, scale = -std).
 *   FI_TN_ZIGGURAT: as FI_TN_NORMAL, z drawn with the tables of the normal
 *       truncated to [-c, c] (ztab.c; c >= the standardized bounds), so that
 *       only the wedges and the values outside [lo, hi] retry.
 * UNIFORM and EXP values are clamped to [lo, hi]: that only moves a value
 * that rounding put past a bound back onto it (less than an ulp), never a
 * rejected proposal.
 *
 * Stream layout (a compatibility promise):
 *   NORMAL and ZIGGURAT: normal_impl.h (the ziggurat's own first attempts
 *     and retry blocks, with normal_'s tables or those of the normal
 *     truncated to [-c, c]; float16 uses the float32 stream, as normal_
 *     does).
 *   first attempt, UNIFORM and EXP: float32/float16 use two words per
 *     element in the 64-bit-stream arrangement (index 32c + 16h + 8j + l from
 *     words (2j, 2j+1) of counter 16c + 8h + l); float64 uses the four words
 *     of counter i for element i.
 *   retries, UNIFORM and EXP: attempt t = 1, 2, ... of element i uses Philox
 *     counter (c0, c1) = i, c2 = stream, c3 = t: the element's own
 *     sub-space, so no element ever borrows another's randomness (pieces and
 *     thread counts give the same values). Candidates in order: words
 *     (0, 1), then (2, 3) for float32; one candidate per attempt (w0..w3)
 *     for float64; the first accepted candidate is the value.
 */
#ifndef FI_TN_ONCE
#define FI_TN_ONCE
#define FI_TN_MAXTRY 100000u

/* The parameters in the working precision T (float for 32-bit streams,
 * double for 64-bit ones): the fields of kernels.h's FI_TN_*_FIELDS, each
 * rounded once from its double (the assignment converts as a cast would). */
#define FI_TN_WFIELD_(T, f) T f;
#define FI_TN_COPY_(M, f) q->M.f = p->M.f;
#define FI_TN_TYPES(T, B)                                                        \
    typedef struct { FI_TN_NORMAL_FIELDS(FI_TN_WFIELD_, T) } fi_tnp_normal##B;    \
    typedef struct { FI_TN_UNIFORM_FIELDS(FI_TN_WFIELD_, T) } fi_tnp_uniform##B;  \
    typedef struct { FI_TN_EXP_FIELDS(FI_TN_WFIELD_, T) } fi_tnp_exp##B;          \
    typedef struct {                                                             \
        int method;                                                              \
        fi_tnp_normal##B normal;                                                  \
        fi_tnp_uniform##B uniform;                                                \
        fi_tnp_exp##B exp;                                                        \
    } fi_tn##B;                                                                  \
    static inline void fi_tn##B##_setup(const fi_params *prm, fi_tn##B *q)       \
    {                                                                            \
        const fi_truncnorm_params *p = &prm->truncnorm;                          \
        memset(q, 0, sizeof(*q));                                                \
        q->method = p->method;                                                   \
        if (p->method == FI_TN_NORMAL) {                                         \
            FI_TN_NORMAL_FIELDS(FI_TN_COPY_, normal)                             \
        } else if (p->method == FI_TN_UNIFORM) {                                 \
            FI_TN_UNIFORM_FIELDS(FI_TN_COPY_, uniform)                           \
        } else if (p->method == FI_TN_EXP) {                                     \
            FI_TN_EXP_FIELDS(FI_TN_COPY_, exp)                                   \
        }   /* ZIGGURAT: the ziggurat's kernel reads prm itself */               \
    }
FI_TN_TYPES(float, 32)
FI_TN_TYPES(double, 64)
#undef FI_TN_TYPES
#undef FI_TN_WFIELD_
#undef FI_TN_COPY_

static inline float fi_clampf(float v, float lo, float hi)
{
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}

static inline double fi_clamp(double v, double lo, double hi)
{
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}

/* Exp(1) variates: -log(u) with u in (0, 1] from 32 or 53 random bits. */
static inline float fi_exp1_32(uint32_t w)
{
    return -fi_logf((float)(int32_t)(w >> 1) * 0x1p-31f + 0x1p-32f);
}

static inline double fi_exp1_64(uint32_t hi, uint32_t lo)
{
    return -fi_log((double)(int64_t)(2 * fi_bits53(hi, lo) + 1) * 0x1p-54);
}

/* One UNIFORM or EXP proposal from words (wa, wb); returns acceptance (0/1). */
static inline int fi_tn_unif32(const fi_tnp_uniform32 *c, uint32_t wa, uint32_t wb, float *v)
{
    float e2 = fi_exp1_32(wb);
    float u = (float)(int32_t)(wa >> 8) * 0x1p-24f;
    float delta = c->w * u;
    float qq = (c->s1 + delta) * (c->s2 + delta);
    *v = fi_clampf(c->base + c->width * u, c->lo, c->hi);
    return e2 + e2 >= qq;
}

static inline int fi_tn_exp32(const fi_tnp_exp32 *c, uint32_t wa, uint32_t wb, float *v)
{
    float e2 = fi_exp1_32(wb);
    float delta = fi_exp1_32(wa) * c->inv_lambda;
    float t = delta - c->inv_lambda;
    *v = fi_clampf(c->base + c->scale * delta, c->lo, c->hi);
    return (delta <= c->w) & (e2 + e2 >= t * t);
}

static inline int fi_tn_cand32(const fi_tn32 *q, uint32_t wa, uint32_t wb, float *v)
{
    return q->method == FI_TN_UNIFORM ? fi_tn_unif32(&q->uniform, wa, wb, v)
                                      : fi_tn_exp32(&q->exp, wa, wb, v);
}

static inline int fi_tn_cand64(const fi_tn64 *q, const uint32_t w[4], double *v)
{
    double e2 = fi_exp1_64(w[2], w[3]);
    if (q->method == FI_TN_UNIFORM) {
        const fi_tnp_uniform64 *c = &q->uniform;
        double u = (double)(int64_t)fi_bits53(w[0], w[1]) * 0x1p-53;
        double delta = c->w * u;
        double qq = (c->s1 + delta) * (c->s2 + delta);
        *v = fi_clamp(c->base + c->width * u, c->lo, c->hi);
        return e2 + e2 >= qq;
    } else {
        const fi_tnp_exp64 *c = &q->exp;
        double delta = fi_exp1_64(w[0], w[1]) * c->inv_lambda;
        double t = delta - c->inv_lambda;
        *v = fi_clamp(c->base + c->scale * delta, c->lo, c->hi);
        return (delta <= c->w) & (e2 + e2 >= t * t);
    }
}

/* Retry batches: FI_TN_RL rejected elements at once, through fi_philox_gather. */
#define FI_TN_RL FI_CHUNK
#define FI_TN_SUB 4096   /* values per sub-piece: a multiple of every chunk size */

/* Left-packing table: fi_tn_lp[m] lists the set bits of the byte m, in
 * order (then zeros), for branch-free collection of rejected positions. */
static const uint8_t fi_tn_lp[256][8] = {
    {0,0,0,0,0,0,0,0}, {0,0,0,0,0,0,0,0}, {1,0,0,0,0,0,0,0}, {0,1,0,0,0,0,0,0},
    {2,0,0,0,0,0,0,0}, {0,2,0,0,0,0,0,0}, {1,2,0,0,0,0,0,0}, {0,1,2,0,0,0,0,0},
    {3,0,0,0,0,0,0,0}, {0,3,0,0,0,0,0,0}, {1,3,0,0,0,0,0,0}, {0,1,3,0,0,0,0,0},
    {2,3,0,0,0,0,0,0}, {0,2,3,0,0,0,0,0}, {1,2,3,0,0,0,0,0}, {0,1,2,3,0,0,0,0},
    {4,0,0,0,0,0,0,0}, {0,4,0,0,0,0,0,0}, {1,4,0,0,0,0,0,0}, {0,1,4,0,0,0,0,0},
    {2,4,0,0,0,0,0,0}, {0,2,4,0,0,0,0,0}, {1,2,4,0,0,0,0,0}, {0,1,2,4,0,0,0,0},
    {3,4,0,0,0,0,0,0}, {0,3,4,0,0,0,0,0}, {1,3,4,0,0,0,0,0}, {0,1,3,4,0,0,0,0},
    {2,3,4,0,0,0,0,0}, {0,2,3,4,0,0,0,0}, {1,2,3,4,0,0,0,0}, {0,1,2,3,4,0,0,0},
    {5,0,0,0,0,0,0,0}, {0,5,0,0,0,0,0,0}, {1,5,0,0,0,0,0,0}, {0,1,5,0,0,0,0,0},
    {2,5,0,0,0,0,0,0}, {0,2,5,0,0,0,0,0}, {1,2,5,0,0,0,0,0}, {0,1,2,5,0,0,0,0},
    {3,5,0,0,0,0,0,0}, {0,3,5,0,0,0,0,0}, {1,3,5,0,0,0,0,0}, {0,1,3,5,0,0,0,0},
    {2,3,5,0,0,0,0,0}, {0,2,3,5,0,0,0,0}, {1,2,3,5,0,0,0,0}, {0,1,2,3,5,0,0,0},
    {4,5,0,0,0,0,0,0}, {0,4,5,0,0,0,0,0}, {1,4,5,0,0,0,0,0}, {0,1,4,5,0,0,0,0},
    {2,4,5,0,0,0,0,0}, {0,2,4,5,0,0,0,0}, {1,2,4,5,0,0,0,0}, {0,1,2,4,5,0,0,0},
    {3,4,5,0,0,0,0,0}, {0,3,4,5,0,0,0,0}, {1,3,4,5,0,0,0,0}, {0,1,3,4,5,0,0,0},
    {2,3,4,5,0,0,0,0}, {0,2,3,4,5,0,0,0}, {1,2,3,4,5,0,0,0}, {0,1,2,3,4,5,0,0},
    {6,0,0,0,0,0,0,0}, {0,6,0,0,0,0,0,0}, {1,6,0,0,0,0,0,0}, {0,1,6,0,0,0,0,0},
    {2,6,0,0,0,0,0,0}, {0,2,6,0,0,0,0,0}, {1,2,6,0,0,0,0,0}, {0,1,2,6,0,0,0,0},
    {3,6,0,0,0,0,0,0}, {0,3,6,0,0,0,0,0}, {1,3,6,0,0,0,0,0}, {0,1,3,6,0,0,0,0},
    {2,3,6,0,0,0,0,0}, {0,2,3,6,0,0,0,0}, {1,2,3,6,0,0,0,0}, {0,1,2,3,6,0,0,0},
    {4,6,0,0,0,0,0,0}, {0,4,6,0,0,0,0,0}, {1,4,6,0,0,0,0,0}, {0,1,4,6,0,0,0,0},
    {2,4,6,0,0,0,0,0}, {0,2,4,6,0,0,0,0}, {1,2,4,6,0,0,0,0}, {0,1,2,4,6,0,0,0},
    {3,4,6,0,0,0,0,0}, {0,3,4,6,0,0,0,0}, {1,3,4,6,0,0,0,0}, {0,1,3,4,6,0,0,0},
    {2,3,4,6,0,0,0,0}, {0,2,3,4,6,0,0,0}, {1,2,3,4,6,0,0,0}, {0,1,2,3,4,6,0,0},
    {5,6,0,0,0,0,0,0}, {0,5,6,0,0,0,0,0}, {1,5,6,0,0,0,0,0}, {0,1,5,6,0,0,0,0},
    {2,5,6,0,0,0,0,0}, {0,2,5,6,0,0,0,0}, {1,2,5,6,0,0,0,0}, {0,1,2,5,6,0,0,0},
    {3,5,6,0,0,0,0,0}, {0,3,5,6,0,0,0,0}, {1,3,5,6,0,0,0,0}, {0,1,3,5,6,0,0,0},
    {2,3,5,6,0,0,0,0}, {0,2,3,5,6,0,0,0}, {1,2,3,5,6,0,0,0}, {0,1,2,3,5,6,0,0},
    {4,5,6,0,0,0,0,0}, {0,4,5,6,0,0,0,0}, {1,4,5,6,0,0,0,0}, {0,1,4,5,6,0,0,0},
    {2,4,5,6,0,0,0,0}, {0,2,4,5,6,0,0,0}, {1,2,4,5,6,0,0,0}, {0,1,2,4,5,6,0,0},
    {3,4,5,6,0,0,0,0}, {0,3,4,5,6,0,0,0}, {1,3,4,5,6,0,0,0}, {0,1,3,4,5,6,0,0},
    {2,3,4,5,6,0,0,0}, {0,2,3,4,5,6,0,0}, {1,2,3,4,5,6,0,0}, {0,1,2,3,4,5,6,0},
    {7,0,0,0,0,0,0,0}, {0,7,0,0,0,0,0,0}, {1,7,0,0,0,0,0,0}, {0,1,7,0,0,0,0,0},
    {2,7,0,0,0,0,0,0}, {0,2,7,0,0,0,0,0}, {1,2,7,0,0,0,0,0}, {0,1,2,7,0,0,0,0},
    {3,7,0,0,0,0,0,0}, {0,3,7,0,0,0,0,0}, {1,3,7,0,0,0,0,0}, {0,1,3,7,0,0,0,0},
    {2,3,7,0,0,0,0,0}, {0,2,3,7,0,0,0,0}, {1,2,3,7,0,0,0,0}, {0,1,2,3,7,0,0,0},
    {4,7,0,0,0,0,0,0}, {0,4,7,0,0,0,0,0}, {1,4,7,0,0,0,0,0}, {0,1,4,7,0,0,0,0},
    {2,4,7,0,0,0,0,0}, {0,2,4,7,0,0,0,0}, {1,2,4,7,0,0,0,0}, {0,1,2,4,7,0,0,0},
    {3,4,7,0,0,0,0,0}, {0,3,4,7,0,0,0,0}, {1,3,4,7,0,0,0,0}, {0,1,3,4,7,0,0,0},
    {2,3,4,7,0,0,0,0}, {0,2,3,4,7,0,0,0}, {1,2,3,4,7,0,0,0}, {0,1,2,3,4,7,0,0},
    {5,7,0,0,0,0,0,0}, {0,5,7,0,0,0,0,0}, {1,5,7,0,0,0,0,0}, {0,1,5,7,0,0,0,0},
    {2,5,7,0,0,0,0,0}, {0,2,5,7,0,0,0,0}, {1,2,5,7,0,0,0,0}, {0,1,2,5,7,0,0,0},
    {3,5,7,0,0,0,0,0}, {0,3,5,7,0,0,0,0}, {1,3,5,7,0,0,0,0}, {0,1,3,5,7,0,0,0},
    {2,3,5,7,0,0,0,0}, {0,2,3,5,7,0,0,0}, {1,2,3,5,7,0,0,0}, {0,1,2,3,5,7,0,0},
    {4,5,7,0,0,0,0,0}, {0,4,5,7,0,0,0,0}, {1,4,5,7,0,0,0,0}, {0,1,4,5,7,0,0,0},
    {2,4,5,7,0,0,0,0}, {0,2,4,5,7,0,0,0}, {1,2,4,5,7,0,0,0}, {0,1,2,4,5,7,0,0},
    {3,4,5,7,0,0,0,0}, {0,3,4,5,7,0,0,0}, {1,3,4,5,7,0,0,0}, {0,1,3,4,5,7,0,0},
    {2,3,4,5,7,0,0,0}, {0,2,3,4,5,7,0,0}, {1,2,3,4,5,7,0,0}, {0,1,2,3,4,5,7,0},
    {6,7,0,0,0,0,0,0}, {0,6,7,0,0,0,0,0}, {1,6,7,0,0,0,0,0}, {0,1,6,7,0,0,0,0},
    {2,6,7,0,0,0,0,0}, {0,2,6,7,0,0,0,0}, {1,2,6,7,0,0,0,0}, {0,1,2,6,7,0,0,0},
    {3,6,7,0,0,0,0,0}, {0,3,6,7,0,0,0,0}, {1,3,6,7,0,0,0,0}, {0,1,3,6,7,0,0,0},
    {2,3,6,7,0,0,0,0}, {0,2,3,6,7,0,0,0}, {1,2,3,6,7,0,0,0}, {0,1,2,3,6,7,0,0},
    {4,6,7,0,0,0,0,0}, {0,4,6,7,0,0,0,0}, {1,4,6,7,0,0,0,0}, {0,1,4,6,7,0,0,0},
    {2,4,6,7,0,0,0,0}, {0,2,4,6,7,0,0,0}, {1,2,4,6,7,0,0,0}, {0,1,2,4,6,7,0,0},
    {3,4,6,7,0,0,0,0}, {0,3,4,6,7,0,0,0}, {1,3,4,6,7,0,0,0}, {0,1,3,4,6,7,0,0},
    {2,3,4,6,7,0,0,0}, {0,2,3,4,6,7,0,0}, {1,2,3,4,6,7,0,0}, {0,1,2,3,4,6,7,0},
    {5,6,7,0,0,0,0,0}, {0,5,6,7,0,0,0,0}, {1,5,6,7,0,0,0,0}, {0,1,5,6,7,0,0,0},
    {2,5,6,7,0,0,0,0}, {0,2,5,6,7,0,0,0}, {1,2,5,6,7,0,0,0}, {0,1,2,5,6,7,0,0},
    {3,5,6,7,0,0,0,0}, {0,3,5,6,7,0,0,0}, {1,3,5,6,7,0,0,0}, {0,1,3,5,6,7,0,0},
    {2,3,5,6,7,0,0,0}, {0,2,3,5,6,7,0,0}, {1,2,3,5,6,7,0,0}, {0,1,2,3,5,6,7,0},
    {4,5,6,7,0,0,0,0}, {0,4,5,6,7,0,0,0}, {1,4,5,6,7,0,0,0}, {0,1,4,5,6,7,0,0},
    {2,4,5,6,7,0,0,0}, {0,2,4,5,6,7,0,0}, {1,2,4,5,6,7,0,0}, {0,1,2,4,5,6,7,0},
    {3,4,5,6,7,0,0,0}, {0,3,4,5,6,7,0,0}, {1,3,4,5,6,7,0,0}, {0,1,3,4,5,6,7,0},
    {2,3,4,5,6,7,0,0}, {0,2,3,4,5,6,7,0}, {1,2,3,4,5,6,7,0}, {0,1,2,3,4,5,6,7},
};
#endif /* FI_TN_ONCE */

/* ---- first attempts: one chunk of values and their reject flags --------- */

static inline void FI_SFX(tn32_first)(uint64_t g, const fi_stream *st, const fi_tn32 *q,
                                      float *o, int32_t *rej)
{
    /* (NORMAL is handled by the ziggurat's kernel) */
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    for (int h = 0; h < FI_GPC; h++) {
        for (int j = 0; j < 2; j++) {
            float *oo = o + 2 * FI_LANES * h + FI_LANES * j;
            int32_t *rr = rej + 2 * FI_LANES * h + FI_LANES * j;
            const uint32_t *wa = w[2 * j] + FI_LANES * h, *wb = w[2 * j + 1] + FI_LANES * h;
            if (q->method == FI_TN_UNIFORM) {
                for (int l = 0; l < FI_LANES; l++)
                    rr[l] = fi_tn_unif32(&q->uniform, wa[l], wb[l], &oo[l]) - 1;
            } else {
                for (int l = 0; l < FI_LANES; l++)
                    rr[l] = fi_tn_exp32(&q->exp, wa[l], wb[l], &oo[l]) - 1;
            }
        }
    }
}

static inline void FI_SFX(tn64_first)(uint64_t g, const fi_stream *st, const fi_tn64 *q,
                                      double *o, int32_t *rej)
{
    /* (NORMAL is handled by the ziggurat's kernel) */
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    for (int L = 0; L < FI_CHUNK; L++) {
        uint32_t ww[4] = {w[0][L], w[1][L], w[2][L], w[3][L]};
        rej[L] = fi_tn_cand64(q, ww, &o[L]) - 1;
    }
}

/* ---- retries: the listed elements, FI_TN_RL at a time ------------------- */
/* Element idx[r] of buf is flat index base + idx[r]; its attempt t uses the
 * counter (base + idx[r], stream, t). Accepted values go into buf; the rest
 * stay in the list for attempt t + 1. */

static void FI_SFX(tn32_retry)(const fi_stream *st, const fi_tn32 *q, uint64_t base,
                               int32_t *idx, int nidx, float *buf)
{
    for (uint32_t t = 1; nidx > 0 && t <= FI_TN_MAXTRY; t++) {
        int keep = 0;
        for (int r0 = 0; r0 < nidx; r0 += FI_TN_RL) {
            int cnt = nidx - r0 < FI_TN_RL ? nidx - r0 : FI_TN_RL;
            uint64_t ctr[FI_TN_RL];
            uint32_t w[4][FI_TN_RL];
            float v[FI_TN_RL];
            int32_t ok[FI_TN_RL];
            for (int l = 0; l < FI_TN_RL; l++)
                ctr[l] = base + (uint64_t)idx[r0 + (l < cnt ? l : cnt - 1)];
            fi_philox_gather(ctr, st->stream, t, st->k0, st->k1, w);
            /* candidates from words (0, 1) for every lane; from words (2, 3)
             * only when some lane rejected them all (rare) */
            int all = 1;
            for (int half = 0; half < 2 && (half == 0 || !all); half++) {
                const uint32_t *wa = w[2 * half], *wb = w[2 * half + 1];
                float vh[FI_TN_RL];
                int32_t okh[FI_TN_RL];
                if (q->method == FI_TN_UNIFORM) {
                    for (int l = 0; l < FI_TN_RL; l++)
                        okh[l] = fi_tn_unif32(&q->uniform, wa[l], wb[l], &vh[l]);
                } else {
                    for (int l = 0; l < FI_TN_RL; l++)
                        okh[l] = fi_tn_exp32(&q->exp, wa[l], wb[l], &vh[l]);
                }
                if (half == 0) {
                    for (int l = 0; l < FI_TN_RL; l++) {
                        v[l] = vh[l];
                        ok[l] = okh[l];
                        all &= okh[l];
                    }
                } else {
                    for (int l = 0; l < FI_TN_RL; l++) {
                        v[l] = ok[l] ? v[l] : vh[l];
                        ok[l] |= okh[l];
                    }
                }
            }
            for (int l = 0; l < cnt; l++) {
                int32_t e = idx[r0 + l];
                buf[e] = v[l];       /* the last candidate if rejected: always in [lo, hi] */
                idx[keep] = e;
                keep += !ok[l];
            }
        }
        nidx = keep;
    }
}

static void FI_SFX(tn64_retry)(const fi_stream *st, const fi_tn64 *q, uint64_t base,
                               int32_t *idx, int nidx, double *buf)
{
    for (uint32_t t = 1; nidx > 0 && t <= FI_TN_MAXTRY; t++) {
        int keep = 0;
        for (int r0 = 0; r0 < nidx; r0 += FI_TN_RL) {
            int cnt = nidx - r0 < FI_TN_RL ? nidx - r0 : FI_TN_RL;
            uint64_t ctr[FI_TN_RL];
            uint32_t w[4][FI_TN_RL];
            double v[FI_TN_RL];
            int32_t ok[FI_TN_RL];
            for (int l = 0; l < FI_TN_RL; l++)
                ctr[l] = base + (uint64_t)idx[r0 + (l < cnt ? l : cnt - 1)];
            fi_philox_gather(ctr, st->stream, t, st->k0, st->k1, w);
            for (int l = 0; l < FI_TN_RL; l++) {
                uint32_t ww[4] = {w[0][l], w[1][l], w[2][l], w[3][l]};
                ok[l] = fi_tn_cand64(q, ww, &v[l]);
            }
            for (int l = 0; l < cnt; l++) {
                int32_t e = idx[r0 + l];
                buf[e] = v[l];
                idx[keep] = e;
                keep += !ok[l];
            }
        }
        nidx = keep;
    }
}

/* ---- kernels: sub-pieces of whole chunks, computed in a local buffer ---- */

/* Append k0 + (the set bits of m) to idx, branch-free: 8 positions are
 * always written (idx has FI_LANES entries of slack) and the count advances
 * by the number of set bits. */
static inline int fi_tn_append(uint32_t m, int k0, int32_t *idx, int nidx)
{
    for (int b = 0; b < 32; b += 8) {
        uint32_t m8 = (m >> b) & 0xffu;
        const uint8_t *lp = fi_tn_lp[m8];
#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
        uint64_t packed;
        memcpy(&packed, lp, 8);
        __m256i v = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128((long long)packed));
        _mm256_storeu_si256((__m256i *)(idx + nidx), _mm256_add_epi32(v, _mm256_set1_epi32(k0 + b)));
#else
        for (int j = 0; j < 8; j++)
            idx[nidx + j] = k0 + b + lp[j];
#endif
        nidx += fi_popcount64(m8);
    }
    return nidx;
}

/* Bit mask of 8 reject flags (0 or -1). */
static inline uint32_t fi_tn_mask8(const int32_t *f)
{
#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
    return (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_loadu_si256((const __m256i *)f)));
#else
    uint32_t m = 0;
    for (int k = 0; k < 8; k++)
        m |= ((uint32_t)f[k] & 1u) << k;
    return m;
#endif
}

/* Append the positions k0 + k of the rejected elements of one chunk to idx. */
static inline int fi_tn_collect(const int32_t *rej, int gs, int k0, int32_t *idx, int nidx)
{
    for (int b = 0; b < gs; b += 32) {
        uint32_t m = fi_tn_mask8(rej + b) | fi_tn_mask8(rej + b + 8) << 8;
        if (gs - b > 16)
            m |= fi_tn_mask8(rej + b + 16) << 16 | fi_tn_mask8(rej + b + 24) << 24;
        nidx = fi_tn_append(m, k0 + b, idx, nidx);
    }
    return nidx;
}

/* One kernel: FI_TN_NORMAL goes to the ziggurat's truncated kernel TZ
 * (normal_impl.h); the other methods work on sub-pieces of up to FI_TN_SUB
 * values aligned to whole chunks: first attempts for the whole sub-piece,
 * the positions of the rejects collected, then their retries in batches.
 * DIRECT: whole sub-pieces are computed straight into the output (float32,
 * float64); otherwise through buf and STORE (partial sub-pieces, float16). */
#define FI_TN_KERNEL(NAME, TQ, SETUP, CT, OUT_T, FIRST, RETRY, GS, STORE, DIRECT, TZ)  \
static void FI_SFX(NAME)(void *out, uint64_t start, int64_t n,                     \
                         const fi_stream *st, const fi_params *prm)                \
{                                                                                  \
    TQ q;                                                                          \
    SETUP(prm, &q);                                                                \
    if (q.method == FI_TN_NORMAL || q.method == FI_TN_ZIGGURAT) {                  \
        FI_SFX(TZ)(out, start, n, st, prm);                                        \
        return;                                                                    \
    }                                                                              \
    const uint64_t gs = (GS);                                                      \
    CT buf[FI_TN_SUB];                                                             \
    int32_t idx[FI_TN_SUB + FI_LANES], rej[FI_C32];                                \
    OUT_T *o = (OUT_T *)out;                                                       \
    uint64_t pos = start, end = start + (uint64_t)n;                               \
    while (pos < end) {                                                            \
        uint64_t b0 = pos / gs * gs;                                               \
        uint64_t b1 = (end + gs - 1) / gs * gs;                                    \
        if (b1 > b0 + FI_TN_SUB)                                                   \
            b1 = b0 + FI_TN_SUB;                                                   \
        int direct = DIRECT && pos == b0 && b1 <= end;                             \
        CT *dst = direct ? (CT *)o : buf;                                          \
        int nidx = 0;                                                              \
        uint64_t g = b0 / gs;                                                      \
        for (int k0 = 0; k0 < (int)(b1 - b0); k0 += (int)gs, g++) {                \
            FI_SFX(FIRST)(g, st, &q, dst + k0, rej);                               \
            nidx = fi_tn_collect(rej, (int)gs, k0, idx, nidx);                     \
        }                                                                          \
        FI_SFX(RETRY)(st, &q, b0, idx, nidx, dst);                                 \
        uint64_t hi = b1 < end ? b1 : end;                                         \
        if (!direct)                                                               \
            FI_STORE_RUN(o, buf + (pos - b0), hi - pos, STORE);                    \
        o += hi - pos;                                                             \
        pos = hi;                                                                  \
    }                                                                              \
}

/* One truncated-normal kernel per dtype of FI_DTYPE_TABLE, by stream
 * arrangement: NORMAL is the ziggurat's kernel of the same dtype; chunk
 * sizes are those of the 32- or 64-bit streams. float16 computes in float32;
 * lo and hi are float16 values, so the rounded result stays within them. */
#define FI_TN_GS32 FI_C64
#define FI_TN_GS64 FI_CHUNK
#define FI_TN_FOR_DTYPE(CODE, SFX, NAME, STORE_T, WORK_T, BITS, STORE, DIRECT)            \
    FI_TN_KERNEL(k_truncnorm_##SFX, fi_tn##BITS, fi_tn##BITS##_setup, WORK_T, STORE_T,    \
                 tn##BITS##_first, tn##BITS##_retry, FI_TN_GS##BITS, STORE, DIRECT,       \
                 k_tnzig_##SFX)
FI_DTYPE_TABLE(FI_TN_FOR_DTYPE)
#undef FI_TN_FOR_DTYPE
#undef FI_TN_KERNEL
