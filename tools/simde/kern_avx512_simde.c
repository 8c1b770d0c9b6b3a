/* The avx512 path's kernels (kern_avx512.c, the same sources) compiled with
 * every AVX-512 intrinsic taken from SIMDe (Debian's libsimde-dev), so
 * that they run on a CPU without AVX-512. SIMDe implements each intrinsic
 * by its documented lane semantics (here on AVX2), so the bits are those
 * an AVX-512 CPU computes; tools/simde_avx512.sh compares them with the
 * native avx2 path's. Not part of the extension. avx512_names.h (made by
 * that script) maps each _mm512_ name the sources use to SIMDe's. */
#include <immintrin.h>
#include <simde/x86/avx512.h>
#define __m512i simde__m512i
#define __m512 simde__m512
#define __m512d simde__m512d
#include "avx512_names.h"

/* The intrinsics SIMDe 0.7.4 lacks, by their lane semantics (Intel's
 * intrinsics guide): conversions of integers that the kernels keep below
 * 2^24 and 2^53 (exact either way), the masked compares as the mask
 * and-ed with the compare, and the merge-masked dword shuffle. */
#undef _mm512_cvtepi32_ps
#undef _mm512_cvtepi64_pd
#undef _mm512_mask_cmp_ps_mask
#undef _mm512_mask_cmp_pd_mask
static simde__m512 fi_simde_cvtepi32_ps(simde__m512i a)
{
    simde__m512i_private x = simde__m512i_to_private(a);
    simde__m512_private r;
    for (int i = 0; i < 16; i++)
        r.f32[i] = (float)x.i32[i];
    return simde__m512_from_private(r);
}
static simde__m512d fi_simde_cvtepi64_pd(simde__m512i a)
{
    simde__m512i_private x = simde__m512i_to_private(a);
    simde__m512d_private r;
    for (int i = 0; i < 8; i++)
        r.f64[i] = (double)x.i64[i];
    return simde__m512d_from_private(r);
}
/* r[i] = k bit i ? a[4 (i / 4) + ((imm >> 2 (i % 4)) & 3)] : src[i] */
#undef _mm512_mask_shuffle_epi32
static simde__m512i fi_simde_mask_shuffle_epi32(simde__m512i src, simde__mmask16 k,
                                                 simde__m512i a, int imm)
{
    simde__m512i_private s = simde__m512i_to_private(src), x = simde__m512i_to_private(a), r;
    for (int i = 0; i < 16; i++)
        r.i32[i] = (k >> i) & 1 ? x.i32[(i & ~3) + ((imm >> (2 * (i & 3))) & 3)] : s.i32[i];
    return simde__m512i_from_private(r);
}
#define _mm512_mask_shuffle_epi32 fi_simde_mask_shuffle_epi32
#define _mm512_cvtepi32_ps fi_simde_cvtepi32_ps
#define _mm512_cvtepi64_pd fi_simde_cvtepi64_pd
#define _mm512_mask_cmp_ps_mask(m, a, b, imm) \
    ((simde__mmask16)((m) & simde_mm512_cmp_ps_mask((a), (b), (imm))))
#define _mm512_mask_cmp_pd_mask(m, a, b, imm) \
    ((simde__mmask8)((m) & simde_mm512_cmp_pd_mask((a), (b), (imm))))
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "kernels.h"
#define FI_PHILOX_AVX512 1
#define FI_SFX(name) name##_avx512
#include "kernels_impl.h"
#include "register_impl.h"
