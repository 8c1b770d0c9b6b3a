/* The census of the ziggurat normal sampler (census.c): P(|z| > t[i]) for
 * i < nt (nt <= 64) as the sampler's transforms imply it, into p[i]; tab:
 * NULL for normal_'s tables, or a truncated normal's fi_ztab (ziggurat.h).
 * Returns 0, or -1 if the float32 census could not be made exact. */
#ifndef FASTINIT_CENSUS_H
#define FASTINIT_CENSUS_H
int fi_zig_census32(const void *tab, const double *t, int nt, double *p);
int fi_zig_census64(const void *tab, const double *t, int nt, double *p);
#endif
