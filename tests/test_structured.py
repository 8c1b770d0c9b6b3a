"""eye_, dirac_, sparse_: torch's semantics and errors; sparse_ is seeded."""
import math

import numpy as np
import pytest

import fastinit


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2)])
def test_eye(shape):
    w = fastinit.eye_(np.full(shape, 7.0, np.float32))
    assert np.array_equal(w, np.eye(*shape, dtype=np.float32))
    assert np.array_equal(fastinit.eye(shape, dtype="float64"), np.eye(*shape))


def test_eye_strided_view():
    big = np.full((6, 8), 5.0)
    view = big[::2, ::2]
    fastinit.eye_(view)
    assert np.array_equal(view, np.eye(3, 4)) and (big[1::2] == 5).all()


@pytest.mark.parametrize("shape,groups", [((4, 4, 3), 1), ((6, 3, 3, 3), 1), ((4, 2, 3, 3), 2),
                                          ((2, 4, 5, 5, 5), 1), ((8, 2, 2, 2), 4)])
def test_dirac(shape, groups):
    w = fastinit.dirac_(np.full(shape, 9.0, np.float32), groups)
    ref = np.zeros(shape, np.float32)
    per = shape[0] // groups
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for d in range(min(per, shape[1])):
            ref[(g * per + d, d) + centre] = 1
    assert np.array_equal(w, ref)


def test_dirac_preserves_a_convolution_input():
    x = np.random.default_rng(0).standard_normal((3, 10))
    w = fastinit.dirac((3, 3, 3), dtype="float64")
    y = np.stack([sum(np.convolve(x[i], w[o, i][::-1], mode="same") for i in range(3))
                  for o in range(3)])
    assert np.allclose(y, x)


def test_structured_errors():
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        fastinit.eye_(np.empty((2, 2, 2)))
    with pytest.raises(ValueError, match="Only tensors with 3, 4, or 5 dimensions are supported"):
        fastinit.dirac_(np.empty((2, 2)))
    with pytest.raises(ValueError, match="dim 0 must be divisible by groups"):
        fastinit.dirac_(np.empty((3, 2, 3)), groups=2)
    with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
        fastinit.sparse_(np.empty(4), 0.1)
    with pytest.raises(ValueError, match="sparsity must be in"):
        fastinit.sparse_(np.empty((4, 4)), 1.5)


@pytest.mark.parametrize("sparsity", [0.0, 0.1, 0.35, 1.0])
def test_sparse_counts_and_values(sparsity):
    rows, cols = 200, 50
    w = fastinit.sparse_(np.empty((rows, cols)), sparsity, std=0.5, rng=1)
    k = math.ceil(sparsity * rows)
    assert ((w == 0).sum(axis=0) == k).all()
    nz = w[w != 0]
    if nz.size:
        assert abs(nz.std() - 0.5) < 6 * 0.5 / math.sqrt(2 * nz.size)


def test_sparse_is_seeded_and_thread_invariant():
    a = fastinit.sparse((300, 40), 0.2, rng=7, num_threads=1)
    b = fastinit.sparse((300, 40), 0.2, rng=7, num_threads=2)
    c = fastinit.sparse((300, 40), 0.2, rng=8)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    assert np.array_equal(fastinit.sparse((30, 4), 0.5, rng=g1), fastinit.sparse((30, 4), 0.5, rng=g2))


def test_sparse_zero_positions_are_uniform():
    # each row is zeroed with probability k / rows in every column
    rows, cols, k = 10, 20000, 3
    w = fastinit.sparse((rows, cols), k / rows, rng=2)
    freq = (w == 0).mean(axis=1)
    p = k / rows
    assert np.all(np.abs(freq - p) < 6 * math.sqrt(p * (1 - p) / cols))
