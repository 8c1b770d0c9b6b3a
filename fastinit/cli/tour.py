"""``python -m fastinit``: a one-minute tour.

1. Initialize about ``--size-gb`` GB of weights for a transformer-like stack
   with the main schemes, using fastinit's functional forms (every fill runs
   on all threads).
2. Check what was made: per tensor, the mean and standard deviation against
   the scheme's formula with tolerances from the sample size (6 standard
   errors), exact values for constants, and W W^T = gain^2 I for orthogonal.
3. Per scheme, make its largest tensor with fastinit, NumPy and PyTorch
   (when importable), the way a user of each would, print the speeds and
   ratios, and scale them to the whole list.
4. Whole model (with PyTorch): a Llama-like model (fastinit.cli.llama, about
   a quarter of ``--size-gb``) made by ``fastinit.torch.materialize`` from
   the meta device, every parameter checked against torch's own law for its
   layer, and timed against torch's eager construction.

Exit code 0 when every check passes, 1 otherwise.
"""
import math
import time
from collections import namedtuple

import numpy as np

import fastinit

from .args import nonnegative_int, positive_float, thread_list
from .bench import _optional
from .progress import Progress
from .references import REFERENCES
from .timing import best_times

Scheme = namedtuple("Scheme", "name fastinit numpy torch std kurtosis kind value")
Scheme.__doc__ = """One initialization scheme of the tour, made from its reference.

fastinit(shape, rng, threads) -> new ndarray (fresh memory, first touched by
the parallel fill); numpy(gen, shape) -> new ndarray; torch(shape) -> new
tensor; std(shape) -> the formula's standard deviation; kurtosis of the law
(for the standard error of the sample std); kind: random, constant,
orthogonal; value: a constant's value.
"""

F32 = np.float32
# Kurtosis of each law: the standard error of a sample std is
# sigma sqrt((kurtosis - 1) / (4 n)). 3 for the +-2 sigma truncated normal
# (true value 2.36) errs on the wide side.
KURTOSIS = {"uniform": 1.8, "normal": 3.0, "truncated_normal": 3.0}


def _new(shape, fill):
    out = np.empty(shape, F32)
    fill(out)
    return out


def _scheme(name, ref):
    def make_torch(shape):
        import torch
        t = torch.empty(shape)
        ref.torch(t)
        return t
    kind = ref.law if ref.law in ("constant", "orthogonal") else "random"
    return Scheme(name, lambda shape, rng, th: _new(shape, lambda o: ref.fastinit(o, rng, th)),
                  lambda gen, shape: _new(shape, lambda o: ref.numpy(gen, o)), make_torch,
                  ref.std, KURTOSIS.get(ref.law), kind, ref.value)


# The tour's table: tour name -> the row of the shared reference table.
SCHEMES = {name: _scheme(name, REFERENCES[ref]) for name, ref in {
    "normal(0.02)": "normal(0.02)", "trunc_normal(0.02)": "trunc_normal(0.02)",
    "xavier_uniform": "xavier_uniform", "kaiming_normal(relu)": "kaiming_normal",
    "kaiming_uniform(a=sqrt5)": "kaiming_uniform(a=sqrt5)", "lecun_normal": "lecun_normal",
    "orthogonal": "orthogonal", "ones": "ones", "zeros": "zeros"}.items()}


def plan(size_gb):
    """A transformer-like list of (name, shape, scheme) of about ``size_gb`` GB float32."""
    budget = size_gb * 1e9 / 4
    d = 1024
    while d > 16 and 14 * d * d * 8 > budget:
        d //= 2
    layers = [("embed", (32 * d, d), "normal(0.02)"), ("pos_embed", (2 * d, d),
                                                        "trunc_normal(0.02)")]
    used = 34 * d * d
    block = 0
    while block == 0 or used + 14 * d * d + 9 * d <= budget:
        b = f"block{block}."
        layers += [(b + "ln1.weight", (d,), "ones"), (b + "ln1.bias", (d,), "zeros")]
        layers += [(b + w, (d, d), "xavier_uniform") for w in ("wq", "wk", "wv", "wo")]
        layers += [(b + "wo.bias", (d,), "zeros"), (b + "ln2.weight", (d,), "ones"),
                   (b + "mlp.up", (4 * d, d), "kaiming_normal(relu)"),
                   (b + "mlp.down", (d, 4 * d), "kaiming_uniform(a=sqrt5)"),
                   (b + "gate", (d, d), "lecun_normal"),
                   (b + "recurrent", (d, d), "orthogonal")]
        used += 14 * d * d + 3 * d
        block += 1
    return layers


