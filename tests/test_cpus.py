"""Every SIMD path on a CPU that has it, and no path on a CPU that lacks it.

Forcing a path (FASTINIT_SIMD=avx2) on a big CPU proves that the paths agree,
never that the package runs on a smaller CPU. Here tools/fingerprint.py runs
under qemu-x86_64 as an AVX2-only CPU (Haswell: no AVX-512) and an SSE4.2
CPU (Nehalem: no AVX); fastinit must pick that CPU's best path and give the
native run's bits. Needs Debian's qemu-user (`apt-get install qemu-user`);
under CI=true a missing qemu fails instead of skipping.

qemu has no AVX-512: the avx512 path's kernels are compared with avx2's on
any AVX2 CPU through SIMDe instead (tools/simde_avx512.sh, Debian's
libsimde-dev), and natively wherever the CPU has AVX-512
(test_determinism.py forces each supported path).

The arm64 build runs under qemu-aarch64 the same way: `bash tools/arm64.sh`
cross-compiles fastinit for aarch64 into build/arm64/ (with Debian's arm64
Python 3.11 and the aarch64 NumPy/SciPy wheels), and its fingerprint must
give the native run's bits on the portable path. The test skips where that
build is absent or out of date (under CI=true it fails): it never builds it.
"""
import glob
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys

import numpy as np
import pytest

from conftest import golden, golden_tool
from test_build import FINGERPRINT, ROOT, fingerprint

# (qemu CPU model, the path fastinit must choose there)
MODELS = [("Haswell", "avx2"), ("Nehalem", "baseline")]


def _qemu():
    exe = shutil.which("qemu-x86_64")
    if exe is None:
        msg = ("qemu-x86_64 not found: install Debian's qemu-user "
               "(apt-get install qemu-user) to run the emulated-CPU tests")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return exe


@pytest.fixture(scope="module")
def native(tmp_path_factory):
    out = tmp_path_factory.mktemp("native") / "native.npz"
    result = _run([sys.executable, FINGERPRINT, "--out", str(out)], os.environ)
    return result, np.load(out)


def _run(cmd, env):
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, (cmd, run.returncode, run.stderr[-3000:])
    return json.loads(run.stdout)


def _qemu_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("QEMU_")}
    # OpenBLAS must detect the emulated CPU itself: a core type forced for the
    # host (this workplace sets one on some CPUs) may need instructions the
    # emulated CPU lacks.
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    # NumPy's own AVX2 (x86-64-v3) argpartition returns a wrong partition
    # under qemu 7.2's AVX2 emulation (the same NumPy is right on a real AVX2
    # CPU); sparse_ uses it, so NumPy's kernels take their baseline path. This
    # leaves fastinit's dispatch alone: it asks the (emulated) CPU itself.
    env["NPY_DISABLE_CPU_FEATURES"] = "X86_V3"
    return env


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return None


def test_native_best_path_matches_cpu_flags(native):
    flags = _cpu_flags()
    if flags is None or platform.machine() not in ("x86_64", "AMD64"):
        pytest.skip("needs Linux on x86-64 (/proc/cpuinfo)")
    if {"avx512f", "avx512dq", "avx512vl", "avx512bw"} <= flags:
        expected = "avx512"
    elif "avx2" in flags:
        expected = "avx2"
    else:
        expected = "baseline"
    result, _ = native
    assert result["best_path"] == expected
    assert result["simd_path"] == expected or os.environ.get("FASTINIT_SIMD")


