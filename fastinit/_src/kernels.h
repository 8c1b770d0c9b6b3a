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
 * Parameters are set in double by the Python API (already validated), by
 * name: the Cython layer reads the names through fi_param_name() and stores
 * each value with fi_set_param() (dispatch.c, generated from the tables
 * below), so it declares nothing per distribution. Each kernel reads only
 * the member of fi_params named after its distribution.
 *
 * X(CODE, NAME, STRUCT, FIELDS): enum constant (its position is its value),
 * the name on the Python side (_core.DISTS), the parameter struct and its
 * field list. Adding a distribution: a line here, its FIELDS and struct
 * (and union member) below, its kernels, and its line in register_impl.h. */
#define FI_DIST_TABLE(X)                                                         \
    X(FI_CONSTANT, "constant", fi_constant_params, FI_CONSTANT_FIELDS)           \
    X(FI_UNIFORM, "uniform", fi_uniform_params, FI_UNIFORM_FIELDS)               \
    X(FI_NORMAL, "normal", fi_normal_params, FI_NORMAL_FIELDS)                   \
    X(FI_TRUNCNORM, "truncnorm", fi_truncnorm_params, FI_BY_METHOD_FIELDS)

/* The truncated normal has four exact samplers (truncnorm_impl.h,
 * normal_impl.h), each with its own fields after the common `method` (set
 * by fi_set_method). */
#define FI_TN_METHOD_TABLE(X)                                                    \
    X(FI_TN_NORMAL, "normal", fi_tn_normal_params, FI_TN_NORMAL_FIELDS)          \
    X(FI_TN_UNIFORM, "uniform", fi_tn_uniform_params, FI_TN_UNIFORM_FIELDS)      \
    X(FI_TN_EXP, "exp", fi_tn_exp_params, FI_TN_EXP_FIELDS)                      \
    X(FI_TN_ZIGGURAT, "ziggurat", fi_tn_ziggurat_params, FI_TN_ZIGGURAT_FIELDS)

#define FI_ENUM_ENTRY_(CODE, ...) CODE,
enum fi_dist { FI_DIST_TABLE(FI_ENUM_ENTRY_) FI_NDISTS };
enum fi_tn_method { FI_TN_METHOD_TABLE(FI_ENUM_ENTRY_) FI_TN_NMETHODS };
#undef FI_ENUM_ENTRY_

/* The fields of each parameter struct, X(STRUCT, field), all double.
 *   constant: value, already rounded to the dtype; the stream is not read.
 *   uniform: U[low, low + width); top = the dtype's largest value below
 *     low + width.
 *   truncated normal (lo and hi: the dtype's values nearest inside [a, b];
 *     accepted values never leave them):
 *   - NORMAL: propose z ~ N(0, 1) (or fold * |z| when fold = +-1, the
 *     half-normal of a one-sided interval), value mean + std * z, accepted
 *     inside [lo, hi];
 *   - UNIFORM: propose u ~ U[0, 1), delta = w u, value base + width * u;
 *     accept when E >= (s1 + delta)(s2 + delta) / 2, E ~ Exp(1). base = a
 *     (or b when flipped), width = +-(b - a), w = (b - a) / std;
 *   - EXP, Robert (1995): delta ~ Exp(lambda) (inv_lambda = 1 / lambda),
 *     value base + scale * delta (scale = +-std); accept when delta <= w and
 *     E >= (delta - inv_lambda)^2 / 2;
 *   - ZIGGURAT: as NORMAL, with z drawn by the ziggurat of the normal
 *     truncated to [-c, c] (the half-width c >= the interval's standardized
 *     bounds), whose tables `tab` (not a double: fi_set_ztab) are built by
 *     fi_ztab_build (ztab.c) for that c. */
#define FI_CONSTANT_FIELDS(X, S) X(S, value)
#define FI_UNIFORM_FIELDS(X, S) X(S, low) X(S, width) X(S, top)
#define FI_NORMAL_FIELDS(X, S) X(S, mean) X(S, std)
#define FI_TN_NORMAL_FIELDS(X, S) X(S, mean) X(S, std) X(S, lo) X(S, hi) X(S, fold)
#define FI_TN_UNIFORM_FIELDS(X, S) X(S, base) X(S, width) X(S, s1) X(S, s2) X(S, w) X(S, lo) X(S, hi)
#define FI_TN_EXP_FIELDS(X, S) X(S, base) X(S, scale) X(S, inv_lambda) X(S, w) X(S, lo) X(S, hi)
#define FI_TN_ZIGGURAT_FIELDS(X, S) X(S, mean) X(S, std) X(S, lo) X(S, hi) X(S, fold) X(S, c)
#define FI_BY_METHOD_FIELDS(X, S)

