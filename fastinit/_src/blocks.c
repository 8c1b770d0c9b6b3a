/* Block fills: an N-D block of a logical C-order tensor, as runs of
 * consecutive stream positions.
 *
 * A block (after the Cython layer has dropped unit dimensions and merged
 * the dimensions that are whole in both the global index space and memory)
 * is a set of runs: one per outer index, each shape[ndim-1] consecutive
 * positions along the last dimension. A run is filled by the ordinary
 * element-wise kernel (start, n), so block values are those of the whole
 * tensor by construction. Work is split into units of about `unit`
 * elements: a piece of one long run, or several whole short runs; the
 * short contiguous runs of a unit go to the distribution's runs kernel
 * (kernels.h) when it has one and takes them, which gives the same values.
 */
#include "kernels.h"

/* Position and address of the first element of run r (outer index r in C order). */
static void fi_run_origin(const fi_block *b, int64_t r, uint64_t *pos, char **mem)
{
    uint64_t p = b->first;
    char *m = b->base;
    for (int d = b->ndim - 2; d >= 0; d--) {
        int64_t i = r % b->shape[d];
        r /= b->shape[d];
        p += (uint64_t)i * (uint64_t)b->pos_step[d];
        m += i * b->mem_step[d];
    }
    *pos = p;
    *mem = m;
}

int64_t fi_block_units(const fi_block *b)
{
    int64_t len = b->shape[b->ndim - 1], runs = 1;
    for (int d = 0; d < b->ndim - 1; d++)
        runs *= b->shape[d];
    if (len == 0 || runs == 0)
        return 0;
    if (len >= b->unit)
        return runs * ((len + b->unit - 1) / b->unit);
    int64_t per = b->unit / len;
    return (runs + per - 1) / per;
}

/* Fill items [j0, j0 + n) of run r. */
static void fi_block_piece(fi_kernel k, const fi_block *b, int64_t r, int64_t j0, int64_t n,
                           const fi_stream *st, const fi_params *prm, char *scratch)
{
    uint64_t pos;
    char *mem;
    int64_t step = b->mem_step[b->ndim - 1];
    fi_run_origin(b, r, &pos, &mem);
    mem += j0 * step;
    if (step == b->itemsize) {
        k(mem, pos + (uint64_t)j0, n, st, prm);
        return;
    }
    /* strided run: through the scratch, at most `unit` items at a time */
    while (n > 0) {
        int64_t c = n < b->unit ? n : b->unit;
        k(scratch, pos + (uint64_t)j0, c, st, prm);
        fi_scatter(mem, 1, &c, &step, 0, c, scratch, b->itemsize);
        mem += c * step;
        j0 += c;
        n -= c;
    }
}

#define FI_RUNS_MAX 512   /* runs per call of a runs kernel */

/* Runs [r0, r1) of b (contiguous, r1 - r0 <= FI_RUNS_MAX) by the runs
 * kernel rk; 0 if it took them. */
static int fi_block_runs(fi_runs_kernel rk, const fi_block *b, int64_t r0, int64_t r1,
                         const fi_stream *st, const fi_params *prm)
{
    int64_t coff[FI_RUNS_MAX], moff[FI_RUNS_MAX];
    uint64_t first, pos;
    char *base, *mem;
    fi_run_origin(b, r0, &first, &base);
    for (int64_t r = r0; r < r1; r++) {
        fi_run_origin(b, r, &pos, &mem);
        ptrdiff_t d = mem - base;
        if (d < 0 || d % b->itemsize)
            return -1;
        coff[r - r0] = (int64_t)(pos - first);
        moff[r - r0] = (int64_t)(d / b->itemsize);
    }
    return rk(base, first, (int)(r1 - r0), coff, moff, b->shape[b->ndim - 1], st, prm);
}

void fi_block_unit(fi_kernel k, fi_runs_kernel rk, const fi_block *b, int64_t u,
                   const fi_stream *st, const fi_params *prm, char *scratch)
{
    int64_t len = b->shape[b->ndim - 1], runs = 1;
    for (int d = 0; d < b->ndim - 1; d++)
        runs *= b->shape[d];
    if (len >= b->unit) {
        int64_t per = (len + b->unit - 1) / b->unit;
        int64_t r = u / per, j0 = (u % per) * b->unit;
        int64_t n = len - j0 < b->unit ? len - j0 : b->unit;
        fi_block_piece(k, b, r, j0, n, st, prm, scratch);
        return;
    }
    int64_t per = b->unit / len;
    int64_t r0 = u * per, r1 = (u + 1) * per < runs ? (u + 1) * per : runs;
    /* up to FI_RUNS_MAX runs a call to the runs kernel, run by run where
     * it does not take them */
    for (int64_t a = r0; a < r1; a += FI_RUNS_MAX) {
        int64_t z = r1 - a < FI_RUNS_MAX ? r1 : a + FI_RUNS_MAX;
        if (rk && z - a > 1 && b->mem_step[b->ndim - 1] == b->itemsize
            && fi_block_runs(rk, b, a, z, st, prm) == 0)
            continue;
        for (int64_t r = a; r < z; r++)
            fi_block_piece(k, b, r, 0, len, st, prm, scratch);
    }
}
