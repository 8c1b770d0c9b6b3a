"""Array adaptation and argument validation shared by every initializer.

Everything is checked here, in Python, before the GIL is released: the C
kernels trust what they are given.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import math
import numbers
import sys
import threading
from concurrent.futures import Future
from typing import Any

import numpy as np

from . import _core, _dtypes, _hugepages
from ._config import _resolve_threads
from ._errors import RuntimeValueError, UnsupportedTensorError, ValueOverflowError
from ._random import _torch_words, key_words

_MAX_ELEMENTS = 2**62


class MetaShape(np.ndarray):
    """The shape and dtype of a torch meta tensor: an array with no data.

    Initializers validate their arguments against it as usual and then
    write nothing (see :func:`has_data`): on the meta device an in-place
    initializer is a no-op that returns the tensor itself, as in torch.
    """


def has_data(arr):
    """Whether an adapted target has elements to write (not empty, not meta)."""
    return arr.size > 0 and not isinstance(arr, MetaShape)


def is_torch(tensor):
    """Whether ``tensor`` is a torch tensor (torch imported by the caller)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(tensor, torch.Tensor)


def as_array(tensor, name="tensor"):
    """A writable NumPy view sharing memory with ``tensor`` (ndarray or torch CPU tensor).

    Its dtype names its fastinit dtype (:func:`fastinit._dtypes.for_numpy`;
    bfloat16 tensors give tagged uint16 views); meta tensors give a
    :class:`MetaShape`. The one adaptation of a target: every check on the
    target itself is here, so that a call that raises has written nothing.
    Refused: other types, other dtypes (structured ones too), read-only
    arrays, torch tensors that torch itself would not write in place (other
    devices, sparse, nested, inference tensors outside inference mode), and
    self-overlapping views (two elements on one memory location: the
    result would depend on the thread schedule).
    """
    return adapt(tensor, name)[0]


def adapt(tensor, name="tensor"):
    """:func:`as_array` with what it learnt on the way: ``(array, its fastinit
    DType, whether tensor is a torch tensor)`` (what :func:`sample_` needs).

    The common targets (a plain ndarray, or a plain CPU torch Tensor or
    Parameter of a NumPy-native dtype, C-contiguous) take the first branch;
    everything else, errors included, the general one below."""
    kind = type(tensor)
    if kind is np.ndarray:
        desc = _dtypes.for_numpy(tensor.dtype)
        if desc is not None and tensor.flags.writeable and tensor.flags.c_contiguous:
            return tensor, desc, False
    elif _torch is not None and (kind is _torch.Tensor or kind is _torch.Parameter):
        desc = _dtypes.for_torch(tensor.dtype)
        if (desc is not None and desc.native and tensor.is_cpu and not tensor.is_nested
                and tensor.layout is _torch.strided and not tensor.is_neg()
                and not tensor.is_inference() and tensor.is_contiguous()):
            address = tensor.data_ptr()
            if address and tensor.dim() <= 32:      # (torch.Tensor.numpy() of the data)
                return (_core.contiguous_view(address, tensor.shape, desc.numpy.num, tensor),
                        desc, True)
    return _adapt(tensor, name)


def _adapt(tensor, name):
    """:func:`adapt`'s general path: every kind of target, every check."""
    if type(tensor) is not np.ndarray and isinstance(tensor, MetaShape):
        return tensor, _dtypes.for_numpy(tensor.dtype), False
    if isinstance(tensor, np.ndarray):
        desc = _dtypes.for_numpy(tensor.dtype)
        if desc is None:
            raise UnsupportedTensorError(f"{name} must have dtype {_dtypes.names()} (native "
                                         f"byte order), got {tensor.dtype}")
        if not tensor.flags.writeable:
            raise ValueError(f"{name} is read-only; fastinit fills arrays in place and needs "
                             f"a writable array")
        arr = tensor if type(tensor) is np.ndarray else tensor.view(np.ndarray)
        torch_tensor = False
    elif is_torch(tensor):
        arr, desc = _torch_view(tensor, name)
        if type(arr) is MetaShape:
            return arr, desc, True
        torch_tensor = True
    else:
        raise TypeError(f"{name} must be a numpy.ndarray or a torch.Tensor, got "
                        f"{type(tensor).__name__}")
    if not arr.flags.c_contiguous:      # (contiguous arrays cannot overlap)
        check_no_overlap(arr, name)
    return arr, desc, torch_tensor


