"""The dtypes fastinit fills: one descriptor each, the only place a dtype is described.

The rows come from the C kernels' own table (``FI_DTYPE_TABLE`` in
``fastinit/_src/kernels.h``, read through ``_core.DTYPE_TABLE``): kernel
code, name, item size and compute precision. This module adds how Python
spells each one (NumPy and torch dtypes) and the scalar arithmetic of the
stored values that parameters need (rounding, neighbours, largest value).
Storage conversion of whole blocks (e.g. rounding float32 to float16) is
the C table's ``STORE`` column; :meth:`DType.encode` is its NumPy twin for
the few values written from Python.

bfloat16 has no NumPy dtype: its items are viewed as ``uint16`` tagged
with the dtype metadata ``{"fastinit_dtype": "bfloat16"}`` (a plain
``uint16`` array is never taken for one).
"""
from __future__ import annotations

import functools
import math
import struct
from typing import Any

import numpy as np

from . import _core

__all__ = ["DType", "DTYPES", "DEFAULT", "for_numpy", "for_torch", "of", "names"]

_TAG = "fastinit_dtype"
_IEEE = {2: "<e", 4: "<f", 8: "<d"}   # struct formats of the native float dtypes


class DType:
    """One storage dtype.

    name: its name ("float32"), also the torch attribute; code: the kernels'
    dtype code; numpy: the storage numpy dtype (tagged uint16 for bfloat16);
    work: the numpy dtype values are computed in before the store
    conversion; itemsize: bytes per stored item; native: NumPy has the dtype
    itself (functional twins can return it).
    """

    __slots__ = ("name", "code", "numpy", "work", "itemsize", "native", "max", "_type",
                 "_struct")

    def __init__(self, name, code, itemsize, bits):
        self.name, self.code, self.itemsize = name, code, itemsize
        self.work = np.dtype(f"float{bits}")
        try:
            known = np.dtype(name)
        except TypeError:
            known = None
        # NumPy's own floats only: once ml_dtypes is imported, np.dtype("bfloat16")
        # is its (kind "V") type, which must not change how fastinit stores bfloat16
        if known is not None and known.kind == "f":
            self.numpy, self.native = known, True
        else:
            self.numpy = np.dtype(f"uint{8 * itemsize}", metadata={_TAG: name})
            self.native = False
        if self.numpy.itemsize != itemsize:
            raise ImportError(f"fastinit: dtype {name} is {itemsize} bytes in the C kernels "
                              f"but {self.numpy.itemsize} in NumPy")
        self._type = self.numpy.type if self.native else None
        # IEEE binary16/32/64 by struct (C's round-to-nearest-even conversion,
        # as NumPy's): a Python float rounded without making a NumPy scalar
        self._struct = struct.Struct(_IEEE[itemsize]) if self.native else None
        self.max = math.inf     # (round's fast path needs it; set for real below)
        self.max = self.prev(math.inf)

    def __repr__(self):
        return f"<fastinit dtype {self.name}>"

    def __str__(self):
        return self.name

    # -- scalars: Python floats in, Python floats (values of this dtype) out --
    def round(self, x):
        """``x`` rounded to nearest even in this dtype (overflow: +-inf)."""
        if self.native:
            if -self.max <= x <= self.max:      # cannot overflow: struct cannot raise
                return self._struct.unpack(self._struct.pack(x))[0]
            with np.errstate(over="ignore"):
                return float(self._type(x))
        return float(self.decode(self.encode(np.array(x, np.float64))))

    def prev(self, x):
        """The largest value of this dtype below ``round(x)``."""
        return self._step(self.round(x), -1)

    def next(self, x):
        """The smallest value of this dtype above ``round(x)``."""
        return self._step(self.round(x), 1)

    @functools.lru_cache(maxsize=4096)
    def _step(self, v, direction):
        """The neighbour of the dtype value ``v`` (a pure function of ``v`` and
        ``direction``, remembered: a NumPy ``nextafter`` costs microseconds,
        and uniform bounds repeat)."""
        if self.native:
            t = self.numpy.type
            return float(np.nextafter(t(v), t(direction * math.inf)))
        bits = int(self.encode(np.array(v, np.float64)))
        if v == 0:
            bits = 1 if direction > 0 else 0x8001   # the smallest subnormals
        elif (v > 0) == (direction > 0):
            bits += 1
        else:
            bits -= 1
        return float(self.decode(np.array(bits, np.uint16)))

    # -- arrays ---------------------------------------------------------------
    def encode(self, values):
        """Stored items (``self.numpy``) of float ``values``, rounded to nearest even.

        The NumPy twin of the kernels' STORE conversion, for values written
        from Python (eye_, dirac_, orthogonal copies). bfloat16 rounds the
        float64 value directly (no double rounding through float32).
        """
        values = np.asarray(values)
        if self.native:
            with np.errstate(over="ignore"):
                return values.astype(self.numpy)
        return _bf16_bits(values).view(self.numpy)

    def decode(self, items):
        """The values (float32 for 16-bit dtypes) of stored items."""
        items = np.asarray(items)
        if self.native:
            return items.astype(self.work)
        return (items.view(np.uint16).astype(np.uint32) << 16).view(np.float32)


