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

/* fi_philox_gather: Philox4x32-10 on FI_CHUNK arbitrary 64-bit positions
 * ctr[l] (counter words lo, hi, c2, c3) -> w[k][l], word k of lane l;
 * fi_philox_gather_off: the same on positions base + off[l] (32-bit
 * offsets: the counters are formed in SIMD registers). One
 * implementation per path: AVX-512 (one 16-lane chain), AVX2 (two 8-lane
 * chains), or portable loops. Integer arithmetic only: identical bits. */
#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
#include <immintrin.h>

/* one Philox round on 8 lanes: vpmuludq multiplies the even 32-bit lanes, the
 * odd lanes are shifted down and multiplied apart, hi/lo halves blended back */
static inline void
fi_mulhilo8(__m256i c, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i pe = _mm256_mul_epu32(c, m);
    __m256i po = _mm256_mul_epu32(_mm256_srli_epi64(c, 32), m);
    *lo = _mm256_blend_epi32(pe, _mm256_slli_epi64(po, 32), 0xAA);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(pe, 32), po, 0xAA);
}


/* counter words of the positions base + off (8 32-bit offsets) */
static inline void
fi_counter_off8(uint64_t base, __m256i off, __m256i *lo, __m256i *hi)
{
    const __m256i sign = _mm256_set1_epi32((int)0x80000000u);
    __m256i b = _mm256_set1_epi32((int)(uint32_t)base);
    *lo = _mm256_add_epi32(b, off);
    /* the high word gets a carry where the low word wrapped (unsigned lo < base) */
    __m256i wrapped = _mm256_cmpgt_epi32(_mm256_xor_si256(b, sign), _mm256_xor_si256(*lo, sign));
    *hi = _mm256_sub_epi32(_mm256_set1_epi32((int)(uint32_t)(base >> 32)), wrapped);
}

/* the counter words of the 16 positions base + off[l] (a: lanes 0-7, b: 8-15) */
static inline void
fi_counters_off16(uint64_t base, const uint32_t *off, __m256i *alo, __m256i *ahi, __m256i *blo,
                  __m256i *bhi)
{
    fi_counter_off8(base, _mm256_loadu_si256((const __m256i *)off), alo, ahi);
    fi_counter_off8(base, _mm256_loadu_si256((const __m256i *)(off + 8)), blo, bhi);
}

/* low and high 32-bit counter words of base + lane for the 8 lanes at base */
static inline void
fi_counter8(uint64_t base, __m256i *lo, __m256i *hi)
{
    fi_counter_off8(base, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), lo, hi);
}

#define FI_ROUND8(c0, c1, c2, c3, k0v, k1v)                                     \
    do {                                                                        \
        __m256i hi0_, lo0_, hi1_, lo1_;                                         \
        fi_mulhilo8(c0, m0, &hi0_, &lo0_);                                      \
        fi_mulhilo8(c2, m1, &hi1_, &lo1_);                                      \
        c0 = _mm256_xor_si256(_mm256_xor_si256(hi1_, c1), k0v);                 \
        c2 = _mm256_xor_si256(_mm256_xor_si256(hi0_, c3), k1v);                 \
        c1 = lo1_;                                                              \
        c3 = lo0_;                                                              \
    } while (0)
#endif

/* split positions into their low and high counter words */
static inline void
fi_split_ctr(const uint64_t ctr[FI_CHUNK], uint32_t lo[FI_CHUNK], uint32_t hi[FI_CHUNK])
{
    for (int l = 0; l < FI_CHUNK; l++) {
        lo[l] = (uint32_t)ctr[l];
        hi[l] = (uint32_t)(ctr[l] >> 32);
    }
}

#if defined(FI_PHILOX_AVX512)
static inline void
fi_mulhilo16(__m512i c, __m512i m, __m512i *hi, __m512i *lo)
{
    __m512i pe = _mm512_mul_epu32(c, m);
    __m512i po = _mm512_mul_epu32(_mm512_srli_epi64(c, 32), m);
    /* the low halves: po's swapped into the odd lanes of pe by one
     * merge-masked vpshufd, where a shift and a blend took two (a chunk:
     * 20 instructions and 20 port-0 shifts fewer, 512-bit shifts running
     * on port 0 only; the high halves keep shift and blend, which balanced
     * ports 0 and 5 best: tools/mca_zig.py) */
    *hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(pe, 32), po);
    *lo = _mm512_mask_shuffle_epi32(pe, 0xAAAA, po, _MM_PERM_CDAB);
}

/* the rounds on 16 lanes whose counter words lo, hi are c0, c1; stored as
 * w[k][l] or, when ord (a constant), in output order (fi_philox_chunk_out) */
