/* The avx512 path: the same kernels compiled for that instruction set.
 * Selected at run time by dispatch.c only where the CPU supports it. */
#include "simd_targets.h"
#if FI_X86_TARGETS
#if defined(__clang__)
#pragma clang attribute push (__attribute__((target("avx2,avx512f,avx512dq,avx512vl,avx512bw"))), apply_to = function)
#else
#pragma GCC target("avx2,avx512f,avx512dq,avx512vl,avx512bw")
#endif
#define FI_PHILOX_AVX512 1
#define FI_SFX(name) name##_avx512
#include "kernels_impl.h"
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
