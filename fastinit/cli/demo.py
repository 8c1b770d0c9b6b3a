"""``python -m fastinit demo``: signal propagation through a deep MLP, per initializer and activation.

For every (initializer, activation) pair a batch of N(0, 1) inputs goes
forward through ``--layers`` dense layers of ``--width`` units (no biases,
NumPy float64 matmuls), recording the std of each layer's activations; then a
N(0, 1) upstream gradient goes backward through the same net, by hand,
recording the norm of the gradient reaching each layer's input. The verdict
of each pair comes from those measurements and the thresholds below, never
from a typed-in opinion.
"""
import json
import math
import sys
import time
from collections import namedtuple

import numpy as np

import fastinit

from .args import nonnegative_int, positive_int
from .progress import Progress

# Verdict thresholds, applied to last-to-first ratios.
VANISH = 1e-2   # ratio below this: the signal vanishes
EXPLODE = 1e2   # ratio above this: it explodes
SATURATED = 0.5  # tanh/sigmoid: share of units with f'(z) < 1% of max f' at the last layer

SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805
LEAKY = 0.01

Activation = namedtuple("Activation", "name f df gain_name gain_param max_df bounded")


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


ACTIVATIONS = [
    Activation("linear", lambda z: z, lambda z: np.ones_like(z), "linear", None, 1.0, False),
    Activation("tanh", np.tanh, lambda z: 1.0 - np.tanh(z) ** 2, "tanh", None, 1.0, True),
    Activation("sigmoid", _sigmoid, lambda z: _sigmoid(z) * (1.0 - _sigmoid(z)), "sigmoid",
               None, 0.25, True),
    Activation("relu", lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(z.dtype),
               "relu", None, 1.0, False),
    Activation("leaky_relu", lambda z: np.where(z > 0, z, LEAKY * z),
               lambda z: np.where(z > 0, 1.0, LEAKY), "leaky_relu", LEAKY, 1.0, False),
    Activation("selu",
               lambda z: SELU_SCALE * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0))),
               lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0))),
               "selu", None, SELU_SCALE * SELU_ALPHA, False),
]
ACTS = {a.name: a for a in ACTIVATIONS}

F64 = "float64"


def _gain(act):
    return fastinit.calculate_gain(act.gain_name, act.gain_param)


# One row per initializer: name, and how a user would call fastinit for a
# (width x width) layer followed by activation ``act``.
INITIALIZERS = [
    ("zero", lambda shape, act, rng: fastinit.zeros(shape, dtype=F64)),
    ("small N(0,0.01^2)", lambda shape, act, rng: fastinit.normal(shape, 0.0, 0.01, rng=rng,
                                                                  dtype=F64)),
    ("large N(0,1)", lambda shape, act, rng: fastinit.normal(shape, 0.0, 1.0, rng=rng,
                                                             dtype=F64)),
    ("xavier", lambda shape, act, rng: fastinit.xavier_normal(shape, gain=_gain(act), rng=rng,
                                                              dtype=F64)),
    ("he", lambda shape, act, rng: fastinit.kaiming_normal(
        shape, a=act.gain_param or 0, nonlinearity=act.gain_name, rng=rng, dtype=F64)),
    ("lecun", lambda shape, act, rng: fastinit.lecun_normal(shape, rng=rng, dtype=F64)),
    ("orthogonal", lambda shape, act, rng: fastinit.orthogonal(shape, gain=_gain(act),
                                                               rng=rng, dtype=F64)),
]
INITS = dict(INITIALIZERS)


def propagate(init, act, layers, width, batch, seed):
    """Forward and backward measurements for one (initializer, activation) pair."""
    make = INITS[init]
    a = ACTS[act]
    gen = np.random.default_rng(seed)
    x = gen.standard_normal((batch, width))
    upstream = gen.standard_normal((batch, width))
    ws = [make((width, width), a, seed * 1000 + l) for l in range(layers)]
    act_std, zs, hs = [], [], [x]
    h = x
    with np.errstate(all="ignore"):
        for w in ws:
            z = h @ w.T
            h = a.f(z)
            zs.append(z)
            hs.append(h)
            act_std.append(float(np.std(h)))
        last = h
        g = upstream
        grad_norm = [float(np.linalg.norm(g))]  # at the output of layer L
        prev_h = hs[:-1]
        for w, z, hin in zip(reversed(ws), reversed(zs), reversed(prev_h)):
            delta = g * a.df(z)
            g = delta @ w
            grad_norm.append(float(np.linalg.norm(g)))
        dw_first = delta.T @ x  # weight gradient of the first layer
        first_rows_equal = bool(np.all(dw_first == dw_first[:1]))
        grad_norm.reverse()  # grad_norm[l] = norm at the input of layer l+1
        sat = (float(np.mean(a.df(zs[-1]) < 0.01 * a.max_df)) if a.bounded else 0.0)
        mid = layers // 2
        rank_mid = int(np.linalg.matrix_rank(np.nan_to_num(prev_h[mid] if mid else last)))
        rank_last = int(np.linalg.matrix_rank(np.nan_to_num(last)))
    identical = bool(np.all(last == last[:, :1]))
    res = {"init": init, "activation": act, "act_std": act_std, "grad_norm": grad_norm,
           "rank_mid": rank_mid, "rank_last": rank_last, "units_identical": identical,
           "first_layer_weight_grad_rows_identical": first_rows_equal,
           "full_rank": min(batch, width),
           "saturated_fraction": sat}
    res.update(verdict(res))
    return res


