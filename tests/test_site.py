"""The documentation site (docs/): complete, buildable, tested, and seen in a browser.

- The API reference (docs/api/*.rst) lists every name of ``fastinit.__all__``
  and of ``fastinit.torch.__all__`` / ``fastinit.dask.__all__``, and nothing
  that is not there; read from the source, so this needs no Sphinx.
- Every ```python block of the site's Markdown pages runs (the mechanism of
  tests/test_readme.py).
- The site builds with ``-W --keep-going`` (a warning fails), its object
  inventory holds every public name, Sphinx's doctest builder passes over
  the docstrings' examples and the guide's code, and no page has an
  unresolved reference or a missing image.
- Headless Chromium renders the index page: a screenshot is taken, the DOM
  it builds shows the API list, and every image on the index and on the
  demo's page has loaded (its ``naturalWidth``, read by a script in the
  browser).

The build: ``FASTINIT_SITE`` names a site already built by the documented
command (``.ci/run`` sets it after its own build); otherwise the test builds
one in a temporary folder. Without Sphinx (the ``docs`` extra) or Chromium
(Debian's ``chromium``) those tests skip, and under ``CI=true`` they fail
instead.
"""
import glob
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

import pytest

import fastinit
from conftest import ROOT
from test_readme import python_blocks, run_block

DOCS = os.path.join(ROOT, "docs")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Keras picks its backend at its first import (fastinit.keras, the Keras page's code)
os.environ.setdefault("KERAS_BACKEND", "numpy")


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the site must be checked)")
    pytest.skip(reason)


# -- the reference lists every public name (source) -----------------------------

def _reference_entries():
    """{module: set of names} documented by docs/api/*.rst: the entries of
    the autosummary lists and the ``.. data::`` directives, under the
    current ``.. module::`` / ``.. currentmodule::``."""
    entries = {}
    for path in sorted(glob.glob(os.path.join(DOCS, "api", "*.rst"))):
        module, in_list = "fastinit", False
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"\.\. (?:current)?module:: (\S+)", line)
                if m:
                    module = m.group(1)
                    continue
                m = re.match(r"\.\. data:: (\S+)", line)
                if m:
                    entries.setdefault(module, set()).add(m.group(1))
                    continue
                if line.startswith(".. autosummary::"):
                    in_list = True
                    continue
                if in_list:
                    m = re.match(r"   ([A-Za-z_][\w.]*)\s*$", line)
                    if m:
                        entries.setdefault(module, set()).add(m.group(1))
                    elif line.strip() and not line.startswith("   :"):
                        in_list = False
    return entries


def _public_names():
    """{module: set of public names} that the reference must hold."""
    names = {"fastinit": set(fastinit.__all__)}
    for sub in ("torch", "dask", "jax", "keras"):
        try:
            mod = __import__(f"fastinit.{sub}", fromlist=["__all__"])
        except ImportError:
            continue
        names[f"fastinit.{sub}"] = set(mod.__all__)
    return names


def test_reference_lists_every_public_name():
    entries = _reference_entries()
    for module, names in _public_names().items():
        missing = names - entries.get(module, set())
        assert not missing, f"docs/api/*.rst lacks {module}: {sorted(missing)}"


def test_reference_lists_nothing_else():
    entries, public = _reference_entries(), _public_names()
    for module, names in entries.items():
        if module in public:
            stale = names - public[module]
            assert not stale, f"docs/api/*.rst documents {module} names that are not public: {sorted(stale)}"


def test_reference_groups_are_in_the_index():
    """Every section of the API reference has a row in the index page's table."""
    with open(os.path.join(DOCS, "api", "index.rst"), encoding="utf-8") as f:
        labels = re.findall(r"^\.\. _(api-[\w-]+):$", f.read(), flags=re.M)
    with open(os.path.join(DOCS, "index.md"), encoding="utf-8") as f:
        index = f.read()
    assert len(labels) >= 10
    for label in labels:
        assert f"<{label}>`" in index, label