static inline __attribute__((always_inline)) void
fi_philox_core16(__m512i c0, __m512i c1, uint32_t c2in, uint32_t c3in,
                 uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_CHUNK], int ord)
{
    __m512i c2 = _mm512_set1_epi32((int)c2in), c3 = _mm512_set1_epi32((int)c3in);
    const __m512i m0 = _mm512_set1_epi32((int)FI_PHILOX_M0), m1 = _mm512_set1_epi32((int)FI_PHILOX_M1);
    /* the round keys in memory (the empty asm keeps them there), so that
     * each is a broadcast operand of its xor, a load: broadcasts from
     * general registers cost a shuffle-port instruction each, 20 a chunk,
     * on the port the samplers are bound by (tools/mca_zig.py) */
    uint32_t rk[2][FI_PHILOX_ROUNDS];
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        rk[0][r] = k0in + (uint32_t)r * FI_PHILOX_W0;
        rk[1][r] = k1in + (uint32_t)r * FI_PHILOX_W1;
    }
    __asm__("" : "+m"(rk));
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        __m512i hi0, lo0, hi1, lo1;
        fi_mulhilo16(c0, m0, &hi0, &lo0);
        fi_mulhilo16(c2, m1, &hi1, &lo1);
        c0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), _mm512_set1_epi32((int)rk[0][r]));
        c2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), _mm512_set1_epi32((int)rk[1][r]));
        c1 = lo1;
        c3 = lo0;
    }
    if (ord) {   /* the 256-bit halves: lanes 0-7 of words 0..3, then lanes 8-15 */
        uint32_t *wo = &w[0][0];
        _mm512_storeu_si512(wo, _mm512_shuffle_i64x2(c0, c1, 0x44));
        _mm512_storeu_si512(wo + 16, _mm512_shuffle_i64x2(c2, c3, 0x44));
        _mm512_storeu_si512(wo + 32, _mm512_shuffle_i64x2(c0, c1, 0xee));
        _mm512_storeu_si512(wo + 48, _mm512_shuffle_i64x2(c2, c3, 0xee));
        return;
    }
    _mm512_storeu_si512(w[0], c0);
    _mm512_storeu_si512(w[1], c1);
    _mm512_storeu_si512(w[2], c2);
    _mm512_storeu_si512(w[3], c3);
}

static inline void
fi_philox_gather(const uint64_t ctr[FI_CHUNK], uint32_t c2, uint32_t c3,
                 uint32_t k0, uint32_t k1, uint32_t w[4][FI_CHUNK])
{
    uint32_t lo[FI_CHUNK], hi[FI_CHUNK];
    fi_split_ctr(ctr, lo, hi);
    fi_philox_core16(_mm512_loadu_si512(lo), _mm512_loadu_si512(hi), c2, c3, k0, k1, w, 0);
}

static inline void
fi_philox_gather_off(uint64_t base, const uint32_t off[FI_CHUNK], uint32_t c2, uint32_t c3,
                     uint32_t k0, uint32_t k1, uint32_t w[4][FI_CHUNK])
{
    __m256i alo, ahi, blo, bhi;
    fi_counters_off16(base, off, &alo, &ahi, &blo, &bhi);
    fi_philox_core16(_mm512_inserti64x4(_mm512_castsi256_si512(alo), blo, 1),
                     _mm512_inserti64x4(_mm512_castsi256_si512(ahi), bhi, 1), c2, c3, k0, k1, w, 0);
}

static inline __attribute__((always_inline)) void
fi_philox_chunk_ord(uint64_t base, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                    uint32_t w[4][FI_CHUNK], int ord)
{
    __m256i alo, ahi, blo, bhi;
    fi_counter8(base, &alo, &ahi);
    fi_counter8(base + 8, &blo, &bhi);
    fi_philox_core16(_mm512_inserti64x4(_mm512_castsi256_si512(alo), blo, 1),
                     _mm512_inserti64x4(_mm512_castsi256_si512(ahi), bhi, 1), c2, c3, k0, k1, w,
                     ord);
}

#elif defined(FI_PHILOX_AVX2)
/* the rounds on two independent 8-lane chains (a: lanes 0-7, b: lanes 8-15),
 * stored as w[k][l] or, when ord (a constant), in output order */
static inline void
fi_philox_core2x8(__m256i a0, __m256i a1, __m256i b0, __m256i b1, uint32_t c2in, uint32_t c3in,
                  uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_CHUNK], int ord)
{
    __m256i a2 = _mm256_set1_epi32((int)c2in), a3 = _mm256_set1_epi32((int)c3in);
    __m256i b2 = a2, b3 = a3;
    const __m256i m0 = _mm256_set1_epi32((int)FI_PHILOX_M0), m1 = _mm256_set1_epi32((int)FI_PHILOX_M1);
    uint32_t k0 = k0in, k1 = k1in;
    for (int r = 0; r < FI_PHILOX_ROUNDS; r++) {
        __m256i k0v = _mm256_set1_epi32((int)k0), k1v = _mm256_set1_epi32((int)k1);
        FI_ROUND8(a0, a1, a2, a3, k0v, k1v);
        FI_ROUND8(b0, b1, b2, b3, k0v, k1v);
        k0 += FI_PHILOX_W0;
        k1 += FI_PHILOX_W1;
    }
    if (ord) {
        __m256i *wo = (__m256i *)&w[0][0];
        _mm256_storeu_si256(wo, a0); _mm256_storeu_si256(wo + 1, a1);
        _mm256_storeu_si256(wo + 2, a2); _mm256_storeu_si256(wo + 3, a3);
        _mm256_storeu_si256(wo + 4, b0); _mm256_storeu_si256(wo + 5, b1);
        _mm256_storeu_si256(wo + 6, b2); _mm256_storeu_si256(wo + 7, b3);
        return;
    }
    _mm256_storeu_si256((__m256i *)w[0], a0); _mm256_storeu_si256((__m256i *)(w[0] + 8), b0);
    _mm256_storeu_si256((__m256i *)w[1], a1); _mm256_storeu_si256((__m256i *)(w[1] + 8), b1);
    _mm256_storeu_si256((__m256i *)w[2], a2); _mm256_storeu_si256((__m256i *)(w[2] + 8), b2);
    _mm256_storeu_si256((__m256i *)w[3], a3); _mm256_storeu_si256((__m256i *)(w[3] + 8), b3);
}