def _ratio(last, first):
    if not (math.isfinite(last) and math.isfinite(first)):
        return math.inf
    if first == 0:
        return 0.0 if last == 0 else math.inf
    return last / first


def verdict(m):
    """The verdict from the measurements, by the thresholds at the top of this module."""
    fwd = _ratio(m["act_std"][-1], m["act_std"][0])
    bwd = _ratio(m["grad_norm"][0], m["grad_norm"][-1])
    out = {"fwd_ratio": fwd, "bwd_ratio": bwd}
    if m["units_identical"] and m["rank_last"] <= 1:
        out["verdict"] = "symmetric/rank-1"
        return out

    def judge(r):
        return "vanishes" if r < VANISH else "explodes" if r > EXPLODE else "ok"
    f, b = judge(fwd), judge(bwd)
    if f == b == "ok":
        v = "stable"
    elif f == b:
        v = f
    elif f == "ok":
        v = f"grad {b}"
    elif b == "ok":
        v = f"act {f}"
    else:
        v = f"act {f}, grad {b}"
    if m["saturated_fraction"] > SATURATED:
        v += " (saturated)"
    if m["rank_last"] <= max(1, m["full_rank"] // 100):
        v += ", rank-1 output"
    out["verdict"] = v
    return out


def add_arguments(p):
    p.add_argument("--layers", type=positive_int, default=50, help="depth (default 50)")
    p.add_argument("--width", type=positive_int, default=512, help="units (default 512)")
    p.add_argument("--batch", type=positive_int, default=256, help="batch (default 256)")
    p.add_argument("--seed", type=nonnegative_int, default=0, dest="demo_seed")
    p.add_argument("--inits", type=_choice_list(INITS), default=list(INITS),
                   help="comma list of initializers (default: all): " + ",".join(INITS))
    p.add_argument("--activations", type=_choice_list(ACTS), default=list(ACTS),
                   help="comma list of activations (default: all): " + ",".join(ACTS))
    p.add_argument("--plot", metavar="FILE.png", default=None, type=plot_path,
                   help="draw per-layer curves with matplotlib (pip install fastinit[plot])")
    p.add_argument("--json", action="store_true", help="print the measurements as JSON")


def plot_path(text):
    """--plot's file: its folder must exist and be writable, and matplotlib must
    know its format (checked before any work; argparse then prints the usage
    and exits with 2)."""
    import argparse
    import os
    folder = os.path.dirname(os.path.abspath(text))
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: folder {folder!r} does "
                                         f"not exist")
    if not os.access(folder, os.W_OK):
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: folder {folder!r} is "
                                         f"not writable")
    ext = os.path.splitext(text)[1].lower().lstrip(".")
    formats = _plot_formats()
    if formats is not None and ext not in formats:
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: the extension names the "
                                         f"format, one of {', '.join(sorted(formats))}")
    return text


def _plot_formats():
    """The file formats matplotlib writes, or None without matplotlib (run() says so)."""
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError:
        return None
    return set(FigureCanvasBase.get_supported_filetypes())


def _choice_list(known):
    def parse(text):
        import argparse
        names = [s.strip() for s in text.split(",") if s.strip()]
        bad = [n for n in names if n not in known]
        if bad or not names:
            raise argparse.ArgumentTypeError(f"unknown name {', '.join(bad) or repr(text)}; "
                                             f"choose from {', '.join(known)}")
        return names
    return parse


