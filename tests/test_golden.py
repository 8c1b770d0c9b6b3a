"""Every pinned stream of tests/golden.json, recomputed by tools/golden.py's own cases.

Exact cases must give the same bits on every CPU; blas cases (orthogonal,
delta_orthogonal) must keep their exact part (the Gaussians, Mezzadri's
signs, the exact zeros) and stay within the BLAS tolerance of the values in
tests/golden_blas.npz, as the site's reproducibility page (docs/guide/reproducibility.md) promises.
tests/test_cpus.py checks the file under an emulated CPU whose OpenBLAS
kernels differ. Regenerate both files with ``python tools/golden.py`` when a stream changes
on purpose (a breaking change: docs/randomness.md, CHANGELOG.md).
"""
import json

import numpy as np
import pytest

from conftest import golden, golden_tool

tool = golden_tool()
VALUES = tool.load_values()


def test_the_file_has_every_case_of_the_script():
    assert sorted(golden()) == sorted(tool.CASES)


def test_only_blas_cases_are_compared_within_a_tolerance():
    blas = sorted(n for n, e in golden().items() if e["kind"] == "blas")
    assert blas == sorted(n for n in tool.CASES if n.startswith(("orthogonal/",
                                                                 "delta_orthogonal/")))
    assert sorted(VALUES) == blas
    assert all("sha256" in e for n, e in golden().items() if n not in blas)


@pytest.mark.parametrize("name", sorted(golden()))
def test_case_is_unchanged(name):
    status, detail = tool.compare(name, golden(name), VALUES.get(name))
    allowed = ("exact", "within tolerance") if golden(name)["kind"] == "blas" else ("exact",)
    assert status in allowed, (name, status, detail)


def test_blas_values_are_orthonormal():
    """The stored values are what they claim to be (a check on the file)."""
    for name, q in VALUES.items():
        q = q.astype(np.float64)
        if q.ndim == 4:  # delta_orthogonal: the centre tap
            q = q[:, :, q.shape[2] // 2, q.shape[3] // 2]
        small = q if q.shape[0] <= q.shape[1] else q.T
        eps = np.finfo(np.float32 if VALUES[name].dtype == np.float16 else VALUES[name].dtype).eps
        assert np.abs(small @ small.T - np.eye(len(small))).max() < 50 * max(q.shape) * eps


def _perturbed(name, ulps):
    """This build's case ``name`` with its largest entry moved by ``ulps`` times
    the tolerance, as another CPU's BLAS might move it."""
    entry, a = tool.compute_case(name)
    b = a.astype(np.float64)
    i = np.unravel_index(np.argmax(np.abs(b)), b.shape)
    tol = tool.blas_tolerance(a)
    b[i] += ulps * (tol[i] if np.ndim(tol) else tol)
    return entry, b.astype(a.dtype)


@pytest.mark.parametrize("name", ["orthogonal/300x200/float64", "orthogonal/200x300/float32"])
def test_blas_comparison_accepts_rounding_and_rejects_more(name):
    entry, a = tool.compute_case(name)
    assert tool.compare(name, entry, a, now=(entry, a))[0] == "exact"
    status, _ = tool.compare(name, entry, a, now=_perturbed(name, 0.5))
    assert status == "within tolerance"
    status, detail = tool.compare(name, entry, a, now=_perturbed(name, 3))
    assert status == "changed" and "tolerance" in detail
    # the exact part: a changed Gaussian stream is a change at any distance
    other = dict(entry, gaussians=dict(entry["gaussians"], sha256="0" * 64))
    assert tool.compare(name, other, a, now=(entry, a)) == (
        "changed", "gaussians differs (exact on every CPU)")


def test_blas_comparison_keeps_exact_zeros():
    name = "delta_orthogonal/float32"
    entry, a = tool.compute_case(name)
    b = a.copy()
    b[0, 0, 0, 0] = np.float32(1e-30)  # far inside the tolerance, but not a zero
    assert tool.compare(name, entry, a, now=(entry, b)) == ("changed", "the exact zeros moved")


def test_check_mode_reports_each_kind(tmp_path, capsys):
    names = ("fill/normal/float32", "key/split", "orthogonal/2x4/float32",
             "orthogonal/3x3/float64")
    doc = {"cases": {n: dict(golden(n)) for n in names}}
    doc["cases"]["key/split"]["sha256"] = "0" * 64
    path = tmp_path / "g.json"
    path.write_text(json.dumps(doc))
    q = tool.compute_case("orthogonal/2x4/float32")[1]
    np.savez(tool.values_path(str(path)), **{
        "orthogonal/2x4/float32": q + np.float32(4e-7) * np.sign(q),   # about 1 ulp near 1
        "orthogonal/3x3/float64": tool.compute_case("orthogonal/3x3/float64")[1]})
    assert tool.main(["--check", "--file", str(path)]) == 1
    out = capsys.readouterr().out
    assert "changed: key/split" in out and "fill/normal/float32" not in out
    assert "within tolerance: orthogonal/2x4/float32" in out
    assert "orthogonal/3x3/float64" not in out
    assert "2 cases exact, 1 within the BLAS tolerance, 1 changed" in out