static inline void
fi_philox_gather(const uint64_t ctr[FI_CHUNK], uint32_t c2, uint32_t c3,
                 uint32_t k0, uint32_t k1, uint32_t w[4][FI_CHUNK])
{
    uint32_t lo[FI_CHUNK], hi[FI_CHUNK];
    fi_split_ctr(ctr, lo, hi);
    fi_philox_core2x8(_mm256_loadu_si256((const __m256i *)lo), _mm256_loadu_si256((const __m256i *)hi),
                      _mm256_loadu_si256((const __m256i *)(lo + 8)),
                      _mm256_loadu_si256((const __m256i *)(hi + 8)), c2, c3, k0, k1, w, 0);
}

static inline void
fi_philox_gather_off(uint64_t base, const uint32_t off[FI_CHUNK], uint32_t c2, uint32_t c3,
                     uint32_t k0, uint32_t k1, uint32_t w[4][FI_CHUNK])
{
    __m256i alo, ahi, blo, bhi;
    fi_counters_off16(base, off, &alo, &ahi, &blo, &bhi);
    fi_philox_core2x8(alo, ahi, blo, bhi, c2, c3, k0, k1, w, 0);
}

static inline __attribute__((always_inline)) void
fi_philox_chunk_ord(uint64_t base, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                    uint32_t w[4][FI_CHUNK], int ord)
{
    __m256i alo, ahi, blo, bhi;
    fi_counter8(base, &alo, &ahi);
    fi_counter8(base + 8, &blo, &bhi);
    fi_philox_core2x8(alo, ahi, blo, bhi, c2, c3, k0, k1, w, ord);
}

#endif
#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
/* The FI_CHUNK consecutive counters base, base+1, ... as w[k][l] (the
 * element-wise streams), or in output order (the samplers of
 * normal_impl.h): the 32-bit stream's values of the chunk in order, word k
 * of lane l at wo[32 (l / 8) + 8 k + l % 8] of wo = &w[0][0]. */
static inline void
fi_philox_chunk(uint64_t base, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                uint32_t w[4][FI_CHUNK])
{
    fi_philox_chunk_ord(base, c2, c3, k0, k1, w, 0);
}

static inline __attribute__((always_inline)) void
fi_philox_chunk_out(uint64_t base, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                    uint32_t w[4][FI_CHUNK])
{
    fi_philox_chunk_ord(base, c2, c3, k0, k1, w, 1);
}

#else
/* always_inline: left to itself GCC stopped inlining it into the uniform
 * kernel once the unit grew (7% slower on the baseline path) */
static inline __attribute__((always_inline)) void
fi_philox_gather(const uint64_t ctr[FI_CHUNK], uint32_t c2in, uint32_t c3in,
                 uint32_t k0in, uint32_t k1in, uint32_t w[4][FI_CHUNK])
{
    uint32_t c0[FI_CHUNK], c1[FI_CHUNK], c2[FI_CHUNK], c3[FI_CHUNK];
    fi_split_ctr(ctr, c0, c1);
    for (int l = 0; l < FI_CHUNK; l++) {
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

/* The FI_CHUNK counters base + off[l], off[l] < 2^32. */
static inline void
fi_philox_gather_off(uint64_t base, const uint32_t off[FI_CHUNK], uint32_t c2, uint32_t c3,
                     uint32_t k0, uint32_t k1, uint32_t w[4][FI_CHUNK])
{
    uint64_t ctr[FI_CHUNK];
    for (int l = 0; l < FI_CHUNK; l++)
        ctr[l] = base + (uint64_t)off[l];
    fi_philox_gather(ctr, c2, c3, k0, k1, w);
}

/* The FI_CHUNK consecutive counters base, base+1, ... (the element-wise streams). */
static inline void
fi_philox_chunk(uint64_t base, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1,
                uint32_t w[4][FI_CHUNK])
{
    uint64_t ctr[FI_CHUNK];
    for (int l = 0; l < FI_CHUNK; l++)
        ctr[l] = base + (uint64_t)l;
    fi_philox_gather(ctr, c2, c3, k0, k1, w);
}

#endif

#endif
