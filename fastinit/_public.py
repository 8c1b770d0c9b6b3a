"""The one list of fastinit's public initializers and helpers.

Every public function is registered once, by the :func:`public` decorator
on its definition. Everything else derives from that list:

- the functional twin (``xavier_uniform`` of ``xavier_uniform_``) and the
  exported aliases (``glorot_uniform_``, ``glorot_uniform``) are made here and
  set in the defining module, with the module's ``__all__``;
- ``fastinit.__all__`` and the package namespace (``fastinit/__init__.py``);
- the ``fastinit.get`` registry (``registry._TABLE``);
- the asv coverage list (``benchmarks/common.COVERED``) and the docstring
  test list (``tests/test_docs.py``).

Adding an initializer: its function with ``@public(...)`` in a module that
``fastinit/__init__.py`` imports, its asv benchmark, its tests.
"""
from __future__ import annotations

import inspect
import sys
from collections import namedtuple
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])

Entry = namedtuple("Entry", "name function module aliases lookup probe bench cited twin")
Entry.__doc__ = """One public function.

name: the canonical name (the in-place name without '_'); function: the
in-place function's name; module: its module; aliases: other exported
names (each also gets a functional twin); lookup: names only
``fastinit.get`` accepts; probe: the shape ``fastinit.get`` checks
arguments on (None: not in the registry); bench: the asv module that
benchmarks it; cited: its docstring has the formula, a paper and an
example (checked by tests/test_docs.py); twin: it has a functional twin.
"""

ENTRIES: dict[str, Entry] = {}
DEFAULT_PROBE = (4, 4, 3, 3, 3)


def public(*, aliases: tuple[str, ...] = (), lookup: tuple[str, ...] = (),
           probe: tuple[int, ...] | None = DEFAULT_PROBE, bench: str | None = None,
           cited: bool = True, twin: bool = True) -> Callable[[_F], _F]:
    """Register the decorated in-place function (see the module docstring).

    ``probe=None`` keeps it out of the ``fastinit.get`` registry (helpers);
    ``bench=None`` means it is not an initializer the asv suite must cover.
    """
    def register(fn: _F) -> _F:
        from ._distributed import accepts_dtensor
        from ._tensor import functional
        if fn.__name__.endswith("_") and next(iter(inspect.signature(fn).parameters)) in (
                "tensor", "bias"):
            fn = accepts_dtensor(fn)   # DTensor parameters: the local shard, as a block
        name = fn.__name__.rstrip("_")
        module = sys.modules[fn.__module__]
        entry = Entry(name, fn.__name__, fn.__module__, tuple(aliases), tuple(lookup),
                      probe, bench, cited, twin)
        if fn.__name__.endswith("_"):
            for alias in aliases:
                setattr(module, alias + "_", fn)
            if twin:
                made = functional(fn)
                for n in (name, *aliases):
                    setattr(module, n, made)
        all_ = module.__dict__.setdefault("__all__", [])
        all_ += [n for n in _names(entry) if n not in all_]
        ENTRIES[name] = entry
        return fn
    return register


def _names(e):
    """The names entry ``e`` exports: in place, aliases, then the functional twins."""
    if not e.function.endswith("_"):
        return [e.function]
    inplace = [e.function] + [a + "_" for a in e.aliases]
    return inplace + ([e.name, *e.aliases] if e.twin else [])


def exported():
    """Every name the entries export, in registration order."""
    return [n for e in ENTRIES.values() for n in _names(e)]


def module_of(name):
    """The module that defines exported ``name``."""
    for e in ENTRIES.values():
        if name in _names(e):
            return sys.modules[e.module]
    raise KeyError(name)


def table():
    """The ``fastinit.get`` registry: {name: (module, function, names, probe shape)}."""
    return {e.name: (e.module, e.function, e.aliases + e.lookup, e.probe)
            for e in ENTRIES.values() if e.probe is not None}


def covered():
    """{in-place function: asv module} for every initializer the asv suite must cover."""
    return {e.function: e.bench for e in ENTRIES.values() if e.bench}


def cited():
    """The public functions whose docstrings must cite a formula, a paper and an example."""
    return [e.function for e in ENTRIES.values() if e.cited]