def check(name, scheme, w):
    """(ok, detail dict) for one tensor made by ``scheme``."""
    if scheme.kind == "constant":
        want = scheme.value
        return bool(np.all(w == want)), {"err": float(np.max(np.abs(w - want)))}
    if scheme.kind == "orthogonal":
        m = w.reshape(w.shape[0], -1).astype(np.float64)
        g = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
        err = float(np.max(np.abs(g - np.eye(g.shape[0]))))
        tol = 1e-3  # float32 Householder: errors of order 1e-6; non-orthogonal: order 1
        return err < tol, {"err": err, "tol": tol}
    n = w.size
    s1 = s2 = 0.0
    flat = w.reshape(-1)
    for i in range(0, n, 1 << 20):
        c = flat[i:i + (1 << 20)].astype(np.float64)
        s1 += c.sum()
        s2 += c @ c
    mean = s1 / n
    std = math.sqrt(max(s2 / n - mean * mean, 0.0))
    sigma = scheme.std(w.shape)
    z_mean = mean / (sigma / math.sqrt(n))
    # standard error of the sample std: sigma * sqrt((kurtosis - 1) / (4 n))
    z_std = (std - sigma) / (sigma * math.sqrt((scheme.kurtosis - 1) / (4 * n)))
    ok = abs(z_mean) < 6 and abs(z_std) < 6
    return ok, {"mean": mean, "std": std, "want_std": sigma, "z_mean": z_mean, "z_std": z_std}


def add_arguments(p):
    p.add_argument("--size-gb", type=positive_float, default=1.0,
                   help="GB of float32 weights to initialize (default 1.0)")
    p.add_argument("--threads", type=thread_list, default=None, dest="tour_threads",
                   help="fastinit threads for the tour (default: all)")
    p.add_argument("--seed", type=nonnegative_int, default=0, dest="tour_seed")
    p.add_argument("--no-compare", action="store_true",
                   help="skip the NumPy / PyTorch timing")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--no-model", action="store_true",
                   help="skip the whole-model section (it needs PyTorch)")


def _make_all(layers, make, prog, what):
    """Make every tensor; return ({name: array}, {scheme: seconds})."""
    out, per_scheme = {}, {}
    for name, shape, scheme in layers:
        prog.step(f"{what}: {name} {shape} {scheme}")
        t0 = time.perf_counter()
        out[name] = make(name, shape, SCHEMES[scheme])
        per_scheme[scheme] = per_scheme.get(scheme, 0.0) + time.perf_counter() - t0
    return out, per_scheme


def compare(layers, per_scheme_fi, torch, seed, threads, prog):
    """Per scheme, time fastinit, NumPy and torch on its largest tensor (fresh
    memory each time, as in a real init) and scale NumPy's and torch's times to
    the scheme's share of the whole list."""
    rows = []
    gen = np.random.default_rng(seed)
    for scheme in dict.fromkeys(s for _, _, s in layers):
        shapes = [shape for _, shape, s in layers if s == scheme]
        rep = max(shapes, key=math.prod)
        n_rep, n_all = math.prod(rep), sum(math.prod(sh) for sh in shapes)
        sch = SCHEMES[scheme]
        prog.step(f"compare: {scheme} {rep}")
        row = {"scheme": scheme, "shape": rep, "tensors": len(shapes), "elements": n_all,
               "fastinit": best_times(lambda: sch.fastinit(rep, seed, threads), 2),
               "numpy": best_times(lambda: sch.numpy(gen, rep), 2),
               "torch": best_times(lambda: sch.torch(rep), 2) if torch is not None else None}
        row["scale"] = n_all / n_rep
        row["fastinit_all"] = per_scheme_fi[scheme]
        rows.append(row)
    return rows


