"""orthogonal_ / delta_orthogonal_: orthonormality, exact Haar law, determinism, API."""
import math

import numpy as np
import pytest
from scipy import stats

import fastinit
from conftest import golden, golden_tool
from fastinit import _orthogonal

TOL = {np.float32: 2e-6, np.float64: 1e-13}


def orth_error(w):
    """max |A^T A - I| on the orthonormal side of w viewed as rows x prod(rest)."""
    a = np.asarray(w, dtype=np.float64).reshape(w.shape[0], -1)
    if a.shape[0] <= a.shape[1]:
        a = a.T
    return np.abs(a.T @ a - np.eye(a.shape[1])).max()


# ---------------------------------------------------------------- orthonormality

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [
    (1, 1), (2, 1), (1, 7), (5, 5), (7, 3), (3, 7), (300, 300), (257, 256), (256, 257),
    (1000, 1000), (2048, 2048), (4096, 512), (512, 4096),
    (64, 32, 3, 3), (256, 16, 3, 3), (48, 64, 5), (16, 8, 3, 3, 3), (512, 512, 3, 3),
])
def test_orthonormal(shape, dtype):
    if dtype == np.float64 and shape == (512, 512, 3, 3):
        pytest.skip("covered in float32")
    w = fastinit.orthogonal(shape, rng=1, dtype=dtype)
    assert w.shape == shape and w.dtype == dtype
    assert orth_error(w) <= TOL[dtype]


@pytest.mark.parametrize("shape", [(6, 6), (9, 4), (4, 9), (30, 20, 3)])
def test_orientation_like_torch(shape):
    """rows < cols: orthonormal rows; rows > cols: orthonormal columns."""
    w = fastinit.orthogonal(shape, rng=2, dtype=np.float64).reshape(shape[0], -1)
    rows, cols = w.shape
    if rows <= cols:
        np.testing.assert_allclose(w @ w.T, np.eye(rows), atol=1e-14)
    if rows >= cols:
        np.testing.assert_allclose(w.T @ w, np.eye(cols), atol=1e-14)


def test_first_vector_is_the_normalized_first_gaussian():
    """Known answer: Q e_0 = x_0 / |x_0|, x_0 the first m values of the normal stream."""
    for shape in [(5, 9), (9, 5), (300, 400)]:
        m = max(shape)
        q = fastinit.orthogonal(shape, rng=123, dtype=np.float64)
        x = fastinit.normal((m,), rng=123, dtype=np.float64)
        first = q[0] if shape[0] <= shape[1] else q[:, 0]
        np.testing.assert_allclose(first, x / np.linalg.norm(x), rtol=0, atol=1e-15)


def test_golden_values():
    """Stream stability: changing these is a breaking change (docs/randomness.md);
    the values are in tests/golden.json, written by tools/golden.py."""
    tolerance = golden_tool().blas_tolerance   # values go through BLAS: within rounding
    w = fastinit.orthogonal((3, 3), rng=0, dtype=np.float64)
    np.testing.assert_allclose(w, np.reshape(golden("orthogonal/3x3/float64")["values"], (3, 3)),
                               rtol=0, atol=tolerance(w))
    w = fastinit.orthogonal((2, 4), rng=0)
    np.testing.assert_allclose(w, np.reshape(golden("orthogonal/2x4/float32")["values"], (2, 4)),
                               rtol=0, atol=tolerance(w))


# ---------------------------------------------------------------- Haar law

N_HAAR = 20000
N_DIM = 4


@pytest.fixture(scope="module")
def haar_sample():
    gen = np.random.default_rng(2024)
    return np.stack([fastinit.orthogonal((N_DIM, N_DIM), rng=gen, dtype=np.float64)
                     for _ in range(N_HAAR)])


def test_haar_trace_moments(haar_sample):
    """E tr Q = 0, E (tr Q)^2 = 1, E (tr Q)^4 = 3 (n >= 4: Diaconis-Shahshahani)."""
    tr = np.trace(haar_sample, axis1=1, axis2=2)
    n = len(tr)
    assert abs(tr.mean()) < 5 / math.sqrt(n)
    # Var(tr^2) = E tr^4 - 1 = 2
    assert abs((tr ** 2).mean() - 1) < 5 * math.sqrt(2 / n)


def test_haar_det_signs(haar_sample):
    det = np.linalg.det(haar_sample)
    np.testing.assert_allclose(np.abs(det), 1, atol=1e-12)
    n = len(det)
    assert abs((det > 0).sum() - n / 2) < 5 * math.sqrt(n / 4)


