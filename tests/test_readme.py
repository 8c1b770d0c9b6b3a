"""Every ```python block of README.md runs, in order, in one namespace per block.

Shell blocks are documentation only. A block that imports an optional
library (torch, jax, matplotlib, dask, also as fastinit.dask) is skipped
when that library is missing.
"""
import importlib.util
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPTIONAL = ("torch", "jax", "matplotlib", "dask")


def python_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_readme_has_python_blocks():
    assert len(python_blocks()) >= 2


@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_block_runs(index):
    code = python_blocks()[index]
    for lib in OPTIONAL:
        if re.search(rf"^\s*(import|from) (fastinit\.)?{lib}\b", code, flags=re.M):
            if importlib.util.find_spec(lib) is None:
                pytest.skip(f"block {index} needs {lib}")
    exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "__readme__"})


def test_readme_setup_commands_verbatim():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    assert 'python -m pip install -e ".[torch,plot]" && python -m fastinit' in text
    assert 'python -m pip install -e ".[test,torch]" && python -m pytest -q' in text
