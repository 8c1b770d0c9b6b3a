"""trunc_normal_: exact distribution, bounds, determinism, stream stability."""
import hashlib
import math

import numpy as np
import pytest
from scipy import stats

import fastinit
from conftest import SIMD_PATHS, golden, ks_critical
from fastinit import _core, _dtypes, truncated
from fastinit._random import key_words

N = 1_000_000
INTERVALS = [(-2.0, 2.0), (0.0, math.inf), (0.1, 0.2), (5.0, 6.0), (8.0, 9.0), (-9.0, -8.0),
             (-1.0, 3.0), (-2.0, 0.0), (-4.0, 4.0)]
# ziggurat, uniform, exponential, flipped exponential, folded normal, folded
# ziggurat (flipped), normal rejection, ziggurat of an asymmetric interval
METHOD_CASES = [(-2.0, 2.0), (0.1, 0.2), (8.0, 9.0), (-9.0, -8.0), (0.0, math.inf),
                (-2.0, 0.0), (-4.0, 4.5), (-1.0, 3.0)]


def method_of(a, b, mean=0.0, std=1.0):
    return truncated._choose((a - mean) / std, (b - mean) / std, (b - a) / std)[0]


def test_method_choice():
    assert method_of(-2, 2) == truncated.ZIGGURAT
    assert method_of(-0.04, 0.04, std=0.02) == truncated.ZIGGURAT
    assert method_of(-1, 3) == truncated.ZIGGURAT      # c = 3, 0.4% of the proposals rejected
    assert truncated._choose(-1.0, 3.0, 4.0)[3] == 3.0
    assert method_of(0, 2) == truncated.ZIGGURAT_FOLDED
    assert truncated._choose(-2.0, 0.0, 2.0)[::3] == (truncated.ZIGGURAT_FOLDED, 2.0)
    # beyond c = 4, or when the ziggurat saves less than 0.1% of rejections:
    # normal_'s own values
    assert method_of(-4, 4.5) == truncated.NORMAL
    assert method_of(-3.5, 3.5) == truncated.NORMAL
    assert method_of(-2, 2, std=0.02) == truncated.NORMAL   # torch's absolute bounds: +-100 std
    assert method_of(-math.inf, math.inf) == truncated.NORMAL
    # narrower than 2^-20 std: uniform proposals (no tables for such c)
    assert method_of(-1e-7, 1e-7) == truncated.UNIFORM
    assert method_of(-5e-324, 5e-324) == truncated.UNIFORM
    assert method_of(0.1, 0.2) == truncated.UNIFORM
    assert method_of(8, 9) == truncated.EXP
    assert method_of(-9, -8) == truncated.EXP
    assert method_of(0, math.inf) == truncated.FOLDED
    assert method_of(-math.inf, 0) == truncated.FOLDED
    assert truncated._choose(8, 9, 1)[1] is False and truncated._choose(-9, -8, 1)[1] is True


