"""Build and threading configuration."""
import io
import os
import subprocess
import sys

import numpy as np
import pytest

import fastinit
from fastinit import _config, _core

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(fastinit.__file__)))


def _run(code, **env):
    e = dict(os.environ)
    e.update(env)
    e["PYTHONPATH"] = ROOT + os.pathsep + e.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=e, check=True).stdout.strip()


def test_openmp_is_enabled_in_this_build():
    if os.environ.get("FASTINIT_DISABLE_OPENMP"):
        pytest.skip("deliberately serial build")
    assert _core.openmp_enabled()


def test_show_config():
    buf = io.StringIO()
    fastinit.show_config(file=buf)
    text = buf.getvalue()
    assert fastinit.__version__ in text
    assert "OpenMP" in text and fastinit.get_simd_path() in text
    assert str(fastinit.get_num_threads()) in text


def test_set_num_threads():
    cpus = _config._usable_cpus()
    old = fastinit.set_num_threads(3)
    try:
        assert fastinit.get_num_threads() == min(3, cpus)
        fastinit.set_num_threads(-1)
        assert fastinit.get_num_threads() == cpus
    finally:
        fastinit.set_num_threads(old)


def test_omp_num_threads_is_honoured():
    expected = str(min(3, _config._usable_cpus()))
    assert _run("import fastinit; print(fastinit.get_num_threads())",
                OMP_NUM_THREADS="3") == expected


def test_threadpoolctl_is_honoured():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        assert fastinit.get_num_threads() == 1
    assert fastinit.get_num_threads() == _core.omp_max_threads()


@pytest.mark.parametrize("bad", [0])
def test_zero_threads_rejected(bad):
    with pytest.raises(ValueError, match="num_threads=0"):
        fastinit.normal(10, num_threads=bad)
    with pytest.raises(ValueError, match="n=0"):
        fastinit.set_num_threads(bad)


@pytest.mark.parametrize("bad", [1.5, "2", True])
def test_bad_thread_types(bad):
    with pytest.raises(TypeError, match="num_threads must be an int"):
        fastinit.normal(10, num_threads=bad)


def test_bad_simd_path():
    with pytest.raises(ValueError, match="SIMD path must be one of"):
        fastinit.set_simd_path("sse9")


def test_small_and_large_arrays_same_values_any_threads():
    # below the small-array threshold a single thread runs; values are the same
    small = fastinit.normal(1000, rng=1, num_threads=7)
    assert np.array_equal(small, fastinit.normal(2_000_000, rng=1, num_threads=7)[:1000])


# ---- one thread-count resolution: validated, capped ---------------------------------

@pytest.mark.parametrize("huge", [10**6, 2**31, 2**63, 10**30])
def test_absurd_thread_counts_are_capped_at_the_cpus(huge):
    cpus = _config._usable_cpus()
    assert _config._resolve_threads(huge) == min(cpus, _config._resolve_threads(cpus))
    a = fastinit.normal(300_000, rng=4, num_threads=huge)
    assert np.array_equal(a, fastinit.normal(300_000, rng=4, num_threads=1))
    q = fastinit.orthogonal((300, 200), rng=4, num_threads=huge)
    assert np.array_equal(q, fastinit.orthogonal((300, 200), rng=4, num_threads=1))


def test_thread_cap_follows_the_affinity_mask():
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no affinity masks here")
    code = ("import os, fastinit; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "print(fastinit.get_num_threads(), fastinit._config._resolve_threads(64))")
    assert _run(code, OMP_NUM_THREADS="8").split() == ["1", "1"]


@pytest.mark.parametrize("bad,exc,match", [
    (0, ValueError, "num_threads=0"),
    (-10**6, ValueError, r"num_threads=-1000000 counts back past"),
    (True, TypeError, "num_threads must be an int"),
    (2.0, TypeError, "num_threads must be an int"),
    (np.float64(2), TypeError, "num_threads must be an int"),
    ("4", TypeError, "num_threads must be an int"),
])
def test_bad_thread_counts(bad, exc, match):
    a = np.zeros(10)
    with pytest.raises(exc, match=match):
        fastinit.normal_(a, rng=0, num_threads=bad)
    with pytest.raises(exc, match=match):
        fastinit.orthogonal_(a.reshape(2, 5), rng=0, num_threads=bad)
    assert not a.any()


def test_negative_counts_count_back_from_the_usable_cpus():
    cpus = _config._usable_cpus()
    assert _config._resolve_threads(-1) == min(cpus, _config._resolve_threads(cpus))
    assert _config._resolve_threads(-cpus) == 1
    with pytest.raises(ValueError, match="counts back past"):
        fastinit.set_num_threads(-cpus - 1)


def test_numpy_integers_accepted():
    assert np.array_equal(fastinit.normal(10, rng=0, num_threads=np.int64(2)),
                          fastinit.normal(10, rng=0))


def test_small_fills_enter_no_parallel_region():
    """A fill of up to SMALL elements resolves to one thread before the kernel
    (no OpenMP query) and runs its blocks in a plain loop: no OpenMP parallel
    region is entered, whatever num_threads asks; a big fill on two threads
    enters one."""
    assert _config._resolve_threads(2, _core.SMALL) == 1
    assert _config._resolve_threads(None, _core.SMALL) == 1
    with pytest.raises(ValueError, match="num_threads=0"):
        _config._resolve_threads(0, 16)      # still checked
    small = np.empty((16, 16), np.float32)
    strided = np.empty((32, 32), np.float64)[::2, ::2]
    before = _core.parallel_regions()
    fastinit.normal_(small, rng=0, num_threads=2)
    fastinit.uniform_(strided, rng=0, num_threads=2)
    fastinit.zeros_(np.empty(_core.SMALL, np.float32), num_threads=2)
    assert _core.parallel_regions() == before
    if _config._resolve_threads(2, _core.SMALL + 1) > 1:
        fastinit.normal_(np.empty(_core.SMALL + 1, np.float32), rng=0, num_threads=2)
        assert _core.parallel_regions() == before + 1
    # the serial loop gives the parallel values
    big = np.empty((_core.SMALL + 1,), np.float32)
    one = fastinit.normal_(big.copy(), rng=3, num_threads=1)
    assert np.array_equal(fastinit.normal_(big, rng=3, num_threads=2), one)
