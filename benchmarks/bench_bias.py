"""Bias helpers and torch's default layer init (weight + bias in one call)."""
from .common import DTYPES, SEED, fi, matrix_shape, torch, touched

WIDTHS = [1024, 65536]


class Bias:
    params = [["bias_zeros_", "bias_constant_", "bias_uniform_"], WIDTHS, DTYPES]
    param_names = ["function", "width", "dtype"]

    def setup(self, name, width, dtype):
        self.fn = fi(name)
        self.out = touched(width, dtype)
        self.args = {"bias_uniform_": ((width, 1024),)}.get(name, ())
        self.kw = {"rng": SEED} if name == "bias_uniform_" else {}

    def time_bias(self, name, width, dtype):
        self.fn(self.out, *self.args, **self.kw)

    def peakmem_bias(self, name, width, dtype):
        self.fn(self.out, *self.args, **self.kw)


class DefaultLayerInit:
    """fastinit.torch_default_init_ against nn.Linear.reset_parameters' two calls."""
    params = [[1_000_000, 64_000_000], DTYPES]
    param_names = ["size", "dtype"]

    def setup(self, size, dtype):
        self.fn = fi("torch_default_init_")
        shape = matrix_shape(size)
        self.w = touched(shape, dtype)
        self.b = touched(shape[0], dtype)

    def time_default_init(self, size, dtype):
        self.fn(self.w, self.b, rng=SEED)

    def peakmem_default_init(self, size, dtype):
        self.fn(self.w, self.b, rng=SEED)


class TorchDefaultLayerInit:
    params = [[1_000_000, 64_000_000], DTYPES]
    param_names = ["size", "dtype"]

    def setup(self, size, dtype):
        t = torch()
        shape = matrix_shape(size)
        self.lin = t.nn.Linear(shape[1], shape[0], dtype=getattr(t, dtype))

    def time_default_init(self, size, dtype):
        self.lin.reset_parameters()
