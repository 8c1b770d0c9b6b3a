"""Constant and element-wise random fills: the primitives every scheme uses.

Random fills take torch's arguments plus keyword-only ``rng=`` (seed source,
SPEC 7), ``num_threads=`` and ``offset=`` (the flat index of the first
element of this piece in the whole logical tensor: pieces filled with their
offsets equal the whole filled at once, bit for bit).
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np

from . import _core, _dtypes
from ._errors import RuntimeValueError
from ._public import public
from ._tensor import check_float, check_in_dtype_range, sample_
from ._typing import ArrayT, Seed, GeneratorArg, Index



@public(bench="bench_fills", cited=False)
def constant_(tensor: ArrayT, val: float, *, num_threads: int | None = None) -> ArrayT:
    """Fill the input tensor with the value ``val``.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Floating-point array, filled in place (any strides).
    val : float
        Finite fill value, representable in the tensor's dtype.
    num_threads : int, optional
        Threads for this call (default: :func:`fastinit.get_num_threads`).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> fastinit.constant_(np.empty(3, np.float32), 0.01)
    array([0.01, 0.01, 0.01], dtype=float32)
    """
    return sample_(tensor, "constant", constant_params(val), num_threads=num_threads)


def constant_params(val):
    """Kernel parameters of a constant fill: ``val`` rounded to the dtype."""
    val = check_float(val, "val")

    def params(dtype):
        check_in_dtype_range(val, "val", dtype)
        return {"value": _dtypes.of(dtype).round(val)}
    return params


# the parameter functions of zeros_ and ones_, made once (pure functions of the dtype)
_ZERO, _ONE = constant_params(0.0), constant_params(1.0)


@public(lookup=("zero",), bench="bench_fills", cited=False)
def zeros_(tensor: ArrayT, *, num_threads: int | None = None) -> ArrayT:
    """Fill the input tensor with the scalar value 0.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> fastinit.zeros_(np.ones(2))
    array([0., 0.])
    """
    return sample_(tensor, "constant", _ZERO, num_threads=num_threads)


@public(lookup=("one",), bench="bench_fills", cited=False)
def ones_(tensor: ArrayT, *, num_threads: int | None = None) -> ArrayT:
    """Fill the input tensor with the scalar value 1.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> fastinit.ones_(np.zeros(2))
    array([1., 1.])
    """
    return sample_(tensor, "constant", _ONE, num_threads=num_threads)


def uniform_params(a, b):
    """Kernel parameters for U[a, b): low, width and top, the largest value of
    the dtype below b, so that no rounding can ever return b."""
    a = check_float(a, "a", error=RuntimeValueError)    # (torch: "from is out of bounds")
    b = check_float(b, "b", error=RuntimeValueError)
    if not a <= b:
        raise RuntimeValueError(f"uniform_ expects to return a [from, to) range, but found "
                                f"from={a} > to={b}")

    def params(dtype):
        if a and b:
            return dict(_uniform_params(_dtypes.of(dtype), a, b))
        # the signs keep 0.0 and -0.0 apart (equal as keys, different as bounds)
        return dict(_uniform_params(_dtypes.of(dtype), a, b, math.copysign(1.0, a),
                                    math.copysign(1.0, b)))
    return params


@functools.lru_cache(maxsize=1024)
def _uniform_params(d, a, b, *signs):
    """uniform_params for dtype descriptor ``d``, remembered (a pure function of
    its arguments: bounds repeat, and the neighbour of b costs microseconds).
    ``signs``: those of a and b, given when either is zero."""
    check_in_dtype_range(a, "a", d)
    check_in_dtype_range(b, "b", d)
    if not b - a <= d.max:
        raise RuntimeValueError(f"uniform_ expects to-from <= the largest {d} "
                                f"({d.max:g}), but found to={b} and from={a}")
    return {"low": a, "width": b - a, "top": max(d.prev(b), d.round(a))}


@public(lookup=("random_uniform",), bench="bench_fills", cited=False)
def uniform_(tensor: ArrayT, a: float = 0.0, b: float = 1.0, generator: GeneratorArg = None, *,
             rng: Seed = None, num_threads: int | None = None, offset: int = 0,
             global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with values drawn from the uniform distribution
    :math:`\mathcal{U}(a, b)`.

    Values lie in ``[a, b)`` in the tensor's own dtype: ``b`` is never
    returned, not even after rounding to float32 or float16.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Floating-point array, filled in place (any strides).
    a, b : float
        Bounds, ``a <= b`` (``a == b`` fills with ``a``).
    generator : torch.Generator or seed, optional
        torch's spelling of ``rng``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed source; ``None`` draws a fresh stream from the default generator
        (see :func:`fastinit.manual_seed`).
    num_threads : int, optional
        Threads for this call.
    offset : int
        Flat index of ``tensor[0, ..., 0]`` in the whole logical tensor.
    global_shape : tuple of int, optional
        Shape of the whole logical tensor that ``tensor`` is a block of.
    index : tuple of slice, optional
        The block: ``tensor`` receives exactly ``whole[index]``, ``whole``
        being this call (same ``rng=``) on a tensor of ``global_shape``;
        one step-1 slice per dimension. Needs ``global_shape``. With both,
        ``offset`` is the flat position of ``whole[0, ..., 0]``
        (docs/randomness.md, "Blocks").

    Notes
    -----
    Each value is :math:`a + (b - a) u` with :math:`u = \lfloor x / 2^8
    \rfloor 2^{-24}` (float32/float16) or a 53-bit fraction (float64) from
    one Philox4x32-10 output word ``x``.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.uniform_(np.empty((2, 3)), -1.0, 1.0, rng=0)
    >>> bool(((w >= -1) & (w < 1)).all())
    True
    """
    return sample_(tensor, "uniform", uniform_params(a, b), rng=rng, generator=generator,
                   num_threads=num_threads, offset=offset, global_shape=global_shape,
                   index=index)