def run(args, parser=None):
    if args.plot:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot  # noqa: F401
        except ImportError:
            print("error: --plot needs matplotlib, which is not installed; install it with "
                  "python -m pip install \"fastinit[plot]\" (or matplotlib)", file=sys.stderr)
            return 2
    pairs = [(i, a) for i in args.inits for a in args.activations]
    results = []
    t0 = time.perf_counter()
    with Progress(len(pairs), "demo") as prog:
        for k, (init, act) in enumerate(pairs):
            prog.step(f"{init} x {act}")
            results.append(propagate(init, act, args.layers, args.width, args.batch,
                                     args.demo_seed + k))
    elapsed = time.perf_counter() - t0
    doc = {"layers": args.layers, "width": args.width, "batch": args.batch,
           "thresholds": {"vanish": VANISH, "explode": EXPLODE, "saturated": SATURATED},
           "seconds": elapsed, "results": results}
    if args.json:
        json.dump(_finite(doc), sys.stdout, indent=1, default=_json_default, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(format_report(doc, args.inits, args.activations))
    if args.plot:
        plot(doc, args.plot, args.inits, args.activations)
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0


def _json_default(x):
    return float(x)


def _finite(x):
    """Strict JSON: non-finite floats become the strings "inf", "-inf", "nan"."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    return x


def _grid(title, inits, acts, cell):
    head = ["init \\ act"] + list(acts)
    rows = [[i] + [cell(i, a) for a in acts] for i in inits]
    widths = [max(len(r[c]) for r in [head] + rows) for c in range(len(head))]
    fmt = lambda r: "  ".join(s.ljust(w) for s, w in zip(r, widths))  # noqa: E731
    return "\n".join([title, fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows])


def format_report(doc, inits, acts):
    by = {(r["init"], r["activation"]): r for r in doc["results"]}
    lines = [f"signal propagation: {doc['layers']} layers x {doc['width']} units, batch "
             f"{doc['batch']}, float64, no biases ({doc['seconds']:.1f} s)",
             f"fwd = std(act, last layer) / std(act, first layer); bwd = |grad at input| / "
             f"|grad at output|; 'vanishes' < {VANISH:g} < 'stable' < {EXPLODE:g} < "
             f"'explodes'; '(saturated)': > {SATURATED:.0%} of tanh/sigmoid units have "
             f"f'(z) < 1% of its maximum at the last layer; 'rank-1 output': rank of the last "
             f"activations <= max(1, full rank / 100), every input maps to the same vector",
             ""]
    lines.append(_grid("verdict", inits, acts, lambda i, a: by[(i, a)]["verdict"]))
    lines.append("")

    def num(x):
        return "inf" if math.isinf(x) else "nan" if math.isnan(x) else f"{x:.0e}"
    lines.append(_grid("measured fwd / bwd ratios", inits, acts,
                       lambda i, a: f"{num(by[(i, a)]['fwd_ratio'])}/"
                                    f"{num(by[(i, a)]['bwd_ratio'])}"))
    lines.append("")
    lines.append(_grid(f"rank of the last hidden activations (batch {doc['batch']}, "
                       f"full rank = {min(doc['batch'], doc['width'])})", inits, acts,
                       lambda i, a: str(by[(i, a)]["rank_last"])))
    zero = [r for r in doc["results"] if r["init"] == "zero"]
    if zero:
        lines.append("")
        lines.append("why zero init fails (measured on the zero rows above):")
        for r in zero:
            lines.append(f"  {r['activation']:<10} all units of the last layer identical: "
                         f"{r['units_identical']}; rank(hidden) = {r['rank_last']} (of "
                         f"{r['full_rank']}); all rows of the first layer's weight gradient "
                         f"identical: {r['first_layer_weight_grad_rows_identical']}")
        lines.append("  -> all units compute the same function and get the same update, so "
                     "no amount of training tells them apart (the symmetry problem).")
    return "\n".join(lines)


def plot(doc, path, inits, acts):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    by = {(r["init"], r["activation"]): r for r in doc["results"]}
    fig, axes = plt.subplots(2, len(acts), figsize=(2.3 * len(acts), 4.4), sharex=True,
                             squeeze=False)
    layers = np.arange(1, doc["layers"] + 1)
    for j, act in enumerate(acts):
        for init in inits:
            r = by[(init, act)]
            std = np.array(r["act_std"], float)
            grad = np.array(r["grad_norm"][:-1], float)
            std[~(std > 0)] = np.nan
            grad[~(grad > 0)] = np.nan
            axes[0, j].plot(layers, std, label=init, lw=1.2)
            axes[1, j].plot(layers, grad, lw=1.2)
        axes[0, j].set_title(act, fontsize=9)
        for ax in axes[:, j]:
            ax.set_yscale("log")
            ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            ax.tick_params(labelsize=6)
        axes[1, j].set_xlabel("layer", fontsize=7)
    axes[0, 0].set_ylabel("activation std", fontsize=8)
    axes[1, 0].set_ylabel("|grad| at layer input", fontsize=8)
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="lower center",
               ncol=len(inits), fontsize=7, frameon=False)
    fig.suptitle(f"{doc['layers']}-layer MLP, width {doc['width']}: forward activation std "
                 f"and backward gradient norm (log scale; zero init is off the scale)",
                 fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    fig.savefig(path, dpi=72)
    plt.close(fig)
