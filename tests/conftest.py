import json
import os

import numpy as np
import pytest

from fastinit import _core

DTYPES = [np.float32, np.float64, np.float16]
SIMD_PATHS = [p for p in _core.SIMD_PATHS if _core.simd_supported(p)]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_tool(name):
    """tools/<name>.py as a module (the tools are scripts, not a package)."""
    import importlib.util
    path = os.path.join(ROOT, "tools", f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"fastinit_tool_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def golden_tool():
    """tools/golden.py as a module: the golden cases and their comparison."""
    return load_tool("golden")


def golden(name=None):
    """The golden cases of tests/golden.json (written by tools/golden.py), or one of them."""
    with open(os.path.join(ROOT, "tests", "golden.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    return cases if name is None else cases[name]


def ks_critical(n, alpha=1e-6):
    """Asymptotic one-sample KS critical value: sqrt(-ln(alpha/2) / (2n))."""
    return float(np.sqrt(-np.log(alpha / 2) / (2 * n)))


@pytest.fixture
def simd_path():
    """Restore the automatic SIMD path after a test that forces one."""
    import fastinit
    yield fastinit.set_simd_path
    fastinit.set_simd_path("auto")