# How far an orthogonal matrix may move when BLAS changes its kernels: the
# golden file's rule (tools/golden.py; docs/guide/reproducibility.md).
orthogonal_tolerance = golden_tool().blas_tolerance
GOLDEN_TOOL = os.path.join(ROOT, "tools", "golden.py")


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="emulates x86-64 CPUs on an x86-64 host")
@pytest.mark.parametrize("model,path", MODELS)
def test_emulated_cpu_gives_native_bits(model, path, native, tmp_path):
    qemu = _qemu()
    out = tmp_path / f"{model}.npz"
    result = _run([qemu, "-cpu", model, sys.executable, FINGERPRINT, "--out", str(out),
                   "--expect-path", path], _qemu_env())
    assert result["best_path"] == result["simd_path"] == path
    _assert_native_bits(result, np.load(out), native)


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="emulates an x86-64 CPU on an x86-64 host")
def test_the_file_holds_on_a_cpu_with_other_blas_kernels():
    """Under qemu as an SSE4.2 CPU, OpenBLAS runs other gemm/trsm kernels:
    every exact case keeps its bits and the blas cases stay in tolerance
    (the file pins the contract, not this machine's BLAS)."""
    run = subprocess.run([_qemu(), "-cpu", "Nehalem", sys.executable,
                          GOLDEN_TOOL, "--check"],
                         env=_qemu_env(), capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    last = run.stdout.strip().splitlines()[-1]
    exact = int(last.split()[0])
    assert exact >= len([e for e in golden().values() if e["kind"] == "exact"]), last


def _assert_native_bits(result, got, native):
    """Every exact fingerprint bit for bit, orthogonal within its tolerance."""
    ref_result, ref = native
    assert sorted(result["sha256"]) == sorted(ref_result["sha256"])
    differ = [name for name, kind in ref_result["kinds"].items()
              if kind == "exact" and result["sha256"][name] != ref_result["sha256"][name]]
    assert not differ, f"not the native bits: {differ}"
    for name, kind in ref_result["kinds"].items():
        if kind != "exact":  # orthogonal: BLAS-kernel dependent, within the stated tolerance
            a, b = ref[name], got[name]
            assert a.dtype == b.dtype and a.shape == b.shape
            diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
            assert np.all(diff <= orthogonal_tolerance(a)), (name, diff.max())
            q = b.astype(np.float64)
            small = q if q.shape[0] <= q.shape[1] else q.T
            gram = small @ small.T
            assert np.abs(gram - np.eye(len(gram))).max() < 50 * np.finfo(b.dtype).eps


ARM64 = os.path.join(ROOT, "build", "arm64")
ARM64_PYTHON = os.path.join(ARM64, "python")  # tools/arm64.sh's qemu-aarch64 wrapper


def _arm64_stale():
    """Sources that changed since tools/arm64.sh built build/arm64/pkg: the
    files it was built from (its SOURCES.sha256) whose content differs now,
    and new files where sources live."""
    with open(os.path.join(ARM64, "pkg", "SOURCES.sha256")) as f:
        built = dict(line.split("  ", 1)[::-1] for line in f.read().splitlines())
    changed = []
    for rel, digest in sorted(built.items()):
        try:
            with open(os.path.join(ROOT, rel), "rb") as f:
                same = hashlib.sha256(f.read()).hexdigest() == digest
        except OSError:
            same = False
        if not same:
            changed.append(rel)
    for pattern in ("setup.py", "fastinit/*.py", "fastinit/*/*.py", "fastinit/*.pyx",
                    "fastinit/*.pxd", "fastinit/_src/*.[ch]"):
        for path in glob.glob(os.path.join(ROOT, pattern)):
            rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
            if rel not in built:
                changed.append(rel)
    return changed


def _arm64_python():
    """tools/arm64.sh's wrapper, if its build is there and up to date."""
    msg = None
    if not (os.access(ARM64_PYTHON, os.X_OK)
            and os.path.exists(os.path.join(ARM64, "pkg", "SOURCES.sha256"))):
        msg = "the arm64 build is absent"
    elif shutil.which("qemu-aarch64") is None:
        msg = "qemu-aarch64 not found"
    else:
        stale = _arm64_stale()
        if stale:
            msg = f"the arm64 build is out of date ({', '.join(stale[:5])} changed)"
    if msg:
        msg += (": run `bash tools/arm64.sh` (Debian 12 x86-64 as root; apt and PyPI) "
                "to cross-build fastinit for aarch64 and run it under qemu-aarch64")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return ARM64_PYTHON


# The facts about the arm64 build (one JSON line), then tools/fingerprint.py
# in the same process: under qemu, importing NumPy and SciPy takes seconds.
ARM64_RUN = """
import json, platform, runpy, sys
import numpy, scipy, fastinit
from fastinit import _core
print(json.dumps({"machine": platform.machine(), "file": fastinit.__file__,
                  "python": sys.version.split()[0], "numpy": numpy.__version__,
                  "scipy": scipy.__version__, "openmp": _core.openmp_enabled(),
                  "supported": [p for p in _core.SIMD_PATHS if _core.simd_supported(p)]}),
      flush=True)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="tools/arm64.sh cross-builds on an x86-64 host")
def test_arm64_gives_native_bits(native, tmp_path):
    """The aarch64 build (portable kernels only; its own compiler, libm and
    OpenBLAS) under qemu-aarch64: the native x86-64 run's bits."""
    python = _arm64_python()
    out = tmp_path / "arm64.npz"
    cmd = [python, "-c", ARM64_RUN, FINGERPRINT, "--out", str(out),
           "--expect-path", "baseline"]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (cmd, run.returncode, run.stderr[-3000:])
    info, result = (json.loads(line) for line in run.stdout.splitlines())
    assert info["machine"] == "aarch64"
    assert info["file"].startswith(os.path.join(ARM64, "pkg") + os.sep), info["file"]
    assert info["openmp"], "the arm64 build is serial: setup.py's OpenMP probe failed"
    assert info["supported"] == ["baseline"]
    assert result["best_path"] == result["simd_path"] == "baseline"
    _assert_native_bits(result, np.load(out), native)


def test_fingerprint_covers_every_family(native):
    result, _ = native
    families = {name.split("/")[0].split("(")[0] for name in result["sha256"]}
    for family in ("uniform", "normal", "trunc_normal", "kaiming_uniform", "kaiming_normal",
                   "xavier_uniform", "xavier_normal", "lecun_uniform", "lecun_normal",
                   "variance_scaling", "sparse", "strided", "offset",
                   "orthogonal64x64", "orthogonal200x120"):
        assert family in families
    assert {name.split("/")[1] for name in result["sha256"]} == {
        "float16", "float32", "float64"}
    # the far-tail truncated normal really is in (8, 9)
    tail = native[1]["trunc_normal(8,9)/float64"]
    assert tail.min() >= 8 and tail.max() <= 9


def _vex_functions(path):
    """Functions of a shared object that use VEX/EVEX-encoded instructions
    (every AVX, AVX2 and AVX-512 mnemonic starts with 'v'), from objdump."""
    dump = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], capture_output=True,
                          text=True, check=True).stdout
    found, fn = set(), None
    for line in dump.splitlines():
        if line.endswith(">:") and "<" in line:
            fn = line[line.index("<") + 1:-2]
        elif fn and "\t" in line:
            mnemonic = line.split("\t")[1].split(" ")[0]
            if mnemonic.startswith("v"):
                found.add(fn)
    return found


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 only")
def test_avx512_kernels_give_avx2_bits_over_simde(tmp_path):
    """The avx512 path's kernels on any AVX2 CPU: tools/simde_avx512.sh
    builds them from the same sources with SIMDe (Debian's libsimde-dev)
    standing in for each AVX-512 intrinsic, and compares every kernel and
    runs kernel with the native avx2 path's, byte for byte (every dtype,
    family and truncated-normal method; pieces of every alignment). qemu has
    no AVX-512, and forcing the path needs a CPU that has it: this is the
    proof of "same bits" for the AVX-512 sources where there is none. Under
    CI=true a missing SIMDe fails instead of skipping."""
    if not os.path.exists("/usr/include/simde/x86/avx512.h"):
        msg = "SIMDe not found: apt-get install libsimde-dev"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    import fastinit
    if not fastinit._core.simd_supported("avx2"):
        pytest.skip("the comparison runs the native avx2 path")
    run = subprocess.run(["bash", os.path.join(ROOT, "tools", "simde_avx512.sh"), str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (run.stdout[-2000:], run.stderr[-3000:])
    assert "every byte equal" in run.stdout


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 only")
def test_only_target_kernels_use_avx():
    """The static half of the rule in dispatch.c: an AVX instruction appears
    only in a kernel of the avx2/avx512 paths, never in code every CPU runs
    (the table registration included). Catches on any CPU what SIGILL shows
    only on a smaller one."""
    if shutil.which("objdump") is None:
        pytest.skip("needs objdump (binutils)")
    import glob
    import fastinit
    libs = glob.glob(os.path.join(os.path.dirname(fastinit.__file__), "_*.so"))
    assert libs
    kernels = 0
    for lib in libs:
        for fn in _vex_functions(lib):
            base = fn.split("@")[0]
            assert ("_avx2" in base or "_avx512" in base) and \
                not base.startswith("fi_register"), (os.path.basename(lib), fn)
            kernels += 1
    if fastinit._core.simd_supported("avx2"):
        assert kernels > 0  # the x86 paths were built, and their kernels do use AVX
