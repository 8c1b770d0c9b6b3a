"""Regenerate the golden values that pin fastinit's random streams.

    python tools/golden.py            # rewrite tests/golden.json from this build
    python tools/golden.py --check    # compare this build with tests/golden.json

Every case below is a call with a fixed seed; the file records, per case,
the values at a few indices and the SHA-256 of all the output bytes, and
``tests/test_golden.py`` (with the golden tests of the fills, truncated
normal and orthogonal modules) recomputes them. Changing any stream is a
breaking change (docs/randomness.md): regenerate the file with this script
in the same commit, bump the version and say so in CHANGELOG.md.
``--check`` lists the cases whose outputs differ, so a change that is meant
to touch one distribution shows which others it touched.
"""
import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np

import fastinit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN_FILE = os.path.join(ROOT, "tests", "golden.json")
DTYPES = ("float32", "float64", "float16")
FILL_INDICES = [0, 1, 2, 3, 45, 1000, 99999]
FIRST8 = list(range(8))
TRUNC_BOUNDS = [(-2, 2), (0.1, 0.2), (8, 9), (-9, -8), (0, math.inf)]
SCHEME_SHAPE = (64, 48, 3)


def _bytes(a):
    return np.ascontiguousarray(a).tobytes()


def _cases():
    """{name: (call text, indices, thunk returning an array)}."""
    fi = fastinit
    cases = {}

    def add(name, call, thunk, indices=FIRST8):
        cases[name] = (call, indices, thunk)

    for dist in ("uniform", "normal"):
        for dt in DTYPES:
            add(f"fill/{dist}/{dt}", f"{dist}((100000,), rng=1234, dtype={dt!r})",
                lambda dist=dist, dt=dt: getattr(fi, dist)((100000,), rng=1234, dtype=dt),
                FILL_INDICES)
    for a, b in TRUNC_BOUNDS:
        for dt in DTYPES:
            add(f"trunc_normal/{a},{b}/{dt}",
                f"trunc_normal(4099, 0.0, 1.0, {a}, {b}, rng=1234, dtype={dt!r})",
                lambda a=a, b=b, dt=dt: fi.trunc_normal(4099, 0.0, 1.0, a, b, rng=1234,
                                                        dtype=dt))
    add("orthogonal/3x3/float64", "orthogonal((3, 3), rng=0, dtype='float64')",
        lambda: fi.orthogonal((3, 3), rng=0, dtype="float64"), list(range(9)))
    add("orthogonal/2x4/float32", "orthogonal((2, 4), rng=0)",
        lambda: fi.orthogonal((2, 4), rng=0), list(range(8)))
    for shape in [(300, 200), (200, 300)]:
        for dt in DTYPES:
            add(f"orthogonal/{shape[0]}x{shape[1]}/{dt}",
                f"orthogonal({shape}, rng=5, dtype={dt!r})",
                lambda shape=shape, dt=dt: fi.orthogonal(shape, rng=5, dtype=dt))
    add("delta_orthogonal/float32", "delta_orthogonal((8, 4, 3, 3), rng=5)",
        lambda: fi.delta_orthogonal((8, 4, 3, 3), rng=5))
    schemes = {
        "xavier_uniform": {}, "xavier_normal": {}, "kaiming_uniform": {"a": math.sqrt(5)},
        "kaiming_normal": {"mode": "fan_out", "nonlinearity": "relu"},
        "lecun_uniform": {}, "lecun_normal": {},
        "variance_scaling": {"scale": 2.0, "mode": "fan_avg",
                             "distribution": "truncated_normal"},
        "variance_scaling/uniform": {"scale": 0.5, "mode": "fan_geo_avg",
                                     "distribution": "uniform"},
        "variance_scaling/normal": {"distribution": "normal"},
    }
    for name, kw in schemes.items():
        fn = name.split("/")[0]
        for dt in DTYPES:
            add(f"scheme/{name}/{dt}", f"{fn}({SCHEME_SHAPE}, rng=3, dtype={dt!r}, **{kw})",
                lambda fn=fn, kw=kw, dt=dt: getattr(fi, fn)(SCHEME_SHAPE, rng=3, dtype=dt, **kw))
    add("sparse/float32", "sparse((40, 30), 0.25, rng=3)",
        lambda: fi.sparse((40, 30), 0.25, rng=3))
    add("bias_uniform/float32", "bias_uniform((100,), (100, 30), rng=3)",
        lambda: fi.bias_uniform((100,), (100, 30), rng=3))

    def default_init():
        w, b = np.empty((100, 30), np.float32), np.empty(100, np.float32)
        fi.torch_default_init_(w, b, rng=3)
        return np.concatenate([w.ravel(), b])
    add("torch_default_init/float32", "torch_default_init_(w (100, 30), b (100,), rng=3)",
        default_init)
    # keys: the derivations of docs/randomness.md
    if hasattr(fi, "Key"):
        key = "Key(1234)"
        add("key/words", f"{key}.words", lambda: np.array(fi.Key(1234).words, np.uint32),
            [0, 1, 2])
        add("key/split", f"{key}.split(4)",
            lambda: np.array([k.words for k in fi.Key(1234).split(4)], np.uint32).ravel(),
            list(range(12)))
        for data in (0, 1, 2**40 + 5, "", "1", "encoder.layer0.weight", "ünïcode/名前"):
            add(f"key/fold_in/{data!r}", f"{key}.fold_in({data!r})",
                lambda data=data: np.array(fi.Key(1234).fold_in(data).words, np.uint32),
                [0, 1, 2])
        add("key/fold_in/fill", f"normal(1000, rng={key}.fold_in('w').split(2)[1])",
            lambda: fi.normal(1000, rng=fi.Key(1234).fold_in("w").split(2)[1]))
        # keys by parameter name (issue 10): model-style names, one per digest length
        for name in ("embed.weight", "blocks.3.attn.q.weight", "blocks.3.attn.k.weight",
                     "layers.31.mlp.down_proj.weight"):
            add(f"key/by_name/{name}", f"Key(0).fold_in({name!r})",
                lambda name=name: np.array(fi.Key(0).fold_in(name).words, np.uint32),
                [0, 1, 2])
    # the index space: a 2-D block of a named parameter (a tensor-parallel shard)
    if hasattr(fi, "Key"):
        add("block/kaiming_normal/float32",
            "kaiming_normal_(empty((24, 40)), rng=Key(0).fold_in('blocks.3.attn.q.weight'), "
            "global_shape=(96, 80), index=(slice(48, 72), slice(40, 80)))",
            lambda: fi.kaiming_normal_(np.empty((24, 40), np.float32),
                                       rng=fi.Key(0).fold_in("blocks.3.attn.q.weight"),
                                       global_shape=(96, 80),
                                       index=(slice(48, 72), slice(40, 80))))
    return cases


