/* Normal kernels (FI_NORMAL) and the truncated normal's normal rejection
 * (FI_TRUNCNORM, method FI_TN_NORMAL): the ziggurat of ziggurat.h, included
 * from kernels_impl.h and so compiled once per SIMD path.
 *
 * Stream layout (a compatibility promise): the first attempt of index i
 * uses the word(s) uniform_ uses for i (float32 and float16: one word;
 * float64: the two words of the 53-bit uniform, hi:lo). Elements whose first
 * attempt leaves the fast path (0.43%), or whose value a truncated normal
 * rejects, continue with their own retry blocks, Philox counter
 * (i, stream, FI_ZIG_SUB + t), t = 1, 2, ... (fi_zig32_step, fi_zig64_step).
 * A truncated normal's value is normal_'s value at the same index whenever
 * that one lies in [lo, hi].
 *
 * Parameters (the working precision's): value = mean + sd * z', z' = z with
 * its bits and-ed with keep and or-ed with set (keep = ~0, set = 0: z;
 * keep = the magnitude bits: +-|z|, the folded proposals of one-sided
 * intervals); accepted when lo <= value <= hi.
 *
 * A kernel works on sub-pieces of up to FI_TN_SUB values aligned to chunks:
 * first attempts for the whole sub-piece (an unfinished element's state,
 * its failed proposal or 0, parked in its own output slot, its position
 * collected), then the retry blocks of the collected elements, FI_CHUNK at
 * a time (fi_philox_gather).
 */

#define FI_ZIG_BIG 16384   /* values per sub-piece written straight to the output */

/* What a kernel's first attempts check (a constant `check`, 0 for
 * normal_): FI_ZIG_IN the interval test, FI_ZIG_FOLD the folding (keep,
 * set), left out where it changes no bits (keep = ~0, set = 0). */
#define FI_ZIG_IN 1
#define FI_ZIG_FOLD 2

/* t: the tables, the normal's or a truncated normal's own (ziggurat.h). */
typedef struct { float mean, sd, lo, hi; uint32_t keep, set; fi_zt32 t; } fi_zq32;
typedef struct { double mean, sd, lo, hi; uint64_t keep, set; fi_zt64 t; } fi_zq64;
/* A retry batch's proposals and their table entries (fi_zig*_batch_look;
 * the AVX2 float32 batch reads F and D itself, only for its wedge tests):
 * float32 keeps the packed entries in fi_zig32_batch8's order. */
/* Q, eq, eqk: the second proposals (after a failed wedge test) and their
 * entries. */
typedef struct { uint32_t P[FI_CHUNK], Q[FI_CHUNK]; uint64_t ea[FI_CHUNK], eb[FI_CHUNK];
                 uint64_t eq[FI_CHUNK], eqk[FI_CHUNK]; float F[FI_CHUNK], D[FI_CHUNK]; } fi_zl32;
typedef struct { uint64_t P[FI_CHUNK], Q[FI_CHUNK]; uint64_t ea[FI_CHUNK], eb[FI_CHUNK];
                 uint64_t eq[FI_CHUNK], eqk[FI_CHUNK]; double F[FI_CHUNK], D[FI_CHUNK]; } fi_zl64;

/* Append the set bits of m to the retry list: k0 + bit to idx (the slot's
 * offset in the output) and, unless cix is NULL (a constant: the counter
 * offsets are the slot offsets), kc + bit to cix (the element's counter
 * offset). K <= FI_LANES entries of slack: the first K positions are
 * written without a branch, the rest in a loop. K = 1 for normal_ (a
 * float32 chunk of 64 values has at most one unfinished element 97% of the
 * time, a float64 one of 32 99%; K = 2 was 2-3% slower for float32 on
 * AVX2), 6 for the truncated normal (about 4 per chunk for (-2, 2)). */
static inline __attribute__((always_inline)) int fi_zig_collect(uint64_t m, int k0, int kc,
                                                              int32_t *idx, int32_t *cix,
                                                              int nidx, int K)
{
    int c = fi_popcount64(m);
    uint64_t mk = m;
    for (int j = 0; j < K; j++, mk &= mk - 1) {
        int b = __builtin_ctzll(mk | (1ull << 63));
        idx[nidx + j] = k0 + b;
        if (cix)
            cix[nidx + j] = kc + b;
    }
    if (__builtin_expect(c > K, 0)) {
        int r = nidx + K;
        for (; mk; mk &= mk - 1, r++) {
            idx[r] = k0 + __builtin_ctzll(mk);
            if (cix)
                cix[r] = kc + __builtin_ctzll(mk);
        }
    }
    return nidx + c;
}

/* The words of a chunk: in output order on the SIMD paths (below), as
 * w[k][l] on the portable one. Their buffers, and the looked-up entries,
 * are aligned to the vector width: a 512-bit load or store that splits a
 * cache line costs twice. */
#if defined(FI_PHILOX_AVX512)
#define FI_ZIG_ALIGN __attribute__((aligned(64)))
#else
#define FI_ZIG_ALIGN __attribute__((aligned(32)))
#endif
#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
#define FI_ZIG_PHILOX fi_philox_chunk_out
#else
#define FI_ZIG_PHILOX fi_philox_chunk
#endif

/* A chunk function gets its words w (computed by the previous call, or
 * before the first) and computes the next chunk's into wn when `more`: on
 * the SIMD paths between its table lookups and its arithmetic, so that the
 * core overlaps the lookups (scalar loads) with Philox (vector units). */
#define FI_ZIG_NEXT                                                               \
    do {                                                                          \
        if (more)                                                                 \
            FI_ZIG_PHILOX((g + 1) * FI_CHUNK, st->stream, st->sub, st->k0,        \
                          st->k1, wn);                                            \
    } while (0)

#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
#include "simdv.h"
/* The first attempts on FI_VW lanes (simdv.h: AVX2 8, AVX-512 16), one
 * source for both paths. A chunk's words are in output order
 * (fi_philox_chunk_out): float32 value i of the chunk is word wo[i];
 * float64 value 8b + l has its high word at wo[16b + l] and its low word
 * (sign and layer bits) at wo[16b + 8 + l]. So the lanes of one vector are
 * consecutive values, loaded straight from the generator's stores and
 * stored straight to the output; unfinished lanes are a mask (a mask
 * register on AVX-512) that selects the parked word into their slots.
 *
 * The operations are those of fi_zig32_value_e / fi_zig32_fast_e (integer
 * conversion, one product, mean + sd * z), so the same bits. The layer
 * tables are read by plain loads into te (the packed entries, in
 * fi_zig_te_slot's order), not by gather instructions: as fast on AVX2,
 * and qemu 7.2's AVX2 emulation (tests/test_cpus.py) got vpgatherdq wrong.
 * check (a constant): FI_ZIG_IN, FI_ZIG_FOLD. Returns the bit mask of
 * unfinished lanes. */
static inline __attribute__((always_inline)) uint32_t fi_zig32_firstv(const uint32_t *wp,
        const uint64_t *te, const fi_zq32 *q, int check, float *o)
{
    fi_vi w = fi_vi_load(wp);
    fi_vi u = FI_VI_SRLI32(w, FI_ZIG_LBITS + 1);
    fi_vf xt;
    fi_vi kt;
    fi_vte_split(te, &xt, &kt);
    fi_vf z = fi_vf_mul(fi_vf_cvt(u), xt);
    fi_vm ok = fi_vm_gt(kt, u);
    fi_vi park = w;
    if (check & FI_ZIG_FOLD)
        z = fi_vf_as(fi_vi_or(fi_vi_and(fi_vi_asf(z), fi_vi_set1(q->keep)), fi_vi_set1(q->set)));
    if (check)
        park = fi_vi_zero_where(ok, park);   /* fast but outside: 0 */
    fi_vf v = fi_vf_add(fi_vf_set1(q->mean), fi_vf_mul(fi_vf_set1(q->sd), z));
    if (check)
        ok = fi_vm_and_in(ok, v, fi_vf_set1(q->lo), fi_vf_set1(q->hi));
    fi_vf_store(o, fi_vf_blend(ok, fi_vf_as(park), v));
    return fi_vm_bits(ok) ^ FI_VM_ALL;
}

