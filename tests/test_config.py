"""Build and threading configuration."""
import io
import os
import subprocess
import sys

import numpy as np
import pytest

import fastinit
from fastinit import _core

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
    old = fastinit.set_num_threads(3)
    try:
        assert fastinit.get_num_threads() == 3
        fastinit.set_num_threads(-1)
        assert fastinit.get_num_threads() == (os.cpu_count() or 1)
    finally:
        fastinit.set_num_threads(old)


def test_omp_num_threads_is_honoured():
    assert _run("import fastinit; print(fastinit.get_num_threads())", OMP_NUM_THREADS="3") == "3"


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
