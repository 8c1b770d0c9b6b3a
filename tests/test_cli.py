"""The command line: ``python -m fastinit`` (tour), ``bench`` and ``demo``, at tiny sizes.

Each test runs the CLI in a subprocess, as a user would, and parses what it
prints (``--json`` where there is one). Wall-clock times are never asserted.
"""
import json
import math
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FAMILIES = ["constant", "uniform", "normal", "trunc_normal", "kaiming_normal",
            "xavier_uniform", "orthogonal"]


def run_cli(*args, timeout=120, code=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    cmd = [sys.executable, "-c", code] if code else [sys.executable, "-m", "fastinit"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)


def test_bench_json_covers_every_family_and_library():
    p = run_cli("bench", "--size", "20000", "--repeat", "1", "--threads", "1,2",
                "--ortho-n", "64", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)  # nothing but the JSON document on stdout
    assert doc["threads"] == [1, 2]
    assert doc["dtype"] == "float32" and doc["size"] <= 20000
    assert doc["memset"]["gbps"] > 0
    assert [r["family"] for r in doc["rows"]] == FAMILIES
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    assert doc["libraries"]["torch"] == have_torch
    for row in doc["rows"]:
        assert row["errors"] == {} or set(row["errors"]) <= {"jax"}, row["errors"]
        for t in ("1", "2"):
            entry = row["fastinit"][t]
            assert entry["seconds"] > 0
            if row["unit"] == "GB/s":
                assert math.isclose(entry["gbps"],
                                    4 * doc["size"] / entry["seconds"] / 1e9, rel_tol=1e-9)
                assert row["ratios"][t]["of_memset"] > 0
            assert row["ratios"][t]["vs_numpy"] > 0
        assert row["numpy"]["seconds"] > 0
        assert (row["torch"] is not None) == have_torch
        if have_torch:
            assert row["ratios"]["2"]["vs_torch"] > 0


def test_bench_jax_json():
    """bench --jax: fastinit.jax eager and jitted against jitted jax.nn.initializers."""
    pytest.importorskip("jax")
    from fastinit.cli import jax_bench
    p = run_cli("bench", "--jax", "--size", "16000", "--ortho-n", "32", "--repeat", "1",
                "--threads", "2", "--json", timeout=300)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["threads"] == 2
    assert [r["family"] for r in doc["rows"]] == list(jax_bench.FAMILIES)
    for row in doc["rows"]:
        assert row["shape"] == ([32, 32] if row["family"] == "orthogonal" else [2, 8000])
        base = row["seconds"]["jax.nn.initializers (jit)"]
        for way, s in row["seconds"].items():
            assert s > 0 and math.isclose(row["x_jax"][way], base / s)
            assert math.isclose(row["gbps"][way], math.prod(row["shape"]) * 4 / s / 1e9)
    table = run_cli("bench", "--jax", "--size", "16000", "--ortho-n", "32", "--repeat", "1",
                    timeout=300)
    assert table.returncode == 0 and "fastinit.jax (jit)" in table.stdout


def test_bench_overhead_json():
    """bench --overhead: every call timed next to torch.nn.init (where torch
    has it), the functional twins and the registry over their in-place call."""
    from fastinit.cli import overhead
    p = run_cli("bench", "--overhead", "--repeat", "1", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    calls = [label for label, *_ in overhead.CALLS
             if have_torch or "generator=g" not in label]
    assert [r["call"] for r in doc["calls"]] == calls
    for row, (_, _, ref) in zip(doc["calls"], [c for c in overhead.CALLS
                                               if c[0] in calls]):
        assert row["fastinit_us"] > 0
        if ref is not None and have_torch:
            assert math.isclose(row["ratio"], row["fastinit_us"] / row["torch_us"])
        else:
            assert row["torch_us"] is None and row["ratio"] is None
    assert [r["call"] for r in doc["wrappers"]] == [w[0] for w in overhead.WRAPPERS]
    for r in doc["wrappers"]:
        assert math.isclose(r["over_us"], r["us"] - r["inplace_us"])
    table = run_cli("bench", "--overhead", "--repeat", "1")
    assert table.returncode == 0 and "torch.nn.init" in table.stdout
    assert "get('normal')(w)" in table.stdout


def test_bench_table_float64():
    p = run_cli("bench", "--size", "5000", "--dtype", "float64", "--repeat", "1",
                "--only", "uniform,normal")
    assert p.returncode == 0, p.stderr
    assert "memset roofline" in p.stdout
    assert "float64" in p.stdout
    lines = [ln.split()[0] for ln in p.stdout.splitlines() if ln.strip()]
    assert "uniform" in lines and "normal" in lines and "orthogonal" not in lines
    assert "[bench]" in p.stderr  # the progress display goes to stderr


@pytest.mark.parametrize("args", [
    ["bench", "--size", "0"], ["bench", "--size", "-5"], ["bench", "--size", "1.5"],
    ["bench", "--dtype", "int8"], ["bench", "--threads", "0"], ["bench", "--threads", "a,b"],
    ["bench", "--threads", "1,"], ["bench", "--repeat", "0"], ["bench", "--only", "nope"],
    ["bench", "--json", "extra"], ["bench", "--overhead", "--model"],
    ["bench", "--overhead", "--repeat", "0"], ["demo", "--layers", "0"], ["demo", "--width", "x"],
    ["demo", "--inits", "he,bogus"], ["--size-gb", "0"], ["--size-gb", "-1"],
    ["--size-gb", "nan"], ["nosuchcommand"],
])
def test_bad_arguments_exit_2_without_traceback(args):
    p = run_cli(*args)
    assert p.returncode == 2, (args, p.returncode, p.stderr)
    assert "usage:" in p.stderr and "error:" in p.stderr
    assert "Traceback" not in p.stderr
    assert p.stdout == ""


def test_help_exits_0():
    for args in ([], ["bench"], ["demo"]):
        p = run_cli(*args, "--help")
        assert p.returncode == 0 and "usage:" in p.stdout


def test_tour_tiny_checks_pass_and_compares():
    p = run_cli("--size-gb", "0.002", "--seed", "3")
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "FAIL" not in out
    for scheme in ("normal(0.02)", "trunc_normal(0.02)", "xavier_uniform",
                   "kaiming_normal(relu)", "lecun_normal", "orthogonal", "ones", "zeros"):
        assert any(ln.strip().startswith("OK") and scheme in ln for ln in out.splitlines()), \
            scheme
    assert "GB/s" in out and "x NumPy" in out and "PyTorch" in out
    assert "[tour]" in p.stderr


def test_tour_check_catches_wrong_statistics():
    import numpy as np
    sys.path.insert(0, ROOT)
    from fastinit.cli import tour
    s = tour.SCHEMES["kaiming_normal(relu)"]
    w = s.fastinit((512, 256), 0, 1)
    assert tour.check("w", s, w)[0]
    assert not tour.check("w", s, w * 1.03)[0]  # 3% too wide: 15 SE at n = 131072
    assert not tour.check("w", s, w + 0.05 * w.std())[0]  # mean off by 18 SE
    o = tour.SCHEMES["orthogonal"]
    assert tour.check("o", o, o.fastinit((64, 64), 0, 1))[0]
    assert not tour.check("o", o, np.random.default_rng(0).standard_normal((64, 64)))[0]


def test_demo_json_verdicts_come_from_measurements():
    p = run_cli("demo", "--layers", "6", "--width", "32", "--batch", "16", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    res = {(r["init"], r["activation"]): r for r in doc["results"]}
    assert len(res) == 7 * 6
    sys.path.insert(0, ROOT)
    from fastinit.cli.demo import verdict
    for r in res.values():
        assert len(r["act_std"]) == 6 and len(r["grad_norm"]) == 7
        assert verdict(r)["verdict"] == r["verdict"]
    for act in ("linear", "tanh", "sigmoid", "relu", "leaky_relu", "selu"):
        z = res[("zero", act)]
        assert z["verdict"] == "symmetric/rank-1"
        assert z["units_identical"] and z["rank_last"] <= 1
    # physics with fixed seeds: 0.01 * sqrt(32) per layer shrinks, 1 * sqrt(32) grows
    assert res[("small N(0,0.01^2)", "linear")]["verdict"] == "vanishes"
    assert res[("large N(0,1)", "linear")]["verdict"] == "explodes"
    assert res[("he", "relu")]["verdict"] == "stable"
    assert res[("orthogonal", "linear")]["verdict"] == "stable"
    assert res[("he", "relu")]["rank_last"] == 16


def test_demo_table_and_zero_init_explanation():
    p = run_cli("demo", "--layers", "4", "--width", "16", "--batch", "8",
                "--inits", "zero,he", "--activations", "relu,tanh")
    assert p.returncode == 0, p.stderr
    assert "verdict" in p.stdout and "why zero init fails" in p.stdout
    assert "symmetric/rank-1" in p.stdout


def test_demo_plot(tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "demo.png"
    p = run_cli("demo", "--layers", "3", "--width", "8", "--batch", "4", "--plot", str(png))
    assert p.returncode == 0, p.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_plot_without_matplotlib_is_a_clear_error(tmp_path):
    code = ("import sys, runpy; sys.modules['matplotlib'] = None; "
            "sys.argv = ['fastinit'] + sys.argv[1:]; "
            "runpy.run_module('fastinit', run_name='__main__')")
    p = run_cli("demo", "--layers", "2", "--width", "4", "--batch", "2", "--plot",
                str(tmp_path / "x.png"), code=code)
    assert p.returncode == 2
    assert "matplotlib" in p.stderr and "Traceback" not in p.stderr


def test_asv_suite_covers_every_public_initializer():
    sys.path.insert(0, ROOT)
    import fastinit
    from benchmarks.common import COVERED
    covered = {getattr(fastinit, n, None) for n in COVERED} - {None}
    public = [n for n in fastinit.__all__ if n.endswith("_") and not n.startswith("_")
              and n not in ("manual_seed",)]
    missing = [n for n in public if getattr(fastinit, n) not in covered]
    assert missing == [], f"public initializers without asv benchmarks: {missing}"
    for name, module in COVERED.items():
        with open(os.path.join(ROOT, "benchmarks", module + ".py")) as f:
            assert f'"{name}"' in f.read(), (name, module)


def test_asv_check_passes():
    pytest.importorskip("asv")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    p = subprocess.run([sys.executable, "-m", "asv", "check", "--python=same"], cwd=ROOT,
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "No problems found" in p.stdout + p.stderr


def test_bench_model_json():
    pytest.importorskip("torch")
    from fastinit.cli import llama
    p = run_cli("bench", "--model", "--scale", "64", "--repeat", "1", "--model-dtypes",
                "float32,bfloat16", "--json", timeout=300)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["params"] == llama.n_params(64) == sum(
        x.numel() for x in llama.Llama(64, device="meta").parameters())
    ways = {"torch eager", "materialize", "init_", "patch", "to_empty+reset"}
    for dtype in ("float32", "bfloat16"):
        rows = {r["way"]: r for r in doc["rows"] if r["dtype"] == dtype}
        assert ways <= set(rows)
        assert rows["torch eager"]["speedup_vs_eager"] == 1.0
        for r in rows.values():
            assert r["seconds"] > 0 and math.isclose(
                r["gbps"], doc["params"] * (4 if dtype == "float32" else 2) / r["seconds"] / 1e9)


@pytest.mark.parametrize("bad", [["--model", "--scale", "0"],
                                 ["--model", "--model-dtypes", "float64"]])
def test_bench_model_bad_arguments(bad):
    p = run_cli("bench", *bad)
    assert p.returncode == 2 and "usage" in p.stderr


@pytest.mark.parametrize("target", ["/missing/dir/x.png", "{tmp}/x.txt", "{tmp}/noext"])
def test_demo_bad_plot_path_is_a_usage_error_before_any_work(tmp_path, target):
    if not target.startswith("/missing"):
        pytest.importorskip("matplotlib")  # the format list is matplotlib's
    target = target.format(tmp=tmp_path)
    p = run_cli("demo", "--layers", "2", "--width", "4", "--batch", "2", "--plot", target)
    assert p.returncode == 2
    assert "usage:" in p.stderr and "--plot" in p.stderr and "Traceback" not in p.stderr
    assert p.stdout == ""  # no demo ran
    assert not os.path.exists(target)