static inline __attribute__((always_inline)) uint64_t FI_SFX(zig32_chunk)(uint64_t g, const fi_stream *st, const fi_zq32 *q,
                                           int check, float *o, uint32_t w[4][FI_CHUNK],
                                           uint32_t wn[4][FI_CHUNK], int more)
{
    const uint32_t *wo = &w[0][0];
    uint64_t te[4 * FI_CHUNK] FI_ZIG_ALIGN;
    const uint64_t *xk = q->t.xk;
#if FI_VW == 16
    /* AVX-512: the table indices (sign and layer bits) by vector ands into
     * ix, then one scalar load of an index and one of its entry per value,
     * stored to te; volatile, so that they stay plain loads and stores
     * (GCC otherwise extracted lanes and built te's vectors by lane
     * inserts). On Intel's cores the scalar ALU shares ports 0 and 5 with
     * the 512-bit units, which Philox fills: the AVX2 form below (an and
     * and a shift per index) left the normal float32 kernel bound by
     * those ports at about 58% of uniform's speed, this one at about 94%
     * (llvm-mca's Skylake-X model of the loop, the bound by port
     * pressure; the model gave 58% for the former AVX-512 code, as
     * measured on Sapphire Rapids). On Zen 3's AVX2 it is 10% slower. */
    uint32_t ix[4 * FI_CHUNK] FI_ZIG_ALIGN;
    volatile uint32_t *iv = ix;
    volatile uint64_t *tv = te;
    for (int i = 0; i < 4 * FI_CHUNK; i += FI_VW)
        fi_vi_store(ix + i, fi_vi_and(fi_vi_load(wo + i), fi_vi_set1(FI_ZIG_JMASK)));
#pragma GCC unroll 64
    for (int i = 0; i < 4 * FI_CHUNK; i++)
        tv[(i & -FI_VW) + fi_zig_te_slot(i & (FI_VW - 1))] = xk[iv[i]];
#else
    /* AVX2: the lookups with scalar loads, two words at a time; the empty
     * asm keeps the compiler from turning them into lane extractions,
     * which would compete with Philox for the vector units; unrolled, so
     * that the slots are constants */
#pragma GCC unroll 32
    for (int i = 0; i < 4 * FI_CHUNK; i += 2) {
        uint64_t pr;
        memcpy(&pr, wo + i, sizeof pr);
        __asm__("" : "+r"(pr));
        int b = i & -FI_VW, L = i & (FI_VW - 1);
        te[b + fi_zig_te_slot(L)] = xk[pr & FI_ZIG_JMASK];
        te[b + fi_zig_te_slot(L + 1)] = xk[(pr >> 32) & FI_ZIG_JMASK];
    }
#endif
    FI_ZIG_NEXT;
    uint64_t m = 0;
    for (int i = 0; i < 4 * FI_CHUNK; i += FI_VW)
        m |= (uint64_t)fi_zig32_firstv(wo + i, te + i, q, check, o + i) << i;
    return m;
}

/* The float64 first attempts of FI_VWD lanes: b their 64-bit words, xe and
 * ke their table entries. */
static inline __attribute__((always_inline)) uint32_t fi_zig64_firstv(fi_vi b, const double *xe,
        const int64_t *ke, const fi_zq64 *q, int check, double *o)
{
    fi_vi u = FI_VI_SRLI64(b, 11);
    fi_vd z = fi_vd_mul(fi_vd_from_u53(u), fi_vd_load(xe));
    fi_vmd ok = fi_vmd_gt(fi_vi_load(ke), u);
    fi_vd park = fi_vd_as(b);
    if (check & FI_ZIG_FOLD)
        z = fi_vd_fold(z, q->keep, q->set);
    if (check)
        park = fi_vd_zero_where(ok, park);
    fi_vd v = fi_vd_add(fi_vd_set1(q->mean), fi_vd_mul(fi_vd_set1(q->sd), z));
    if (check)
        ok = fi_vmd_and_in(ok, v, fi_vd_set1(q->lo), fi_vd_set1(q->hi));
    fi_vd_store(o, fi_vd_blend(ok, park, v));
    return fi_vmd_bits(ok) ^ FI_VMD_ALL;
}

static inline __attribute__((always_inline)) uint64_t FI_SFX(zig64_chunk)(uint64_t g, const fi_stream *st, const fi_zq64 *q,
                                           int check, double *o, uint32_t w[4][FI_CHUNK],
                                           uint32_t wn[4][FI_CHUNK], int more)
{
    const uint32_t *wo = &w[0][0];
    double xe[2 * FI_CHUNK] FI_ZIG_ALIGN;
    int64_t ke[2 * FI_CHUNK] FI_ZIG_ALIGN;
    const double *X = q->t.X;
    const int64_t *K = q->t.K;
#if FI_VW == 16
    /* AVX-512: the entries' indices by vector ands, then plain loads and
     * stores (volatile), as in zig32_chunk and for the same reason */
    uint32_t ij[2 * FI_CHUNK] FI_ZIG_ALIGN, ik[2 * FI_CHUNK] FI_ZIG_ALIGN;
    volatile uint32_t *vj = ij, *vk = ik;
    volatile double *vx = xe;
    volatile int64_t *vkk = ke;
    for (int b = 0; b < 2 * FI_CHUNK / 8; b++) {
        __m256i lo = _mm256_loadu_si256((const __m256i *)(wo + 16 * b + 8));
        _mm256_storeu_si256((__m256i *)(ij + 8 * b),
                            _mm256_and_si256(lo, _mm256_set1_epi32((int)FI_ZIG_JMASK)));
        _mm256_storeu_si256((__m256i *)(ik + 8 * b),
                            _mm256_and_si256(lo, _mm256_set1_epi32((int)FI_ZIG_KMASK)));
    }
#pragma GCC unroll 32
    for (int i = 0; i < 2 * FI_CHUNK; i++) {
        vx[i] = X[vj[i]];
        vkk[i] = K[vk[i]];
    }
#else
    /* AVX2: the entries of the sign and layer bits (the low words), plain loads;
     * with an interval test, through general registers (the empty asm):
     * GCC otherwise packed some into vectors kept across the next chunk's
     * Philox, which then spilled (3% slower for the float64 truncated
     * normal on Zen 3), while normal_ gained 2% from them */
#pragma GCC unroll 32
    for (int i = 0; i < 2 * FI_CHUNK; i++) {
        uint32_t lo = wo[16 * (i >> 3) + 8 + (i & 7)];
        uint64_t x;
        int64_t k = K[lo & FI_ZIG_KMASK];
        memcpy(&x, X + (lo & FI_ZIG_JMASK), sizeof x);
        if (check)
            __asm__("" : "+r"(x), "+r"(k));
        memcpy(xe + i, &x, sizeof x);
        ke[i] = k;
    }
#endif
    FI_ZIG_NEXT;
    uint64_t m = 0;
    for (int b = 0; b < 2 * FI_CHUNK / 8; b++) {   /* 8 values a block */
        fi_vi bv[8 / FI_VWD];
        fi_vd_words(wo + 16 * b, bv);
        for (int r = 0; r < 8 / FI_VWD; r++) {
            int i = 8 * b + FI_VWD * r;
            m |= (uint64_t)fi_zig64_firstv(bv[r], xe + i, ke + i, q, check, o + i) << i;
        }
    }
    return m;
}
#else
/* The float64 first attempts' table entries of one chunk, by plain loads
 * before the arithmetic: X and K of the sign and layer bits (the low word
 * of each pair). */
static inline __attribute__((always_inline)) void fi_zig64_look(const fi_zq64 *q,
        uint32_t w[4][FI_CHUNK], double *xe, int64_t *ke)
{
    const double *X = q->t.X;
    const int64_t *K = q->t.K;
    for (int h = 0; h < FI_GPC; h++)
        for (int j = 0; j < 2; j++)
            for (int l = 0; l < FI_LANES; l++) {
                uint32_t lo = w[2 * j + 1][FI_LANES * h + l];   /* the sign and layer bits */
                xe[2 * FI_LANES * h + FI_LANES * j + l] = X[lo & FI_ZIG_JMASK];
                ke[2 * FI_LANES * h + FI_LANES * j + l] = K[lo & FI_ZIG_KMASK];
            }
}

