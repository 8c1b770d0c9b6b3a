/* The ziggurat normal sampler (Marsaglia & Tsang 2000, 256 layers): the
 * per-element transforms, shared by the kernels (normal_impl.h, compiled per
 * SIMD path) and the census (census.c). Plain C with fixed operation order
 * and no FMA contraction, so that every path and machine gets the same bits.
 * docs/normal-sampler.md gives the reasoning and the proof of the law.
 *
 * float32, one 32-bit word w per value:
 *   k = w & 255 (layer), s = bit 8 (sign), u = w >> 9 (23 value bits):
 *   disjoint bits, so layer and value are independent (Doornik 2005).
 *   x = u * X[k]; fast path: u < K[k] (x inside the curve without a test;
 *   98.5% of words); value s ? -x : x.
 * float64, the 64 bits b = hi:lo of two words (the 53-bit uniform's words):
 *   u = b >> 11 (53 value bits), k = lo & 255, s = bit 8 of lo.
 *
 * The slow path (1.5% of elements) continues the element's attempt with the
 * words of its own retry blocks: block t = 1, 2, ... of flat index i is
 * Philox counter (i, stream, FI_ZIG_SUB + t), a sub-space no other sampler
 * uses. With the failed proposal (k, s, u):
 *   k >= 1, the wedge: accept x if F[k] + v D[k] < exp(-x^2/2) (tested as
 *     log(F[k] + v D[k]) < -x^2/2), v a uniform from the block; otherwise a
 *     new proposal from the block, which may be accepted by the fast path or
 *     go on to the next block.
 *   k == 0, the tail beyond R (Marsaglia 1964): x = sqrt(R^2 - 2 log u1),
 *     accepted if u2 x < R; trials repeat (never a new layer) until one is
 *     accepted: the tail's mass is its proposal mass.
 * float32 block: wedge v from r0, new proposal r1; tail trials (r0, r1) and
 * (r2, r3). float64 block: wedge v from (r0, r1), new proposal (r2, r3);
 * tail trial u1 from (r0, r1), u2 from (r2, r3).
 */
#ifndef FASTINIT_ZIGGURAT_H
#define FASTINIT_ZIGGURAT_H

#include <math.h>
#include <stdint.h>
#include "fimath.h"
#include "ziggurat_tables.h"

#define FI_ZIG_SUB 0x80000000u    /* retry blocks: c3 = FI_ZIG_SUB + t */
#define FI_ZIG_MAXTRY 64u         /* P(more blocks) < 1e-100 */

/* ---- float32 ----------------------------------------------------------- */

/* |value| of the proposal w (u * X[k]) */
static inline float fi_zig32_abs(uint32_t w)
{
    return (float)(int32_t)(w >> 9) * fi_u2f((uint32_t)fi_zig_xk32[w & 255u]);
}

static inline int fi_zig32_fast(uint32_t w)
{
    return (w >> 9) < (uint32_t)(fi_zig_xk32[w & 255u] >> 32);
}

/* x with the sign bit of w */
static inline float fi_zig32_signed(uint32_t w, float x)
{
    return fi_u2f(fi_f2u(x) | ((w << 23) & 0x80000000u));
}

/* The first attempt: the signed value of w and whether it is final. */
static inline float fi_zig32_first(uint32_t w, int32_t *ok)
{
    *ok = fi_zig32_fast(w);
    return fi_zig32_signed(w, fi_zig32_abs(w));
}

/* Wedge test of layer k >= 1 for x = |value| with the word r. */
static inline int fi_zig32_wedge(uint32_t k, float x, uint32_t r)
{
    float v = (float)(int32_t)(r >> 8) * 0x1p-24f;
    float y = fi_zig_f32[k] + v * fi_zig_d32[k];
    return fi_logf(y) < -0.5f * (x * x);
}

/* Tail proposal from the word r1 (u1 in (0, 1] as the Exp(1) samplers use). */
static inline float fi_zig32_tailx(uint32_t r1)
{
    float u1 = (float)(int32_t)(r1 >> 1) * 0x1p-31f + 0x1p-32f;
    return sqrtf(FI_ZIG_RR32 - 2.0f * fi_logf(u1));
}

