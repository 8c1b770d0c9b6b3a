"""The build: OpenMP probe and serial fallback, and the build without x86 SIMD
paths (what a non-x86 machine gets). Each variant gives the same bits."""
import json
import os
import shutil
import subprocess
import sys

import pytest

import fastinit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(fastinit.__file__)))
FINGERPRINT = os.path.join(ROOT, "tools", "fingerprint.py")

pytestmark = pytest.mark.skipif(
    not (os.path.exists(os.path.join(ROOT, "setup.py")) and os.path.exists(FINGERPRINT)),
    reason="needs the source tree")


def build_variant(tmp_path, **env):
    """Build a copy of the source tree in place under tmp_path with extra
    environment variables; return (source dir, the build's stderr)."""
    pytest.importorskip("Cython")
    src = tmp_path / "src"
    shutil.copytree(os.path.join(ROOT, "fastinit"), src / "fastinit",
                    ignore=shutil.ignore_patterns("*.so", "*.c", "__pycache__"))
    # keep the C kernels (ignored above by *.c) and the build files
    shutil.copytree(os.path.join(ROOT, "fastinit", "_src"), src / "fastinit" / "_src",
                    dirs_exist_ok=True)
    for f in ("setup.py", "pyproject.toml"):
        shutil.copy(os.path.join(ROOT, f), src / f)
    build = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=src,
                           env=dict(os.environ, **env), capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    return src, build.stderr


def fingerprint(src=None):
    """tools/fingerprint.py's JSON, run on the build in src (default: this one)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    run = subprocess.run([sys.executable, FINGERPRINT], cwd=src or ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def native():
    return fingerprint()


def test_serial_build_warns_and_gives_identical_results(tmp_path, native):
    src, stderr = build_variant(tmp_path, FASTINIT_DISABLE_OPENMP="1")
    assert "OpenMP NOT FOUND" in stderr
    probe = ("from fastinit import _core; print(_core.openmp_enabled())")
    run = subprocess.run([sys.executable, "-c", probe], cwd=src, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(src)), check=True)
    assert run.stdout.strip() == "False"
    assert fingerprint(src)["sha256"] == native["sha256"]


def test_build_without_x86_paths_gives_identical_results(tmp_path, native):
    """FASTINIT_NO_X86_SIMD=1: the avx2/avx512 units compile to nothing."""
    src, _ = build_variant(tmp_path, FASTINIT_NO_X86_SIMD="1")
    probe = ("from fastinit import _core; "
             "print([p for p in _core.SIMD_PATHS if _core.simd_supported(p)])")
    run = subprocess.run([sys.executable, "-c", probe], cwd=src, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(src)), check=True)
    assert run.stdout.strip() == "['baseline']"
    result = fingerprint(src)
    assert result["simd_path"] == result["best_path"] == "baseline"
    assert result["sha256"] == native["sha256"]