def check_no_overlap(arr, name="tensor"):
    """Refuse a view in which two elements share memory (zero strides, torch ``expand``).

    Sufficient test in O(ndim): with the axes sorted by |stride|, each
    stride must step over everything the smaller axes span. Only views
    built with ``as_strided`` can fail it without overlapping; those get the
    exact test, on the byte offsets of the elements.
    """
    if arr.flags.c_contiguous or arr.flags.f_contiguous or arr.size <= 1:
        return
    axes = sorted((abs(st), n) for n, st in zip(arr.shape, arr.strides) if n > 1)
    span = arr.itemsize  # bytes spanned by the axes already seen
    for stride, n in axes:
        if stride < span:
            break
        span = stride * (n - 1) + span
    else:
        return
    if any(st == 0 for n, st in zip(arr.shape, arr.strides) if n > 1):
        distinct = False
    elif arr.size > _EXACT_OVERLAP_LIMIT:
        raise ValueError(f"{name} has irregular strides {arr.strides} (shape {arr.shape}) "
                         f"and more than 2**24 elements, too many to prove that none "
                         f"overlap in memory; fill a copy (numpy.ascontiguousarray / "
                         f"tensor.clone())")
    else:
        distinct = _distinct_elements(arr)
    if not distinct:
        raise RuntimeValueError(f"{name} has elements that overlap in memory (shape "
                                f"{arr.shape}, strides {arr.strides}, e.g. a broadcast or "
                                f"expanded view): writing it would make the result depend on "
                                f"the thread schedule; fill a copy (numpy.ascontiguousarray / "
                                f"tensor.clone())")


# Irregular views up to this size get the exact overlap test (8 bytes per element).
_EXACT_OVERLAP_LIMIT = 1 << 24


def _distinct_elements(arr):
    """Exact test for irregular views: the elements' byte offsets, sorted, are
    at least one item apart."""
    offsets = np.zeros((), np.int64)
    for n, st in zip(arr.shape, arr.strides):
        offsets = np.add.outer(offsets, np.arange(n, dtype=np.int64) * st)
    offsets = np.sort(offsets, axis=None)
    return bool((np.diff(offsets) >= arr.itemsize).all())


class _Torch:
    """What the fast paths need of torch, set at the first torch tensor adapted
    (torch is never imported by fastinit itself)."""

    def __init__(self, torch):
        self.Tensor, self.Parameter = torch.Tensor, torch.nn.Parameter
        self.strided = torch.strided
        self.increment_version = torch.autograd.graph.increment_version


_torch = None   # a _Torch once a torch tensor has been adapted


