"""Regenerate the golden values that pin fastinit's random streams.

    python tools/golden.py            # rewrite tests/golden.json from this build
    python tools/golden.py --check    # compare this build with tests/golden.json

Every case below is a call with a fixed seed. Two kinds of case, as the
reproducibility contract (docs/guide/reproducibility.md) has it:

- *exact* cases (every element-wise family, the schemes, sparse_, keys,
  blocks) record the values at a few indices and the SHA-256 of all the
  output bytes: the bits are the same on every CPU, SIMD path and thread
  count, so a changed hash is a changed stream.
- *blas* cases (orthogonal, delta_orthogonal) go through OpenBLAS, whose
  kernels depend on the CPU. Their record keeps the SHA-256 of the exact
  part, the Gaussians drawn from the normal stream (positions and Mezzadri's
  signs as docs/randomness.md gives them), and the whole output's values
  (in tests/golden_blas.npz, beside the JSON file), compared within
  ``blas_tolerance``; entries that are exactly zero (delta_orthogonal's
  off-centre taps) must stay exactly zero.

``tests/test_golden.py`` (with the golden tests of the fills, truncated
normal and orthogonal modules) recomputes them. Changing any stream is a
breaking change (docs/randomness.md): regenerate the files with this script
in the same commit, bump the version and say so in CHANGELOG.md.
``--check`` reports each case as exact, within tolerance or changed, so a
change that is meant to touch one distribution shows which others it
touched.
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
# the blas cases' whole outputs, one array per case name
VALUES_SUFFIX = "_blas.npz"
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

    def add(name, call, thunk, indices=FIRST8, gaussians=None):
        cases[name] = (call, indices, thunk, gaussians)

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
    # blas cases: the Gaussians are (seed, m, k, dtype) of the orthogonal draw
    add("orthogonal/3x3/float64", "orthogonal((3, 3), rng=0, dtype='float64')",
        lambda: fi.orthogonal((3, 3), rng=0, dtype="float64"), list(range(9)),
        gaussians=(0, 3, 3, "float64"))
    add("orthogonal/2x4/float32", "orthogonal((2, 4), rng=0)",
        lambda: fi.orthogonal((2, 4), rng=0), list(range(8)),
        gaussians=(0, 4, 2, "float32"))
    for shape in [(300, 200), (200, 300)]:
        for dt in DTYPES:
            add(f"orthogonal/{shape[0]}x{shape[1]}/{dt}",
                f"orthogonal({shape}, rng=5, dtype={dt!r})",
                lambda shape=shape, dt=dt: fi.orthogonal(shape, rng=5, dtype=dt),
                gaussians=(5, max(shape), min(shape), dt))
    add("delta_orthogonal/float32", "delta_orthogonal((8, 4, 3, 3), rng=5)",
        lambda: fi.delta_orthogonal((8, 4, 3, 3), rng=5), gaussians=(5, 8, 4, "float32"))
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


def blas_tolerance(ref):
    """How far a blas case's values may move when BLAS changes its kernels.

    OpenBLAS picks its gemm/trsm kernels by CPU, so the order of the
    floating-point sums (and FMA use) changes across CPUs. Each entry of Q
    is an accumulation of about n = max(shape) products, each rounded once:
    allow t = 2 ulps of 1 per accumulated term (entries of Q are at most 1).
    float16 is computed in float32 and rounded once at the end: two float32
    results within t of each other round to float16 values within t plus
    one float16 ulp (taken at |ref| + t, the larger ulp where a power of two
    lies in between). In float16's subnormal range t is several of its
    ulps, which a plain one-ulp rule would miss (seen under an emulated
    SSE4.2 CPU: 2 subnormal ulps).
    Returns the per-element bound (an array for float16, a float otherwise).
    """
    if ref.dtype == np.float16:
        t = 2 * max(ref.shape) * float(np.finfo(np.float32).eps)
        far = (np.abs(ref.astype(np.float32)) + np.float32(t)).astype(np.float16)
        return t + np.spacing(far).astype(np.float64)
    return 2 * max(ref.shape) * float(np.finfo(ref.dtype).eps)


def _gaussians(seed, m, k, dtype):
    """The exact part of an orthogonal draw (docs/randomness.md): reflector
    j's Gaussians are the normal stream's values S_j .. S_j + m - j - 1,
    S_j = j m - j (j - 1) / 2, in float64 for float64 and float32 otherwise;
    Mezzadri's sign d_j is -sign(x_j[0])."""
    work = "float64" if dtype == "float64" else "float32"
    count = m * k - k * (k - 1) // 2
    x = fastinit.normal((count,), rng=seed, dtype=work)
    starts = [j * m - j * (j - 1) // 2 for j in range(k)]
    return {"count": count, "dtype": work, "sha256": hashlib.sha256(_bytes(x)).hexdigest(),
            "signs": "".join("+" if x[s] < 0 else "-" for s in starts)}


def compute_case(name):
    """(golden entry of case ``name`` computed by this build, the whole
    output for a blas case or None)."""
    call, indices, thunk, gaussians = CASES[name]
    a = np.asarray(thunk())
    flat = a.reshape(-1)
    entry = {"call": call, "kind": "exact" if gaussians is None else "blas",
             "dtype": a.dtype.name, "shape": list(a.shape), "indices": list(indices),
             "values": flat[list(indices)].tolist()}
    if gaussians is None:
        entry["sha256"] = hashlib.sha256(_bytes(a)).hexdigest()
        return entry, None
    entry["gaussians"] = _gaussians(*gaussians)
    return entry, a


# fields of a blas entry that are exact on every CPU ("values" is not: it
# samples the BLAS-dependent output, for readers of the file)
BLAS_EXACT_FIELDS = ("call", "kind", "dtype", "shape", "indices", "gaussians")


def compare(name, stored, stored_values=None, now=None):
    """Compare case ``name`` of this build with its stored entry.

    Returns ``(status, detail)``: status ``"exact"`` (the same bits),
    ``"within tolerance"`` (a blas case whose exact part is unchanged and
    whose values moved by at most ``blas_tolerance``) or ``"changed"``.
    ``stored_values`` is the stored whole output of a blas case; ``now``
    an already computed ``compute_case(name)``.
    """
    entry, a = compute_case(name) if now is None else now
    if entry["kind"] == "exact" or stored.get("kind") != "blas":
        return ("exact", "") if entry == stored else ("changed", "hash or values differ")
    for field in BLAS_EXACT_FIELDS:
        if entry[field] != stored.get(field):
            return "changed", f"{field} differs (exact on every CPU)"
    if stored_values is None:
        return "changed", "no stored values for this blas case"
    ref = np.asarray(stored_values)
    if ref.dtype != a.dtype or ref.shape != a.shape:
        return "changed", f"stored values are {ref.dtype} {ref.shape}"
    if not np.array_equal(ref == 0, a == 0):
        return "changed", "the exact zeros moved"
    if _bytes(ref) == _bytes(a):
        return "exact", ""
    diff = np.abs(a.astype(np.float64) - ref.astype(np.float64))
    tol = blas_tolerance(ref)
    worst = float(np.max(diff / tol))
    detail = f"max |diff| {diff.max():.3g}, {worst:.3f} of the tolerance"
    return ("within tolerance" if worst <= 1 else "changed"), detail


def compute():
    """(the golden document, {case: whole output} of the blas cases)."""
    cases, values = {}, {}
    for n in CASES:
        cases[n], a = compute_case(n)
        if a is not None:
            values[n] = a
    return ({"format": 2, "generated_by": "tools/golden.py",
             "fastinit": fastinit.__version__, "cases": cases}, values)


def values_path(path=GOLDEN_FILE):
    """The blas cases' values file that goes with the JSON file ``path``."""
    return os.path.splitext(path)[0] + VALUES_SUFFIX


def load(path=GOLDEN_FILE):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_values(path=GOLDEN_FILE):
    """{case: stored whole output} of the blas cases ({} if there is no file)."""
    vpath = values_path(path)
    if not os.path.exists(vpath):
        return {}
    with np.load(vpath) as z:
        return {n: z[n] for n in z.files}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the file instead of writing it; exit 1 on a difference")
    ap.add_argument("--file", default=GOLDEN_FILE, help="default: tests/golden.json")
    args = ap.parse_args(argv)
    if args.check:
        stored, values = load(args.file)["cases"], load_values(args.file)
        counts = {"exact": 0, "within tolerance": 0, "changed": 0}
        for n in sorted(set(stored) & set(CASES)):
            status, detail = compare(n, stored[n], values.get(n))
            counts[status] += 1
            if status != "exact":
                print(f"{status}: {n}  ({stored[n]['call']}){': ' + detail if detail else ''}")
        for n in sorted(set(stored) ^ set(CASES)):
            print(f"{'only in file' if n in stored else 'new case'}: {n}")
        print(f"{counts['exact']} cases exact, {counts['within tolerance']} within the BLAS "
              f"tolerance, {counts['changed']} changed")
        return 1 if counts["changed"] or set(stored) != set(CASES) else 0
    doc, values = compute()
    with open(args.file, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    np.savez(values_path(args.file), **values)
    print(f"wrote {len(doc['cases'])} cases to {os.path.relpath(args.file, ROOT)} "
          f"({len(values)} blas cases' values to "
          f"{os.path.relpath(values_path(args.file), ROOT)})")
    return 0

if __name__ == "__main__":
    sys.exit(main())
