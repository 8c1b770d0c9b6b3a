"""Every pinned stream of tests/golden.json, recomputed by tools/golden.py's own cases.

Regenerate the file with ``python tools/golden.py`` when a stream changes on
purpose (a breaking change: docs/randomness.md, CHANGELOG.md).
"""
import importlib.util
import os

import pytest

from conftest import ROOT, golden


def _load_tool():
    path = os.path.join(ROOT, "tools", "golden.py")
    spec = importlib.util.spec_from_file_location("fastinit_golden_tool", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


tool = _load_tool()


def test_the_file_has_every_case_of_the_script():
    assert sorted(golden()) == sorted(tool.CASES)


@pytest.mark.parametrize("name", sorted(golden()))
def test_case_is_unchanged(name):
    assert tool.record(name) == golden(name)


def test_check_mode_reports_a_changed_case(tmp_path, capsys):
    import json
    doc = {"cases": {n: dict(golden(n)) for n in ("fill/normal/float32", "key/split")}}
    doc["cases"]["key/split"]["sha256"] = "0" * 64
    path = tmp_path / "g.json"
    path.write_text(json.dumps(doc))
    assert tool.main(["--check", "--file", str(path)]) == 1
    out = capsys.readouterr().out
    assert "changed: key/split" in out and "changed: fill/normal/float32" not in out