@pytest.mark.parametrize("a,b", INTERVALS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ks_against_scipy(a, b, dtype):
    x = fastinit.trunc_normal_(np.empty(N, dtype), 0.0, 1.0, a, b, rng=2024)
    assert x.min() >= a and x.max() <= b
    d = stats.kstest(x.astype(np.float64), stats.truncnorm(a, b).cdf).statistic
    # float32 rounding moves the empirical CDF by at most the mass of half an
    # ulp next to each value: well below the critical value at 1e6
    assert d < ks_critical(N), (a, b, d)


@pytest.mark.parametrize("a,b", INTERVALS)
def test_float16_matches_rounded_distribution(a, b):
    """float16 values are the float32 truncated normal rounded to nearest:
    P(X <= v) must be F(midpoint between v and the next float16 value)."""
    x = fastinit.trunc_normal_(np.empty(N, np.float16), 0.0, 1.0, a, b, rng=7)
    assert float(x.min()) >= a and float(x.max()) <= b
    # (unique on float64: numpy's float16 unique is not reliably sorted)
    values, counts = np.unique(x.astype(np.float64), return_counts=True)
    emp = np.cumsum(counts) / N
    nxt = np.nextafter(values.astype(np.float16), np.float16(np.inf)).astype(np.float64)
    mid = (values + nxt) / 2
    theo = stats.truncnorm(a, b).cdf(np.minimum(mid, b))
    # 6 standard errors of an empirical CDF (<= 0.5 / sqrt(N)), plus 1e-4 for
    # the float32 rounding before the float16 rounding
    assert np.max(np.abs(emp - theo)) < 6 * 0.5 / math.sqrt(N) + 1e-4


@pytest.mark.parametrize("a,b", INTERVALS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.float16])
def test_no_pile_up_on_the_bounds(a, b, dtype):
    """A bound holds only the mass that rounds to it (density x half an ulp)."""
    n = 200_000
    x = fastinit.trunc_normal_(np.empty(n, dtype), 0.0, 1.0, a, b, rng=5).astype(np.float64)
    assert x.min() >= a and x.max() <= b
    dist = stats.truncnorm(a, b)
    for bound, inward in ((a, np.inf), (b, -np.inf)):
        if math.isinf(bound):
            continue
        h = abs(float(np.nextafter(dtype(bound), dtype(inward))) - bound) / 2
        expected = n * abs(dist.cdf(bound + math.copysign(h, inward)) - dist.cdf(bound))
        assert np.count_nonzero(x == bound) <= expected + 6 * math.sqrt(expected) + 3, bound


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_mean_far_outside_and_tiny_std(dtype):
    # mean 100 std 1 on [0, 1]: all mass next to 1, exponential with rate ~100
    x = fastinit.trunc_normal_(np.empty(N, dtype), 100.0, 1.0, 0.0, 1.0, rng=3).astype(float)
    assert x.min() >= 0 and x.max() <= 1
    d = stats.kstest(x, stats.truncnorm(-100, -99, loc=100).cdf).statistic
    assert d < ks_critical(N) + (1e-4 if dtype == np.float32 else 0)
    # std 1e-10: a plain normal, inside a wide interval
    y = fastinit.trunc_normal_(np.empty(N, dtype), 0.5, 1e-10, -2.0, 2.0, rng=3).astype(float)
    assert abs(y.mean() - 0.5) < 1e-9 and y.min() >= -2
    if dtype == np.float64:
        assert abs(y.std() - 1e-10) < 6 * 1e-10 / math.sqrt(2 * N)
    # std 1e-10 with the bound at mean + 3 std: precise next to the bound
    z = fastinit.trunc_normal_(np.empty(N), 0.0, 1e-10, 3e-10, 1.0, rng=4)
    d = stats.kstest(z / 1e-10, stats.truncnorm(3, np.inf).cdf).statistic
    assert z.min() >= 3e-10 and d < ks_critical(N)


def test_infinite_bounds():
    x = fastinit.trunc_normal_(np.empty(N), 1.0, 2.0, -math.inf, math.inf, rng=1)
    assert stats.kstest(x, stats.norm(1, 2).cdf).statistic < ks_critical(N)
    y = fastinit.trunc_normal_(np.empty(N), 0.0, 1.0, -math.inf, -3.0, rng=1)
    assert y.max() <= -3 and stats.kstest(y, stats.truncnorm(-np.inf, -3).cdf).statistic \
        < ks_critical(N)


def test_wide_interval_reuses_normal_values():
    """Accepted elements of the normal method are normal_'s own values."""
    a, b = 0.5 - 2.0 * 3.5, 0.5 + 2.0 * 4.0    # (-3.5, 4) std: normal rejection
    assert method_of(a, b, 0.5, 2.0) == truncated.NORMAL
    t = fastinit.trunc_normal_(np.empty(100_000, np.float32), 0.5, 2.0, a, b, rng=9)
    n = fastinit.normal_(np.empty(100_000, np.float32), 0.5, 2.0, rng=9)
    inside = (n >= a) & (n <= b)
    assert np.array_equal(t[inside], n[inside]) and not np.array_equal(t, n)


