"""The waits of a truncated normal: the first call of a process, a new interval.

    python tools/trunc_latency.py [--repeat 7] [--size 10000]

Each repeat runs in a fresh interpreter (``import fastinit`` done, not timed)
and prints, in milliseconds, medians over the repeats:

- first: the first ``trunc_normal_`` of the process, per interval kind
  (central ziggurat (-2, 2), one-sided (0, inf), a tail (8, 9));
- again: the same call a second time (the sampling alone);
- new c: a call whose interval needs a ziggurat table not built yet
  (a fresh half-width c each time), and ``ztab`` alone (the table build);
- scipy.special: whether a first call imported it, and what importing it costs;
- with ``--queued N``: N fills (256 x 256 float32) each with a new interval,
  called one after another, against the same queued as ``fastinit.torch``'s
  init_ / materialize queue them (tables built ahead on helper threads),
  the two taking turns, medians of ``--repeat`` rounds.
"""
import argparse
import json
import statistics
import subprocess
import sys

CHILD = r"""
import json, sys, time
import numpy as np
import fastinit
from fastinit import _core
size, bounds = int(sys.argv[1]), json.loads(sys.argv[2])
out = np.zeros(size, np.float32)
r = {}
a, b = bounds
t = time.perf_counter(); fastinit.trunc_normal_(out, a=a, b=b, rng=0)
r["first"] = time.perf_counter() - t
r["scipy_special_loaded"] = "scipy.special" in sys.modules
t = time.perf_counter(); fastinit.trunc_normal_(out, a=a, b=b, rng=0)
r["again"] = time.perf_counter() - t
new = []
for i in range(5):
    c = 1.0 + 0.1 * i + 0.0123
    t = time.perf_counter(); fastinit.trunc_normal_(out, a=-c, b=c, rng=0)
    new.append(time.perf_counter() - t)
r["new_c"] = sorted(new)[len(new) // 2]
build = []
for i in range(5):
    t = time.perf_counter(); _core.ztab(2.5 + 0.01 * i)
    build.append(time.perf_counter() - t)
r["ztab"] = sorted(build)[len(build) // 2]
if not r["scipy_special_loaded"]:
    t = time.perf_counter(); import scipy.special
    r["import_scipy_special"] = time.perf_counter() - t
print(json.dumps(r))
"""


def queued(n, repeat):
    import time

    import numpy as np

    import fastinit
    from fastinit import _tensor
    ws = [np.zeros((256, 256), np.float32) for _ in range(n)]
    fresh = iter(range(1, 10 ** 9))
    times = {"one after another": [], "queued, tables built ahead": []}

    def fill(queue):
        cs = [1.0 + next(fresh) * 2.0 ** -30 for _ in ws]     # never built before
        t = time.perf_counter()
        if queue:
            with _tensor.collecting() as jobs:
                for w, c in zip(ws, cs):
                    fastinit.trunc_normal_(w, a=-c, b=c, rng=1)
            _tensor.run_jobs(jobs)
        else:
            for w, c in zip(ws, cs):
                fastinit.trunc_normal_(w, a=-c, b=c, rng=1)
        return time.perf_counter() - t
    for _ in range(repeat):
        times["one after another"].append(fill(False))
        times["queued, tables built ahead"].append(fill(True))
    print(f"{n} trunc_normal_ fills of 256 x 256 float32, each with a new interval, "
          f"{fastinit.get_num_threads()} thread(s), median of {repeat} rounds:")
    for k, v in times.items():
        print(f"  {k:28} {1e3 * statistics.median(v):8.1f} ms")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--queued", type=int, default=0, metavar="N")
    args = ap.parse_args(argv)
    if args.queued:
        queued(args.queued, args.repeat)
    for bounds in ([-2.0, 2.0], [0.0, float("inf")], [8.0, 9.0]):
        runs = [json.loads(subprocess.run(
            [sys.executable, "-c", CHILD, str(args.size), json.dumps(bounds)],
            check=True, capture_output=True, text=True).stdout)
            for _ in range(args.repeat)]
        med = {k: 1e3 * statistics.median(r[k] for r in runs)
               for k in ("first", "again", "new_c", "ztab")}
        imp = [r["import_scipy_special"] for r in runs if "import_scipy_special" in r]
        loaded = sum(r["scipy_special_loaded"] for r in runs)
        print(f"trunc_normal_({args.size} float32, a={bounds[0]}, b={bounds[1]}): "
              f"first {med['first']:.2f} ms, again {med['again']:.3f} ms, "
              f"new c {med['new_c']:.3f} ms (ztab alone {med['ztab']:.3f} ms); "
              f"scipy.special imported by the first call in {loaded}/{len(runs)} runs"
              + (f", importing it: {1e3 * statistics.median(imp):.1f} ms" if imp else ""))


if __name__ == "__main__":
    main()