def test_haar_entries(haar_sample):
    """Every entry is a coordinate of a uniform unit vector: E Q_ij^2 = 1/n and
    (Q_ij + 1)/2 ~ Beta((n-1)/2, (n-1)/2); checked on Q00 and the last entry
    (which carries the sign of the length-1 reflector)."""
    n, N = N_DIM, len(haar_sample)
    sq = haar_sample ** 2
    var = 3 / (n * (n + 2)) - 1 / n ** 2
    assert np.abs(sq.mean(axis=0) - 1 / n).max() < 5.5 * math.sqrt(var / N)
    law = stats.beta((n - 1) / 2, (n - 1) / 2)
    for q in (haar_sample[:, 0, 0], haar_sample[:, -1, -1], haar_sample[:, 1, 2]):
        assert stats.kstest((q + 1) / 2, law.cdf).pvalue > 1e-4


def test_haar_trace_matches_scipy_ortho_group(haar_sample):
    ref = stats.ortho_group.rvs(dim=N_DIM, size=N_HAAR, random_state=7)
    tr_ref = np.trace(ref, axis1=1, axis2=2)
    tr = np.trace(haar_sample, axis1=1, axis2=2)
    assert stats.ks_2samp(tr, tr_ref).pvalue > 1e-4


def test_haar_nonsquare_first_entry():
    """A 6 x 3 (and 3 x 6) semi-orthogonal draw: (W00 + 1)/2 ~ Beta(5/2, 5/2)."""
    gen = np.random.default_rng(99)
    law = stats.beta(2.5, 2.5)
    for shape in [(6, 3), (3, 6)]:
        q = np.array([fastinit.orthogonal(shape, rng=gen)[0, 0] for _ in range(5000)],
                     dtype=np.float64)
        assert stats.kstest((q + 1) / 2, law.cdf).pvalue > 1e-4


# ---------------------------------------------------------------- determinism

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(700, 1100), (1100, 700), (600, 600)])
def test_same_bits_any_thread_count(shape, dtype):
    ref = fastinit.orthogonal(shape, rng=5, num_threads=1, dtype=dtype)
    for t in (2, 3):
        assert fastinit.orthogonal(shape, rng=5, num_threads=t, dtype=dtype).tobytes() \
            == ref.tobytes()


def test_concurrent_calls_match_serial():
    from concurrent.futures import ThreadPoolExecutor
    from threadpoolctl import threadpool_info
    before = [i["num_threads"] for i in threadpool_info()]
    serial = [fastinit.orthogonal((500, 400), rng=s) for s in range(6)]
    with ThreadPoolExecutor(3) as ex:
        par = list(ex.map(lambda s: fastinit.orthogonal((500, 400), rng=s), range(6)))
    assert all(a.tobytes() == b.tobytes() for a, b in zip(serial, par))
    assert [i["num_threads"] for i in threadpool_info()] == before  # BLAS limit restored


def test_seeding():
    a = fastinit.orthogonal((20, 30), rng=1)
    assert np.array_equal(a, fastinit.orthogonal((20, 30), rng=1))
    assert not np.array_equal(a, fastinit.orthogonal((20, 30), rng=2))
    fastinit.manual_seed(3)
    b, c = fastinit.orthogonal((8, 8)), fastinit.orthogonal((8, 8))
    assert not np.array_equal(b, c)
    fastinit.manual_seed(3)
    assert np.array_equal(b, fastinit.orthogonal((8, 8)))
    g1, g2 = np.random.default_rng(4), np.random.default_rng(4)
    assert np.array_equal(fastinit.orthogonal((8, 8), rng=g1),
                          fastinit.orthogonal((8, 8), generator=g2))


def test_panel_internals_match_unblocked():
    """The blocked product equals the same reflectors applied one by one
    (panel width 1), and does not depend on the task split beyond rounding."""
    key = (11, 12, 13)
    for m, k in [(300, 300), (400, 130), (700, 530)]:
        a = np.empty(m * k)
        _orthogonal.stewart(a, m, k, 1.0, key, 2)
        for panel, chunk in [(1, 1), (64, 7), (100, 300), (530, 64)]:
            b = np.empty(m * k)
            _orthogonal.stewart(b, m, k, 1.0, key, 2, panel=panel, chunk=chunk)
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-13)
        t = np.empty(m * k)
        _orthogonal.stewart(t, m, k, 1.0, key, 3, trans=True)
        np.testing.assert_allclose(t.reshape(m, k), a.reshape(k, m).T, rtol=0, atol=1e-13)
    with pytest.raises(ValueError):
        _orthogonal.stewart(np.empty(12), 4, 3, 1.0, key, 1, panel=0)
    with pytest.raises(ValueError):
        _orthogonal.stewart(np.empty(12), 3, 4, 1.0, key, 1)
    with pytest.raises(TypeError):
        _orthogonal.stewart(np.empty(12, dtype=np.float16), 4, 3, 1.0, key, 1)