CASES = _cases()


def record(name):
    """The golden entry of case ``name`` computed by this build."""
    call, indices, thunk = CASES[name]
    a = np.asarray(thunk())
    flat = a.reshape(-1)
    return {"call": call, "dtype": a.dtype.name, "shape": list(a.shape),
            "indices": list(indices), "values": flat[list(indices)].tolist(),
            "sha256": hashlib.sha256(_bytes(a)).hexdigest()}


def compute():
    return {"format": 1, "generated_by": "tools/golden.py",
            "fastinit": fastinit.__version__, "cases": {n: record(n) for n in CASES}}


def load(path=GOLDEN_FILE):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the file instead of writing it; exit 1 on a difference")
    ap.add_argument("--file", default=GOLDEN_FILE, help="default: tests/golden.json")
    args = ap.parse_args(argv)
    if args.check:
        stored = load(args.file)["cases"]
        now = {n: record(n) for n in CASES}
        changed = sorted(n for n in set(stored) & set(now) if stored[n] != now[n])
        for n in changed:
            print(f"changed: {n}  ({stored[n]['call']})")
        for n in sorted(set(stored) ^ set(now)):
            print(f"{'only in file' if n in stored else 'new case'}: {n}")
        print(f"{len(set(stored) & set(now)) - len(changed)} cases unchanged, "
              f"{len(changed)} changed")
        return 1 if changed or set(stored) != set(now) else 0
    doc = compute()
    with open(args.file, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(doc['cases'])} cases to {os.path.relpath(args.file, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
