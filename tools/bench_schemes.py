"""Side-by-side speed of fastinit's schemes and trunc_normal_ (one process).

    PYTHONPATH=. python tools/bench_schemes.py [--n 64000000] [--repeat 5]

float32, an (8000, 8000) array by default (6.4e7 elements, 256 MB),
pre-touched, best of --repeat, at 1 and 2 threads. Each scheme is timed
interleaved with the plain fill it hands off to, so that the ratio is
measured under the same machine load. ``ndarray.fill`` (memset) is the
roofline; torch's ``trunc_normal_`` and the NumPy way are printed when
available. Shared machines are noisy: read the ratios.
"""
import argparse
import math

import numpy as np

import fastinit
from fastinit.cli.timing import best_times
from fastinit.schemes import TRUNC_STD


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=64_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    side = int(math.isqrt(args.n))
    shape = (side, args.n // side)
    n = shape[0] * shape[1]
    w = np.ones(shape, np.float32)          # pre-touched
    gb = n * 4 / 1e9
    try:
        import torch
        tw = torch.from_numpy(w)
    except ImportError:
        torch = None

    def rate(t):
        return gb / t

    print(f"fastinit {fastinit.__version__}, simd {fastinit.get_simd_path()}, float32 "
          f"{shape} = {n:.3g} elements, best of {args.repeat}")
    (t_fill,) = best_times([lambda: w.fill(0.5)], args.repeat)
    print(f"ndarray.fill (memset roofline): {rate(t_fill):6.2f} GB/s")

    fan_in, fan_out = fastinit.calculate_fan_in_and_fan_out(shape)
    kb = math.sqrt(3.0) * math.sqrt(2.0) / math.sqrt(fan_in)
    ks = math.sqrt(2.0) / math.sqrt(fan_in)
    xs = math.sqrt(2.0 / (fan_in + fan_out))
    ls = 1 / math.sqrt(fan_in)
    vs = math.sqrt(2.0 / fan_in) / TRUNC_STD
    for th in (1, 2):
        kw = dict(rng=0, num_threads=th)
        print(f"\n--- {th} thread(s) ---")
        pairs = [
            ("kaiming_uniform_ (relu)", lambda: fastinit.kaiming_uniform_(w, nonlinearity="relu", **kw),
             "uniform_", lambda: fastinit.uniform_(w, -kb, kb, **kw)),
            ("kaiming_normal_ (relu)", lambda: fastinit.kaiming_normal_(w, nonlinearity="relu", **kw),
             "normal_", lambda: fastinit.normal_(w, 0.0, ks, **kw)),
            ("xavier_uniform_", lambda: fastinit.xavier_uniform_(w, **kw),
             "uniform_", lambda: fastinit.uniform_(w, -math.sqrt(3) * xs, math.sqrt(3) * xs, **kw)),
            ("xavier_normal_", lambda: fastinit.xavier_normal_(w, **kw),
             "normal_", lambda: fastinit.normal_(w, 0.0, xs, **kw)),
            ("lecun_uniform_", lambda: fastinit.lecun_uniform_(w, **kw),
             "uniform_", lambda: fastinit.uniform_(w, -math.sqrt(3) * ls, math.sqrt(3) * ls, **kw)),
            ("lecun_normal_", lambda: fastinit.lecun_normal_(w, **kw),
             "normal_", lambda: fastinit.normal_(w, 0.0, ls, **kw)),
            ("variance_scaling_ (2, fan_in, truncated_normal)",
             lambda: fastinit.variance_scaling_(w, 2.0, **kw),
             "trunc_normal_", lambda: fastinit.trunc_normal_(w, 0.0, vs, -2 * vs, 2 * vs, **kw)),
            ("variance_scaling_ (1, fan_avg, uniform)",
             lambda: fastinit.variance_scaling_(w, 1.0, "fan_avg", "uniform", **kw),
             "uniform_", lambda: fastinit.uniform_(w, -math.sqrt(3) * xs, math.sqrt(3) * xs, **kw)),
        ]
        print(f"{'scheme':48s} {'GB/s':>6s}   {'its fill':14s} {'GB/s':>6s}  scheme/fill time")
        for name, f, fname, g in pairs:
            ts, tf = best_times([f, g], args.repeat)
            print(f"{name:48s} {rate(ts):6.2f}   {fname:14s} {rate(tf):6.2f}  {ts / tf:6.3f}")

        cases = [("trunc_normal_ (-2, 2) central", (0.0, 1.0, -2.0, 2.0)),
                 ("trunc_normal_ (8, 9) tail", (0.0, 1.0, 8.0, 9.0)),
                 ("trunc_normal_ (0.1, 0.2) narrow", (0.0, 1.0, 0.1, 0.2)),
                 ("trunc_normal_ (0, inf) half", (0.0, 1.0, 0.0, math.inf))]
        fns = [lambda p=p: fastinit.trunc_normal_(w, *p, **kw) for _, p in cases]
        fns.append(lambda: fastinit.normal_(w, **kw))
        times = best_times(fns, args.repeat)
        t_central = times[0]
        for (name, _), t in zip(cases, times):
            print(f"{name:48s} {rate(t):6.2f} GB/s  time / central {t / t_central:5.2f}")
        print(f"{'normal_ (for reference)':48s} {rate(times[-1]):6.2f} GB/s")
        t_fill_normal = times[-1]
        if torch is not None:
            old = torch.get_num_threads()
            torch.set_num_threads(th)
            (tt,) = best_times([lambda: torch.nn.init.trunc_normal_(tw)], min(args.repeat, 3))
            torch.set_num_threads(old)
            print(f"{'torch trunc_normal_ (-2, 2)':48s} {rate(tt):6.2f} GB/s  "
                  f"fastinit central is {tt / t_central:5.1f}x faster")
    # The schemes' own cost is the Python that computes the scalar: time it on
    # a tiny array (microseconds, machine noise barely matters) and compare
    # with one big fill.
    small = np.empty((16, 16), np.float32)
    n_calls = 2000

    def per_call(f):
        (t,) = best_times([lambda: [f() for _ in range(n_calls)]], 3)
        return t / n_calls
    t_plain = per_call(lambda: fastinit.normal_(small, 0.0, 0.1, rng=0))
    print()
    for name, f in [("kaiming_normal_", lambda: fastinit.kaiming_normal_(small, rng=0)),
                    ("xavier_uniform_", lambda: fastinit.xavier_uniform_(small, rng=0)),
                    ("lecun_normal_", lambda: fastinit.lecun_normal_(small, rng=0)),
                    ("variance_scaling_", lambda: fastinit.variance_scaling_(small, rng=0))]:
        extra = per_call(f) - t_plain
        print(f"{name:20s} Python overhead over its fill: {extra * 1e6:6.1f} us per call "
              f"= {extra / t_fill_normal * 100:.4f}% of one {shape} normal_ fill")
    g = np.random.default_rng(0)
    (tn,) = best_times([lambda: g.normal(0, ks, shape).astype(np.float32)], min(args.repeat, 2))
    print(f"\nNumPy rng.normal(0, std, size).astype(float32): {rate(tn):6.2f} GB/s")


if __name__ == "__main__":
    main()
