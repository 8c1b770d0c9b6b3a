"""Keras's own HeNormal against fastinit.keras.HeNormal, side by side, per backend.

    python tools/bench_keras.py [--backends numpy jax torch] [--shape 8000 8000] [--repeat 5]

Each backend runs in its own interpreter (Keras picks its backend at import):
``keras.initializers.HeNormal(seed=0)(shape)`` and
``fastinit.keras.HeNormal(seed=0)(shape)``, float32, take turns within each
round after one warm-up call each; the result is made ready (JAX:
``block_until_ready``) inside the timed call. Before each timed call twice
the array's bytes are touched and freed: on a VM with free page reporting,
memory freed seconds ago (Keras's temporaries) is back with the host and
would make whichever call comes next pay for it (tools/bench_fresh.py). Printed per backend: the median
time of the rounds, GB/s of the array written, and the ratio.
"""
import argparse
import json
import os
import subprocess
import sys

CHILD = r"""
import json, statistics, sys, time
import numpy as np
import keras, fastinit.keras as fik
shape, repeat = tuple(json.loads(sys.argv[1])), int(sys.argv[2])
theirs, ours = keras.initializers.HeNormal(seed=0), fik.HeNormal(seed=0)
def ready(x):
    return x.block_until_ready() if hasattr(x, "block_until_ready") else x
times = {"keras": [], "fastinit": []}
for init in (theirs, ours):
    ready(init(shape))
nbytes = 4
for d in shape:
    nbytes *= d
for _ in range(repeat):
    for name, init in (("keras", theirs), ("fastinit", ours)):
        warm = np.ones(2 * nbytes // 8)     # memory freed just now is warm again
        del warm
        t0 = time.perf_counter()
        x = ready(init(shape))
        times[name].append(time.perf_counter() - t0)
        del x
print(json.dumps({k: statistics.median(v) for k, v in times.items()} | {"nbytes": nbytes}))
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backends", nargs="+", default=["numpy", "jax", "torch"])
    ap.add_argument("--shape", nargs="+", type=int, default=[8000, 8000])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(f"{'backend':8} {'keras s':>9} {'GB/s':>7} {'fastinit s':>11} {'GB/s':>7} {'ratio':>6}")
    for backend in args.backends:
        proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args.shape),
                               str(args.repeat)], capture_output=True, text=True, check=True,
                              env=dict(os.environ, KERAS_BACKEND=backend))
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        gb = r["nbytes"] / 1e9
        print(f"{backend:8} {r['keras']:9.3f} {gb / r['keras']:7.2f} {r['fastinit']:11.3f} "
              f"{gb / r['fastinit']:7.2f} {r['keras'] / r['fastinit']:5.1f}x")


if __name__ == "__main__":
    main()
