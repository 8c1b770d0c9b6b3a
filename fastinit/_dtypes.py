"""The dtypes fastinit fills: one descriptor each, the only place a dtype is described.

The rows come from the C kernels' own table (``FI_DTYPE_TABLE`` in
``fastinit/_src/kernels.h``, read through ``_core.DTYPE_TABLE``): kernel
code, name, item size and compute precision. This module adds how Python
spells each one (NumPy and torch dtypes). Storage conversion (e.g. rounding
float32 to float16) is the C table's ``STORE`` column.
"""
from collections import namedtuple

import numpy as np

from . import _core

__all__ = ["DType", "DTYPES", "DEFAULT", "for_numpy", "for_torch", "names"]

DType = namedtuple("DType", "name code numpy work itemsize")
DType.__doc__ = """One storage dtype.

name: its name ("float32"), also the torch attribute; code: the kernels'
dtype code; numpy: the storage numpy dtype; work: the numpy dtype values are
computed in before the store conversion; itemsize: bytes per stored item.
"""


def _build():
    out = []
    for code, name, itemsize, bits in _core.DTYPE_TABLE:
        storage = np.dtype(name)
        if storage.itemsize != itemsize:
            raise ImportError(f"fastinit: dtype {name} is {itemsize} bytes in the C kernels "
                              f"but {storage.itemsize} in NumPy")
        out.append(DType(name, code, storage, np.dtype(f"float{bits}"), itemsize))
    return tuple(out)


DTYPES = _build()
DEFAULT = next(d for d in DTYPES if d.name == "float32")
_BY_NUMPY = {d.numpy: d for d in DTYPES}


def names(prefix=""):
    """'float16, float32 or float64' (with ``prefix`` before each name)."""
    spelled = [prefix + d.name for d in sorted(DTYPES, key=lambda d: d.name)]
    return ", ".join(spelled[:-1]) + " or " + spelled[-1]


def for_numpy(dtype):
    """The descriptor of a numpy dtype, or None (non-native byte order included)."""
    return _BY_NUMPY.get(dtype) if isinstance(dtype, np.dtype) and dtype.isnative else None


def for_torch(dtype):
    """The descriptor of a torch dtype, or None."""
    import torch
    for d in DTYPES:
        if getattr(torch, d.name, None) == dtype:
            return d
    return None
