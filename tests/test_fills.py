"""Statistics, ranges, golden values and constant fills of fastinit.fills."""
import math

import numpy as np
import pytest
from scipy import stats

import fastinit
from conftest import DTYPES, golden, ks_critical

N = 2**20  # >= 10^6 samples


def _z(diff, se):
    return abs(diff) / se


@pytest.mark.parametrize("dtype", DTYPES)
def test_normal_moments_and_ks(dtype):
    mean, std = 0.5, 2.0
    x = fastinit.normal_(np.empty(N, dtype), mean, std, rng=1234).astype(np.float64)
    z = (x - mean) / std
    # mean, variance, skewness and excess kurtosis within 6 standard errors
    assert _z(z.mean(), 1 / np.sqrt(N)) < 6
    assert _z(z.var() - 1, np.sqrt(2 / N)) < 6
    assert _z(stats.skew(z), np.sqrt(6 / N)) < 6
    assert _z(stats.kurtosis(z), np.sqrt(24 / N)) < 6
    # float16 rounding moves the CDF by at most half a grid step times the density
    slack = 0.0 if dtype != np.float16 else 2.0**-11 * 0.4
    assert stats.kstest(z, "norm").statistic < ks_critical(N) + slack


@pytest.mark.parametrize("dtype", DTYPES)
def test_uniform_moments_and_ks(dtype):
    a, b = -3.0, 5.0
    x = fastinit.uniform_(np.empty(N, dtype), a, b, rng=99)
    assert x.min() >= a and x.max() < b
    u = (x.astype(np.float64) - a) / (b - a)
    assert _z(u.mean() - 0.5, np.sqrt(1 / 12 / N)) < 6
    assert _z(u.var() - 1 / 12, np.sqrt(1 / 180 / N)) < 6
    slack = 0.0 if dtype != np.float16 else 2.0**-11 * 5 / 8
    assert stats.kstest(u, "uniform").statistic < ks_critical(N) + slack


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("a,b", [(0.0, 1.0), (1.0, 2.0), (-1.0, 0.0), (0.1, 0.1 + 1e-3)])
def test_uniform_never_returns_b(dtype, a, b):
    # float16 [0, 1) rounds 1 in 2^12 draws up to 1.0 before the clamp
    x = fastinit.uniform(N, a, b, dtype=dtype, rng=3)
    top = np.nextafter(dtype(b), dtype(-np.inf))
    assert x.max() <= top < dtype(b)
    assert x.min() >= min(dtype(a), top)


@pytest.mark.parametrize("a,b", [(1.0, 2.0), (0.0, 1.0), (-2.0, -1.0), (3.0, 3.0 + 2**-20)])
def test_uniform_clamp_at_the_last_word(a, b):
    # The largest words give u = 1 - 2^-24 (float32) and 1 - 2^-53 (float64);
    # a + (b - a) u then rounds to b in several of these intervals.
    from fastinit import _core
    from fastinit.fills import uniform_params
    p32 = uniform_params(a, b)(np.dtype(np.float32))
    p64 = uniform_params(a, b)(np.dtype(np.float64))
    unclamped = np.float32(a) + np.float32(b - a) * np.float32(1 - 2.0**-24)
    v32 = np.float32(_core._uniform32(0xFFFFFFFF, p32))
    v64 = _core._uniform64(0xFFFFFFFF, 0xFFFFFFFF, p64)
    if (a, b) == (1.0, 2.0):
        assert unclamped == np.float32(b)  # this case really needs the clamp
    assert v32 < np.float32(b) and v64 < b
    assert v32 == min(unclamped, np.nextafter(np.float32(b), np.float32(-np.inf)))
    assert _core._uniform32(0, p32) == np.float32(a)


def test_uniform_degenerate_interval():
    assert (fastinit.uniform(100, 2.5, 2.5) == 2.5).all()


def test_normal_tails_reach():
    # the tail proposals of the extreme words: the largest values the streams
    # can produce, sqrt(R^2 + 64 ln 2) = 7.79 (float32) and sqrt(R^2 + 108
    # ln 2) = 9.55 (float64)
    from fastinit import _core
    assert 7.78 < _core._zig_tailx(0, 32) < 7.80
    assert 9.54 < _core._zig_tailx(0, 64) < 9.56
    # and the largest words give the tail's start R = 4.0388, never NaN
    r = _core._zig_tailx(0xFFFFFFFF, 32)
    assert 4.038 < r < 4.040
    assert 4.038 < _core._zig_tailx(2**64 - 1, 64) < 4.040


