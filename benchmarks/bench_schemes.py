"""Fan-scaled schemes (Xavier, Kaiming, LeCun, variance scaling) and the
structured ones (sparse, eye, dirac): fastinit against NumPy, torch and JAX.

Weights are 2-D (out, in) arrays of about ``size`` elements, 1024 wide
(dirac: (c, c, 3)); in-place outputs are pre-touched in setup.
"""
import math

from .common import (DTYPES, SCHEME_SIZES, SEED, fi, gen, jax, matrix_shape, reference, torch,
                     touched)

RANDOM_SCHEMES = ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                  "kaiming_normal_", "lecun_uniform_", "lecun_normal_",
                  "variance_scaling_", "sparse_"]
STRUCTURED = ["eye_", "dirac_"]
EXTRA_ARGS = {"sparse_": (0.1,)}


def shape_for(name, size):
    if name == "dirac_":
        c = max(1, math.isqrt(size // 3))
        return (c, c, 3)
    return matrix_shape(size)


class Scheme:
    """fastinit in place, default thread count."""
    params = [RANDOM_SCHEMES + STRUCTURED, SCHEME_SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        self.fn = fi(name)
        self.args = EXTRA_ARGS.get(name, ())
        self.kw = {"rng": SEED} if name in RANDOM_SCHEMES else {}
        self.out = touched(shape_for(name, size), dtype)

    def time_scheme(self, name, size, dtype):
        self.fn(self.out, *self.args, **self.kw)

    def peakmem_scheme(self, name, size, dtype):
        self.fn(self.out, *self.args, **self.kw)


class SchemeFunctional:
    """The functional twins (new array, default float32 unless dtype=)."""
    params = [[n.rstrip("_") for n in RANDOM_SCHEMES + STRUCTURED], [1_000_000], DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        self.fn = fi(name)
        self.shape = shape_for(name + "_", size)
        self.args = EXTRA_ARGS.get(name + "_", ())
        self.kw = {"rng": SEED} if name + "_" in RANDOM_SCHEMES else {}

    def time_functional(self, name, size, dtype):
        self.fn(self.shape, *self.args, dtype=dtype, **self.kw)

    def peakmem_functional(self, name, size, dtype):
        self.fn(self.shape, *self.args, dtype=dtype, **self.kw)


class NumpyScheme:
    """What a NumPy user writes: Generator.normal / uniform in float64, then cast."""
    params = [["normal", "uniform"], SCHEME_SIZES, DTYPES]
    param_names = ["distribution", "size", "dtype"]

    def setup(self, dist, size, dtype):
        self.g = gen()
        self.shape = matrix_shape(size)
        fan_in, fan_out = reference("fans")(self.shape)
        self.scale = math.sqrt(2.0 / (fan_in + fan_out))

    def time_scheme(self, dist, size, dtype):
        if dist == "normal":
            self.g.normal(0.0, self.scale, self.shape).astype(dtype)
        else:
            b = math.sqrt(3) * self.scale
            self.g.uniform(-b, b, self.shape).astype(dtype)

    def peakmem_scheme(self, dist, size, dtype):
        self.time_scheme(dist, size, dtype)


TORCH = ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
         "sparse_", "eye_", "dirac_"]


class TorchScheme:
    """torch.nn.init on a pre-touched tensor (torch has no lecun_* / variance_scaling_)."""
    params = [TORCH, SCHEME_SIZES, DTYPES]
    param_names = ["function", "size", "dtype"]

    def setup(self, name, size, dtype):
        t = torch()
        self.fn = getattr(t.nn.init, name)
        self.args = EXTRA_ARGS.get(name, ())
        self.out = t.from_numpy(touched(shape_for(name, size), dtype))

    def time_scheme(self, name, size, dtype):
        self.fn(self.out, *self.args)


JAX = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
       "lecun_normal"]


class JaxScheme:
    """jax.nn.initializers (he_normal / lecun_normal / glorot_normal are truncated there)."""
    params = [JAX, SCHEME_SIZES, DTYPES]
    param_names = ["initializer", "size", "dtype"]

    def setup(self, name, size, dtype):
        j = jax()
        init = getattr(j.nn.initializers, name)(in_axis=-1, out_axis=-2)
        key = j.random.PRNGKey(SEED)
        shape = matrix_shape(size)
        self.fn = lambda: init(key, shape, dtype)
        self.fn().block_until_ready()

    def time_scheme(self, name, size, dtype):
        self.fn().block_until_ready()