#define FI_DOUBLE_FIELD_(S, f) double f;
typedef struct { FI_CONSTANT_FIELDS(FI_DOUBLE_FIELD_, _) } fi_constant_params;
typedef struct { FI_UNIFORM_FIELDS(FI_DOUBLE_FIELD_, _) } fi_uniform_params;
typedef struct { FI_NORMAL_FIELDS(FI_DOUBLE_FIELD_, _) } fi_normal_params;
typedef struct { int method; FI_TN_NORMAL_FIELDS(FI_DOUBLE_FIELD_, _) } fi_tn_normal_params;
typedef struct { int method; FI_TN_UNIFORM_FIELDS(FI_DOUBLE_FIELD_, _) } fi_tn_uniform_params;
typedef struct { int method; FI_TN_EXP_FIELDS(FI_DOUBLE_FIELD_, _) } fi_tn_exp_params;
struct fi_ztab;
typedef struct {
    int method;
    FI_TN_ZIGGURAT_FIELDS(FI_DOUBLE_FIELD_, _)
    const struct fi_ztab *tab;
} fi_tn_ziggurat_params;
#undef FI_DOUBLE_FIELD_
typedef union {
    int method;
    fi_tn_normal_params normal;
    fi_tn_uniform_params uniform;
    fi_tn_exp_params exp;
    fi_tn_ziggurat_params ziggurat;
} fi_truncnorm_params;

typedef union {
    fi_constant_params constant;
    fi_uniform_params uniform;
    fi_normal_params normal;
    fi_truncnorm_params truncnorm;
} fi_params;

/* The contract as data, for the Cython layer. fi_dist_name /
 * fi_tn_method_name: the name of a code, NULL if unknown. fi_param_name:
 * field k of distribution `dist` (truncnorm: of sampler `method`), NULL past
 * the last. fi_set_param: store `value` in field `name`; -1 if there is no
 * such field. fi_set_method: choose the truncnorm sampler. */
const char *fi_dist_name(int dist);
const char *fi_tn_method_name(int method);
const char *fi_param_name(int dist, int method, int k);
int fi_set_param(fi_params *prm, int dist, int method, const char *name, double value);
void fi_set_method(fi_params *prm, int method);
/* The truncated normal's ZIGGURAT tables (an fi_ztab, ziggurat.h), which
 * must outlive the fills that use prm. */
void fi_set_ztab(fi_params *prm, const void *tab);
/* sizeof(fi_ztab), and fi_ztab_build into tab (that many bytes): 0, or -1
 * for a c out of range */
int64_t fi_ztab_size(void);
int fi_ztab_make(double c, void *tab);

typedef void (*fi_kernel)(void *out, uint64_t start, int64_t n,
                          const fi_stream *st, const fi_params *prm);

/* A runs kernel fills nrun runs of len values at once: run r holds the
 * values of positions first + coff[r] .. + len - 1 (coff increasing) and
 * starts at item moff[r] of out (the items of a run are contiguous). The
 * values are those of the element-wise kernel on each run; filling the
 * runs together lets a rejection sampler finish all of their rejected
 * elements in one pass. Returns 0, or -1 when it does not take these runs
 * (then nothing is written and the caller runs the element-wise kernel on
 * each). Only some distributions have one (fi_get_runs_kernel: NULL). */
typedef int (*fi_runs_kernel)(void *out, uint64_t first, int nrun, const int64_t *coff,
                              const int64_t *moff, int64_t len, const fi_stream *st,
                              const fi_params *prm);

/* The kernels of one SIMD path (dispatch.c; filled by fi_register_<path>). */
typedef struct {
    fi_kernel k[FI_NDISTS][FI_NDTYPES];
    fi_runs_kernel runs[FI_NDISTS][FI_NDTYPES];   /* NULL: none */
} fi_table;

enum fi_simd { FI_SIMD_BASELINE = 0, FI_SIMD_AVX2 = 1, FI_SIMD_AVX512 = 2, FI_NSIMD = 3 };

/* Runtime dispatch. fi_simd_supported: whether this CPU (and this build)
 * can run the path. fi_set_simd returns 0 on success, -1 if unsupported. */
int fi_simd_supported(int path);
int fi_simd_best(void);
int fi_set_simd(int path);
int fi_get_simd(void);
fi_kernel fi_get_kernel(int dist, int dtype);
fi_runs_kernel fi_get_runs_kernel(int dist, int dtype);

/* The dtype table as data: name, item size in bytes and compute bits (32:
 * float, 64: double) of dtype code `code`; returns -1 for an unknown code. */
int fi_dtype_info(int code, const char **name, int *itemsize, int *work_bits);

/* Philox4x32-10 on n counters (4 words each) with one key. */
void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t key[2], uint32_t *out);

/* Copy n items of itemsize bytes from src into the strided array at flat
 * C-order indices first..first+n-1. */
void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                int64_t first, int64_t n, const char *src, int itemsize);

/* ---- blocks of a logical tensor (blocks.c) ------------------------------
 * An N-D block: ndim dimensions (the last one is the run axis) with their
 * extents, the stream-position step and the memory step (bytes) of each;
 * `first` is the position of element (0, ..., 0) and `base` its address.
 * Work units hold about `unit` items: a piece of a long run or several
 * short runs. Units are independent (any thread, any order). */
typedef struct {
    int ndim;
    const int64_t *shape;
    const int64_t *pos_step;
    const int64_t *mem_step;
    uint64_t first;
    char *base;
    int itemsize;
    int64_t unit;
} fi_block;

int64_t fi_block_units(const fi_block *b);
/* Fill unit u of b with kernel k (and, for a unit of several short
 * contiguous runs, the runs kernel rk when not NULL); scratch holds `unit`
 * items (strided runs). */
void fi_block_unit(fi_kernel k, fi_runs_kernel rk, const fi_block *b, int64_t u,
                   const fi_stream *st, const fi_params *prm, char *scratch);

#endif
