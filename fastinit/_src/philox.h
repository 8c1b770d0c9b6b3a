/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3",
 * SC 2011).  A pure function of a 128-bit counter and a 64-bit key.
 *
 * Two forms: a scalar one (one counter) and a lane-group one that evaluates
 * FI_LANES consecutive counters at once in structure-of-arrays form so that
 * the compiler turns every round into a handful of SIMD instructions. Both
 * produce the same words; only integer arithmetic is involved, so every SIMD
 * path gives identical bits.
 */
#ifndef FASTINIT_PHILOX_H
#define FASTINIT_PHILOX_H

#include <stdint.h>

#define FI_PHILOX_M0 0xD2511F53u
#define FI_PHILOX_M1 0xCD9E8D57u
#define FI_PHILOX_W0 0x9E3779B9u
#define FI_PHILOX_W1 0xBB67AE85u
#define FI_PHILOX_ROUNDS 10

/* Counter lanes evaluated together; also the width of the element
 * interleaving that defines every stream (see kernels_impl.h). */
#define FI_LANES 8
#ifndef FI_PHILOX_AVX2
#define fi_philox_lanes fi_philox_lanes_generic
#endif

static inline void
fi_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        uint64_t p0 = (uint64_t)FI_PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)FI_PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* FI_LANES counters (lo64 = base + l, c2, c3 fixed) -> w[k][l], word k of lane l. */
static inline void
fi_philox_lanes_generic(uint64_t base, uint32_t c2in, uint32_t c3in,
                uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_LANES])
{
    uint32_t c0[FI_LANES], c1[FI_LANES], c2[FI_LANES], c3[FI_LANES];
    for (int l = 0; l < FI_LANES; l++) {
        uint64_t c = base + (uint64_t)l;
        c0[l] = (uint32_t)c;
        c1[l] = (uint32_t)(c >> 32);
        c2[l] = c2in;
        c3[l] = c3in;
    }
    uint32_t k0 = k0in, k1 = k1in;
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        for (int l = 0; l < FI_LANES; l++) {
            uint64_t p0 = (uint64_t)FI_PHILOX_M0 * c0[l];
            uint64_t p1 = (uint64_t)FI_PHILOX_M1 * c2[l];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[l] ^ k0;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[l] ^ k1;
            c1[l] = (uint32_t)p1;
            c3[l] = (uint32_t)p0;
            c0[l] = n0;
            c2[l] = n2;
        }
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    for (int l = 0; l < FI_LANES; l++) {
        w[0][l] = c0[l]; w[1][l] = c1[l]; w[2][l] = c2[l]; w[3][l] = c3[l];
    }
}

/* The same 8 lanes with AVX2 intrinsics (compiled only inside the AVX2 and
 * AVX-512 paths, which define FI_PHILOX_AVX2). vpmuludq multiplies the even
 * lanes; the odd lanes are shifted down and multiplied separately. */
#ifdef FI_PHILOX_AVX2
#include <immintrin.h>

static inline void
fi_mulhilo8(__m256i c, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(c, m);
    __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m);
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
}

static inline void
fi_philox_lanes_avx2(uint64_t base, uint32_t c2in, uint32_t c3in,
                     uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_LANES])
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    uint32_t blo = (uint32_t)base, bhi = (uint32_t)(base >> 32);
    __m256i c0 = _mm256_add_epi32(_mm256_set1_epi32((int)blo), lane);
    /* carry into the high word where the low word wrapped */
    __m256i wrapped = _mm256_cmpgt_epi32(_mm256_xor_si256(_mm256_set1_epi32((int)blo), _mm256_set1_epi32((int)0x80000000)),
                                         _mm256_xor_si256(c0, _mm256_set1_epi32((int)0x80000000)));
    __m256i c1 = _mm256_sub_epi32(_mm256_set1_epi32((int)bhi), wrapped);
    __m256i c2 = _mm256_set1_epi32((int)c2in), c3 = _mm256_set1_epi32((int)c3in);
    const __m256i m0 = _mm256_set1_epi32((int)FI_PHILOX_M0), m1 = _mm256_set1_epi32((int)FI_PHILOX_M1);
    uint32_t k0 = k0in, k1 = k1in;
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        __m256i hi0, lo0, hi1, lo1;
        fi_mulhilo8(c0, m0, &hi0, &lo0);
        fi_mulhilo8(c2, m1, &hi1, &lo1);
        c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32((int)k0));
        c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32((int)k1));
        c1 = lo1;
        c3 = lo0;
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    _mm256_storeu_si256((__m256i *)w[0], c0);
    _mm256_storeu_si256((__m256i *)w[1], c1);
    _mm256_storeu_si256((__m256i *)w[2], c2);
    _mm256_storeu_si256((__m256i *)w[3], c3);
}
#define fi_philox_lanes fi_philox_lanes_avx2
#endif

#endif
