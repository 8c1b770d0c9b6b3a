"""fastinit._public: one registration per public function, everything derived from it."""
import sys
import types

import numpy as np

import fastinit
from fastinit import _public, registry


def test_exports_registry_and_coverage_come_from_the_entries():
    for e in _public.ENTRIES.values():
        module = sys.modules[e.module]
        fn = getattr(module, e.function)
        assert getattr(fastinit, e.function) is fn and e.function in fastinit.__all__
        for alias in e.aliases:
            assert getattr(fastinit, alias + "_") is fn
        if e.twin and e.function.endswith("_"):
            twin = getattr(fastinit, e.name)
            assert [getattr(fastinit, a) for a in e.aliases] == [twin] * len(e.aliases)
            assert e.function in twin.__doc__
        assert (e.name in registry._TABLE) == (e.probe is not None)
    assert len(fastinit.__all__) == len(set(fastinit.__all__))


def test_registering_a_new_initializer_is_one_decorator(monkeypatch):
    module = types.ModuleType("fastinit_scratch_module")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(_public, "ENTRIES", dict(_public.ENTRIES))

    def halves_(tensor, *, num_threads=None):
        """Fill with 0.5."""
        return fastinit.constant_(tensor, 0.5, num_threads=num_threads)
    halves_.__module__ = module.__name__
    registered = _public.public(aliases=("half",), lookup=("one_half",),
                                bench="bench_fills")(halves_)
    # the decorator returns the function as exported (wrapped to take DTensors)
    assert registered.__wrapped__ is halves_
    assert module.__all__ == ["halves_", "half_", "halves", "half"]
    assert module.half_ is registered and np.all(module.halves((2, 3)) == 0.5)
    assert _public.table()["halves"] == (module.__name__, "halves_", ("half", "one_half"),
                                         _public.DEFAULT_PROBE)
    assert _public.covered()["halves_"] == "bench_fills"
    assert "halves_" in _public.cited() and "halves" in _public.exported()
