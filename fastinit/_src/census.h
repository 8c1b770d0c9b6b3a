/* The census of the ziggurat normal sampler (census.c): P(|z| > t[i]) for
 * i < nt (nt <= 64) as the sampler's transforms imply it, into p[i].
 * Returns 0, or -1 if the float32 census could not be made exact. */
#ifndef FASTINIT_CENSUS_H
#define FASTINIT_CENSUS_H
int fi_zig_census32(const double *t, int nt, double *p);
int fi_zig_census64(const double *t, int nt, double *p);
#endif
