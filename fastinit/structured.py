"""Structured initializers from torch.nn.init: eye_, dirac_ and sparse_.

Same semantics and error messages as torch; ``sparse_`` also honours the
seed (torch's picks its zeros from the global generator).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from ._public import public
from . import _dtypes
from ._random import resolve_key, spawn_sources
from ._tensor import as_array, check_block, check_float, has_data, immediate, is_torch
from ._typing import ArrayT, Seed, GeneratorArg, Index
from .fills import normal_, uniform_, zeros_

# Columns of sparse_'s zero-position keys held at once: at most this many
# float64 keys (32 MiB); the chosen zeros do not depend on it.
_KEY_ITEMS = 1 << 22


def _block_of(arr, global_shape, index):
    """(global shape, starts) of the block ``arr`` is (the whole array by default)."""
    block = check_block(global_shape, index, arr.shape)
    return block if block is not None else (arr.shape, (0,) * arr.ndim)


def _one(arr):
    """The stored item of 1.0 in ``arr``'s dtype."""
    return _dtypes.for_numpy(arr.dtype).encode(1.0)


def _torch_default_generator():
    import torch
    return torch.default_generator


@public(lookup=("identity",), probe=(4, 3), bench="bench_schemes")
def eye_(tensor: ArrayT, *, num_threads: int | None = None,
         global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill the 2-dimensional input tensor with the identity matrix.

    Preserves the identity of the inputs in linear layers, where as many
    inputs as possible are preserved (:math:`W_{ij} = \delta_{ij}`, also for
    non-square shapes).

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        2-dimensional, filled in place.
    num_threads : int, optional
        Threads for the zero fill.
    global_shape, index : optional
        ``tensor`` is the block ``whole[index]`` of an identity of
        ``global_shape`` (see :func:`fastinit.uniform_`).

    Notes
    -----
    .. math::
        W_{ij} = \delta_{ij} = \begin{cases} 1 & i = j \\ 0 & i \ne j \end{cases}

    References
    ----------
    Q. V. Le, N. Jaitly, G. E. Hinton, "A Simple Way to Initialize Recurrent
    Networks of Rectified Linear Units", arXiv:1504.00941, 2015.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> fastinit.eye_(np.empty((2, 3), np.float32))
    array([[1., 0., 0.],
           [0., 1., 0.]], dtype=float32)
    """
    arr = as_array(tensor)
    if arr.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    _, (r0, c0) = _block_of(arr, global_shape, index)
    if has_data(arr):
        with immediate():
            zeros_(tensor, num_threads=num_threads)  # the tensor: a torch version bump
        d = np.arange(max(r0, c0), min(r0 + arr.shape[0], c0 + arr.shape[1]))
        arr[d - r0, d - c0] = _one(arr)
    return tensor


@public(bench="bench_schemes")
def dirac_(tensor: ArrayT, groups: int = 1, *, num_threads: int | None = None,
           global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill the {3, 4, 5}-dimensional input tensor with the Dirac delta function.

    Preserves the identity of the inputs in convolutional layers, where as
    many input channels as possible are preserved. With ``groups > 1``, each
    group of output channels preserves the identity.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Convolution weight ``(out, in, *kernel)``, 3 to 5 dimensions.
    groups : int
        Number of groups in the convolution layer; must divide ``out``.
    num_threads : int, optional
        Threads for the zero fill.
    global_shape, index : optional
        ``tensor`` is the block ``whole[index]`` of the Dirac weight of
        ``global_shape`` (see :func:`fastinit.uniform_`).

    Notes
    -----
    .. math::
        W[g\,c + d,\ d,\ \lfloor k_1/2 \rfloor, \ldots] = 1, \quad
        d < \min(c, \text{in}),\ c = \text{out} / \text{groups};
        \text{ every other entry } 0.

    References
    ----------
    S. Zagoruyko, N. Komodakis, "DiracNets: Training Very Deep Neural
    Networks Without Skip-Connections", arXiv:1706.00388, 2017.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.dirac_(np.empty((2, 2, 3), np.float32))
    >>> w[:, :, 1]
    array([[1., 0.],
           [0., 1.]], dtype=float32)
    """
    arr = as_array(tensor)
    if arr.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    gshape, starts = _block_of(arr, global_shape, index)
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral):
        raise TypeError(f"groups must be a positive int, got {type(groups).__name__}: "
                        f"{groups!r}")      # (torch: TypeError for a float or None)
    if groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if gshape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = gshape[0] // groups
    d = np.arange(min(per_group, gshape[1]))
    if not has_data(arr):
        return tensor
    with immediate():
        zeros_(tensor, num_threads=num_threads)
    ones = np.array([(g * per_group + d, d) for g in range(groups)])  # (groups, 2, min_dim)
    rows, cols = ones[:, 0].ravel() - starts[0], ones[:, 1].ravel() - starts[1]
    centre = [s // 2 - s0 for s, s0 in zip(gshape[2:], starts[2:])]
    if all(0 <= c < n for c, n in zip(centre, arr.shape[2:])):
        inside = (rows >= 0) & (rows < arr.shape[0]) & (cols >= 0) & (cols < arr.shape[1])
        arr[(rows[inside], cols[inside]) + tuple(centre)] = _one(arr)
    return tensor


@public(probe=(4, 3), bench="bench_schemes")
def sparse_(tensor: ArrayT, sparsity: float, std: float = 0.01, generator: GeneratorArg = None, *,
            rng: Seed = None, num_threads: int | None = None,
            global_shape: Sequence[int] | None = None, index: Index | None = None) -> ArrayT:
    r"""Fill the 2D input tensor as a sparse matrix, non-zeros from :math:`\mathcal{N}(0, \text{std}^2)`.

    In each column, ``ceil(sparsity * rows)`` entries chosen uniformly at
    random (without replacement) are zero; the others are normal. Unlike
    torch's, the zero positions come from the same seed as the values, so
    the result is reproducible (and independent of the thread count).

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        2-dimensional, filled in place.
    sparsity : float
        Fraction of each column set to zero, in [0, 1].
    std : float
        Standard deviation of the non-zero values.
    generator, rng, num_threads
        As in :func:`fastinit.normal_`; an int seed (or a Key) is spawned
        (split) into one stream for the values and one for the zero positions.
    global_shape, index : optional
        ``tensor`` is the block ``whole[index]`` of a sparse weight of
        ``global_shape`` and receives exactly those values and zeros (see
        :func:`fastinit.uniform_`).

    Notes
    -----
    .. math::
        W_{ij} = 0 \text{ for } i \in S_j,\ |S_j| = \lceil \text{sparsity} \cdot
        \text{rows} \rceil; \quad W_{ij} \sim \mathcal{N}(0, \text{std}^2) \text{ otherwise}

    Zero positions: in each column, the rows holding the ``k`` smallest of
    an independent uniform key per entry (a uniformly random k-subset).
    A column's zeros are a property of the whole column, so a block of
    rows draws the keys of its columns' every row: a block costs
    ``rows x block columns`` key draws (a column block: its own size; a
    row block: its columns' whole height), with at most 2**22 keys held at
    once, and equals the whole's block bit for bit.

    References
    ----------
    J. Martens, "Deep learning via Hessian-free optimization", ICML 2010.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.sparse_(np.empty((10, 4), np.float32), sparsity=0.3, rng=0)
    >>> (w == 0).sum(axis=0)
    array([3, 3, 3, 3])
    """
    arr = as_array(tensor)
    if arr.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    (rows, cols), (r0, c0) = _block_of(arr, global_shape, index)
    sparsity = check_float(sparsity, "sparsity")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    num_zeros = math.ceil(sparsity * rows)
    (vr, vg), (kr, kg) = spawn_sources(rng, generator, 2)
    if vr is None and vg is None and is_torch(tensor) and has_data(arr):
        vg = kg = _torch_default_generator()      # torch's default generator, as torch
    normal_(tensor, 0, std, vg, rng=vr, num_threads=num_threads, global_shape=(rows, cols),
            index=(slice(r0, r0 + arr.shape[0]), slice(c0, c0 + arr.shape[1])))
    if num_zeros == 0 or not has_data(arr):
        return tensor
    # The keys of the block's columns, whole height, a panel of columns at a
    # time; one key stream (drawn once) for every panel.
    key = resolve_key(kr, kg)
    if num_zeros >= rows:
        arr[...] = 0
        return tensor
    width = max(1, _KEY_ITEMS // rows)
    for j in range(0, arr.shape[1], width):
        w = min(width, arr.shape[1] - j)
        keys = uniform_(np.empty((rows, w), np.float64), rng=key, num_threads=num_threads,
                        global_shape=(rows, cols), index=(slice(0, rows),
                                                          slice(c0 + j, c0 + j + w)))
        zero_rows = np.argpartition(keys, num_zeros - 1, axis=0)[:num_zeros] - r0
        mine = (zero_rows >= 0) & (zero_rows < arr.shape[0])
        arr[zero_rows[mine], (j + np.nonzero(mine)[1])] = 0
    return tensor
