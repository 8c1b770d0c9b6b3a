/* The ziggurat normal sampler (Marsaglia & Tsang 2000, FI_ZIG_N = 1024
 * layers): the per-element transforms, shared by the kernels
 * (normal_impl.h, compiled per SIMD path) and the census (census.c). Plain
 * C with fixed operation order and no FMA contraction, so that every path
 * and machine gets the same bits. docs/normal-sampler.md gives the
 * reasoning and the proof of the law.
 *
 * float32, one 32-bit word w per value:
 *   k = w & 1023 (layer), s = bit 10 (sign), u = w >> 11 (21 value bits):
 *   disjoint bits, so layer and value are independent (Doornik 2005).
 *   value u * X[j], j = w & 2047 = 1024 s + k (the tables carry the sign);
 *   fast path: u < K[j] (|value| inside the curve without a test; 99.57%
 *   of words).
 * float64, the 64 bits b = hi:lo of two words (the 53-bit uniform's words):
 *   u = b >> 11 (53 value bits), k = lo & 1023, s = bit 10 of lo.
 * (FI_ZIG_KMASK, FI_ZIG_JMASK and FI_ZIG_P32 below name these masks and
 * widths for the generated FI_ZIG_LBITS = 10.)
 *
 * The slow path (0.43% of elements) continues with the element's own retry
 * blocks: block t = 1, 2, ... of flat index i is Philox counter
 * (i, stream, FI_ZIG_SUB + t), a sub-space no other sampler uses. The state
 * between blocks is the failed proposal, or 0 for none (see fi_zig32_step):
 *   k >= 1, the wedge: accept x if F[k] + v D[k] < exp(-x^2/2) (tested as
 *     log(F[k] + v D[k]) < -x^2/2), v a uniform from the block; a failure
 *     starts a new attempt at once, on the block's next unused word(s).
 *   k == 0, the tail beyond R (Marsaglia 1964): x = sqrt(R^2 - 2 log u1),
 *     accepted if u2 x < R; trials repeat (never a new layer) until one is
 *     accepted: the tail's mass is its proposal mass.
 */
#ifndef FASTINIT_ZIGGURAT_H
#define FASTINIT_ZIGGURAT_H

#include <math.h>
#include <stdint.h>
#include "fimath.h"
#include "ziggurat_tables.h"

/* A word's (float32) or low word's (float64) layout: layer k = w &
 * FI_ZIG_KMASK, the sign in bit FI_ZIG_LBITS, so j = w & FI_ZIG_JMASK =
 * sign * FI_ZIG_N + k indexes the signed tables; float32's FI_ZIG_P32 value
 * bits above them, float64's 53 value bits b >> 11 (so LBITS <= 10). */
#define FI_ZIG_KMASK (FI_ZIG_N - 1u)
#define FI_ZIG_JMASK (2u * FI_ZIG_N - 1u)
#define FI_ZIG_P32 (31 - FI_ZIG_LBITS)
_Static_assert(FI_ZIG_N == 1 << FI_ZIG_LBITS && FI_ZIG_LBITS <= 10, "ziggurat layer bits");

#define FI_ZIG_SUB 0x80000000u    /* retry blocks: c3 = FI_ZIG_SUB + t */
#define FI_ZIG_MAXTRY 100000u     /* then the last candidate, clamped */

/* A ziggurat's tables as the kernels and the census read them: the normal
 * sampler's static ones (fi_zig_normal32/64) or those of a truncated
 * normal's ziggurat on [-c, c] (an fi_ztab, built by fi_ztab_build in
 * ztab.c; docs/normal-sampler.md). tail: all ones when layer 0's words at
 * or above K[0] enter the normal's tail beyond R; 0 when layer 0 is a layer
 * like the others (its wedge tested against the curve). */
typedef struct { const uint64_t *xk; const float *F, *D; uint32_t tail; } fi_zt32;
typedef struct { const double *X; const int64_t *K; const double *F, *D; uint64_t tail; } fi_zt64;

static inline fi_zt32 fi_zig_normal32(void)
{
    fi_zt32 t = {fi_zig_xk32, fi_zig_f32, fi_zig_d32, ~0u};
    return t;
}

static inline fi_zt64 fi_zig_normal64(void)
{
    fi_zt64 t = {fi_zig_x64, fi_zig_k64, fi_zig_f64, fi_zig_d64, ~0ull};
    return t;
}

