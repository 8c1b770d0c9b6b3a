"""(Semi-)orthogonal initializers: Haar-distributed, by Stewart's construction.

``orthogonal_`` follows ``torch.nn.init.orthogonal_``: the tensor is viewed
as a rows x cols matrix (rows = shape[0], cols = prod(shape[1:])) and filled
with orthonormal rows (rows <= cols) or orthonormal columns (rows > cols),
drawn from the Haar measure. The compiled work is in ``fastinit._orthogonal``.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import _dtypes, _hugepages, _orthogonal
from ._config import _resolve_threads
from ._public import public
from ._random import resolve_key
from ._tensor import (as_array, check_block, check_float, has_data, immediate, is_torch,
                      mark_written)
from ._typing import ArrayT, Seed, GeneratorArg, Index
from .fills import zeros_



def _haar_into(arr, rows, cols, gain, key, nthreads):
    """Fill ``arr`` (rows*cols items, any layout) with gain * a Haar (semi-)orthogonal matrix.

    The sampler builds Q (m x k, m = max, k = min, orthonormal columns) and
    stores it as a C-order (rows, cols) array: Q^T when rows <= cols, Q
    itself (``trans``) when rows > cols. C-contiguous float32/float64 targets
    are filled directly; others go through a contiguous buffer.
    """
    m, k = max(rows, cols), min(rows, cols)
    desc = _dtypes.for_numpy(arr.dtype)
    direct = desc.native and arr.dtype == desc.work and arr.flags.c_contiguous
    buf = arr.reshape(-1) if direct else np.empty(m * k, dtype=desc.work)
    if not direct:
        _hugepages.advise_array(buf)
    _orthogonal.stewart(buf, m, k, gain, key.words, nthreads, trans=rows > cols)
    if not direct:  # strided, Fortran-order or 16-bit target: one copy (rounds 16-bit)
        np.copyto(arr, desc.encode(buf.reshape(arr.shape)))


def _haar_rows_into(dest, qrows, qcols, m, k, gain, key, nthreads, desc, budget):
    """dest[i, j] = Q[qrows[i], qcols[j]] by the row path of exact=False.

    qrows and qcols are sorted index arrays. _orthogonal.row_groups
    computes whole groups of ROWS of Q's rows (all k columns); the runs of
    groups that hold a needed row go in batches of at most ``budget`` items
    of working rows (m wide each), so memory stays O(block + m * panel).
    """
    g = _orthogonal.ROWS
    cols = slice(qcols[0], qcols[-1] + 1) if qcols[-1] - qcols[0] + 1 == qcols.size else qcols
    groups = np.unique(qrows // g)
    per = max(1, budget // (m * g))        # groups per batch
    for run in np.split(groups, np.nonzero(np.diff(groups) > 1)[0] + 1):
        for b0 in range(0, run.size, per):
            ra, rb = int(run[b0]) * g, min(int(run[min(b0 + per, run.size) - 1] + 1) * g, m)
            for q0, rows in _orthogonal.row_groups(m, k, ra, rb, gain, key.words, nthreads,
                                                   desc.work):
                lo, hi = np.searchsorted(qrows, (q0, q0 + rows.shape[0]))
                dest[lo:hi] = desc.encode(rows[qrows[lo:hi] - q0][:, cols])


def _check_gain(gain):
    return check_float(gain, "gain")


def _check_exact(exact):
    if not isinstance(exact, (bool, np.bool_)):
        raise TypeError(f"exact must be True or False, got {type(exact).__name__}: "
                        f"{exact!r}")
    return bool(exact)


def _haar_block_into(arr, gshape, starts, gain, key, nthreads, exact=True):
    """Fill ``arr``, the block at ``starts`` of an orthogonal_ fill of ``gshape``.

    The tensor is the matrix M (rows = gshape[0], cols = the rest
    flattened): M = Q^T when rows <= cols, M = Q otherwise (see
    _haar_into). Only the columns of Q the block needs are computed, by
    _orthogonal.stewart_columns, in groups on the chunk grid; each group
    holds at most max(block, m * panel) items. A block of Q's columns
    (M's rows when rows <= cols, M's columns otherwise) costs its share of
    the whole plus the regeneration of the reflectors; a block of Q's rows
    needs every column of Q and costs about the whole's time, in bounded
    memory. The values are the whole's, bit for bit.

    With ``exact=False``, a block that leaves out some of Q's rows is
    computed by _haar_rows_into instead (its share of the time, the whole's
    values to rounding); one that takes all of Q's rows stays exact.
    """
    rows, cols = gshape[0], math.prod(gshape[1:])
    m, k, trans = max(rows, cols), min(rows, cols), rows > cols
    desc = _dtypes.for_numpy(arr.dtype)
    work = desc.work
    r0, r1 = starts[0], starts[0] + arr.shape[0]
    fidx = np.arange(cols).reshape(gshape[1:])[
        tuple(slice(s, s + n) for s, n in zip(starts[1:], arr.shape[1:]))].ravel()
    if not exact and (r1 - r0 if trans else fidx.size) < m:
        flat = arr.reshape(arr.shape[0], -1)          # a view when arr's layout allows
        view = np.may_share_memory(flat, arr)
        dest = flat if view else np.empty(flat.shape, arr.dtype)
        _haar_rows_into(dest if trans else dest.T, np.arange(r0, r1) if trans else fidx,
                        fidx if trans else np.arange(r0, r1), m, k, gain, key, nthreads, desc,
                        max(arr.size, m * _orthogonal.PANEL))
        if not view:
            np.copyto(arr, dest.reshape(arr.shape))
        return
    need = (fidx.min(), fidx.max() + 1) if trans else (r0, r1)   # Q's columns
    grid = _orthogonal.chunk_grid(k)
    cells = [(a, b) for a, b in zip(grid[:-1], grid[1:]) if a < need[1] and b > need[0]]
    budget = max(arr.size, m * _orthogonal.PANEL)
    out = np.empty((arr.shape[0], fidx.size), dtype=work)
    while cells:
        ga, gb = cells[0][0], cells[0][1]
        while len(cells) > 1 and (cells[1][1] - ga) * m <= budget:
            cells.pop(0)
            gb = cells[0][1]
        cells.pop(0)
        buf = np.empty((gb - ga) * m, dtype=work)
        _orthogonal.stewart_columns(buf, m, k, ga, gb, gain, key.words, nthreads, trans=trans)
        if trans:          # buf: M[:, ga:gb]
            sel = np.nonzero((fidx >= ga) & (fidx < gb))[0]
            out[:, sel] = buf.reshape(m, gb - ga)[r0:r1][:, fidx[sel] - ga]
        else:              # buf: M[ga:gb, :]
            lo, hi = max(r0, ga), min(r1, gb)
            out[lo - r0:hi - r0] = buf.reshape(gb - ga, m)[lo - ga:hi - ga][:, fidx]
    np.copyto(arr, desc.encode(out.reshape(arr.shape)))


@public(bench="bench_orthogonal")
def orthogonal_(tensor: ArrayT, gain: float = 1, generator: GeneratorArg = None, *,
                rng: Seed = None, num_threads: int | None = None,
                global_shape: Sequence[int] | None = None, index: Index | None = None,
                exact: bool = True) -> ArrayT:
    r"""Fill the input tensor with a (semi-)orthogonal matrix, Haar-distributed.

    As in :func:`torch.nn.init.orthogonal_`, the tensor is viewed as a matrix
    with ``rows = shape[0]`` and ``cols = prod(shape[1:])``; it gets
    orthonormal rows if ``rows <= cols`` and orthonormal columns otherwise,
    times ``gain``.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Array with at least 2 dimensions, float16/float32/float64, filled in
        place (float16 is computed in float32 and rounded to nearest even).
    gain : float
        Multiplier, finite.
    generator : torch.Generator or numpy.random.Generator, optional
        Seed source, as in torch (alternative to ``rng``).
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Seed source (SPEC 7).
    num_threads : int, optional
        Threads (OpenMP tasks, each running single-threaded BLAS; BLAS's own
        threading is off during the call). The result does not depend on it.
    global_shape, index : optional
        ``tensor`` is the block ``whole[index]`` of the orthogonal fill of
        a tensor of ``global_shape`` (see :func:`fastinit.uniform_`).
    exact : bool
        ``True`` (default): a block is the whole's block bit for bit; a block
        of Q's rows (the tensor's columns when ``rows <= cols``, its rows
        otherwise) then costs about the whole's time. ``False``: a block that
        leaves out some of Q's rows is computed from its own rows, in about
        its share of the time, and equals the whole's block to rounding
        (within ``2 * sqrt(min(rows, cols)) * eps * |gain|`` elementwise),
        with the same bits for any split of Q's rows and any
        ``num_threads``; blocks that take all of Q's rows, and whole
        tensors, are exact either way (docs/randomness.md).

    Returns
    -------
    tensor
        The same object, filled.

    Notes
    -----
    With :math:`m = \max(rows, cols)` and :math:`k = \min(rows, cols)`,

    .. math::

        Q = H_0 H_1 \cdots H_{k-1} \, D \, I_{m \times k}, \qquad
        H_j = I - \frac{2 v_j v_j^T}{v_j^T v_j}, \quad
        v_j = x_j + \operatorname{sign}(x_{j,0}) \lVert x_j \rVert e_j,

    where :math:`x_j` is a fresh standard Gaussian vector on coordinates
    :math:`j..m-1` (Stewart 1980) and :math:`D = \operatorname{diag}(-\operatorname{sign}
    x_{j,0})` is Mezzadri's sign correction, so that :math:`Q` has exactly
    the law of the Q factor of an :math:`m \times k` Gaussian matrix with
    positive :math:`\operatorname{diag} R`, i.e. the Haar measure. No QR is
    computed (half its flops); reflectors are applied in compact-WY panels
    with level-3 BLAS. The Gaussian of reflector :math:`j` sits at fixed
    positions of one Philox normal stream, so the result depends only on
    the seed, never on ``num_threads``.

    References
    ----------
    G. W. Stewart, "The efficient generation of random orthogonal matrices
    with an application to condition estimators", SIAM J. Numer. Anal. 17
    (1980). F. Mezzadri, "How to generate random matrices from the classical
    compact groups", Notices AMS 54 (2007). A. M. Saxe, J. L. McClelland,
    S. Ganguli, "Exact solutions to the nonlinear dynamics of learning in
    deep linear neural networks", ICLR 2014.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.orthogonal_(np.empty((3, 5)), rng=0)
    >>> bool(np.allclose(w @ w.T, np.eye(3)))
    True
    """
    arr = as_array(tensor)
    if arr.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    block = check_block(global_shape, index, arr.shape)
    gain, exact = _check_gain(gain), _check_exact(exact)
    nthreads = _resolve_threads(num_threads)
    key = resolve_key(rng, generator, draw=has_data(arr), torch_default=is_torch(tensor))
    if has_data(arr):
        if block is not None:
            _haar_block_into(arr, block[0], block[1], gain, key, nthreads, exact)
        else:
            _haar_into(arr, arr.shape[0], arr.size // arr.shape[0], gain, key, nthreads)
        mark_written(tensor)
    return tensor


@public(probe=(4, 4, 3, 3), bench="bench_orthogonal")
def delta_orthogonal_(tensor: ArrayT, gain: float = 1.0, *, rng: Seed = None,
                      num_threads: int | None = None, generator: GeneratorArg = None,
                      global_shape: Sequence[int] | None = None, index: Index | None = None,
                      exact: bool = True) -> ArrayT:
    r"""Fill a convolution weight with an orthogonal matrix at its spatial centre.

    For a weight of shape ``(out, in, *kernel)`` (torch layout, 1 to 3
    spatial dimensions), ``tensor[:, :, c_1, ..., c_d]`` with
    :math:`c_i = \lfloor k_i / 2 \rfloor` gets ``gain`` times a Haar
    ``out x in`` matrix with orthonormal columns, and every other entry is 0
    (the delta-orthogonal initialization of Xiao et al. 2018, as in JAX).

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        3-, 4- or 5-D array with ``out >= in``, filled in place.
    gain : float
        Multiplier, finite.
    rng, num_threads, generator, global_shape, index, exact
        As in :func:`orthogonal_` (for the centre's ``out x in`` matrix).

    Returns
    -------
    tensor
        The same object, filled.

    Notes
    -----
    .. math::

        W_{:, :, c} = g \, Q, \quad Q^T Q = I_{in}, \qquad
        W_{:, :, s} = 0 \ (s \ne c).

    References
    ----------
    L. Xiao, Y. Bahri, J. Sohl-Dickstein, S. Schoenholz, J. Pennington,
    "Dynamical Isometry and a Mean Field Theory of CNNs: How to Train
    10,000-Layer Vanilla Convolutional Neural Networks", ICML 2018.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.delta_orthogonal_(np.empty((8, 4, 3, 3)), rng=0)
    >>> q = w[:, :, 1, 1]
    >>> bool(np.allclose(q.T @ q, np.eye(4))), int(np.count_nonzero(w))  # 8 * 4 entries at the centre
    (True, 32)
    """
    arr = as_array(tensor)
    if arr.ndim not in (3, 4, 5):
        raise ValueError(f"delta_orthogonal_ needs a 3-, 4- or 5-D convolution weight "
                         f"(out, in, *kernel), got {arr.ndim} dimensions (shape "
                         f"{tuple(arr.shape)})")
    block = check_block(global_shape, index, arr.shape)
    exact = _check_exact(exact)
    if block is not None:
        return _delta_block_(tensor, arr, block, gain, rng, num_threads, generator, exact)
    out_c, in_c = arr.shape[0], arr.shape[1]
    if out_c < in_c:
        raise ValueError(f"delta_orthogonal_ needs out >= in (shape[0] >= shape[1]), got "
                         f"out={out_c}, in={in_c}")
    gain = _check_gain(gain)
    nthreads = _resolve_threads(num_threads)
    key = resolve_key(rng, generator, draw=has_data(arr), torch_default=is_torch(tensor))
    if has_data(arr):
        with immediate():
            zeros_(tensor, num_threads=nthreads)
        centre = arr[(slice(None), slice(None)) + tuple(s // 2 for s in arr.shape[2:])]
        _haar_into(centre, out_c, in_c, gain, key, nthreads)
    return tensor


def _delta_block_(tensor, arr, block, gain, rng, num_threads, generator, exact):
    """delta_orthogonal_ of a block: the centre's ``out x in`` matrix is an
    orthogonal_ block (the block's rows and columns), every other entry 0."""
    gshape, starts = block
    if gshape[0] < gshape[1]:
        raise ValueError(f"delta_orthogonal_ needs out >= in (shape[0] >= shape[1]), got "
                         f"out={gshape[0]}, in={gshape[1]} (global_shape={gshape})")
    gain = _check_gain(gain)
    key = resolve_key(rng, generator, draw=has_data(arr), torch_default=is_torch(tensor))
    if not has_data(arr):
        return tensor
    arr[...] = 0
    mark_written(tensor)
    centre = [s // 2 - s0 for s, s0 in zip(gshape[2:], starts[2:])]
    if all(0 <= c < n for c, n in zip(centre, arr.shape[2:])):
        orthogonal_(arr[(slice(None), slice(None)) + tuple(centre)], gain, rng=key,
                    num_threads=num_threads, global_shape=gshape[:2], exact=exact,
                    index=(slice(starts[0], starts[0] + arr.shape[0]),
                           slice(starts[1], starts[1] + arr.shape[1])))
    return tensor
