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

/* FI_LANES: the width of the element interleaving that defines every stream
 * (a "group" of 8 counters, see kernels_impl.h). FI_CHUNK: counters evaluated
 * together (two groups), which gives the SIMD units independent chains. */
#define FI_LANES 8
#define FI_CHUNK 16

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

/* The reference form: FI_LANES counters base..base+7 -> w[k][l]. The SIMD
 * paths replace it (fi_philox_lanes below) by an intrinsic version. */
static inline void
fi_philox_lanes_ref(uint64_t base, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                uint32_t w[4][FI_LANES])
{
    for (int l = 0; l < FI_LANES; l++) {
        uint32_t ctr[4] = {(uint32_t)(base + (uint64_t)l), (uint32_t)((base + (uint64_t)l) >> 32), c2, c3};
        uint32_t key[2] = {k0, k1}, out[4];
        fi_philox4x32(ctr, key, out);
        for (int k = 0; k < 4; k++)
            w[k][l] = out[k];
    }
}

/* FI_CHUNK counters (lo64 = base + l, c2, c3 fixed) -> w[k][l], word k of lane l. */
static inline void
fi_philox_chunk_generic(uint64_t base, uint32_t c2in, uint32_t c3in,
                        uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_CHUNK])
{
    uint32_t c0[FI_CHUNK], c1[FI_CHUNK], c2[FI_CHUNK], c3[FI_CHUNK];
    for (int l = 0; l < FI_CHUNK; l++) {
        uint64_t c = base + (uint64_t)l;
        c0[l] = (uint32_t)c;
        c1[l] = (uint32_t)(c >> 32);
        c2[l] = c2in;
        c3[l] = c3in;
    }
    uint32_t k0 = k0in, k1 = k1in;
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        for (int l = 0; l < FI_CHUNK; l++) {
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
    for (int l = 0; l < FI_CHUNK; l++) {
        w[0][l] = c0[l]; w[1][l] = c1[l]; w[2][l] = c2[l]; w[3][l] = c3[l];
    }
}

/* The x86 paths, with intrinsics: FI_PHILOX_AVX2 (two independent 8-lane
 * chains in 256-bit registers) or FI_PHILOX_AVX512 (one 16-lane chain).
 * vpmuludq multiplies the even 32-bit lanes; the odd lanes are shifted down
 * and multiplied separately, then hi/lo halves are blended back. */
#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
#include <immintrin.h>

static inline void
fi_mulhilo8(__m256i c, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(c, m);
    __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m);
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
}

/* low and high 32-bit words of base + lane for 8 lanes starting at base */
static inline void
fi_counter8(uint64_t base, __m256i *lo, __m256i *hi)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i sign = _mm256_set1_epi32((int)0x80000000u);
    __m256i b = _mm256_set1_epi32((int)(uint32_t)base);
    *lo = _mm256_add_epi32(b, lane);
    /* the high word gets a carry where the low word wrapped (unsigned lo < base) */
    __m256i wrapped = _mm256_cmpgt_epi32(_mm256_xor_si256(b, sign), _mm256_xor_si256(*lo, sign));
    *hi = _mm256_sub_epi32(_mm256_set1_epi32((int)(uint32_t)(base >> 32)), wrapped);
}