/* The tables of the ziggurat of exp(-x^2/2) on [0, c], in the layouts of
 * ziggurat_tables.h (x64 and xk32 indexed by sign * FI_ZIG_N + layer). */
typedef struct fi_ztab {
    uint64_t xk32[2 * FI_ZIG_N];
    float f32[FI_ZIG_N], d32[FI_ZIG_N];
    double x64[2 * FI_ZIG_N];
    int64_t k64[FI_ZIG_N];
    double f64[FI_ZIG_N], d64[FI_ZIG_N];
    double c, v;       /* the half-width and the layer area */
} fi_ztab;

static inline fi_zt32 fi_ztab_view32(const fi_ztab *z)
{
    fi_zt32 t = {z->xk32, z->f32, z->d32, 0u};
    return t;
}

static inline fi_zt64 fi_ztab_view64(const fi_ztab *z)
{
    fi_zt64 t = {z->x64, z->k64, z->f64, z->d64, 0ull};
    return t;
}

/* Build the tables for the half-width c (0 < c <= FI_ZTAB_CMAX): 0, or -1
 * for a c out of range. */
#define FI_ZTAB_CMAX 8.0
int fi_ztab_build(double c, fi_ztab *z);

/* ---- float32 ----------------------------------------------------------- */

/* The proposal w's signed value u * X[j], j = w & 511 (sign and layer),
 * and its fast-path test, given its packed table entry e = xk[j] of the
 * tables in use (fi_zt32; X in the low half, K in the high one). */
static inline float fi_zig32_value_e(uint32_t w, uint64_t e)
{
    return (float)(int32_t)(w >> (FI_ZIG_LBITS + 1)) * fi_u2f((uint32_t)e);
}

static inline int32_t fi_zig32_fast_e(uint32_t w, uint64_t e)
{
    return (w >> (FI_ZIG_LBITS + 1)) < (uint32_t)(e >> 32);
}

/* Wedge test of layer k >= 1 (bottom F, height D) for x = |value|, word r. */
static inline int32_t fi_zig32_wedge(float F, float D, float x, uint32_t r)
{
    float v = (float)(int32_t)(r >> 8) * 0x1p-24f;
    float y = F + v * D;
    return fi_logf(y) < -0.5f * (x * x);
}

/* Tail proposal from the word r1 (u1 in (0, 1] as the Exp(1) samplers use)
 * and its test with the word r2. */
static inline float fi_zig32_tailx(uint32_t r1)
{
    float u1 = (float)(int32_t)(r1 >> 1) * 0x1p-31f + 0x1p-32f;
    return sqrtf(FI_ZIG_RR32 - 2.0f * fi_logf(u1));
}

static inline int32_t fi_zig32_tailok(float x, uint32_t r2)
{
    return (float)(int32_t)(r2 >> 8) * 0x1p-24f * x < FI_ZIG_R32;
}

/* Bitwise select: a where the mask m is all ones, b where it is zero
 * (the form GCC's vectorizer takes; ternaries here kept the loop scalar). */
static inline uint32_t fi_sel32(uint32_t m, uint32_t a, uint32_t b) { return (a & m) | (b & ~m); }
static inline uint64_t fi_sel64(uint64_t m, uint64_t a, uint64_t b) { return (a & m) | (b & ~m); }

/* One retry block r0..r3. The state p is the element's failed proposal, or
 * 0 (no proposal: a failed proposal is never 0, since u = 0 in layer 0 is
 * fast). P = p ? p : r0 is the proposal, with its table values given (x =
 * |value|, fastP = fast path, counted only for a fresh P). Words: fresh P =
 * r0, its wedge uniform r1, one tail trial (r2, r3); an old P: wedge
 * uniform r0, tail trials (r0, r1) and (r2, r3). A failed wedge test starts
 * a new attempt at once with the proposal Q = fi_zig32_second(p, r1, r2)
 * (r2 after a fresh P, r1 after an old one): its value if it is on the
 * fast path, else it is the next block's state. The costly parts come
 * computed: wok = the wedge test (fi_zig32_wedge with r1 for a fresh P, r0
 * for an old one), ta and tb = the tail proposals of r0 and r2; each is
 * read only where fi_zig32_needs says so (the kernels compute a part only
 * for batches where some lane needs it, and pass 0 otherwise); xq and
 * fastQ: Q's |value| and fast-path test. Returns whether there is a
 * candidate (0/1), its signed value's bits in *zb; *next is the state for
 * the next block: P if the tail is still trying, Q after a failed wedge
 * when Q is not fast, else 0 (the caller also starts afresh when it
 * rejects the candidate). tailm: the table's tail mask (fi_zt32.tail; 0:
 * layer 0 is a wedge layer too). Table-free and branch-free: lanes
 * vectorize. */
