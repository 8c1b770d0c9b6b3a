"""Lazy, chunk-invariant ``dask.array`` versions of fastinit's functional initializers.

``fastinit.dask.normal(shape, mean, std, chunks=..., rng=..., dtype=...)``
and every other functional initializer (same names, same arguments, plus
``chunks=``) return a lazy :class:`dask.array.Array`. Each chunk is filled
on its own, by whichever worker computes it, through the index space
(``global_shape=`` and ``index=``): the computed array equals
``fastinit.normal(shape, ..., rng=...)`` bit for bit for **any** chunking
and any scheduler, and fans come from the whole shape.

Seeds: an int, a :class:`fastinit.Key` or a ``SeedSequence`` is used by
every chunk as it is (a SeedSequence is copied per chunk, so that
multi-stream initializers spawn the same children in every chunk). A
``numpy.random.Generator`` or ``None`` (the default generator) is drawn
from once, when the array is built, into a Key; the result is then the
NumPy result for ``rng=`` that Key (for single-stream initializers, the
same as passing the Generator itself to the NumPy function).

Each chunk runs on one thread unless ``num_threads=`` says otherwise: the
parallelism is dask's (workers, threads), and the values do not depend on it.

Needs the optional extra ``dask`` (``pip install fastinit-nn[dask]``).
"""
import copy
import functools
import inspect
import itertools
import numbers

import numpy as np

try:
    import dask.array as da
    from dask.base import tokenize
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError("fastinit.dask needs dask: pip install 'fastinit-nn[dask]' "
                      "(dask[array])") from exc

from . import _public
from ._random import Key
from ._tensor import check_dtype, check_shape

__all__ = []


def _seed(rng):
    """What every chunk gets as ``rng=``: a stateless seed (see the module docstring)."""
    if rng is None or isinstance(rng, np.random.Generator):
        return Key(rng)
    if isinstance(rng, (Key, np.random.SeedSequence)) or (
            isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        Key(copy.deepcopy(rng))   # the checks of rng=, nothing kept
        return rng
    raise TypeError("rng must be None, an int, a numpy.random.SeedSequence, a "
                    f"numpy.random.Generator or a fastinit.Key, got {type(rng).__name__}: "
                    f"{rng!r}")


def _chunk(inplace, shape, dtype, args, kwargs, indexed, index):
    """One chunk: ``whole[index]`` of ``inplace`` on a tensor of ``shape``."""
    out = np.empty(tuple(s.stop - s.start for s in index), dtype)
    kw = dict(kwargs)
    if "rng" in kw:
        kw["rng"] = copy.deepcopy(kw["rng"])
    if indexed:
        kw.update(global_shape=shape, index=index)
    inplace(out, *args, **kw)
    return out


def _lazy(inplace):
    """The dask twin of in-place initializer ``inplace``."""
    sig = inspect.signature(inplace)
    random = "rng" in sig.parameters
    indexed = "index" in sig.parameters
    threaded = "num_threads" in sig.parameters
    name = inplace.__name__.rstrip("_")

    @functools.wraps(inplace)
    def twin(shape, *args, chunks="auto", dtype="float32", **kwargs):
        shape = check_shape(shape)
        dtype = check_dtype(dtype)
        for bad in ("global_shape", "index", "offset", "generator"):
            if kwargs.get(bad) is not None and not (bad == "offset" and kwargs[bad] == 0):
                raise ValueError(f"fastinit.dask.{name} takes no {bad}= (the chunks are its "
                                 f"blocks; pass rng=)")
        if random:
            kwargs["rng"] = _seed(kwargs.get("rng"))
        if threaded:
            kwargs.setdefault("num_threads", 1)   # dask runs the chunks in parallel
        chunks = da.core.normalize_chunks(chunks, shape, dtype=dtype)
        token = tokenize(name, shape, chunks, str(dtype), args,
                         {k: (v.words if isinstance(v, Key) else v) for k, v in kwargs.items()})
        key_name = f"fastinit-{name}-{token}"
        starts = [np.concatenate(([0], np.cumsum(c))).tolist() for c in chunks]
        fill = functools.partial(_chunk, inplace, shape, dtype, args, kwargs, indexed)
        graph = {}
        for pos in itertools.product(*(range(len(c)) for c in chunks)):
            index = tuple(slice(int(s[i]), int(s[i + 1])) for s, i in zip(starts, pos))
            graph[(key_name,) + pos] = (fill, index)
        return da.Array(graph, key_name, chunks, meta=np.empty((0,) * len(shape), dtype))

    twin.__name__ = twin.__qualname__ = name
    params = [p for p in sig.parameters.values()
              if p.name not in ("generator", "offset", "global_shape", "index")][1:]
    shape_p = inspect.Parameter("shape", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                annotation="ShapeLike")
    extra = [inspect.Parameter("chunks", inspect.Parameter.KEYWORD_ONLY, default="auto",
                               annotation="ChunksLike"),
             inspect.Parameter("dtype", inspect.Parameter.KEYWORD_ONLY, default="float32",
                               annotation="FloatDTypeLike")]
    twin.__signature__ = sig.replace(parameters=[shape_p] + params + extra,
                                     return_annotation="DaskArray")
    twin.__doc__ = (f"A lazy dask array of ``shape`` filled like :func:`fastinit.{name}`, "
                    f"chunk by chunk.\n\n``chunks`` is any dask chunk spec; the values do "
                    f"not depend on it. Other arguments are those of "
                    f":func:`fastinit.{inplace.__name__}`.")
    del twin.__wrapped__
    return twin


def _build():
    for entry in _public.ENTRIES.values():
        if not entry.twin or not entry.function.endswith("_"):
            continue      # (calculate_gain and the fans are not fills)
        module = __import__(entry.module, fromlist=[entry.function])
        made = _lazy(getattr(module, entry.function))
        for n in (entry.name, *entry.aliases):
            globals()[n] = made
            __all__.append(n)


_build()
