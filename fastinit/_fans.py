"""Fan and gain maths: ``calculate_fan_in_and_fan_out`` and ``calculate_gain``.

Both follow torch.nn.init exactly (values and error messages); fastinit adds
other weight layouts (``in_axis=``, ``out_axis=``, ``batch_axis=``) and
computed gains for gelu, silu and elu.
"""
from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence

from ._errors import ValueOverflowError
from ._public import public
from ._tensor import shape_of, short_repr
from ._typing import Array, AxisLike, Nonlinearity


_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d")
_TYPED = _LINEAR + ("sigmoid", "tanh", "relu", "leaky_relu", "selu")
_COMPUTED = ("gelu", "silu", "swish", "elu")
NONLINEARITIES = _TYPED + _COMPUTED


def _axis(ax, ndim, name):
    if type(ax) is int and -ndim <= ax < ndim:    # the common case
        return ax % ndim
    if isinstance(ax, bool) or not isinstance(ax, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(ax).__name__}: {ax!r}")
    if not -ndim <= ax < ndim:
        raise ValueError(f"{name}={ax} is out of range for a tensor with {ndim} dimensions")
    return int(ax) % ndim


@public(probe=None)
def calculate_fan_in_and_fan_out(tensor: Array | Sequence[int], *, in_axis: AxisLike = 1,
                                 out_axis: AxisLike = 0, batch_axis: AxisLike = ()) -> tuple[int, int]:
    r"""Return ``(fan_in, fan_out)`` of a weight tensor or shape.

    The default is torch's layout ``(out, in, *kernel)``: ``fan_in = in *
    prod(kernel)`` and ``fan_out = out * prod(kernel)``.

    Parameters
    ----------
    tensor : array, torch.Tensor or tuple of int
        The weight, or its shape; at least 2 dimensions.
    in_axis, out_axis : int or tuple of int
        Axes of the input and output features (negative counts from the
        end). JAX/Flax ``HWIO`` kernels and Keras ``(..., in, out)`` weights
        use ``in_axis=-2, out_axis=-1``. Several axes (JAX's convention)
        count as one of their product's size.
    batch_axis : int or tuple of int
        Axes excluded from the receptive field (stacked weights).

    Notes
    -----
    .. math::
        r = \frac{\prod_k s_k}{s_\text{in}\, s_\text{out} \prod_{b} s_b},\qquad
        \text{fan\_in} = s_\text{in}\, r,\qquad \text{fan\_out} = s_\text{out}\, r

    References
    ----------
    X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010.

    Examples
    --------
    >>> import fastinit
    >>> fastinit.calculate_fan_in_and_fan_out((64, 3, 7, 7))
    (147, 3136)
    >>> fastinit.calculate_fan_in_and_fan_out((3, 3, 16, 32), in_axis=-2, out_axis=-1)
    (144, 288)
    >>> fastinit.calculate_fan_in_and_fan_out((4, 6, 8, 10), in_axis=(0, 1), out_axis=-1)
    (192, 80)
    """
    shape = shape_of(tensor, "tensor")
    if type(in_axis) is int and type(out_axis) is int and type(batch_axis) is tuple \
            and all(type(b) is int for b in batch_axis):
        return _fans_cached(shape, in_axis, out_axis, batch_axis)
    return _fans(shape, in_axis, out_axis, batch_axis)


def _axes(ax, ndim, name):
    """An axis argument as a tuple of axes: one int, or several (JAX's sequences)."""
    if isinstance(ax, (tuple, list)):
        axes = tuple(_axis(a, ndim, name) for a in ax)
        if not axes or len(set(axes)) != len(axes):
            raise ValueError(f"{name}={tuple(ax)} must name one or more distinct axes")
        return axes
    return (_axis(ax, ndim, name),)


def _fans(shape, in_axis, out_axis, batch_axis):
    """calculate_fan_in_and_fan_out of a shape tuple."""
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         "2 dimensions")
    nd = len(shape)
    i = _axes(in_axis, nd, "in_axis")
    o = _axes(out_axis, nd, "out_axis")
    if set(i) & set(o):
        raise ValueError(f"in_axis and out_axis must differ, got in_axis={in_axis}, "
                         f"out_axis={out_axis}")
    if type(batch_axis) is not tuple:
        if isinstance(batch_axis, numbers.Integral) and not isinstance(batch_axis, bool):
            batch_axis = (batch_axis,)
        if not isinstance(batch_axis, (tuple, list)):
            raise TypeError(f"batch_axis must be an int or a tuple of ints, got {batch_axis!r}")
    batch = {_axis(b, nd, "batch_axis") for b in batch_axis} if batch_axis else ()
    if batch and batch & {*i, *o}:
        raise ValueError(f"batch_axis={tuple(batch_axis)} overlaps in_axis or out_axis")
    receptive = 1
    for k, s in enumerate(shape):
        if k not in batch and k not in i and k not in o:
            receptive *= s
    return (math.prod(shape[k] for k in i) * receptive,
            math.prod(shape[k] for k in o) * receptive)


# the fans of plain int arguments, remembered: a model has few weight shapes
_fans_cached = functools.lru_cache(maxsize=1024)(_fans)


def _slope(param, default):
    if param is None:
        return default
    if not isinstance(param, bool) and isinstance(param, int) or isinstance(param, float):
        return param
    raise ValueError(f"negative_slope {param} not a valid number")


def variance_preserving_gain(phi):
    """1 / sqrt(E[phi(z)^2]) for z ~ N(0, 1), by adaptive quadrature (scipy.integrate.quad)."""
    from scipy import integrate

    def integrand(z):
        return phi(z) ** 2 * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)

    second = sum(integrate.quad(integrand, lo, hi, epsabs=0, epsrel=1e-13, limit=200)[0]
                 for lo, hi in ((-math.inf, 0.0), (0.0, math.inf)))
    return 1.0 / math.sqrt(second)