def test_ziggurat_tables_are_cached_and_checked():
    assert truncated.ziggurat_table(2.0) is truncated.ziggurat_table(2.0)
    for c in (0.0, -1.0, 8.5, math.nan, math.inf):
        with pytest.raises(ValueError, match="half-width"):
            _core.ztab(c)
    x = np.empty(100, np.float32)
    params = dict(method=truncated.ZIGGURAT, mean=0.0, std=1.0, lo=-2.0, hi=2.0, fold=0.0,
                  c=2.0)
    key = key_words(0, None)
    code = _dtypes.of(np.float32).code
    for table, msg in [(None, "table"), (np.zeros(16), "table"),
                       (truncated.ziggurat_table(1.5), "built for c=1.5")]:
        p = dict(params) if table is None else dict(params, table=table)
        with pytest.raises(ValueError, match=msg):
            _core.fill(x, _core.DISTS["truncnorm"], code, p, key, 0, 1)
    good = _core.fill(x, _core.DISTS["truncnorm"], code,
                      dict(params, table=truncated.ziggurat_table(2.0)), key, 0, 1)
    assert np.array_equal(good, fastinit.trunc_normal(100, rng=0, num_threads=1))


@pytest.mark.parametrize("a,b", METHOD_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_equal_for_any_thread_count_and_pieces(a, b, dtype):
    n = 1_000_003
    ref = fastinit.trunc_normal_(np.empty(n, dtype), 0.0, 1.0, a, b, rng=42, num_threads=1)
    for t in (2, 3, 7):
        got = fastinit.trunc_normal_(np.empty(n, dtype), 0.0, 1.0, a, b, rng=42, num_threads=t)
        assert np.array_equal(got, ref)
    flat = np.empty(n, dtype)
    cuts = [0, 5, 400_123, n]  # 3 uneven, unaligned pieces
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        fastinit.trunc_normal_(flat[lo:hi], 0.0, 1.0, a, b, rng=42, offset=lo, num_threads=2)
    assert np.array_equal(flat, ref)


@pytest.mark.parametrize("a,b", METHOD_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_identical_across_simd_paths(a, b, dtype, simd_path):
    out = {}
    for path in SIMD_PATHS:
        simd_path(path)
        out[path] = fastinit.trunc_normal_(np.empty(100_003, dtype), 0.0, 1.0, a, b, rng=8)
    ref = out[SIMD_PATHS[0]]
    for path in SIMD_PATHS[1:]:
        assert np.array_equal(out[path], ref), path


def test_strided_view_equals_contiguous():
    ref = fastinit.trunc_normal(
        (300, 400), 0.0, 1.0, 8.0, 9.0, rng=11)
    big = np.zeros((600, 1200), np.float32)
    view = big[::2, 1::3]
    fastinit.trunc_normal_(view, 0.0, 1.0, 8.0, 9.0, rng=11, num_threads=2)
    assert np.array_equal(view, ref)


UINT = {"float32": np.uint32, "float64": np.uint64, "float16": np.uint16}
# Pinned streams (tests/golden.json, written by tools/golden.py): the first 8
# values' bits and the sha256 of the first 4099 values (covers retries).
GOLDEN_BOUNDS = [(-2, 2), (0.1, 0.2), (8, 9), (-9, -8), (0, math.inf)]
GOLDEN_FIRST = {
    ((a, b), dt): np.array(golden(f"trunc_normal/{a},{b}/{dt}")["values"], dt)
    .view(UINT[dt]).tolist()
    for a, b in GOLDEN_BOUNDS for dt in UINT}
GOLDEN_DIGEST = {((a, b), dt): golden(f"trunc_normal/{a},{b}/{dt}")["sha256"][:16]
                 for a, b in GOLDEN_BOUNDS for dt in UINT}


@pytest.mark.parametrize("key", sorted(GOLDEN_DIGEST, key=repr))
def test_golden_values(key):
    (a, b), dt = key
    x = fastinit.trunc_normal(4099, 0.0, 1.0, a, b, rng=1234, dtype=dt)
    if key in GOLDEN_FIRST:
        assert x[:8].view(UINT[dt]).tolist() == GOLDEN_FIRST[key]
    assert hashlib.sha256(x.tobytes()).hexdigest()[:16] == GOLDEN_DIGEST[key]


def test_std_zero_is_the_nearest_point():
    assert np.all(fastinit.trunc_normal(5, 3.0, 0.0, -1.0, 1.0) == 1.0)
    assert np.all(fastinit.trunc_normal(5, 0.25, 0.0, -1.0, 1.0) == 0.25)


def test_errors():
    t = np.empty(4)
    with pytest.raises(ValueError, match="a < b"):
        fastinit.trunc_normal_(t, a=1.0, b=1.0)
    with pytest.raises(ValueError, match="std >= 0.0"):
        fastinit.trunc_normal_(t, std=-1.0)
    with pytest.raises(ValueError, match="a must not be NaN"):
        fastinit.trunc_normal_(t, a=math.nan)
    with pytest.raises(ValueError, match="mean must be finite"):
        fastinit.trunc_normal_(t, mean=math.inf)
    with pytest.raises(TypeError, match="std must be a real number"):
        fastinit.trunc_normal_(t, std="1")
    with pytest.raises(ValueError, match="no float16 value lies in"):
        fastinit.trunc_normal_(np.empty(3, np.float16), 1.0, 1.0, 1.0001, 1.0002)
    with pytest.raises(TypeError):
        fastinit.trunc_normal_([1.0, 2.0])


def test_zero_elements_is_a_no_op():
    x = np.empty((0, 5), np.float32)
    assert fastinit.trunc_normal_(x, rng=0) is x


def test_narrow_float32_interval_stays_inside():
    # no float32 strictly inside: every value is the one float32 in [a, b]
    x = fastinit.trunc_normal_(np.empty(1000, np.float32), 0.0, 1.0, 1.0, 1.0 + 1e-9, rng=0)
    assert np.all(x == np.float32(1.0))


@pytest.mark.parametrize("args", [(3.0, 1e30, -1.0, 1.0), (0.0, 1.0, 0.5, 0.5 + 1e-15),
                                  (0.0, 1.0, -1e-300, 1e-300), (0.0, 1.0, 1e120, 1e121),
                                  (0.0, 1e-320, 1.0, 2.0), (0.0, 1.0, -math.inf, -1e10)])
def test_extreme_parameters_stay_inside(args):
    mean, std, a, b = args
    x = fastinit.trunc_normal_(np.empty(10_000), *args, rng=0)
    assert np.isfinite(x).all() and x.min() >= a and x.max() <= b
    if args[1] == 1e30:  # huge std: uniform on [a, b]
        assert stats.kstest(x, stats.uniform(-1, 2).cdf).statistic < ks_critical(x.size)


def test_concurrent_python_threads_match_serial():
    import threading
    seeds = list(range(6))
    serial = [fastinit.trunc_normal((300_000,), 0.0, 1.0, -1.0, 3.0, rng=s) for s in seeds]
    out = [None] * len(seeds)

    def work(k):
        out[k] = fastinit.trunc_normal((300_000,), 0.0, 1.0, -1.0, 3.0, rng=seeds[k],
                                       num_threads=2)
    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(seeds))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(a, b) for a, b in zip(out, serial))


