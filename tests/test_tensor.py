"""Array adaptation and bad input: TypeError/ValueError naming the argument, nothing written."""
import math

import numpy as np
import pytest

import fastinit


@pytest.mark.parametrize("dtype", [np.int32, np.complex64, np.bool_, ">f4"])
def test_wrong_dtype(dtype):
    with pytest.raises(TypeError, match="tensor must have dtype float16, float32 or float64"):
        fastinit.normal_(np.zeros(3, dtype))


def test_read_only():
    a = np.zeros(3)
    a.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        fastinit.uniform_(a)
    with pytest.raises(ValueError, match="read-only"):
        fastinit.zeros_(np.broadcast_to(np.zeros(1), (5,)))


@pytest.mark.parametrize("bad", [[1.0, 2.0], 3.0, "abc", None])
def test_not_an_array(bad):
    with pytest.raises(TypeError, match="tensor must be a numpy.ndarray or a torch.Tensor"):
        fastinit.normal_(bad)


@pytest.mark.parametrize("kw,match", [
    (dict(mean=math.nan), "mean must be finite"),
    (dict(mean=math.inf), "mean must be finite"),
    (dict(std=math.nan), "std must be finite"),
    (dict(std=-1.0), r"normal expects std >= 0.0, but found std -1.0"),
    (dict(std="1"), "std must be a real number"),
])
def test_normal_bad_params(kw, match):
    with pytest.raises((ValueError, TypeError), match=match):
        fastinit.normal_(np.zeros(3), **kw)


@pytest.mark.parametrize("a,b,match", [
    (1.0, 0.0, r"uniform_ expects to return a \[from, to\) range, but found from=1.0 > to=0.0"),
    (math.nan, 1.0, "a must be finite"),
    (0.0, math.inf, "b must be finite"),
    (-1e300, 1e300, "out of range for float32"),
    (-3e38, 3e38, "to-from <= the largest float32"),
])
def test_uniform_bad_params(a, b, match):
    with pytest.raises(ValueError, match=match):
        fastinit.uniform_(np.zeros(3, np.float32), a, b)


def test_uniform_range_checked_per_dtype():
    fastinit.uniform_(np.zeros(3, np.float64), -3e38, 3e38)  # fine in float64
    with pytest.raises(ValueError, match="float16"):
        fastinit.uniform_(np.zeros(3, np.float16), 0.0, 1e5)


def test_constant_bad_values():
    with pytest.raises(ValueError, match="val must be finite"):
        fastinit.constant_(np.zeros(3), math.nan)
    with pytest.raises(ValueError, match="out of range for float16"):
        fastinit.constant_(np.zeros(3, np.float16), 1e6)
    with pytest.raises(TypeError, match="val must be a real number"):
        fastinit.constant_(np.zeros(3), "x")


@pytest.mark.parametrize("shape,exc,match", [
    ((-1, 3), ValueError, "non-negative"),
    ((2**40, 2**40), ValueError, "more than the 2\\*\\*62"),
    ((2.0, 3), TypeError, "shape must be an int or a tuple of ints"),
    ("abc", TypeError, "shape must be an int or a tuple of ints"),
])
def test_bad_shapes(shape, exc, match):
    with pytest.raises(exc, match=match):
        fastinit.normal(shape)


@pytest.mark.parametrize("dtype", ["int32", "complex64", "bogus", ">f4", object])
def test_bad_functional_dtype(dtype):
    with pytest.raises(TypeError, match="dtype must be float16, float32 or float64"):
        fastinit.normal(3, dtype=dtype)


@pytest.mark.parametrize("offset,exc", [(-1, ValueError), (2**62, ValueError), (1.0, TypeError),
                                        (True, TypeError)])
def test_bad_offset(offset, exc):
    with pytest.raises(exc, match="offset"):
        fastinit.normal_(np.zeros(3), offset=offset)


def test_dtype_none_is_float32():
    assert fastinit.normal(3, dtype=None).dtype == np.float32


def test_numpy_scalars_accepted_as_parameters():
    x = fastinit.normal_(np.zeros(4), np.float32(1.0), np.float64(0.0))
    assert (x == 1.0).all()


def test_signatures_match_torch_style():
    import inspect
    p = inspect.signature(fastinit.uniform_).parameters
    assert list(p)[:4] == ["tensor", "a", "b", "generator"]
    assert [p[k].kind for k in ("rng", "num_threads", "offset")] == [inspect.Parameter.KEYWORD_ONLY] * 3
    p = inspect.signature(fastinit.normal).parameters
    assert list(p)[:3] == ["shape", "mean", "std"] and p["dtype"].default == "float32"


class TestTorchTensors:
    torch = pytest.importorskip("torch")

    @pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
    def test_filled_in_place(self, dtype):
        torch = self.torch
        t = torch.zeros(300, 200, dtype=getattr(torch, dtype))
        out = fastinit.normal_(t, 0.0, 1.0, rng=3)
        assert out is t
        ref = fastinit.normal((300, 200), 0.0, 1.0, rng=3, dtype=dtype)
        assert np.array_equal(t.numpy(), ref)

    def test_parameter_requiring_grad(self):
        torch = self.torch
        p = torch.nn.Parameter(torch.zeros(64, 32))
        out = fastinit.uniform_(p, -1, 1, rng=0)
        assert out is p and p.requires_grad
        assert p.detach().abs().max() > 0
        assert np.array_equal(p.detach().numpy(), fastinit.uniform((64, 32), -1, 1, rng=0))

    def test_non_contiguous_tensor(self):
        torch = self.torch
        t = torch.zeros(200, 300).t()
        fastinit.normal_(t, rng=1)
        assert np.array_equal(t.numpy(), fastinit.normal((300, 200), rng=1))

    def test_bad_torch_dtypes(self):
        torch = self.torch
        allowed = "torch.bfloat16, torch.float16, torch.float32 or torch.float64"
        for dtype in (torch.int64, torch.complex64, torch.float8_e4m3fn):
            with pytest.raises(TypeError, match=allowed):
                fastinit.normal_(torch.zeros(3, dtype=dtype))