static inline int fi_zig32_tailok(float x, uint32_t r2)
{
    return (float)(int32_t)(r2 >> 8) * 0x1p-24f * x < FI_ZIG_R32;
}

/* One retry block r[0..3] for the failed proposal *p: returns whether the
 * element is final, its signed value in *z; *p becomes the proposal for the
 * next block. Branch-free, so that lanes vectorize. */
static inline int fi_zig32_step(uint32_t *p, uint32_t r0, uint32_t r1, uint32_t r2, uint32_t r3,
                                float *z)
{
    uint32_t w = *p, k = w & 255u;
    float x = fi_zig32_abs(w);
    /* wedge, then a new proposal r1 */
    int wok = fi_zig32_wedge(k, x, r0);
    int nok = fi_zig32_fast(r1);
    float xn = fi_zig32_abs(r1);
    /* tail: two trials */
    float t1 = fi_zig32_tailx(r0), t2 = fi_zig32_tailx(r2);
    int a1 = fi_zig32_tailok(t1, r1), a2 = fi_zig32_tailok(t2, r3);
    int tail = k == 0u;
    int ok = tail ? (a1 | a2) : (wok | nok);
    float xv = tail ? (a1 ? t1 : t2) : (wok ? x : xn);
    uint32_t sw = (tail | wok) ? w : r1;
    *z = fi_zig32_signed(sw, xv);
    *p = (tail | wok) ? w : r1;
    return ok;
}

/* ---- float64 ----------------------------------------------------------- */

static inline uint64_t fi_zig64_bits(uint32_t hi, uint32_t lo)
{
    return ((uint64_t)hi << 32) | lo;
}

static inline double fi_zig64_abs(uint64_t b)
{
    return (double)(int64_t)(b >> 11) * fi_zig_x64[b & 255u];
}

static inline int fi_zig64_fast(uint64_t b)
{
    return (int64_t)(b >> 11) < fi_zig_k64[b & 255u];
}

static inline double fi_zig64_signed(uint64_t b, double x)
{
    return fi_u2d(fi_d2u(x) | ((b << 55) & 0x8000000000000000ull));
}

static inline double fi_zig64_first(uint64_t b, int32_t *ok)
{
    *ok = fi_zig64_fast(b);
    return fi_zig64_signed(b, fi_zig64_abs(b));
}

static inline int fi_zig64_wedge(uint64_t k, double x, uint64_t r)
{
    double v = (double)(int64_t)(r >> 11) * 0x1p-53;
    double y = fi_zig_f64[k] + v * fi_zig_d64[k];
    return fi_log(y) < -0.5 * (x * x);
}

static inline double fi_zig64_tailx(uint64_t r1)
{
    double u1 = (double)(int64_t)(2 * (r1 >> 11) + 1) * 0x1p-54;
    return sqrt(FI_ZIG_RR64 - 2.0 * fi_log(u1));
}

static inline int fi_zig64_tailok(double x, uint64_t r2)
{
    return (double)(int64_t)(r2 >> 11) * 0x1p-53 * x < FI_ZIG_R64;
}

/* One retry block (ra = r0:r1, rb = r2:r3) for the failed proposal *p. */
static inline int fi_zig64_step(uint64_t *p, uint64_t ra, uint64_t rb, double *z)
{
    uint64_t b = *p, k = b & 255u;
    double x = fi_zig64_abs(b);
    int wok = fi_zig64_wedge(k, x, ra);
    int nok = fi_zig64_fast(rb);
    double xn = fi_zig64_abs(rb);
    double t = fi_zig64_tailx(ra);
    int a = fi_zig64_tailok(t, rb);
    int tail = k == 0u;
    int ok = tail ? a : (wok | nok);
    double xv = tail ? t : (wok ? x : xn);
    uint64_t sb = (tail | wok) ? b : rb;
    *z = fi_zig64_signed(sb, xv);
    *p = sb;
    return ok;
}

#endif
