"""The N-D index space: a block filled on its own equals the same block of the whole.

Every random initializer (and eye_/dirac_) takes ``global_shape=`` and
``index=``; the block gets exactly ``whole[index]``, bit for bit, for any
global shape, block, dtype, memory layout and thread count. Blocks and
shapes are drawn from fixed seeds: the same cases on every run.
"""
import math

import numpy as np
import pytest

import fastinit
from conftest import DTYPES

INITS = {
    "uniform_": lambda t, **kw: fastinit.uniform_(t, -2.0, 3.0, **kw),
    "normal_": lambda t, **kw: fastinit.normal_(t, 1.0, 0.5, **kw),
    "trunc_normal_": lambda t, **kw: fastinit.trunc_normal_(t, 0.0, 1.0, -2.0, 2.0, **kw),
    # the other truncated-normal methods: exponential tail, uniform (narrow), folded
    "trunc_normal_tail": lambda t, **kw: fastinit.trunc_normal_(t, 0.0, 1.0, 8.0, 9.0, **kw),
    "trunc_normal_narrow": lambda t, **kw: fastinit.trunc_normal_(t, 0.0, 1.0, 0.1, 0.2, **kw),
    "trunc_normal_folded": lambda t, **kw: fastinit.trunc_normal_(t, 0.0, 1.0, 0.0, 1.0, **kw),
    "xavier_uniform_": fastinit.xavier_uniform_,
    "xavier_normal_": lambda t, **kw: fastinit.xavier_normal_(t, 0.5, **kw),
    "kaiming_uniform_": lambda t, **kw: fastinit.kaiming_uniform_(t, math.sqrt(5), **kw),
    "kaiming_normal_": lambda t, **kw: fastinit.kaiming_normal_(t, mode="fan_out", **kw),
    "lecun_uniform_": fastinit.lecun_uniform_,
    "lecun_normal_": fastinit.lecun_normal_,
    "variance_scaling_tn": lambda t, **kw: fastinit.variance_scaling_(t, 2.0, "fan_avg", **kw),
    "variance_scaling_u": lambda t, **kw: fastinit.variance_scaling_(t, 1.0, "fan_geo_avg",
                                                                    "uniform", **kw),
    "sparse_": lambda t, **kw: fastinit.sparse_(t, 0.3, **kw),
    "orthogonal_": fastinit.orthogonal_,
    "bias_uniform_": lambda t, **kw: fastinit.bias_uniform_(t, (64, 100), **kw),
}
NEEDS_2D = {"sparse_"}


def random_case(rng, ndim, max_items=6000):
    """A global shape of ``ndim`` dims and a random step-1 block of it."""
    while True:
        shape = tuple(int(x) for x in rng.integers(1, 40 if ndim > 2 else 120, size=ndim))
        if math.prod(shape) <= max_items:
            break
    index = []
    for n in shape:
        lo = int(rng.integers(0, n))
        hi = int(rng.integers(lo + 1, n + 1))
        index.append(slice(lo, hi))
    return shape, tuple(index)


def check_block(fill, shape, index, dtype, nthreads, layout="C"):
    whole = fill(np.empty(shape, dtype), rng=11, num_threads=1)
    bshape = whole[index].shape
    if layout == "C":
        block = np.full(bshape, np.nan, dtype)
    elif layout == "F":
        block = np.asfortranarray(np.full(bshape, np.nan, dtype))
    else:  # a strided view into a bigger array, last axis not contiguous
        big = np.full(tuple(2 * n + 1 for n in bshape), np.nan, dtype)
        block = big[tuple(slice(1, None, 2) for _ in bshape)]
    out = fill(block, rng=11, num_threads=nthreads, global_shape=shape, index=index)
    assert out is block
    assert np.array_equal(block, whole[index]), (shape, index, dtype, nthreads, layout)


