"""pyproject.toml's requirements: every one has a tested range, packages that
move together are pinned together, and the table of tested versions on the
site's installing page (docs/guide/install.md) says what pyproject.toml says (tools/min_deps.py reads the lower bounds that
.ci/run installs in its lowest-versions environment)."""
import os
import re

import pytest

from conftest import ROOT, load_tool

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


min_deps = load_tool("min_deps")


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _all_requirements():
    project = _project()
    return min_deps.requirements(sorted(project["optional-dependencies"]))


def test_every_requirement_has_a_lower_bound():
    for req in _all_requirements():
        name, low = min_deps.lower_bound(req)
        assert re.fullmatch(r"\d+(\.\d+)*", low), (req, low)
    # and one package never gets two different lower bounds in two extras
    min_deps.constraints(sorted(_project()["optional-dependencies"]))


def test_a_requirement_without_lower_bound_is_refused():
    with pytest.raises(ValueError, match="no lower bound"):
        min_deps.lower_bound("distributed")
    with pytest.raises(ValueError, match="no lower bound"):
        min_deps.lower_bound("dask[array]<2027")
    assert min_deps.lower_bound("dask[array,distributed]>=2024.8.0") == ("dask", "2024.8.0")
    assert min_deps.lower_bound("transformers>=5.0,<6") == ("transformers", "5.0")
    assert min_deps.lower_bound("Torch==2.13.0") == ("torch", "2.13.0")


def test_dask_and_distributed_are_pinned_together():
    """distributed only through dask's own extra, which pins it to dask's
    version: never a separate requirement a resolver can move alone."""
    for req in _all_requirements():
        name = min_deps.lower_bound(req)[0]
        assert name != "distributed", req
        if name == "dask":
            extras = re.search(r"\[([^\]]*)\]", req).group(1).replace(" ", "").split(",")
            assert "distributed" in extras and "array" in extras, req


TABLE_PAGE = os.path.join("docs", "guide", "install.md")


def _versions_table():
    with open(os.path.join(ROOT, TABLE_PAGE), encoding="utf-8") as f:
        text = f.read()
    section = text[text.index("### Tested versions"):]
    rows = re.findall(r"^\| ([^|]+?) \| `([^`]+)` \| ([^|]+?) \| ([^|]+?) \|$", section, re.M)
    return {row[0].split(" (")[0].split(",")[0].strip().lower(): row[1:] for row in rows}


def _specifiers(text):
    return sorted(re.findall(r"(>=|==|<=|<|>|~=)\s*([^,\s`]+)", text))


def test_versions_table_matches_pyproject():
    table = _versions_table()
    pins = {}
    for req in _all_requirements():
        name, low = min_deps.lower_bound(req)
        pins[name] = (_specifiers(req), low)
    assert set(table) == set(pins), (sorted(table), sorted(pins))
    for name, (specs, low) in pins.items():
        allowed, lowest, _ = table[name]
        assert _specifiers(allowed) == specs, (name, allowed, specs)
        # "2.0" in pyproject.toml is 2.0.0 on the index
        parts, given = lowest.split("."), low.split(".")
        assert parts[:len(given)] == given and set(parts[len(given):]) <= {"0"}, \
            (name, lowest, low)


def test_ci_runs_the_lowest_versions():
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as f:
        ci = f.read()
    assert "tools/min_deps.py" in ci and "-c " in ci
