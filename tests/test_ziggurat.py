"""The ziggurat normal sampler: its stream layout, slow path included, and its law.

The kernels (every SIMD path, any thread count or offset) must give, bit for
bit, what the documented layout gives when it is followed element by element
with the scalar transforms (fastinit/_src/ziggurat.h, normal_impl.h): the
first attempt from the element's own word(s), then its retry blocks, Philox
counter (i, stream, ZIG_SUB + t).
"""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import fastinit
from fastinit import _core, truncated
from conftest import SIMD_PATHS

SEED = 20261129
N = 160_000   # about 690 slow-path elements, 8 or so of them in the tail
ROOT = Path(__file__).resolve().parents[1]


def _philox(counters, stream, sub, key):
    """Philox words of the counters (flat positions) with c2 = stream, c3 = sub."""
    c = np.asarray(counters, np.uint64)
    ctr = np.stack([c & 0xFFFFFFFF, c >> 32, np.full_like(c, stream), np.full_like(c, sub)],
                   axis=1).astype(np.uint32)
    return _core.philox4x32(np.ascontiguousarray(ctr), np.array(key, np.uint32))


def _first_words(n, bits, key, stream):
    """The first-attempt word (float32) or 64 bits (float64) of indices 0..n-1."""
    i = np.arange(n, dtype=np.uint64)
    if bits == 32:   # index 32g + 8k + l: word k of counter 8g + l
        g, r = i // 32, i % 32
        w = _philox(8 * g + r % 8, stream, 0, key)
        return w[np.arange(n), (r // 8).astype(np.int64)].astype(np.uint64)
    g, r = i // 16, i % 16   # index 16g + 8j + l: words (2j, 2j+1) of counter 8g + l
    w = _philox(8 * g + r % 8, stream, 0, key).astype(np.uint64)
    j = (r // 8).astype(np.int64)
    return (w[np.arange(n), 2 * j] << np.uint64(32)) | w[np.arange(n), 2 * j + 1]


def _reference(i, word, bits, key, stream, lo=-np.inf, hi=np.inf, log=None, table=None):
    """Element i by the layout's definition: (value, number of retry blocks);
    table: a truncated normal's ziggurat tables (None: normal_'s)."""
    first, step = (_core._zig32, _core._zig32_step) if bits == 32 else (_core._zig64, _core._zig64_step)
    z, fast = first(int(word), table)
    if fast and lo <= z <= hi:
        return z, 0
    p = 0 if fast else int(word)
    for t in range(1, 1000):
        r = [int(x) for x in _philox([i], stream, _core.ZIG_SUB + t, key)[0]]
        args = r if bits == 32 else [(r[0] << 32) | r[1], (r[2] << 32) | r[3]]
        prev = p
        cand, z, p = step(p, *args, table)
        if log is not None:
            log.append((prev, p, cand, z))
        if cand and lo <= z <= hi:
            return z, t
    raise AssertionError("no value after 1000 blocks")


def _slow_indices(words, bits):
    fast = np.array([(_core._zig32 if bits == 32 else _core._zig64)(int(w))[1] for w in words])
    return np.flatnonzero(~fast)


@pytest.mark.parametrize("bits,dtype", [(32, np.float32), (64, np.float64)])
def test_slow_path_follows_the_layout_on_every_simd_path(bits, dtype, simd_path):
    k0, k1, stream = fastinit.Key(SEED).words
    words = _first_words(N, bits, (k0, k1), stream)
    slow = _slow_indices(words, bits)
    layers = words[slow] & np.uint64(_core.ZIG_LAYERS - 1)
    # the census of the cases: wedges, tails and a wedge that fails at least once
    assert len(slow) > 0.003 * N and (layers == 0).sum() >= 3 and (layers != 0).sum() > 100
    log = []
    ref = np.array([_reference(i, words[i], bits, (k0, k1), stream, log=log)[0] for i in slow], dtype)
    assert any(not cand for _, _, cand, _ in log)       # a failed wedge test or tail trial
    # a failed wedge test whose second proposal (same block) is final, and
    # one whose second proposal is the next block's state
    first = _core._zig32 if bits == 32 else _core._zig64
    assert any(prev != 0 and (prev & (_core.ZIG_LAYERS - 1)) != 0 and cand and abs(z) != abs(first(prev)[0])
               for prev, _, cand, z in log)
    assert any(prev != 0 and nxt not in (0, prev) for prev, nxt, _, _ in log)
    for path in SIMD_PATHS:
        simd_path(path)
        for threads in (1, 2):
            x = fastinit.normal(N, rng=SEED, dtype=dtype, num_threads=threads)
            assert np.array_equal(x[slow], ref), (path, threads)
        # a piece starting mid-chunk, with its slow elements
        piece = np.empty(N - 1001, dtype)
        fastinit.normal_(piece, rng=SEED, offset=1001)
        assert np.array_equal(piece[slow[slow >= 1001] - 1001], ref[slow >= 1001]), path


def test_float16_is_the_rounded_float32_stream(simd_path):
    for path in SIMD_PATHS:
        simd_path(path)
        x32 = fastinit.normal(N, 0.5, 2.0, rng=SEED, dtype=np.float32)
        x16 = fastinit.normal(N, 0.5, 2.0, rng=SEED, dtype=np.float16)
        assert np.array_equal(x16, x32.astype(np.float16)), path


@pytest.mark.parametrize("bits,dtype", [(32, np.float32), (64, np.float64)])
def test_truncated_normal_rejection_follows_the_layout(bits, dtype, simd_path):
    # an interval of normal rejection (c > 4) in the ziggurat's pipeline; a
    # value outside starts a fresh attempt in the element's next retry block
    a, b = -1.2, 4.5
    assert truncated._choose(a, b, b - a)[0] == truncated.NORMAL
    k0, k1, stream = fastinit.Key(SEED).words
    n = 6000
    words = _first_words(n, bits, (k0, k1), stream)
    normal = fastinit.normal(n, rng=SEED, dtype=dtype)
    redo = np.flatnonzero((normal < a) | (normal > b))
    assert len(redo) > 500
    ref = np.array([_reference(i, words[i], bits, (k0, k1), stream, a, b)[0]
                    for i in redo], dtype)
    for path in SIMD_PATHS:
        simd_path(path)
        x = fastinit.trunc_normal(n, a=a, b=b, rng=SEED, dtype=dtype, num_threads=2)
        assert np.array_equal(x[redo], ref), path
        keep = (normal >= a) & (normal <= b)
        assert np.array_equal(x[keep], normal[keep]), path


@pytest.mark.parametrize("bits,dtype", [(32, np.float32), (64, np.float64)])
@pytest.mark.parametrize("a,b", [(-1.5, 1.5), (-0.5, 3.0), (0.0, 2.5)])
def test_truncated_ziggurat_follows_the_layout(a, b, bits, dtype, simd_path):
    # central intervals up to c = 4: the ziggurat of the normal on [-c, c],
    # the same layout with that c's tables (no tail; every layer a wedge
    # layer or a whole rectangle), values outside [a, b] retried; [0, c]
    # folds (+-|z|)
    method, _, _, c = truncated._choose(a, b, b - a)
    assert method in (truncated.ZIGGURAT, truncated.ZIGGURAT_FOLDED) and c == max(-a, b)
    table = truncated.ziggurat_table(c)
    k0, k1, stream = fastinit.Key(SEED).words
    n = 24000
    words = _first_words(n, bits, (k0, k1), stream)
    lo, hi = (-b, b) if a == 0 else (a, b)    # the folded interval, before |z|
    ref, blocks = zip(*[_reference(i, words[i], bits, (k0, k1), stream, lo, hi, table=table)
                        for i in range(n)])
    ref = np.abs(np.array(ref, dtype)) if a == 0 else np.array(ref, dtype)
    # retried: wedges (under 1%, fewer than normal_'s 0.43% with the
    # rectangles) and the proposals outside [a, b]
    p_out = 1 - (stats.norm.cdf(hi) - stats.norm.cdf(lo)) / (1 - 2 * stats.norm.sf(c))
    assert 20 < sum(t > 0 for t in blocks) < n * (p_out + 0.01)
    for path in SIMD_PATHS:
        simd_path(path)
        for threads in (1, 2):
            x = fastinit.trunc_normal(n, a=a, b=b, rng=SEED, dtype=dtype, num_threads=threads)
            assert np.array_equal(x, ref), (path, threads)


T = np.arange(1.0, 6.01, 0.5)


def _check_law(p):
    ref = 2 * stats.norm.sf(T)
    rel = np.abs(p / ref - 1)
    assert (rel[T <= 5] < 1e-5).all(), dict(zip(T, rel))
    assert (rel[T > 5] < 1e-3).all(), dict(zip(T, rel))


def test_float32_census_implies_the_normal_law():
    # every one of the 2^32 first-attempt words, every wedge uniform and every
    # tail word counted (fastinit/_src/census.c): the exact law of the sampler
    _check_law(_core._zig_census(T, 32))


def test_float64_census_implies_the_normal_law():
    _check_law(_core._zig_census(T, 64))


@pytest.mark.parametrize("bits,cs", [(32, (0.5, 2.0, 3.3)), (64, (0.01, 0.5, 1.0, 2.0, 3.0, 4.0))])
def test_truncated_census_implies_the_truncated_law(bits, cs):
    # the truncated normal's own ziggurats (fastinit/_src/ztab.c): the law
    # their tables imply, over the whole word space as for normal_, against
    # P(|Z| > t | |Z| <= c); nothing beyond c
    for c in cs:
        t = np.linspace(0.05 * c, c, 20)
        p = _core._zig_census(t, bits, truncated.ziggurat_table(c))
        ref = (2 * stats.norm.sf(t[:-1]) - 2 * stats.norm.sf(c)) / (1 - 2 * stats.norm.sf(c))
        rel = np.abs(p[:-1] / ref - 1)
        assert (rel < (1e-5 if bits == 32 else 1e-12)).all(), (c, dict(zip(t, rel)))
        assert p[-1] == 0.0, c


def test_tables_are_the_generators_output():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_ziggurat.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
