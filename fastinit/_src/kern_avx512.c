/* The avx512 path: the same kernels compiled for that instruction set.
 * Selected at run time by dispatch.c only where the CPU supports it.
 *
 * Only the kernels are compiled for the target (push ... pop below). The
 * registration function that follows the pop is compiled for the default
 * target, because dispatch.c calls it on every CPU before (and whatever)
 * the CPU check says. Nothing else in this file may sit inside the target
 * region unless dispatch.c reaches it only through the table: no
 * constructors, no non-static functions, no initializers run at load. */
#include "simd_targets.h"
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "kernels.h"
#if FI_X86_TARGETS
#if defined(__clang__)
#pragma clang attribute push (__attribute__((target("avx2,avx512f,avx512dq,avx512vl,avx512bw"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,avx512f,avx512dq,avx512vl,avx512bw")
#endif
#define FI_PHILOX_AVX512 1
#define FI_SFX(name) name##_avx512
#include "kernels_impl.h"
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#include "register_impl.h"
#endif
