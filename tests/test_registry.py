"""fastinit.get: names, aliases, JSON round trip."""
import json

import numpy as np
import pytest

import fastinit
from fastinit import registry


def test_every_name_resolves():
    names = fastinit.available()
    for must in ("he_normal", "he_uniform", "glorot_uniform", "glorot_normal", "kaiming_normal",
                 "xavier_uniform", "lecun_normal", "variance_scaling", "trunc_normal",
                 "truncated_normal", "zeros", "eye", "dirac", "sparse", "bias_uniform",
                 "orthogonal", "delta_orthogonal"):
        assert must in names
    for name in names:
        kw = {"constant": {"val": 0.5}, "sparse": {"sparsity": 0.1},
              "bias_uniform": {"weight": [4, 3]}}.get(registry._canonical(name), {})
        init = fastinit.get(name, **kw)
        assert init.name == registry._canonical(name)


@pytest.mark.parametrize("spelling", ["he_normal", "HE_NORMAL", "he_normal_", "he-normal",
                                      "kaiming_normal"])
def test_spellings(spelling):
    assert fastinit.get(spelling).fn is fastinit.kaiming_normal_


@pytest.mark.parametrize("name,kwargs,shape", [
    ("he_normal", {"mode": "fan_out", "nonlinearity": "relu"}, (64, 32)),
    ("glorot_uniform", {"gain": 0.5}, (16, 8, 3)),
    ("variance_scaling", {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform",
                          "in_axis": -2, "out_axis": -1, "batch_axis": [0]}, (2, 16, 8)),
    ("trunc_normal", {"std": 0.02, "a": -0.04, "b": 0.04}, (128,)),
    ("sparse", {"sparsity": 0.3, "std": 0.1}, (20, 5)),
    ("constant", {"val": 0.25}, (3, 3)),
    ("lecun_normal", {"rng": 11}, (10, 10)),
    ("orthogonal", {"gain": 2.0}, (6, 4)),
    ("delta_orthogonal", {"gain": 1.5}, (4, 3, 3, 3)),
])
def test_json_round_trip(name, kwargs, shape):
    init = fastinit.get(name, **kwargs)
    cfg = json.loads(json.dumps(init.get_config()))
    back = fastinit.Initializer.from_config(cfg)
    assert back == init and back.get_config() == init.get_config()
    assert fastinit.get(cfg) == init
    extra = {} if "rng" in kwargs or name == "constant" else {"rng": 3}
    a = init(np.empty(shape, np.float32), **extra)
    b = back(np.empty(shape, np.float32), **extra)
    assert np.array_equal(a, b)
    assert np.array_equal(init.sample(shape, "float64", **extra),
                          back.sample(shape, "float64", **extra))


def test_call_time_arguments_and_identity():
    init = fastinit.get("he_uniform")
    w = init(np.empty((300, 200), np.float32), rng=1, num_threads=2)
    assert np.array_equal(w, fastinit.kaiming_uniform_(np.empty((300, 200), np.float32), rng=1))
    assert fastinit.get(init) is init
    assert fastinit.get(init, mode="fan_out").kwargs == {"mode": "fan_out"}
    assert "he" not in repr(init) and "kaiming_uniform" in repr(init)


def test_registry_does_not_advance_the_default_generator():
    fastinit.manual_seed(0)
    a = fastinit.normal(5)
    fastinit.manual_seed(0)
    fastinit.get("he_normal")
    assert np.array_equal(fastinit.normal(5), a)


def test_errors():
    with pytest.raises(ValueError, match="unknown initializer 'nope'; use one of .*he_normal"):
        fastinit.get("nope")
    with pytest.raises(TypeError, match="unexpected argument 'gain'"):
        fastinit.get("he_normal", gain=2.0)
    with pytest.raises(ValueError, match="Mode fan_sideways not supported"):
        fastinit.get("he_normal", mode="fan_sideways")
    with pytest.raises(TypeError, match="must be a str"):
        fastinit.get(3)
    with pytest.raises(TypeError, match="not JSON-serializable"):
        fastinit.get("normal", rng=np.random.default_rng(0)).get_config()
    with pytest.raises(ValueError, match="unknown keys"):
        fastinit.Initializer.from_config({"name": "normal", "extra": 1})


def test_one_line_extension(monkeypatch):
    """Adding an initializer is one table entry (as orthogonal will be)."""
    monkeypatch.setitem(registry._TABLE, "my_normal", ("fastinit.fills", "normal_", ("mine",)))
    assert fastinit.get("mine", std=2.0).get_config() == {"name": "my_normal",
                                                          "kwargs": {"std": 2.0}}


def test_no_alias_is_a_canonical_name():
    """_canonical answers canonical names straight from the table."""
    names = set(registry._TABLE)
    assert not [a for _, _, aliases, *_ in registry._TABLE.values() for a in aliases
                if a in names]


def test_probe_runs_once_per_plain_arguments(monkeypatch):
    """get() checks argument values on a probe fill once per (name, plain
    arguments); arguments that could change (a Generator) are probed every
    time, and bad values are refused every time."""
    calls = []
    real = registry.Initializer.sample

    def counting(self, *a, **kw):
        calls.append(self.name)
        return real(self, *a, **kw)
    monkeypatch.setattr(registry.Initializer, "sample", counting)
    monkeypatch.setattr(registry, "_PROBED", set())
    for _ in range(3):
        fastinit.get("he_normal", mode="fan_out", nonlinearity="relu")
    assert calls == ["kaiming_normal"]
    fastinit.get("he_normal", mode="fan_out", nonlinearity="relu", a=1)   # other values
    fastinit.get("he_normal", mode="fan_out", nonlinearity="relu", a=1.0)  # other type
    assert len(calls) == 3
    for _ in range(2):
        with pytest.raises(ValueError, match="Mode"):
            fastinit.get("he_normal", mode="fan_sideways")
    assert len(calls) == 5
    gen = np.random.default_rng(0)
    fastinit.get("normal", rng=gen)
    fastinit.get("normal", rng=gen)
    assert calls[-2:] == ["normal", "normal"]
