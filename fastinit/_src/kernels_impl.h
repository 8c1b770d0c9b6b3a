/* Kernel bodies, compiled once per SIMD path (kern_*.c define FI_SFX and the
 * target before including this file). Plain loops over FI_LANES lanes that
 * the compiler vectorizes; no FMA contraction, so all paths agree bit for bit.
 *
 * Stream layout (a compatibility promise: changing it changes every output).
 * A "group" is FI_LANES consecutive Philox counters 8g..8g+7, word k of lane l
 * written w[k][l].
 *   32-bit streams (float32 and float16 values): group g gives flat indices
 *     32g .. 32g+31; index 32g + 8k + l comes from w[k][l] (normal: the
 *     ziggurat's first attempt, see normal_impl.h).
 *   64-bit streams (float64 values): group g gives 16g .. 16g+15; index
 *     16g + 8j + l comes from the 53-bit word (w[2j] : w[2j+1]) >> 11 of lane
 *     l (normal: the ziggurat's first attempt from the same 64 bits).
 */
#include <string.h>
#include <math.h>
#include "kernels.h"
#include "philox.h"
#include "fimath.h"
#include "transforms.h"
#include "ziggurat.h"

/* A chunk is FI_CHUNK / FI_LANES = 2 consecutive groups (2g', 2g'+1): the
 * unit the kernels compute at once. Its values are contiguous in the stream. */
#define FI_GPC (FI_CHUNK / FI_LANES)
#define FI_G32 (4 * FI_LANES)   /* values of one group, 32-bit streams */
#define FI_G64 (2 * FI_LANES)   /* values of one group, 64-bit streams */
#define FI_C32 (4 * FI_CHUNK)   /* values of one chunk */
#define FI_C64 (2 * FI_CHUNK)

/* ---- one chunk of values ---------------------------------------------- */
/* In the loops below, h is the group within the chunk and l the lane. */

static inline void FI_SFX(uniform32_group)(uint64_t g, const fi_stream *st,
                                           float low, float scale, float top, float *o)
{
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    for (int h = 0; h < FI_GPC; h++) {
        for (int k = 0; k < 4; k++) {
            for (int l = 0; l < FI_LANES; l++) {
                o[4 * FI_LANES * h + FI_LANES * k + l] =
                    fi_uniform32(w[k][FI_LANES * h + l], low, scale, top);
            }
        }
    }
}

static inline void FI_SFX(uniform64_group)(uint64_t g, const fi_stream *st,
                                           double low, double scale, double top, double *o)
{
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    for (int h = 0; h < FI_GPC; h++) {
        for (int j = 0; j < 2; j++) {
            for (int l = 0; l < FI_LANES; l++) {
                int L = FI_LANES * h + l;
                o[2 * FI_LANES * h + FI_LANES * j + l] =
                    fi_uniform64(w[2 * j][L], w[2 * j + 1][L], low, scale, top);
            }
        }
    }
}

static inline void FI_SFX(to_f16)(const float *src, uint16_t *dst, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        dst[i] = fi_f32_to_f16(src[i]);
}

/* ---- pieces: any start, any length ------------------------------------- */

/* Walk the groups overlapping [start, start+n); full groups are written
 * straight into the output, partial ones through tmp. EMIT(g, dst) fills one
 * group; PUT(dst, src, count) stores count values. */
#define FI_PIECES(GS, TMP_T, OUT_T, EMIT, PUT, DIRECT)                          \
    do {                                                                        \
        OUT_T *o_ = (OUT_T *)out;                                               \
        uint64_t pos_ = start, end_ = start + (uint64_t)n;                      \
        TMP_T tmp_[GS];                                                         \
        while (pos_ < end_) {                                                   \
            uint64_t g_ = pos_ / (GS), gb_ = g_ * (GS);                         \
            uint64_t hi_ = gb_ + (GS) < end_ ? gb_ + (GS) : end_;               \
            int64_t cnt_ = (int64_t)(hi_ - pos_);                               \
            if (DIRECT && cnt_ == (GS)) {                                       \
                EMIT(g_, (TMP_T *)o_);                                          \
            } else {                                                            \
                EMIT(g_, tmp_);                                                 \
                PUT(o_, tmp_ + (pos_ - gb_), cnt_);                             \
            }                                                                   \
            o_ += cnt_;                                                         \
            pos_ = hi_;                                                         \
        }                                                                       \
    } while (0)