def test_row_path_internals_match_unblocked():
    """The row path (exact=False) applies the same reflectors forward: with
    any panel width it equals stewart()'s Q (reflectors one by one at panel
    width 1) to rounding; a ROWS group's bits depend only on the group."""
    key = (11, 12, 13)
    g = _orthogonal.ROWS
    for m, k in [(300, 300), (400, 130), (700, 530)]:
        a = np.empty((m, k))
        _orthogonal.stewart(a, m, k, 1.0, key, 2, trans=True)
        rows = np.empty((m, k))
        _orthogonal.stewart_rows(rows, m, k, 0, m, 1.0, key, 2)
        np.testing.assert_allclose(rows, a, rtol=0, atol=1e-13)
        for panel in (1, 64, 530):
            b = np.empty((m - g, k))
            _orthogonal.stewart_rows(b, m, k, g, m, 1.0, key, 1, panel=panel)
            np.testing.assert_allclose(b, a[g:], rtol=0, atol=1e-13)
        part = np.empty((2 * g, k))
        _orthogonal.stewart_rows(part, m, k, g, 3 * g, 1.0, key, 3)
        assert np.array_equal(part, rows[g:3 * g])
    with pytest.raises(ValueError, match="grid"):
        _orthogonal.stewart_rows(np.empty((10, 3)), 40, 3, 1, 11, 1.0, key, 1)
    with pytest.raises(ValueError):
        _orthogonal.stewart_rows(np.empty((4, 4)), 3, 4, 0, 3, 1.0, key, 1)
    with pytest.raises(ValueError):
        _orthogonal.row_groups(4, 3, 0, 4, 1.0, key, 0, np.float64)
    with pytest.raises(TypeError):
        _orthogonal.row_groups(4, 3, 0, 4, 1.0, key, 1, np.float16)


# ---------------------------------------------------------------- gain, dtypes, layouts

def test_gain():
    a = fastinit.orthogonal((50, 70), rng=3, dtype=np.float64)
    for g in (2.5, -0.5, 3):
        b = fastinit.orthogonal((50, 70), g, rng=3, dtype=np.float64)
        np.testing.assert_allclose(b, g * a, rtol=1e-13, atol=1e-15)
    assert not fastinit.orthogonal((5, 5), gain=0.0, rng=3).any()
    w = fastinit.orthogonal((200, 100), gain=math.sqrt(2), rng=3, dtype=np.float64)
    np.testing.assert_allclose(w.T @ w, 2 * np.eye(100), atol=1e-13)


def test_float16_is_float32_rounded():
    h = fastinit.orthogonal((40, 60), rng=8, dtype=np.float16)
    f = fastinit.orthogonal((40, 60), rng=8, dtype=np.float32)
    assert h.dtype == np.float16
    assert np.array_equal(h, f.astype(np.float16))
    assert orth_error(h) < 5e-3


@pytest.mark.parametrize("shape", [(10, 10), (10, 6), (6, 10)])
def test_strided_and_fortran_targets(shape):
    ref = fastinit.orthogonal(shape, rng=6)
    big = np.full((shape[0] * 2, shape[1] * 3), 7.0, dtype=np.float32)
    view = big[::2, ::3]
    assert fastinit.orthogonal_(view, rng=6) is view
    assert np.array_equal(view, ref)
    mask = np.ones(big.shape, bool)
    mask[::2, ::3] = False
    assert (big[mask] == 7).all()
    f = np.empty(shape, dtype=np.float32, order="F")
    fastinit.orthogonal_(f, rng=6)
    assert np.array_equal(f, ref)


def test_strided_conv_view():
    ref = fastinit.orthogonal((8, 4, 3, 3), rng=9, dtype=np.float64)
    base = np.zeros((8, 4, 3, 6))
    view = base[..., ::2]
    fastinit.orthogonal_(view, rng=9)
    assert np.array_equal(view, ref)
    assert not base[..., 1::2].any()


@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (3, 0, 3), (0, 0)])
def test_zero_elements_noop(shape):
    a = np.empty(shape, dtype=np.float32)
    assert fastinit.orthogonal_(a) is a
    assert fastinit.orthogonal(shape).shape == shape


# ---------------------------------------------------------------- torch

