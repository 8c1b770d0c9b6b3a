"""Initializers by name: ``fastinit.get("he_normal", mode="fan_out")``.

An :class:`Initializer` binds an in-place function to its keyword arguments;
calling it fills a tensor, :meth:`Initializer.sample` makes a new array, and
:meth:`Initializer.get_config` / :meth:`Initializer.from_config` round-trip
it through JSON so that training configs can name initializers.

The table maps each canonical name to (module, function, other names[,
probe shape]); it is built from the ``@public`` registrations of
``fastinit._public``, so an initializer is registered where it is defined.
The probe shape (default (4, 4, 3, 3, 3); (4, 3) for 2-D-only functions) is
filled once when an initializer is built, so that bad argument values fail
at ``get()`` rather than at first use.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import json
import sys
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _public
from ._tensor import check_dtype, check_shape
from ._typing import ArrayT, FloatDTypeLike, GeneratorArg, ShapeLike

__all__ = ["get", "Initializer", "available"]

# name: (module, in-place function, other names, probe shape), derived from
# the @public registrations (fastinit._public)
_TABLE = _public.table()
# Call-time arguments: given to __call__, never stored in a config.
_CALL_ONLY = ("tensor", "generator", "num_threads", "offset")


def _names():
    out = {}
    for name, (_, _, aliases, *_) in _TABLE.items():
        out[name] = name
        for a in aliases:
            out[a] = name
    return out


def available() -> list[str]:
    """Every name :func:`get` accepts (canonical names and aliases), sorted."""
    return sorted(_names())


def _canonical(name):
    if not isinstance(name, str):
        raise TypeError(f"initializer name must be a str, got {type(name).__name__}: {name!r}")
    key = name.strip().lower().replace("-", "_")
    key = key[:-1] if key.endswith("_") else key
    if key in _TABLE:       # a canonical name (no alias is one)
        return key
    names = _names()
    if key not in names:
        raise ValueError(f"unknown initializer {name!r}; use one of {', '.join(sorted(names))}")
    return names[key]


def _function(canonical):
    module, fn = _TABLE[canonical][:2]
    mod = sys.modules.get(module)    # (import_module costs microseconds even when loaded)
    return getattr(mod if mod is not None else importlib.import_module(module), fn)


@functools.lru_cache(maxsize=None)
def _arguments(fn):
    """(the arguments an Initializer may store, whether ``fn`` takes ``rng``)."""
    params = inspect.signature(fn).parameters
    return tuple(p for p in params if p not in _CALL_ONLY), "rng" in params


# names get() was given -> their canonical names (_canonical, remembered)
_ALIASES: dict[str, str] = {}

_SIMPLE = (type(None), bool, int, float, str)
# (name, stored arguments) that passed the probe: the probe is a pure function
# of them when every value is a plain Python scalar or a tuple of them
_PROBED: set[tuple[Any, ...]] = set()


def _probe_key(name, kwargs):
    """The _PROBED key of these arguments, or None where a value could change."""
    if not kwargs:
        return name, ()
    items = []
    for k, v in kwargs.items():
        if type(v) in (tuple, list) and all(type(x) in _SIMPLE for x in v):
            v = (type(v).__name__,) + tuple((type(x).__name__, x) for x in v)
        elif type(v) in _SIMPLE:
            v = (type(v).__name__, v)
        else:
            return None
        items.append((k, v))
    return name, tuple(sorted(items))


class Initializer:
    """An in-place initializer bound to its arguments, serializable to JSON.

    Parameters
    ----------
    name : str
        A canonical name or alias (see :func:`available`).
    **kwargs
        Arguments of the in-place function other than the tensor and the
        call-time ones (``generator``, ``num_threads``, ``offset``); ``rng``
        may be stored as an int seed.

    Examples
    --------
    >>> import json, numpy as np, fastinit
    >>> init = fastinit.get("he_normal", mode="fan_out", nonlinearity="relu")
    >>> w = init(np.empty((64, 32), np.float32), rng=0)
    >>> cfg = json.loads(json.dumps(init.get_config()))
    >>> np.array_equal(fastinit.Initializer.from_config(cfg)(np.empty_like(w), rng=0), w)
    True
    """

    #: The canonical name.
    name: str
    #: The name it was asked for (an alias, or the canonical name).
    alias: str
    #: The stored keyword arguments.
    kwargs: dict[str, Any]
    #: The in-place function it calls.
    fn: Callable[..., Any]

    def __init__(self, name: str, **kwargs: Any) -> None:
        canonical = _ALIASES.get(name) if type(name) is str else None
        if canonical is None:
            canonical = _canonical(name)
            if type(name) is str and len(_ALIASES) < 1024:
                _ALIASES[name] = canonical
        self.name = canonical
        self.alias = name if isinstance(name, str) else self.name
        self.fn = _function(self.name)
        if kwargs:
            allowed, seeded = _arguments(self.fn)
            for k in kwargs:
                if k not in allowed:
                    raise TypeError(f"{self.name} got an unexpected argument {k!r}; its "
                                    f"arguments are {', '.join(allowed)}")
            self.kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
        else:
            self.kwargs = {}
        # check the values now, on a small array, rather than at first use
        # (seeded, so that the default generator is not advanced); arguments
        # that passed once pass again
        probed = _probe_key(self.name, kwargs) if kwargs else (self.name, ())
        if probed is not None and probed in _PROBED:
            return
        probe_kw: dict[str, Any] = {"rng": 0} if _arguments(self.fn)[1] else {}
        entry = _TABLE[self.name]
        shape = entry[3] if len(entry) > 3 else _public.DEFAULT_PROBE
        try:
            self.sample(kwargs.get("full_shape") or shape, **probe_kw)
        except ValueError as e:
            if "dimensions" not in str(e):   # a layout the probe shape does not fit
                raise
        if probed is not None and len(_PROBED) < 4096:
            _PROBED.add(probed)

    def __call__(self, tensor: ArrayT, generator: GeneratorArg = None, *,
                 num_threads: int | None = None, offset: int | None = None,
                 **overrides: Any) -> ArrayT:
        """Fill ``tensor`` in place and return it; ``overrides`` replace stored arguments."""
        if not overrides and generator is None and num_threads is None and offset is None:
            return self.fn(tensor, **self.kwargs)
        kw = {**self.kwargs, **overrides}
        if generator is not None:
            kw["generator"] = generator
        if num_threads is not None:
            kw["num_threads"] = num_threads
        if offset is not None:
            kw["offset"] = offset
        return self.fn(tensor, **kw)

    def sample(self, shape: ShapeLike, dtype: FloatDTypeLike = "float32",
               **overrides: Any) -> NDArray[np.floating[Any]]:
        """A new array of ``shape`` and ``dtype`` filled by this initializer."""
        arr = np.empty(check_shape(shape), dtype=check_dtype(dtype))
        return self(arr, **overrides)

    def get_config(self) -> dict[str, Any]:
        """A JSON-serializable dict: ``{"name": ..., "kwargs": {...}}``."""
        kwargs = {k: list(v) if isinstance(v, tuple) else v for k, v in self.kwargs.items()}
        try:
            json.dumps(kwargs, allow_nan=False)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{self.name}: arguments {self.kwargs!r} are not JSON-"
                            f"serializable ({e})") from None
        return {"name": self.name, "kwargs": kwargs}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Initializer:
        """Rebuild an initializer from :meth:`get_config`'s dict."""
        if not isinstance(config, dict) or "name" not in config:
            raise ValueError(f"config must be a dict with a 'name' key, got {config!r}")
        unknown = set(config) - {"name", "kwargs"}
        if unknown:
            raise ValueError(f"config has unknown keys {sorted(unknown)}; expected 'name' "
                             f"and 'kwargs'")
        return cls(config["name"], **dict(config.get("kwargs") or {}))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Initializer) and self.name == other.name
                and self.kwargs == other.kwargs)

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.kwargs))))

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"fastinit.get({self.name!r}{args})"


