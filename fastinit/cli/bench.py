"""``python -m fastinit bench``: fastinit against NumPy, PyTorch and JAX, side by side.

Every family of ``FAMILIES`` (from ``references.REFERENCES``) is timed in one process, one library
after another, on the same pre-touched output (so page faults are not
counted), best of ``--repeat``. The memset roofline is ``ndarray.fill`` on
that array. Element-wise families report GB/s of output; orthogonal reports
seconds for one n x n matrix.
"""
import argparse
import json
import os
import platform
import sys

import numpy as np

import fastinit

from .args import nonnegative_int, positive_int, thread_list
from .progress import Progress
from .references import REFERENCES
from .timing import best_times

LIBRARIES = ("numpy", "torch", "jax")
FAMILIES = [REFERENCES[n] for n in ("constant", "uniform", "normal", "trunc_normal",
                                    "kaiming_normal", "xavier_uniform", "orthogonal")]


def _optional(name):
    try:
        return __import__(name), None
    except Exception as exc:  # ImportError, or a broken install
        return None, f"{name} not importable ({type(exc).__name__})"


def _entry(seconds, nbytes, unit):
    out = {"seconds": seconds}
    if unit == "GB/s":
        out["gbps"] = nbytes / seconds / 1e9
    return out


def _speed(entry, unit):
    """A number where bigger is better: GB/s, or 1/seconds."""
    return entry["gbps"] if unit == "GB/s" else 1.0 / entry["seconds"]


def measure(size, dtype, threads, repeat, ortho_n, families=None, seed=0, progress=True):
    """Run the comparison; return the JSON-able document."""
    dtype = np.dtype(dtype)
    fams = [f for f in FAMILIES if families is None or f.name in families]
    torch, torch_why = _optional("torch")
    jax, jax_why = _optional("jax")
    if jax is not None and dtype == np.float64:
        jax.config.update("jax_enable_x64", True)
    cols = min(1024, size)
    shape = (size // cols, cols)
    n_elems = shape[0] * shape[1]
    out = np.empty(shape, dtype)
    out.fill(0.0)  # pre-touch
    ortho = np.zeros((ortho_n, ortho_n), dtype)
    doc = {
        "size": n_elems, "shape": list(shape), "dtype": dtype.name, "repeat": repeat,
        "threads": list(threads), "orthogonal_n": ortho_n,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "numpy": np.__version__,
                    "fastinit": fastinit.__version__,
                    "fastinit_simd": fastinit.get_simd_path(),
                    "torch": getattr(torch, "__version__", None),
                    "torch_threads": torch.get_num_threads() if torch else None,
                    "jax": getattr(jax, "__version__", None)},
        "libraries": {"numpy": True, "torch": torch is not None, "jax": jax is not None},
        "unavailable": {k: v for k, v in (("torch", torch_why), ("jax", jax_why)) if v},
        "memset": None, "rows": [],
    }
    steps = 1 + len(fams) * (len(threads) + 3)
    with Progress(steps, "bench", enabled=progress) as prog:
        prog.step("memset (ndarray.fill)")
        doc["memset"] = _entry(best_times(lambda: out.fill(0.5), repeat), out.nbytes, "GB/s")
        for fam in fams:
            target = ortho if fam.unit == "s" else out
            row = {"family": fam.name, "unit": fam.unit, "shape": list(target.shape),
                   "fastinit": {}, "numpy": None, "torch": None, "jax": None, "errors": {}}
            for t in threads:
                prog.step(f"{fam.name}: fastinit, {t} thread(s)")
                try:
                    fam.fastinit(target, seed, t)  # first call outside the timing
                    sec = best_times(lambda: fam.fastinit(target, seed, t), repeat)
                    row["fastinit"][str(t)] = _entry(sec, target.nbytes, fam.unit)
                except Exception as exc:
                    row["fastinit"][str(t)] = None
                    row["errors"]["fastinit"] = f"{type(exc).__name__}: {exc}"
            prog.step(f"{fam.name}: numpy")
            gen = np.random.default_rng(seed)
            row["numpy"] = _run_lib(row, "numpy", lambda: fam.numpy(gen, target), repeat,
                                    target.nbytes, fam.unit)
            prog.step(f"{fam.name}: torch")
            if torch is not None and fam.torch is not None:
                tt = torch.from_numpy(target)  # same pre-touched memory
                row["torch"] = _run_lib(row, "torch", lambda: fam.torch(tt), repeat,
                                        target.nbytes, fam.unit)
            prog.step(f"{fam.name}: jax")
            if jax is not None and fam.jax is not None:
                key = jax.random.PRNGKey(seed)
                call = (lambda: fam.jax(key, target.shape, dtype).block_until_ready())
                row["jax"] = _run_lib(row, "jax", call, repeat, target.nbytes, fam.unit,
                                      warmup=True)
            row["ratios"] = _ratios(row, doc["memset"], fam.unit)
            doc["rows"].append(row)
    return doc


