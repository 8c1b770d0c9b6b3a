"""The build: OpenMP probe and the serial fallback (same results, loud warning)."""
import hashlib
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import fastinit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(fastinit.__file__)))
PROBE = ("import hashlib, fastinit; from fastinit import _core; "
         "x = fastinit.normal(300_001, rng=5).tobytes() + fastinit.uniform(300_001, rng=6, "
         "dtype='float64').tobytes(); print(_core.openmp_enabled(), hashlib.sha256(x).hexdigest())")


def _digest():
    x = fastinit.normal(300_001, rng=5).tobytes() + \
        fastinit.uniform(300_001, rng=6, dtype="float64").tobytes()
    return hashlib.sha256(x).hexdigest()


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "setup.py")),
                    reason="needs the source tree")
def test_serial_build_warns_and_gives_identical_results(tmp_path):
    pytest.importorskip("Cython")
    src = tmp_path / "src"
    shutil.copytree(os.path.join(ROOT, "fastinit"), src / "fastinit",
                    ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"))
    # keep the C kernels (ignored above by *.c) and the build files
    shutil.copytree(os.path.join(ROOT, "fastinit", "_src"), src / "fastinit" / "_src",
                    dirs_exist_ok=True)
    for f in ("setup.py", "pyproject.toml"):
        shutil.copy(os.path.join(ROOT, f), src / f)
    env = dict(os.environ, FASTINIT_DISABLE_OPENMP="1")
    build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=src,
                           env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    assert "OpenMP NOT FOUND" in build.stderr
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=src, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(src)), check=True)
    enabled, digest = run.stdout.split()
    assert enabled == "False"
    assert digest == _digest()
    assert np.array_equal(fastinit.normal(10, rng=5), fastinit.normal(10, rng=5))
