"""The reference implementations fastinit is compared with: one table.

Each :class:`Reference` is one initializer family: how fastinit makes it and
the equivalent a user would write with NumPy, PyTorch and JAX, with the law
and standard deviation its formula promises. The tour, ``bench``, the asv
suite (``benchmarks/``) and the scripts in ``tools/`` all take their
baselines from here. A library that lacks the family has ``None`` in its
column, so missing pieces show up in the tables themselves.

Calling conventions (all fills happen in place where the library can):

- ``fastinit(out, rng, threads)``: fill the NumPy array ``out``.
- ``numpy(gen, out)``: fill ``out`` from the ``numpy.random.Generator`` ``gen``,
  in place when NumPy has an ``out=`` form, else the way a user would
  (draw in float64, cast, copy) so that its allocation is counted.
- ``torch(t)``: fill the torch CPU tensor ``t`` with ``torch.nn.init``.
- ``jax(key, shape, dtype)``: return a new ``jax.Array`` (JAX arrays are
  immutable), made with ``jax.random`` / ``jax.nn.initializers``.
- ``law``: 'constant', 'uniform', 'normal', 'truncated_normal' or
  'orthogonal'; ``std(shape)``: the standard deviation the formula promises
  (None for constant and orthogonal); ``value``: a constant's value.
"""
import math
from collections import namedtuple

import numpy as np

import fastinit
from fastinit.schemes import TRUNC_STD

Reference = namedtuple("Reference", "name unit law std value fastinit numpy torch jax")
Reference.__doc__ = "One initializer family; see the module docstring for the columns."

# Standard deviation of N(0, 1) truncated to [-2, 2] (JAX/Keras's constant).
TRUNC2_STD = TRUNC_STD
FILL_VALUE = 0.01
EMBED_STD = 0.02


def fans(shape):
    """(fan_in, fan_out) of a weight of ``shape`` = (out, in, *kernel)."""
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def np_trunc_normal(gen, out, std, bound):
    """N(0, std^2) truncated to [-bound, bound] from NumPy: draw, then redraw the rejects."""
    flat = out.reshape(-1)
    gen.standard_normal(out=flat, dtype=out.dtype)
    flat *= std
    bad = np.flatnonzero(np.abs(flat) > bound)
    while bad.size:
        redo = gen.standard_normal(bad.size, dtype=out.dtype) * std
        flat[bad] = redo
        bad = bad[np.abs(redo) > bound]
    return out


def np_orthogonal(gen, out):
    """QR of a Gaussian matrix with the sign correction of Mezzadri (2007), into ``out``.

    As a NumPy user writes it: a float64 Gaussian (the Generator's default),
    ``np.linalg.qr``, the sign fix, then a cast into ``out``.
    """
    rows, cols = out.shape[0], out.size // out.shape[0]
    m = gen.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(m)
    q *= np.sign(np.diag(r))
    out[...] = (q if rows >= cols else q.T).reshape(out.shape)
    return out


def _np_draw(law, std):
    """NumPy the way a user writes a scheme: draw in float64, cast, copy into out."""
    def fill(gen, out):
        s = std(out.shape)
        if law == "uniform":
            b = math.sqrt(3.0) * s
            out[...] = gen.uniform(-b, b, out.shape).astype(out.dtype)
        else:
            out[...] = gen.normal(0.0, s, out.shape).astype(out.dtype)
    return fill


def _init():
    import torch.nn.init
    return torch.nn.init


def _jax():
    import jax
    return jax


def _kaiming_relu_std(shape):
    return math.sqrt(2.0 / fans(shape)[0])


def _xavier_std(shape):
    return math.sqrt(2.0 / sum(fans(shape)))


def _linear_std(shape):          # kaiming_uniform(a=sqrt(5)): U(+-1/sqrt(fan_in))
    return 1 / math.sqrt(3 * fans(shape)[0])


def _lecun_std(shape):
    return 1.0 / math.sqrt(fans(shape)[0])


def _const(name, value):
    return Reference(
        name, "GB/s", "constant", None, value,
        fastinit=lambda out, rng, threads: fastinit.constant_(out, value, num_threads=threads),
        numpy=lambda gen, out: out.fill(value),
        torch=lambda t: _init().constant_(t, value),
        jax=lambda key, shape, dtype: _jax().numpy.full(shape, value, dtype))


