"""The randomness contract: values depend on (seed, flat index) only."""
import threading

import numpy as np
import pytest

import fastinit
from conftest import DTYPES, SIMD_PATHS

SAMPLERS = [
    ("uniform", lambda t, **kw: fastinit.uniform_(t, -2.0, 3.0, **kw)),
    ("normal", lambda t, **kw: fastinit.normal_(t, 1.0, 0.5, **kw)),
]
N = 1_000_003  # odd, not a multiple of any block or chunk


@pytest.mark.parametrize("name,fill", SAMPLERS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_equal_for_any_thread_count(name, fill, dtype):
    ref = fill(np.empty(N, dtype), rng=42, num_threads=1)
    for t in (2, 3, 7):
        assert np.array_equal(fill(np.empty(N, dtype), rng=42, num_threads=t), ref)


@pytest.mark.parametrize("name,fill", SAMPLERS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_pieces_with_offset_equal_whole(name, fill, dtype):
    shape = (1001, 997)
    whole = fill(np.empty(shape, dtype), rng=7)
    flat = np.empty(whole.size, dtype)
    cuts = [0, 5, 400_123, whole.size]  # 3 uneven pieces, unaligned
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        fill(flat[lo:hi], rng=7, offset=lo, num_threads=2)
    assert np.array_equal(flat.reshape(shape), whole)


@pytest.mark.parametrize("name,fill", SAMPLERS)
def test_row_shards_of_a_matrix(name, fill):
    # tensor-parallel style: each rank fills its rows of the logical matrix
    rows, cols = 300, 257
    whole = fill(np.empty((rows, cols), np.float32), rng=3)
    shard = np.empty((100, cols), np.float32)
    fill(shard, rng=3, offset=100 * cols)
    assert np.array_equal(shard, whole[100:200])


@pytest.mark.parametrize("name,fill", SAMPLERS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_strided_views_get_the_contiguous_values(name, fill, dtype):
    ref = fill(np.empty((300, 400), dtype), rng=11)
    big = np.zeros((600, 1200), dtype)
    view = big[::2, 1::3]                      # (300, 400), non-contiguous
    fill(view, rng=11, num_threads=2)
    assert np.array_equal(view, ref)
    untouched = big.copy()
    untouched[::2, 1::3] = 0
    assert not untouched.any()                 # nothing written outside the view
    t = np.zeros((400, 300), dtype).T          # Fortran order
    assert np.array_equal(fill(t, rng=11), ref)
    r = np.zeros((300, 400), dtype)[::-1, ::-1]  # negative strides
    assert np.array_equal(fill(r, rng=11), ref)


@pytest.mark.parametrize("dtype", DTYPES)
def test_simd_paths_agree(dtype, simd_path):
    results = {}
    for path in SIMD_PATHS:
        simd_path(path)
        assert fastinit.get_simd_path() == path
        results[path] = (fastinit.uniform(N, -1.0, 1.0, rng=5, dtype=dtype, offset=17),
                         fastinit.normal(N, 0.0, 1.0, rng=5, dtype=dtype, offset=2**34 + 3))
    ref = results["baseline"]
    for path, (u, z) in results.items():
        assert np.array_equal(u, ref[0]), path
        assert np.array_equal(z, ref[1]), path


def test_simd_env_variable_forces_a_path():
    import subprocess
    import sys
    for path in SIMD_PATHS:
        out = subprocess.run([sys.executable, "-c", "import fastinit; print(fastinit.get_simd_path())"],
                             capture_output=True, text=True, env=_env(FASTINIT_SIMD=path), check=True)
        assert out.stdout.strip() == path


def _env(**kw):
    import os
    env = dict(os.environ)
    env.update(kw)
    return env


def test_python_threads_at_once_match_serial():
    seeds = list(range(8))
    serial = [fastinit.normal(300_000, rng=s) for s in seeds]
    results = [None] * 8
    barrier = threading.Barrier(8)

    def work(i):
        barrier.wait()
        results[i] = fastinit.normal(300_000, rng=seeds[i], num_threads=2)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(results, serial):
        assert np.array_equal(a, b)


def test_default_generator_threads_take_distinct_streams():
    fastinit.manual_seed(0)
    out = [None] * 8

    def work(i):
        out[i] = fastinit.uniform(1000)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({a.tobytes() for a in out}) == 8


@pytest.mark.parametrize("strided", [False, True])
def test_in_place_extra_memory_is_per_thread_not_per_element(strided):
    import tracemalloc

    from fastinit import _core
    base = np.zeros((4000, 2000) if strided else (2000, 2000), np.float64)
    target = base[::2] if strided else base          # 4e6 elements, 32 MB
    tracemalloc.start()
    try:
        fastinit.normal_(target, rng=1, num_threads=2)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # scratch: threads * block * itemsize (+ small bookkeeping); never O(n)
    assert peak < 2 * _core.BLOCK * 8 + 64 * 1024
    assert peak < target.nbytes / 100


def test_zero_dim_and_high_dim_views():
    z = np.zeros((), np.float32)
    fastinit.normal_(z, rng=2)
    assert z == fastinit.normal(1, rng=2)[0]
    ref = fastinit.uniform((3, 4, 5, 6, 7), rng=2)
    big = np.zeros((6, 4, 10, 6, 24), np.float32)
    view = big[::2, :, ::2, :, 3::3]
    fastinit.uniform_(view, rng=2)
    assert np.array_equal(view, ref)
    assert np.count_nonzero(big) == ref.size
