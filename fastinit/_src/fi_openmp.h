/* The one place that touches OpenMP: a build without it gets serial stubs. */
#ifndef FASTINIT_OPENMP_H
#define FASTINIT_OPENMP_H
#ifdef _OPENMP
#include <omp.h>
#define FI_HAVE_OPENMP 1
#else
#define FI_HAVE_OPENMP 0
static inline int omp_get_max_threads(void) { return 1; }
static inline int omp_get_thread_num(void) { return 0; }
#endif
#endif
