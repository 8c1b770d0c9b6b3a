"""Fingerprint of every random family x dtype, for comparing builds and CPUs.

    python tools/fingerprint.py [--out FILE.npz] [--expect-path PATH]

Fills a fixed set of arrays (every element-wise family, the truncated normal
central and in the far tail, the schemes, sparse_, orthogonal, a strided
view, an offset= piece, blocks of short runs) in float16, float32 and float64 with fixed seeds and
2 threads, and prints one JSON line: the SIMD path fastinit chose, the best
path this CPU supports, and a SHA-256 of each array. ``--out`` also saves the
arrays (the tests compare the orthogonal ones within a tolerance, see
tests/test_cpus.py). ``--expect-path`` exits 1 unless fastinit chose that
path. Under ``qemu-x86_64 -cpu Haswell`` / ``-cpu Nehalem`` it proves that
the package runs on a smaller CPU and gives the same bits there.

Kept small on purpose: under qemu the whole run takes seconds.
"""
import argparse
import hashlib
import json
import sys

import numpy as np

import fastinit

N = 70_001            # above the one-thread limit, and not a multiple of any group
SHAPE = (263, 266)    # 69,958 elements: schemes and sparse_
THREADS = 2
DTYPES = ("float16", "float32", "float64")
ORTHOGONAL_SHAPES = ((64, 64), (200, 120))


def _strided(dtype, seed):
    """normal_ into a transposed, step-2 view; the untouched half must stay 0."""
    base = np.zeros((2 * 181, 389), dtype=dtype)
    fastinit.normal_(base[::2].T, 0.0, 1.0, rng=seed, num_threads=THREADS)
    return base


def _block(fill, dtype, seed):
    """A 2-D block of short runs: whole chunks (the runs kernels) where the
    dtype allows, in a view whose rows are apart in memory."""
    base = np.zeros((48, 320), dtype=dtype)
    fill(base[4:44, 32:288], rng=seed, num_threads=THREADS, global_shape=(100, 1024),
         index=(slice(30, 70), slice(256, 512)))
    return base


def cases():
    """Yield (name, kind, array): kind is "exact" or "blas" (orthogonal)."""
    t = THREADS
    for dtype in DTYPES:
        d = dict(dtype=dtype, num_threads=t)
        yield f"uniform/{dtype}", "exact", fastinit.uniform(N, -1.0, 2.0, rng=1, **d)
        yield f"normal/{dtype}", "exact", fastinit.normal(N, 0.5, 2.0, rng=2, **d)
        yield f"trunc_normal(-2,2)/{dtype}", "exact", fastinit.trunc_normal(
            N, 0.0, 1.0, -2.0, 2.0, rng=3, **d)
        yield f"trunc_normal(8,9)/{dtype}", "exact", fastinit.trunc_normal(
            N, 0.0, 1.0, 8.0, 9.0, rng=4, **d)
        yield f"kaiming_uniform/{dtype}", "exact", fastinit.kaiming_uniform(SHAPE, rng=5, **d)
        yield f"kaiming_normal/{dtype}", "exact", fastinit.kaiming_normal(
            SHAPE, nonlinearity="relu", rng=6, **d)
        yield f"xavier_uniform/{dtype}", "exact", fastinit.xavier_uniform(SHAPE, rng=7, **d)
        yield f"xavier_normal/{dtype}", "exact", fastinit.xavier_normal(SHAPE, rng=8, **d)
        yield f"lecun_uniform/{dtype}", "exact", fastinit.lecun_uniform(SHAPE, rng=9, **d)
        yield f"lecun_normal/{dtype}", "exact", fastinit.lecun_normal(SHAPE, rng=10, **d)
        yield f"variance_scaling/{dtype}", "exact", fastinit.variance_scaling(
            SHAPE, 2.0, "fan_avg", "truncated_normal", rng=11, **d)
        yield f"sparse/{dtype}", "exact", fastinit.sparse(SHAPE, 0.3, rng=12, **d)
        yield f"strided/{dtype}", "exact", _strided(dtype, 13)
        yield f"offset/{dtype}", "exact", fastinit.normal(N, rng=14, offset=123_457, **d)
        yield f"offset_uniform/{dtype}", "exact", fastinit.uniform(N, rng=15, offset=99, **d)
        yield f"block_normal/{dtype}", "exact", _block(fastinit.normal_, dtype, 17)
        yield f"block_trunc_normal/{dtype}", "exact", _block(fastinit.trunc_normal_, dtype, 18)
        for rows, cols in ORTHOGONAL_SHAPES:
            yield f"orthogonal{rows}x{cols}/{dtype}", "blas", fastinit.orthogonal(
                (rows, cols), rng=16, **d)


def fingerprint(out=None):
    from fastinit import _core
    result = {"simd_path": fastinit.get_simd_path(), "best_path": _core.simd_best(),
              "kinds": {}, "sha256": {}}
    arrays = {}
    for name, kind, a in cases():
        result["kinds"][name] = kind
        result["sha256"][name] = hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
        arrays[name] = a
    if out:
        np.savez(out, **arrays)
    return result


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", help="also save the arrays to this .npz file")
    p.add_argument("--expect-path", help="exit 1 unless fastinit chose this SIMD path")
    args = p.parse_args(argv)
    result = fingerprint(args.out)
    print(json.dumps(result, sort_keys=True))
    if args.expect_path and result["simd_path"] != args.expect_path:
        print(f"fingerprint: SIMD path is {result['simd_path']!r}, expected "
              f"{args.expect_path!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
