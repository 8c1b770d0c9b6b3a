"""Every ```python block of README.md runs, in order, in one namespace per block.

Shell blocks are documentation only. A block that imports an optional
library (torch, jax, matplotlib, dask, also as fastinit.dask) is skipped
when that library is missing. ``tests/test_site.py`` runs the documentation
site's Markdown pages (docs/) with the same two functions.
"""
import importlib.util
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPTIONAL = ("torch", "jax", "matplotlib", "dask", "keras")


def python_blocks(path="README.md"):
    """The ```python blocks of a Markdown file (relative to the repository root)."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def run_block(code, name):
    """Execute one block in a fresh namespace; skip when it needs a missing library."""
    for lib in OPTIONAL:
        if re.search(rf"^\s*(import|from) (fastinit\.)?{lib}\b", code, flags=re.M):
            if importlib.util.find_spec(lib) is None:
                pytest.skip(f"{name} needs {lib}")
    exec(compile(code, name, "exec"), {"__name__": "__readme__"})


def test_readme_has_python_blocks():
    assert len(python_blocks()) >= 2


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_block_runs(index):
    run_block(python_blocks()[index], f"README.md python block {index}")


def test_readme_setup_commands_verbatim():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    assert 'python -m pip install -e ".[torch,plot]" && python -m fastinit' in text
    assert 'python -m pip install -e ".[test,torch]" && python -m pytest -q' in text
    # the documentation site's one build command
    assert "python -m sphinx -W -b html docs docs/_build/html" in text


def test_readme_is_a_landing_page():
    """About 250 lines at most: the rest lives on the site (docs/)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert len(lines) <= 250, len(lines)


def test_readme_links_resolve():
    """Every relative link of the README names a file of the repository."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" not in target:
            assert os.path.exists(os.path.join(ROOT, target)), target


def _bench_rows(path, first_column_prefix):
    """Table rows of a Markdown file whose first cell starts with a family name."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        rows = [[c.strip() for c in line.strip().strip("|").split("|")]
                for line in f if line.startswith("| ")]
    return {r[0].split(" ")[0].split(",")[0]: r for r in rows
            if r[0].split(" ")[0].split(",")[0] in first_column_prefix
            and len(r) > 1 and re.match(r"[0-9]", r[1])}


def _figure(cell):
    """The number in a table cell ('6.98', '0.0142 s', '4.4×', '39%', '8.02 GB/s')."""
    return float(re.match(r"[0-9.]+", cell).group(0))


@pytest.mark.parametrize("path", ["README.md", "docs/guide/performance.md"])
def test_bench_tables_are_the_raw_document(path):
    """The side-by-side figures of the README and the performance page are
    the bench run saved in docs/bench-2core.json, as printed (two or three
    significant digits), never typed in: a re-measured table comes with its
    document."""
    import json
    with open(os.path.join(ROOT, "docs", "bench-2core.json"), encoding="utf-8") as f:
        doc = json.load(f)
    families = {r["family"]: r for r in doc["rows"]}
    table = _bench_rows(path, families)
    assert set(table) >= {"uniform", "normal", "trunc_normal", "kaiming_normal",
                          "xavier_uniform", "orthogonal"}, sorted(table)
    full = path != "README.md"   # the page adds the 1-thread column and memset share

    def same(cell, value):
        # within half a unit of the cell's last printed digit
        digits = re.match(r"[0-9]+(?:\.([0-9]+))?", cell).group(1) or ""
        assert abs(_figure(cell) - value) <= 0.5 * 10.0 ** -len(digits) + 1e-9, \
            (path, cell, value)

    for name, cells in table.items():
        row = families[name]
        secs = row["unit"] != "GB/s"
        key = "seconds" if secs else "gbps"
        libs = [row["fastinit"]["2"][key]] + [row[lib][key] for lib in ("numpy", "torch", "jax")]
        if full:
            same(cells[1], row["fastinit"]["1"][key])
        got = cells[2:6] if full else cells[1:5]
        for cell, value in zip(got, libs):
            same(cell, value)
        ratios = cells[6:9] if full else cells[5:8]
        for cell, lib in zip(ratios, ("numpy", "torch", "jax")):
            same(cell, row["ratios"]["2"]["vs_" + lib])
        if full and not secs:
            same(cells[9], 100 * row["ratios"]["2"]["of_memset"])
    assert doc["machine"]["fastinit_simd"] in open(os.path.join(ROOT, path),
                                                   encoding="utf-8").read()
