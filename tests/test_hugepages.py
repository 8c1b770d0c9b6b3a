"""Transparent huge pages for fastinit's own fresh allocations (fastinit/_hugepages.py)."""
import contextlib
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import fastinit
from fastinit import _hugepages

LINUX_THP = _hugepages.available()
needs_thp = pytest.mark.skipif(not LINUX_THP, reason="no transparent huge pages here "
                               f"(mode {_hugepages.thp_mode()!r})")


def vma_of(address):
    """(VmFlags words, AnonHugePages kB) of the mapping holding ``address``."""
    inside, flags, huge = False, None, None
    with open("/proc/self/smaps") as f:
        for line in f:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
            if m:
                if inside:
                    break
                inside = int(m[1], 16) <= address < int(m[2], 16)
            elif inside and line.startswith("AnonHugePages:"):
                huge = int(line.split()[1])
            elif inside and line.startswith("VmFlags:"):
                flags = line.split()[1:]
    return flags, huge


@contextlib.contextmanager
def hugepages(enabled, numpy_too=False):
    """fastinit's switch set to ``enabled``; NumPy's own advice (on allocations
    of 4 MB and more) off unless ``numpy_too``, so that only fastinit's shows."""
    from numpy._core import multiarray
    old_np = multiarray._set_madvise_hugepage(numpy_too)
    old = fastinit.set_hugepages(enabled)
    try:
        yield
    finally:
        fastinit.set_hugepages(old)
        multiarray._set_madvise_hugepage(old_np)


def advised(address, nbytes):
    start, length = _hugepages.interior(address, nbytes)
    assert length >= _hugepages.HUGE
    return "hg" in vma_of(start)[0]


def test_switch():
    assert fastinit.get_hugepages() is True          # the default
    assert "set_hugepages" in fastinit.__all__ and "get_hugepages" in fastinit.__all__
    try:
        assert fastinit.set_hugepages(False) is True
        assert fastinit.get_hugepages() is False
        assert fastinit.set_hugepages(np.bool_(True)) is False
        assert fastinit.get_hugepages() is True
    finally:
        fastinit.set_hugepages(True)
    for bad in ("no", 0, 1, None, 2.0):
        with pytest.raises(TypeError, match=r"enabled must be True or False"):
            fastinit.set_hugepages(bad)
    assert fastinit.get_hugepages() is True


def _child(code, value):
    env = dict(os.environ)
    env.pop(_hugepages.ENV, None)
    if value is not None:
        env[_hugepages.ENV] = value
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True)


@pytest.mark.parametrize("value,expected", [(None, "True"), ("0", "False"),
                                            ("off", "False"), (" FALSE ", "False"),
                                            ("1", "True"), ("on", "True"), ("", "True")])
def test_environment_variable(value, expected):
    r = _child("import fastinit; print(fastinit.get_hugepages())", value)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == expected


def test_environment_variable_is_checked():
    r = _child("import fastinit", "maybe")
    assert r.returncode != 0
    assert "FASTINIT_HUGEPAGES must be one of" in r.stderr and "'maybe'" in r.stderr


def test_show_config_names_switch_and_mode(capsys):
    fastinit.show_config()
    line = [x for x in capsys.readouterr().out.splitlines() if "huge pages" in x]
    assert len(line) == 1
    mode = _hugepages.thp_mode()
    assert line[0].split(":", 1)[1].split()[0] == "on"
    assert (f"THP mode '{mode}'" in line[0]) if mode else ("no transparent huge" in line[0])
    with hugepages(False):
        fastinit.show_config()
        assert "huge pages:      off" in capsys.readouterr().out


def test_mode_parsing(monkeypatch, tmp_path):
    for text, mode in [("always [madvise] never\n", "madvise"), ("[always] madvise never", "always"),
                       ("always madvise [never]\n", "never"), ("garbage", "")]:
        f = tmp_path / "enabled"
        f.write_text(text)
        monkeypatch.setattr(_hugepages, "_THP_FILE", str(f))
        monkeypatch.setattr(_hugepages, "_mode", None)
        assert _hugepages.thp_mode() == mode
        assert _hugepages.available() is (mode in ("always", "madvise"))
    monkeypatch.setattr(_hugepages, "_THP_FILE", str(tmp_path / "missing"))
    monkeypatch.setattr(_hugepages, "_mode", None)
    assert _hugepages.thp_mode() == ""
    monkeypatch.setattr(_hugepages, "_mode", None)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert _hugepages.thp_mode() == ""               # not Linux: the file is not even read


