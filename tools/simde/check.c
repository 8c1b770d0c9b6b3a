/* Same bits on the avx512 path as on the avx2 path, on a CPU without
 * AVX-512: every kernel and runs kernel of the avx512 table (built from
 * kern_avx512_simde.c, the avx512 sources over SIMDe) against the native
 * avx2 table, for every dtype, every family and truncated-normal method
 * (folded and not), on pieces of every alignment and runs of both kinds
 * (straight into the output and through the buffer). Prints the number of
 * cases and exits 1 at the first difference. Run by tools/simde_avx512.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

void fi_register_avx2(fi_table *t);
void fi_register_avx512(fi_table *t);

#define NMAX 200000
static unsigned char a_[NMAX * 8 + 64], b_[NMAX * 8 + 64];

static int item(int dtype) { return dtype == FI_F64 ? 8 : dtype == FI_F32 ? 4 : 2; }

static long cases = 0;

static int differ(const char *what, int dist, int dtype, long x, long y, size_t nbytes)
{
    cases++;
    if (memcmp(a_, b_, nbytes) == 0)
        return 0;
    size_t i = 0;
    while (a_[i] == b_[i])
        i++;
    fprintf(stderr, "DIFFER: %s dist %d dtype %d (%ld, %ld): first at byte %zu\n", what, dist,
            dtype, x, y, i);
    return 1;
}

int main(void)
{
    fi_table t2, t5;
    memset(&t2, 0, sizeof t2);
    memset(&t5, 0, sizeof t5);
    fi_register_avx2(&t2);
    fi_register_avx512(&t5);
    void *tabs[3];
    const double cs[3] = {2.0, 0.5, 1.25};
    for (int j = 0; j < 3; j++) {
        tabs[j] = malloc((size_t)fi_ztab_size());
        if (!tabs[j] || fi_ztab_make(cs[j], tabs[j]) != 0)
            return 2;
    }
    /* the parameter sets: dist, params */
    enum { NP = 13 };
    fi_params p[NP];
    int dist[NP];
    memset(p, 0, sizeof p);
    dist[0] = FI_CONSTANT, p[0].constant.value = 0.25;
    dist[1] = FI_UNIFORM, p[1].uniform.low = -1.0, p[1].uniform.width = 2.0,
    p[1].uniform.top = 0.99999994;
    dist[2] = FI_NORMAL, p[2].normal.mean = 0.0, p[2].normal.std = 1.0;
    dist[3] = FI_NORMAL, p[3].normal.mean = 0.5, p[3].normal.std = 0.02;
    /* normal rejection: (-2, 2), (-1, 3) offset, folded one-sided (0, inf) and (-inf, 0) */
    for (int j = 4; j < 8; j++) {
        dist[j] = FI_TRUNCNORM;
        p[j].truncnorm.normal.method = FI_TN_NORMAL;
        p[j].truncnorm.normal.std = 1.0;
    }
    p[4].truncnorm.normal.lo = -2.0, p[4].truncnorm.normal.hi = 2.0;
    p[5].truncnorm.normal.mean = 1.0, p[5].truncnorm.normal.std = 0.5;
    p[5].truncnorm.normal.lo = -1.0, p[5].truncnorm.normal.hi = 3.0;
    p[6].truncnorm.normal.lo = 0.0, p[6].truncnorm.normal.hi = 1e300, p[6].truncnorm.normal.fold = 1.0;
    p[7].truncnorm.normal.lo = -1e300, p[7].truncnorm.normal.hi = 0.0, p[7].truncnorm.normal.fold = -1.0;
    /* the truncated normal's own ziggurats: [-c, c], and folded [0, c] */
    for (int j = 8; j < 11; j++) {
        dist[j] = FI_TRUNCNORM;
        fi_tn_ziggurat_params *z = &p[j].truncnorm.ziggurat;
        z->method = FI_TN_ZIGGURAT;
        z->std = 2.0;
        z->mean = 0.125;
        z->c = cs[j - 8];
        z->lo = z->mean - z->std * z->c, z->hi = z->mean + z->std * z->c;
        fi_set_ztab(&p[j], tabs[j - 8]);
    }
    p[10].truncnorm.ziggurat.lo = p[10].truncnorm.ziggurat.mean;
    p[10].truncnorm.ziggurat.fold = 1.0;
    /* a far tail, [4, inf): the exponential sampler */
    dist[11] = FI_TRUNCNORM;
    p[11].truncnorm.exp.method = FI_TN_EXP;
    p[11].truncnorm.exp.base = 4.0, p[11].truncnorm.exp.scale = 1.0;
    p[11].truncnorm.exp.inv_lambda = 1.0 / 4.2360679774997898, p[11].truncnorm.exp.w = 1e300;
    p[11].truncnorm.exp.lo = 4.0, p[11].truncnorm.exp.hi = 1e300;
    /* a narrow interval off the centre, [3, 3.5]: the uniform sampler */
    dist[12] = FI_TRUNCNORM;
    p[12].truncnorm.uniform.method = FI_TN_UNIFORM;
    p[12].truncnorm.uniform.base = 3.0, p[12].truncnorm.uniform.width = 0.5;
    p[12].truncnorm.uniform.s1 = 0.0, p[12].truncnorm.uniform.s2 = 6.0;
    p[12].truncnorm.uniform.w = 0.5, p[12].truncnorm.uniform.lo = 3.0;
    p[12].truncnorm.uniform.hi = 3.5;
    const fi_stream sts[2] = {{0x12345678u, 0x9abcdef0u, 7u, 0u}, {1u, 2u, 3u, 0x40000000u}};
    /* pieces (start, n): aligned and not, short and long, across sub-pieces */
    const long pieces[][2] = {{0, 64}, {0, 100000}, {1, 63}, {5, 77777}, {31, 33},
                              {123457, 1}, {64003, 4093}, {(1L << 33) + 17, 20000},
                              {16384 - 3, 16390}, {0, NMAX}};
    const int npieces = (int)(sizeof pieces / sizeof pieces[0]);
    for (int s = 0; s < 2; s++)
        for (int j = 0; j < NP; j++)
            for (int d = 0; d < FI_NDTYPES; d++) {
                fi_kernel k2 = t2.k[dist[j]][d], k5 = t5.k[dist[j]][d];
                if (!k2 || !k5) {
                    fprintf(stderr, "missing kernel: dist %d dtype %d\n", dist[j], d);
                    return 2;
                }
                for (int q = 0; q < npieces; q++) {
                    long st = pieces[q][0], n = pieces[q][1];
                    memset(a_, 0xa5, (size_t)n * 8 + 64);
                    memset(b_, 0xa5, (size_t)n * 8 + 64);
                    k2(a_, (uint64_t)st, n, &sts[s], &p[j]);
                    k5(b_, (uint64_t)st, n, &sts[s], &p[j]);
                    if (getenv("FI_SIMDE_VERBOSE"))
                        fprintf(stderr, "set %d dtype %d piece %d\n", j, d, q);
                    if (differ("kernel", dist[j], d, st, n, (size_t)n * item(d) + 64))
                        return 1;
                }
                fi_runs_kernel r2 = t2.runs[dist[j]][d], r5 = t5.runs[dist[j]][d];
                if (!r2 != !r5)
                    return 2;
                if (!r2)
                    continue;
                /* runs: aligned (straight into the output) and unaligned (the buffer) */
                const long shapes[][3] = {{64, 8, 4096}, {64, 200, 64}, {7, 30, 1000},
                                          {3, 100, 96}, {1, 5, 100003}};
                for (int q = 0; q < 5; q++) {
                    long len = shapes[q][0], nrun = shapes[q][1], step = shapes[q][2];
                    int64_t coff[256], moff[256];
                    for (long r = 0; r < nrun; r++)
                        coff[r] = r * step, moff[r] = r * len;
                    if (nrun * len > NMAX)
                        continue;
                    uint64_t first = q & 1 ? 0 : 4096 + (uint64_t)q;
                    memset(a_, 0xa5, (size_t)nrun * len * 8 + 64);
                    memset(b_, 0xa5, (size_t)nrun * len * 8 + 64);
                    int e2 = r2(a_, first, (int)nrun, coff, moff, len, &sts[s], &p[j]);
                    int e5 = r5(b_, first, (int)nrun, coff, moff, len, &sts[s], &p[j]);
                    if (e2 != e5) {
                        fprintf(stderr, "DIFFER: runs status %d against %d\n", e2, e5);
                        return 1;
                    }
                    if (differ("runs", dist[j], d, len, nrun, (size_t)nrun * len * item(d) + 64))
                        return 1;
                }
            }
    for (int j = 0; j < 3; j++)
        free(tabs[j]);
    printf("avx512 (SIMDe) = avx2: %ld cases, every byte equal\n", cases);
    return 0;
}