/* The bit mask of the lanes whose ok flag is 0, n a multiple of 8 (up to
 * 64): the flags as bytes (a loop that vectorizes), each 8 of them folded
 * into 8 bits by one product (byte i of x times 2^(56 - 7i) lands in bit 56
 * + i, the other products below bit 56 without carries or above bit 63),
 * where a bit-by-bit loop would be 6 scalar instructions per lane. */
static inline uint64_t fi_zig_mask(const int32_t *ok, int n)
{
    uint8_t f[64];
    uint64_t m = 0;
    for (int i = 0; i < n; i++)
        f[i] = (uint8_t)(ok[i] == 0);
    for (int b = 0; b < n; b += 8) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        uint64_t x;
        memcpy(&x, f + b, 8);
        m |= ((x * 0x0102040810204080ull) >> 56) << b;
#else
        for (int i = 0; i < 8; i++)
            m |= (uint64_t)f[b + i] << (b + i);
#endif
    }
    return m;
}

/* Portable first attempts: one chunk, the same operations lane by lane.
 * normal_ (check 0) stores every value and then parks the few unfinished
 * elements' words (FI_ZIG_PARK), where a select on every lane cost about
 * 7% of the float64 kernel's time. */
#define FI_ZIG_FIRST(CT, UT, TO_BITS, FROM_BITS, SEL, VALUE, FAST)                 \
    do {                                                                           \
        UT x = WORD;                                                               \
        CT z = VALUE(x);                                                           \
        int32_t fast = FAST(x), in = 1;                                            \
        UT park = x;                                                               \
        if (check & FI_ZIG_FOLD)                                                   \
            z = FROM_BITS((TO_BITS(z) & q->keep) | q->set);                        \
        if (check)                                                                 \
            park = fast ? 0 : x;                                                   \
        CT v = q->mean + q->sd * z;                                                \
        if (check)                                                                 \
            in = (v >= q->lo) & (v <= q->hi);                                      \
        ok[i] = fast & in;                                                         \
        if (check)                                                                 \
            o[i] = FROM_BITS(SEL(-(UT)ok[i], TO_BITS(v), park));                   \
        else                                                                       \
            o[i] = v;                                                              \
    } while (0)

/* The value and fast-path test of the word(s) x of element i, its table
 * entries looked up beforehand (te; xe and ke); float32 normal_ (check 0,
 * always normal_'s tables) looks them up in the loop, in the static table
 * itself (a const object, which the stores cannot change: through a
 * pointer the loop did not vectorize; 5.6 against 6.1 ns/value on the
 * baseline path), while the truncated normal is faster with the lookups
 * first (6.2 against 7.2) */
#define FI_ZIG_E32(x) (check ? te[i] : fi_zig_xk32[(x) & FI_ZIG_JMASK])
#define FI_ZIG_V32(x) fi_zig32_value_e(x, FI_ZIG_E32(x))
#define FI_ZIG_F32(x) fi_zig32_fast_e(x, FI_ZIG_E32(x))
#define FI_ZIG_V64(x) fi_zig64_value_e(x, xe[i])
#define FI_ZIG_F64(x) fi_zig64_fast_e(x, ke[i])

/* normal_: the words of the unfinished elements m into their slots. */
#define FI_ZIG_PARK(m, FROM_BITS, WORD_OF)                                         \
    do {                                                                           \
        if (!check)                                                                \
            for (uint64_t mk_ = (m); mk_; mk_ &= mk_ - 1) {                        \
                int i = __builtin_ctzll(mk_);                                      \
                o[i] = FROM_BITS(WORD_OF(i));                                      \
            }                                                                      \
    } while (0)

static inline __attribute__((always_inline)) uint64_t FI_SFX(zig32_chunk)(uint64_t g, const fi_stream *st, const fi_zq32 *q,
                                           int check, float *o, uint32_t w[4][FI_CHUNK],
                                           uint32_t wn[4][FI_CHUNK], int more)
{
    int32_t ok[4 * FI_CHUNK];
    uint64_t te[4 * FI_CHUNK];
    const uint64_t *xk = q->t.xk;
    /* the lookups first, in a loop of their own (scalar loads), then the
     * next chunk's Philox, then the arithmetic, which vectorizes */
    if (check)
        for (int h = 0; h < FI_GPC; h++)
            for (int k = 0; k < 4; k++)
                for (int l = 0; l < FI_LANES; l++)
                    te[4 * FI_LANES * h + FI_LANES * k + l] = xk[w[k][FI_LANES * h + l] & FI_ZIG_JMASK];
    FI_ZIG_NEXT;
    for (int h = 0; h < FI_GPC; h++)
        for (int k = 0; k < 4; k++)
            for (int l = 0; l < FI_LANES; l++) {
                int i = 4 * FI_LANES * h + FI_LANES * k + l;
#define WORD w[k][FI_LANES * h + l]
                FI_ZIG_FIRST(float, uint32_t, fi_f2u, fi_u2f, fi_sel32, FI_ZIG_V32, FI_ZIG_F32);
#undef WORD
            }
    uint64_t m = fi_zig_mask(ok, 4 * FI_CHUNK);
    /* index i = 32h + 8k + l is word w[k][8h + l] */
#define WORD_OF(i) w[((i) >> 3) & 3][(((i) >> 5) << 3) | ((i) & 7)]
    FI_ZIG_PARK(m, fi_u2f, WORD_OF);
#undef WORD_OF
    return m;
}

static inline __attribute__((always_inline)) uint64_t FI_SFX(zig64_chunk)(uint64_t g, const fi_stream *st, const fi_zq64 *q,
                                           int check, double *o, uint32_t w[4][FI_CHUNK],
                                           uint32_t wn[4][FI_CHUNK], int more)
{
    int32_t ok[2 * FI_CHUNK];
    double xe[2 * FI_CHUNK];
    int64_t ke[2 * FI_CHUNK];
    fi_zig64_look(q, w, xe, ke);
    FI_ZIG_NEXT;
    /* long indices: the extension is built with Python's -fwrapv, under
     * which int ones made this loop 10% slower (12.6 against 11.4 ns/value
     * for the float64 kernel) */
    for (long h = 0; h < FI_GPC; h++)
        for (long j = 0; j < 2; j++)
            for (long l = 0; l < FI_LANES; l++) {
                long L = FI_LANES * h + l, i = 2 * FI_LANES * h + FI_LANES * j + l;
#define WORD fi_zig64_bits(w[2 * j][L], w[2 * j + 1][L])
                FI_ZIG_FIRST(double, uint64_t, fi_d2u, fi_u2d, fi_sel64, FI_ZIG_V64, FI_ZIG_F64);
#undef WORD
            }
    uint64_t m = fi_zig_mask(ok, 2 * FI_CHUNK);
    /* index i = 16h + 8j + l is the word pair of lane L = 8h + l */
#define WORD_OF(i) fi_zig64_bits(w[2 * (((i) >> 3) & 1)][(((i) >> 4) << 3) | ((i) & 7)], \
                                 w[2 * (((i) >> 3) & 1) + 1][(((i) >> 4) << 3) | ((i) & 7)])
    FI_ZIG_PARK(m, fi_u2d, WORD_OF);
#undef WORD_OF
    return m;
}
#undef FI_ZIG_FIRST
#undef FI_ZIG_PARK
#undef FI_ZIG_E32
#undef FI_ZIG_V32
#undef FI_ZIG_F32
#undef FI_ZIG_V64
#undef FI_ZIG_F64
#endif

/* One retry batch: the FI_CHUNK lanes' states p and block words w -> the
 * slot values v (the accepted value, or the next state) and ok (accepted,
 * or forced by `last`). Generic form: the table lookups of the proposals
 * and of the second proposals (SECOND, used after a failed wedge test)
 * lane by lane; then, each only if some lane reads it (fi_zig_needs), the wedge
 * tests and the tail proposals (the logs and square roots: most batches
 * need one of the two or neither); then the branch-free step. The part
 * loops vectorize. A value rejected by [lo, hi] is clamped to it (used
 * only when forced). */
#define FI_ZIG_BATCH(NAME, CT, UT, QT, LT, TO_BITS, FROM_BITS, SEL, PROPOSAL, SECOND, ET,  \
                     ENTRY, DERIVE, WEDGE, TAIL, STEP)                                   \
