"""Array adaptation and argument validation shared by every initializer.

Everything is checked here, in Python, before the GIL is released: the C
kernels trust what they are given.
"""
import functools
import inspect
import math
import numbers
import sys

import numpy as np

from . import _core, _dtypes
from ._config import _resolve_threads
from ._random import resolve_key

_MAX_ELEMENTS = 2**62


def as_array(tensor, name="tensor"):
    """A writable NumPy view sharing memory with ``tensor`` (ndarray or torch CPU tensor)."""
    if isinstance(tensor, np.ndarray):
        if _dtypes.for_numpy(tensor.dtype) is None:
            raise TypeError(f"{name} must have dtype {_dtypes.names()} (native byte order), "
                            f"got {tensor.dtype}")
        if not tensor.flags.writeable:
            raise ValueError(f"{name} is read-only; fastinit fills arrays in place and needs "
                             f"a writable array")
        return tensor
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(tensor, torch.Tensor):
        if tensor.device.type != "cpu":
            raise ValueError(f"{name} is on device {tensor.device}; fastinit fills CPU "
                             f"tensors only (initialize on the CPU, then move it)")
        if tensor.layout != torch.strided:
            raise TypeError(f"{name} has layout {tensor.layout}; only dense (strided) "
                            f"tensors are supported")
        if _dtypes.for_torch(tensor.dtype) is None:
            raise TypeError(f"{name} must have dtype {_dtypes.names('torch.')}, got "
                            f"{tensor.dtype}")
        return tensor.detach().numpy()
    raise TypeError(f"{name} must be a numpy.ndarray or a torch.Tensor, got "
                    f"{type(tensor).__name__}")


def shape_of(tensor_or_shape, name="tensor"):
    """The shape of an array/tensor, or a validated shape tuple."""
    if hasattr(tensor_or_shape, "shape") and not isinstance(tensor_or_shape, tuple):
        return tuple(int(d) for d in tensor_or_shape.shape)
    return check_shape(tensor_or_shape, name)


def check_shape(shape, name="shape"):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in shape):
        raise TypeError(f"{name} must be an int or a tuple of ints, got {shape!r}")
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise ValueError(f"{name} must have non-negative dimensions, got {shape}")
    if math.prod(shape) > _MAX_ELEMENTS:
        raise ValueError(f"{name} {shape} has {math.prod(shape)} elements, more than the "
                         f"2**62 allowed")
    return shape


def check_dtype(dtype):
    """A fillable dtype (see fastinit._dtypes) as a numpy dtype; None means float32."""
    if dtype is None:
        return _dtypes.DEFAULT.numpy
    try:
        desc = _dtypes.for_numpy(np.dtype(dtype))
    except TypeError:
        desc = None
    if desc is None:
        raise TypeError(f"dtype must be {_dtypes.names()}, got {dtype!r}")
    return desc.numpy


def check_float(value, name, *, positive=False, nonnegative=False):
    """A finite real number; written as not (x >= 0) so that NaN fails too."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if hasattr(value, "item") and getattr(value, "size", 1) == 1:
            return check_float(value.item(), name, positive=positive, nonnegative=nonnegative)
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    if nonnegative and not value >= 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_offset(offset, n):
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise TypeError(f"offset must be an int, got {type(offset).__name__}: {offset!r}")
    offset = int(offset)
    if offset < 0 or offset + n > _MAX_ELEMENTS:
        raise ValueError(f"offset must be in [0, 2**62 - tensor.size], got {offset}")
    return offset


def check_in_dtype_range(value, name, dtype):
    big = float(np.finfo(dtype).max)
    if abs(value) > big:
        raise ValueError(f"{name}={value} is out of range for {dtype} (|{name}| <= {big:g})")


def sample_(tensor, dist, params_for, *, rng=None, generator=None, num_threads=None,
            offset=0, array=None):
    """Shared primitive: fill ``tensor`` in place from distribution ``dist``.

    ``dist`` is a name of ``_core.DISTS``; ``params_for(dtype)`` returns its
    named kernel parameters (a dict, kernels.h) for the array's dtype.
    ``array``: ``as_array(tensor)`` when the caller has it already. Returns
    ``tensor`` itself (torch tensors stay torch tensors). Random streams are
    drawn only for random fills of non-empty tensors: constant fills and
    zero-element tensors leave the seed source untouched.
    """
    arr = as_array(tensor) if array is None else array
    offset = check_offset(offset, arr.size)
    nthreads = _resolve_threads(num_threads)
    params = params_for(arr.dtype)
    random = dist != "constant"
    key = resolve_key(rng, generator, draw=random and arr.size > 0)
    if arr.size:
        _core.fill(arr, _core.DISTS[dist], _dtypes.for_numpy(arr.dtype).code, params,
                   key.words if key is not None else (0, 0, 0), offset, nthreads)
    return tensor


def functional(inplace):
    """Make the functional twin of an in-place initializer.

    ``name(shape, *args, dtype=float32, **kw)`` allocates ``numpy.empty(shape,
    dtype)`` and fills it with ``name_``; the first touch of the fresh memory
    happens inside the parallel fill.
    """
    sig = inspect.signature(inplace)
    params = list(sig.parameters.values())
    shape_p = inspect.Parameter("shape", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    dtype_p = inspect.Parameter("dtype", inspect.Parameter.KEYWORD_ONLY, default="float32")

    @functools.wraps(inplace)
    def twin(shape, *args, dtype="float32", **kwargs):
        arr = np.empty(check_shape(shape), dtype=check_dtype(dtype))
        return inplace(arr, *args, **kwargs)

    twin.__name__ = twin.__qualname__ = inplace.__name__.rstrip("_")
    twin.__signature__ = sig.replace(parameters=[shape_p] + params[1:] + [dtype_p])
    twin.__doc__ = (f"Return a new array of ``shape`` filled like :func:`{inplace.__name__}`.\n\n"
                    f"``dtype`` is {_dtypes.names()} (default float32); other arguments are "
                    f"those of :func:`{inplace.__name__}`.")
    del twin.__wrapped__
    return twin