def test_torch_tensor_and_parameter():
    torch = pytest.importorskip("torch")
    ref = fastinit.orthogonal((30, 40), rng=10)
    t = torch.empty(30, 40)
    assert fastinit.orthogonal_(t, rng=10) is t
    assert np.array_equal(t.numpy(), ref)
    p = torch.nn.Parameter(torch.empty(40, 30, dtype=torch.float64))
    assert fastinit.orthogonal_(p, 2.0, rng=11) is p
    assert p.requires_grad
    q = p.detach().numpy()
    np.testing.assert_allclose(q.T @ q, 4 * np.eye(30), atol=1e-13)
    h = torch.empty(16, 8, 3, 3, dtype=torch.float16)
    fastinit.orthogonal_(h, rng=12)
    assert np.array_equal(h.numpy(), fastinit.orthogonal((16, 8, 3, 3), rng=12,
                                                         dtype=np.float16))
    tv = torch.zeros(12, 20)[:, ::2]
    fastinit.orthogonal_(tv, rng=13)
    assert np.array_equal(tv.numpy(), fastinit.orthogonal((12, 10), rng=13))
    g = torch.Generator().manual_seed(0)
    w = fastinit.orthogonal_(torch.empty(5, 5), generator=g)
    assert orth_error(w.numpy()) < 2e-6
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions"):
        fastinit.orthogonal_(torch.empty(3))
    w = fastinit.delta_orthogonal_(torch.empty(8, 4, 3, 3), rng=0)
    assert orth_error(w[:, :, 1, 1].numpy()) < 2e-6


# ---------------------------------------------------------------- delta-orthogonal

@pytest.mark.parametrize("shape", [(8, 8, 3), (16, 4, 3, 3), (8, 8, 4, 2), (12, 6, 3, 3, 3),
                                   (512, 256, 3, 3)])
def test_delta_orthogonal(shape):
    w = fastinit.delta_orthogonal(shape, gain=1.5, rng=4, dtype=np.float64)
    centre = (slice(None), slice(None)) + tuple(s // 2 for s in shape[2:])
    q = w[centre]
    np.testing.assert_allclose(q.T @ q, 2.25 * np.eye(shape[1]), atol=1e-13)
    rest = w.copy()
    rest[centre] = 0
    assert not rest.any()
    ref = fastinit.orthogonal(shape[:2], gain=1.5, rng=4, dtype=np.float64)
    assert np.array_equal(q, ref)


def test_delta_orthogonal_bad_input():
    with pytest.raises(ValueError, match="out >= in"):
        fastinit.delta_orthogonal((4, 8, 3, 3))
    for shape in [(4, 4), (2, 2, 2, 2, 2, 2)]:
        with pytest.raises(ValueError, match="3-, 4- or 5-D"):
            fastinit.delta_orthogonal(shape)
    with pytest.raises(ValueError, match="gain must be finite"):
        fastinit.delta_orthogonal((4, 4, 3), gain=float("inf"))
    a = np.empty((0, 0, 3))
    assert fastinit.delta_orthogonal_(a) is a


# ---------------------------------------------------------------- bad input

def test_bad_input():
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        fastinit.orthogonal_(np.empty(5, dtype=np.float32))
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        fastinit.orthogonal_(np.empty((), dtype=np.float32))
    with pytest.raises(ValueError, match="Only tensors with 2 or more dimensions are supported"):
        fastinit.orthogonal(7)
    for g in (float("nan"), float("inf"), -float("inf")):
        with pytest.raises(ValueError, match="gain must be finite"):
            fastinit.orthogonal((3, 3), gain=g)
    for g in ("1", None, [1.0], True, 1j):
        with pytest.raises(TypeError, match="gain must be a real number"):
            fastinit.orthogonal((3, 3), gain=g)
    with pytest.raises(TypeError, match="dtype"):
        fastinit.orthogonal_(np.empty((3, 3), dtype=np.int32))
    with pytest.raises(TypeError, match="dtype"):
        fastinit.orthogonal((3, 3), dtype=np.int64)
    ro = np.empty((3, 3))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        fastinit.orthogonal_(ro)
    with pytest.raises(TypeError, match="numpy.ndarray or a torch.Tensor"):
        fastinit.orthogonal_([[0.0, 0.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match="non-negative"):
        fastinit.orthogonal((3, -3))
    with pytest.raises(TypeError, match="rng"):
        fastinit.orthogonal((3, 3), rng="seed")
    with pytest.raises(ValueError, match="num_threads=0"):
        fastinit.orthogonal((3, 3), num_threads=0)
    with pytest.raises(ValueError, match="either rng= or generator="):
        fastinit.orthogonal((3, 3), 1, 1, rng=1)