def get(identifier: str | Mapping[str, Any] | Initializer, **kwargs: Any) -> Initializer:
    """Return an initializer by name (or from a config dict).

    Parameters
    ----------
    identifier : str, dict or Initializer
        A name or alias (``"he_normal"``, ``"glorot_uniform"``,
        ``"kaiming_normal_"``; see :func:`available`), a dict from
        :meth:`Initializer.get_config`, or an Initializer (returned as is,
        or rebound with ``kwargs``).
    **kwargs
        Arguments stored in the initializer (e.g. ``mode="fan_out"``).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> init = fastinit.get("glorot_uniform")
    >>> init.get_config()
    {'name': 'xavier_uniform', 'kwargs': {}}
    >>> init(np.empty((3, 4), np.float32), rng=1).shape
    (3, 4)
    """
    if type(identifier) is str:     # the common case, first
        return Initializer(identifier, **kwargs)
    if isinstance(identifier, Initializer):
        return Initializer(identifier.name, **{**identifier.kwargs, **kwargs}) if kwargs \
            else identifier
    if isinstance(identifier, dict):
        if kwargs:
            identifier = {**identifier, "kwargs": {**identifier.get("kwargs", {}), **kwargs}}
        return Initializer.from_config(identifier)
    return Initializer(identifier, **kwargs)  # type: ignore[arg-type]  # (refused there)
