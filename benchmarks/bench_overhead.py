"""Per-call overhead: one call on a small target (16 x 16 weight, 16 bias).

Biases, norms and small layers are most of a model's tensors by count: what
a call costs besides its values. The calls are those of ``python -m
fastinit bench --overhead`` (fastinit.cli.overhead), fastinit against the
torch.nn.init call it replaces, plus the functional twins and the registry.
Targets are made in setup; nothing is allocated in ``time_*`` except by the
functional twins, whose allocation is their cost.
"""
import math

import numpy as np

from .common import SEED, fi, torch

SQRT5 = math.sqrt(5.0)
# name: (in-place function, positional arguments, keyword arguments, target)
CALLS = {
    "normal_": ("normal_", (), {}, "w"),
    "normal_rng": ("normal_", (), {"rng": SEED}, "w"),
    "uniform_bias": ("uniform_", (-0.1, 0.1), {}, "b"),
    "zeros_": ("zeros_", (), {}, "b"),
    "constant_": ("constant_", (0.5,), {}, "w"),
    "kaiming_uniform_": ("kaiming_uniform_", (), {}, "w"),
    "kaiming_uniform_sqrt5": ("kaiming_uniform_", (), {"a": SQRT5}, "w"),
    "xavier_uniform_": ("xavier_uniform_", (), {}, "w"),
    "trunc_normal_": ("trunc_normal_", (), {"std": 0.02}, "w"),
}
TORCH_ONLY_KW = {"rng"}     # fastinit's own keywords: no torch.nn.init twin


def _targets(t):
    """(w, b): torch tensors when ``t`` is torch, else NumPy float32 arrays."""
    if t is None:
        return np.zeros((16, 16), np.float32), np.zeros(16, np.float32)
    return t.zeros(16, 16), t.zeros(16)


def _torch_or_none():
    try:
        return torch()
    except NotImplementedError:
        return None


class Overhead:
    """fastinit in place on small torch tensors (NumPy arrays without torch)."""
    params = [list(CALLS)]
    param_names = ["call"]

    def setup(self, call):
        name, self.args, self.kw, which = CALLS[call]
        self.fn = fi(name)
        w, b = _targets(_torch_or_none())
        self.target = w if which == "w" else b
        self.fn(self.target, *self.args, **self.kw)   # first call outside the timing

    def time_call(self, call):
        self.fn(self.target, *self.args, **self.kw)


class TorchOverhead:
    """torch.nn.init on the same targets (the reference of each row)."""
    params = [[c for c, (_, _, kw, _) in CALLS.items() if not set(kw) & TORCH_ONLY_KW]]
    param_names = ["call"]

    def setup(self, call):
        t = torch()
        name, self.args, self.kw, which = CALLS[call]
        self.fn = getattr(t.nn.init, name)
        w, b = _targets(t)
        self.target = w if which == "w" else b

    def time_call(self, call):
        self.fn(self.target, *self.args, **self.kw)


class NumpyOverhead:
    """fastinit in place on a NumPy 16 x 16 float32 array (no torch key draw)."""

    def setup(self):
        self.normal_, self.kaiming_uniform_ = fi("normal_"), fi("kaiming_uniform_")
        self.out = np.zeros((16, 16), np.float32)

    def time_normal_rng(self):
        self.normal_(self.out, rng=SEED)

    def time_kaiming_uniform_rng(self):
        self.kaiming_uniform_(self.out, rng=SEED)


class Wrappers:
    """The functional twins and the registry: compare with the in-place rows."""

    def setup(self):
        self.normal, self.kaiming, self.get = fi("normal"), fi("kaiming_uniform"), fi("get")
        self.bound = self.get("normal")
        self.out = _targets(_torch_or_none())[0]

    def time_functional_normal(self):
        self.normal((16, 16), rng=SEED)

    def time_functional_kaiming_uniform(self):
        self.kaiming((16, 16), rng=SEED)

    def time_registry_bound_call(self):
        self.bound(self.out)

    def time_registry_get_and_call(self):
        self.get("normal")(self.out)