@functools.lru_cache(maxsize=None)
def normal_tail(dtype):
    """The largest |z| the normal sampler returns for ``dtype``, with room for
    float32 rounding: the ziggurat's tail proposal sqrt(R^2 - 2 ln u) at its
    smallest u (fastinit/_src/ziggurat.h), computed by the kernel's own
    transform; 32-bit streams for float32 and float16, 64-bit for float64."""
    bits = 64 if dtype == np.float64 else 32
    return float(_core._zig_tailx(0, bits)) * (1 + 2.0 ** -20)


_TAILS: dict[_dtypes.DType, float] = {}   # DType -> normal_tail(its work dtype)


def normal_params(mean, std):
    mean = check_float(mean, "mean")
    std = check_float(std, "std", error=RuntimeValueError)  # (torch: NaN fails std >= 0)
    if not std >= 0:
        raise RuntimeValueError(f"normal expects std >= 0.0, but found std {std}")

    def params(dtype):
        dtype = _dtypes.of(dtype)
        big, tail = dtype.max, _TAILS.get(dtype)
        if tail is None:
            tail = _TAILS[dtype] = normal_tail(dtype.work)
        if abs(mean) + tail * std <= big:       # (so |mean| <= big too)
            return {"mean": mean, "std": std}
        check_in_dtype_range(mean, "mean", dtype)
        if not abs(mean) + tail * std <= big:
            raise ValueError(f"std={std} is too large for {dtype}: values reach |mean| + "
                             f"{tail:.3f} * std, beyond the largest {dtype} ({big:g}); "
                             f"allowed: std <= {(big - abs(mean)) / tail:.6g}")
        return {"mean": mean, "std": std}
    return params


@public(lookup=("random_normal",), bench="bench_fills", cited=False)
def normal_(tensor: ArrayT, mean: float = 0.0, std: float = 1.0, generator: GeneratorArg = None, *,
            rng: Seed = None, num_threads: int | None = None, offset: int = 0,
            global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with values drawn from the normal distribution
    :math:`\mathcal{N}(\text{mean}, \text{std}^2)`.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Floating-point array, filled in place (any strides).
    mean : float
        Mean.
    std : float
        Standard deviation, ``>= 0``.
    generator, rng, num_threads, offset, global_shape, index
        As in :func:`uniform_`.

    Notes
    -----
    A ziggurat (Marsaglia and Tsang, 1024 layers) on one Philox word per
    float32/float16 value and two per float64 value: 99.57% of the values
    cost one table lookup and one product; the rest (wedges, and the tail
    beyond :math:`R = 4.039` by Marsaglia's method with fastinit's own
    ``log``) draw from the element's own retry stream. Tails reach 7.8 sigma
    (float32) and 9.5 sigma (float64). The implied law, computed from every
    word, matches :math:`P(|z| > t)` to 6e-6 relative up to :math:`t = 6`
    (docs/normal-sampler.md).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.normal_(np.empty((256, 256), np.float32), 0.0, 0.02, rng=0)
    >>> bool(abs(w.std() - 0.02) < 1e-3)
    True
    """
    return sample_(tensor, "normal", normal_params(mean, std), rng=rng, generator=generator,
                   num_threads=num_threads, offset=offset, global_shape=global_shape,
                   index=index)
