"""``python -m fastinit bench --overhead``: the fixed cost of one call on a small tensor.

Biases, norms and small layers are most of a model's tensors by count, so
what a call costs besides its values matters as much as GB/s. Each row
times one call on a small target (a 16 x 16 float32 weight, a 16-element
bias), fastinit against the ``torch.nn.init`` call it replaces, in one
process, the two taking turns within each round: the best of
``ROUNDS * --repeat`` short rounds (about 2 ms each), so that a quiet moment
of a busy machine is found. A second table gives the
functional twins and the registry as microseconds over the in-place call
they wrap.
"""
import math
import platform
import timeit

import numpy as np

import fastinit

# (label, fastinit statement, torch statement or None); names: see _namespace
CALLS = [
    ("normal_(w)", "fastinit.normal_(w)", "init.normal_(w)"),
    ("normal_(w, generator=g)", "fastinit.normal_(w, generator=g)",
     "init.normal_(w, generator=g)"),
    ("normal_(w, rng=0)", "fastinit.normal_(w, rng=0)", None),
    ("uniform_(b, -.1, .1)", "fastinit.uniform_(b, -0.1, 0.1)", "init.uniform_(b, -0.1, 0.1)"),
    ("zeros_(b)", "fastinit.zeros_(b)", "init.zeros_(b)"),
    ("ones_(b)", "fastinit.ones_(b)", "init.ones_(b)"),
    ("constant_(w, .5)", "fastinit.constant_(w, 0.5)", "init.constant_(w, 0.5)"),
    ("kaiming_uniform_(w)", "fastinit.kaiming_uniform_(w)", "init.kaiming_uniform_(w)"),
    ("kaiming_uniform_(w, a=sqrt5)", "fastinit.kaiming_uniform_(w, a=SQRT5)",
     "init.kaiming_uniform_(w, a=SQRT5)"),
    ("kaiming_normal_(w)", "fastinit.kaiming_normal_(w)", "init.kaiming_normal_(w)"),
    ("xavier_uniform_(w)", "fastinit.xavier_uniform_(w)", "init.xavier_uniform_(w)"),
    ("trunc_normal_(w, std=.02)", "fastinit.trunc_normal_(w, std=0.02)",
     "init.trunc_normal_(w, std=0.02)"),
    ("normal_(numpy 16x16, rng=0)", "fastinit.normal_(a, rng=0)", None),
]

# (label, statement, the in-place statement it wraps)
WRAPPERS = [
    ("normal((16, 16), rng=0)", "fastinit.normal((16, 16), rng=0)",
     "fastinit.normal_(a, rng=0)"),
    ("kaiming_uniform((16, 16), rng=0)", "fastinit.kaiming_uniform((16, 16), rng=0)",
     "fastinit.kaiming_uniform_(a, rng=0)"),
    ("get('normal') called on w", "bound(w)", "fastinit.normal_(w)"),
    ("get('he_uniform') called on w", "bound_he(w)", "fastinit.kaiming_uniform_(w)"),
    ("get('normal')(w)", "fastinit.get('normal')(w)", "fastinit.normal_(w)"),
]


def _namespace(torch):
    ns = {"fastinit": fastinit, "SQRT5": math.sqrt(5.0),
          "a": np.zeros((16, 16), np.float32),
          "bound": fastinit.get("normal"), "bound_he": fastinit.get("he_uniform")}
    if torch is not None:
        ns.update(torch=torch, init=torch.nn.init, w=torch.zeros(16, 16), b=torch.zeros(16),
                  g=torch.Generator().manual_seed(0))
    else:
        # without torch, fastinit's rows run on NumPy targets of the same shapes
        ns.update(w=np.zeros((16, 16), np.float32), b=np.zeros(16, np.float32), g=None)
    return ns


ROUNDS = 8          # short rounds per --repeat


def _calls_per_round(timer, target=0.002):
    """Calls that take about ``target`` seconds (at least 10)."""
    t = timer.timeit(20) / 20
    return max(10, int(target / max(t, 1e-9)))


def best_us(stmts, ns, repeat):
    """Best microseconds per call of each statement; statements take turns in each round."""
    timers = [timeit.Timer(s, globals=ns) for s in stmts]
    numbers = [_calls_per_round(t) for t in timers]
    best = [math.inf] * len(stmts)
    for _ in range(ROUNDS * repeat):
        for i, (t, n) in enumerate(zip(timers, numbers)):
            best[i] = min(best[i], t.timeit(n) / n * 1e6)
    return best


def measure(repeat=5):
    """The JSON-able document of both tables."""
    try:
        import torch
    except Exception:  # ImportError or a broken install
        torch = None
    ns = _namespace(torch)
    doc = {"repeat": repeat, "threads": fastinit.get_num_threads(),
           "machine": {"platform": platform.platform(), "python": platform.python_version(),
                       "numpy": np.__version__, "fastinit": fastinit.__version__,
                       "torch": getattr(torch, "__version__", None)},
           "calls": [], "wrappers": []}
    for label, fi, ref in CALLS:
        if ref is not None and torch is None:
            ref = None
        if "generator=g" in fi and torch is None:
            continue
        us = best_us([fi] + ([ref] if ref else []), ns, repeat)
        row = {"call": label, "fastinit_us": us[0], "torch_us": us[1] if ref else None}
        row["ratio"] = us[0] / us[1] if ref else None
        doc["calls"].append(row)
    for label, stmt, inplace in WRAPPERS:
        us, base = best_us([stmt, inplace], ns, repeat)
        doc["wrappers"].append({"call": label, "us": us, "inplace_us": base,
                                "over_us": us - base, "inplace": inplace})
    return doc


def format_table(doc):
    m = doc["machine"]
    lines = [f"fastinit {m['fastinit']} per-call overhead: w = 16x16 float32 "
             f"{'torch tensor' if m['torch'] else 'array'}, b = 16, a = numpy 16x16 float32; "
             f"microseconds per call, best of {ROUNDS * doc['repeat']} short rounds, one process",
             f"python {m['python']}, numpy {m['numpy']}, torch {m['torch'] or '-'}; "
             f"{doc['threads']} fastinit thread(s)", ""]
    rows = [("call", "fastinit", "torch.nn.init", "ratio")]
    for r in doc["calls"]:
        rows.append((r["call"], f"{r['fastinit_us']:.1f}",
                     "-" if r["torch_us"] is None else f"{r['torch_us']:.1f}",
                     "-" if r["ratio"] is None else f"{r['ratio']:.1f}x"))
    lines += _table(rows)
    lines.append("")
    rows = [("functional twin / registry", "us", "in-place us", "over")]
    for r in doc["wrappers"]:
        rows.append((r["call"], f"{r['us']:.1f}", f"{r['inplace_us']:.1f}",
                     f"{r['over_us']:+.1f}"))
    lines += _table(rows)
    lines.append("")
    lines.append("ratio = fastinit / torch.nn.init (lower is better); over = us - in-place us, "
                 "the in-place call being " + "; ".join(
                     f"{r['call']}: {r['inplace']}" for r in doc["wrappers"][:1]) + ", ...")
    return "\n".join(lines)


def _table(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                              for i, (c, w) in enumerate(zip(r, widths)))
    return [fmt(rows[0]), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows[1:]]


def run(args):
    from .bench import emit
    return emit(measure(args.repeat), args.json, format_table)
