"""Structured initializers from torch.nn.init: eye_, dirac_ and sparse_.

Same semantics and error messages as torch; ``sparse_`` also honours the
seed (torch's picks its zeros from the global generator).
"""
import math
import numbers

import numpy as np

from ._public import public
from . import _dtypes
from ._random import spawn_sources
from ._tensor import as_array, check_float, has_data, immediate, is_torch
from .fills import normal_, uniform_, zeros_


def _one(arr):
    """The stored item of 1.0 in ``arr``'s dtype."""
    return _dtypes.for_numpy(arr.dtype).encode(1.0)


def _torch_default_generator():
    import torch
    return torch.default_generator


@public(lookup=("identity",), probe=(4, 3), bench="bench_schemes")
def eye_(tensor, *, num_threads=None):
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
    if has_data(arr):
        with immediate():
            zeros_(arr, num_threads=num_threads)
        np.fill_diagonal(arr, _one(arr))
    return tensor


@public(bench="bench_schemes")
def dirac_(tensor, groups=1, *, num_threads=None):
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
    if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    if arr.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = arr.shape[0] // groups
    min_dim = min(per_group, arr.shape[1])
    if not has_data(arr):
        return tensor
    with immediate():
        zeros_(arr, num_threads=num_threads)
    d = np.arange(min_dim)
    centre = tuple(s // 2 for s in arr.shape[2:])
    for g in range(groups):
        arr[(g * per_group + d, d) + centre] = _one(arr)
    return tensor


@public(probe=(4, 3), bench="bench_schemes")
def sparse_(tensor, sparsity, std=0.01, generator=None, *, rng=None, num_threads=None):
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

    Notes
    -----
    .. math::
        W_{ij} = 0 \text{ for } i \in S_j,\ |S_j| = \lceil \text{sparsity} \cdot
        \text{rows} \rceil; \quad W_{ij} \sim \mathcal{N}(0, \text{std}^2) \text{ otherwise}

    Zero positions: in each column, the rows holding the ``k`` smallest of
    an independent uniform key per entry (a uniformly random k-subset).

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
    sparsity = check_float(sparsity, "sparsity")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    rows, cols = arr.shape
    num_zeros = math.ceil(sparsity * rows)
    (vr, vg), (kr, kg) = spawn_sources(rng, generator, 2)
    if not has_data(arr):
        normal_(arr, 0, std, vg, rng=vr, num_threads=num_threads)   # the checks
        return tensor
    if vr is None and vg is None and is_torch(tensor):     # torch's default generator
        vg = kg = _torch_default_generator()
    with immediate():
        normal_(arr, 0, std, vg, rng=vr, num_threads=num_threads)
    if num_zeros == 0:
        return tensor
    keys = uniform_(np.empty((rows, cols), np.float64), generator=kg, rng=kr,
                    num_threads=num_threads)
    if num_zeros >= rows:
        zero_rows = np.broadcast_to(np.arange(rows)[:, None], (rows, cols))
    else:
        zero_rows = np.argpartition(keys, num_zeros - 1, axis=0)[:num_zeros]
    arr[zero_rows, np.arange(cols)[None, :]] = 0
    return tensor
