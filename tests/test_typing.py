"""fastinit as type checkers and editors see it.

- The stubs of the namespaces built at import time (fastinit/__init__.pyi,
  fastinit/dask.pyi) are what tools/make_stub.py generates from the
  ``@public`` registrations, and mypy's stubtest finds them (and the
  compiled modules' stubs) in step with the imported package.
- tests/typing/usage.py, which uses every public name, passes mypy
  --strict (and pyright, through basedpyright): its ``assert_type`` lines
  pin the types, and each line marked ``# type: ignore[code]`` fails
  without its comment, with that code (so a loosened annotation fails).
"""
import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, load_tool

TYPING = os.path.join(ROOT, "tests", "typing")
USAGE = os.path.join(TYPING, "usage.py")
MUST_FAIL = re.compile(r"#\s*type:\s*ignore\[([a-z, -]+)\]")

make_stub = load_tool("make_stub")


def _needs_checker_imports():
    # the usage file imports them; without them mypy reports missing modules
    pytest.importorskip("mypy")
    pytest.importorskip("torch")
    pytest.importorskip("dask.array")


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory):
    return str(tmp_path_factory.mktemp("mypy-cache"))


def _mypy(path, cache):
    cmd = [sys.executable, "-m", "mypy", "--config-file", os.path.join(TYPING, "mypy.ini"),
           "--cache-dir", cache, "--no-error-summary", "--show-error-codes",
           "--hide-error-context", "--no-pretty", path]
    return subprocess.run(cmd, cwd=TYPING, capture_output=True, text=True, timeout=600)


def test_the_stubs_are_those_the_registrations_give(capsys):
    assert make_stub.main(["--check"]) == 0, (
        "stale stub; run `python tools/make_stub.py`:\n" + capsys.readouterr().out)


def test_stubtest_finds_the_stubs_and_the_package_in_step(tmp_path):
    pytest.importorskip("mypy")
    allow = tmp_path / "allowlist.txt"
    with open(os.path.join(TYPING, "stubtest-allowlist.txt"), encoding="utf-8") as f:
        lines = [f.read()]
    # adapters whose framework is not installed cannot be imported: not compared
    for module, needs in (("torch", "torch"), ("dask", "dask"), ("jax", "jax"),
                          ("keras", "keras")):
        if importlib.util.find_spec(needs) is None:
            lines.append(f"fastinit\\.{module}(\\..*)?")
    allow.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "mypy.stubtest", "fastinit",
           "--mypy-config-file", os.path.join(TYPING, "stubtest.ini"),
           "--allowlist", str(allow), "--ignore-unused-allowlist"]
    # run from an empty directory: the runtime is the installed fastinit,
    # the stubs those of this checkout (stubtest.ini's mypy_path); Keras
    # needs a backend chosen before its import
    env = dict(os.environ, KERAS_BACKEND="numpy")
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env=env)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def test_the_usage_file_passes_mypy_strict(mypy_cache):
    _needs_checker_imports()
    proc = _mypy(USAGE, mypy_cache)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _must_fail_lines(text):
    """{line number: error codes} of the lines marked ``# type: ignore[codes]``."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = MUST_FAIL.search(line)
        if m:
            out[n] = {c.strip() for c in m.group(1).split(",")}
    return out


def test_each_must_fail_line_fails_without_its_comment(mypy_cache, tmp_path):
    _needs_checker_imports()
    with open(USAGE, encoding="utf-8") as f:
        text = f.read()
    expected = _must_fail_lines(text)
    assert len(expected) >= 15
    bare = tmp_path / "usage.py"
    bare.write_text(MUST_FAIL.sub("", text), encoding="utf-8")
    proc = _mypy(str(bare), mypy_cache)
    found = {}
    for line in proc.stdout.splitlines():
        m = re.match(r".*usage\.py:(\d+): error: .*\[([a-z-]+)\]$", line)
        if m:
            found.setdefault(int(m.group(1)), set()).add(m.group(2))
    assert set(found) == set(expected), proc.stdout
    for n, codes in expected.items():
        assert codes <= found[n], (n, codes, found[n])


def _names_used(tree, module):
    """Attribute names ``X`` of expressions ``<module>.X`` in ``tree``."""
    dotted = module.split(".")
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, v = [], node.value
            while isinstance(v, ast.Attribute):
                chain.append(v.attr)
                v = v.value
            if isinstance(v, ast.Name):
                chain.append(v.id)
                if chain[::-1] == dotted:
                    out.add(node.attr)
    return out


def test_the_usage_file_uses_every_public_name():
    import fastinit
    with open(USAGE, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    assert set(fastinit.__all__) <= _names_used(tree, "fastinit")
    torch_mod = pytest.importorskip("fastinit.torch")
    assert set(torch_mod.__all__) <= _names_used(tree, "fastinit.torch")
    dask_mod = pytest.importorskip("fastinit.dask")
    assert set(dask_mod.__all__) <= _names_used(tree, "fastinit.dask")


def test_the_usage_file_passes_pyright(tmp_path):
    _needs_checker_imports()
    exe = shutil.which("basedpyright", path=os.path.dirname(sys.executable)) \
        or shutil.which("basedpyright")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("basedpyright (the test extra) is not installed")
        pytest.skip("basedpyright is not installed")
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({
        "include": [USAGE], "extraPaths": [ROOT], "typeCheckingMode": "standard",
        "reportUnnecessaryTypeIgnoreComment": "error", "pythonVersion": "3.11"}),
        encoding="utf-8")
    proc = subprocess.run([exe, "-p", str(config), "--pythonpath", sys.executable],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
