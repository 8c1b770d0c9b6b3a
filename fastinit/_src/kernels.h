/* C interface of fastinit's fill kernels: no Python, just pointers and counts.
 *
 * A kernel fills out[0..n) with the values of flat indices start..start+n-1
 * of one logical stream, so any piece of a tensor can be filled on its own
 * and equals the same piece of the whole (the randomness contract).
 */
#ifndef FASTINIT_KERNELS_H
#define FASTINIT_KERNELS_H

#include <stdint.h>
#include <stddef.h>

/* The Philox key and the fixed counter words of one call's stream.
 * Counter layout: (c0, c1) = 64-bit position, c2 = stream, c3 = sub-space
 * (0 for the element-wise fills; rejection samplers use c3 != 0 for the
 * per-element retry sub-spaces). */
typedef struct {
    uint32_t k0, k1;
    uint32_t stream;
    uint32_t sub;
} fi_stream;

/* Distribution parameters; each kernel documents which slots it reads. */
typedef struct {
    double p[8];
} fi_params;

typedef void (*fi_kernel)(void *out, uint64_t start, int64_t n,
                          const fi_stream *st, const fi_params *prm);

enum fi_dtype { FI_F32 = 0, FI_F64 = 1, FI_F16 = 2, FI_NDTYPES = 3 };

enum fi_dist {
    FI_CONSTANT = 0,   /* p[0] = value (already rounded to the dtype) */
    FI_UNIFORM = 1,    /* p[0] = low, p[1] = high - low, p[2] = largest value < high */
    FI_NORMAL = 2,     /* p[0] = mean, p[1] = std */
    FI_TRUNCNORM = 3,  /* p[0] = method, p[1..7]: see truncnorm_impl.h */
    FI_NDISTS = 4
};

enum fi_simd { FI_SIMD_BASELINE = 0, FI_SIMD_AVX2 = 1, FI_SIMD_AVX512 = 2, FI_NSIMD = 3 };

/* Runtime dispatch. fi_simd_supported: whether this CPU (and this build)
 * can run the path. fi_set_simd returns 0 on success, -1 if unsupported. */
int fi_simd_supported(int path);
int fi_simd_best(void);
int fi_set_simd(int path);
int fi_get_simd(void);
fi_kernel fi_get_kernel(int dist, int dtype);

/* Philox4x32-10 on n counters (4 words each) with one key. */
void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t key[2], uint32_t *out);

/* Copy n items of itemsize bytes from src into the strided array at flat
 * C-order indices first..first+n-1. */
void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                int64_t first, int64_t n, const char *src, int itemsize);

#endif