# -- the pages' Python code runs --------------------------------------------------

def _markdown_pages():
    pages = []
    for path in sorted(glob.glob(os.path.join(DOCS, "**", "*.md"), recursive=True)):
        rel = os.path.relpath(path, ROOT)
        if not rel.startswith(os.path.join("docs", "_build")):
            pages.append(rel)
    return pages


BLOCKS = [(page, i) for page in _markdown_pages() for i in range(len(python_blocks(page)))]


def test_the_guide_has_code():
    pages = {page for page, _ in BLOCKS}
    for page in ("quickstart", "reproducibility", "sharding", "models", "guarantees"):
        assert os.path.join("docs", "guide", f"{page}.md") in pages, page


@pytest.mark.parametrize("page,index", BLOCKS, ids=[f"{p}:{i}" for p, i in BLOCKS])
def test_page_python_block_runs(page, index):
    run_block(python_blocks(page)[index], f"{page} python block {index}")


# -- the built site -----------------------------------------------------------------

def _sphinx(builder, out, tmp):
    if not _importable("sphinx"):
        _unavailable("Sphinx is not installed (python -m pip install -e \".[docs]\")")
    for mod in ("numpydoc", "myst_parser", "pydata_sphinx_theme"):
        if not _importable(mod):
            _unavailable(f"{mod} is not installed (python -m pip install -e \".[docs]\")")
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder,
           "-d", os.path.join(tmp, "doctrees"), DOCS, out]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, \
        f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-8000:]}"
    return proc


def _importable(mod):
    import importlib.util
    return importlib.util.find_spec(mod) is not None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built HTML site: $FASTINIT_SITE, or built here with -W --keep-going."""
    given = os.environ.get("FASTINIT_SITE")
    if given:
        path = os.path.join(ROOT, given) if not os.path.isabs(given) else given
        assert os.path.isfile(os.path.join(path, "index.html")), \
            f"FASTINIT_SITE={given} holds no built site (index.html)"
        return path
    tmp = str(tmp_path_factory.mktemp("site"))
    out = os.path.join(tmp, "html")
    _sphinx("html", out, tmp)
    return out


def _pages(site):
    return sorted(glob.glob(os.path.join(site, "**", "*.html"), recursive=True))


def _inventory(site):
    """{(domain:role, name)} of the site's objects.inv (Sphinx's format v2)."""
    with open(os.path.join(site, "objects.inv"), "rb") as f:
        for _ in range(4):
            f.readline()
        text = zlib.decompress(f.read()).decode("utf-8")
    found = set()
    for line in text.splitlines():
        m = re.match(r"(\S+)\s+(\S+:\S+)\s+-?\d+\s", line)
        if m:
            found.add((m.group(2), m.group(1)))
    return found


def test_inventory_has_every_public_name(site):
    inv = {name for role, name in _inventory(site) if role.startswith("py:")}
    for module, names in _public_names().items():
        missing = {f"{module}.{n}" for n in names} - inv
        assert not missing, f"the built reference lacks {sorted(missing)}"
    assert "fastinit.Key.fold_in" in inv and "fastinit.Key.split" in inv


def test_no_unresolved_references_or_missing_images(site):
    for page in _pages(site):
        with open(page, encoding="utf-8") as f:
            html = f.read()
        rel = os.path.relpath(page, site)
        # docutils marks what it could not resolve; numpydoc/autodoc errors
        # and MyST's broken links would show as these
        for artefact in ('class="problematic"', 'class="system-message"', "undefined label"):
            assert artefact not in html, (rel, artefact)
        for src in re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", html):
            if src.startswith(("http://", "https://", "data:")):
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(page), src.split("#")[0]))
            assert os.path.isfile(target) and os.path.getsize(target) > 0, (rel, src)


def test_demo_figure_is_on_its_page(site):
    with open(os.path.join(site, "guide", "choosing.html"), encoding="utf-8") as f:
        assert re.search(r"<img\b[^>]*src=\"[^\"]*demo\.png\"", f.read())


def test_doctest_builder_passes(tmp_path):
    """``-b doctest``: the docstrings' examples and the guide pages' code."""
    proc = _sphinx("doctest", str(tmp_path / "doctest"), str(tmp_path))
    with open(tmp_path / "doctest" / "output.txt", encoding="utf-8") as f:
        report = f.read()
    m = re.search(r"^\s+(\d+) tests\n\s+0 failures in tests\n", report, flags=re.M)
    assert m and int(m.group(1)) >= 50, report[-3000:] + proc.stdout[-2000:]


# -- seen in a browser -------------------------------------------------------------

def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    _unavailable("Chromium is not installed (apt-get install chromium)")


def _browser(*args, timeout=120):
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", "--disable-dev-shm-usage", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, (cmd, proc.stderr[-3000:])
    return proc.stdout


PROBE = """<script>
window.addEventListener("load", function () {
  document.querySelectorAll("img").forEach(function (img) {
    img.setAttribute("data-natural-width", String(img.naturalWidth));
  });
  document.body.setAttribute("data-probed", "yes");
});
</script>
"""


@pytest.fixture(scope="module")
def probed_site(site, tmp_path_factory):
    """A copy of the site whose index and demo pages record, once loaded in
    the browser, each image's naturalWidth in the DOM (0: did not load)."""
    copy = str(tmp_path_factory.mktemp("probed") / "html")
    shutil.copytree(site, copy)
    for rel in ("index.html", os.path.join("guide", "choosing.html")):
        path = os.path.join(copy, rel)
        with open(path, encoding="utf-8") as f:
            html = f.read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(html.replace("</body>", PROBE + "</body>"))
    return copy


