"""The lowest allowed version of every dependency, as pip constraints.

    python tools/min_deps.py [--extras test,torch] > min-constraints.txt
    python -m pip install -c min-constraints.txt -e ".[test,torch]"
    python tools/min_deps.py --requirements plot,bench   # the extras' requirements
                                                        # as written, one a line

Reads pyproject.toml's runtime dependencies and the named extras and prints
``name==lower`` for each, the lower bound being the ``>=`` or ``==`` version
of its specifier. Transitive dependencies resolve to the newest versions
that these allow (uv's ``--resolution lowest-direct``, with pip and its
configuration). CI runs the suite in such an environment (.ci/run), so the
lower bounds in pyproject.toml are versions the project has run. A
requirement without a lower bound is an error: every dependency has a
tested range.
"""
import argparse
import os
import re
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    sys.exit("tools/min_deps.py needs Python 3.11+ (tomllib)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def lower_bound(requirement):
    """(normalized name, lowest allowed version) of a PEP 508 requirement
    string without markers; ValueError if it has no lower bound."""
    m = REQUIREMENT.match(requirement)
    if m is None or ";" in requirement:
        raise ValueError(f"cannot read requirement {requirement!r}")
    name = re.sub(r"[-_.]+", "-", m.group(1)).lower()
    lows = [v.strip() for op, v in re.findall(r"(>=|==|~=)\s*([^,\s]+)", m.group(3))]
    if not lows:
        raise ValueError(f"requirement {requirement!r} has no lower bound (>=, ==, ~=): "
                         f"every dependency needs a tested range")
    return name, lows[0]


def requirements(extras=(), path=os.path.join(ROOT, "pyproject.toml")):
    """The runtime requirements plus those of ``extras``, as written."""
    with open(path, "rb") as f:
        project = tomllib.load(f)["project"]
    optional = project.get("optional-dependencies", {})
    unknown = sorted(set(extras) - set(optional))
    if unknown:
        raise ValueError(f"unknown extras {unknown}; pyproject.toml has {sorted(optional)}")
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += optional[extra]
    return reqs


def constraints(extras=()):
    """{name: lowest version} over the runtime requirements and ``extras``;
    a package listed twice must give the same lower bound both times."""
    pins = {}
    for req in requirements(extras):
        name, low = lower_bound(req)
        if pins.setdefault(name, low) != low:
            raise ValueError(f"{name} has two lower bounds: {pins[name]} and {low}")
    return pins


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extras", default="", help="comma-separated extras, e.g. test,torch")
    ap.add_argument("--requirements", metavar="EXTRAS",
                    help="print these extras' requirements as written instead (to install "
                         "them beside an editable install without rebuilding it)")
    args = ap.parse_args(argv)
    if args.requirements is not None:
        extras = [e for e in args.requirements.split(",") if e]
        runtime = len(requirements())
        for req in requirements(extras)[runtime:]:
            print(req)
        return 0
    extras = [e for e in args.extras.split(",") if e]
    for name, low in sorted(constraints(extras).items()):
        print(f"{name}=={low}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
