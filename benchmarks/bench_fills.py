"""Element-wise fills: fastinit against NumPy Generator, torch.nn.init and jax.random.

In-place outputs are pre-touched in setup; seeds are fixed. The comparison
classes skip themselves (NotImplementedError in setup) when their library
is missing.
"""
from .common import DTYPES, SEED, SIZES, fi, gen, jax, torch, touched

FILLS = ["zeros_", "ones_", "constant_", "uniform_", "normal_"]
ARGS = {"zeros_": (), "ones_": (), "constant_": (0.01,), "uniform_": (-1.0, 1.0),
        "normal_": (0.0, 1.0)}
RANDOM = {"uniform_", "normal_"}


class Fill:
    """fastinit in place, default thread count."""
    params = [FILLS, SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        self.fn = fi(name)
        self.args = ARGS[name]
        self.kw = {"rng": SEED} if name in RANDOM else {}
        self.out = touched(size, dtype)

    def time_fill(self, name, size, dtype):
        self.fn(self.out, *self.args, **self.kw)

    def peakmem_fill(self, name, size, dtype):
        self.fn(self.out, *self.args, **self.kw)


class FillFunctional:
    """fastinit's functional twins: a new array, first touch inside the parallel fill."""
    params = [[n.rstrip("_") for n in FILLS], SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        self.fn = fi(name)
        self.args = ARGS[name + "_"]
        self.kw = {"rng": SEED} if name + "_" in RANDOM else {}

    def time_functional(self, name, size, dtype):
        self.fn(size, *self.args, dtype=dtype, **self.kw)

    def peakmem_functional(self, name, size, dtype):
        self.fn(size, *self.args, dtype=dtype, **self.kw)


class Memset:
    """The roofline: ndarray.fill on a pre-touched array."""
    params = [SIZES, DTYPES]
    param_names = ["size", "dtype"]

    def setup(self, size, dtype):
        self.out = touched(size, dtype)

    def time_fill(self, size, dtype):
        self.out.fill(0.5)


NUMPY = {
    "constant_": lambda g, out: out.fill(0.01),
    "uniform_": lambda g, out: g.random(out=out, dtype=out.dtype),
    "normal_": lambda g, out: g.standard_normal(out=out, dtype=out.dtype),
}


class NumpyFill:
    """NumPy Generator equivalents, in place (out=)."""
    params = [list(NUMPY), SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        self.g = gen()
        self.fn = NUMPY[name]
        self.out = touched(size, dtype)

    def time_fill(self, name, size, dtype):
        self.fn(self.g, self.out)

    def peakmem_fill(self, name, size, dtype):
        self.fn(self.g, self.out)


class TorchFill:
    """torch.nn.init on a pre-touched CPU tensor (torch's CPU fills are serial)."""
    params = [FILLS, SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        t = torch()
        self.fn = getattr(t.nn.init, name)
        self.args = ARGS[name]
        self.out = t.from_numpy(touched(size, dtype))

    def time_fill(self, name, size, dtype):
        self.fn(self.out, *self.args)


class JaxFill:
    """jax.random / jnp.full (new immutable arrays; block_until_ready)."""
    params = [["constant", "uniform", "normal"], SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        j = jax()
        key = j.random.PRNGKey(SEED)
        self.fn = {
            "constant": lambda: j.numpy.full(size, 0.01, dtype),
            "uniform": lambda: j.random.uniform(key, (size,), dtype, -1.0, 1.0),
            "normal": lambda: j.random.normal(key, (size,), dtype),
        }[name]
        self.fn().block_until_ready()  # compile outside the timing

    def time_fill(self, name, size, dtype):
        self.fn().block_until_ready()