REFERENCES = {r.name: r for r in [
    _const("constant", FILL_VALUE), _const("ones", 1.0), _const("zeros", 0.0),
    Reference(
        "uniform", "GB/s", "uniform", lambda shape: math.sqrt(1 / 12), None,
        fastinit=lambda out, rng, threads: fastinit.uniform_(out, 0.0, 1.0, rng=rng,
                                                             num_threads=threads),
        numpy=lambda gen, out: gen.random(out=out, dtype=out.dtype),
        torch=lambda t: _init().uniform_(t, 0.0, 1.0),
        jax=lambda key, shape, dtype: _jax().random.uniform(key, shape, dtype)),
    Reference(
        "normal", "GB/s", "normal", lambda shape: 1.0, None,
        fastinit=lambda out, rng, threads: fastinit.normal_(out, 0.0, 1.0, rng=rng,
                                                            num_threads=threads),
        numpy=lambda gen, out: gen.standard_normal(out=out, dtype=out.dtype),
        torch=lambda t: _init().normal_(t, 0.0, 1.0),
        jax=lambda key, shape, dtype: _jax().random.normal(key, shape, dtype)),
    Reference(
        "normal(0.02)", "GB/s", "normal", lambda shape: EMBED_STD, None,
        fastinit=lambda out, rng, threads: fastinit.normal_(out, 0.0, EMBED_STD, rng=rng,
                                                            num_threads=threads),
        numpy=_np_draw("normal", lambda shape: EMBED_STD),
        torch=lambda t: _init().normal_(t, 0.0, EMBED_STD),
        jax=lambda key, shape, dtype: EMBED_STD * _jax().random.normal(key, shape, dtype)),
    Reference(
        "trunc_normal", "GB/s", "truncated_normal", lambda shape: TRUNC2_STD, None,
        fastinit=lambda out, rng, threads: fastinit.trunc_normal_(out, 0.0, 1.0, -2.0, 2.0,
                                                                  rng=rng,
                                                                  num_threads=threads),
        numpy=lambda gen, out: np_trunc_normal(gen, out, 1.0, 2.0),
        torch=lambda t: _init().trunc_normal_(t, 0.0, 1.0, -2.0, 2.0),
        jax=lambda key, shape, dtype: _jax().random.truncated_normal(key, -2.0, 2.0, shape,
                                                                     dtype)),
    Reference(
        "trunc_normal(0.02)", "GB/s", "truncated_normal", lambda shape: EMBED_STD * TRUNC2_STD,
        None,
        fastinit=lambda out, rng, threads: fastinit.trunc_normal_(
            out, 0.0, EMBED_STD, -2 * EMBED_STD, 2 * EMBED_STD, rng=rng, num_threads=threads),
        numpy=lambda gen, out: np_trunc_normal(gen, out, EMBED_STD, 2 * EMBED_STD),
        torch=lambda t: _init().trunc_normal_(t, 0.0, EMBED_STD, -2 * EMBED_STD,
                                              2 * EMBED_STD),
        jax=lambda key, shape, dtype: EMBED_STD * _jax().random.truncated_normal(
            key, -2.0, 2.0, shape, dtype)),
    Reference(
        "kaiming_normal", "GB/s", "normal", _kaiming_relu_std, None,
        fastinit=lambda out, rng, threads: fastinit.kaiming_normal_(
            out, nonlinearity="relu", rng=rng, num_threads=threads),
        numpy=_np_draw("normal", _kaiming_relu_std),
        torch=lambda t: _init().kaiming_normal_(t, nonlinearity="relu"),
        # jax.nn.initializers.he_normal is the truncated variant; the plain
        # normal one is variance_scaling(2, "fan_in", "normal").
        jax=lambda key, shape, dtype: _jax().nn.initializers.variance_scaling(
            2.0, "fan_in", "normal", in_axis=-1, out_axis=-2)(key, shape, dtype)),
    # torch.nn.Linear's default: kaiming_uniform_(a=sqrt(5)), i.e. U(+-1/sqrt(fan_in)).
    Reference(
        "kaiming_uniform(a=sqrt5)", "GB/s", "uniform", _linear_std, None,
        fastinit=lambda out, rng, threads: fastinit.kaiming_uniform_(
            out, a=math.sqrt(5), rng=rng, num_threads=threads),
        numpy=_np_draw("uniform", _linear_std),
        torch=lambda t: _init().kaiming_uniform_(t, a=math.sqrt(5)),
        jax=lambda key, shape, dtype: _jax().nn.initializers.variance_scaling(
            1 / 3, "fan_in", "uniform", in_axis=-1, out_axis=-2)(key, shape, dtype)),
    Reference(
        "xavier_uniform", "GB/s", "uniform", _xavier_std, None,
        fastinit=lambda out, rng, threads: fastinit.xavier_uniform_(out, rng=rng,
                                                                    num_threads=threads),
        numpy=_np_draw("uniform", _xavier_std),
        torch=lambda t: _init().xavier_uniform_(t),
        jax=lambda key, shape, dtype: _jax().nn.initializers.glorot_uniform(
            in_axis=-1, out_axis=-2)(key, shape, dtype)),
    # torch has no lecun_normal_: its documented equivalent is
    # kaiming_normal_(w, nonlinearity="linear"), N(0, 1/fan_in).
    Reference(
        "lecun_normal", "GB/s", "normal", _lecun_std, None,
        fastinit=lambda out, rng, threads: fastinit.lecun_normal_(out, rng=rng,
                                                                  num_threads=threads),
        numpy=_np_draw("normal", _lecun_std),
        torch=lambda t: _init().kaiming_normal_(t, nonlinearity="linear"),
        jax=lambda key, shape, dtype: _jax().nn.initializers.variance_scaling(
            1.0, "fan_in", "normal", in_axis=-1, out_axis=-2)(key, shape, dtype)),
    Reference(
        "orthogonal", "s", "orthogonal", None, None,
        fastinit=lambda out, rng, threads: fastinit.orthogonal_(out, rng=rng,
                                                                num_threads=threads),
        numpy=np_orthogonal,
        torch=lambda t: _init().orthogonal_(t),
        jax=lambda key, shape, dtype: _jax().nn.initializers.orthogonal()(key, shape, dtype)),
]}
