/* The element-wise kernels timed in C, by the CPU time of the calling thread
 * (robust on a shared machine, unlike the wall clock): uniform_, normal_ and
 * trunc_normal(-2, 2) on 2^22 values, in pieces of 16384 (as the Python
 * layer calls the kernels), best of REPS runs each, the families taking
 * turns. trunc_normal(-2, 2) is timed by its own ziggurat (the method
 * trunc_normal_ uses) and by normal rejection ("(rejection)", the method of
 * wider intervals, for comparison). Prints ns/value, the share of uniform's speed (same path
 * and dtype) and an FNV-1a hash of the last output, which must not change
 * when only the speed of a kernel does.
 *
 * Build it with the extension's flags (setup.py's, after Python's own
 * -fwrapv, which changes the code of some loops by up to 10%):
 *   S=fastinit/_src; gcc -O3 -fwrapv -ffp-contract=off -fno-math-errno \
 *     -fno-strict-aliasing -std=c11 -I$S tools/bench_kernels.c $S/dispatch.c \
 *     $S/kern_baseline.c $S/kern_avx2.c $S/kern_avx512.c $S/ztab.c -o /tmp/bench_kernels -lm
 *   /tmp/bench_kernels avx2 25; /tmp/bench_kernels baseline 5
 *   /tmp/bench_kernels all 15   # every path this CPU has, taking turns, and
 *                               # a table of them side by side
 *
 * One thread; tools/bench_samplers.py measures 1 and 2 threads through
 * Python.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kernels.h"

#define N (1 << 22)
#define PIECE 16384

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *c = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ull;
    }
    return h;
}

int main(int argc, char **argv)
{
    const char *arg = argc > 1 ? argv[1] : "avx2";
    int reps = argc > 2 ? atoi(argv[2]) : 15;
    static const char *pname[FI_NSIMD] = {"baseline", "avx2", "avx512"};
    int paths[FI_NSIMD], np = 0;
    for (int p = 0; p < FI_NSIMD; p++)
        if (!strcmp(arg, "all") ? fi_simd_supported(p) : !strcmp(arg, pname[p]))
            paths[np++] = p;
    if (reps < 1 || np == 0 || fi_set_simd(paths[0]) != 0) {
        fprintf(stderr, "usage: bench_kernels [baseline|avx2|avx512|all] [reps >= 1] "
                        "(path %s not supported here?)\n", arg);
        return 2;
    }
    char *buf = aligned_alloc(64, (size_t)N * 8);
    if (!buf)
        return 1;
    memset(buf, 1, (size_t)N * 8);   /* pre-touched */
    const fi_stream st = {0x12345678u, 0x9abcdef0u, 7u, 0u};
    fi_params pu, pn, pt, pz;
    memset(&pu, 0, sizeof pu);
    memset(&pn, 0, sizeof pn);
    memset(&pt, 0, sizeof pt);
    memset(&pz, 0, sizeof pz);
    void *tab = malloc((size_t)fi_ztab_size());
    if (!tab || fi_ztab_make(2.0, tab) != 0)
        return 1;
    pu.uniform.low = 0.0;
    pu.uniform.width = 1.0;
    pu.uniform.top = 0.99999994;
    pn.normal.mean = 0.0;
    pn.normal.std = 1.0;
    pt.truncnorm.normal.method = FI_TN_NORMAL;
    pt.truncnorm.normal.std = 1.0;
    pt.truncnorm.normal.lo = -2.0;
    pt.truncnorm.normal.hi = 2.0;
    pz.truncnorm.ziggurat.method = FI_TN_ZIGGURAT;
    pz.truncnorm.ziggurat.std = 1.0;
    pz.truncnorm.ziggurat.lo = -2.0;
    pz.truncnorm.ziggurat.hi = 2.0;
    pz.truncnorm.ziggurat.c = 2.0;
    fi_set_ztab(&pz, tab);
#define NF 4
    const int dists[NF] = {FI_UNIFORM, FI_NORMAL, FI_TRUNCNORM, FI_TRUNCNORM};
    const fi_params *prm[NF] = {&pu, &pn, &pz, &pt};
    const char *names[NF] = {"uniform", "normal", "trunc_normal(-2,2)", "(rejection)"};
    const int dtypes[2] = {FI_F32, FI_F64};
    double best[2][FI_NSIMD][NF];
    uint64_t hash[2][FI_NSIMD][NF];
    for (int d = 0; d < 2; d++) {
        int isz = dtypes[d] == FI_F64 ? 8 : 4;
        for (int i = 0; i < np; i++)
            for (int f = 0; f < NF; f++)
                best[d][i][f] = 1e30, hash[d][i][f] = 0;
        /* the paths and families take turns, rep by rep */
        for (int r = 0; r < reps; r++)
            for (int i = 0; i < np; i++) {
                fi_set_simd(paths[i]);
                for (int f = 0; f < NF; f++) {
                    fi_kernel k = fi_get_kernel(dists[f], dtypes[d]);
                    double t0 = cpu_seconds();
                    for (int s = 0; s < N; s += PIECE)
                        k(buf + (size_t)s * isz, (uint64_t)s, PIECE, &st, prm[f]);
                    double t = cpu_seconds() - t0;
                    best[d][i][f] = t < best[d][i][f] ? t : best[d][i][f];
                    if (r == reps - 1)
                        hash[d][i][f] = fnv1a(buf, (size_t)N * isz);
                }
            }
        for (int i = 0; i < np; i++)
            for (int f = 0; f < NF; f++)
                printf("%s %s %-18s %7.3f ns/value  share %4.0f%%  hash %016llx\n",
                       pname[paths[i]], d ? "float64" : "float32", names[f],
                       best[d][i][f] / N * 1e9, 100.0 * best[d][i][0] / best[d][i][f],
                       (unsigned long long)hash[d][i][f]);
    }
    if (np > 1) {
        /* the paths side by side: ns/value (share of the same path's
         * uniform), the last path against the one before, and whether the
         * outputs' hashes agree */
        printf("\n| dtype | family |");
        for (int i = 0; i < np; i++)
            printf(" %s ns (share) |", pname[paths[i]]);
        printf(" %s speed-up over %s | same bits |\n|---|---|", pname[paths[np - 1]],
               pname[paths[np - 2]]);
        for (int i = 0; i < np; i++)
            printf("---:|");
        printf("---:|---|\n");
        for (int d = 0; d < 2; d++)
            for (int f = 0; f < NF; f++) {
                int same = 1;
                printf("| %s | %s |", d ? "float64" : "float32", names[f]);
                for (int i = 0; i < np; i++) {
                    printf(" %.3f (%.0f%%) |", best[d][i][f] / N * 1e9,
                           100.0 * best[d][i][0] / best[d][i][f]);
                    same &= hash[d][i][f] == hash[d][0][f];
                }
                printf(" %.2fx | %s |\n", best[d][np - 2][f] / best[d][np - 1][f],
                       same ? "yes" : "NO");
            }
    }
    free(buf);
    free(tab);
    return 0;
}
