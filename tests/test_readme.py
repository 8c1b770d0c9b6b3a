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