def mark_written(tensor):
    """After an in-place write: bump a torch tensor's version counter, as torch's
    own in-place ops do, so that autograd refuses a backward that saved the
    old values (no-op for NumPy arrays)."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(tensor, torch.Tensor):
        torch.autograd.graph.increment_version(tensor)


def _torch_view(tensor, name):
    """The NumPy view of a torch tensor and its DType: every torch-specific rule
    in one place.

    - dtypes float16, float32, float64 and bfloat16 (items viewed as uint16);
    - meta tensors: a :class:`MetaShape` (nothing is written);
    - ``requires_grad`` leaves and ``nn.Parameter``s are written through
      ``detach()`` (no ``no_grad`` needed, as in torch.nn.init); any strides;
    - refused as torch refuses them: other devices, nested and sparse
      tensors, lazy negation views, inference tensors outside inference mode.
    """
    global _torch
    torch = sys.modules["torch"]   # imported: the caller holds one of its tensors
    if _torch is None:
        _torch = _Torch(torch)
    if tensor.is_nested:
        raise UnsupportedTensorError(f"{name} is a nested tensor; fastinit fills dense "
                                     f"tensors only (fill each component, e.g. "
                                     f"tensor.unbind())")
    if not tensor.is_cpu and tensor.device.type != "meta":
        raise ValueError(f"{name} is on device {tensor.device}; fastinit fills CPU "
                         f"tensors only (initialize on the CPU, then move it)")
    if tensor.layout != torch.strided:
        raise UnsupportedTensorError(f"{name} has layout {tensor.layout}; only dense "
                                     f"(strided) tensors are supported")
    desc = _dtypes.for_torch(tensor.dtype)
    if desc is None:
        raise UnsupportedTensorError(f"{name} must have dtype "
                                     f"{_dtypes.names('torch.', numpy_only=False)}, got "
                                     f"{tensor.dtype}")
    if tensor.is_meta:
        return (np.broadcast_to(np.zeros((), desc.numpy), tuple(tensor.shape))
                .view(MetaShape), desc)
    if tensor.is_neg():
        raise UnsupportedTensorError(f"{name} has its negative bit set (a lazy negation "
                                     f"view); pass tensor.resolve_neg() or a plain tensor")
    if tensor.is_inference() and not torch.is_inference_mode_enabled():
        raise RuntimeValueError(f"{name} is an inference tensor and inference mode is off: "
                                f"an in-place update of an inference tensor outside "
                                f"InferenceMode is not allowed (torch refuses it too); allowed: "
                                f"fill it inside torch.inference_mode(), or fill "
                                f"{name}.clone(), a normal tensor")
    t = tensor.detach() if tensor.requires_grad else tensor
    if desc.native:
        return t.numpy(), desc
    return t.view(torch.int16).numpy().view(desc.numpy), desc


def shape_of(tensor_or_shape, name="tensor"):
    """The shape of an array/tensor, or a validated shape tuple."""
    if isinstance(tensor_or_shape, np.ndarray):
        return tensor_or_shape.shape
    if hasattr(tensor_or_shape, "shape") and not isinstance(tensor_or_shape, tuple):
        return tuple(int(d) for d in tensor_or_shape.shape)
    return check_shape(tensor_or_shape, name)


def check_shape(shape, name="shape"):
    """A shape as a tuple of non-negative ints (an int is a 1-D shape)."""
    if type(shape) is int:
        shape = (shape,)
    plain = type(shape) is tuple     # the common case: a tuple of non-negative ints
    if plain:
        for d in shape:
            if type(d) is not int or d < 0:
                plain = False
                break
    if not plain:
        shape = _shape_of_ints(shape, name)
    if math.prod(shape) > _MAX_ELEMENTS:
        raise ValueError(f"{name} {shape} has {math.prod(shape)} elements, more than the "
                         f"2**62 allowed")
    return shape


def _shape_of_ints(shape, name):
    """check_shape for any integral types and sequences: a tuple of ints >= 0."""
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(d, numbers.Integral) and not isinstance(d, bool) for d in shape):
        raise TypeError(f"{name} must be an int or a tuple of ints, got {shape!r}")
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise ValueError(f"{name} must have non-negative dimensions, got {shape}")
    return shape


def check_dtype(dtype):
    """A fillable NumPy dtype (see fastinit._dtypes) as a numpy dtype; None means float32.

    Names and type objects already accepted are remembered (``_DTYPE_NAMES``);
    dtype instances are not (one can equal a plain dtype and still carry
    metadata that makes it another).
    """
    if dtype is None:
        return _dtypes.DEFAULT.numpy
    if isinstance(dtype, (str, type)):
        known = _DTYPE_NAMES.get(dtype)
        if known is not None:
            return known
    try:
        desc = _dtypes.for_numpy(np.dtype(dtype))
    except TypeError:
        desc = None
    if desc is None or not desc.native:
        raise TypeError(f"dtype must be {_dtypes.names()}, got {dtype!r}")
    if isinstance(dtype, (str, type)) and len(_DTYPE_NAMES) < 64:
        _DTYPE_NAMES[dtype] = desc.numpy
    return desc.numpy


# accepted dtype names and types -> numpy dtype (check_dtype)
_DTYPE_NAMES: dict[Any, np.dtype[Any]] = {}


def short_repr(value, limit=40):
    """repr(value), shortened in the middle (an int with 400 digits stays readable)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:20]}...{text[-12:]} ({len(text)} chars)"


