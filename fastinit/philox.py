"""The raw bit generator, exposed for known-answer tests and for users."""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _core

__all__ = ["philox4x32"]


def philox4x32(counter: ArrayLike, key: ArrayLike) -> NDArray[np.uint32]:
    """Philox4x32-10 (Salmon et al. 2011) of ``counter`` under ``key``.

    Parameters
    ----------
    counter : array_like of uint32, shape (..., 4)
    key : array_like of uint32, shape (2,)

    Returns
    -------
    numpy.ndarray of uint32 with the counter's shape.

    Examples
    --------
    >>> import fastinit
    >>> [hex(x) for x in fastinit.philox4x32([0, 0, 0, 0], [0, 0])]
    ['0x6627e8d5', '0xe169c58d', '0xbc57ac4c', '0x9b00dbd8']
    """
    c = _as_uint32(counter, "counter")
    k = _as_uint32(key, "key")
    if c.ndim < 1 or c.shape[-1] != 4:
        raise ValueError(f"counter must have shape (..., 4), got {c.shape}")
    if k.shape != (2,):
        raise ValueError(f"key must have shape (2,), got {k.shape}")
    out = _core.philox4x32(np.ascontiguousarray(c), np.ascontiguousarray(k))
    return out.reshape(c.shape)


def _as_uint32(x, name):
    a = np.asarray(x)
    if a.dtype.kind not in "ui":
        raise TypeError(f"{name} must hold unsigned 32-bit integers, got dtype {a.dtype}")
    if a.size and (a.min() < 0 or a.max() > 0xFFFFFFFF):
        raise ValueError(f"{name} values must lie in [0, 2**32 - 1]")
    return a.astype(np.uint32, copy=False)