@pytest.mark.parametrize("name", sorted(INITS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_random_blocks_equal_the_whole(name, dtype):
    rng = np.random.default_rng(20260)
    fill = INITS[name]
    ndims = (2,) if name in NEEDS_2D else (1, 2, 3, 4)
    if name in ("orthogonal_",) or name.startswith(("xavier", "kaiming", "lecun", "variance")):
        ndims = (2, 3, 4)
    for ndim in ndims:
        for trial in range(4):
            shape, index = random_case(rng, ndim)
            check_block(fill, shape, index, dtype, nthreads=1 + trial % 2,
                        layout=("C", "F", "strided", "C")[trial])


@pytest.mark.parametrize("name", ["uniform_", "normal_", "trunc_normal_", "trunc_normal_tail",
                                  "kaiming_normal_"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_large_blocks_cross_the_work_units(name, dtype):
    # runs longer than a work unit (16384 items) and many short runs per unit,
    # unaligned starts, with 1, 2 and 3 threads
    fill = INITS[name]
    for shape, index in [((3, 70001), (slice(1, 3), slice(5, 69999))),
                         ((4000, 37), (slice(17, 3999), slice(3, 4))),
                         ((300, 700), (slice(11, 300), slice(0, 350))),
                         ((9, 50, 400), (slice(2, 7), slice(0, 50), slice(0, 400)))]:
        for nthreads in (1, 2, 3):
            check_block(fill, shape, index, dtype, nthreads)


@pytest.mark.parametrize("name", ["normal_", "trunc_normal_", "trunc_normal_folded",
                                  "trunc_normal_tail", "kaiming_normal_", "uniform_"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_short_runs_of_whole_chunks(name, dtype):
    # a unit's short runs are filled together by the runs kernel, one retry
    # pass for all of them (normal_, the truncated normal's normal method):
    # straight into the output when they are whole chunks (64 float32 / 32
    # float64 values) of an in-place dtype, through its buffer otherwise
    # (float16, runs that are not whole chunks), by run when longer than the
    # buffer, up to 512 runs a call; contiguous blocks, views whose rows are apart in memory, a wrap
    # of the outer dimension
    fill = INITS[name]
    cases = [((256, 4096), (slice(64, 192), slice(2048, 4096))),     # runs of 2048
             ((40, 1024), (slice(3, 37), slice(256, 512))),          # runs of 256
             ((6, 20, 640), (slice(1, 5), slice(2, 19), slice(64, 192))),
             ((300, 512), (slice(0, 300), slice(448, 512))),         # one chunk per run
             ((50, 1024), (slice(1, 49), slice(32, 288))),           # float64 chunks only
             ((64, 1000), (slice(2, 60), slice(500, 600))),          # not whole chunks
             ((5, 9000), (slice(0, 5), slice(1, 8101))),             # longer than vbuf
             ((3000, 40), (slice(5, 2995), slice(7, 15)))]           # 2048 runs a unit
    for shape, index in cases:
        for nthreads in (1, 2):
            for layout in ("C", "rows_apart"):
                whole = fill(np.empty(shape, dtype), rng=5, num_threads=1)
                expect = whole[index]
                if layout == "C":
                    block = np.full(expect.shape, np.nan, dtype)
                    fill(block, rng=5, num_threads=nthreads, global_shape=shape, index=index)
                    assert np.array_equal(block, expect), (shape, index, nthreads)
                else:
                    big = np.full(expect.shape[:-1] + (expect.shape[-1] + 64,), np.nan, dtype)
                    block = big[..., 32:-32]
                    fill(block, rng=5, num_threads=nthreads, global_shape=shape, index=index)
                    assert np.array_equal(block, expect), (shape, index, nthreads)
                    assert np.isnan(big[..., :32]).all() and np.isnan(big[..., -32:]).all()


def test_torch_tensor_blocks():
    torch = pytest.importorskip("torch")
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        whole = fastinit.kaiming_normal_(torch.empty(64, 96, dtype=dtype), rng=3)
        block = torch.empty(24, 32, dtype=dtype)
        fastinit.kaiming_normal_(block, rng=3, global_shape=(64, 96),
                                 index=(slice(40, 64), slice(32, 64)))
        assert torch.equal(block, whole[40:64, 32:64])
        tblock = torch.empty(32, 24, dtype=dtype).t()   # non-contiguous
        fastinit.kaiming_normal_(tblock, rng=3, global_shape=(64, 96),
                                 index=(slice(0, 24), slice(64, 96)))
        assert torch.equal(tblock, whole[0:24, 64:96])


def test_blocks_tile_the_whole():
    # a 3 x 2 mesh of uneven blocks, each filled on its own, is the whole
    shape = (1001, 263)
    whole = fastinit.normal_(np.empty(shape, np.float32), rng=5)
    out = np.empty(shape, np.float32)
    for r0, r1 in ((0, 334), (334, 668), (668, 1001)):
        for c0, c1 in ((0, 131), (131, 263)):
            piece = np.empty((r1 - r0, c1 - c0), np.float32)
            fastinit.normal_(piece, rng=5, global_shape=shape,
                             index=(slice(r0, r1), slice(c0, c1)))
            out[r0:r1, c0:c1] = piece
    assert np.array_equal(out, whole)


def test_index_forms():
    # None bounds, negative bounds (as whole[index] takes them), step=1 spelled out
    shape = (20, 30)
    whole = fastinit.uniform_(np.empty(shape), rng=1)
    for index in [(slice(None), slice(None, 10)), (slice(-5, None), slice(3, -3)),
                  (slice(2, 9, 1), slice(0, 30, None))]:
        block = fastinit.uniform_(np.empty(whole[index].shape), rng=1, global_shape=shape,
                                  index=index)
        assert np.array_equal(block, whole[index])
    # global_shape alone: the tensor is the whole
    assert np.array_equal(fastinit.uniform_(np.empty(shape), rng=1, global_shape=shape), whole)


def test_offset_with_index_offsets_the_whole():
    # offset= is the flat position of whole[0, ..., 0]: a block of a tensor filled
    # at offset o is the same block of that tensor
    shape, index, o = (40, 50), (slice(3, 30), slice(7, 41)), 123_457
    whole = fastinit.normal_(np.empty(shape, np.float32), rng=9, offset=o)
    block = fastinit.normal_(np.empty((27, 34), np.float32), rng=9, offset=o,
                             global_shape=shape, index=index)
    assert np.array_equal(block, whole[index])
    # and offset= alone is the 1-D special case of the index space
    flat = fastinit.normal_(np.empty(100, np.float32), rng=9, offset=500)
    same = fastinit.normal_(np.empty(100, np.float32), rng=9, global_shape=(1000,),
                            index=(slice(500, 600),))
    assert np.array_equal(flat, same)


@pytest.mark.parametrize("name", ["xavier_normal_", "kaiming_uniform_", "lecun_normal_",
                                  "variance_scaling_tn"])
def test_fans_come_from_the_global_shape(name):
    # the block's own shape would give other fans, hence other values
    shape, index = (256, 64, 3), (slice(0, 64), slice(16, 48), slice(None))
    whole = INITS[name](np.empty(shape, np.float32), rng=2)
    block = INITS[name](np.empty((64, 32, 3), np.float32), rng=2, global_shape=shape,
                        index=index)
    alone = INITS[name](np.empty((64, 32, 3), np.float32), rng=2)
    assert np.array_equal(block, whole[index])
    assert not np.array_equal(block, alone)
    fan_in, fan_out = fastinit.calculate_fan_in_and_fan_out(shape)
    assert (fan_in, fan_out) != fastinit.calculate_fan_in_and_fan_out(block)


def test_full_shape_must_agree_with_global_shape():
    with pytest.raises(ValueError, match="full_shape"):
        fastinit.kaiming_normal_(np.empty((4, 5)), rng=0, full_shape=(8, 6),
                                 global_shape=(8, 5), index=(slice(0, 4), slice(None)))


def test_eye_and_dirac_blocks():
    for shape in [(7, 11), (12, 5)]:
        whole = fastinit.eye_(np.empty(shape))
        rng = np.random.default_rng(4)
        for _ in range(20):
            _, index = random_case(np.random.default_rng(rng.integers(1000)), 2)
            index = tuple(slice(min(s.start, n - 1), min(s.stop, n)) for s, n in
                          zip(index, shape))
            block = fastinit.eye_(np.empty(whole[index].shape), global_shape=shape,
                                  index=index)
            assert np.array_equal(block, whole[index])
    for shape, groups in [((6, 4, 3), 2), ((8, 3, 3, 5), 1), ((6, 6, 2, 3, 3), 3)]:
        whole = fastinit.dirac_(np.empty(shape), groups)
        rng = np.random.default_rng(5)
        for _ in range(30):
            index = []
            for n in shape:
                lo = int(rng.integers(0, n))
                index.append(slice(lo, int(rng.integers(lo + 1, n + 1))))
            index = tuple(index)
            block = fastinit.dirac_(np.empty(whole[index].shape), groups, global_shape=shape,
                                    index=index)
            assert np.array_equal(block, whole[index])


def test_delta_orthogonal_blocks():
    shape = (12, 8, 3, 3)
    whole = fastinit.delta_orthogonal_(np.empty(shape), rng=4)
    for index in [(slice(0, 6), slice(None), slice(None), slice(None)),
                  (slice(3, 12), slice(2, 5), slice(1, 3), slice(0, 2)),
                  (slice(None), slice(None), slice(0, 1), slice(None))]:
        block = fastinit.delta_orthogonal_(np.empty(whole[index].shape), rng=4,
                                           global_shape=shape, index=index)
        assert np.array_equal(block, whole[index])


def test_zero_size_block_is_a_no_op():
    out = np.empty((0, 5), np.float32)
    assert fastinit.normal_(out, rng=0, global_shape=(4, 5),
                            index=(slice(2, 2), slice(None))) is out


BAD = [
    (dict(index=(slice(0, 2), slice(0, 3))), "needs global_shape"),
    (dict(global_shape=(4, 6), index=(slice(0, 4, 2), slice(0, 3))), "step"),
    (dict(global_shape=(4, 6), index=(slice(3, 5), slice(0, 3))), "does not fit"),
    (dict(global_shape=(4, 6), index=(slice(0, 2), slice(0, 4))), "has shape"),
    (dict(global_shape=(4, 6), index=(slice(0, 2),)), "tuple of 2 slices"),
    (dict(global_shape=(4, 6), index=(0, slice(0, 3))), "must be a slice"),
    (dict(global_shape=(4, 6), index=(slice(2, 0), slice(0, 3))), "start 2 > stop 0"),
    (dict(global_shape=(4, 6)), "has shape"),
]


@pytest.mark.parametrize("kw,match", BAD)
@pytest.mark.parametrize("name", ["normal_", "trunc_normal_", "kaiming_normal_", "sparse_",
                                  "orthogonal_", "bias_uniform_"])
def test_bad_blocks_raise_and_write_nothing(name, kw, match):
    out = np.full((2, 3), 7.0)
    with pytest.raises(ValueError, match=match):
        INITS[name](out, rng=0, **kw)
    assert (out == 7.0).all()


@pytest.mark.parametrize("kw,match", BAD[:1] + BAD[2:4])
def test_bad_blocks_eye_dirac(kw, match):
    out = np.full((2, 3), 7.0)
    with pytest.raises(ValueError, match=match):
        fastinit.eye_(out, **kw)
    assert (out == 7.0).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(600, 700), (700, 600), (300, 40, 25), (1000, 130)])
def test_orthogonal_blocks_are_bit_identical_without_the_whole(shape, dtype):
    # shapes past a panel (256 reflectors) and a chunk (128 columns), wide and tall:
    # row blocks, column blocks and boxes, on and off the chunk grid
    whole = fastinit.orthogonal_(np.empty(shape, dtype), 0.7, rng=13, num_threads=1)
    rng = np.random.default_rng(6)
    blocks = [tuple(slice(0, n) if d else slice(128, min(384, n)) for d, n in enumerate(shape)),
              (slice(None),) + tuple(slice(n // 3, n) for n in shape[1:])]
    for _ in range(4):
        blocks.append(tuple(slice(int(a), int(b)) for a, b in
                            (sorted(rng.choice(n + 1, 2, replace=False)) for n in shape)))
    for t, index in enumerate(blocks):
        block = np.empty(whole[index].shape, dtype)
        fastinit.orthogonal_(block, 0.7, rng=13, num_threads=1 + t % 2, global_shape=shape,
                             index=index)
        assert np.array_equal(block, whole[index]), index


def test_orthogonal_row_block_memory_is_bounded():
    # an eighth of a wide 2048 x 4096 matrix's rows (Q's columns): the block, the
    # group buffer and one panel's Gaussians and reflectors (m x 256 each), never
    # the whole: 1 + 1 + 2 eighths of it
    import tracemalloc
    shape, index = (2048, 4096), (slice(256, 512), slice(None))
    block = np.empty((256, 4096), np.float32)
    tracemalloc.start()
    try:
        fastinit.orthogonal_(block, rng=2, global_shape=shape, index=index)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    whole_bytes = 4 * math.prod(shape)
    assert peak < 0.6 * whole_bytes, (peak, whole_bytes)
    assert np.array_equal(block, fastinit.orthogonal(shape, rng=2)[index])


# ---------------------------------------------------------------- orthogonal_, exact=False

def _q_rows_axis(shape):
    """The tensor axis along which Q's rows run: the rows when rows > cols
    (the tensor is Q), else the last axis (the tensor is Q^T; its flattened
    columns are Q's rows, so a slice of the last axis leaves some out)."""
    return 0 if shape[0] > math.prod(shape[1:]) else len(shape) - 1


def _fast_bound(whole, shape, dtype, gain):
    """The stated bound of exact=False against the exact whole, elementwise:
    2 sqrt(k) eps |gain| (eps of the computing dtype, float32 for float16);
    float16 adds one float16 spacing at the value (each side rounds once)."""
    k = min(shape[0], math.prod(shape[1:]))
    eps = np.finfo(np.float64 if dtype == np.float64 else np.float32).eps
    bound = 2 * math.sqrt(k) * eps * abs(gain)
    if dtype == np.float16:
        return bound + np.spacing(np.abs(whole)).astype(np.float64)
    return bound


def _row_shards(shape, cuts, dtype, gain, seed):
    """The tensor assembled from shards of Q's rows at ``cuts``, each filled on its own
    with exact=False and 1, 2 or 3 threads in turn."""
    ax = _q_rows_axis(shape)
    out = np.full(shape, np.nan, dtype)
    for t, (a, b) in enumerate(zip(cuts[:-1], cuts[1:])):
        index = tuple(slice(a, b) if d == ax else slice(None) for d in range(len(shape)))
        block = np.empty(out[index].shape, dtype)
        fastinit.orthogonal_(block, gain, rng=seed, num_threads=1 + t % 3, global_shape=shape,
                             index=index, exact=False)
        out[index] = block
    return out


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(600, 700), (700, 600), (300, 40, 25), (1000, 130),
                                   (130, 1000), (3, 5), (1, 8), (9, 2)])
def test_orthogonal_fast_row_shards(shape, dtype):
    # 2, 3 and 4 uneven shards of Q's rows (cut points from a fixed seed): the same
    # bits for every split and thread count, within the stated bound of the exact
    # whole, and as orthonormal as the whole
    from test_orthogonal import TOL, orth_error
    gain = 0.7
    whole = fastinit.orthogonal_(np.empty(shape, dtype), gain, rng=13, num_threads=1)
    n = shape[_q_rows_axis(shape)]
    rng = np.random.default_rng(9)
    splits = [[0] + sorted(int(c) for c in rng.choice(np.arange(1, n), min(p, n) - 1,
                                                       replace=False)) + [n]
              for p in (2, 3, 4)]
    got = [_row_shards(shape, cuts, dtype, gain, 13) for cuts in splits]
    for other in got[1:]:
        assert np.array_equal(got[0], other)
    diff = np.abs(got[0].astype(np.float64) - whole.astype(np.float64))
    assert (diff <= _fast_bound(whole, shape, dtype, gain)).all(), diff.max()
    if min(shape[0], math.prod(shape[1:])) >= 100:   # the row path really ran
        assert not np.array_equal(got[0], whole)
    if dtype != np.float16:
        assert orth_error(got[0] / gain) <= TOL[dtype]


@pytest.mark.parametrize("shape", [(600, 700), (700, 600), (300, 40, 25)])
def test_orthogonal_fast_blocks_are_the_fast_matrix(shape):
    # any block that leaves out some of Q's rows (boxes, N-D slices) is the same block
    # of the row-shard assembly, bit for bit; a block that takes all of Q's rows, and
    # the whole, are exact
    dtype = np.float32
    exact = fastinit.orthogonal_(np.empty(shape, dtype), rng=21, num_threads=1)
    ax = _q_rows_axis(shape)
    fast = _row_shards(shape, [0, shape[ax] // 2, shape[ax]], dtype, 1, 21)
    rng = np.random.default_rng(4)
    for t in range(6):
        index = tuple(slice(int(a), int(b)) for a, b in
                      (sorted(rng.choice(n + 1, 2, replace=False)) for n in shape))
        if index[ax] == slice(0, shape[ax]):
            continue
        bshape = fast[index].shape
        big = np.full(tuple(2 * n + 1 for n in bshape), np.nan, dtype)
        layouts = [np.empty(bshape, dtype), np.asfortranarray(np.empty(bshape, dtype)),
                   big[tuple(slice(1, None, 2) for _ in bshape)]]
        block = layouts[t % 3]   # C order, Fortran order, a strided view
        fastinit.orthogonal_(block, rng=21, num_threads=1 + t % 2, global_shape=shape,
                             index=index, exact=False)
        assert np.array_equal(block, fast[index]), index
    full = tuple(slice(1, n - 1) if (d > 0) == (ax == 0) else slice(None)   # Q's columns
                 for d, n in enumerate(shape))
    block = np.empty(exact[full].shape, dtype)
    fastinit.orthogonal_(block, rng=21, global_shape=shape, index=full, exact=False)
    assert np.array_equal(block, exact[full])
    assert np.array_equal(fastinit.orthogonal(shape, rng=21, dtype=dtype, exact=False), exact)


def test_delta_orthogonal_fast_blocks():
    shape = (300, 260, 3, 3)
    exact = fastinit.delta_orthogonal_(np.empty(shape), rng=4)
    fast = np.empty(shape)
    for lo, hi in ((0, 100), (100, 300)):        # out > in: the tensor's rows are Q's rows
        fastinit.delta_orthogonal_(fast[lo:hi], rng=4, global_shape=shape,
                                   index=(slice(lo, hi),) + (slice(None),) * 3, exact=False)
    assert np.count_nonzero(fast) == 300 * 260
    assert (np.abs(fast - exact) <= _fast_bound(exact, shape, np.float64, 1.0)).all()
    assert not np.array_equal(fast, exact)


@pytest.mark.parametrize("bad", ["yes", None, 1, 0.0, np.array([True])])
def test_orthogonal_exact_must_be_a_bool(bad):
    for fn, arr in ((fastinit.orthogonal_, np.full((4, 6), 7.0)),
                    (fastinit.delta_orthogonal_, np.full((6, 4, 3), 7.0))):
        index = (slice(0, arr.shape[0]),) + (slice(None),) * (arr.ndim - 1)
        with pytest.raises(TypeError, match=r"exact must be True or False, got"):
            fn(arr, rng=0, global_shape=(2 * arr.shape[0],) + arr.shape[1:], index=index,
               exact=bad)
        with pytest.raises(TypeError, match=r"exact must be True or False, got"):
            fn(arr, rng=0, exact=bad)
        assert (arr == 7.0).all()


def test_orthogonal_fast_row_quarter_memory_is_bounded():
    # a quarter of a 2048 x 2048 weight's columns (Q's rows) with exact=False: the
    # rows' working copy (h x m), one panel's Gaussians and two panels' reflectors
    # (m x 256 each, double-buffered) and per-group temporaries, never the whole (4 quarters)
    import tracemalloc
    shape, index = (2048, 2048), (slice(None), slice(512, 1024))
    block = np.empty((2048, 512), np.float32)
    tracemalloc.start()
    try:
        fastinit.orthogonal_(block, rng=2, global_shape=shape, index=index, exact=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    m, h, item = 2048, 512, 4
    assert peak < 1.2 * (h * m + 3 * m * 256) * item, (peak, block.nbytes)
    exact = fastinit.orthogonal(shape, rng=2)[index]
    assert (np.abs(block - exact) <= _fast_bound(exact, shape, np.float32, 1.0)).all()