def test_interior():
    H = _hugepages.HUGE
    assert _hugepages.interior(0, 2 * H) == (0, 2 * H)
    assert _hugepages.interior(1, 2 * H) == (H, H)
    assert _hugepages.interior(H - 8, H + 16) == (H, H)
    assert _hugepages.interior(8, 2 * H - 16)[1] == 0      # no whole page inside
    assert _hugepages.interior(3 * H + 5, 100)[1] == 0


@pytest.mark.parametrize("mode", ["never", ""])
def test_no_op_without_thp(monkeypatch, mode):
    """THP 'never', or no THP (not Linux): no syscall, nothing advised."""
    monkeypatch.setattr(_hugepages, "_mode", mode)

    def fail():
        raise AssertionError("madvise looked up where THP is not offered")
    monkeypatch.setattr(_hugepages, "_libc_madvise", fail)
    assert _hugepages.advise(4 * _hugepages.HUGE, 8 * _hugepages.HUGE) is False
    a = fastinit.normal((2048, 2048), rng=3)
    with hugepages(True, numpy_too=True):
        assert np.array_equal(a, fastinit.normal((2048, 2048), rng=3))


def test_no_op_below_2mb_and_when_off(monkeypatch):
    calls = []
    monkeypatch.setattr(_hugepages, "_mode", "madvise")
    monkeypatch.setattr(_hugepages, "_libc_madvise", lambda: lambda *a: calls.append(a) or 0)
    H = _hugepages.HUGE
    assert _hugepages.advise(H, H - 1) is False          # smaller than a huge page
    assert _hugepages.advise(H + 4096, H + 8192) is False  # no whole huge page inside
    with hugepages(False):
        assert _hugepages.advise(H, 4 * H) is False      # switched off
    assert calls == []
    assert _hugepages.advise(H + 4096, 3 * H) is True
    assert calls == [(2 * H, 2 * H, _hugepages.MADV_HUGEPAGE)]


@needs_thp
def test_functional_output_is_advised_and_bits_unchanged():
    # 64 MB: above glibc's largest mmap threshold (32 MB), so always a fresh
    # mapping (smaller blocks may be reused heap memory, advised before)
    n = 4096 * 4096
    with hugepages(True):
        a = fastinit.normal((4096, 4096), rng=5)
        assert advised(a.ctypes.data, a.nbytes)
        f, huge = vma_of(_hugepages.interior(a.ctypes.data, a.nbytes)[0])
        assert huge is not None and huge % 2048 == 0   # whole huge pages, if any were free
    with hugepages(False):
        b = fastinit.normal((4096, 4096), rng=5)
        assert not advised(b.ctypes.data, b.nbytes)
    assert a.size == n and np.array_equal(a, b)
    with hugepages(True):                # small: nothing to advise, same values
        assert np.array_equal(fastinit.normal((100, 100), rng=5),
                              fastinit.normal((100, 100), rng=5))


@needs_thp
def test_orthogonal_workspace_is_advised(monkeypatch):
    calls = []
    real = _hugepages.advise_array
    monkeypatch.setattr(_hugepages, "advise_array", lambda arr: calls.append(arr.nbytes)
                        or real(arr))
    with hugepages(True):
        q = fastinit.orthogonal((1024, 1024), rng=1)
    assert any(n >= _hugepages.HUGE for n in calls[1:])   # beyond the output itself
    with hugepages(False):
        assert np.array_equal(q, fastinit.orthogonal((1024, 1024), rng=1))


@needs_thp
def test_materialize_advises_fresh_parameters():
    torch = pytest.importorskip("torch")
    import fastinit.torch as ft

    def model():
        with torch.device("meta"):
            # (64 MB of weight: a fresh mapping, see above)
            return torch.nn.Sequential(torch.nn.Linear(4096, 4096), torch.nn.LayerNorm(4096))
    with hugepages(True):
        m = ft.materialize(model(), rng=0)
        w = m[0].weight
        assert advised(w.data_ptr(), w.untyped_storage().nbytes())
    with hugepages(False):
        m2 = ft.materialize(model(), rng=0)
        w2 = m2[0].weight
        assert not advised(w2.data_ptr(), w2.untyped_storage().nbytes())
    for p, p2 in zip(m.parameters(), m2.parameters()):
        assert torch.equal(p, p2)
