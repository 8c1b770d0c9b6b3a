"""Array adaptation and bad input: TypeError/ValueError naming the argument, nothing written."""
import math
import re

import numpy as np
import pytest

import fastinit
from fastinit import _dtypes


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


@pytest.fixture
def torch():
    """torch, or a skip of this one test (the rest of the module runs without it)."""
    return pytest.importorskip("torch")


class TestTorchTensors:
    @pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
    def test_filled_in_place(self, torch, dtype):
        t = torch.zeros(300, 200, dtype=getattr(torch, dtype))
        out = fastinit.normal_(t, 0.0, 1.0, rng=3)
        assert out is t
        ref = fastinit.normal((300, 200), 0.0, 1.0, rng=3, dtype=dtype)
        assert np.array_equal(t.numpy(), ref)

    def test_parameter_requiring_grad(self, torch):
        p = torch.nn.Parameter(torch.zeros(64, 32))
        out = fastinit.uniform_(p, -1, 1, rng=0)
        assert out is p and p.requires_grad
        assert p.detach().abs().max() > 0
        assert np.array_equal(p.detach().numpy(), fastinit.uniform((64, 32), -1, 1, rng=0))

    def test_non_contiguous_tensor(self, torch):
        t = torch.zeros(200, 300).t()
        fastinit.normal_(t, rng=1)
        assert np.array_equal(t.numpy(), fastinit.normal((300, 200), rng=1))

    def test_bad_torch_dtypes(self, torch):
        allowed = "torch.bfloat16, torch.float16, torch.float32 or torch.float64"
        for dtype in (torch.int64, torch.complex64, torch.float8_e4m3fn):
            with pytest.raises(TypeError, match=allowed):
                fastinit.normal_(torch.zeros(3, dtype=dtype))


# ---- refused targets: self-overlapping views ----------------------------------

def test_zero_stride_view_refused():
    base = np.zeros(1, np.float32)
    view = np.lib.stride_tricks.as_strided(base, (1 << 20,), (0,))
    assert view.flags.writeable
    with pytest.raises(ValueError, match="overlap in memory"):
        fastinit.normal_(view, rng=0)
    with pytest.raises(ValueError, match="overlap in memory"):
        fastinit.orthogonal_(np.lib.stride_tricks.as_strided(base, (4, 4), (0, 4)), rng=0)
    assert base[0] == 0  # nothing written


@pytest.mark.parametrize("shape,strides,overlaps", [
    ((3, 2), (8, 12), False),   # interleaved rows: fails the quick test, distinct
    ((3, 2), (8, 16), True),    # element (2, 0) and (1, 1)... share offset 16
    ((2, 2), (4, 4), True),     # equal strides
    ((4, 3), (12, -4), False),  # negative strides of a plain reversed view
])
def test_irregular_views_get_the_exact_answer(shape, strides, overlaps):
    buf = np.full(64, np.nan, np.float32)
    start = buf[8:]  # room for the negative stride
    view = np.lib.stride_tricks.as_strided(start, shape, strides)
    if overlaps:
        with pytest.raises(ValueError, match="overlap in memory"):
            fastinit.uniform_(view, rng=1)
        assert np.isnan(buf).all()
    else:
        fastinit.uniform_(view, rng=1)
        assert np.array_equal(view, fastinit.uniform(shape, rng=1))
        assert np.isnan(buf).sum() == buf.size - view.size


def test_huge_irregular_view_is_refused_as_unprovable():
    n = (1 << 23) + 1  # 2**24 + 2 elements, interleaved: distinct, but too many to check
    base = np.zeros(2 * n + 4, np.float32)
    view = np.lib.stride_tricks.as_strided(base, (n, 2), (8, 12))
    with pytest.raises(ValueError, match="too many to prove that none overlap"):
        fastinit.uniform_(view, rng=0)
    assert not base.any()


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
def test_ndarray_subclasses_are_filled_through_a_base_view():
    m = np.matrix(np.zeros((3, 5)))
    before = m.copy()
    assert fastinit.orthogonal_(m, rng=0) is m
    assert type(m) is np.matrix
    assert np.array_equal(np.asarray(m), fastinit.orthogonal((3, 5), rng=0, dtype=np.float64))
    assert not np.array_equal(m, before)
    fastinit.normal_(m, rng=2)
    assert np.array_equal(np.asarray(m), fastinit.normal((3, 5), rng=2, dtype=np.float64))


