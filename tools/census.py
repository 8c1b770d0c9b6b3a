"""Sampling census of fastinit's normal_ (not run in CI: it takes minutes).

Draws --count values (default 1e10, float32) of one stream, in pieces
filled with offset= (so the census is of the very stream one call would
give), counts |z| in bands from 3 to 6 sigma and beyond, and prints, per
band, the count, the expectation under the exact normal law and the
z-score (obs - exp) / sqrt(exp (1 - p)). With 1e10 values a band holding
a share p of the mass is resolved to about 1 / sqrt(1e10 p) relative.

    python tools/census.py --count 1e10 --seed 0 --threads 2
"""
import argparse
import math
import time

import numpy as np
from scipy import stats

import fastinit

EDGES = [3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, math.inf]


def census(count, seed, threads, dtype, piece):
    counts = np.zeros(len(EDGES) - 1, np.int64)
    buf = np.empty(piece, dtype)
    done = 0
    t0 = time.perf_counter()
    while done < count:
        n = min(piece, count - done)
        x = buf[:n]
        fastinit.normal_(x, rng=seed, offset=done, num_threads=threads)
        a = np.abs(x[np.abs(x) >= EDGES[0]]).astype(np.float64)
        counts += np.histogram(a, bins=EDGES)[0]
        done += n
    return counts, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=float, default=1e10, help="values to draw (default 1e10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    ap.add_argument("--piece", type=int, default=1 << 26, help="values per fill")
    args = ap.parse_args(argv)
    count = int(args.count)
    counts, secs = census(count, args.seed, args.threads, np.dtype(args.dtype), args.piece)
    sf = 2 * stats.norm.sf(EDGES)
    print(f"fastinit {fastinit.__version__} normal_ census: {count:.3e} {args.dtype} values, "
          f"seed {args.seed}, SIMD path {fastinit.get_simd_path()}, {secs:.1f} s")
    print(f"{'band |z|':>12} {'observed':>14} {'expected':>16} {'z-score':>8}")
    for i, n in enumerate(counts):
        p = sf[i] - sf[i + 1]
        exp = count * p
        z = (n - exp) / math.sqrt(exp * (1 - p)) if exp > 0 else float("nan")
        hi = "inf" if math.isinf(EDGES[i + 1]) else f"{EDGES[i + 1]:.1f}"
        print(f"{EDGES[i]:>5.1f}..{hi:<5} {n:>14d} {exp:>16.2f} {z:>8.2f}")
    tail = counts.sum()
    exp = count * sf[0]
    print(f"{'>= 3.0':>12} {tail:>14d} {exp:>16.2f} {(tail - exp) / math.sqrt(exp * (1 - sf[0])):>8.2f}")


if __name__ == "__main__":
    main()
