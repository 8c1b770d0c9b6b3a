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

/* ---- pieces: any start, any length ------------------------------------- */

/* Walk the groups overlapping [start, start+n); full groups are written
 * straight into the output when DIRECT (storage type = compute type),
 * partial ones (and every group otherwise) through tmp, converted by
 * STORE. EMIT(g, dst) fills one group. */
#define FI_PIECES(GS, TMP_T, OUT_T, EMIT, STORE, DIRECT)                        \
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
                FI_STORE_RUN(o_, tmp_ + (pos_ - gb_), cnt_, STORE);             \
            }                                                                   \
            o_ += cnt_;                                                         \
            pos_ = hi_;                                                         \
        }                                                                       \
    } while (0)

/* dst[0..cnt) = STORE(src[0..cnt)) */
#define FI_STORE_RUN(dst, src, cnt, STORE)                                      \
    do {                                                                        \
        for (int64_t i_ = 0; i_ < (int64_t)(cnt); i_++)                         \
            (dst)[i_] = STORE((src)[i_]);                                       \
    } while (0)

/* Group emitters by stream arrangement (they read the kernel's locals). */
#define FI_EMIT_UNIFORM32(g, d) FI_SFX(uniform32_group)((g), st, low, scale, top, (d))
#define FI_EMIT_UNIFORM64(g, d) FI_SFX(uniform64_group)((g), st, low, scale, top, (d))

/* The element-wise kernels of one dtype of FI_DTYPE_TABLE. Values are
 * computed in WORK_T and stored through STORE: float16 computes in float32
 * and rounds once, so uniform's top (a float16 value) is never passed.
 * Constant fills ignore the stream. (normal_: normal_impl.h.) */
#define FI_ELEMENTWISE_KERNELS(CODE, SFX, NAME, STORE_T, WORK_T, BITS, STORE, DIRECT)  \
static void FI_SFX(k_uniform_##SFX)(void *out, uint64_t start, int64_t n,              \
                                    const fi_stream *st, const fi_params *prm)         \
{                                                                                      \
    WORK_T low = (WORK_T)prm->uniform.low, scale = (WORK_T)prm->uniform.width;         \
    WORK_T top = (WORK_T)prm->uniform.top;                                             \
    FI_PIECES(FI_C##BITS, WORK_T, STORE_T, FI_EMIT_UNIFORM##BITS, STORE, DIRECT);      \
}                                                                                      \
static void FI_SFX(k_constant_##SFX)(void *out, uint64_t start, int64_t n,             \
                                     const fi_stream *st, const fi_params *prm)        \
{                                                                                      \
    (void)start; (void)st;                                                             \
    STORE_T v = STORE((WORK_T)prm->constant.value), *o = (STORE_T *)out;               \
    for (int64_t i = 0; i < n; i++) o[i] = v;                                          \
}

FI_DTYPE_TABLE(FI_ELEMENTWISE_KERNELS)
#undef FI_ELEMENTWISE_KERNELS

/* normal_impl.h: the ziggurat kernels of normal_ and of the truncated
 * normal's normal rejection, which truncnorm_impl.h calls */
#define FI_TNZIG_DECL(CODE, SFX, ...)                                                     \
    static void FI_SFX(k_tnzig_##SFX)(void *, uint64_t, int64_t, const fi_stream *,      \
                                      const fi_params *);
FI_DTYPE_TABLE(FI_TNZIG_DECL)
#undef FI_TNZIG_DECL
#include "truncnorm_impl.h"
#include "normal_impl.h"
