/* Whether this compiler can build the x86 SIMD paths (GCC or clang on x86). */
#ifndef FASTINIT_SIMD_TARGETS_H
#define FASTINIT_SIMD_TARGETS_H
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define FI_X86_TARGETS 1
#else
#define FI_X86_TARGETS 0
#endif
#endif
