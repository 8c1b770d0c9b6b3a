/* Lane-width-generic vector helpers for the samplers of the SIMD paths:
 * one source over FI_VW 32-bit lanes, compiled as AVX2 (8 lanes, ymm
 * registers) in kern_avx2.c and as AVX-512 (16 lanes, zmm registers) in
 * kern_avx512.c. The AVX2 instance, which every x86-64 CPU of the last
 * decade runs (and qemu's Haswell model), therefore executes the code the
 * AVX-512 instance runs, only narrower; tools/simde_avx512.sh runs the
 * AVX-512 instance itself on any x86-64 CPU (SIMDe).
 *
 * Masks: AVX2 keeps a lane mask as a vector (all ones or zero per lane),
 * AVX-512 in a mask register (one bit per lane). The helpers take and give
 * fi_vm (32-bit lanes) and fi_vmd (64-bit lanes: FI_VWD = FI_VW / 2 of
 * them); fi_vm_bits / fi_vmd_bits give the bit mask of the set lanes.
 *
 * Only exact operations (integer, conversion of integers below 2^24 or
 * 2^53, one IEEE product or sum each): both instances give the bits of the
 * portable code (no FMA: the build passes -ffp-contract=off). */
#ifndef FASTINIT_SIMDV_H
#define FASTINIT_SIMDV_H
#include <immintrin.h>
#include <stdint.h>

#define FI_VINL static inline __attribute__((always_inline))

#if defined(FI_PHILOX_AVX512)
#define FI_VW 16
typedef __m512i fi_vi;
typedef __m512 fi_vf;
typedef __m512d fi_vd;
typedef __mmask16 fi_vm;
typedef __mmask8 fi_vmd;
#define FI_VI_SRLI32(a, n) _mm512_srli_epi32((a), (n))
#define FI_VI_SRLI64(a, n) _mm512_srli_epi64((a), (n))
FI_VINL fi_vi fi_vi_load(const void *p) { return _mm512_loadu_si512(p); }
FI_VINL void fi_vi_store(void *p, fi_vi a) { _mm512_storeu_si512(p, a); }
FI_VINL fi_vi fi_vi_set1(uint32_t x) { return _mm512_set1_epi32((int)x); }
FI_VINL fi_vi fi_vi_and(fi_vi a, fi_vi b) { return _mm512_and_si512(a, b); }
FI_VINL fi_vi fi_vi_or(fi_vi a, fi_vi b) { return _mm512_or_si512(a, b); }
FI_VINL fi_vf fi_vf_set1(float x) { return _mm512_set1_ps(x); }
FI_VINL fi_vf fi_vf_as(fi_vi a) { return _mm512_castsi512_ps(a); }
FI_VINL fi_vi fi_vi_asf(fi_vf a) { return _mm512_castps_si512(a); }
FI_VINL fi_vf fi_vf_cvt(fi_vi a) { return _mm512_cvtepi32_ps(a); }
FI_VINL fi_vf fi_vf_add(fi_vf a, fi_vf b) { return _mm512_add_ps(a, b); }
FI_VINL fi_vf fi_vf_mul(fi_vf a, fi_vf b) { return _mm512_mul_ps(a, b); }
FI_VINL void fi_vf_store(void *p, fi_vf a) { _mm512_storeu_ps(p, a); }
FI_VINL fi_vm fi_vm_gt(fi_vi a, fi_vi b) { return _mm512_cmpgt_epi32_mask(a, b); }
/* m and lo <= v <= hi (ordered: NaN is outside) */
FI_VINL fi_vm fi_vm_and_in(fi_vm m, fi_vf v, fi_vf lo, fi_vf hi)
{
    return _mm512_mask_cmp_ps_mask(_mm512_mask_cmp_ps_mask(m, v, lo, _CMP_GE_OQ), v, hi, _CMP_LE_OQ);
}
FI_VINL fi_vi fi_vi_zero_where(fi_vm m, fi_vi a) { return _mm512_maskz_mov_epi32((fi_vm)~m, a); }
FI_VINL fi_vf fi_vf_blend(fi_vm m, fi_vf a, fi_vf b) { return _mm512_mask_blend_ps(m, a, b); }
FI_VINL uint32_t fi_vm_bits(fi_vm m) { return (uint32_t)m; }

/* the packed table entries (X in the low half, K in the high one) of the
 * 16 lanes, from te in fi_zig_te_slot's order: X and K in lane order */
FI_VINL void fi_vte_split(const uint64_t *te, fi_vf *x, fi_vi *k)
{
    __m512 a = _mm512_loadu_ps((const float *)te), b = _mm512_loadu_ps((const float *)(te + 8));
    *x = _mm512_shuffle_ps(a, b, 0x88);
    *k = _mm512_castps_si512(_mm512_shuffle_ps(a, b, 0xdd));
}