static inline void FI_SFX(NAME##_look)(const QT *q, const UT *p, uint32_t w[4][FI_CHUNK], \
                                       LT *lk)                                           \
{                                                                                        \
    const __typeof__(q->t) zt = q->t;   /* the tables, in locals */                      \
    UT *P = lk->P, *Q = lk->Q;                                                           \
    ET *ea = lk->ea, *eb = lk->eb, *eq = lk->eq, *eqk = lk->eqk;                         \
    CT *F = lk->F, *D = lk->D;                                                           \
    for (int l = 0; l < FI_CHUNK; l++) {                                                 \
        P[l] = SEL(-(UT)(p[l] == 0), PROPOSAL, p[l]);                                    \
        Q[l] = SECOND;                                                                   \
    }                                                                                    \
    for (int l = 0; l < FI_CHUNK; l++) {                                                 \
        UT j = P[l], jq = Q[l];                                                          \
        __asm__("" : "+r"(j), "+r"(jq));   /* scalar loads, as in the chunks */          \
        ENTRY;                                                                           \
    }                                                                                    \
    (void)eb;                                                                            \
    (void)eqk;                                                                           \
}                                                                                        \
static inline void FI_SFX(NAME)(const QT *q, const UT *p, uint32_t w[4][FI_CHUNK],       \
                                const LT *lk, int32_t last, CT *v, int32_t *ok)          \
{                                                                                        \
    uint32_t need = 0;                                                                   \
    const UT tailm = q->t.tail;   /* in a local: the loops would reload it */            \
    const UT *P = lk->P, *Q = lk->Q;                                                     \
    const ET *ea = lk->ea, *eb = lk->eb, *eq = lk->eq, *eqk = lk->eqk;                   \
    const CT *F = lk->F, *D = lk->D;                                                     \
    UT nx[FI_CHUNK], zb[FI_CHUNK];                                                       \
    CT x[FI_CHUNK], xq[FI_CHUNK], ta[FI_CHUNK], tb[FI_CHUNK];                            \
    int32_t fp[FI_CHUNK], fq[FI_CHUNK], wok[FI_CHUNK];                                   \
    (void)eb;                                                                            \
    (void)eqk;                                                                           \
    for (int l = 0; l < FI_CHUNK; l++) {                                                 \
        DERIVE;                                                                          \
        need |= fi_zig_needs(p[l] == 0, fp[l], ((P[l] & FI_ZIG_KMASK) == 0) & (int32_t)(tailm & 1u)); \
    }                                                                                    \
    for (int l = 0; l < FI_CHUNK; l++) {                                                 \
        wok[l] = 0;                                                                      \
        ta[l] = tb[l] = 0;                                                               \
    }                                                                                    \
    if (need & FI_ZIG_NEED_WEDGE)                                                        \
        for (int l = 0; l < FI_CHUNK; l++)                                               \
            wok[l] = WEDGE;                                                              \
    if (need & FI_ZIG_NEED_TAIL)                                                         \
        for (int l = 0; l < FI_CHUNK; l++) {                                             \
            TAIL;                                                                        \
        }                                                                                \
    for (int l = 0; l < FI_CHUNK; l++) {                                                 \
        int32_t c = STEP;                                                                \
        CT val = q->mean + q->sd * FROM_BITS((zb[l] & q->keep) | q->set);                \
        int32_t in = (val >= q->lo) & (val <= q->hi);                                    \
        val = val < q->lo ? q->lo : val;                                                 \
        val = val > q->hi ? q->hi : val;                                                 \
        ok[l] = (c & in) | last;                                                         \
        v[l] = FROM_BITS(SEL(-(UT)ok[l], TO_BITS(val), nx[l]));                          \
    }                                                                                    \
}

#if !defined(FI_PHILOX_AVX2) && !defined(FI_PHILOX_AVX512)
FI_ZIG_BATCH(zig32_batch, float, uint32_t, fi_zq32, fi_zl32, fi_f2u, fi_u2f, fi_sel32, w[0][l],
             fi_zig32_second(p[l], w[1][l], w[2][l]), uint64_t,
             (ea[l] = zt.xk[j & FI_ZIG_JMASK], F[l] = zt.F[j & FI_ZIG_KMASK], D[l] = zt.D[j & FI_ZIG_KMASK],
              eq[l] = zt.xk[jq & FI_ZIG_JMASK]),
             (x[l] = fabsf(fi_zig32_value_e(P[l], ea[l])), fp[l] = fi_zig32_fast_e(P[l], ea[l]),
              xq[l] = fabsf(fi_zig32_value_e(Q[l], eq[l])), fq[l] = fi_zig32_fast_e(Q[l], eq[l])),
             fi_zig32_wedge(F[l], D[l], x[l], p[l] ? w[0][l] : w[1][l]),
             (ta[l] = fi_zig32_tailx(w[0][l]), tb[l] = fi_zig32_tailx(w[2][l])),
             fi_zig32_step(p[l], P[l], x[l], fp[l], wok[l], ta[l], tb[l], w[1][l], w[3][l],
                           tailm, Q[l], xq[l], fq[l], &zb[l], &nx[l]))
#endif
FI_ZIG_BATCH(zig64_batch, double, uint64_t, fi_zq64, fi_zl64, fi_d2u, fi_u2d, fi_sel64,
             fi_zig64_bits(w[0][l], w[1][l]), fi_zig64_bits(w[2][l], w[3][l]), uint64_t,
             (ea[l] = fi_d2u(zt.X[j & FI_ZIG_JMASK]), eb[l] = (uint64_t)zt.K[j & FI_ZIG_KMASK],
              F[l] = zt.F[j & FI_ZIG_KMASK], D[l] = zt.D[j & FI_ZIG_KMASK],
              eq[l] = fi_d2u(zt.X[jq & FI_ZIG_JMASK]), eqk[l] = (uint64_t)zt.K[jq & FI_ZIG_KMASK]),
             (x[l] = fabs(fi_zig64_value_e(P[l], fi_u2d(ea[l]))),
              fp[l] = fi_zig64_fast_e(P[l], (int64_t)eb[l]),
              xq[l] = fabs(fi_zig64_value_e(Q[l], fi_u2d(eq[l]))),
              fq[l] = fi_zig64_fast_e(Q[l], (int64_t)eqk[l])),
             fi_zig64_wedge(F[l], D[l], x[l], p[l] ? fi_zig64_bits(w[0][l], w[1][l])
                                                   : fi_zig64_bits(w[2][l], w[3][l])),
             (ta[l] = fi_zig64_tailx(fi_zig64_bits(w[0][l], w[1][l]))),
             fi_zig64_step(p[l], P[l], x[l], fp[l], wok[l], ta[l],
                           fi_zig64_bits(w[2][l], w[3][l]), tailm, xq[l], fq[l], &zb[l], &nx[l]))
#undef FI_ZIG_BATCH

#if defined(FI_PHILOX_AVX2) || defined(FI_PHILOX_AVX512)
/* The float32 batch on 8 lanes in registers: the operations of fi_logf,
 * fi_zig32_wedge, fi_zig32_tailx, fi_zig32_tailok and fi_zig32_step in the
 * same order (no FMA: the build passes -ffp-contract=off), so the same
 * bits as the generic batch; without its round trips through arrays. */
static inline __attribute__((always_inline)) __m256 fi_logf8(__m256 x)
{
    __m256i ix = _mm256_add_epi32(_mm256_castps_si256(x),
                                  _mm256_set1_epi32((int)(0x3f800000u - 0x3f3504f3u)));
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(ix, 23), _mm256_set1_epi32(0x7f));
    __m256 m = _mm256_castsi256_ps(_mm256_add_epi32(
        _mm256_and_si256(ix, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f3504f3)));
    __m256 f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
    __m256 s = _mm256_div_ps(f, _mm256_add_ps(_mm256_set1_ps(2.0f), f));
    __m256 z = _mm256_mul_ps(s, s);
    __m256 r = _mm256_mul_ps(z, _mm256_add_ps(_mm256_set1_ps(0.333333333333f),
               _mm256_mul_ps(z, _mm256_add_ps(_mm256_set1_ps(0.2f),
               _mm256_mul_ps(z, _mm256_add_ps(_mm256_set1_ps(0.142857142857f),
               _mm256_mul_ps(z, _mm256_set1_ps(0.111111111111f)))))))); 
    __m256 lm = _mm256_sub_ps(f, _mm256_mul_ps(s, _mm256_sub_ps(f, _mm256_mul_ps(_mm256_set1_ps(2.0f), r))));
    __m256 ef = _mm256_cvtepi32_ps(e);
    return _mm256_add_ps(_mm256_mul_ps(ef, _mm256_set1_ps(0.693145751953125f)),
                         _mm256_add_ps(lm, _mm256_mul_ps(ef, _mm256_set1_ps(1.428606765330187e-06f))));
}

