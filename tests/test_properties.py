"""Property tests (hypothesis): memory layout, pieces and thread counts never
change a value, and nothing outside the target is ever written.

Examples are bounded (``max_examples``) and derandomized, so CI runs the same
cases every time. Thread counts above the CPUs are real here: the cap on
usable CPUs (fastinit._config) is lifted for these tests, so 3 and 4 threads
run even on a 2-core machine.
"""
import contextlib
import math
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fastinit
from fastinit import _config, _core

pytestmark = pytest.mark.filterwarnings("ignore:Initializing zero-element tensors is a no-op")

PROPS = settings(max_examples=50, derandomize=True, deadline=None, print_blob=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DTYPES = st.sampled_from([np.float32, np.float64, np.float16])
THREADS = st.integers(1, 4)

# Every element-wise family, through its public function (kw: rng, num_threads, offset).
FILLS = {
    "constant": (1, lambda t, **kw: fastinit.constant_(t, 1.5, num_threads=kw["num_threads"])),
    "uniform": (1, lambda t, **kw: fastinit.uniform_(t, -2.0, 3.0, **kw)),
    "normal": (1, lambda t, **kw: fastinit.normal_(t, 0.5, 2.0, **kw)),
    "trunc_normal": (1, lambda t, **kw: fastinit.trunc_normal_(t, 0.0, 1.0, -0.5, 3.0, **kw)),
    "trunc_tail": (1, lambda t, **kw: fastinit.trunc_normal_(t, 0.0, 1.0, 8.0, 9.0, **kw)),
    "kaiming_uniform": (2, lambda t, **kw: fastinit.kaiming_uniform_(t, **kw)),
    "xavier_normal": (2, lambda t, **kw: fastinit.xavier_normal_(t, **kw)),
    "variance_scaling": (2, lambda t, **kw: fastinit.variance_scaling_(t, 2.0, **kw)),
}


@contextlib.contextmanager
def cpus(n):
    """Let fills really run ``n`` threads, whatever the machine has."""
    real = _config._usable_cpus()
    with mock.patch.object(_config, "_usable_cpus", lambda: max(n, real)):
        yield


def shapes(max_ndim=3):
    """Small shapes (edge cases, zero sizes) and large ones (many blocks:
    above the one-thread threshold, so the thread split is exercised)."""
    small = st.lists(st.integers(0, 9), min_size=1, max_size=max_ndim).map(tuple)
    big_1d = st.integers(_core.SMALL + 1, 3 * _core.SMALL).map(lambda n: (n,))
    big_2d = st.tuples(st.integers(200, 420), st.integers(330, 600))
    big_3d = st.tuples(st.integers(40, 60), st.integers(40, 60), st.integers(30, 45))
    big = st.one_of(big_1d, big_2d, big_3d) if max_ndim >= 3 else st.one_of(big_1d, big_2d)
    return st.one_of(small, big)


@st.composite
def views(draw, dtype, shape_strategy=None):
    """(base, view, mask): a NaN-filled base array, a strided, sliced and/or
    transposed view of it, and the same view of a boolean mask."""
    shape = draw(shape_strategy if shape_strategy is not None else shapes())
    steps = [draw(st.sampled_from([1, 1, 2, -1, -2, 3])) if n < 1000 else
             draw(st.sampled_from([1, -1, 2])) for n in shape]
    pads = [draw(st.integers(0, 2)) for _ in shape]
    base_shape = tuple(n * abs(s) + p for n, s, p in zip(shape, steps, pads))
    index = tuple(slice(p, p + n * s, s) if s > 0 else
                  slice(p + n * -s - 1, (p - 1) if p > 0 else None, s)
                  for n, s, p in zip(shape, steps, pads))
    perm = draw(st.permutations(range(len(shape))))
    base = np.full(base_shape, np.nan, dtype)
    mask = np.zeros(base_shape, bool)
    view = base[index].transpose(perm)
    mview = mask[index].transpose(perm)
    assert view.shape == tuple(shape[i] for i in perm)
    mview[...] = True
    return base, view, mask


@PROPS
@given(data=st.data(), family=st.sampled_from(sorted(FILLS)), dtype=DTYPES,
       threads=THREADS, seed=st.integers(0, 2**32 - 1))
def test_any_view_equals_a_fresh_c_array_and_nothing_else_is_written(data, family, dtype,
                                                                     threads, seed):
    min_ndim, fill = FILLS[family]
    base, view, mask = data.draw(views(dtype))
    if view.ndim < min_ndim:
        view = view.reshape(view.shape + (1,) * (min_ndim - view.ndim))
    fresh = np.empty(view.shape, dtype)
    with cpus(threads):
        fill(view, rng=seed, num_threads=threads)
    fill(fresh, rng=seed, num_threads=1)
    assert np.array_equal(view, fresh)
    assert np.isnan(base[~mask]).all()      # the sentinel outside the view
    assert not np.isnan(base[mask]).any()   # every element of the view written


ORTHO_SHAPES = st.one_of(st.tuples(st.integers(0, 300), st.integers(0, 300)),
                        st.lists(st.integers(1, 9), min_size=3, max_size=3).map(tuple))


@PROPS
@given(data=st.data(), dtype=DTYPES, threads=THREADS, seed=st.integers(0, 2**32 - 1))
def test_orthogonal_on_any_view(data, dtype, threads, seed):
    base, view, mask = data.draw(views(dtype, ORTHO_SHAPES))
    fresh = np.empty(view.shape, dtype)
    with cpus(threads):
        fastinit.orthogonal_(view, rng=seed, num_threads=threads)
    fastinit.orthogonal_(fresh, rng=seed, num_threads=1)
    assert np.array_equal(view, fresh)
    assert np.isnan(base[~mask]).all()
    assert not np.isnan(base[mask]).any()


@PROPS
@given(n=st.integers(0, 3 * _core.SMALL), cuts=st.lists(st.floats(0, 1), max_size=5),
       family=st.sampled_from(["uniform", "normal", "trunc_normal", "trunc_tail"]),
       dtype=DTYPES, threads=THREADS, seed=st.integers(0, 2**32 - 1))
def test_pieces_by_offset_equal_the_whole(n, cuts, family, dtype, threads, seed):
    fill = FILLS[family][1]
    whole = fill(np.empty(n, dtype), rng=seed, num_threads=1, offset=0)
    bounds = sorted({0, n} | {int(c * n) for c in cuts})
    out = np.full(n, np.nan, dtype)
    with cpus(threads):
        for lo, hi in zip(bounds, bounds[1:]):
            fill(out[lo:hi], rng=seed, num_threads=threads, offset=lo)
    assert np.array_equal(out, whole)


@PROPS
@given(rows=st.integers(1, 300), cols=st.integers(1, 400), parts=st.integers(1, 4),
       family=st.sampled_from(["kaiming_uniform", "xavier_normal", "variance_scaling"]),
       dtype=DTYPES, seed=st.integers(0, 2**32 - 1))
def test_row_blocks_by_offset_equal_the_whole_for_schemes(rows, cols, parts, family, dtype,
                                                          seed):
    fill = FILLS[family][1]
    whole = fill(np.empty((rows, cols), dtype), rng=seed, num_threads=1)
    out = np.full((rows, cols), np.nan, dtype)
    edges = [rows * i // parts for i in range(parts + 1)]
    for lo, hi in zip(edges, edges[1:]):
        fill(out[lo:hi], rng=seed, offset=lo * cols, num_threads=1, full_shape=(rows, cols))
    assert np.array_equal(out, whole)


@PROPS
@given(shape=shapes(max_ndim=2), dtype=DTYPES, seed=st.integers(0, 2**32 - 1))
def test_thread_counts_one_to_four_give_the_same_bits(shape, dtype, seed):
    ref = {name: fill(np.empty(shape if ndim == 1 or len(shape) >= 2 else shape + (1,), dtype),
                      rng=seed, num_threads=1)
           for name, (ndim, fill) in FILLS.items()}
    with cpus(4):
        for threads in (2, 3, 4):
            for name, (ndim, fill) in FILLS.items():
                got = fill(np.empty(ref[name].shape, dtype), rng=seed, num_threads=threads)
                assert np.array_equal(got, ref[name]), (name, threads)
    if len(shape) == 2 and math.prod(shape) <= 200_000:
        q1 = fastinit.orthogonal(shape, rng=seed, dtype=dtype, num_threads=1)
        with cpus(4):
            for threads in (2, 3, 4):
                assert np.array_equal(
                    fastinit.orthogonal(shape, rng=seed, dtype=dtype, num_threads=threads), q1)