def _bf16_bits(values):
    """bfloat16 bits of float values, round to nearest even from the value itself.

    bfloat16 keeps 8 significant bits with float32's exponent range
    (subnormal step 2**-133): the value is rounded at its binary exponent's
    quantum with NumPy's round-half-even.
    """
    x = np.asarray(values, np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ax = np.abs(x)
        _, e = np.frexp(ax)
        quantum = np.ldexp(1.0, np.maximum(e - 8, -133))
        r = np.rint(ax / quantum) * quantum
        f = np.where(np.isfinite(x), np.copysign(r, x), x).astype(np.float32)
    out = (f.view(np.uint32) >> 16).astype(np.uint16)
    return np.where(np.isnan(x), np.uint16(0x7FC0), out)


def _build():
    return tuple(DType(name, code, itemsize, bits)
                 for code, name, itemsize, bits in _core.DTYPE_TABLE)


DTYPES = _build()
DEFAULT = next(d for d in DTYPES if d.name == "float32")
_BY_NAME = {d.name: d for d in DTYPES}
_BY_NUMPY = {d.numpy: d for d in DTYPES if d.native}
# (NumPy's canonical dtype object, descriptor): arrays of a plain native
# dtype carry these very objects, so an identity test finds them
_PLAIN = tuple((np.dtype(d.numpy.type), d) for d in DTYPES if d.native)


def names(prefix="", *, numpy_only=True):
    """'float16, float32 or float64' (with ``prefix`` before each name);
    bfloat16 too when ``numpy_only`` is false (torch)."""
    spelled = [prefix + d.name for d in sorted(DTYPES, key=lambda d: d.name)
               if d.native or not numpy_only]
    return ", ".join(spelled[:-1]) + " or " + spelled[-1]


def for_numpy(dtype):
    """The descriptor of a numpy dtype, or None (non-native byte order included)."""
    for plain, desc in _PLAIN:     # NumPy's own dtype objects: the common case
        if dtype is plain:
            return desc
    if not isinstance(dtype, np.dtype):
        return None
    if dtype.metadata and _TAG in dtype.metadata:
        return _BY_NAME.get(dtype.metadata[_TAG])
    if dtype.metadata:          # equal to a plain dtype, but not one of ours
        return None
    return _BY_NUMPY.get(dtype) if dtype.isnative else None


_BY_TORCH: dict[Any, DType] = {}


def for_torch(dtype):
    """The descriptor of a torch dtype, or None."""
    if not _BY_TORCH:
        import torch
        _BY_TORCH.update((getattr(torch, d.name), d) for d in DTYPES if hasattr(torch, d.name))
    return _BY_TORCH.get(dtype)


def of(dtype):
    """The descriptor of a DType or a numpy dtype (TypeError otherwise)."""
    if isinstance(dtype, DType):
        return dtype
    desc = for_numpy(np.dtype(dtype)) if dtype is not None else None
    if desc is None:
        raise TypeError(f"not a fastinit dtype: {dtype!r}")
    return desc