/* (float)(int32_t)(r >> sh) * 2^-k, the uniforms of ziggurat.h */
static inline __attribute__((always_inline)) __m256 fi_zig_unif8(__m256i r, int sh, float scale)
{
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(r, sh)), _mm256_set1_ps(scale));
}

static inline __attribute__((always_inline)) __m256 fi_zig32_tailx8(__m256i r1)
{
    __m256 u1 = _mm256_add_ps(fi_zig_unif8(r1, 1, 0x1p-31f), _mm256_set1_ps(0x1p-32f));
    return _mm256_sqrt_ps(_mm256_sub_ps(_mm256_set1_ps(FI_ZIG_RR32),
                                        _mm256_mul_ps(_mm256_set1_ps(2.0f), fi_logf8(u1))));
}

static inline __attribute__((always_inline)) __m256i fi_zig32_tailok8(__m256 x, __m256i r2)
{
    return _mm256_castps_si256(_mm256_cmp_ps(_mm256_mul_ps(fi_zig_unif8(r2, 8, 0x1p-24f), x),
                                             _mm256_set1_ps(FI_ZIG_R32), _CMP_LT_OQ));
}

static inline __attribute__((always_inline)) __m256i fi_sel8(__m256i m, __m256i a, __m256i b)
{
    return _mm256_or_si256(_mm256_and_si256(a, m), _mm256_andnot_si256(m, b));
}

/* 8 lanes of a batch: states p, proposals P (also in memory, Pk), te: their
 * packed entries in the order of fi_zig_te_slot on 8 lanes (zig32_batch_look); Q and teq: the second
 * proposals (fi_zig32_second) and theirs */
static inline __attribute__((always_inline)) void fi_zig32_batch8(const fi_zq32 *q,
        __m256i p, __m256i P, const uint64_t *te, const uint32_t *Pk, __m256i Q,
        const uint64_t *teq, const uint32_t *w0, const uint32_t *w1, const uint32_t *w2,
        const uint32_t *w3, int32_t last, float *v, int32_t *ok)
{
    const __m256i zero = _mm256_setzero_si256();
    __m256i r0 = _mm256_loadu_si256((const __m256i *)w0), r1 = _mm256_loadu_si256((const __m256i *)w1);
    __m256i r2 = _mm256_loadu_si256((const __m256i *)w2), r3 = _mm256_loadu_si256((const __m256i *)w3);
    __m256i fresh = _mm256_cmpeq_epi32(p, zero);
    __m256i u = _mm256_srli_epi32(P, FI_ZIG_LBITS + 1);
    __m256 ta_ = _mm256_loadu_ps((const float *)te), tb_ = _mm256_loadu_ps((const float *)(te + 4));
    __m256 X = _mm256_shuffle_ps(ta_, tb_, 0x88);
    __m256i K = _mm256_castps_si256(_mm256_shuffle_ps(ta_, tb_, 0xdd));
    __m256 x = _mm256_and_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(u), X),
                             _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    __m256i fast = _mm256_and_si256(fresh, _mm256_cmpgt_epi32(K, u));
    __m256i uq = _mm256_srli_epi32(Q, FI_ZIG_LBITS + 1);
    __m256 qa_ = _mm256_loadu_ps((const float *)teq), qb_ = _mm256_loadu_ps((const float *)(teq + 4));
    __m256 xq = _mm256_and_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(uq), _mm256_shuffle_ps(qa_, qb_, 0x88)),
                              _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    __m256i fastq = _mm256_cmpgt_epi32(_mm256_castps_si256(_mm256_shuffle_ps(qa_, qb_, 0xdd)), uq);
    __m256i tail = _mm256_and_si256(_mm256_andnot_si256(fast, _mm256_cmpeq_epi32(
                       _mm256_and_si256(P, _mm256_set1_epi32((int)FI_ZIG_KMASK)), zero)),
                       _mm256_set1_epi32((int)q->t.tail));
    __m256i wok = zero;
    __m256 ta = _mm256_setzero_ps(), tb = ta;
    if (~_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_or_si256(fast, tail))) & 0xff) {
        __m256 vv = fi_zig_unif8(fi_sel8(fresh, r1, r0), 8, 0x1p-24f);
        /* the layers' bottoms and heights, read only here (scalar loads) */
        uint32_t k0 = Pk[0], k1 = Pk[1], k2 = Pk[2], k3 = Pk[3], k4 = Pk[4], k5 = Pk[5], k6 = Pk[6], k7 = Pk[7];
        __asm__("" : "+r"(k0), "+r"(k1), "+r"(k2), "+r"(k3), "+r"(k4), "+r"(k5), "+r"(k6), "+r"(k7));
#define T_(tab) _mm256_setr_ps(tab[k0 & FI_ZIG_KMASK], tab[k1 & FI_ZIG_KMASK], tab[k2 & FI_ZIG_KMASK], tab[k3 & FI_ZIG_KMASK], \
                               tab[k4 & FI_ZIG_KMASK], tab[k5 & FI_ZIG_KMASK], tab[k6 & FI_ZIG_KMASK], tab[k7 & FI_ZIG_KMASK])
        const float *Ft = q->t.F, *Dt = q->t.D;
        __m256 y = _mm256_add_ps(T_(Ft), _mm256_mul_ps(vv, T_(Dt)));
#undef T_
        __m256 h = _mm256_mul_ps(_mm256_set1_ps(-0.5f), _mm256_mul_ps(x, x));
        wok = _mm256_castps_si256(_mm256_cmp_ps(fi_logf8(y), h, _CMP_LT_OQ));
    }
    if (_mm256_movemask_ps(_mm256_castsi256_ps(tail))) {
        ta = fi_zig32_tailx8(r0);
        tb = fi_zig32_tailx8(r2);
    }
    __m256i aa = _mm256_andnot_si256(fresh, fi_zig32_tailok8(ta, r1));
    __m256i ab = fi_zig32_tailok8(tb, r3);
    __m256i wfail = _mm256_andnot_si256(_mm256_or_si256(_mm256_or_si256(fast, tail), wok),
                                        _mm256_set1_epi32(-1));
    __m256i qfast = _mm256_and_si256(wfail, fastq);
    __m256i cand = _mm256_or_si256(_mm256_or_si256(fast, fi_sel8(tail, _mm256_or_si256(aa, ab), wok)),
                                   qfast);
    __m256i xv = fi_sel8(tail, fi_sel8(aa, _mm256_castps_si256(ta), _mm256_castps_si256(tb)),
                         fi_sel8(qfast, _mm256_castps_si256(xq), _mm256_castps_si256(x)));
    __m256i zb = _mm256_or_si256(xv, _mm256_and_si256(_mm256_slli_epi32(fi_sel8(qfast, Q, P), 31 - FI_ZIG_LBITS),
                                                      _mm256_set1_epi32((int)0x80000000u)));
    __m256i nx = _mm256_or_si256(_mm256_and_si256(P, _mm256_andnot_si256(cand, tail)),
                                 _mm256_and_si256(Q, _mm256_andnot_si256(qfast, wfail)));
    __m256 z = _mm256_castsi256_ps(_mm256_or_si256(
        _mm256_and_si256(zb, _mm256_set1_epi32((int)q->keep)), _mm256_set1_epi32((int)q->set)));
    __m256 lo = _mm256_set1_ps(q->lo), hi = _mm256_set1_ps(q->hi);
    __m256 val = _mm256_add_ps(_mm256_set1_ps(q->mean), _mm256_mul_ps(_mm256_set1_ps(q->sd), z));
    __m256 in = _mm256_and_ps(_mm256_cmp_ps(val, lo, _CMP_GE_OQ), _mm256_cmp_ps(val, hi, _CMP_LE_OQ));
    val = _mm256_blendv_ps(val, lo, _mm256_cmp_ps(val, lo, _CMP_LT_OQ));
    val = _mm256_blendv_ps(val, hi, _mm256_cmp_ps(val, hi, _CMP_GT_OQ));
    __m256i okv = _mm256_or_si256(_mm256_and_si256(cand, _mm256_castps_si256(in)),
                                  _mm256_set1_epi32(-last));
    _mm256_storeu_si256((__m256i *)v, fi_sel8(okv, _mm256_castps_si256(val), nx));
    _mm256_storeu_si256((__m256i *)ok, _mm256_srli_epi32(okv, 31));
}

