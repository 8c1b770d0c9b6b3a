/* Runtime SIMD dispatch, the raw Philox entry point and the strided scatter. */
#include <stddef.h>
#include <string.h>
#include "kernels.h"
#include "philox.h"
#include "simd_targets.h"
#include "ziggurat.h"

void fi_register_baseline(fi_table *t);
#if FI_X86_TARGETS
void fi_register_avx2(fi_table *t);
void fi_register_avx512(fi_table *t);
#endif

static fi_table fi_tables[FI_NSIMD];
static int fi_ready = 0;
static int fi_active = FI_SIMD_BASELINE;

int fi_simd_supported(int path)
{
    switch (path) {
    case FI_SIMD_BASELINE:
        return 1;
#if FI_X86_TARGETS
    case FI_SIMD_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
    case FI_SIMD_AVX512:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
               && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
#endif
    default:
        return 0;
    }
}

int fi_simd_best(void)
{
    for (int p = FI_NSIMD - 1; p > 0; p--)
        if (fi_simd_supported(p))
            return p;
    return FI_SIMD_BASELINE;
}

/* The SIMD rule: no function compiled for a SIMD target runs before
 * fi_simd_supported() says the CPU has that target. It holds because
 *   - kern_avx2.c / kern_avx512.c compile only their kernels under the target
 *     pragma (push/pop); fi_register_avx2/avx512, called below on every CPU,
 *     are compiled after the pop, for the default target, and only store
 *     function addresses;
 *   - those units define no constructors, no other external functions and no
 *     data with run-time initializers, and the Cython modules use no target
 *     attributes at all;
 *   - a kernel is reached only through fi_get_kernel() or
 *     fi_get_runs_kernel(), which return entries of fi_tables[fi_active],
 *     and fi_active is set only to a path that fi_simd_supported() accepted
 *     (fi_simd_best, fi_set_simd).
 * tests/test_cpus.py proves it by running the suite's fingerprints under
 * qemu-x86_64 -cpu Haswell (AVX2) and -cpu Nehalem (SSE4.2). */
static void fi_init_tables(void)
{
    if (fi_ready)
        return;
    memset(fi_tables, 0, sizeof(fi_tables));
    fi_register_baseline(&fi_tables[FI_SIMD_BASELINE]);
#if FI_X86_TARGETS
    fi_register_avx2(&fi_tables[FI_SIMD_AVX2]);
    fi_register_avx512(&fi_tables[FI_SIMD_AVX512]);
#endif
    fi_active = fi_simd_best();
    fi_ready = 1;
}

int fi_set_simd(int path)
{
    fi_init_tables();
    if (path < 0 || path >= FI_NSIMD || !fi_simd_supported(path))
        return -1;
    fi_active = path;
    return 0;
}

int fi_get_simd(void)
{
    fi_init_tables();
    return fi_active;
}

fi_kernel fi_get_kernel(int dist, int dtype)
{
    fi_init_tables();
    if (dist < 0 || dist >= FI_NDISTS || dtype < 0 || dtype >= FI_NDTYPES)
        return NULL;
    return fi_tables[fi_active].k[dist][dtype];
}

fi_runs_kernel fi_get_runs_kernel(int dist, int dtype)
{
    fi_init_tables();
    if (dist < 0 || dist >= FI_NDISTS || dtype < 0 || dtype >= FI_NDTYPES)
        return NULL;
    return fi_tables[fi_active].runs[dist][dtype];
}

int fi_dtype_info(int code, const char **name, int *itemsize, int *work_bits)
{
#define FI_DTYPE_INFO_(CODE, SFX, NAME, STORE_T, WORK_T, BITS, ...)             \
    case CODE:                                                                  \
        *name = NAME;                                                           \
        *itemsize = (int)sizeof(STORE_T);                                       \
        *work_bits = (int)(8 * sizeof(WORK_T));                                 \
        return 0;
    switch (code) {
    FI_DTYPE_TABLE(FI_DTYPE_INFO_)
    default:
        return -1;
    }
#undef FI_DTYPE_INFO_
}

/* ---- the parameter contract as data (FI_DIST_TABLE, FI_TN_METHOD_TABLE) -- */

#define FI_NAME_CASE_(CODE, NAME, ...) case CODE: return NAME;
const char *fi_dist_name(int dist)
{
    switch (dist) {
    FI_DIST_TABLE(FI_NAME_CASE_)
    default: return NULL;
    }
}

