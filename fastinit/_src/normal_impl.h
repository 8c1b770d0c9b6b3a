/* Normal kernels (FI_NORMAL): the ziggurat of ziggurat.h, included from
 * kernels_impl.h and so compiled once per SIMD path.
 *
 * Stream layout (a compatibility promise): the first attempt of index i
 * uses the word(s) uniform_ uses for i (float32 and float16: one word;
 * float64: the two words of the 53-bit uniform); the 1.5% of elements whose
 * first attempt falls outside the fast path continue with their own retry
 * blocks, Philox counter (i, stream, FI_ZIG_SUB + t), t = 1, 2, ...
 *
 * A kernel works on sub-pieces of up to FI_TN_SUB values aligned to chunks:
 * first attempts for the whole sub-piece, an unfinished element's proposal
 * bits parked in its own output slot, the positions of those collected, then
 * their retry blocks FI_CHUNK elements at a time (fi_philox_gather).
 */

#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
/* The first attempts of 8 lanes with AVX2 gathers for the layer tables: the
 * same operations as fi_zig32_first / fi_zig64_first (integer conversion,
 * one product, the sign bit or-ed in, mean + sd * z), so the same bits. The
 * AVX-512 path uses this 256-bit code as it is. */
static inline void fi_zig32_first8(const uint32_t *wp, __m256 mean, __m256 sd, float *o,
                                   int32_t *rej)
{
    const __m256i m255 = _mm256_set1_epi32(255), sign = _mm256_set1_epi32((int)0x80000000u);
    const __m256i order = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    __m256i w = _mm256_loadu_si256((const __m256i *)wp);
    __m256i k = _mm256_permutevar8x32_epi32(_mm256_and_si256(w, m255), order);
    __m256i u = _mm256_srli_epi32(w, 9);
    /* entries of lanes 0, 1, 4, 5 and of 2, 3, 6, 7; the even dwords (X) and
     * the odd ones (K) of the pair are then lanes 0..7 in order */
    __m256 ta = _mm256_castsi256_ps(_mm256_i32gather_epi64((const long long *)fi_zig_xk32,
                                                           _mm256_castsi256_si128(k), 8));
    __m256 tb = _mm256_castsi256_ps(_mm256_i32gather_epi64((const long long *)fi_zig_xk32,
                                                           _mm256_extracti128_si256(k, 1), 8));
    __m256 xt = _mm256_shuffle_ps(ta, tb, 0x88);
    __m256i kt = _mm256_castps_si256(_mm256_shuffle_ps(ta, tb, 0xdd));
    __m256 x = _mm256_mul_ps(_mm256_cvtepi32_ps(u), xt);
    __m256 z = _mm256_or_ps(x, _mm256_castsi256_ps(_mm256_and_si256(_mm256_slli_epi32(w, 23), sign)));
    __m256 v = _mm256_add_ps(mean, _mm256_mul_ps(sd, z));
    __m256i ok = _mm256_cmpgt_epi32(kt, u);
    _mm256_storeu_ps(o, _mm256_blendv_ps(_mm256_castsi256_ps(w), v, _mm256_castsi256_ps(ok)));
    _mm256_storeu_si256((__m256i *)rej, _mm256_xor_si256(ok, _mm256_set1_epi32(-1)));
}

static inline void FI_SFX(zig32_chunk)(uint64_t g, const fi_stream *st, float mean, float sd,
                                       float *o, int32_t *rej)
{
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    const __m256 vm = _mm256_set1_ps(mean), vs = _mm256_set1_ps(sd);
    for (int h = 0; h < FI_GPC; h++)
        for (int k = 0; k < 4; k++)
            fi_zig32_first8(w[k] + FI_LANES * h, vm, vs, o + 4 * FI_LANES * h + FI_LANES * k,
                            rej + 4 * FI_LANES * h + FI_LANES * k);
}
/* float64: 4 lanes of 64 bits at a time. (double) of the 53-bit u, which
 * AVX2 lacks, is done exactly as the sum of its high part 2^32 uh (from
 * 2^84 + 2^32 uh) and its low part ul (from 2^52 + ul), both exact. */
static inline __m256d fi_u53_to_pd(__m256i u)
{
    const __m256i lomask = _mm256_set1_epi64x(0xffffffffll);
    __m256d hi = _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(u, 32),
                                                     _mm256_set1_epi64x(0x4530000000000000ll)));
    __m256d lo = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(u, lomask),
                                                     _mm256_set1_epi64x(0x4330000000000000ll)));
    return _mm256_add_pd(_mm256_sub_pd(hi, _mm256_set1_pd(0x1p84 + 0x1p52)), lo);
}