def _run_lib(row, lib, call, repeat, nbytes, unit, warmup=False):
    try:
        if warmup:
            call()  # JAX compiles on the first call
        return _entry(best_times(call, repeat), nbytes, unit)
    except Exception as exc:
        row["errors"][lib] = f"{type(exc).__name__}: {exc}"
        return None


def _ratios(row, memset, unit):
    """Per thread count: fastinit's speed-up over each library, and its share of memset."""
    ratios = {}
    for t, fi in row["fastinit"].items():
        if fi is None:
            continue
        r = {}
        for lib in LIBRARIES:
            if row[lib] is not None:
                r[f"vs_{lib}"] = row[lib]["seconds"] / fi["seconds"]
        if unit == "GB/s":
            r["of_memset"] = fi["gbps"] / memset["gbps"]
        ratios[t] = r
    return ratios


def _cell(entry, unit):
    if entry is None:
        return "n/a"
    return f"{entry['gbps']:.2f}" if unit == "GB/s" else f"{entry['seconds']:.3g}s"


def format_table(doc):
    """The human-readable report of a ``measure`` document."""
    m = doc["machine"]
    threads = doc["threads"]
    lines = [
        f"fastinit {m['fastinit']} bench: {doc['size']:,} {doc['dtype']} elements "
        f"({doc['size'] * np.dtype(doc['dtype']).itemsize / 1e6:.1f} MB, shape "
        f"{tuple(doc['shape'])}), best of {doc['repeat']}, one process",
        f"machine: {m['cpus']} CPUs, {m['processor']}, {m['platform']}; SIMD path "
        f"{m['fastinit_simd']}; numpy {m['numpy']}, torch {m['torch'] or '-'} "
        f"({m['torch_threads'] or '-'} threads), jax {m['jax'] or '-'}",
        f"memset roofline (ndarray.fill, pre-touched): {doc['memset']['gbps']:.2f} GB/s",
        "element-wise families: GB/s of output (higher is better); orthogonal: seconds "
        f"for one {doc['orthogonal_n']}x{doc['orthogonal_n']} matrix (lower is better)",
        "",
    ]
    head = (["family"] + [f"fastinit[{t}T]" for t in threads] + list(LIBRARIES)
            + ["x numpy", "x torch", "x jax", "% memset"])
    body = []
    t_top = str(threads[-1])
    for row in doc["rows"]:
        r = row["ratios"].get(t_top, {})
        cells = ([row["family"]] + [_cell(row["fastinit"].get(str(t)), row["unit"])
                                    for t in threads]
                 + [_cell(row[lib], row["unit"]) for lib in LIBRARIES]
                 + [f"{r[k]:.1f}x" if k in r else "-" for k in ("vs_numpy", "vs_torch",
                                                                  "vs_jax")]
                 + [f"{100 * r['of_memset']:.0f}%" if "of_memset" in r else "-"])
        body.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body)]
    fmt = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)  # noqa: E731
                                  for i, (c, w) in enumerate(zip(cells, widths)))
    lines += [fmt(head), fmt(["-" * w for w in widths])] + [fmt(c) for c in body]
    lines.append("")
    lines.append(f"ratios use fastinit at {t_top} thread(s): x LIB = LIB time / fastinit "
                 f"time; % memset = fastinit GB/s / memset GB/s")
    for lib, why in doc["unavailable"].items():
        lines.append(f"{lib}: {why}")
    for row in doc["rows"]:
        for lib, err in row["errors"].items():
            lines.append(f"{row['family']} / {lib}: not measured ({err.splitlines()[0][:120]})")
    return "\n".join(lines)


