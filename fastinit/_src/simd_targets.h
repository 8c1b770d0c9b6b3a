/* Whether this compiler can build the x86 SIMD paths (GCC or clang on x86).
 * The build may force them off with -DFI_X86_TARGETS=0 (setup.py does so
 * under FASTINIT_NO_X86_SIMD=1): then kern_avx2.c and kern_avx512.c compile
 * to nothing and only the portable path exists, as on a non-x86 machine. */
#ifndef FASTINIT_SIMD_TARGETS_H
#define FASTINIT_SIMD_TARGETS_H
#if defined(FI_X86_TARGETS)
/* set by the build */
#elif (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define FI_X86_TARGETS 1
#else
#define FI_X86_TARGETS 0
#endif
#endif
