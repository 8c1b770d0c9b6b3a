"""Side-by-side timing of fastinit.orthogonal_ against torch, NumPy QR and SciPy.

Run from the repository root after building in place:

    PYTHONPATH=. python tools/bench_orthogonal.py [--repeat 5] [--quick]

Everything runs in one process, one after another; each figure is the best
of ``--repeat`` rounds (the methods take turns within a round), outputs are pre-touched, and the ratios (peer time /
fastinit time) are what to compare on a shared, noisy machine. Also prints
the orthogonality error and the peak extra memory of fastinit (tracemalloc,
which sees NumPy's allocations) against the output's size.
"""
import argparse
import tracemalloc

import numpy as np

import fastinit
from fastinit.cli.references import np_orthogonal
from fastinit.cli.timing import best_times


def qr_numpy(n, dtype):
    """Haar by QR of a Gaussian with NumPy (the textbook recipe, with the sign fix)."""
    return np_orthogonal(np.random.default_rng(0), np.empty((n, n), dtype))


def orth_error(w):
    a = w.astype(np.float64)
    return np.abs(a.T @ a - np.eye(a.shape[1])).max()


def extra_memory(shape, dtype):
    out = np.zeros(shape, dtype=dtype)
    tracemalloc.start()
    tracemalloc.reset_peak()
    fastinit.orthogonal_(out, rng=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, out.nbytes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="skip the 4096 peers (slow)")
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        torch = None
    from scipy.stats import ortho_group

    print(f"fastinit {fastinit.__version__}, threads {fastinit.get_num_threads()}, "
          f"torch {torch.__version__ if torch else 'missing'} "
          f"(threads {torch.get_num_threads() if torch else '-'}), best of {args.repeat}")
    rows = []
    for n in (2048, 4096):
        w = np.ones((n, n), dtype=np.float32)
        fns = {"fastinit": lambda: fastinit.orthogonal_(w, rng=1)}
        if torch is not None:
            tw = torch.ones(n, n)
            fns["torch"] = lambda: torch.nn.init.orthogonal_(tw)
        if n == 2048 or not args.quick:
            fns["numpy qr"] = lambda: qr_numpy(n, np.float32)
        line = best_times(fns, args.repeat if n == 2048 else max(2, args.repeat // 2),
                          warmup=True)
        line.update(case=f"{n}^2 float32", err=orth_error(w))
        rows.append(line)
    n = 1024
    w = np.ones((n, n), dtype=np.float64)
    line = best_times({"fastinit": lambda: fastinit.orthogonal_(w, rng=1),
                       "scipy ortho_group": lambda: ortho_group.rvs(n, random_state=0),
                       "numpy qr": lambda: qr_numpy(n, np.float64)}, args.repeat, warmup=True)
    line.update(case=f"{n}^2 float64", err=orth_error(w))
    rows.append(line)

    for line in rows:
        print(f"\n{line['case']}: fastinit {line['fastinit']:.4f} s  "
              f"(max|Q^T Q - I| = {line['err']:.1e})")
        for peer in ("torch", "numpy qr", "scipy ortho_group"):
            if peer in line:
                print(f"  {peer:18s} {line[peer]:.4f} s   fastinit is "
                      f"{line[peer] / line['fastinit']:.2f}x faster")
    print()
    for shape, dtype in [((4096, 4096), np.float32), ((2048, 2048), np.float64),
                         ((4096, 512), np.float32), ((512, 4096), np.float32)]:
        peak, size = extra_memory(shape, dtype)
        print(f"peak extra memory {shape} {np.dtype(dtype).name}: {peak / 2**20:.1f} MiB "
              f"= {peak / size:.3f} x output ({size / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