static inline void FI_SFX(zig32_batch_look)(const fi_zq32 *q, const uint32_t *p,
                                            uint32_t w[4][FI_CHUNK], fi_zl32 *lk)
{
    const uint64_t *xk = q->t.xk;
    for (int h = 0; h < FI_GPC; h++) {
        __m256i pv = _mm256_loadu_si256((const __m256i *)(p + FI_LANES * h));
        __m256i f = _mm256_cmpeq_epi32(pv, _mm256_setzero_si256());
        __m256i Pv = fi_sel8(f, _mm256_loadu_si256((const __m256i *)(w[0] + FI_LANES * h)), pv);
        __m256i Qv = fi_sel8(f, _mm256_loadu_si256((const __m256i *)(w[2] + FI_LANES * h)),
                             _mm256_loadu_si256((const __m256i *)(w[1] + FI_LANES * h)));
        _mm256_storeu_si256((__m256i *)(lk->P + FI_LANES * h), Pv);
        _mm256_storeu_si256((__m256i *)(lk->Q + FI_LANES * h), Qv);
    }
    for (int l = 0; l < FI_CHUNK; l++) {
        uint32_t j = lk->P[l], jq = lk->Q[l];
        __asm__("" : "+r"(j), "+r"(jq));   /* scalar loads, as in the chunks */
        int d = (l & ~7) | ((l & 2) << 1) | ((l & 4) >> 1) | (l & 1);
        lk->ea[d] = xk[j & FI_ZIG_JMASK];
        lk->eq[d] = xk[jq & FI_ZIG_JMASK];
    }
}

static inline void FI_SFX(zig32_batch)(const fi_zq32 *q, const uint32_t *p,
                                       uint32_t w[4][FI_CHUNK], const fi_zl32 *lk,
                                       int32_t last, float *v, int32_t *ok)
{
    for (int h = 0; h < FI_GPC; h++) {
        int o = FI_LANES * h;
        fi_zig32_batch8(q, _mm256_loadu_si256((const __m256i *)(p + o)),
                        _mm256_loadu_si256((const __m256i *)(lk->P + o)), lk->ea + o,
                        lk->P + o, _mm256_loadu_si256((const __m256i *)(lk->Q + o)),
                        lk->eq + o, w[0] + o, w[1] + o, w[2] + o, w[3] + o, last,
                        v + o, ok + o);
    }
}
#endif

/* The states (slots buf[idx]) and retry block c3 (counters base + cix, or
 * base + idx unless split) of the first min(n, FI_CHUNK) listed elements
 * (the last one repeated to fill the batch). */
#define FI_ZIG_BATCH_IN(NAME, CT, UT, TO_BITS)                                          \
static inline __attribute__((always_inline)) void FI_SFX(NAME)(const fi_stream *st,      \
        uint64_t base, uint32_t c3, const int32_t *idx, const int32_t *cix, int split,  \
        int n, const CT *buf, UT *p, uint32_t w[4][FI_CHUNK])                           \
{                                                                                       \
    int32_t pad[FI_CHUNK], cpad[FI_CHUNK];                                              \
    if (!split)                                                                         \
        cix = idx;                                                                      \
    if (n < FI_CHUNK) {  /* the last batch: its last element repeated */                \
        for (int l = 0; l < FI_CHUNK; l++)                                              \
            pad[l] = idx[l < n ? l : n - 1];                                            \
        if (split)                                                                      \
            for (int l = 0; l < FI_CHUNK; l++)                                          \
                cpad[l] = cix[l < n ? l : n - 1];                                       \
        idx = pad;                                                                      \
        cix = split ? cpad : pad;                                                       \
    }                                                                                   \
    for (int l = 0; l < FI_CHUNK; l++)                                                  \
        p[l] = TO_BITS(buf[idx[l]]);                                                    \
    fi_philox_gather_off(base, (const uint32_t *)cix, st->stream, c3, st->k0, st->k1, w); \
}

/* Retry blocks for the listed elements: slot buf[idx[r]], flat index base +
 * idx[r] (NAME) or base + cix[r] (NAME_split), the slots holding their
 * states; finished values replace them. FI_CHUNK elements at a time
 * (BATCH); the next batch's words are computed between this batch's
 * lookups and its arithmetic... in program order at least: the call sits
 * after the batch's state loads. After FI_ZIG_MAXTRY blocks (never reached
 * in practice) the last candidate is taken, clamped to [lo, hi]. */
