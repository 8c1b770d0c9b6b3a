"""Fresh memory against touched memory: what huge pages buy (fastinit.set_hugepages).

    python tools/bench_fresh.py [--threads 1 2] [--repeat 5] [--scale 1] [--no-model]

One process; the variants take turns within each round (the machine is
shared: medians of the rounds and their ratios are what count). Before
each timed step, as many bytes as the step allocates are touched and freed
(``--no-warm`` to skip): on a VM with free page reporting, memory freed a
few seconds ago is back with the host and not "pre-warmed". A discarded
first round, after touching --prewarm GB of memory once, warms the guest memory.
For each thread count:

- functional: ``fastinit.normal((8192, 8192))`` on fresh memory, with the
  huge-page advice on (the default) and off (fastinit's and NumPy's own
  advice both off: 4 kB pages), against ``normal_`` into a touched array;
- model: ``fastinit.torch.materialize`` of the Llama-like model of
  ``python -m fastinit bench --model`` (float32), advice on and off,
  against ``init_`` on the same model already touched; with the peak RSS
  growth of materialize over the parameter bytes (VmHWM, Linux).
"""
import argparse
import gc
import statistics
import time

import numpy as np

import fastinit
from fastinit import _hugepages
from fastinit.cli import llama
from fastinit.cli.model_bench import _reset_peak, _status, _trim


def _warm(nbytes):
    """Touch ``nbytes`` (and 5% more) of fresh memory and free it, just before a
    timed step: the step then gets memory that the host backs. (On a VM with
    free page reporting, virtio_balloon, memory freed for a few seconds goes
    back to the host, and its next first touch costs a host fault too: the
    guest memory is then not "pre-warmed", whatever ran before.)"""
    old = _numpy_advice(True)
    w = np.ones(int(nbytes * 1.05) // 8 + 1)
    del w
    _numpy_advice(old)
    _trim()


def _numpy_advice(on):
    from numpy._core import multiarray
    return multiarray._set_madvise_hugepage(on)


def _timed(fn):
    gc.collect()
    _trim()
    t = time.perf_counter()
    out = fn()
    t = time.perf_counter() - t
    del out
    gc.collect()
    return t


def _rounds(variants, repeat, warm=0):
    """{name: [seconds per round]}, the variants taking turns; round 0 dropped;
    ``warm`` bytes touched and freed before each step (:func:`_warm`)."""
    times = {name: [] for name in variants}
    for r in range(repeat + 1):
        for name, (setup, fn) in variants.items():
            setup()
            if warm:
                _warm(warm)
            t = _timed(fn)
            if r:
                times[name].append(t)
    return times


def _report(title, times, ref):
    med = {k: statistics.median(v) for k, v in times.items()}
    print(title)
    for k, v in med.items():
        paired = statistics.median(a / b for a, b in zip(times[k], times[ref]))
        print(f"  {k:34} median {v * 1e3:9.1f} ms  (rounds: "
              f"{', '.join(f'{x * 1e3:.0f}' for x in times[k])})  x{v / med[ref]:.2f} of {ref}"
              f" (median of the rounds' ratios x{paired:.2f})")


def functional(threads, repeat, args_warm=True):
    touched = np.zeros((8192, 8192), np.float32)

    def on():
        fastinit.set_hugepages(True)
        _numpy_advice(True)

    def off():
        fastinit.set_hugepages(False)
        _numpy_advice(False)
    variants = {
        "normal((8192, 8192)) fresh, THP on": (on, lambda: fastinit.normal(
            (8192, 8192), rng=0, num_threads=threads)),
        "normal((8192, 8192)) fresh, THP off": (off, lambda: fastinit.normal(
            (8192, 8192), rng=0, num_threads=threads)),
        "normal_ into touched memory": (on, lambda: fastinit.normal_(
            touched, rng=0, num_threads=threads)),
    }
    try:
        times = _rounds(variants, repeat, warm=touched.nbytes if args_warm else 0)
    finally:
        fastinit.set_hugepages(True)
        _numpy_advice(True)
    _report(f"functional, {threads} thread(s), float32 256 MiB, THP mode "
            f"{_hugepages.thp_mode()!r}", times, "normal_ into touched memory")


def model(threads, repeat, scale, args_warm=True):
    import torch
    import fastinit.torch as ft
    torch.set_num_threads(threads)
    nparams = llama.n_params(scale)
    nbytes = nparams * 4
    llama.Llama(scale, device="meta")                  # torch's one-time set-up
    existing = llama.Llama(scale, dtype=torch.float32)
    ft.init_(existing, rng=0, num_threads=threads)     # touched
    peaks = {}

    def mat(on):
        def run():
            fastinit.set_hugepages(on)
            ok = _reset_peak()
            before = _status("VmRSS")
            m = ft.materialize(llama.Llama(scale, device="meta", dtype=torch.float32), rng=0,
                               num_threads=threads)
            after = _status("VmHWM")
            if ok and before is not None and after is not None:
                peaks.setdefault(on, []).append((after - before) / nbytes)
            return m
        return run
    variants = {
        "materialize, THP on": (lambda: None, mat(True)),
        "materialize, THP off": (lambda: None, mat(False)),
        "init_ on the touched model": (lambda: None,
                                       lambda: ft.init_(existing, rng=0, num_threads=threads)),
    }
    try:
        times = _rounds(variants, repeat, warm=nbytes if args_warm else 0)
    finally:
        fastinit.set_hugepages(True)
    _report(f"model: Llama-like scale 1/{scale}, {nparams / 1e9:.3f} B float32 parameters, "
            f"{threads} thread(s)", times, "init_ on the touched model")
    for on, p in peaks.items():
        print(f"  peak RSS growth of materialize, THP {'on' if on else 'off'}: "
              f"max {max(p):.3f} x the parameter bytes ({nbytes / 1e9:.2f} GB)")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--no-functional", action="store_true")
    ap.add_argument("--prewarm", type=float, default=8.0,
                    help="GB of guest memory touched once and freed first (a VM backs "
                         "never-used memory on first touch: not what is measured)")
    ap.add_argument("--no-warm", action="store_true",
                    help="no touch-and-free of the step's bytes before each timed step")
    args = ap.parse_args(argv)
    if args.prewarm > 0:
        t = time.perf_counter()
        warm = np.ones(int(args.prewarm * 1e9) // 8)
        del warm
        _trim()
        print(f"pre-warmed {args.prewarm:g} GB of memory in {time.perf_counter() - t:.1f} s")
    print(f"THP: {open(_hugepages._THP_FILE).read().strip()!r}; "
          f"defrag: {open(_hugepages._THP_FILE.replace('enabled', 'defrag')).read().strip()!r}")
    for t in args.threads:
        if not args.no_functional:
            functional(t, args.repeat, not args.no_warm)
        if not args.no_model:
            model(t, args.repeat, args.scale, not args.no_warm)


if __name__ == "__main__":
    main()