def check_float(value, name, *, positive=False, nonnegative=False, error=ValueError):
    """A finite real number; written as not (x >= 0) so that NaN fails too.

    ``error``: the ValueError (sub)class for a value that is not finite or
    has the wrong sign (:class:`RuntimeValueError` where torch's op raises
    RuntimeError for it); a non-number is a TypeError, a number beyond the
    float range a :class:`ValueOverflowError`.
    """
    if type(value) is not float:     # Python floats, the common case, skip the conversion
        value = _real(value, name)
    if not math.isfinite(value):
        raise error(f"{name} must be finite, got {value}")
    if positive and not value > 0:
        raise error(f"{name} must be > 0, got {value}")
    if nonnegative and not value >= 0:
        raise error(f"{name} must be >= 0, got {value}")
    return value


def _real(value, name):
    """``value`` (an int, a NumPy or other real scalar, a one-element array) as a float."""
    if type(value) is not int and (isinstance(value, bool)
                                   or not isinstance(value, numbers.Real)):
        # one element: NumPy's size is a number, torch's a method (numel counts)
        count = value.numel() if callable(getattr(value, "numel", None)) else \
            getattr(value, "size", 1)
        if hasattr(value, "item") and count == 1:
            return _real(value.item(), name)
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}: {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueOverflowError(f"{name} must be a finite float, got {short_repr(value)}, "
                                 f"beyond the float64 range") from None


def check_offset(offset, n):
    if type(offset) is int and 0 <= offset <= _MAX_ELEMENTS - n:   # the common case
        return offset
    if isinstance(offset, bool) or not isinstance(offset, numbers.Integral):
        raise TypeError(f"offset must be an int, got {type(offset).__name__}: {offset!r}")
    offset = int(offset)
    if offset < 0 or offset + n > _MAX_ELEMENTS:
        raise ValueError(f"offset must be in [0, 2**62 - tensor.size], got {offset}")
    return offset


def check_block(global_shape, index, shape, offset=0):
    """The block ``whole[index]`` of a tensor of ``global_shape`` that an array of ``shape`` is.

    Returns None when no index space is given (the array is the whole, or
    a flat piece at ``offset``), else ``(global_shape, starts)``.
    ``global_shape`` alone means the array is the whole of it. Raises
    ValueError (before anything is written) for an ``index`` without
    ``global_shape``, an entry that is not a slice, a step other than 1, a
    block outside the global shape or one whose shape is not ``shape``.
    """
    if global_shape is None:
        if index is not None:
            raise ValueError("index= needs global_shape= (the shape of the whole tensor the "
                             "index refers to)")
        return None
    gshape = check_shape(global_shape, "global_shape")
    if offset + math.prod(gshape) > _MAX_ELEMENTS:
        raise ValueError(f"offset={offset} plus the {math.prod(gshape)} elements of "
                         f"global_shape={gshape} exceed 2**62")
    if index is None:
        index = (slice(None),) * len(gshape)
    elif isinstance(index, slice):
        index = (index,)
    if not isinstance(index, tuple) or len(index) != len(gshape):
        raise ValueError(f"index must be a tuple of {len(gshape)} slices (one per dimension "
                         f"of global_shape={gshape}), got {index!r}")
    starts = []
    block = []
    for d, sl in enumerate(index):
        if type(sl) is not slice:
            raise ValueError(f"index[{d}] must be a slice with step 1, got {sl!r}")
        n = gshape[d]
        step = sl.step
        if step is not None and (type(step) is not int or step != 1) and (
                isinstance(step, bool) or not isinstance(step, numbers.Integral) or step != 1):
            raise ValueError(f"index[{d}] = {sl!r} has step {step!r}; only step 1 is "
                             f"allowed (a block is a contiguous box of the whole)")
        lo = 0 if sl.start is None else _bound_of(sl.start, n, d, "start")
        hi = n if sl.stop is None else _bound_of(sl.stop, n, d, "stop")
        if lo > hi:
            raise ValueError(f"index[{d}] = {sl!r} is empty backwards (start {lo} > stop "
                             f"{hi}) in a dimension of size {n}")
        starts.append(lo)
        block.append(hi - lo)
    if tuple(block) != tuple(shape):
        raise ValueError(f"the block global[{_show(index)}] of global_shape={gshape} has "
                         f"shape {tuple(block)}, but the tensor has shape {tuple(shape)}")
    return gshape, tuple(starts)


def block_runs(shape, strides, global_shape, starts, offset):
    """The run form of block ``whole[index]`` of an array of ``shape`` / ``strides`` (bytes).

    ``starts``: the block's first index per dimension in ``global_shape``.
    Returns (extents, position steps, memory steps, first position): outer
    unit dimensions dropped (the last one stays: runs are consecutive
    positions), and neighbours merged where the block spans the inner one
    whole both in the index space and in memory, so that row blocks and
    contiguous tensors are a single run.
    """
    nd = len(shape)
    if nd == 0:
        return [1], [1], [0], offset
    first = offset + starts[-1]
    ext, pos, mem = [shape[-1]], [1], [strides[-1]]
    p = 1
    for d in range(nd - 2, -1, -1):
        p *= global_shape[d + 1]            # the position step of dimension d
        first += starts[d] * p
        if shape[d] == 1:
            continue
        if p == ext[0] * pos[0] and strides[d] == ext[0] * mem[0]:
            ext[0] *= shape[d]             # whole inner extent, contiguous: one run
        else:
            ext.insert(0, shape[d])
            pos.insert(0, p)
            mem.insert(0, strides[d])
    return ext, pos, mem, first


def _bound_of(v, n, d, what):
    """A slice bound in [0, n]; negatives count from the end."""
    if type(v) is not int and (isinstance(v, bool) or not isinstance(v, numbers.Integral)):
        raise ValueError(f"index[{d}] {what} must be an int or None, got {v!r}")
    w = int(v) + n if v < 0 else int(v)
    if not 0 <= w <= n:
        raise ValueError(f"index[{d}] {what}={v} does not fit global dimension {d} of "
                         f"size {n}")
    return w


def _show(index):
    return ", ".join(f"{'' if s.start is None else s.start}:{'' if s.stop is None else s.stop}"
                     for s in index)


def check_in_dtype_range(value, name, dtype):
    """``dtype``: a fastinit DType or a numpy dtype. Out of range: a
    :class:`RuntimeValueError`, as torch's ``fill_`` and ``uniform_`` raise
    RuntimeError for a value that overflows the tensor's dtype."""
    big = _dtypes.of(dtype).max
    if abs(value) > big:
        raise RuntimeValueError(f"{name}={value} is out of range for {dtype} "
                                f"(|{name}| <= {big:g})")


def sample_(tensor, dist, params_for, *, rng=None, generator=None, num_threads=None,
            offset=0, global_shape=None, index=None, adapted=None):
    """Shared primitive: fill ``tensor`` in place from distribution ``dist``.

    ``dist`` is a name of ``_core.DISTS``; ``params_for(dtype)`` returns its
    named kernel parameters (a dict, kernels.h) for the array's dtype
    descriptor (fastinit._dtypes.DType). ``global_shape`` / ``index``: the
    array is ``whole[index]`` of the same fill of a tensor of
    ``global_shape`` (see :func:`check_block`). ``adapted``:
    ``adapt(tensor)`` when the caller has it already. Returns ``tensor``
    itself (torch tensors stay torch tensors). Random streams are drawn only
    for random fills of tensors with data: constant fills, zero-element and
    meta tensors leave the seed source untouched. With neither ``rng`` nor
    ``generator``, a torch tensor draws its key from torch's default
    generator.

    Inside :func:`collecting`, a fill without ``global_shape`` is validated
    and queued instead of run (see there).
    """
    arr, desc, torch_target = adapt(tensor) if adapted is None else adapted
    n = arr.size
    if offset or type(offset) is not int:
        offset = check_offset(offset, n)
    block = None if global_shape is None and index is None else \
        check_block(global_shape, index, arr.shape, offset)
    # (small fills run on one thread whatever the setting: _resolve_threads)
    nthreads = 1 if num_threads is None and n <= _core.SMALL else \
        _resolve_threads(num_threads, n)
    params = params_for(desc)
    live = n > 0 and not isinstance(arr, MetaShape)     # has_data(arr)
    if dist == "constant" or not live:
        if rng is not None or generator is not None:
            key_words(rng, generator, draw=False)       # (checked, nothing drawn)
        if not live:
            return tensor
        words = (0, 0, 0)
    elif torch_target and rng is None and generator is None:   # the common torch call
        words = _torch_words(None)
    else:
        words = key_words(rng, generator, torch_default=torch_target)
    queue = _queue.jobs
    if queue is not None and block is None:
        queue.append((arr, _core.DISTS[dist], desc.code, params, words, offset, tensor))
        return tensor
    _core.fill(arr, _core.DISTS[dist], desc.code, params, words, offset, nthreads,
               None if block is None else block_runs(arr.shape, arr.strides, *block, offset))
    if torch_target:
        _torch.increment_version(tensor)    # (mark_written)
    return tensor


def check_targets(**targets):
    """Adapt every target of a multi-tensor initializer before any is written.

    ``check_targets(weight=w, bias=b)`` runs :func:`as_array` on each (None
    is skipped), so that a bad bias is reported before the weight is
    touched. Returns the arrays in the same order.
    """
    return tuple(None if t is None else as_array(t, name) for name, t in targets.items())


class _Queue(threading.local):
    jobs = None     # this thread's queue inside collecting(); None: write at once


_queue = _Queue()


@contextlib.contextmanager
def collecting():
    """Queue the element-wise fills made in this thread; yield the queue (a list).

    Each fill is validated (and its key drawn) at its call, as usual, but
    written only when the caller runs the queue with :func:`run_jobs`, all
    at once: one parallel pass for a whole model. Only the element-wise
    fills of :func:`sample_` without ``global_shape`` are queued;
    initializers that write otherwise (orthogonal_, eye_, dirac_, sparse_)
    write at once, so a caller must not queue a fill of a tensor that such
    an initializer then writes again.
    """
    outer = _queue.jobs
    _queue.jobs = jobs = []
    try:
        yield jobs
    finally:
        _queue.jobs = outer


@contextlib.contextmanager
def immediate():
    """Write every fill at its call, even inside :func:`collecting` (for
    initializers that write a tensor again after a fill: eye_, sparse_)."""
    outer = _queue.jobs
    _queue.jobs = None
    try:
        yield
    finally:
        _queue.jobs = outer


def run_jobs(jobs, num_threads=None):
    """Write queued fills (from :func:`collecting`) in one parallel pass, then bump
    the version counters of the torch tensors written. Tables still being
    built for queued fills (fastinit.truncated's ziggurats) are waited for
    first: a build that failed raises before anything is written."""
    for j in jobs:
        table = j[3].get("table")
        if isinstance(table, Future):
            j[3]["table"] = table.result()
    _core.fill_many([j[:6] for j in jobs], _resolve_threads(num_threads))
    for j in jobs:
        mark_written(j[6])


def functional(inplace):
    """Make the functional twin of an in-place initializer.

    ``name(shape, *args, dtype=float32, **kw)`` allocates ``numpy.empty(shape,
    dtype)`` and fills it with ``name_``; the first touch of the fresh memory
    happens inside the parallel fill.
    """
    sig = inspect.signature(inplace)
    params = list(sig.parameters.values())
    # (the annotations are the strings of fastinit/_typing.py, as in the
    # package stub's overloads: tools/make_stub.py)
    shape_p = inspect.Parameter("shape", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation="ShapeLike")
    dtype_p = inspect.Parameter("dtype", inspect.Parameter.KEYWORD_ONLY, default="float32",
                                annotation="FloatDTypeLike")

    @functools.wraps(inplace)
    def twin(shape, *args, dtype="float32", **kwargs):
        arr = np.empty(check_shape(shape), dtype=check_dtype(dtype))
        _hugepages.advise_array(arr)    # before the fill's parallel first touch
        return inplace(arr, *args, **kwargs)

    twin.__name__ = twin.__qualname__ = inplace.__name__.rstrip("_")
    twin.__signature__ = sig.replace(parameters=[shape_p] + params[1:] + [dtype_p],
                                     return_annotation="NDArray[np.floating[Any]]")
    twin.__doc__ = (f"Return a new array of ``shape`` filled like :func:`{inplace.__name__}`.\n\n"
                    f"``dtype`` is {_dtypes.names()} (default float32); other arguments are "
                    f"those of :func:`{inplace.__name__}`.")
    del twin.__wrapped__
    return twin