static inline void fi_zig64_first4(__m256i b, __m256d mean, __m256d sd, double *o, int32_t *rej)
{
    const __m256i m255 = _mm256_set1_epi64x(255), sign = _mm256_set1_epi64x((long long)0x8000000000000000ull);
    __m256i k = _mm256_and_si256(b, m255);
    __m256i u = _mm256_srli_epi64(b, 11);
    __m256d xt = _mm256_i64gather_pd(fi_zig_x64, k, 8);
    __m256i kt = _mm256_i64gather_epi64((const long long *)fi_zig_k64, k, 8);
    __m256d x = _mm256_mul_pd(fi_u53_to_pd(u), xt);
    __m256d z = _mm256_or_pd(x, _mm256_castsi256_pd(_mm256_and_si256(_mm256_slli_epi64(b, 55), sign)));
    __m256d v = _mm256_add_pd(mean, _mm256_mul_pd(sd, z));
    __m256i ok = _mm256_cmpgt_epi64(kt, u);
    _mm256_storeu_pd(o, _mm256_blendv_pd(_mm256_castsi256_pd(b), v, _mm256_castsi256_pd(ok)));
    int m = _mm256_movemask_pd(_mm256_castsi256_pd(ok));
    for (int l = 0; l < 4; l++)
        rej[l] = ((m >> l) & 1) - 1;
}

static inline void FI_SFX(zig64_chunk)(uint64_t g, const fi_stream *st, double mean, double sd,
                                       double *o, int32_t *rej)
{
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    const __m256d vm = _mm256_set1_pd(mean), vs = _mm256_set1_pd(sd);
    for (int h = 0; h < FI_GPC; h++) {
        for (int j = 0; j < 2; j++) {
            __m256i hi = _mm256_loadu_si256((const __m256i *)(w[2 * j] + FI_LANES * h));
            __m256i lo = _mm256_loadu_si256((const __m256i *)(w[2 * j + 1] + FI_LANES * h));
            __m256i p0 = _mm256_unpacklo_epi32(lo, hi), p1 = _mm256_unpackhi_epi32(lo, hi);
            int i = 2 * FI_LANES * h + FI_LANES * j;
            /* lanes 0, 1, 4, 5 in p0 and 2, 3, 6, 7 in p1 */
            fi_zig64_first4(_mm256_permute2x128_si256(p0, p1, 0x20), vm, vs, o + i, rej + i);
            fi_zig64_first4(_mm256_permute2x128_si256(p0, p1, 0x31), vm, vs, o + i + 4, rej + i + 4);
        }
    }
}
#else
static inline void FI_SFX(zig32_chunk)(uint64_t g, const fi_stream *st, float mean, float sd,
                                       float *o, int32_t *rej)
{
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    for (int h = 0; h < FI_GPC; h++) {
        for (int k = 0; k < 4; k++) {
            for (int l = 0; l < FI_LANES; l++) {
                int i = 4 * FI_LANES * h + FI_LANES * k + l;
                uint32_t x = w[k][FI_LANES * h + l];
                int32_t ok;
                float z = fi_zig32_first(x, &ok);
                float v = mean + sd * z;
                o[i] = ok ? v : fi_u2f(x);
                rej[i] = ok - 1;
            }
        }
    }
}

static inline void FI_SFX(zig64_chunk)(uint64_t g, const fi_stream *st, double mean, double sd,
                                       double *o, int32_t *rej)
{
    uint32_t w[4][FI_CHUNK];
    fi_philox_chunk(g * FI_CHUNK, st->stream, st->sub, st->k0, st->k1, w);
    for (int h = 0; h < FI_GPC; h++) {
        for (int j = 0; j < 2; j++) {
            for (int l = 0; l < FI_LANES; l++) {
                int L = FI_LANES * h + l, i = 2 * FI_LANES * h + FI_LANES * j + l;
                uint64_t b = fi_zig64_bits(w[2 * j][L], w[2 * j + 1][L]);
                int32_t ok;
                double z = fi_zig64_first(b, &ok);
                double v = mean + sd * z;
                o[i] = ok ? v : fi_u2d(b);
                rej[i] = ok - 1;
            }
        }
    }
}

#endif

/* Retry blocks for the listed elements of buf (flat index base + idx[r]),
 * whose slots hold their proposals' bits; finished values replace them. */
static void FI_SFX(zig32_retry)(const fi_stream *st, float mean, float sd, uint64_t base,
                                int32_t *idx, int nidx, float *buf)
{
    for (uint32_t t = 1; nidx > 0 && t <= FI_ZIG_MAXTRY; t++) {
        int keep = 0, last = t == FI_ZIG_MAXTRY;
        for (int r0 = 0; r0 < nidx; r0 += FI_CHUNK) {
            int cnt = nidx - r0 < FI_CHUNK ? nidx - r0 : FI_CHUNK;
            uint64_t ctr[FI_CHUNK];
            uint32_t w[4][FI_CHUNK], p[FI_CHUNK];
            float v[FI_CHUNK];
            int32_t ok[FI_CHUNK];
            for (int l = 0; l < FI_CHUNK; l++) {
                int32_t e = idx[r0 + (l < cnt ? l : cnt - 1)];
                ctr[l] = base + (uint64_t)e;
                p[l] = fi_f2u(buf[e]);
            }
            fi_philox_gather(ctr, st->stream, FI_ZIG_SUB + t, st->k0, st->k1, w);
            for (int l = 0; l < FI_CHUNK; l++) {
                float z;
                ok[l] = fi_zig32_step(&p[l], w[0][l], w[1][l], w[2][l], w[3][l], &z) | last;
                v[l] = ok[l] ? mean + sd * z : fi_u2f(p[l]);
            }
            for (int l = 0; l < cnt; l++) {
                int32_t e = idx[r0 + l];
                buf[e] = v[l];
                idx[keep] = e;
                keep += !ok[l];
            }
        }
        nidx = keep;
    }
}

