"""Shared helpers of the asv suite.

Nothing here imports an optional library at module level, and a missing
fastinit function only skips the benchmarks that need it: asv treats
``NotImplementedError`` raised in ``setup`` as "skipped", so one missing
piece (or a broken import) never breaks discovery of the rest.
"""
import os
import sys

import numpy as np

try:
    import fastinit
    from fastinit.cli import references as _references
except Exception as exc:  # a broken build must not hide the other benchmarks
    fastinit = _references = None
    # ...but say so: every fastinit benchmark would otherwise just read "n/a"
    sys.stderr.write(f"benchmarks: fastinit does not import ({exc!r}); its benchmarks are "
                     f"skipped. Install it first: python -m pip install -e .\n")

# Optional libraries are imported once here, so that asv's forkserver (see
# asv.conf.json) pays for importing torch once, not once per benchmark.
try:
    import torch as _torch
except Exception:
    _torch = None
try:
    import jax as _jax
except Exception:
    _jax = None

SEED = 12345
SIZES = [10_000, 1_000_000, 64_000_000]      # fills: the sizes issue #2 asks for
SCHEME_SIZES = [10_000, 1_000_000, 16_000_000]  # schemes: same kernels, smaller top size
DTYPES = ["float32", "float64"]
THREADS = list(range(1, (os.cpu_count() or 1) + 1))

# Every public in-place initializer and the benchmark module covering it,
# from the @public registrations (fastinit._public); tests/test_cli.py checks
# it against fastinit.__all__ and the modules.
COVERED = fastinit._public.covered() if fastinit is not None else {}


def fi(name):
    """fastinit's function ``name``, or skip (NotImplementedError) if it is missing."""
    if fastinit is None:
        raise NotImplementedError("fastinit does not import")
    fn = getattr(fastinit, name, None)
    if fn is None:
        raise NotImplementedError(f"fastinit.{name} does not exist in this version")
    return fn


def torch():
    """The torch module with its global generator seeded (SEED), or skip."""
    if _torch is None:
        raise NotImplementedError("torch is not importable")
    _torch.manual_seed(SEED)
    return _torch


def jax():
    """The jax module (x64 enabled for float64 comparisons), or skip."""
    if _jax is None:
        raise NotImplementedError("jax is not importable")
    _jax.config.update("jax_enable_x64", True)
    return _jax


def matrix_shape(size):
    """A 2-D (out, in) shape of about ``size`` elements, 1024 wide when possible."""
    cols = min(1024, size)
    return (size // cols, cols)


def touched(shape, dtype):
    """A pre-touched array: page faults are paid here, in setup, not in time_*."""
    a = np.empty(shape, dtype)
    a.fill(0)
    return a


def gen():
    return np.random.default_rng(SEED)


def reference(name):
    """A baseline of fastinit.cli.references (fans, np_orthogonal, ...), or skip."""
    if _references is None:
        raise NotImplementedError("fastinit does not import")
    return getattr(_references, name)
