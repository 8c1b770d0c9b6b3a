"""Variance-scaling schemes: Xavier/Glorot, Kaiming/He, LeCun, variance_scaling.

JAX's way: every scheme is one call of :func:`_scaled_`, the single path
fans -> spread (a std or a bound) -> distribution, which owns the argument
checks and the zero-element policy. A public scheme only says how its
spread follows from the fans (torch's formula, operation for operation), so
it runs exactly as fast as the plain fill and draws exactly its values
(same seed, same stream).
"""
from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ._errors import RuntimeValueError
from ._fans import fan_for, gain_for
from ._public import public
from ._tensor import adapt, check_block, check_float, check_offset, check_shape, sample_
from ._typing import (ArrayT, Seed, GeneratorArg, Index, AxisLike, Mode,
                      ScalingMode, Distribution, Nonlinearity)
from .fills import normal_params, uniform_params
from .truncated import trunc_normal_params


_F = TypeVar("_F", bound=Callable[..., Any])

TORCH_MODES = ("fan_in", "fan_out")
MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")
DISTRIBUTIONS = ("truncated_normal", "normal", "untruncated_normal", "uniform")
# JAX/Keras: the std of N(0, 1) truncated to [-2, 2]
TRUNC_STD = 0.87962566103423978


def _law(distribution):
    """'uniform', 'normal' or 'truncated_normal' from a distribution name (Keras spellings)."""
    if not isinstance(distribution, str) or distribution.lower() not in DISTRIBUTIONS:
        raise ValueError(f"Distribution {distribution} not supported, please use one of "
                         f"{list(DISTRIBUTIONS)}")
    law = distribution.lower()
    return "normal" if law == "untruncated_normal" else law


def _scaled_(tensor, law, spread, *, mode="fan_in", modes=MODES, torch_warning=False,
             generator=None, rng=None, num_threads=None, offset=0, in_axis=1, out_axis=0,
             batch_axis=(), full_shape=None, global_shape=None, index=None):
    """Fill ``tensor`` with a zero-mean law whose spread follows from the fans.

    ``law`` (see :func:`_law`): 'uniform' fills U(-s, s), 'normal' N(0, s^2),
    'truncated_normal' N(0, s^2) truncated to [-2 s, 2 s], with
    ``s = spread(fan_in, fan_out, fan)`` and ``fan`` the fan of ``mode``
    (checked against ``modes``). A zero-element tensor is a no-op that
    returns the input: with torch's warning (and before any other check)
    when ``torch_warning``, as torch's kaiming_*; silently after the layout
    checks otherwise, as torch's xavier_*. The tensor is converted once.
    """
    adapted = adapt(tensor)
    arr = adapted[0]
    if torch_warning and 0 in arr.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return tensor
    offset = check_offset(offset, arr.size)
    block = None if global_shape is None and index is None else \
        check_block(global_shape, index, arr.shape, offset)
    if block is not None:
        if full_shape is not None and check_shape(full_shape, "full_shape") != block[0]:
            raise ValueError(f"full_shape={tuple(full_shape)} and global_shape={block[0]} "
                             f"disagree; pass global_shape= alone")
        full_shape = block[0]
    fans = fan_for(arr, mode, modes, in_axis=in_axis, out_axis=out_axis,
                   batch_axis=batch_axis, full_shape=full_shape, both=True)
    if arr.size == 0:
        return tensor
    s = spread(*fans)
    if law == "uniform":
        dist, params = "uniform", uniform_params(-s, s)
    elif law == "normal":
        dist, params = "normal", normal_params(0.0, s)
    else:
        dist, params = trunc_normal_params(0.0, s, -2.0 * s, 2.0 * s)
    return sample_(tensor, dist, params, rng=rng, generator=generator, num_threads=num_threads,
                   offset=offset, global_shape=global_shape, index=index, adapted=adapted)


def _kaiming_std(a, nonlinearity, fan):
    """torch's std = gain / sqrt(fan).

    The gain first, as torch: a slope that is not a number is its
    ValueError (leaky_relu), one whose gain overflows a ValueOverflowError.
    Then ``a`` must be a finite number whatever the nonlinearity; a NaN is a
    RuntimeValueError (torch's bound or std is NaN, which its uniform_ and
    normal_ refuse with RuntimeError).
    """
    gain = gain_for(nonlinearity, a, "a")
    if a is not None:
        check_float(a, "a", error=RuntimeValueError)
    return gain / math.sqrt(fan)