#define FI_COPY(dst, src, cnt) memcpy((dst), (src), (size_t)(cnt) * sizeof(*(dst)))
#define FI_PUT16(dst, src, cnt) FI_SFX(to_f16)((src), (dst), (cnt))

static void FI_SFX(k_uniform_f32)(void *out, uint64_t start, int64_t n,
                                  const fi_stream *st, const fi_params *prm)
{
    float low = (float)prm->p[0], scale = (float)prm->p[1], top = (float)prm->p[2];
#define EMIT(g, d) FI_SFX(uniform32_group)((g), st, low, scale, top, (d))
    FI_PIECES(FI_C32, float, float, EMIT, FI_COPY, 1);
#undef EMIT
}

static void FI_SFX(k_uniform_f16)(void *out, uint64_t start, int64_t n,
                                  const fi_stream *st, const fi_params *prm)
{
    /* computed in float32; top is a float16 value, so rounding the clamped
     * float32 result to float16 can never reach high */
    float low = (float)prm->p[0], scale = (float)prm->p[1], top = (float)prm->p[2];
#define EMIT(g, d) FI_SFX(uniform32_group)((g), st, low, scale, top, (d))
    FI_PIECES(FI_C32, float, uint16_t, EMIT, FI_PUT16, 0);
#undef EMIT
}

static void FI_SFX(k_uniform_f64)(void *out, uint64_t start, int64_t n,
                                  const fi_stream *st, const fi_params *prm)
{
    double low = prm->p[0], scale = prm->p[1], top = prm->p[2];
#define EMIT(g, d) FI_SFX(uniform64_group)((g), st, low, scale, top, (d))
    FI_PIECES(FI_C64, double, double, EMIT, FI_COPY, 1);
#undef EMIT
}

/* Constant fills ignore the stream. */
static void FI_SFX(k_constant_f32)(void *out, uint64_t start, int64_t n,
                                   const fi_stream *st, const fi_params *prm)
{
    (void)start; (void)st;
    float v = (float)prm->p[0], *o = (float *)out;
    for (int64_t i = 0; i < n; i++) o[i] = v;
}

static void FI_SFX(k_constant_f64)(void *out, uint64_t start, int64_t n,
                                   const fi_stream *st, const fi_params *prm)
{
    (void)start; (void)st;
    double v = prm->p[0], *o = (double *)out;
    for (int64_t i = 0; i < n; i++) o[i] = v;
}

static void FI_SFX(k_constant_f16)(void *out, uint64_t start, int64_t n,
                                   const fi_stream *st, const fi_params *prm)
{
    (void)start; (void)st;
    uint16_t v = fi_f32_to_f16((float)prm->p[0]), *o = (uint16_t *)out;
    for (int64_t i = 0; i < n; i++) o[i] = v;
}

/* normal_impl.h: the ziggurat kernels of normal_ and of the truncated
 * normal's normal rejection, which truncnorm_impl.h calls */
static void FI_SFX(k_tnzig_f32)(void *, uint64_t, int64_t, const fi_stream *, const fi_params *);
static void FI_SFX(k_tnzig_f16)(void *, uint64_t, int64_t, const fi_stream *, const fi_params *);
static void FI_SFX(k_tnzig_f64)(void *, uint64_t, int64_t, const fi_stream *, const fi_params *);
#include "truncnorm_impl.h"
#include "normal_impl.h"