def run(args):
    threads = (args.tour_threads or [fastinit.get_num_threads()])[-1]
    layers = plan(args.size_gb)
    n_total = sum(math.prod(s) for _, s, _ in layers)
    nbytes = 4 * n_total
    torch, torch_why = (None, "skipped (--no-compare)") if args.no_compare else \
        _optional("torch")
    n_schemes = len({s for _, _, s in layers})
    model = torch is not None and not args.no_model
    steps = 2 * len(layers) + (0 if args.no_compare else n_schemes) + (3 if model else 0)
    print(f"fastinit {fastinit.__version__} tour: {len(layers)} tensors, {n_total:,} float32 "
          f"values ({nbytes / 1e9:.2f} GB), {threads} thread(s), SIMD path "
          f"{fastinit.get_simd_path()}")
    seeds = {name: args.tour_seed * 100_000 + i for i, (name, _, _) in enumerate(layers)}
    with Progress(steps, "tour", enabled=not args.quiet) as prog:
        t0 = time.perf_counter()
        made, per_scheme = _make_all(
            layers, lambda n, shape, s: s.fastinit(shape, seeds[n], threads), prog, "fastinit")
        t_fi = time.perf_counter() - t0
        results = {}
        for name, shape, scheme in layers:
            prog.step(f"check: {name}")
            results[name] = check(name, SCHEMES[scheme], made[name])
        del made
        rows = None
        if not args.no_compare:
            rows = compare(layers, per_scheme, torch, args.tour_seed, threads, prog)
        model_report = whole_model(torch, args.size_gb, args.tour_seed, threads, prog) \
            if model else None
    ok_all = _report_checks(layers, results)
    print()
    print(f"fastinit made all {len(layers)} tensors ({nbytes / 1e9:.2f} GB) in {t_fi:.2f} s "
          f"({nbytes / t_fi / 1e9:.2f} GB/s, fresh memory, page faults included)")
    if rows is not None:
        _report_speed(rows, torch, torch_why, t_fi, nbytes)
    if model_report is not None:
        ok_all &= _report_model(model_report)
    print("\nnext: python -m fastinit bench   (per-family table)   |   "
          "python -m fastinit demo   (which scheme suits which activation)")
    return 0 if ok_all else 1