def test_normal_zero_std_is_mean():
    assert (fastinit.normal(1000, 3.0, 0.0, rng=0) == 3.0).all()


# First values for seed 1234: they pin every stream. Changing any of them is a
# breaking change (version bump + changelog); tools/golden.py writes them to
# tests/golden.json.
GOLDEN_INDICES = [0, 1, 2, 3, 45, 1000, 99999]
GOLDEN = {(dist, dt): golden(f"fill/{dist}/{dt}")["values"]
          for dist in ("uniform", "normal") for dt in ("float32", "float64", "float16")}
assert all(golden(f"fill/{d}/{t}")["indices"] == GOLDEN_INDICES for d, t in GOLDEN)


@pytest.mark.parametrize("dist,dtype", sorted(GOLDEN))
def test_golden_values(dist, dtype):
    x = getattr(fastinit, dist)((100000,), rng=1234, dtype=dtype)
    assert np.array_equal(x[GOLDEN_INDICES], np.array(GOLDEN[dist, dtype], dtype))


@pytest.mark.parametrize("fn,val", [(fastinit.zeros_, 0.0), (fastinit.ones_, 1.0)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_zeros_ones(fn, val, dtype):
    a = np.full((300, 301), 7, dtype)
    assert fn(a) is a
    assert (a == val).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_constant(dtype):
    a = fastinit.constant((100, 1000), 0.01, dtype=dtype)
    assert a.dtype == dtype and a.shape == (100, 1000)
    assert (a == dtype(0.01)).all()


def test_functional_twins():
    for name in ["zeros", "ones", "uniform", "normal"]:
        f = getattr(fastinit, name)
        x = f((3, 4), dtype="float64")
        assert x.shape == (3, 4) and x.dtype == np.float64
    assert fastinit.normal(5).dtype == np.float32
    assert np.array_equal(fastinit.normal((2, 3), 0.0, 2.0, rng=7),
                          fastinit.normal_(np.empty((2, 3), np.float32), 0.0, 2.0, rng=7))


def test_returns_the_same_object():
    a = np.empty(10)
    assert fastinit.uniform_(a) is a
    assert fastinit.normal_(a) is a


def test_zero_size_is_noop():
    for shape in [(0,), (3, 0), (0, 5, 5)]:
        a = np.empty(shape, np.float32)
        assert fastinit.normal_(a) is a
        assert fastinit.uniform(shape).shape == shape
        fastinit.zeros_(a)


def test_uniform_parameters_are_remembered_per_dtype_and_bounds():
    """The kernel parameters of U[a, b) are computed once per (dtype, a, b) and
    reused; 0.0 and -0.0 (equal as keys) stay apart, so the cache never
    changes a bit of the result."""
    from fastinit import _dtypes, fills
    d = _dtypes.DEFAULT
    fills._uniform_params.cache_clear()
    first = fills.uniform_params(-0.25, 0.5)(d)
    again = fills.uniform_params(-0.25, 0.5)(d)
    assert first == again and first is not again       # a fresh dict each time
    assert fills._uniform_params.cache_info().hits == 1
    assert first == {"low": -0.25, "width": 0.75, "top": d.prev(0.5)}
    for a, b in ((0.0, 0.0), (-0.0, -0.0), (-0.0, 0.0), (0.0, 1.0), (-0.0, 1.0)):
        got = fills.uniform_params(a, b)(d)
        assert [math.copysign(1.0, got[k]) for k in ("low", "top")] == [
            math.copysign(1.0, a), math.copysign(1.0, max(d.prev(b), d.round(a)))]
    pos = fastinit.uniform_(np.empty(8, np.float32), 0.0, 0.0, rng=0)
    neg = fastinit.uniform_(np.empty(8, np.float32), -0.0, -0.0, rng=0)
    fills._uniform_params.cache_clear()
    assert np.array_equal(fastinit.uniform_(np.empty(8, np.float32), -0.0, -0.0, rng=0)
                          .view(np.uint32), neg.view(np.uint32))
    assert np.array_equal(fastinit.uniform_(np.empty(8, np.float32), 0.0, 0.0, rng=0)
                          .view(np.uint32), pos.view(np.uint32))