static void FI_SFX(zig64_retry)(const fi_stream *st, double mean, double sd, uint64_t base,
                                int32_t *idx, int nidx, double *buf)
{
    for (uint32_t t = 1; nidx > 0 && t <= FI_ZIG_MAXTRY; t++) {
        int keep = 0, last = t == FI_ZIG_MAXTRY;
        for (int r0 = 0; r0 < nidx; r0 += FI_CHUNK) {
            int cnt = nidx - r0 < FI_CHUNK ? nidx - r0 : FI_CHUNK;
            uint64_t ctr[FI_CHUNK], p[FI_CHUNK];
            uint32_t w[4][FI_CHUNK];
            double v[FI_CHUNK];
            int32_t ok[FI_CHUNK];
            for (int l = 0; l < FI_CHUNK; l++) {
                int32_t e = idx[r0 + (l < cnt ? l : cnt - 1)];
                ctr[l] = base + (uint64_t)e;
                p[l] = fi_d2u(buf[e]);
            }
            fi_philox_gather(ctr, st->stream, FI_ZIG_SUB + t, st->k0, st->k1, w);
            for (int l = 0; l < FI_CHUNK; l++) {
                double z;
                ok[l] = fi_zig64_step(&p[l], fi_zig64_bits(w[0][l], w[1][l]),
                                      fi_zig64_bits(w[2][l], w[3][l]), &z) | last;
                v[l] = ok[l] ? mean + sd * z : fi_u2d(p[l]);
            }
            for (int l = 0; l < cnt; l++) {
                int32_t e = idx[r0 + l];
                buf[e] = v[l];
                idx[keep] = e;
                keep += !ok[l];
            }
        }
        nidx = keep;
    }
}

/* One normal kernel: p[0] = mean, p[1] = std. DIRECT: whole sub-pieces are
 * computed straight into the output; otherwise through buf and PUT. */
#define FI_ZIG_KERNEL(NAME, CT, OUT_T, GS, CHUNK, RETRY, PUT, DIRECT)              \
static void FI_SFX(NAME)(void *out, uint64_t start, int64_t n,                     \
                         const fi_stream *st, const fi_params *prm)                \
{                                                                                  \
    const CT mean = (CT)prm->p[0], sd = (CT)prm->p[1];                             \
    CT buf[FI_TN_SUB];                                                             \
    int32_t idx[FI_TN_SUB + FI_LANES], rej[FI_C32];                                \
    OUT_T *o = (OUT_T *)out;                                                       \
    uint64_t pos = start, end = start + (uint64_t)n;                               \
    while (pos < end) {                                                            \
        uint64_t b0 = pos / (GS) * (GS);                                           \
        uint64_t b1 = (end + (GS) - 1) / (GS) * (GS);                              \
        if (b1 > b0 + FI_TN_SUB)                                                   \
            b1 = b0 + FI_TN_SUB;                                                   \
        int direct = DIRECT && pos == b0 && b1 <= end;                             \
        CT *dst = direct ? (CT *)o : buf;                                          \
        int nidx = 0;                                                              \
        uint64_t g = b0 / (GS);                                                    \
        for (int k0 = 0; k0 < (int)(b1 - b0); k0 += (GS), g++) {                   \
            FI_SFX(CHUNK)(g, st, mean, sd, dst + k0, rej);                         \
            nidx = fi_tn_collect(rej, (GS), k0, idx, nidx);                        \
        }                                                                          \
        FI_SFX(RETRY)(st, mean, sd, b0, idx, nidx, dst);                           \
        uint64_t hi = b1 < end ? b1 : end;                                         \
        if (!direct)                                                               \
            PUT(o, buf + (pos - b0), (int64_t)(hi - pos));                         \
        o += hi - pos;                                                             \
        pos = hi;                                                                  \
    }                                                                              \
}

FI_ZIG_KERNEL(k_normal_f32, float, float, FI_C32, zig32_chunk, zig32_retry, FI_COPY, 1)
/* float16: computed in float32 and rounded once */
FI_ZIG_KERNEL(k_normal_f16, float, uint16_t, FI_C32, zig32_chunk, zig32_retry, FI_PUT16, 0)
FI_ZIG_KERNEL(k_normal_f64, double, double, FI_C64, zig64_chunk, zig64_retry, FI_COPY, 1)
#undef FI_ZIG_KERNEL