/* One 8-lane chain: FI_LANES counters base..base+7 -> w[k][l]. */
static inline void
fi_philox_lanes_x86(uint64_t base, uint32_t c2in, uint32_t c3in,
                    uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_LANES])
{
    __m256i c0, c1;
    fi_counter8(base, &c0, &c1);
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
#define fi_philox_lanes fi_philox_lanes_x86
#else
#define fi_philox_lanes fi_philox_lanes_ref
#endif

#if defined(FI_PHILOX_AVX2)
static inline void
fi_philox_chunk_avx2(uint64_t base, uint32_t c2in, uint32_t c3in,
                     uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_CHUNK])
{
    __m256i a0, a1, b0, b1;
    fi_counter8(base, &a0, &a1);
    fi_counter8(base + 8, &b0, &b1);
    __m256i a2 = _mm256_set1_epi32((int)c2in), a3 = _mm256_set1_epi32((int)c3in);
    __m256i b2 = a2, b3 = a3;
    const __m256i m0 = _mm256_set1_epi32((int)FI_PHILOX_M0), m1 = _mm256_set1_epi32((int)FI_PHILOX_M1);
    uint32_t k0 = k0in, k1 = k1in;
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        __m256i k0v = _mm256_set1_epi32((int)k0), k1v = _mm256_set1_epi32((int)k1);
        __m256i ah0, al0, ah1, al1, bh0, bl0, bh1, bl1;
        fi_mulhilo8(a0, m0, &ah0, &al0);
        fi_mulhilo8(a2, m1, &ah1, &al1);
        fi_mulhilo8(b0, m0, &bh0, &bl0);
        fi_mulhilo8(b2, m1, &bh1, &bl1);
        a0 = _mm256_xor_si256(_mm256_xor_si256(ah1, a1), k0v);
        a2 = _mm256_xor_si256(_mm256_xor_si256(ah0, a3), k1v);
        a1 = al1; a3 = al0;
        b0 = _mm256_xor_si256(_mm256_xor_si256(bh1, b1), k0v);
        b2 = _mm256_xor_si256(_mm256_xor_si256(bh0, b3), k1v);
        b1 = bl1; b3 = bl0;
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    _mm256_storeu_si256((__m256i *)w[0], a0); _mm256_storeu_si256((__m256i *)(w[0] + 8), b0);
    _mm256_storeu_si256((__m256i *)w[1], a1); _mm256_storeu_si256((__m256i *)(w[1] + 8), b1);
    _mm256_storeu_si256((__m256i *)w[2], a2); _mm256_storeu_si256((__m256i *)(w[2] + 8), b2);
    _mm256_storeu_si256((__m256i *)w[3], a3); _mm256_storeu_si256((__m256i *)(w[3] + 8), b3);
}
#define fi_philox_chunk fi_philox_chunk_avx2

#elif defined(FI_PHILOX_AVX512)
static inline void
fi_mulhilo16(__m512i c, __m512i m, __m512i *hi, __m512i *lo)
{
    __m512i pe = _mm512_mul_epu32(c, m);
    __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(c, 32), m);
    *lo = _mm512_mask_blend_epi32(0xAAAA, pe, _mm512_slli_epi64(po, 32));
    *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe, 32), po);
}

static inline void
fi_philox_chunk_avx512(uint64_t base, uint32_t c2in, uint32_t c3in,
                       uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_CHUNK])
{
    __m256i alo, ahi, blo, bhi;
    fi_counter8(base, &alo, &ahi);
    fi_counter8(base + 8, &blo, &bhi);
    __m512i c0 = _mm512_inserti64x4(_mm512_castsi256_si512(alo), blo, 1);
    __m512i c1 = _mm512_inserti64x4(_mm512_castsi256_si512(ahi), bhi, 1);
    __m512i c2 = _mm512_set1_epi32((int)c2in), c3 = _mm512_set1_epi32((int)c3in);
    const __m512i m0 = _mm512_set1_epi32((int)FI_PHILOX_M0), m1 = _mm512_set1_epi32((int)FI_PHILOX_M1);
    uint32_t k0 = k0in, k1 = k1in;
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        __m512i hi0, lo0, hi1, lo1;
        fi_mulhilo16(c0, m0, &hi0, &lo0);
        fi_mulhilo16(c2, m1, &hi1, &lo1);
        c0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), _mm512_set1_epi32((int)k0));
        c2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), _mm512_set1_epi32((int)k1));
        c1 = lo1;
        c3 = lo0;
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    _mm512_storeu_si512(w[0], c0);
    _mm512_storeu_si512(w[1], c1);
    _mm512_storeu_si512(w[2], c2);
    _mm512_storeu_si512(w[3], c3);
}
#define fi_philox_chunk fi_philox_chunk_avx512

#else
#define fi_philox_chunk fi_philox_chunk_generic
#endif

#endif
