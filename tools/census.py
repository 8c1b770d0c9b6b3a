"""Sampling census of fastinit's normal_ and trunc_normal_ (not run in CI: it takes minutes).

Draws --count values (default 1e10, float32) of one stream, in pieces
filled with offset= (so the census is of the very stream one call would
give), counts |z| in bands (normal_: from 3 to 6 sigma and beyond;
--trunc C, trunc_normal_ on (-C, C): ten bands from C/2 to C), and
prints, per band, the count, the expectation under the exact law (the
normal, or the normal conditioned on |z| <= C) and the z-score
(obs - exp) / sqrt(exp (1 - p)). With 1e10 values a band holding a share
p of the mass is resolved to about 1 / sqrt(1e10 p) relative.

    python tools/census.py --count 1e10 --seed 0 --threads 2
    python tools/census.py --count 1e10 --trunc 2
"""
import argparse
import math
import time

import numpy as np
from scipy import stats

import fastinit

NORMAL_EDGES = [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, math.inf]


def census(count, seed, threads, dtype, piece, edges, trunc):
    counts = np.zeros(len(edges) - 1, np.int64)
    buf = np.empty(piece, dtype)
    done = 0
    t0 = time.perf_counter()
    while done < count:
        n = min(piece, count - done)
        x = buf[:n]
        if trunc is None:
            fastinit.normal_(x, rng=seed, offset=done, num_threads=threads)
        else:
            fastinit.trunc_normal_(x, a=-trunc, b=trunc, rng=seed, offset=done,
                                   num_threads=threads)
        a = np.abs(x[np.abs(x) >= edges[0]]).astype(np.float64)
        counts += np.histogram(a, bins=edges)[0]
        done += n
    return counts, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=float, default=1e10, help="values to draw (default 1e10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--piece", type=int, default=1 << 26, help="values per fill")
    ap.add_argument("--trunc", type=float, default=None, metavar="C",
                    help="census trunc_normal_ on (-C, C) instead of normal_")
    args = ap.parse_args(argv)
    count, c = int(args.count), args.trunc
    if c is None:
        edges = NORMAL_EDGES
        sf = 2 * stats.norm.sf(edges)            # P(|Z| > e)
        what = "normal_"
    else:
        if not 0 < c < math.inf:
            ap.error(f"--trunc must be a positive finite half-width, got {c}")
        edges = list(np.linspace(c / 2, c, 11))
        inside = 1 - 2 * stats.norm.sf(c)
        sf = (2 * stats.norm.sf(edges) - 2 * stats.norm.sf(c)) / inside   # P(|Z| > e | |Z| <= c)
        what = f"trunc_normal_(-{c:g}, {c:g})"
    counts, secs = census(count, args.seed, args.threads, np.dtype(args.dtype), args.piece,
                          edges, c)
    print(f"fastinit {fastinit.__version__} {what} census: {count:.3e} {args.dtype} values, "
          f"seed {args.seed}, SIMD path {fastinit.get_simd_path()}, {secs:.1f} s")
    print(f"{'band |z|':>14} {'observed':>14} {'expected':>16} {'z-score':>8}")
    for i, n in enumerate(counts):
        p = sf[i] - sf[i + 1]
        exp = count * p
        z = (n - exp) / math.sqrt(exp * (1 - p)) if exp > 0 else float("nan")
        hi = "inf" if math.isinf(edges[i + 1]) else f"{edges[i + 1]:.2f}"
        print(f"{edges[i]:>6.2f}..{hi:<6} {n:>14d} {exp:>16.2f} {z:>8.2f}")
    tail = counts.sum()
    exp = count * sf[0]
    label = f">= {edges[0]:.2f}"
    print(f"{label:>14} {tail:>14d} {exp:>16.2f} "
          f"{(tail - exp) / math.sqrt(exp * (1 - sf[0])):>8.2f}")


if __name__ == "__main__":
    main()
