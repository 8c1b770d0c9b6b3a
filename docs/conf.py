"""Sphinx configuration of the fastinit documentation site.

Build it (the ``docs`` extra installs what this needs)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python -m sphinx -W --keep-going -b doctest docs docs/_build/doctest

The API reference is generated from the docstrings of the installed package
(autosummary + numpydoc); the guide pages are Markdown (MyST), and their
```python blocks run under the doctest builder (``_guide_code_is_tested``
below) as they do under ``tests/test_site.py``.
"""
import glob
import os

import fastinit

# Keras picks its backend at its first import (autodoc of fastinit.keras and the
# Keras guide page's code): NumPy's, unless the environment says otherwise
os.environ.setdefault("KERAS_BACKEND", "numpy")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

project = "fastinit"
author = "the fastinit developers"
copyright = "the fastinit developers"
release = fastinit.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
# every link, role and reference must resolve: a warning fails the -W build
nitpicky = False
default_role = "py:obj"

# -- API reference ------------------------------------------------------------
# autosummary writes one stub page per name into api/generated/ (ignored by
# git). A stub of a name that has left the lists of api/*.rst would linger
# there and fail the build (a page outside every toctree): remove those, and
# only those (a whole-folder wipe would race a concurrent build).


def _listed_names():
    """module.name of every entry of the autosummary lists of api/*.rst."""
    import re

    names = set()
    for path in glob.glob(os.path.join(ROOT, "docs", "api", "*.rst")):
        module, in_list = "fastinit", False
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"\.\. (?:current)?module:: (\S+)", line)
                if m:
                    module = m.group(1)
                elif line.startswith(".. autosummary::"):
                    in_list = True
                elif in_list and re.match(r"   [A-Za-z_][\w.]*\s*$", line):
                    names.add(f"{module}.{line.strip()}")
                elif in_list and line.strip() and not line.startswith("   :"):
                    in_list = False
    return names


def _remove_stale_stubs(folder=os.path.join(ROOT, "docs", "api", "generated")):
    listed = _listed_names()
    for stub in glob.glob(os.path.join(folder, "*.rst")):
        if os.path.basename(stub)[:-len(".rst")] not in listed:
            os.remove(stub)


_remove_stale_stubs()
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"          # the numpydoc Parameters sections say it
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

intersphinx_mapping = {}            # the site builds offline: no inventories fetched

# -- Markdown pages (MyST) ----------------------------------------------------
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# -- doctest ------------------------------------------------------------------
doctest_global_setup = "import numpy as np\nimport fastinit\n"
doctest_test_doctest_blocks = "default"

# -- HTML ---------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"fastinit {release}"
html_static_path = ["_static"]
html_css_files = ["fastinit.css"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 5,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"index": [], "changelog": []}
html_show_sourcelink = False


def _guide_code_is_tested(app, doctree):
    """Mark every ```python block of a Markdown page as a ``testcode`` block,
    so that ``-b doctest`` runs the guide's examples, in order, one namespace
    per page, as ``tests/test_site.py`` runs them."""
    from docutils import nodes

    if not app.env.doc2path(app.env.docname).suffix == ".md":
        return
    for block in doctree.findall(nodes.literal_block):
        if block.get("language") == "python" and "testnodetype" not in block:
            block["testnodetype"] = "testcode"
            block["groups"] = ["default"]
            block["options"] = {}


def setup(app):
    app.connect("doctree-read", _guide_code_is_tested)
