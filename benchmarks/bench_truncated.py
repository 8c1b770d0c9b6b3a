"""Truncated normal: fastinit.trunc_normal_ against NumPy rejection, SciPy, torch and JAX.

Bounds cover the common case (+-2 sigma, 95% acceptance), a one-sided tail
and a narrow interval far in the tail, where naive rejection is hopeless.
"""
import math

from .common import DTYPES, SEED, SIZES, fi, gen, jax, reference, torch, touched

BOUNDS = ["-2,2", "0,inf", "3,4"]


def _ab(bounds):
    a, b = (float(x) for x in bounds.split(","))
    return a, b


class TruncNormal:
    params = [BOUNDS, SIZES, DTYPES]
    param_names = ["bounds", "size", "dtype"]

    def setup(self, bounds, size, dtype):
        self.fn = fi("trunc_normal_")
        self.a, self.b = _ab(bounds)
        self.out = touched(size, dtype)

    def time_trunc_normal(self, bounds, size, dtype):
        self.fn(self.out, 0.0, 1.0, self.a, self.b, rng=SEED)

    def peakmem_trunc_normal(self, bounds, size, dtype):
        self.fn(self.out, 0.0, 1.0, self.a, self.b, rng=SEED)


class TruncNormalFunctional:
    params = [SIZES, DTYPES]
    param_names = ["size", "dtype"]

    def setup(self, size, dtype):
        self.fn = fi("trunc_normal")

    def time_trunc_normal(self, size, dtype):
        self.fn(size, dtype=dtype, rng=SEED)

    def peakmem_trunc_normal(self, size, dtype):
        self.fn(size, dtype=dtype, rng=SEED)


class NumpyRejection:
    """What a NumPy user writes for +-2 sigma: draw, then redraw the rejects."""
    params = [SIZES, DTYPES]
    param_names = ["size", "dtype"]

    def setup(self, size, dtype):
        self.g = gen()
        self.fn = reference("np_trunc_normal")
        self.out = touched(size, dtype)

    def time_trunc_normal(self, size, dtype):
        self.fn(self.g, self.out, 1.0, 2.0)


class ScipyTruncnorm:
    """scipy.stats.truncnorm.rvs (inverse CDF, float64, then cast)."""
    params = [BOUNDS, SIZES[:2], DTYPES]
    param_names = ["bounds", "size", "dtype"]

    def setup(self, bounds, size, dtype):
        try:
            from scipy import stats
        except Exception:
            raise NotImplementedError("scipy is not importable") from None
        self.dist = stats.truncnorm(*_ab(bounds))
        self.g = gen()

    def time_trunc_normal(self, bounds, size, dtype):
        self.dist.rvs(size=size, random_state=self.g).astype(dtype)


class TorchTruncNormal:
    """torch.nn.init.trunc_normal_ (inverse CDF; slow in the tails, so the
    largest size runs in TorchTruncNormalLarge, for the common bounds only)."""
    params = [BOUNDS, SIZES[:2], DTYPES]
    param_names = ["bounds", "size", "dtype"]

    def setup(self, bounds, size, dtype):
        t = torch()
        self.a, self.b = _ab(bounds)
        self.out = t.from_numpy(touched(size, dtype))
        self.fn = t.nn.init.trunc_normal_

    def time_trunc_normal(self, bounds, size, dtype):
        self.fn(self.out, 0.0, 1.0, self.a, self.b)


class JaxTruncNormal:
    params = [BOUNDS, SIZES[:2], DTYPES]
    param_names = ["bounds", "size", "dtype"]

    def setup(self, bounds, size, dtype):
        j = jax()
        key = j.random.PRNGKey(SEED)
        a, b = _ab(bounds)
        b = math.inf if math.isinf(b) else b
        self.fn = lambda: j.random.truncated_normal(key, a, b, (size,), dtype)
        self.fn().block_until_ready()

    def time_trunc_normal(self, bounds, size, dtype):
        self.fn().block_until_ready()


class TorchTruncNormalLarge(TorchTruncNormal):
    params = [["-2,2"], SIZES[2:], DTYPES]
    timeout = 180


class JaxTruncNormalLarge(JaxTruncNormal):
    params = [["-2,2"], SIZES[2:], DTYPES]
    timeout = 180


class TruncNormalFirstCall:
    """The waits before any value is drawn (issue 21): the first trunc_normal_
    of a fresh interpreter (imports done), and a call with an interval whose
    ziggurat table is not built yet (a new half-width c each time).

    The first call runs in a subprocess (asv's process has made calls
    already); its time is printed by the child, so interpreter start-up is
    not counted. ``track_*`` report milliseconds.
    """
    params = [BOUNDS]
    param_names = ["bounds"]
    unit = "ms"
    _code = ("import sys, time, numpy as np, fastinit\n"
             "a, b = float(sys.argv[1]), float(sys.argv[2])\n"
             "out = np.zeros(10_000, np.float32)\n"
             "t = time.perf_counter(); fastinit.trunc_normal_(out, a=a, b=b, rng=0)\n"
             "print(1e3 * (time.perf_counter() - t))\n")

    def setup(self, bounds):
        fi("trunc_normal_")
        self.a, self.b = _ab(bounds)

    def track_first_call_ms(self, bounds):
        import subprocess
        import sys
        out = subprocess.run([sys.executable, "-c", self._code, str(self.a), str(self.b)],
                             check=True, capture_output=True, text=True).stdout
        return float(out)


class TruncNormalNewInterval:
    """A call whose interval needs a new ziggurat table (built once per c),
    immediate, and 20 such fills queued as init_ / materialize queue them
    (tables built ahead on helper threads)."""
    _next = [0]

    def setup(self):
        self.fn = fi("trunc_normal_")
        from fastinit import _tensor
        self.tensor = _tensor
        self.out = touched(10_000, "float32")
        self.outs = [touched(10_000, "float32") for _ in range(20)]

    def _c(self):
        self._next[0] += 1
        return 1.0 + (self._next[0] % 1_000_000) * 2.0 ** -30   # never the same c twice

    def time_new_c(self):
        c = self._c()
        self.fn(self.out, 0.0, 1.0, -c, c, rng=SEED)

    def time_20_new_c_queued(self):
        with self.tensor.collecting() as jobs:
            for out in self.outs:
                c = self._c()
                self.fn(out, 0.0, 1.0, -c, c, rng=SEED)
        self.tensor.run_jobs(jobs)