def test_structured_dtype_is_a_dtype_error():
    for fn in (fastinit.xavier_uniform_, fastinit.lecun_normal_, fastinit.kaiming_normal_,
               fastinit.variance_scaling_, fastinit.normal_, fastinit.orthogonal_):
        with pytest.raises(TypeError, match="tensor must have dtype"):
            fn(np.zeros(3, dtype=[("a", "f4")]))


@pytest.mark.parametrize("fn", ["xavier_uniform_", "xavier_normal_", "lecun_uniform_",
                                "lecun_normal_", "variance_scaling_", "kaiming_normal_"])
def test_list_is_not_an_array_for_schemes(fn):
    with pytest.raises(TypeError, match="tensor must be a numpy.ndarray or a torch.Tensor, "
                                        "got list"):
        getattr(fastinit, fn)([[1.0, 2.0], [3.0, 4.0]])


# ---- parameters beyond the float range -----------------------------------------

@pytest.mark.parametrize("call,name", [
    (lambda: fastinit.normal_(np.zeros(3), std=10**400), "std"),
    (lambda: fastinit.normal_(np.zeros(3), mean=-10**400), "mean"),
    (lambda: fastinit.uniform_(np.zeros(3), 0, 10**400), "b"),
    (lambda: fastinit.kaiming_uniform_(np.zeros((3, 3)), a=1e200), "a"),
    (lambda: fastinit.kaiming_normal_(np.zeros((3, 3)), a=10**400), "a"),
    (lambda: fastinit.xavier_normal_(np.zeros((3, 3)), gain=10**400), "gain"),
    (lambda: fastinit.variance_scaling_(np.zeros((3, 3)), 10**400), "scale"),
    (lambda: fastinit.calculate_gain("elu", 1e300), "param"),
    (lambda: fastinit.calculate_gain("leaky_relu", 10**400), "param"),
])
def test_overflowing_parameters_are_value_errors(call, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call()


# ---- normal_: std against the dtype -----------------------------------------------

@pytest.mark.parametrize("dtype,std", [(np.float16, 1e5), (np.float16, 1e4),
                                       (np.float32, 1e38), (np.float64, 1e308)])
def test_normal_std_checked_against_dtype(dtype, std):
    a = np.zeros(1000, dtype)
    with pytest.raises(ValueError, match=re.escape(f"std={std} is too large for "
                                                   f"{np.dtype(dtype)}")):
        fastinit.normal_(a, 0.0, std, rng=0)
    assert not a.any()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_normal_largest_allowed_std_never_overflows(dtype):
    """The bound comes from the sampler's largest |z| (its smallest u1): the
    kernel's own transform at that input stays under normal_tail, so
    |mean| + normal_tail * std <= max never yields inf."""
    from fastinit import _core
    from fastinit.fills import normal_tail
    bits = 64 if dtype == np.float64 else 32
    if hasattr(_core, "_zig_tailx"):  # a ziggurat: its tail proposal at the smallest u
        zmax = _core._zig_tailx(0, bits)
    elif bits == 64:  # Box-Muller: the radius at the smallest u1
        zmax = max(abs(z) for z in _core._normal_pair64(0, 0, 0, 0))
    else:
        zmax = max(abs(z) for z in _core._normal_pair32(0, 0))
    tail = normal_tail(np.dtype(dtype))  # must follow the sampler (fastinit/fills.py)
    assert zmax <= tail < zmax * (1 + 2.0**-18)
    big = float(np.finfo(dtype).max)
    std = big / tail
    if tail * std > big:   # the quotient rounded up: the largest allowed is below it
        std = float(np.nextafter(std, 0.0))
    w = fastinit.normal_(np.zeros(4096, dtype), 0.0, std, rng=0)
    assert np.isfinite(w).all()
    with pytest.raises(ValueError, match="std="):
        fastinit.normal_(np.zeros(1, dtype), 0.0, std * (1 + 2.0**-10), rng=0)


class TestTorchWrites:
    """In-place fills obey torch's rules for in-place ops (docs/guide/guarantees.md:
    "Refused targets, and why" and "Autograd"; docs/guide/models.md:
    "Torch's rules")."""

    def _all_inplace(self):
        """(name, call) for every public in-place initializer, on a fresh target."""
        f = fastinit
        calls = {
            "zeros_": lambda t: f.zeros_(t), "ones_": lambda t: f.ones_(t),
            "constant_": lambda t: f.constant_(t, 0.5),
            "uniform_": lambda t: f.uniform_(t, rng=0), "normal_": lambda t: f.normal_(t, rng=0),
            "trunc_normal_": lambda t: f.trunc_normal_(t, rng=0),
            "xavier_uniform_": lambda t: f.xavier_uniform_(t, rng=0),
            "xavier_normal_": lambda t: f.xavier_normal_(t, rng=0),
            "kaiming_uniform_": lambda t: f.kaiming_uniform_(t, rng=0),
            "kaiming_normal_": lambda t: f.kaiming_normal_(t, rng=0),
            "lecun_uniform_": lambda t: f.lecun_uniform_(t, rng=0),
            "lecun_normal_": lambda t: f.lecun_normal_(t, rng=0),
            "variance_scaling_": lambda t: f.variance_scaling_(t, rng=0),
            "orthogonal_": lambda t: f.orthogonal_(t, rng=0),
            "delta_orthogonal_": lambda t: f.delta_orthogonal_(t, rng=0),
            "eye_": lambda t: f.eye_(t[:, :, 0, 0]),
            "dirac_": lambda t: f.dirac_(t),
            "sparse_": lambda t: f.sparse_(t[:, :, 0, 0], 0.5, rng=0),
            "bias_zeros_": lambda t: f.bias_zeros_(t), "bias_constant_": lambda t: f.bias_constant_(t),
            "bias_uniform_": lambda t: f.bias_uniform_(t, (4, 4), rng=0),
            "torch_default_init_": lambda t: f.torch_default_init_(t, rng=0),
        }
        aliases = {"glorot_uniform_", "glorot_normal_", "he_uniform_", "he_normal_"}
        public = {n for n in fastinit.__all__
                  if n.endswith("_") and not n.startswith("_")} - aliases
        assert public <= set(calls), f"add to this test: {sorted(public - set(calls))}"
        return calls

    def test_every_inplace_write_bumps_the_version_counter(self, torch):
        for name, call in self._all_inplace().items():
            w = torch.nn.Parameter(torch.ones(4, 4, 3, 3))
            x = torch.ones(4, 4, 3, 3, requires_grad=True)
            y = (w * x).sum()  # saves w for the gradient of x
            before = w._version
            call(w)
            assert w._version > before, name
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                y.backward()

    def test_fast_adaptation_is_the_tensors_memory(self, torch, monkeypatch):
        """Plain contiguous CPU tensors and Parameters of a NumPy dtype take
        adapt()'s first branch (the general one is not called); the view is
        the tensor's own memory (storage offset included), writable, kept
        alive by the tensor, and the fill equals the NumPy one."""
        from fastinit import _tensor
        _tensor.adapt(torch.zeros(1))    # torch seen once (the general path)
        storage = torch.zeros(40, dtype=torch.float64)
        cases = [torch.zeros(16, 16), torch.nn.Parameter(torch.zeros(3, 5)),
                 torch.zeros(4, 2, 3, dtype=torch.float16), storage[7:31].view(4, 6),
                 torch.zeros((), dtype=torch.float64)]
        general = _tensor._adapt
        monkeypatch.setattr(_tensor, "_adapt", lambda *a: pytest.fail(f"general path: {a}"))
        for t in cases:
            arr, desc, is_torch = _tensor.adapt(t)
            assert is_torch and desc.name == str(t.dtype).removeprefix("torch.")
            assert arr.shape == tuple(t.shape) and arr.dtype == desc.numpy
            assert arr.ctypes.data == t.data_ptr() and arr.flags.writeable
            assert arr.flags.c_contiguous and arr.base is t
            fastinit.normal_(t, rng=3)
            want = fastinit.normal(tuple(t.shape), dtype=desc.numpy, rng=3)
            assert t.detach().numpy().tobytes() == want.tobytes()
        assert not storage[:7].any() and not storage[31:].any()   # only the view written
        arr = _tensor.adapt(torch.ones(5))[0]     # the only reference to the tensor
        import gc
        gc.collect()
        assert arr.tolist() == [1.0] * 5
        monkeypatch.setattr(_tensor, "_adapt", general)
        for t in (torch.zeros(4, 4)[:, ::2], torch.zeros(0, 3), torch.zeros(4, dtype=torch.bfloat16)):
            assert _tensor.adapt(t)[2]              # the general path adapts them

    def test_view_write_bumps_the_base(self, torch):
        base = torch.zeros(8, 8)
        before = base._version
        fastinit.normal_(base[2:6, ::2], rng=0)
        assert base._version > before

    def test_issue_reproducer_raises_like_torch(self, torch):
        w = torch.nn.Parameter(torch.ones(3, 3))
        x = torch.ones(3, 3, requires_grad=True)
        y = (w * x).sum()
        fastinit.normal_(w, rng=0)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()
        assert x.grad is None

    def test_inference_tensors(self, torch):
        with torch.inference_mode():
            t = torch.zeros(300, 200)
            fastinit.normal_(t, rng=1)  # inside inference mode: allowed, as in torch
        assert np.array_equal(t.numpy(), fastinit.normal((300, 200), rng=1))
        with pytest.raises(RuntimeError, match="inference tensor"):   # torch's type
            fastinit.uniform_(t, rng=2)
        assert np.array_equal(t.numpy(), fastinit.normal((300, 200), rng=1))
        with pytest.raises(RuntimeError, match="inference"):
            t.uniform_()  # torch refuses the same

    def test_expanded_tensor_refused(self, torch):
        t = torch.zeros(1)
        with pytest.raises(RuntimeError, match="overlap in memory"):   # torch's type
            fastinit.normal_(t.expand(1 << 20), rng=0)
        with pytest.raises(RuntimeError, match="single memory location"):
            torch.nn.init.normal_(t.expand(1 << 20))  # torch refuses the same
        assert t.item() == 0

    def test_nested_and_negative_view_tensors_refused(self, torch):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "nested tensors are a prototype"
            nt = torch.nested.nested_tensor([torch.zeros(2), torch.zeros(3)])
        with pytest.raises(TypeError, match="nested tensor"):
            fastinit.normal_(nt, rng=0)
        neg = torch._neg_view(torch.zeros(4))
        with pytest.raises(TypeError, match="negative bit"):
            fastinit.normal_(neg, rng=0)


def test_remembered_dtype_names_never_accept_a_tagged_dtype():
    """check_dtype remembers accepted names and types only: a float32 dtype
    carrying metadata (equal to float32 as a key) is still refused after
    'float32' and np.float32 were remembered."""
    from fastinit._tensor import check_dtype
    assert check_dtype("float32") is check_dtype(np.float32) is np.dtype(np.float32)
    for tagged in (np.dtype(np.float32, metadata={"x": 1}),
                   next(d for d in _dtypes.DTYPES if not d.native).numpy):  # bfloat16
        with pytest.raises(TypeError, match="dtype must be"):
            check_dtype(tagged)
    with pytest.raises(TypeError, match="dtype must be"):
        check_dtype(">f4")
    assert check_dtype("float64") is np.dtype(np.float64)


@pytest.mark.parametrize("shape,expected", [
    ((16, 16), (16, 16)), (7, (7,)), ([2, 3], (2, 3)), ((np.int64(4), 5), (4, 5)),
    ((), ()), ((0, 3), (0, 3))])
def test_shapes_fast_and_general_paths_agree(shape, expected):
    from fastinit._tensor import check_shape
    out = check_shape(shape)
    assert out == expected and type(out) is tuple and all(type(d) is int for d in out)


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_scalar_rounding_is_numpys_at_every_tie(name):
    """DType.round (struct's IEEE conversion) equals NumPy's cast on the
    midpoints between neighbouring values (ties round to even), on both signs,
    subnormals included."""
    d = next(x for x in _dtypes.DTYPES if x.name == name)
    t = d.numpy.type
    if d.itemsize == 2:
        bits = np.arange(0, 0x7C00, dtype=np.uint16)
    else:
        u = np.uint32 if d.itemsize == 4 else np.uint64
        top = int(np.array(d.max, t).view(u))
        bits = np.random.default_rng(0).integers(0, top, 20000, dtype=u)
    v = bits.view(t)
    with np.errstate(over="ignore"):
        mid = (v.astype(np.longdouble) + np.nextafter(v, t(np.inf)).astype(np.longdouble)) / 2
    xs = np.concatenate([mid, -mid]).astype(np.float64)
    xs = xs[np.abs(xs) <= d.max]
    got = np.array([d.round(x) for x in xs.tolist()])
    assert np.array_equal(got.view(np.int64), xs.astype(t).astype(np.float64).view(np.int64))