@functools.lru_cache(maxsize=64)
def _computed_gain(nonlinearity, param):
    from scipy import special
    phis = {
        "relu": lambda z: max(z, 0.0),
        "gelu": lambda z: z * special.ndtr(z),
        "silu": lambda z: z * special.expit(z),
        "swish": lambda z: z * special.expit(z),
        "elu": lambda z: z if z > 0 else param * math.expm1(z),
    }
    return variance_preserving_gain(phis[nonlinearity])


@public(probe=None)
def calculate_gain(nonlinearity: Nonlinearity, param: float | None = None) -> float:
    r"""Return the recommended gain for a nonlinearity.

    ================================ ===========================================
    nonlinearity                     gain
    ================================ ===========================================
    linear, conv{1,2,3}d,            :math:`1`
    conv_transpose{1,2,3}d, sigmoid
    tanh                             :math:`\frac{5}{3}`
    relu                             :math:`\sqrt{2}`
    leaky_relu                       :math:`\sqrt{\frac{2}{1 + \text{slope}^2}}`
                                     (``param`` = slope, default 0.01)
    selu                             :math:`\frac{3}{4}`
    gelu, silu (swish), elu          :math:`1 / \sqrt{E[\phi(z)^2]}`, computed
                                     (elu: ``param`` = alpha, default 1)
    ================================ ===========================================

    Parameters
    ----------
    nonlinearity : str
        Name of the nonlinear function.
    param : float, optional
        Negative slope for leaky_relu, alpha for elu.

    Notes
    -----
    The first five rows are torch's table, value for value. The computed
    gains (not in torch) are the variance-preserving gains

    .. math::
        g = \frac{1}{\sqrt{E[\phi(z)^2]}}, \qquad z \sim \mathcal{N}(0, 1),

    evaluated by numerical quadrature at the first call and cached. The same
    formula gives exactly :math:`\sqrt{2}` for relu (:math:`E[\max(z,0)^2] =
    1/2`) and torch's leaky_relu value; torch's tanh and selu values are
    empirical choices and differ from it.

    References
    ----------
    K. He, X. Zhang, S. Ren, J. Sun, "Delving Deep into Rectifiers: Surpassing
    Human-Level Performance on ImageNet Classification", ICCV 2015.

    Examples
    --------
    >>> import fastinit
    >>> fastinit.calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    >>> round(fastinit.calculate_gain("gelu"), 4)
    1.5335
    """
    return gain_for(nonlinearity, param, "param")


def gain_for(nonlinearity, param, name):
    """:func:`calculate_gain`, with ``param`` reported under the caller's ``name``
    (kaiming's ``a``) when the gain overflows the float range."""
    try:
        if type(param) in _PLAIN_PARAMS and type(nonlinearity) is str:
            return _gain_cached(nonlinearity, param)
        return _gain(nonlinearity, param)
    except OverflowError:      # (torch lets math's OverflowError through)
        raise ValueOverflowError(f"{name}={short_repr(param)} is too large: the "
                                 f"{nonlinearity} gain overflows the float range") from None


def _gain(nonlinearity, param):
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + _slope(param, 0.01) ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    if nonlinearity in ("gelu", "silu", "swish"):
        return _computed_gain(nonlinearity, None)
    if nonlinearity == "elu":
        alpha = float(_slope(param, 1.0))
        if not math.isfinite(alpha):
            raise ValueError(f"elu alpha must be finite, got {alpha}")
        return _computed_gain("elu", alpha)
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}; use one of "
                     f"{', '.join(NONLINEARITIES)}")


# the gains of plain arguments, remembered (typed: 1, 1.0 and True are apart)
_gain_cached = functools.lru_cache(maxsize=256, typed=True)(_gain)
_PLAIN_PARAMS = (type(None), int, float)


def fan_for(tensor, mode, modes, *, in_axis=1, out_axis=0, batch_axis=(), full_shape=None,
            both=False):
    """The fan a scheme divides by: mode is checked against ``modes`` first.

    With ``both``, (fan_in, fan_out, fan) instead of fan alone.
    """
    if (full_shape is None and type(mode) is str and type(in_axis) is int
            and type(out_axis) is int and batch_axis == () and type(batch_axis) is tuple
            and hasattr(tensor, "shape")):
        # the common call, remembered (errors are raised, never remembered)
        return _fan_of_shape(tuple(tensor.shape), mode, modes, in_axis, out_axis, (), both)
    return _fan_for(tensor if full_shape is None else full_shape, mode, modes, in_axis,
                    out_axis, batch_axis, both)


def _fan_for(tensor, mode, modes, in_axis, out_axis, batch_axis, both):
    """:func:`fan_for` of ``tensor`` (an array or a shape)."""
    if not isinstance(mode, str) or mode.lower() not in modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {list(modes)}")
    mode = mode.lower()
    fan_in, fan_out = calculate_fan_in_and_fan_out(
        tensor, in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis)
    if mode == "fan_in":
        fan = fan_in
    elif mode == "fan_out":
        fan = fan_out
    elif mode == "fan_avg":
        fan = (fan_in + fan_out) / 2
    else:
        fan = math.sqrt(fan_in * fan_out)  # fan_geo_avg
    return (fan_in, fan_out, fan) if both else fan


# fan_for of a shape tuple and plain arguments, remembered: a model has few
# weight shapes, and these are pure functions of them
_fan_of_shape = functools.lru_cache(maxsize=1024)(_fan_for)
