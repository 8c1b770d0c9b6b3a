"""Bias initialization, and torch's whole default layer init made reproducible.

- :func:`bias_zeros_`: zero, the usual choice;
- :func:`bias_constant_`: a small positive constant (0.01 by default) that
  keeps ReLU units active at the start;
- :func:`bias_uniform_`: torch's default layer bias,
  :math:`\\mathcal{U}(-1/\\sqrt{\\text{fan\\_in}}, 1/\\sqrt{\\text{fan\\_in}})`
  with fan_in taken from the weight;
- :func:`torch_default_init_`: torch's ``nn.Linear`` / ``nn.ConvNd``
  ``reset_parameters`` for a (weight, bias) pair, seeded and parallel.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from ._fans import calculate_fan_in_and_fan_out
from ._public import public
from ._random import spawn_sources
from ._tensor import check_targets
from ._typing import ArrayT, Array, BiasT, Seed, GeneratorArg, Index, AxisLike
from .fills import constant_, uniform_, zeros_
from .schemes import kaiming_uniform_



@public(bench="bench_bias")
def bias_zeros_(bias: ArrayT, *, num_threads: int | None = None) -> ArrayT:
    r"""Fill a bias with zeros, the usual choice.

    Zero is right for biases (the weights already break the symmetry
    between units) and wrong for weights.

    Notes
    -----
    .. math::
        b_i = 0

    References
    ----------
    X. Glorot, Y. Bengio, "Understanding the difficulty of training deep
    feedforward neural networks", AISTATS 2010 (biases initialized to 0).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> fastinit.bias_zeros_(np.ones(3, np.float32))
    array([0., 0., 0.], dtype=float32)
    """
    return zeros_(bias, num_threads=num_threads)


@public(bench="bench_bias")
def bias_constant_(bias: ArrayT, val: float = 0.01, *, num_threads: int | None = None) -> ArrayT:
    r"""Fill a bias with a small positive constant, so that ReLU units start active.

    Parameters
    ----------
    bias : numpy.ndarray or torch.Tensor
        Filled in place.
    val : float
        The constant (default 0.01).

    Notes
    -----
    .. math::
        b_i = \text{val}

    The benefit is often marginal and needs tuning.

    References
    ----------
    A. Krizhevsky, I. Sutskever, G. E. Hinton, "ImageNet Classification with
    Deep Convolutional Neural Networks", NeurIPS 2012 (biases of 1 before
    ReLUs); CS231n notes (0.01).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> fastinit.bias_constant_(np.empty(2, np.float32))
    array([0.01, 0.01], dtype=float32)
    """
    return constant_(bias, val, num_threads=num_threads)


@public(bench="bench_bias")
def bias_uniform_(bias: ArrayT, weight: Array | Sequence[int], generator: GeneratorArg = None, *,
                  rng: Seed = None, num_threads: int | None = None, offset: int = 0,
                  in_axis: AxisLike = 1, out_axis: AxisLike = 0, batch_axis: AxisLike = (),
                  global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill a bias with torch's default layer bias, :math:`\mathcal{U}(-b, b)`, b = 1/sqrt(fan_in).

    Parameters
    ----------
    bias : numpy.ndarray or torch.Tensor
        Filled in place.
    weight : array, torch.Tensor or tuple of int
        The layer's weight (or its shape), for fan_in.
    generator, rng, num_threads, offset, in_axis, out_axis, batch_axis
        As in :func:`fastinit.kaiming_uniform_`.
    global_shape, index : optional
        ``bias`` is the block ``whole[index]`` of a bias of ``global_shape``
        (see :func:`fastinit.uniform_`); pass the whole weight (or its
        shape) as ``weight``.

    Notes
    -----
    .. math::
        b = \frac{1}{\sqrt{\text{fan\_in}}} \quad (0 \text{ if fan\_in} = 0)

    as in torch's ``nn.Linear.reset_parameters``.

    References
    ----------
    Y. LeCun, L. Bottou, G. B. Orr, K.-R. Mueller, "Efficient BackProp",
    1998 (the 1/sqrt(fan_in) scale).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> b = fastinit.bias_uniform_(np.empty(64, np.float32), (64, 100), rng=0)
    >>> bool(np.abs(b).max() < 0.1)
    True
    """
    fan_in, _ = calculate_fan_in_and_fan_out(weight, in_axis=in_axis, out_axis=out_axis,
                                             batch_axis=batch_axis)
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
    return uniform_(bias, -bound, bound, generator, rng=rng, num_threads=num_threads,
                    offset=offset, global_shape=global_shape, index=index)


@public(probe=None, bench="bench_bias", twin=False)
def torch_default_init_(weight: ArrayT, bias: BiasT | None = None, generator: GeneratorArg = None,
                        *, rng: Seed = None,
                        num_threads: int | None = None) -> tuple[ArrayT, BiasT | None]:
    r"""Initialize a layer's (weight, bias) as torch's ``nn.Linear`` / ``nn.ConvNd`` do.

    ``kaiming_uniform_(weight, a=math.sqrt(5))``, then
    :func:`bias_uniform_` on ``bias`` (when given) with fan_in from the
    weight: the same distributions as torch's ``reset_parameters``, but
    reproducible from a seed and filled in parallel. Weight and bias get
    independent streams (an int seed is spawned into two, a
    :class:`fastinit.Key` split into two).

    Notes
    -----
    .. math::
        W \sim \mathcal{U}\left(-\frac{1}{\sqrt{\text{fan\_in}}},
        \frac{1}{\sqrt{\text{fan\_in}}}\right), \qquad
        b \sim \mathcal{U}\left(-\frac{1}{\sqrt{\text{fan\_in}}},
        \frac{1}{\sqrt{\text{fan\_in}}}\right)

    (the kaiming bound with :math:`a = \sqrt{5}` is
    :math:`\sqrt{3}\sqrt{2/6}/\sqrt{\text{fan\_in}} = 1/\sqrt{\text{fan\_in}}`).

    References
    ----------
    K. He et al., "Delving Deep into Rectifiers", ICCV 2015 (the kaiming
    form); torch.nn.Linear.reset_parameters.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w, b = np.empty((32, 16), np.float32), np.empty(32, np.float32)
    >>> w, b = fastinit.torch_default_init_(w, b, rng=0)
    >>> bool(np.abs(w).max() <= 0.25 and np.abs(b).max() <= 0.25)
    True
    """
    check_targets(weight=weight, bias=bias)  # both, before either is written
    calculate_fan_in_and_fan_out(weight)
    (wr, wg), (br, bg) = spawn_sources(rng, generator, 2)
    kaiming_uniform_(weight, a=math.sqrt(5), generator=wg, rng=wr, num_threads=num_threads)
    if bias is None:
        return weight, None
    return weight, bias_uniform_(bias, weight, bg, rng=br, num_threads=num_threads)