#define FI_VWD 8
FI_VINL fi_vd fi_vd_load(const double *p) { return _mm512_loadu_pd(p); }
FI_VINL void fi_vd_store(double *p, fi_vd a) { _mm512_storeu_pd(p, a); }
FI_VINL fi_vd fi_vd_set1(double x) { return _mm512_set1_pd(x); }
FI_VINL fi_vd fi_vd_as(fi_vi a) { return _mm512_castsi512_pd(a); }
FI_VINL fi_vd fi_vd_add(fi_vd a, fi_vd b) { return _mm512_add_pd(a, b); }
FI_VINL fi_vd fi_vd_mul(fi_vd a, fi_vd b) { return _mm512_mul_pd(a, b); }
/* u < 2^53 to double: exact, as fi_u53_to_d */
FI_VINL fi_vd fi_vd_from_u53(fi_vi u) { return _mm512_cvtepi64_pd(u); }
FI_VINL fi_vmd fi_vmd_gt(fi_vi a, fi_vi b) { return _mm512_cmpgt_epi64_mask(a, b); }
FI_VINL fi_vmd fi_vmd_and_in(fi_vmd m, fi_vd v, fi_vd lo, fi_vd hi)
{
    return _mm512_mask_cmp_pd_mask(_mm512_mask_cmp_pd_mask(m, v, lo, _CMP_GE_OQ), v, hi, _CMP_LE_OQ);
}
FI_VINL fi_vd fi_vd_zero_where(fi_vmd m, fi_vd a) { return _mm512_maskz_mov_pd((fi_vmd)~m, a); }
/* the bits of z and-ed with keep and or-ed with set */
FI_VINL fi_vd fi_vd_fold(fi_vd z, uint64_t keep, uint64_t set)
{
    return _mm512_or_pd(_mm512_and_pd(z, _mm512_castsi512_pd(_mm512_set1_epi64((long long)keep))),
                        _mm512_castsi512_pd(_mm512_set1_epi64((long long)set)));
}
FI_VINL fi_vd fi_vd_blend(fi_vmd m, fi_vd a, fi_vd b) { return _mm512_mask_blend_pd(m, a, b); }
FI_VINL uint32_t fi_vmd_bits(fi_vmd m) { return (uint32_t)m; }

/* The 64-bit words (hi:lo) of 8 float64 values from their 16 words in
 * output order, hi[0..8) then lo[0..8) (fi_philox_chunk_out): one vector */
FI_VINL void fi_vd_words(const uint32_t *hl, fi_vi *b)
{
    const __m512i ix = _mm512_setr_epi32(8, 0, 9, 1, 10, 2, 11, 3, 12, 4, 13, 5, 14, 6, 15, 7);
    b[0] = _mm512_permutexvar_epi32(ix, _mm512_loadu_si512(hl));
}

#else /* AVX2 */
#define FI_VW 8
typedef __m256i fi_vi;
typedef __m256 fi_vf;
typedef __m256d fi_vd;
typedef __m256i fi_vm;
typedef __m256i fi_vmd;
#define FI_VI_SRLI32(a, n) _mm256_srli_epi32((a), (n))
#define FI_VI_SRLI64(a, n) _mm256_srli_epi64((a), (n))
FI_VINL fi_vi fi_vi_load(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }
FI_VINL void fi_vi_store(void *p, fi_vi a) { _mm256_storeu_si256((__m256i *)p, a); }
FI_VINL fi_vi fi_vi_set1(uint32_t x) { return _mm256_set1_epi32((int)x); }
FI_VINL fi_vi fi_vi_and(fi_vi a, fi_vi b) { return _mm256_and_si256(a, b); }
FI_VINL fi_vi fi_vi_or(fi_vi a, fi_vi b) { return _mm256_or_si256(a, b); }
FI_VINL fi_vf fi_vf_set1(float x) { return _mm256_set1_ps(x); }
FI_VINL fi_vf fi_vf_as(fi_vi a) { return _mm256_castsi256_ps(a); }
FI_VINL fi_vi fi_vi_asf(fi_vf a) { return _mm256_castps_si256(a); }
FI_VINL fi_vf fi_vf_cvt(fi_vi a) { return _mm256_cvtepi32_ps(a); }
FI_VINL fi_vf fi_vf_add(fi_vf a, fi_vf b) { return _mm256_add_ps(a, b); }
FI_VINL fi_vf fi_vf_mul(fi_vf a, fi_vf b) { return _mm256_mul_ps(a, b); }
FI_VINL void fi_vf_store(void *p, fi_vf a) { _mm256_storeu_ps((float *)p, a); }
FI_VINL fi_vm fi_vm_gt(fi_vi a, fi_vi b) { return _mm256_cmpgt_epi32(a, b); }
FI_VINL fi_vm fi_vm_and_in(fi_vm m, fi_vf v, fi_vf lo, fi_vf hi)
{
    __m256 in = _mm256_and_ps(_mm256_cmp_ps(v, lo, _CMP_GE_OQ), _mm256_cmp_ps(v, hi, _CMP_LE_OQ));
    return _mm256_and_si256(m, _mm256_castps_si256(in));
}
FI_VINL fi_vi fi_vi_zero_where(fi_vm m, fi_vi a) { return _mm256_andnot_si256(m, a); }
FI_VINL fi_vf fi_vf_blend(fi_vm m, fi_vf a, fi_vf b)
{
    return _mm256_blendv_ps(a, b, _mm256_castsi256_ps(m));
}
FI_VINL uint32_t fi_vm_bits(fi_vm m) { return (uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(m)); }

