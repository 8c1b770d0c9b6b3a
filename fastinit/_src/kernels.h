/* C interface of fastinit's fill kernels: no Python, just pointers and counts.
 *
 * A kernel fills out[0..n) with the values of flat indices start..start+n-1
 * of one logical stream, so any piece of a tensor can be filled on its own
 * and equals the same piece of the whole (the randomness contract,
 * docs/randomness.md).
 *
 * This header is the one description of the Python <-> C contract: the
 * Cython layer (fastinit/_core.pxd) takes every code and parameter layout
 * from the declarations below, and the dtype table FI_DTYPE_TABLE is the
 * only place a storage dtype is described.
 */
#ifndef FASTINIT_KERNELS_H
#define FASTINIT_KERNELS_H

#include <stdint.h>
#include <stddef.h>

/* The Philox key and the fixed counter words of one call's stream.
 * Counter layout: (c0, c1) = 64-bit position, c2 = stream, c3 = sub-space
 * (0 for the element-wise fills; rejection samplers use c3 = 1, 2, ... for
 * the per-element retry sub-spaces). */
typedef struct {
    uint32_t k0, k1;
    uint32_t stream;
    uint32_t sub;
} fi_stream;

/* ---- dtypes ------------------------------------------------------------
 * X(CODE, SFX, NAME, STORE_T, WORK_T, BITS, STORE, DIRECT):
 *   CODE     enum constant (its position in the table is its value);
 *   SFX      suffix of the kernels' names (k_uniform_SFX, ...);
 *   NAME     the dtype's name on the Python side (numpy / torch spelling);
 *   STORE_T  the C type of one stored item;
 *   WORK_T   the compute precision (float or double);
 *   BITS     the stream arrangement: 32 (one word per value) or 64 (two
 *            words per value), see kernels_impl.h;
 *   STORE    the store conversion WORK_T -> STORE_T (round to nearest even);
 *   DIRECT   1 when STORE_T is WORK_T (full groups are computed in place).
 * Adding a dtype: one line here and its STORE conversion (in fimath.h). */
#define FI_DTYPE_TABLE(X)                                                        \
    X(FI_F32, f32, "float32", float, float, 32, fi_store_f32, 1)                 \
    X(FI_F64, f64, "float64", double, double, 64, fi_store_f64, 1)               \
    X(FI_F16, f16, "float16", uint16_t, float, 32, fi_f32_to_f16, 0)            \
    X(FI_BF16, bf16, "bfloat16", uint16_t, float, 32, fi_f32_to_bf16, 0)

#define FI_DTYPE_ENUM_(CODE, ...) CODE,
enum fi_dtype { FI_DTYPE_TABLE(FI_DTYPE_ENUM_) FI_NDTYPES };
#undef FI_DTYPE_ENUM_

/* ---- distributions and their named parameters ---------------------------
 * Parameters are set in double by the Python API (already validated); each
 * kernel reads only the member of fi_params named after its distribution. */
enum fi_dist { FI_CONSTANT = 0, FI_UNIFORM = 1, FI_NORMAL = 2, FI_TRUNCNORM = 3, FI_NDISTS = 4 };

/* value: already rounded to the dtype; the stream is not read. */
typedef struct { double value; } fi_constant_params;
/* U[low, low + width); top = the dtype's largest value < low + width. */
typedef struct { double low, width, top; } fi_uniform_params;
typedef struct { double mean, std; } fi_normal_params;

/* Truncated normal: one of three exact samplers (truncnorm_impl.h). Every
 * variant starts with `method`; lo and hi are the dtype's values nearest
 * inside [a, b] (accepted values never leave them). */
enum fi_tn_method { FI_TN_NORMAL = 0, FI_TN_UNIFORM = 1, FI_TN_EXP = 2 };
/* Propose z ~ N(0, 1) (or fold * |z| when fold = +-1, the half-normal of a
 * one-sided interval), value mean + std * z, accepted inside [lo, hi]. */
typedef struct { int method; double mean, std, lo, hi, fold; } fi_tn_normal_params;
/* Propose u ~ U[0, 1), delta = w u, value base + width * u; accept when
 * E >= (s1 + delta)(s2 + delta) / 2, E ~ Exp(1). base = a (or b when
 * flipped), width = +-(b - a), w = (b - a) / std, s1, s2 = alpha' -+ m. */
typedef struct { int method; double base, width, s1, s2, w, lo, hi; } fi_tn_uniform_params;
/* Robert (1995): delta ~ Exp(lambda) (inv_lambda = 1 / lambda), value
 * base + scale * delta (scale = +-std); accept when delta <= w and
 * E >= (delta - inv_lambda)^2 / 2. */
typedef struct { int method; double base, scale, inv_lambda, w, lo, hi; } fi_tn_exp_params;
typedef union {
    int method;
    fi_tn_normal_params normal;
    fi_tn_uniform_params uniform;
    fi_tn_exp_params exp;
} fi_truncnorm_params;

typedef union {
    fi_constant_params constant;
    fi_uniform_params uniform;
    fi_normal_params normal;
    fi_truncnorm_params truncnorm;
} fi_params;

typedef void (*fi_kernel)(void *out, uint64_t start, int64_t n,
                          const fi_stream *st, const fi_params *prm);

enum fi_simd { FI_SIMD_BASELINE = 0, FI_SIMD_AVX2 = 1, FI_SIMD_AVX512 = 2, FI_NSIMD = 3 };

/* Runtime dispatch. fi_simd_supported: whether this CPU (and this build)
 * can run the path. fi_set_simd returns 0 on success, -1 if unsupported. */
int fi_simd_supported(int path);
int fi_simd_best(void);
int fi_set_simd(int path);
int fi_get_simd(void);
fi_kernel fi_get_kernel(int dist, int dtype);

/* The dtype table as data: name, item size in bytes and compute bits (32:
 * float, 64: double) of dtype code `code`; returns -1 for an unknown code. */
int fi_dtype_info(int code, const char **name, int *itemsize, int *work_bits);

/* Philox4x32-10 on n counters (4 words each) with one key. */
void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t key[2], uint32_t *out);

/* Copy n items of itemsize bytes from src into the strided array at flat
 * C-order indices first..first+n-1. */
void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                int64_t first, int64_t n, const char *src, int itemsize);

/* Advise transparent huge pages for fresh memory (see dispatch.c). */
void fi_advise_huge(void *p, size_t n);

#endif
