"""The initializer families compared by ``python -m fastinit`` and its ``bench``.

Each family is one row: its name, how fastinit makes it, and the equivalent a
user would write with NumPy, PyTorch and JAX. A library that lacks the family
has ``None`` in its column, so missing pieces show up in the table itself.

Calling conventions (all fills happen in place where the library can):

- ``fastinit(out, rng, threads)``: fill the pre-allocated NumPy array ``out``.
- ``numpy(gen, out)``: fill ``out`` from the ``numpy.random.Generator`` ``gen``,
  in place when NumPy has an ``out=`` form, else the way a user would
  (allocate, cast, copy) so that its allocation is counted.
- ``torch(t)``: fill the torch CPU tensor ``t`` with ``torch.nn.init``.
- ``jax(key, shape, dtype)``: return a new ``jax.Array`` (JAX arrays are
  immutable), made with ``jax.random`` / ``jax.nn.initializers``.
- ``std(shape)``: the standard deviation the formula promises, ``None`` for
  non-random families.
"""
import math
from collections import namedtuple

import numpy as np

import fastinit

Family = namedtuple("Family", "name unit fastinit numpy torch jax std kurtosis")
Family.__doc__ = "One initializer family; see the module docstring for the columns."

# Standard deviation of N(0, 1) truncated to [-2, 2] (JAX/Keras's constant).
TRUNC2_STD = 0.87962566103423978
FILL_VALUE = 0.01


def fans(shape):
    """(fan_in, fan_out) of a weight of ``shape`` = (out, in, *kernel)."""
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _torch_init():
    import torch.nn.init
    return torch.nn.init


def _np_trunc_normal(gen, out, std, bound):
    """Rejection from NumPy normals: how one gets a truncated normal from NumPy."""
    flat = out.reshape(-1)
    gen.standard_normal(out=flat, dtype=out.dtype)
    flat *= std
    bad = np.flatnonzero(np.abs(flat) > bound)
    while bad.size:
        redo = gen.standard_normal(bad.size, dtype=out.dtype) * std
        flat[bad] = redo
        bad = bad[np.abs(redo) > bound]


def _np_orthogonal(gen, out):
    """QR of a Gaussian matrix with the sign correction of Mezzadri (2007)."""
    rows, cols = out.shape[0], out.size // out.shape[0]
    m = gen.standard_normal((max(rows, cols), min(rows, cols)), dtype=out.dtype)
    q, r = np.linalg.qr(m)
    q *= np.sign(np.diag(r))
    out[...] = (q if rows >= cols else q.T).reshape(out.shape)


def _jax():
    import jax
    return jax


FAMILIES = [
    Family(
        "constant", "GB/s",
        fastinit=lambda out, rng, threads: fastinit.constant_(out, FILL_VALUE,
                                                              num_threads=threads),
        numpy=lambda gen, out: out.fill(FILL_VALUE),
        torch=lambda t: _torch_init().constant_(t, FILL_VALUE),
        jax=lambda key, shape, dtype: _jax().numpy.full(shape, FILL_VALUE, dtype),
        std=None, kurtosis=None),
    Family(
        "uniform", "GB/s",
        fastinit=lambda out, rng, threads: fastinit.uniform_(out, 0.0, 1.0, rng=rng,
                                                             num_threads=threads),
        numpy=lambda gen, out: gen.random(out=out, dtype=out.dtype),
        torch=lambda t: _torch_init().uniform_(t, 0.0, 1.0),
        jax=lambda key, shape, dtype: _jax().random.uniform(key, shape, dtype),
        std=lambda shape: math.sqrt(1 / 12), kurtosis=1.8),
    Family(
        "normal", "GB/s",
        fastinit=lambda out, rng, threads: fastinit.normal_(out, 0.0, 1.0, rng=rng,
                                                            num_threads=threads),
        numpy=lambda gen, out: gen.standard_normal(out=out, dtype=out.dtype),
        torch=lambda t: _torch_init().normal_(t, 0.0, 1.0),
        jax=lambda key, shape, dtype: _jax().random.normal(key, shape, dtype),
        std=lambda shape: 1.0, kurtosis=3.0),
    Family(
        "trunc_normal", "GB/s",
        fastinit=lambda out, rng, threads: fastinit.trunc_normal_(out, 0.0, 1.0, -2.0, 2.0,
                                                                  rng=rng,
                                                                  num_threads=threads),
        numpy=lambda gen, out: _np_trunc_normal(gen, out, 1.0, 2.0),
        torch=lambda t: _torch_init().trunc_normal_(t, 0.0, 1.0, -2.0, 2.0),
        jax=lambda key, shape, dtype: _jax().random.truncated_normal(key, -2.0, 2.0, shape,
                                                                     dtype),
        std=lambda shape: TRUNC2_STD, kurtosis=3.0),
    Family(
        "kaiming_normal", "GB/s",
        fastinit=lambda out, rng, threads: fastinit.kaiming_normal_(
            out, nonlinearity="relu", rng=rng, num_threads=threads),
        numpy=lambda gen, out: out.__setitem__(..., gen.normal(
            0.0, math.sqrt(2.0 / fans(out.shape)[0]), out.shape).astype(out.dtype)),
        torch=lambda t: _torch_init().kaiming_normal_(t, nonlinearity="relu"),
        # jax.nn.initializers.he_normal is the truncated variant; the plain
        # normal one is variance_scaling(2, "fan_in", "normal").
        jax=lambda key, shape, dtype: _jax().nn.initializers.variance_scaling(
            2.0, "fan_in", "normal", in_axis=-1, out_axis=-2)(key, shape, dtype),
        std=lambda shape: math.sqrt(2.0 / fans(shape)[0]), kurtosis=3.0),
    Family(
        "xavier_uniform", "GB/s",
        fastinit=lambda out, rng, threads: fastinit.xavier_uniform_(out, rng=rng,
                                                                    num_threads=threads),
        numpy=lambda gen, out: out.__setitem__(..., gen.uniform(
            -math.sqrt(6.0 / sum(fans(out.shape))), math.sqrt(6.0 / sum(fans(out.shape))),
            out.shape).astype(out.dtype)),
        torch=lambda t: _torch_init().xavier_uniform_(t),
        jax=lambda key, shape, dtype: _jax().nn.initializers.glorot_uniform(
            in_axis=-1, out_axis=-2)(key, shape, dtype),
        std=lambda shape: math.sqrt(2.0 / sum(fans(shape))), kurtosis=1.8),
    Family(
        "orthogonal", "s",
        fastinit=lambda out, rng, threads: fastinit.orthogonal_(out, rng=rng,
                                                                num_threads=threads),
        numpy=_np_orthogonal,
        torch=lambda t: _torch_init().orthogonal_(t),
        jax=lambda key, shape, dtype: _jax().nn.initializers.orthogonal()(key, shape, dtype),
        std=None, kurtosis=None),
]

BY_NAME = {f.name: f for f in FAMILIES}


def missing_in_fastinit():
    """Names of the fastinit functions the table needs that this build lacks."""
    needed = ["constant_", "uniform_", "normal_", "trunc_normal_", "kaiming_normal_",
              "xavier_uniform_", "orthogonal_"]
    return [n for n in needed if not hasattr(fastinit, n)]