#define FI_ZIG_RETRY(NAME, CT, UT, QT, LT, TO_BITS, BATCH)                                \
static inline __attribute__((always_inline)) void FI_SFX(NAME##_body)(                  \
        const fi_stream *st, const QT *q, uint64_t base, int32_t *idx, int32_t *cix,  \
        int split, int nidx, CT *buf)                                                 \
{                                                                                     \
    for (uint32_t t = 1; nidx > 0 && t <= FI_ZIG_MAXTRY; t++) {                       \
        int keep = 0;                                                                 \
        int32_t last = t == FI_ZIG_MAXTRY;                                            \
        uint32_t wb[2][4][FI_CHUNK] FI_ZIG_ALIGN;  /* this batch's and the next's */ \
        UT pb[2][FI_CHUNK];           /* and states */                                \
        FI_SFX(BATCH##_in)(st, base, FI_ZIG_SUB + t, idx, cix, split, nidx, buf,      \
                           pb[0], wb[0]);                                             \
        for (int r0 = 0; r0 < nidx; r0 += FI_CHUNK) {                                 \
            int cnt = nidx - r0 < FI_CHUNK ? nidx - r0 : FI_CHUNK;                    \
            int cur = (r0 / FI_CHUNK) & 1;                                            \
            LT lk;                                                                    \
            CT v[FI_CHUNK];                                                           \
            int32_t ok[FI_CHUNK];                                                     \
            FI_SFX(BATCH##_look)(q, pb[cur], wb[cur], &lk);                           \
            /* the next batch's states and words (its elements are untouched) */      \
            if (r0 + FI_CHUNK < nidx)                                                 \
                FI_SFX(BATCH##_in)(st, base, FI_ZIG_SUB + t, idx + r0 + FI_CHUNK,   \
                                     cix + r0 + FI_CHUNK, split, nidx - r0 - FI_CHUNK, \
                                     buf, pb[cur ^ 1], wb[cur ^ 1]);                  \
            FI_SFX(BATCH)(q, pb[cur], wb[cur], &lk, last, v, ok);                     \
            if (split) {   /* the counter offsets follow (before idx moves) */        \
                int kc = keep;                                                        \
                for (int l = 0; l < cnt; l++) {                                       \
                    cix[kc] = cix[r0 + l];                                            \
                    kc += !ok[l];                                                     \
                }                                                                     \
            }                                                                         \
            for (int l = 0; l < cnt; l++) {                                           \
                int32_t e = idx[r0 + l];                                              \
                buf[e] = v[l];                                                        \
                idx[keep] = e;                                                        \
                keep += !ok[l];                                                       \
            }                                                                         \
        }                                                                             \
        nidx = keep;                                                                  \
    }                                                                                 \
}                                                                                     \
static void FI_SFX(NAME)(const fi_stream *st, const QT *q, uint64_t base,             \
                         int32_t *idx, int nidx, CT *buf)                             \
{                                                                                     \
    FI_SFX(NAME##_body)(st, q, base, idx, idx, 0, nidx, buf);                         \
}                                                                                     \
static void FI_SFX(NAME##_split)(const fi_stream *st, const QT *q, uint64_t base,     \
                                 int32_t *idx, int32_t *cix, int nidx, CT *buf)       \
{                                                                                     \
    FI_SFX(NAME##_body)(st, q, base, idx, cix, 1, nidx, buf);                         \
}

FI_ZIG_BATCH_IN(zig32_batch_in, float, uint32_t, fi_f2u)
FI_ZIG_BATCH_IN(zig64_batch_in, double, uint64_t, fi_d2u)
#undef FI_ZIG_BATCH_IN
FI_ZIG_RETRY(zig32_retry, float, uint32_t, fi_zq32, fi_zl32, fi_f2u, zig32_batch)
FI_ZIG_RETRY(zig64_retry, double, uint64_t, fi_zq64, fi_zl64, fi_d2u, zig64_batch)
#undef FI_ZIG_RETRY

/* The first attempts of the chunks of positions [B0, B1) (multiples of GS)
 * into DST, the unfinished elements appended to the retry list (slot MK + k
 * of dst in idx, counter offset CK + k in CIX unless CIX is NULL, for the
 * value B0 + k). Reads the kernel's st, q, wb, idx and nidx. */
#define FI_ZIG_SEGMENT(GS, CHUNK, CHECK, DST, MK, CK, CIX, B0, B1)                \
    do {                                                                          \
        const int len_ = (int)((B1) - (B0));                                      \
        uint64_t g_ = (B0) / (GS);                                                \
        FI_ZIG_PHILOX(g_ * FI_CHUNK, st->stream, st->sub, st->k0, st->k1,         \
                      wb[0]);                                                     \
        for (int k_ = 0; k_ < len_; k_ += (GS), g_++) {                           \
            int c_ = (k_ / (GS)) & 1;                                             \
            uint64_t m_ = FI_SFX(CHUNK)(g_, st, &q, CHECK, (DST) + k_, wb[c_],    \
                                        wb[c_ ^ 1], k_ + (GS) < len_);            \
            nidx = fi_zig_collect(m_, (MK) + k_, (CK) + k_, idx, (CIX), nidx,     \
                                  (CHECK) ? 6 : 1);                               \
        }                                                                         \
    } while (0)

/* The body of a kernel with the parameters q. DIRECT: whole sub-pieces are
 * computed straight into the output; otherwise through buf and STORE. A
 * sub-piece is one segment, its slot offsets its counter offsets (one
 * list). */
#define FI_ZIG_RUN(CT, OUT_T, GS, CHUNK, RETRY, STORE, DIRECT, CHECK)             \
    do {                                                                          \
        CT buf[FI_TN_SUB];                                                        \
        int32_t idx[FI_ZIG_BIG + FI_LANES];                                       \
        uint32_t wb[2][4][FI_CHUNK] FI_ZIG_ALIGN;  /* this chunk's and the next's */\
        OUT_T *o = (OUT_T *)out;                                                  \
        uint64_t pos = start, end = start + (uint64_t)n;                          \
        while (pos < end) {                                                       \
            uint64_t b0 = pos / (GS) * (GS);                                      \
            uint64_t b1 = (end + (GS) - 1) / (GS) * (GS);                         \
            /* straight into the output: up to FI_ZIG_BIG values (fewer, fuller \
             * retry batches); through buf: up to FI_TN_SUB */                    \
            int direct = DIRECT && pos == b0 && b1 <= end;                        \
            if (b1 > b0 + (direct ? FI_ZIG_BIG : FI_TN_SUB))                      \
                b1 = b0 + (direct ? FI_ZIG_BIG : FI_TN_SUB);                      \
            CT *dst = direct ? (CT *)o : buf;                                     \
            int nidx = 0;                                                         \
            FI_ZIG_SEGMENT(GS, CHUNK, CHECK, dst, 0, 0, NULL, b0, b1);            \
            FI_SFX(RETRY)(st, &q, b0, idx, nidx, dst);                            \
            uint64_t hi = b1 < end ? b1 : end;                                    \
            if (!direct)                                                          \
                FI_STORE_RUN(o, buf + (pos - b0), hi - pos, STORE);               \
            o += hi - pos;                                                        \
            pos = hi;                                                             \
        }                                                                         \
    } while (0)

/* The body of a runs kernel (kernels.h, fi_runs_kernel): nrun runs of len
 * values, run r at positions first + coff[r] and slots out + moff[r], with
 * one retry pass for many runs (short runs would otherwise each pay a pass
 * of nearly empty batches). When the dtype is computed in place (DIRECT)
 * and every run is whole chunks, all first attempts go straight into the
 * output (up to FI_ZIG_BIG values); otherwise the runs go through VBUF_FN.
 * Returns -1, nothing written, for runs neither takes (a negative offset, a
 * run longer than vbuf); the caller then fills them one by one. */
#define FI_ZIG_RUNS(CT, GS, CHUNK, RETRY, DIRECT, CHECK, VBUF_FN)                 \
    do {                                                                          \
        if (nrun < 1 || len <= 0)                                                 \
            return -1;                                                            \
        int direct = DIRECT && len % (GS) == 0 && first % (GS) == 0 &&            \
                     len <= FI_ZIG_BIG / nrun;                                    \
        for (int r = 0; r < nrun; r++) {                                          \
            if (moff[r] < 0 || coff[r] < 0)                                       \
                return -1;                                                        \
            direct &= coff[r] % (GS) == 0 && coff[r] <= INT32_MAX - len &&        \
                      moff[r] <= INT32_MAX - len;                                 \
        }                                                                         \
        if (!direct)                                                              \
            return FI_SFX(VBUF_FN)(out, first, nrun, coff, moff, len, st, prm);   \
        CT *o = (CT *)out;                                                        \
        int32_t idx[FI_ZIG_BIG + FI_LANES], cix[FI_ZIG_BIG + FI_LANES];           \
        uint32_t wb[2][4][FI_CHUNK] FI_ZIG_ALIGN;                                 \
        int nidx = 0;                                                             \
        for (int r = 0; r < nrun; r++)                                            \
            FI_ZIG_SEGMENT(GS, CHUNK, CHECK, o + moff[r], (int)moff[r],           \
                           (int)coff[r], cix, first + (uint64_t)coff[r],          \
                           first + (uint64_t)coff[r] + (uint64_t)len);            \
        FI_SFX(RETRY##_split)(st, &q, first, idx, cix, nidx, o);                  \
        return 0;                                                                 \
    } while (0)

/* Runs that are not whole chunks, or of a dtype stored through STORE: in
 * groups through vbuf, each run's chunks (up to FI_ZIG_VBUF values a
 * group), one retry pass, then each run's part stored. A function of its
 * own (the compiler laid out the in-place path worse with it inline). Q:
 * the parameter set-up; the truncated normal's always applies the folding
 * (with keep = ~0 and set = 0 it changes no bits). */
#define FI_ZIG_VBUF 8192
#define FI_ZIG_RUNS_VBUF_FN(NAME, Q, CT, OUT_T, GS, CHUNK, RETRY, STORE, CHECK)    \
static __attribute__((noinline)) int FI_SFX(NAME)(void *out, uint64_t first, int nrun,  \
        const int64_t *coff, const int64_t *moff, int64_t len, const fi_stream *st,    \
        const fi_params *prm)                                                     \
{                                                                                 \
    Q;                                                                            \
    if (len > FI_ZIG_VBUF - 2 * (GS))                                             \
        return -1;                                                                \
    CT vbuf[FI_ZIG_VBUF];                                                         \
    int32_t idx[FI_ZIG_VBUF + FI_LANES], cix[FI_ZIG_VBUF + FI_LANES];             \
    uint32_t wb[2][4][FI_CHUNK] FI_ZIG_ALIGN;                                     \
    OUT_T *o = (OUT_T *)out;                                                      \
    for (int r = 0; r < nrun;) {                                                  \
        int r0 = r, used = 0, nidx = 0;                                           \
        uint64_t gbase = (first + (uint64_t)coff[r]) / (GS) * (GS);               \
        for (; r < nrun; r++) {   /* the group: runs while vbuf has room */       \
            uint64_t p = first + (uint64_t)coff[r];                               \
            uint64_t b0 = p / (GS) * (GS);                                        \
            uint64_t b1 = (p + (uint64_t)len + (GS) - 1) / (GS) * (GS);           \
            if (used + (int)(b1 - b0) > FI_ZIG_VBUF || b1 - gbase > INT32_MAX)    \
                break;                                                            \
            FI_ZIG_SEGMENT(GS, CHUNK, CHECK, vbuf + used, used, (int)(b0 - gbase), \
                           cix, b0, b1);                                          \
            used += (int)(b1 - b0);                                               \
        }                                                                         \
        FI_SFX(RETRY##_split)(st, &q, gbase, idx, cix, nidx, vbuf);               \
        used = 0;                                                                 \
        for (int s_ = r0; s_ < r; s_++) {                                         \
            uint64_t p = first + (uint64_t)coff[s_];                              \
            uint64_t b0 = p / (GS) * (GS);                                        \
            uint64_t b1 = (p + (uint64_t)len + (GS) - 1) / (GS) * (GS);           \
            FI_STORE_RUN(o + moff[s_], vbuf + used + (p - b0), len, STORE);       \
            used += (int)(b1 - b0);                                               \
        }                                                                         \
    }                                                                             \
    return 0;                                                                     \
}

/* The parameters in the working precision (bits 32: float; 64: double):
 * normal_'s, and the truncated normal's NORMAL and ZIGGURAT methods' (the
 * latter with its own tables). */
#define FI_ZIG_TRUNC_Q(B, T, UT)                                                  \
static inline fi_zq##B fi_zq##B##_trunc(const fi_params *prm)                     \
{                                                                                 \
    const fi_truncnorm_params *p = &prm->truncnorm;                               \
    const UT sign = (UT)1 << (B - 1);                                             \
    double mean, sd, lo, hi, fold;                                                \
    fi_zq##B q;                                                                   \
    if (p->method == FI_TN_ZIGGURAT) {                                            \
        const fi_tn_ziggurat_params *z = &p->ziggurat;                            \
        mean = z->mean, sd = z->std, lo = z->lo, hi = z->hi, fold = z->fold;      \
        q.t = fi_ztab_view##B(z->tab);                                            \
    } else {                                                                      \
        const fi_tn_normal_params *z = &p->normal;                                \
        mean = z->mean, sd = z->std, lo = z->lo, hi = z->hi, fold = z->fold;      \
        q.t = fi_zig_normal##B();                                                 \
    }                                                                             \
    q.mean = (T)mean, q.sd = (T)sd, q.lo = (T)lo, q.hi = (T)hi;                   \
    q.keep = fold == 0 ? ~(UT)0 : ~sign;                                          \
    q.set = fold < 0 ? sign : (UT)0;                                              \
    return q;                                                                     \
}
FI_ZIG_TRUNC_Q(32, float, uint32_t)
FI_ZIG_TRUNC_Q(64, double, uint64_t)
#undef FI_ZIG_TRUNC_Q
#define FI_ZIG_Q_NORMAL(B, T, UT)                                                   \
    const fi_zq##B q = {(T)prm->normal.mean, (T)prm->normal.std, -INFINITY, INFINITY, \
                        ~(UT)0, (UT)0, fi_zig_normal##B()}
#define FI_ZIG_Q_TRUNC(B, T, UT) const fi_zq##B q = fi_zq##B##_trunc(prm)
#define FI_ZIG_UT32 uint32_t
#define FI_ZIG_UT64 uint64_t

/* Per dtype of FI_DTYPE_TABLE: normal_ (mean, std) and the truncated
 * normal's FI_TN_NORMAL method (mean, std, lo, hi, fold; kernels.h), both
 * computed in WORK_T and stored through STORE (float16: float32 rounded
 * once); and their runs kernels (the truncated normal's for that method
 * only). */
#define FI_ZIG_FOR_DTYPE(CODE, SFX, NAME, STORE_T, WORK_T, BITS, STORE, DIRECT)          \
static void FI_SFX(k_normal_##SFX)(void *out, uint64_t start, int64_t n,                \
                                   const fi_stream *st, const fi_params *prm)           \
{                                                                                       \
    FI_ZIG_Q_NORMAL(BITS, WORK_T, FI_ZIG_UT##BITS);                                     \
    FI_ZIG_RUN(WORK_T, STORE_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry,        \
               STORE, DIRECT, 0);                                                       \
}                                                                                       \
static void FI_SFX(k_tnzig_##SFX)(void *out, uint64_t start, int64_t n,                 \
                                  const fi_stream *st, const fi_params *prm)            \
{                                                                                       \
    FI_ZIG_Q_TRUNC(BITS, WORK_T, FI_ZIG_UT##BITS);                                      \
    if (q.keep == ~(FI_ZIG_UT##BITS)0 && q.set == 0)   /* not folded */                 \
        FI_ZIG_RUN(WORK_T, STORE_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry,    \
                   STORE, DIRECT, FI_ZIG_IN);                                           \
    else                                                                                \
        FI_ZIG_RUN(WORK_T, STORE_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry,    \
                   STORE, DIRECT, FI_ZIG_IN | FI_ZIG_FOLD);                             \
}                                                                                       \
FI_ZIG_RUNS_VBUF_FN(normal_vbuf_##SFX, FI_ZIG_Q_NORMAL(BITS, WORK_T, FI_ZIG_UT##BITS),     \
                    WORK_T, STORE_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry,  \
                    STORE, 0)                                                           \
FI_ZIG_RUNS_VBUF_FN(tnzig_vbuf_##SFX, FI_ZIG_Q_TRUNC(BITS, WORK_T, FI_ZIG_UT##BITS),      \
                    WORK_T, STORE_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry,  \
                    STORE, FI_ZIG_IN | FI_ZIG_FOLD)                                     \
static int FI_SFX(k_normal_runs_##SFX)(void *out, uint64_t first, int nrun,                  \
                                       const int64_t *coff, const int64_t *moff,               \
                                       int64_t len, const fi_stream *st, const fi_params *prm) \
{                                                                                       \
    FI_ZIG_Q_NORMAL(BITS, WORK_T, FI_ZIG_UT##BITS);                                     \
    FI_ZIG_RUNS(WORK_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry, DIRECT, 0,    \
                normal_vbuf_##SFX);                                                     \
}                                                                                       \
static int FI_SFX(k_truncnorm_runs_##SFX)(void *out, uint64_t first, int nrun,               \
                                          const int64_t *coff, const int64_t *moff,            \
                                          int64_t len, const fi_stream *st,                    \
                                          const fi_params *prm)                                \
{                                                                                       \
    if (prm->truncnorm.method != FI_TN_NORMAL &&                                        \
        prm->truncnorm.method != FI_TN_ZIGGURAT)   /* the other methods: run by run */  \
        return -1;                                                                      \
    FI_ZIG_Q_TRUNC(BITS, WORK_T, FI_ZIG_UT##BITS);                                      \
    if (q.keep == ~(FI_ZIG_UT##BITS)0 && q.set == 0)                                    \
        FI_ZIG_RUNS(WORK_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry, DIRECT,    \
                    FI_ZIG_IN, tnzig_vbuf_##SFX);                                       \
    FI_ZIG_RUNS(WORK_T, FI_C##BITS, zig##BITS##_chunk, zig##BITS##_retry, DIRECT,        \
                FI_ZIG_IN | FI_ZIG_FOLD, tnzig_vbuf_##SFX);                             \
}
FI_DTYPE_TABLE(FI_ZIG_FOR_DTYPE)
#undef FI_ZIG_FOR_DTYPE
#undef FI_ZIG_Q_NORMAL
#undef FI_ZIG_Q_TRUNC
#undef FI_ZIG_UT32
#undef FI_ZIG_UT64
#undef FI_ZIG_RUN
#undef FI_ZIG_RUNS
#undef FI_ZIG_RUNS_VBUF_FN
#undef FI_ZIG_VBUF
#undef FI_ZIG_SEGMENT
#undef FI_ZIG_NEXT
#undef FI_ZIG_PHILOX
#undef FI_ZIG_ALIGN
#undef FI_ZIG_IN
#undef FI_ZIG_FOLD