def _random_intervals(n, seed):
    """Standardized intervals of every kind: central, one-sided, tails,
    narrow ones far out, absurd ones (alpha up to 1e60), both signs."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        kind = rng.integers(6)
        if kind == 0:
            a = rng.uniform(-5, 5)
            b = a + rng.exponential(2.0)
        elif kind == 1:
            a = rng.uniform(0, 40)
            b = a + 10 ** rng.uniform(-12, 2)
        elif kind == 2:
            a = 10 ** rng.uniform(-3, 60)
            b = a * (1 + 10 ** rng.uniform(-15, 1))
        elif kind == 3:
            a, b = rng.uniform(0, 10), math.inf
        elif kind == 4:
            a = float(rng.choice([0.0, 0.5, 1.0, 2.0, 3.0]))
            b = a + float(rng.choice([0.5, 1.0, 2.0, math.inf, 1e-9]))
        else:
            a = rng.uniform(-1, 6)
            b = rng.uniform(a, a + 8)
        a, b = float(a), float(b)
        if a < b:
            yield (-b, -a) if rng.integers(2) else (a, b)


def test_method_choice_without_scipy_is_scipys():
    """The tail probabilities computed without SciPy decide the method as
    SciPy's log_ndtr would, or hand over (None) near a tie; never a different
    method, so no value changes."""
    from scipy.special import log_ndtr

    def scipy_tail(t):
        return log_ndtr(-t), 0.0
    for t in np.concatenate([np.linspace(0, 40, 4001), np.geomspace(1e-8, 1e100, 2000)]):
        mine, bound = truncated._log_upper_tail(float(t))
        assert abs(mine - log_ndtr(-t)) <= bound / 4, t
    undecided = total = 0
    for a, b in _random_intervals(20_000, 11):
        fast = truncated._choose_with(a, b, b - a, truncated._log_upper_tail)
        exact = truncated._choose_with(a, b, b - a, scipy_tail)
        total += 1
        undecided += fast is None
        assert fast is None or fast == exact, (a, b, fast, exact)
        assert truncated._choose(a, b, b - a) == exact
    assert undecided < 0.15 * total   # only absurd or razor-thin intervals are left to SciPy
    for a, b in [(-2.0, 2.0), (0.0, math.inf), (8.0, 9.0), (-9.0, -8.0), (0.1, 0.2),
                 (2.0, 3.0), (0.0, 2.0), (-1.0, 3.0), (5.0, 5.5), (30.0, math.inf)]:
        assert truncated._choose_with(a, b, b - a, truncated._log_upper_tail) is not None


def test_first_call_imports_no_scipy_special():
    """SciPy's special functions take 40 ms to import: a first trunc_normal_
    of the usual kinds (central, one-sided, tail) does without them."""
    import subprocess
    import sys
    code = ("import sys, numpy as np, fastinit\n"
            "for a, b in [(-2, 2), (0, float('inf')), (8, 9), (-1, 3), (0.1, 0.2)]:\n"
            "    fastinit.trunc_normal_(np.empty(1000, np.float32), a=a, b=b, rng=0)\n"
            "print('scipy.special' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.strip() == "False"


def test_queued_fills_build_their_tables_ahead():
    """Inside collecting() (init_ / materialize) a new interval's ziggurat table
    is a Future built on a helper thread while planning goes on; run_jobs
    waits for it; the values equal those of immediate calls."""
    from concurrent.futures import Future

    from fastinit import _tensor
    cs = [1.0 + k / 997 for k in range(1, 9)] + [2.0, 2.0]
    ws = [np.empty(5000, np.float32) for _ in cs]
    with _tensor.collecting() as jobs:
        for w, c in zip(ws, cs):
            fastinit.trunc_normal_(w, a=-c, b=c, rng=4)
    tables = [j[3]["table"] for j in jobs]
    assert all(isinstance(t, (Future, np.ndarray)) for t in tables)
    assert any(isinstance(t, Future) for t in tables)
    assert tables[-1] is tables[-2]              # one build per distinct c
    _tensor.run_jobs(jobs)
    assert all(isinstance(j[3]["table"], np.ndarray) for j in jobs)
    for w, c in zip(ws, cs):
        expect = fastinit.trunc_normal_(np.empty(5000, np.float32), a=-c, b=c, rng=4)
        assert np.array_equal(w, expect)
        assert truncated.ziggurat_table(c).tobytes() == _core.ztab(c).tobytes()


def test_table_ahead_outside_a_queue_and_after_fork(monkeypatch):
    """Outside collecting(): the table itself. A Future reaching a fill outside
    run_jobs (a block fill inside collecting()) is waited for there. After a
    fork the helper threads are gone: a new pool is made."""
    from fastinit import _tensor
    assert isinstance(truncated._table_ahead(1.2345), np.ndarray)
    monkeypatch.setattr(truncated, "_builder", [truncated._builder[0], -1])
    with _tensor.collecting() as jobs:
        fut = truncated._table_ahead(1.23456)
        assert truncated._builder[1] == __import__("os").getpid()
        x = fastinit.trunc_normal_(np.empty((4, 1000), np.float32), a=-1.23457, b=1.23457,
                                   rng=2, global_shape=(8, 1000),
                                   index=(slice(4, 8), slice(0, 1000)))
    assert jobs == [] and fut.result() is truncated.ziggurat_table(1.23456)
    whole = fastinit.trunc_normal_(np.empty((8, 1000), np.float32), a=-1.23457, b=1.23457,
                                   rng=2)
    assert np.array_equal(x, whole[4:])
