"""Every public initializer documents its summary, formula, paper and an example."""
import inspect

import pytest

import fastinit
from fastinit import _public

# Every public function registered (fastinit._public) as citing its formula,
# a paper and an example.
DOCUMENTED = _public.cited()
PAPERS = {"xavier": "Glorot", "kaiming": "He", "lecun_uniform": "LeCun",
          "lecun_normal": "Klambauer", "trunc_normal": "Robert"}


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_sections(name):
    doc = inspect.getdoc(getattr(fastinit, name))
    summary = doc.splitlines()[0]
    assert summary.endswith(".") and len(summary) < 110
    for section in ("Notes", "References", "Examples"):
        assert f"{section}\n---" in doc, (name, section)
    assert ".. math::" in doc and ">>> " in doc
    for key, author in PAPERS.items():
        if name.startswith(key):
            assert author in doc


@pytest.mark.parametrize("name", [n for n in DOCUMENTED if n.endswith("_")])
def test_functional_twin_exists_and_documents(name):
    if name == "torch_default_init_":
        return
    twin = getattr(fastinit, name[:-1])
    assert name in twin.__doc__
    assert list(inspect.signature(twin).parameters)[0] == "shape"
