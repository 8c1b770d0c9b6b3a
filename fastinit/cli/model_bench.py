"""``python -m fastinit bench --model``: initializing a whole Llama-like model.

One process, one way after another, each timed best of ``--repeat`` with
the model dropped in between; the process is warmed first by building the
model once on the meta device (torch's one-time set-up). Ways:

- ``torch eager``: ``Llama()``, torch's default init (the baseline);
- ``materialize``: meta build + ``fastinit.torch.materialize``;
- ``init_``: ``fastinit.torch.init_`` on an existing (touched) model;
- ``patch``: ``Llama()`` under ``fastinit.torch.patch()``;
- ``to_empty+reset``: meta build, ``to_empty``, every module's
  ``reset_parameters()`` (torch's own re-init recipe);
- with ``transformers`` installed, a ``LlamaForCausalLM`` of the same
  sizes: plain construction, under ``patch()``, and materialize of a meta
  copy with ``hf_scheme``.

Reported: seconds, GB/s of parameters, peak RSS growth during the step
(Linux: VmHWM after resetting it, minus VmRSS before) over the parameters'
bytes, and the speed-up over torch eager.
"""
import gc
import json
import math
import os
import sys
import time

from . import llama


def _status(field):
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field))
    except (OSError, StopIteration):
        return None


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _trim():
    """Give freed heap memory back to the OS (glibc), so that each step's peak RSS
    counts its own memory rather than reusing what the previous step freed."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _step(make, repeat):
    """(best seconds, peak RSS growth in bytes or None) of ``make()``, its result dropped
    after each round (garbage collection outside the timing)."""
    best, cpu, peaks = math.inf, math.inf, []
    for _ in range(repeat):
        gc.collect()
        _trim()
        ok = _reset_peak()
        before = _status("VmRSS")
        c0, t0 = os.times(), time.perf_counter()
        out = make()
        t1, c1 = time.perf_counter(), os.times()
        if t1 - t0 < best:
            best, cpu = t1 - t0, (c1.user - c0.user) + (c1.system - c0.system)
        after = _status("VmHWM")
        if ok and before is not None and after is not None:
            peaks.append(after - before)
        del out
    gc.collect()
    return best, cpu, (max(peaks) if peaks else None)


def _hf_config(scale):
    import transformers
    c = llama.config(scale)
    return transformers.LlamaConfig(
        vocab_size=c["vocab"], hidden_size=c["width"], intermediate_size=c["mlp"],
        num_hidden_layers=c["layers"], num_attention_heads=c["heads"],
        num_key_value_heads=c["kv_heads"], tie_word_embeddings=False)


def measure(scale, dtypes, threads, repeat, seed=0, hf=True):
    import torch
    import fastinit
    import fastinit.torch as ft
    torch.set_num_threads(threads)
    fastinit.set_num_threads(threads)
    nparams = llama.n_params(scale)
    doc = {"scale": scale, "params": nparams, "threads": threads, "repeat": repeat,
           "torch": torch.__version__, "config": llama.config(scale), "rows": []}
    llama.Llama(scale, device="meta")           # warm-up: torch's first meta build

    def reset_all(m):
        for mod in m.modules():
            if hasattr(mod, "reset_parameters"):
                mod.reset_parameters()
        return m

    for name in dtypes:
        dtype = getattr(torch, name)
        nbytes = nparams * dtype.itemsize
        existing = llama.Llama(scale, dtype=dtype)
        ways = {
            "torch eager": lambda: llama.Llama(scale, dtype=dtype),
            "materialize": lambda: ft.materialize(llama.Llama(scale, device="meta", dtype=dtype),
                                                  rng=seed),
            "init_": lambda: ft.init_(existing, rng=seed) and None,
            "patch": lambda: _patched(ft, lambda: llama.Llama(scale, dtype=dtype)),
            "to_empty+reset": lambda: reset_all(
                llama.Llama(scale, device="meta", dtype=dtype).to_empty(device="cpu")),
        }
        if hf and name == "float32":
            try:
                import transformers
                cfg = _hf_config(scale)
                cls = transformers.LlamaForCausalLM
                ways["HF plain"] = lambda: cls(cfg)
                ways["HF patch"] = lambda: _patched(ft, lambda: cls(cfg))
                ways["HF materialize"] = lambda: ft.materialize(
                    _meta(torch, lambda: cls(cfg)), rng=seed,
                    scheme=ft.hf_scheme(cfg.initializer_range))
            except ImportError:
                pass
        results = {}
        for way, make in ways.items():
            results[way] = _step(make, repeat)
        del existing
        gc.collect()
        base = {"HF": results.get("HF plain", (None,))[0], "": results["torch eager"][0]}
        for way, (sec, cpu, peak) in results.items():
            ref = base["HF"] if way.startswith("HF") else base[""]
            doc["rows"].append({
                "dtype": name, "way": way, "seconds": sec, "cpu_seconds": cpu,
                "gbps": nbytes / sec / 1e9,
                "peak_rss_over_params": None if peak is None else peak / nbytes,
                "speedup_vs_eager": ref / sec if ref else None})
    return doc


def _patched(ft, build):
    with ft.patch():
        return build()


def _meta(torch, build):
    with torch.device("meta"):
        return build()


def format_table(doc):
    c = doc["config"]
    lines = [f"whole-model init: Llama-like, scale 1/{doc['scale']} (vocab {c['vocab']}, width "
             f"{c['width']}, MLP {c['mlp']}, {c['layers']} layers): {doc['params'] / 1e9:.3f} B "
             f"parameters; {doc['threads']} thread(s), best of {doc['repeat']}, torch "
             f"{doc['torch']}", "",
             f"{'dtype':9} {'way':16} {'seconds':>8} {'CPU s':>6} {'GB/s':>6} "
             f"{'peak RSS/params':>16} {'x eager':>8}"]
    for r in doc["rows"]:
        peak = "-" if r["peak_rss_over_params"] is None else f"{r['peak_rss_over_params']:.2f}"
        sp = "-" if r["speedup_vs_eager"] is None else f"{r['speedup_vs_eager']:.1f}x"
        lines.append(f"{r['dtype']:9} {r['way']:16} {r['seconds']:8.3f} "
                     f"{r['cpu_seconds']:6.2f} {r['gbps']:6.2f} {peak:>16} {sp:>8}")
    lines += ["", "seconds: wall time of the best round; CPU s: user + system time of that "
              "round (all threads); GB/s: parameter bytes / seconds; x eager: torch eager "
              "construction time / this time (HF rows: against HF plain construction); "
              "peak RSS: growth during the step / parameter bytes"]
    return "\n".join(lines)


def run(args):
    import fastinit
    doc = measure(args.scale, args.model_dtypes, args.threads[-1] if args.threads
                  else fastinit.get_num_threads(), args.repeat, args.seed, hf=not args.no_hf)
    if args.json:
        json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(format_table(doc))
    return 0