const char *fi_tn_method_name(int method)
{
    switch (method) {
    FI_TN_METHOD_TABLE(FI_NAME_CASE_)
    default: return NULL;
    }
}
#undef FI_NAME_CASE_

/* Per parameter struct: its fields' names and offsets. Every struct sits at
 * offset 0 of fi_params (union members), so an offset into the struct is an
 * offset into fi_params. */
typedef struct { const char *name; size_t offset; } fi_field;
#define FI_FIELD_(S, f) {#f, offsetof(S, f)},
#define FI_FIELDS_ARRAY_(CODE, NAME, S, FIELDS) \
    static const fi_field fi_fields_##S[] = {FIELDS(FI_FIELD_, S) {NULL, 0}};
FI_DIST_TABLE(FI_FIELDS_ARRAY_)
FI_TN_METHOD_TABLE(FI_FIELDS_ARRAY_)
#undef FI_FIELDS_ARRAY_
#undef FI_FIELD_

static const fi_field *fi_fields(int dist, int method)
{
#define FI_FIELDS_CASE_(CODE, NAME, S, ...) case CODE: return fi_fields_##S;
    if (dist == FI_TRUNCNORM) {
        switch (method) {
        FI_TN_METHOD_TABLE(FI_FIELDS_CASE_)
        default: return NULL;
        }
    }
    switch (dist) {
    FI_DIST_TABLE(FI_FIELDS_CASE_)
    default: return NULL;
    }
#undef FI_FIELDS_CASE_
}

const char *fi_param_name(int dist, int method, int k)
{
    const fi_field *f = fi_fields(dist, method);
    for (int i = 0; f != NULL && f[i].name != NULL; i++)
        if (i == k)
            return f[i].name;
    return NULL;
}

int fi_set_param(fi_params *prm, int dist, int method, const char *name, double value)
{
    const fi_field *f = fi_fields(dist, method);
    for (int i = 0; f != NULL && f[i].name != NULL; i++) {
        if (strcmp(f[i].name, name) == 0) {
            memcpy((char *)prm + f[i].offset, &value, sizeof value);
            return 0;
        }
    }
    return -1;
}

void fi_set_method(fi_params *prm, int method)
{
    prm->truncnorm.method = method;
}

void fi_set_ztab(fi_params *prm, const void *tab)
{
    prm->truncnorm.ziggurat.tab = (const fi_ztab *)tab;
}

int64_t fi_ztab_size(void)
{
    return (int64_t)sizeof(fi_ztab);
}

int fi_ztab_make(double c, void *tab)
{
    return fi_ztab_build(c, (fi_ztab *)tab);
}

void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t key[2], uint32_t *out)
{
    for (int64_t i = 0; i < n; i++)
        fi_philox4x32(ctr + 4 * i, key, out + 4 * i);
}

/* Copy a run of count items to dst with a byte stride, typed by item size. */
#define FI_RUN(T)                                                               \
    do {                                                                        \
        const T *s_ = (const T *)src;                                           \
        for (int64_t j = 0; j < count; j++)                                     \
            *(T *)(dst + j * stride) = s_[j];                                   \
    } while (0)

static void fi_run(char *dst, int64_t stride, const char *src, int64_t count, int itemsize)
{
    switch (itemsize) {
    case 2: FI_RUN(uint16_t); break;
    case 4: FI_RUN(uint32_t); break;
    case 8: FI_RUN(uint64_t); break;
    default:
        for (int64_t j = 0; j < count; j++)
            memcpy(dst + j * stride, src + j * itemsize, (size_t)itemsize);
    }
}

void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                int64_t first, int64_t n, const char *src, int itemsize)
{
    int64_t idx[64];
    char *p = base;
    int64_t rem = first;
    int last = ndim - 1;
    for (int d = last; d >= 0; d--) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
        p += idx[d] * strides[d];
    }
    while (n > 0) {
        /* a run along the last axis, then carry into the outer indices */
        int64_t count = shape[last] - idx[last];
        if (count > n)
            count = n;
        fi_run(p, strides[last], src, count, itemsize);
        src += count * itemsize;
        n -= count;
        p -= idx[last] * strides[last];
        idx[last] = 0;
        for (int d = last - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) {
                p += strides[d];
                break;
            }
            p -= (shape[d] - 1) * strides[d];
            idx[d] = 0;
        }
    }
}