def _report_speed(rows, torch, torch_why, t_fi, nbytes):
    print("\nspeed per scheme on its largest tensor (new array each call, best of 2; "
          "NumPy: Generator draws (float64 then cast for the schemes), np.linalg.qr; "
          "PyTorch: torch.empty + torch.nn.init)")
    head = ["scheme", "shape", "fastinit GB/s", "NumPy GB/s", "PyTorch GB/s", "x NumPy",
            "x PyTorch"]
    body = []
    for r in rows:
        gb = 4 * math.prod(r["shape"]) / 1e9
        body.append([r["scheme"], "x".join(map(str, r["shape"])),
                     f"{gb / r['fastinit']:.2f}", f"{gb / r['numpy']:.2f}",
                     f"{gb / r['torch']:.2f}" if r["torch"] else "n/a",
                     f"{r['numpy'] / r['fastinit']:.1f}x",
                     f"{r['torch'] / r['fastinit']:.1f}x" if r["torch"] else "-"])
    widths = [max(len(c) for c in col) for col in zip(head, *body)]
    for cells in [head, ["-" * w for w in widths]] + body:
        print("  " + "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(cells, widths))))
    if any(math.prod(r["shape"]) < 100_000 for r in rows):
        print("  (tensors of a few thousand values measure per-call overhead, not bandwidth)")
    est = {lib: sum(r[lib] * r["scale"] for r in rows)
           for lib in ("fastinit", "numpy", "torch") if all(r[lib] for r in rows)}
    line = (f"\nwhole list, scaled from the table: fastinit {est['fastinit']:.2f} s, NumPy "
            f"{est['numpy']:.2f} s ({est['numpy'] / est['fastinit']:.1f}x)")
    if "torch" in est:
        line += (f", PyTorch {torch.__version__} ({torch.get_num_threads()} threads) "
                 f"{est['torch']:.2f} s ({est['torch'] / est['fastinit']:.1f}x)")
    print(line)
    if torch is None and torch_why:
        print(f"PyTorch: {torch_why}")


def _report_checks(layers, results):
    print("\nchecks (mean and std within 6 standard errors of the formula; "
          "orthogonal: max |W W^T - I|):")
    by_scheme = {}
    for name, _, scheme in layers:
        by_scheme.setdefault(scheme, []).append(name)
    ok_all = True
    for scheme, names in by_scheme.items():
        res = [results[n] for n in names]
        ok = all(r[0] for r in res)
        ok_all &= ok
        worst = max(res, key=lambda r: max(abs(r[1].get("z_mean", 0)),
                                           abs(r[1].get("z_std", 0)), r[1].get("err", 0)))
        d = worst[1]
        if "z_mean" in d:
            what = (f"worst: std {d['std']:.6g} vs {d['want_std']:.6g} (z={d['z_std']:+.1f}), "
                    f"mean {d['mean']:+.2e} (z={d['z_mean']:+.1f})")
        elif "tol" in d:
            what = f"max |W W^T - I| = {d['err']:.1e} (< {d['tol']:.0e})"
        else:
            what = f"max |w - value| = {d['err']:.1e}"
        print(f"  {'OK  ' if ok else 'FAIL'} {scheme:<26} {len(names):>3} tensors  {what}")
    return ok_all


# torch's law per layer of the Llama-like model: Linear weights
# U(+-1/sqrt(in)) (kaiming_uniform_ with a=sqrt(5)), Embedding N(0, 1),
# RMSNorm weights one.
_TORCH_LAWS = {
    "Linear": Scheme("Linear U(+-1/sqrt(in))", None, None, None,
                     lambda shape: 1 / math.sqrt(3 * shape[1]), KURTOSIS["uniform"],
                     "random", None),
    "Embedding": Scheme("Embedding N(0, 1)", None, None, None, lambda shape: 1.0,
                        KURTOSIS["normal"], "random", None),
    "RMSNorm": Scheme("RMSNorm ones", None, None, None, None, None, "constant", 1.0),
}


def whole_model(torch, size_gb, seed, threads, prog):
    """Materialize the Llama-like model from meta, check it, time it against torch."""
    import fastinit.torch as ft
    from . import llama
    scale = next((s for s in range(1, 65) if 4 * llama.n_params(s) <= size_gb * 1e9 / 4), 64)
    prog.step(f"whole model: warm-up (scale 1/{scale})")
    llama.Llama(scale, device="meta")           # torch's one-time meta set-up
    prog.step("whole model: torch eager construction")
    t_torch = best_times(lambda: llama.Llama(scale), 1)
    prog.step("whole model: fastinit.torch.materialize + checks")
    t0 = time.perf_counter()
    model = ft.materialize(llama.Llama(scale, device="meta"), rng=seed, num_threads=threads)
    t_fi = time.perf_counter() - t0
    checks = {}
    for mname, mod in model.named_modules():
        law = _TORCH_LAWS.get(type(mod).__name__)
        if law is not None:
            w = mod.weight.detach().numpy()
            checks.setdefault(law.name, []).append(check(mname, law, w))
    return {"scale": scale, "params": llama.n_params(scale), "torch": t_torch,
            "fastinit": t_fi, "checks": checks, "torch_version": torch.__version__}


def _report_model(r):
    print(f"\nwhole model: Llama-like at scale 1/{r['scale']} ({r['params'] / 1e6:.1f} M "
          f"float32 parameters) made by fastinit.torch.materialize from the meta device, "
          f"checked per parameter against torch's law for its layer:")
    ok_all = True
    for law, res in r["checks"].items():
        ok = all(x[0] for x in res)
        ok_all &= ok
        zs = [max(abs(x[1].get("z_mean", 0)), abs(x[1].get("z_std", 0))) for x in res]
        print(f"  {'OK  ' if ok else 'FAIL'} {law:<24} {len(res):>3} tensors  worst |z| = "
              f"{max(zs):.1f}" if any(zs) else
              f"  {'OK  ' if ok else 'FAIL'} {law:<24} {len(res):>3} tensors  exact")
    print(f"  materialize {r['fastinit']:.3f} s, torch {r['torch_version']} eager "
          f"construction {r['torch']:.3f} s ({r['torch'] / r['fastinit']:.1f}x); the full "
          f"1.1 B model: python -m fastinit bench --model")
    return ok_all
