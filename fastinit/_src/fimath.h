/* fastinit's own elementary functions.
 *
 * Fixed operation order, no FMA contraction (the build passes
 * -ffp-contract=off) and branch-free bodies, so that the compiler can
 * vectorize them and every SIMD path, and every machine with IEEE-754
 * arithmetic, gets the same bits. Accuracy: a few ulp on the ranges the
 * samplers use (tests/test_core.py checks them against the C library).
 */
#ifndef FASTINIT_FIMATH_H
#define FASTINIT_FIMATH_H

#include <stdint.h>

static inline uint32_t fi_f2u(float x) { union { float f; uint32_t u; } v; v.f = x; return v.u; }
static inline float fi_u2f(uint32_t x) { union { float f; uint32_t u; } v; v.u = x; return v.f; }
static inline uint64_t fi_d2u(double x) { union { double f; uint64_t u; } v; v.f = x; return v.u; }
static inline double fi_u2d(uint64_t x) { union { double f; uint64_t u; } v; v.u = x; return v.f; }

/* The number of set bits. x86 without the POPCNT instruction (the
 * baseline path) gets it inline, where __builtin_popcountll would call
 * libgcc once per chunk. */
static inline int fi_popcount64(uint64_t m)
{
#if defined(__POPCNT__) || !(defined(__x86_64__) || defined(__i386__))
    return __builtin_popcountll(m);
#else
    uint64_t s = m - ((m >> 1) & 0x5555555555555555ull);
    s = (s & 0x3333333333333333ull) + ((s >> 2) & 0x3333333333333333ull);
    s = (s + (s >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (int)((s * 0x0101010101010101ull) >> 56);
#endif
}

/* Natural log of a positive, finite, normal number. x = 2^e * m with m in
 * [sqrt(1/2), sqrt(2)); with f = m - 1 and s = f / (2 + f) (|s| < 0.1716),
 * log(m) = 2 atanh(s) = 2s(1 + r), r = s^2/3 + s^4/5 + ..., evaluated as
 * f - s (f - 2r) because 2s = f - s f. ln 2 is split so e * hi is exact. */
static inline float fi_logf(float x)
{
    uint32_t ix = fi_f2u(x) + (0x3f800000u - 0x3f3504f3u);
    int32_t e = (int32_t)(ix >> 23) - 0x7f;
    float m = fi_u2f((ix & 0x007fffffu) + 0x3f3504f3u);
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float z = s * s;
    float r = z * (0.333333333333f + z * (0.2f + z * (0.142857142857f + z * 0.111111111111f)));
    float lm = f - s * (f - 2.0f * r);
    float ef = (float)e;
    return ef * 0.693145751953125f + (lm + ef * 1.428606765330187e-06f);
}

static inline double fi_log(double x)
{
    uint64_t ix = fi_d2u(x) + (0x3ff0000000000000ull - 0x3fe6a09e667f3bcdull);
    int64_t e = (int64_t)(ix >> 52) - 0x3ff;
    double m = fi_u2d((ix & 0x000fffffffffffffull) + 0x3fe6a09e667f3bcdull);
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double z = s * s;
    double r = z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 + z * (1.0 / 11
               + z * (1.0 / 13 + z * (1.0 / 15 + z * (1.0 / 17 + z * (1.0 / 19
               + z * (1.0 / 21 + z * (1.0 / 23)))))))))));
    double lm = f - s * (f - 2.0 * r);
    double ed = (double)(int32_t)e;   /* |e| < 1100: exact; int32 so that loops vectorize */
    return ed * 6.93147180369123816490e-01 + (lm + ed * 1.90821492927058770002e-10);
}

/* Store conversions of FI_DTYPE_TABLE (kernels.h): compute type -> stored
 * item. float32 and float64 store their values as computed. */
static inline float fi_store_f32(float x) { return x; }
static inline double fi_store_f64(double x) { return x; }

/* float -> IEEE binary16 bits, round to nearest even, overflow to inf. */
static inline uint16_t fi_f32_to_f16(float f)
{
    uint32_t x = fi_f2u(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7fffffffu;
    uint32_t r;
    if (ax >= 0x47800000u) {                 /* |f| >= 65536, inf or nan */
        r = ax > 0x7f800000u ? 0x7e00u : 0x7c00u;
    } else if (ax < 0x38800000u) {           /* below 2^-14: subnormal half */
        /* adding 0.5 puts the half's subnormal step (2^-24) at the float's
         * last place, so the FPU does the rounding to nearest even */
        r = fi_f2u(fi_u2f(ax) + 0.5f) - 0x3f000000u;
    } else {
        uint32_t odd = (ax >> 13) & 1u;
        r = (ax + 0xc8000fffu + odd) >> 13;  /* rebias by -112 << 23, round */
    }
    return (uint16_t)(sign | r);
}

/* float -> bfloat16 bits (the top half of the float), round to nearest
 * even, overflow to inf; NaN stays a (quiet) NaN. Branch-free but for NaN,
 * so the store loops vectorize. */
static inline uint16_t fi_f32_to_bf16(float f)
{
    uint32_t x = fi_f2u(f);
    uint32_t r = (x + 0x7fffu + ((x >> 16) & 1u)) >> 16;
    return (uint16_t)((x & 0x7fffffffu) > 0x7f800000u ? ((x >> 16) | 0x40u) : r);
}

#endif