def _xavier_gain(gain):
    """A finite gain; NaN or infinite is a RuntimeValueError (torch's bound or
    std is then NaN or infinite, which its uniform_ / normal_ refuse)."""
    return check_float(gain, "gain", error=RuntimeValueError)


_COMMON = """generator : torch.Generator or seed, optional
        torch's spelling of ``rng``.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed source (see :func:`fastinit.manual_seed`).
    num_threads : int, optional
        Threads for this call.
    offset : int
        Flat index of this piece in the whole logical tensor; pass
        ``full_shape`` too so that the fans are the whole tensor's.
    global_shape, index
        The tensor is the block ``whole[index]`` of a weight of
        ``global_shape`` and receives exactly those values (see
        :func:`fastinit.uniform_`); the fans and the gain come from
        ``global_shape``.
    in_axis, out_axis, batch_axis
        Weight layout for the fans (see :func:`calculate_fan_in_and_fan_out`);
        the default is torch's ``(out, in, *kernel)``.
    full_shape : tuple of int, optional
        Shape to compute the fans from (default: the tensor's)."""


def _doc(fn: _F) -> _F:
    assert fn.__doc__ is not None
    fn.__doc__ = fn.__doc__.replace("COMMON", _COMMON)
    return fn


@public(aliases=("glorot_uniform",), bench="bench_schemes")
@_doc
def xavier_uniform_(tensor: ArrayT, gain: float = 1.0, generator: GeneratorArg = None, *,
                    rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                    in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                    full_shape: Sequence[int] | None = None,
                    global_shape: Sequence[int] | None = None,
                    index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with Xavier (Glorot) uniform values.

    Values are drawn from :math:`\mathcal{U}(-a, a)`, the same variance as
    :func:`xavier_normal_`. Suited to tanh and sigmoid layers.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    gain : float
        Scaling factor (see :func:`calculate_gain`).
    COMMON

    Notes
    -----
    .. math::
        a = \text{gain} \times \sqrt{\frac{6}{\text{fan\_in} + \text{fan\_out}}}

    References
    ----------
    X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.xavier_uniform_(np.empty((3, 5), np.float32), gain=1.0, rng=0)
    >>> bool(np.abs(w).max() < np.sqrt(6 / 8))
    True
    """
    return _scaled_(tensor, "uniform", lambda fan_in, fan_out, _: math.sqrt(3.0) * (
                    _xavier_gain(gain) * math.sqrt(2.0 / float(fan_in + fan_out))),
                    generator=generator, rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)


@public(aliases=("glorot_normal",), bench="bench_schemes")
@_doc
def xavier_normal_(tensor: ArrayT, gain: float = 1.0, generator: GeneratorArg = None, *,
                   rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                   in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                   full_shape: Sequence[int] | None = None,
                   global_shape: Sequence[int] | None = None,
                   index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with Xavier (Glorot) normal values.

    Values are drawn from :math:`\mathcal{N}(0, \text{std}^2)`. Suited to
    tanh and sigmoid layers.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    gain : float
        Scaling factor (see :func:`calculate_gain`).
    COMMON

    Notes
    -----
    .. math::
        \text{std} = \text{gain} \times \sqrt{\frac{2}{\text{fan\_in} + \text{fan\_out}}}

    References
    ----------
    X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.xavier_normal_(np.empty((512, 512), np.float32), rng=0)
    >>> bool(abs(w.std() - np.sqrt(2 / 1024)) < 1e-3)
    True
    """
    return _scaled_(tensor, "normal", lambda fan_in, fan_out, _: _xavier_gain(gain)
                    * math.sqrt(2.0 / float(fan_in + fan_out)), generator=generator,
                    rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)


@public(aliases=("he_uniform",), bench="bench_schemes")
@_doc
def kaiming_uniform_(tensor: ArrayT, a: float = 0, mode: Mode = "fan_in",
                     nonlinearity: Nonlinearity = "leaky_relu", generator: GeneratorArg = None, *,
                     rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                     in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                     full_shape: Sequence[int] | None = None,
                     global_shape: Sequence[int] | None = None,
                     index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with Kaiming (He) uniform values.

    Values are drawn from :math:`\mathcal{U}(-\text{bound}, \text{bound})`.
    Suited to ReLU and leaky ReLU layers. ``a=math.sqrt(5)`` is torch's
    default ``nn.Linear``/``nn.ConvNd`` weight init (see
    :func:`torch_default_init_`).

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    a : float
        Negative slope of the rectifier after this layer (leaky_relu only;
        0 means relu's gain).
    mode : {'fan_in', 'fan_out'}
        'fan_in' preserves the variance of the forward pass, 'fan_out' of the
        backward pass.
    nonlinearity : str
        See :func:`calculate_gain`; 'relu' or 'leaky_relu' recommended.
    COMMON

    Notes
    -----
    .. math::
        \text{bound} = \sqrt{3} \times \frac{\text{gain}}{\sqrt{\text{fan\_mode}}}

    A zero-element tensor is left alone with torch's warning.

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers: Surpassing
    Human-Level Performance on ImageNet Classification", ICCV 2015.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.kaiming_uniform_(np.empty((128, 64), np.float32), mode="fan_in",
    ...                               nonlinearity="relu", rng=0)
    >>> bool(np.abs(w).max() <= np.sqrt(6 / 64))
    True
    """
    return _scaled_(tensor, "uniform", lambda *f: math.sqrt(3.0) * _kaiming_std(
                    a, nonlinearity, f[2]), mode=mode, modes=TORCH_MODES, torch_warning=True,
                    generator=generator, rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)


@public(aliases=("he_normal",), bench="bench_schemes")
@_doc
def kaiming_normal_(tensor: ArrayT, a: float = 0, mode: Mode = "fan_in",
                    nonlinearity: Nonlinearity = "leaky_relu", generator: GeneratorArg = None, *,
                    rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                    in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                    full_shape: Sequence[int] | None = None,
                    global_shape: Sequence[int] | None = None,
                    index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with Kaiming (He) normal values.

    Values are drawn from :math:`\mathcal{N}(0, \text{std}^2)`. Suited to
    ReLU and leaky ReLU layers.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    a : float
        Negative slope of the rectifier after this layer (leaky_relu only).
    mode : {'fan_in', 'fan_out'}
        'fan_in' preserves the forward pass, 'fan_out' the backward pass.
    nonlinearity : str
        See :func:`calculate_gain`.
    COMMON

    Notes
    -----
    .. math::
        \text{std} = \frac{\text{gain}}{\sqrt{\text{fan\_mode}}}

    A zero-element tensor is left alone with torch's warning.

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers: Surpassing
    Human-Level Performance on ImageNet Classification", ICCV 2015.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.kaiming_normal_(np.empty((1024, 512), np.float32), mode="fan_out",
    ...                              nonlinearity="relu", rng=0)
    >>> bool(abs(w.std() - np.sqrt(2 / 1024)) < 1e-3)
    True
    """
    return _scaled_(tensor, "normal", lambda *f: _kaiming_std(a, nonlinearity, f[2]),
                    mode=mode, modes=TORCH_MODES, torch_warning=True, generator=generator,
                    rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)


@public(bench="bench_schemes")
@_doc
def lecun_uniform_(tensor: ArrayT, gain: float = 1.0, generator: GeneratorArg = None, *,
                   rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                   in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                   full_shape: Sequence[int] | None = None,
                   global_shape: Sequence[int] | None = None,
                   index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with LeCun uniform values.

    Values are drawn from :math:`\mathcal{U}(-a, a)` with variance
    :math:`\text{gain}^2 / \text{fan\_in}` (as JAX's and Keras's
    ``lecun_uniform``).

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    gain : float
        Scaling factor.
    COMMON

    Notes
    -----
    .. math::
        a = \text{gain} \times \sqrt{\frac{3}{\text{fan\_in}}}

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Mueller, "Efficient BackProp",
    Neural Networks: Tricks of the Trade, 1998.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.lecun_uniform_(np.empty((10, 300), np.float32), rng=0)
    >>> bool(np.abs(w).max() < 0.1)
    True
    """
    return _scaled_(tensor, "uniform", lambda fan_in, *_: check_float(gain, "gain")
                    * math.sqrt(3.0 / fan_in), generator=generator, rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)


@public(bench="bench_schemes")
@_doc
def lecun_normal_(tensor: ArrayT, gain: float = 1.0, generator: GeneratorArg = None, *,
                  rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                  in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                  full_shape: Sequence[int] | None = None,
                  global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with LeCun normal values, the init for SELU networks.

    Values are drawn from :math:`\mathcal{N}(0, \text{gain}^2 / \text{fan\_in})`,
    untruncated, as self-normalizing networks prescribe (torch's advice for
    SELU: ``kaiming_normal_(w, nonlinearity='linear')``, the same values).
    JAX's and Keras's ``lecun_normal`` is the truncated variant:
    ``variance_scaling_(w, 1.0, 'fan_in', 'truncated_normal')``.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    gain : float
        Scaling factor.
    COMMON

    Notes
    -----
    .. math::
        \text{std} = \frac{\text{gain}}{\sqrt{\text{fan\_in}}}

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Mueller, "Efficient BackProp",
    Neural Networks: Tricks of the Trade, 1998.
    G. Klambauer, T. Unterthiner, A. Mayr, S. Hochreiter, "Self-Normalizing
    Neural Networks", NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.lecun_normal_(np.empty((256, 400), np.float32), rng=0)
    >>> bool(abs(w.std() - 0.05) < 1e-3)
    True
    """
    return _scaled_(tensor, "normal", lambda fan_in, *_: check_float(gain, "gain")
                    / math.sqrt(fan_in), generator=generator, rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)


@public(bench="bench_schemes")
@_doc
def variance_scaling_(tensor: ArrayT, scale: float = 1.0, mode: ScalingMode = "fan_in",
                      distribution: Distribution = "truncated_normal",
                      generator: GeneratorArg = None, *, rng: Seed = None,
                      num_threads: int | None = None, offset: int = 0, in_axis: AxisLike = 1,
                      out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                      full_shape: Sequence[int] | None = None,
                      global_shape: Sequence[int] | None = None,
                      index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with values of variance ``scale / n``, JAX's and Keras's way.

    The general form of the Glorot, He and LeCun schemes:
    ``variance_scaling_(w, 2.0, 'fan_in', 'truncated_normal')`` is JAX's
    ``he_normal``, ``(1.0, 'fan_avg', 'uniform')`` is ``glorot_uniform``.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Weight, at least 2 dimensions, filled in place.
    scale : float
        Variance multiplier, ``> 0``.
    mode : {'fan_in', 'fan_out', 'fan_avg', 'fan_geo_avg'}
        n is fan_in, fan_out, their mean or their geometric mean.
    distribution : {'truncated_normal', 'normal', 'uniform'}
        ``'untruncated_normal'`` is accepted for ``'normal'`` (Keras).
    COMMON

    Notes
    -----
    .. math::
        v = \frac{\text{scale}}{n}

    and then:

    - truncated_normal: :math:`\mathcal{N}(0, \sigma^2)` truncated to
      :math:`[-2\sigma, 2\sigma]`, :math:`\sigma = \sqrt{v} / 0.87962566103423978`
      (the std of a standard normal truncated to [-2, 2]), so the variance is
      exactly :math:`v`;
    - normal: :math:`\mathcal{N}(0, v)`;
    - uniform: :math:`\mathcal{U}(-\sqrt{3 v}, \sqrt{3 v})`.

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers", ICCV 2015;
    X. Glorot, Y. Bengio, AISTATS 2010; Y. LeCun et al., "Efficient BackProp", 1998.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.variance_scaling_(np.empty((512, 512), np.float32), 2.0, "fan_in",
    ...                                "truncated_normal", rng=0)
    >>> bool(abs(w.std() - np.sqrt(2 / 512)) < 1e-3)
    True
    """
    law = _law(distribution)
    scale = check_float(scale, "scale")
    if not scale > 0:
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    spread = {"truncated_normal": lambda v: math.sqrt(v) / TRUNC_STD,
              "uniform": lambda v: math.sqrt(3.0 * v), "normal": math.sqrt}[law]
    return _scaled_(tensor, law, lambda *f: spread(scale / max(1.0, f[2])), mode=mode,
                    generator=generator, rng=rng, num_threads=num_threads, offset=offset,
                    in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                    full_shape=full_shape, global_shape=global_shape, index=index)