def add_arguments(p):
    p.add_argument("--size", type=positive_int, default=64_000_000,
                   help="elements per element-wise fill (default 64000000 = 6.4e7)")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--threads", type=thread_list, default=None,
                   help="fastinit thread count, or a comma list such as 1,2 "
                        "(default: fastinit.get_num_threads())")
    p.add_argument("--repeat", type=positive_int, default=5, help="best of N (default 5)")
    p.add_argument("--ortho-n", type=positive_int, default=1024,
                   help="side of the orthogonal n x n matrix (default 1024)")
    p.add_argument("--only", type=family_list, default=None,
                   help="comma list of families to run (default: all): "
                        + ",".join(f.name for f in FAMILIES))
    p.add_argument("--seed", type=nonnegative_int, default=0)
    p.add_argument("--json", action="store_true",
                   help="print one JSON document on stdout instead of the table")
    which = p.add_mutually_exclusive_group()   # --overhead or --model, not both
    which.add_argument("--overhead", action="store_true",
                   help="time single calls on small tensors (16x16 weight, 16 bias) against "
                        "torch.nn.init, in microseconds, with the functional twins and the "
                        "registry over the in-place call (see fastinit.cli.overhead); uses "
                        "--repeat and --json")
    which.add_argument("--jax", action="store_true",
                   help="fastinit.jax against jitted jax.nn.initializers on an 8000 x 8000 "
                        "float32 kernel (--size / 8000 rows when --size is given), eager and "
                        "under jit (see fastinit.cli.jax_bench); uses --repeat, --ortho-n, "
                        "--threads (the first) and --json")
    m = p.add_argument_group("whole model (--model)")
    which.add_argument("--model", action="store_true",
                   help="time initializing a Llama-like model (about 1.1 B parameters at "
                        "--scale 1): materialize, init_, patch against torch (see "
                        "fastinit.cli.model_bench)")
    m.add_argument("--scale", type=positive_int, default=1,
                   help="divide the model's width, MLP and vocabulary by this (default 1; "
                        "4 gives about 75 M parameters)")
    m.add_argument("--model-dtypes", type=model_dtypes, default=["float32", "bfloat16"],
                   help="comma list of float32, bfloat16, float16 (default float32,bfloat16)")
    m.add_argument("--no-hf", action="store_true",
                   help="skip the transformers LlamaForCausalLM rows")


def model_dtypes(text):
    names = [s.strip() for s in text.split(",") if s.strip()]
    bad = [n for n in names if n not in ("float32", "bfloat16", "float16")]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"model dtypes are float32, bfloat16, float16; got "
                                         f"{text!r}")
    return names


def run(args):
    if args.overhead:
        from . import overhead
        return overhead.run(args)
    if args.model:
        from . import model_bench
        return model_bench.run(args)
    if args.jax:
        from . import jax_bench
        return jax_bench.run(args)
    threads = args.threads or [fastinit.get_num_threads()]
    doc = measure(args.size, args.dtype, threads, args.repeat, args.ortho_n,
                  families=args.only, seed=args.seed, progress=True)
    return emit(doc, args.json, format_table)


def emit(doc, as_json, table):
    """Print a bench document: JSON alone on stdout, or ``table(doc)``; exit code 0."""
    if as_json:
        json.dump(doc, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(table(doc))
    return 0


def family_list(text):
    names = [s.strip() for s in text.split(",") if s.strip()]
    known = [f.name for f in FAMILIES]
    bad = [n for n in names if n not in known]
    if bad or not names:
        raise argparse.ArgumentTypeError(f"unknown family {', '.join(bad) or text!r}; "
                                         f"choose from {', '.join(known)}")
    return names
