/* Per-element transforms from Philox words to values, shared by the kernels
 * and by the test hooks in _core (which check them on chosen words). */
#ifndef FASTINIT_TRANSFORMS_H
#define FASTINIT_TRANSFORMS_H

#include <math.h>
#include <stdint.h>
#include "fimath.h"

/* 53 random bits from two words, hi first. */
static inline uint64_t fi_bits53(uint32_t hi, uint32_t lo)
{
    return (((uint64_t)hi << 32) | lo) >> 11;
}

/* Uniform [low, low + scale) from one word: u = floor(w / 2^8) / 2^24 is exact;
 * the result is clamped to top, the largest value of the dtype below high, so
 * rounding of low + scale * u can never return high. */
static inline float fi_uniform32(uint32_t w, float low, float scale, float top)
{
    float u = (float)(int32_t)(w >> 8) * 0x1p-24f;
    float v = low + scale * u;
    return v > top ? top : v;
}

/* The same with the 53-bit fraction of (hi, lo). */
static inline double fi_uniform64(uint32_t hi, uint32_t lo, double low, double scale, double top)
{
    double u = (double)(int64_t)fi_bits53(hi, lo) * 0x1p-53;
    double v = low + scale * u;
    return v > top ? top : v;
}

/* Box-Muller, float: u1 = (floor(wu / 2) + 1/2) / 2^31 in [2^-32, 1], so the
 * radius sqrt(-2 ln u1) reaches sqrt(64 ln 2) = 6.66; angle 2 pi wa / 2^32. */
static inline void fi_normal_pair32(uint32_t wu, uint32_t wa, float *zc, float *zs)
{
    float u1 = (float)(int32_t)(wu >> 1) * 0x1p-31f + 0x1p-32f;
    float r = sqrtf(-2.0f * fi_logf(u1));
    float s, c;
    fi_sincos_turn32(wa, &s, &c);
    *zc = r * c;
    *zs = r * s;
}

/* Box-Muller, double: u1 = (2t + 1) / 2^54 in (0, 1] for the 53-bit t of
 * (w0, w1), so the radius reaches sqrt(108 ln 2) = 8.65; angle from (w2, w3). */
static inline void fi_normal_pair64(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3,
                                    double *zc, double *zs)
{
    uint64_t t = fi_bits53(w0, w1);
    double u1 = (double)(int64_t)(2 * t + 1) * 0x1p-54;
    double r = sqrt(-2.0 * fi_log(u1));
    double s, c;
    fi_sincos_turn53(fi_bits53(w2, w3), &s, &c);
    *zc = r * c;
    *zs = r * s;
}

#endif