FI_VINL void fi_vte_split(const uint64_t *te, fi_vf *x, fi_vi *k)
{
    __m256 a = _mm256_loadu_ps((const float *)te), b = _mm256_loadu_ps((const float *)(te + 4));
    *x = _mm256_shuffle_ps(a, b, 0x88);
    *k = _mm256_castps_si256(_mm256_shuffle_ps(a, b, 0xdd));
}

#define FI_VWD 4
FI_VINL fi_vd fi_vd_load(const double *p) { return _mm256_loadu_pd(p); }
FI_VINL void fi_vd_store(double *p, fi_vd a) { _mm256_storeu_pd(p, a); }
FI_VINL fi_vd fi_vd_set1(double x) { return _mm256_set1_pd(x); }
FI_VINL fi_vd fi_vd_as(fi_vi a) { return _mm256_castsi256_pd(a); }
FI_VINL fi_vd fi_vd_add(fi_vd a, fi_vd b) { return _mm256_add_pd(a, b); }
FI_VINL fi_vd fi_vd_mul(fi_vd a, fi_vd b) { return _mm256_mul_pd(a, b); }
/* u < 2^53 to double, exactly (fi_u53_to_d: AVX2 has no 64-bit conversion) */
FI_VINL fi_vd fi_vd_from_u53(fi_vi u)
{
    __m256d hi = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(u, 32),
                                                     _mm256_set1_epi64x(0x4530000000000000ll)));
    __m256d lo = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(u, _mm256_set1_epi64x(0xffffffffll)),
                                                     _mm256_set1_epi64x(0x4330000000000000ll)));
    return _mm256_add_pd(_mm256_sub_pd(hi, _mm256_set1_pd(0x1p84 + 0x1p52)), lo);
}
FI_VINL fi_vmd fi_vmd_gt(fi_vi a, fi_vi b) { return _mm256_cmpgt_epi64(a, b); }
FI_VINL fi_vmd fi_vmd_and_in(fi_vmd m, fi_vd v, fi_vd lo, fi_vd hi)
{
    __m256d in = _mm256_and_pd(_mm256_cmp_pd(v, lo, _CMP_GE_OQ), _mm256_cmp_pd(v, hi, _CMP_LE_OQ));
    return _mm256_and_si256(m, _mm256_castpd_si256(in));
}
FI_VINL fi_vd fi_vd_zero_where(fi_vmd m, fi_vd a) { return _mm256_andnot_pd(_mm256_castsi256_pd(m), a); }
/* the bits of z and-ed with keep and or-ed with set (in the FP domain: 3%
 * faster than integer ops for the float64 truncated normal on Zen 3) */
FI_VINL fi_vd fi_vd_fold(fi_vd z, uint64_t keep, uint64_t set)
{
    return _mm256_or_pd(_mm256_and_pd(z, _mm256_castsi256_pd(_mm256_set1_epi64x((long long)keep))),
                        _mm256_castsi256_pd(_mm256_set1_epi64x((long long)set)));
}
FI_VINL fi_vd fi_vd_blend(fi_vmd m, fi_vd a, fi_vd b)
{
    return _mm256_blendv_pd(a, b, _mm256_castsi256_pd(m));
}
FI_VINL uint32_t fi_vmd_bits(fi_vmd m) { return (uint32_t)_mm256_movemask_pd(_mm256_castsi256_pd(m)); }

/* two vectors of 4: lanes 0-3 and 4-7 */
FI_VINL void fi_vd_words(const uint32_t *hl, fi_vi *b)
{
    __m256i hi = fi_vi_load(hl), lo = fi_vi_load(hl + 8);
    __m256i p0 = _mm256_unpacklo_epi32(lo, hi), p1 = _mm256_unpackhi_epi32(lo, hi);
    /* lanes 0, 1, 4, 5 in p0 and 2, 3, 6, 7 in p1 */
    b[0] = _mm256_permute2x128_si256(p0, p1, 0x20);
    b[1] = _mm256_permute2x128_si256(p0, p1, 0x31);
}
#endif

#define FI_VM_ALL ((1u << FI_VW) - 1u)
#define FI_VMD_ALL ((1u << FI_VWD) - 1u)

/* The slot in te of lane L of a vector: fi_vte_split's shuffles take the
 * even (X) and odd (K) dwords of the two halves of te within each 128-bit
 * block, so lane 4i + r (r < 2) comes from slot 2i + r of the first half
 * and lane 4i + 2 + r from slot 2i + r of the second. */
#define fi_zig_te_slot(L) (((L) & 1) | (((L) >> 2) << 1) | ((((L) >> 1) & 1) * (FI_VW / 2)))

#endif
