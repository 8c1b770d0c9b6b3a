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

#endif