def _dom(path):
    return _browser("--virtual-time-budget=5000", "--dump-dom", f"file://{path}")


def _visible_text(dom):
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_index_renders_in_chromium(site, tmp_path):
    shot = tmp_path / "index.png"
    _browser("--window-size=1400,1800", f"--screenshot={shot}",
             f"file://{os.path.join(site, 'index.html')}")
    with open(shot, "rb") as f:
        png = f.read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1400, 1800)
    assert len(png) > 50_000, "the screenshot is (nearly) blank"
    keep = os.environ.get("FASTINIT_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


def test_index_dom_shows_the_api_list(probed_site):
    dom = _dom(os.path.join(probed_site, "index.html"))
    assert 'data-probed="yes"' in dom, "the page did not finish loading"
    text = _visible_text(dom)
    for artefact in ("undefined label", "??", "Unknown target"):
        assert artefact not in text, artefact
    for group in ("Fills", "Truncated normal", "Variance-scaling schemes", "Orthogonal",
                  "Structured", "Biases", "Fans and gains", "Registry", "Randomness",
                  "Configuration", "Whole PyTorch models", "Dask arrays"):
        assert group in text, group
    links = set(re.findall(r'href="(api/generated/[^"#]+)', dom))
    for name in ("kaiming_normal_", "orthogonal_", "trunc_normal_", "Key", "get",
                 "torch.materialize", "dask.normal"):
        assert f"api/generated/fastinit.{name}.html" in links, name
    for link in links:
        assert os.path.isfile(os.path.join(probed_site, link)), link


@pytest.mark.parametrize("page", ["index.html", "guide/choosing.html"])
def test_every_image_loads_in_chromium(probed_site, page):
    dom = _dom(os.path.join(probed_site, page))
    assert 'data-probed="yes"' in dom, "the page did not finish loading"
    imgs = re.findall(r"<img\b[^>]*>", dom)
    widths = [re.search(r'data-natural-width="(\d+)"', tag) for tag in imgs]
    assert all(widths), imgs
    broken = [tag for tag, w in zip(imgs, widths) if int(w.group(1)) == 0]
    assert not broken, broken
    if page.endswith("choosing.html"):
        assert any("demo.png" in tag for tag in imgs)