static inline uint32_t fi_zig32_second(uint32_t p, uint32_t r1, uint32_t r2)
{
    return fi_sel32(-(uint32_t)(p == 0u), r2, r1);
}

static inline int32_t fi_zig32_step(uint32_t p, uint32_t P, float x, int32_t fastP, int32_t wok,
                                    float ta, float tb, uint32_t r1, uint32_t r3, uint32_t tailm,
                                    uint32_t Q, float xq, int32_t fastQ, uint32_t *zb,
                                    uint32_t *next)
{
    uint32_t fresh = -(uint32_t)(p == 0u);
    uint32_t fast = fresh & -(uint32_t)fastP;
    uint32_t tail = -(uint32_t)((P & FI_ZIG_KMASK) == 0u) & ~fast & tailm;
    uint32_t aa = -(uint32_t)fi_zig32_tailok(ta, r1) & ~fresh;
    uint32_t ab = -(uint32_t)fi_zig32_tailok(tb, r3);
    uint32_t wfail = ~fast & ~tail & ~(-(uint32_t)wok);   /* a failed wedge: Q */
    uint32_t qfast = wfail & -(uint32_t)fastQ;
    uint32_t cand = fast | fi_sel32(tail, aa | ab, -(uint32_t)wok) | qfast;
    uint32_t xv = fi_sel32(tail, fi_sel32(aa, fi_f2u(ta), fi_f2u(tb)),
                           fi_sel32(qfast, fi_f2u(xq), fi_f2u(x)));
    *zb = xv | ((fi_sel32(qfast, Q, P) << (31 - FI_ZIG_LBITS)) & 0x80000000u);
    *next = (P & (tail & ~cand)) | (Q & (wfail & ~qfast));
    return (int32_t)(cand & 1u);
}

/* Which costly parts of fi_zig32_step the lane reads: FI_ZIG_NEED_WEDGE
 * (neither fast nor tail), FI_ZIG_NEED_TAIL (the tail). (Also float64.) */
#define FI_ZIG_NEED_WEDGE 1u
#define FI_ZIG_NEED_TAIL 2u
static inline uint32_t fi_zig_needs(int32_t fresh, int32_t fastP, int32_t layer0)
{
    uint32_t fast = (uint32_t)(fresh & fastP), tail = (uint32_t)layer0 & ~fast & 1u;
    return ((~fast & ~tail & 1u) * FI_ZIG_NEED_WEDGE) | (tail * FI_ZIG_NEED_TAIL);
}

/* The same with the lookups in the tables t and every part (scalar use:
 * the census, the tests). */
static inline int32_t fi_zig32_step_t(const fi_zt32 *t, uint32_t *p, uint32_t r0, uint32_t r1,
                                      uint32_t r2, uint32_t r3, float *z)
{
    uint32_t P = *p ? *p : r0, k = P & FI_ZIG_KMASK, zb, Q = fi_zig32_second(*p, r1, r2);
    uint64_t e = t->xk[P & FI_ZIG_JMASK], eq = t->xk[Q & FI_ZIG_JMASK];
    float x = fabsf(fi_zig32_value_e(P, e));
    int32_t wok = fi_zig32_wedge(t->F[k], t->D[k], x, *p ? r0 : r1);
    int32_t c = fi_zig32_step(*p, P, x, fi_zig32_fast_e(P, e), wok, fi_zig32_tailx(r0),
                              fi_zig32_tailx(r2), r1, r3, t->tail, Q,
                              fabsf(fi_zig32_value_e(Q, eq)), fi_zig32_fast_e(Q, eq), &zb, p);
    *z = fi_u2f(zb);
    return c;
}

/* ---- float64 ----------------------------------------------------------- */

static inline uint64_t fi_zig64_bits(uint32_t hi, uint32_t lo)
{
    return ((uint64_t)hi << 32) | lo;
}

/* (double) u for u < 2^53, exactly, without an int64 conversion (which
 * AVX2 lacks, so that loops using it stay scalar): 2^32 uh from the double
 * 2^84 + 2^32 uh and ul from 2^52 + ul, every step exact. */
static inline double fi_u53_to_d(uint64_t u)
{
    double hi = fi_u2d((u >> 32) | 0x4530000000000000ull) - (0x1p84 + 0x1p52);
    return hi + fi_u2d((u & 0xffffffffull) | 0x4330000000000000ull);
}

/* The value and fast-path test of b, given its entries X = X[b & 511] and
 * K = K[b & 255] of the tables in use (fi_zt64). */
static inline double fi_zig64_value_e(uint64_t b, double X)
{
    return fi_u53_to_d(b >> 11) * X;
}

static inline int32_t fi_zig64_fast_e(uint64_t b, int64_t K)
{
    return (int64_t)(b >> 11) < K;
}

static inline int32_t fi_zig64_wedge(double F, double D, double x, uint64_t r)
{
    double v = fi_u53_to_d(r >> 11) * 0x1p-53;
    double y = F + v * D;
    return fi_log(y) < -0.5 * (x * x);
}

static inline double fi_zig64_tailx(uint64_t r1)
{
    double u1 = fi_u53_to_d(r1 >> 11) * 0x1p-53 + 0x1p-54;
    return sqrt(FI_ZIG_RR64 - 2.0 * fi_log(u1));
}

static inline int32_t fi_zig64_tailok(double x, uint64_t r2)
{
    return fi_u53_to_d(r2 >> 11) * 0x1p-53 * x < FI_ZIG_R64;
}

/* One retry block (ra = r0:r1, rb = r2:r3), as fi_zig32_step. Fresh P = ra,
 * its wedge uniform rb, no tail trial in this block, a failed wedge starts
 * afresh in the next block; an old P: wedge uniform ra, tail trial (ra,
 * rb), a failed wedge goes on with the proposal Q = rb. wok:
 * fi_zig64_wedge with rb for a fresh P, ra for an old one; t =
 * fi_zig64_tailx(ra); each read only where fi_zig_needs says so; xq and
 * fastQ: rb's |value| and fast-path test. */
static inline int32_t fi_zig64_step(uint64_t p, uint64_t P, double x, int32_t fastP, int32_t wok,
                                    double t, uint64_t rb, uint64_t tailm, double xq,
                                    int32_t fastQ, uint64_t *zb, uint64_t *next)
{
    uint64_t fresh = -(uint64_t)(p == 0u);
    uint64_t fast = fresh & -(uint64_t)fastP;
    uint64_t tail = -(uint64_t)((P & FI_ZIG_KMASK) == 0u) & ~fast & tailm;
    uint64_t a = -(uint64_t)fi_zig64_tailok(t, rb) & ~fresh;
    uint64_t wfail = ~fresh & ~tail & ~(-(uint64_t)wok);   /* an old P's failed wedge: rb */
    uint64_t qfast = wfail & -(uint64_t)fastQ;
    uint64_t cand = fast | fi_sel64(tail, a, -(uint64_t)wok) | qfast;
    uint64_t xv = fi_sel64(tail, fi_d2u(t), fi_sel64(qfast, fi_d2u(xq), fi_d2u(x)));
    *zb = xv | ((fi_sel64(qfast, rb, P) << (63 - FI_ZIG_LBITS)) & 0x8000000000000000ull);
    *next = (P & (tail & ~cand)) | (rb & (wfail & ~qfast));
    return (int32_t)(cand & 1u);
}

static inline int32_t fi_zig64_step_t(const fi_zt64 *t, uint64_t *p, uint64_t ra, uint64_t rb,
                                      double *z)
{
    uint64_t P = *p ? *p : ra, k = P & FI_ZIG_KMASK, zb;
    double x = fabs(fi_zig64_value_e(P, t->X[P & FI_ZIG_JMASK]));
    int32_t wok = fi_zig64_wedge(t->F[k], t->D[k], x, *p ? ra : rb);
    int32_t c = fi_zig64_step(*p, P, x, fi_zig64_fast_e(P, t->K[k]), wok, fi_zig64_tailx(ra), rb,
                              t->tail, fabs(fi_zig64_value_e(rb, t->X[rb & FI_ZIG_JMASK])),
                              fi_zig64_fast_e(rb, t->K[rb & FI_ZIG_KMASK]), &zb, p);
    *z = fi_u2d(zb);
    return c;
}

#endif
