"""fastinit raises torch's exception types where torch.nn.init raises.

A systematic comparison: every row makes the same kind of target twice and
calls ``torch.nn.init.X`` on one and ``fastinit.X`` on the other. Wherever
torch raises, fastinit's exception must be caught by ``except`` with torch's
type (the same type, or a subclass: fastinit.\\_errors holds the classes that
are both torch's type and the TypeError / ValueError fastinit documents), and
it must still be a TypeError or ValueError (docs/guide/guarantees.md).
Where the two do not both raise or both pass, the row says so, and why:

- ``stricter``: torch passes, fastinit refuses (kept: fastinit checks what
  would give values that are not finite, or targets it does not fill);
- ``looser``: torch raises, fastinit fills (fastinit features, or a torch
  error that is an accident of its implementation);
- ``divergent``: both raise, with unrelated types (torch's type is an
  accident of its implementation: AttributeError on a non-tensor,
  ZeroDivisionError for groups=0).

The rows pin torch's own behaviour too (torch 2.x on the CPU), so a torch
release that changes it shows up here.
"""
import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
tinit = torch.nn.init

import fastinit  # noqa: E402
from fastinit._errors import (RuntimeValueError, UnsupportedTensorError,  # noqa: E402
                              ValueOverflowError)

FNS = ("uniform_", "normal_", "trunc_normal_", "constant_", "zeros_", "ones_",
       "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
       "orthogonal_", "sparse_", "eye_", "dirac_")
RANDOM = ("uniform_", "normal_", "trunc_normal_", "xavier_uniform_", "xavier_normal_",
          "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_")
EXTRA = {"constant_": (0.5,), "sparse_": (0.1,)}

CASES = []


def _case(kind, id_, make, call, torch_exc=None, ours=None, why=""):
    CASES.append(pytest.param(kind, make, call, torch_exc, ours, why, id=id_))


def same(id_, make, call, torch_exc):
    """Both raise; fastinit's exception is an instance of torch's type."""
    _case("same", id_, make, call, torch_exc)


def both_ok(id_, make, call):
    _case("ok", id_, make, call)


def stricter(id_, make, call, ours, why):
    _case("stricter", id_, make, call, None, ours, why)


def looser(id_, make, call, torch_exc, why):
    _case("looser", id_, make, call, torch_exc, None, why)


def divergent(id_, make, call, torch_exc, ours, why):
    _case("divergent", id_, make, call, torch_exc, ours, why)


def empty(*shape, dtype=torch.float32, device="cpu"):
    return lambda: torch.empty(shape, dtype=dtype, device=device)


def fn(name, *args, **kwargs):
    """lib.name(tensor, *args, **kwargs) for lib torch.nn.init or fastinit."""
    return lambda lib, t: getattr(lib, name)(t, *args, **kwargs)


def fans(lib, t):
    return (tinit._calculate_fan_in_and_fan_out(t) if lib is tinit
            else fastinit.calculate_fan_in_and_fan_out(t))


def gain(*args):
    return lambda lib, t: lib.calculate_gain(*args)


# ---- targets: every initializer on every kind of tensor -------------------------

def _inference(shape):
    with torch.inference_mode():
        return torch.zeros(shape)


def _nested(shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # "nested tensors are a prototype"
        return torch.nested.nested_tensor([torch.zeros(shape), torch.zeros(shape)])


def _csr(shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # "sparse CSR support is in beta"
        t = torch.zeros(shape)
        return t.to_sparse_csr() if t.dim() == 2 else t.to_sparse_csr(dense_dim=1)


def _shape(name):
    return (4, 4, 3) if name == "dirac_" else (4, 4)


# kind: (make(shape), {function: torch's exception type} (absent: torch fills it),
#        fastinit's type where torch fills it (None: fastinit fills it too))
_NI = NotImplementedError
TARGETS = {
    "int32": (lambda s: torch.zeros(s, dtype=torch.int32),
              {n: _NI for n in RANDOM}, UnsupportedTensorError),
    "bool": (lambda s: torch.zeros(s, dtype=torch.bool),
             {n: _NI for n in RANDOM}, UnsupportedTensorError),
    "float8": (lambda s: torch.zeros(s, dtype=torch.float8_e4m3fn),
               {n: _NI for n in RANDOM}, UnsupportedTensorError),
    "complex64": (lambda s: torch.zeros(s, dtype=torch.complex64),
                  {"trunc_normal_": _NI, "orthogonal_": _NI}, UnsupportedTensorError),
    "sparse_coo": (lambda s: torch.zeros(s).to_sparse(),
                   {**{n: _NI for n in FNS if n != "zeros_"}, "dirac_": TypeError},
                   UnsupportedTensorError),
    "sparse_csr": (_csr, {"uniform_": _NI, "trunc_normal_": RuntimeError,
                          "xavier_uniform_": _NI, "kaiming_uniform_": _NI,
                          "orthogonal_": _NI, "sparse_": TypeError, "eye_": _NI,
                          "dirac_": TypeError}, UnsupportedTensorError),
    "nested": (_nested, {"uniform_": _NI, "trunc_normal_": _NI, "orthogonal_": _NI,
                         **{n: RuntimeError for n in ("xavier_uniform_", "xavier_normal_",
                                                      "kaiming_uniform_", "kaiming_normal_",
                                                      "dirac_")},
                         "sparse_": ValueError, "eye_": ValueError},
               UnsupportedTensorError),
    "negative_view": (lambda s: torch._neg_view(torch.zeros(s)),
                      {"trunc_normal_": RuntimeError}, UnsupportedTensorError),
    "inference_tensor": (_inference, {n: RuntimeError for n in FNS}, None),
    "expanded": (lambda s: torch.zeros(1).expand(s),
                 {n: RuntimeError for n in RANDOM}, RuntimeValueError),
    "requires_grad_leaf": (lambda s: torch.zeros(s, requires_grad=True), {}, None),
    "parameter": (lambda s: torch.nn.Parameter(torch.zeros(s)), {}, None),
    "non_leaf": (lambda s: torch.zeros(s, requires_grad=True) * 2, {}, None),
    "zero_element": (lambda s: torch.zeros((0,) + s[1:]), {}, None),
    "meta": (lambda s: torch.empty(s, device="meta"), {}, None),
    "float16": (lambda s: torch.zeros(s, dtype=torch.float16),
                {"orthogonal_": _NI}, None),
    "bfloat16": (lambda s: torch.zeros(s, dtype=torch.bfloat16),
                 {"orthogonal_": _NI}, None),
    "list": (lambda s: np.zeros(s).tolist(), {n: AttributeError for n in FNS}, None),
}
_WHY = {
    "nested": "torch checks the dimension count of the nested tensor (3) first; "
              "fastinit refuses the nested layout first",
    "list": "torch's AttributeError (a list has no .uniform_) is an accident; fastinit "
            "raises TypeError, 'tensor must be a numpy.ndarray or a torch.Tensor'",
    "float16": "fastinit's orthogonal_ fills float16 and bfloat16 (computed in float32); "
               "torch's QR has no half-precision kernel",
}
_WHY["bfloat16"] = _WHY["float16"]

for kind, (make, refused, ours_type) in TARGETS.items():
    for name in FNS:
        mk = (lambda make, name: lambda: make(_shape(name)))(make, name)
        call = fn(name, *EXTRA.get(name, ()))
        id_ = f"{name}-{kind}"
        torch_exc = refused.get(name)
        if kind == "inference_tensor":
            same(id_, mk, call, RuntimeError)
        elif kind == "list":
            divergent(id_, mk, call, AttributeError, TypeError, _WHY["list"])
        elif kind == "nested" and torch_exc is ValueError:
            divergent(id_, mk, call, ValueError, UnsupportedTensorError, _WHY["nested"])
        elif torch_exc is not None and ours_type is None:
            looser(id_, mk, call, torch_exc, _WHY[kind])
        elif torch_exc is not None:
            same(id_, mk, call, torch_exc)
        elif ours_type is not None:
            stricter(id_, mk, call, ours_type, f"fastinit does not fill {kind} targets")
        else:
            both_ok(id_, mk, call)

# ---- layouts: dimensions, modes, nonlinearities ----------------------------------

E44 = empty(4, 4)
for name, shape in (("xavier_uniform_", (4,)), ("xavier_normal_", ()),
                    ("kaiming_uniform_", (4,)), ("kaiming_normal_", (4,)),
                    ("orthogonal_", (4,)), ("orthogonal_", ()), ("orthogonal_", (0,)),
                    ("sparse_", (4,)), ("sparse_", (4, 4, 4)), ("eye_", (4,)),
                    ("eye_", (4, 4, 4)), ("dirac_", (4, 4)), ("dirac_", (2, 2, 1, 1, 1, 1)),
                    ("xavier_uniform_", (0,))):
    same(f"{name}-shape{shape}", empty(*shape), fn(name, *EXTRA.get(name, ())), ValueError)
same("fans-1d", empty(4), fans, ValueError)
same("fans-0d", empty(), fans, ValueError)
divergent("fans-list", lambda: [[1.0]], fans, AttributeError, TypeError, _WHY["list"])
divergent("normal_-None", lambda: None, fn("normal_"), AttributeError, TypeError,
          _WHY["list"])
same("dirac_-groups-not-dividing", empty(4, 4, 3), fn("dirac_", groups=3), ValueError)
for name in ("kaiming_uniform_", "kaiming_normal_"):
    same(f"{name}-mode-bad", E44, fn(name, mode="fan_sideways"), ValueError)
    same(f"{name}-nonlinearity-bad", E44, fn(name, nonlinearity="softplus"), ValueError)
same("kaiming_uniform_-mode-bad-1d", empty(4), fn("kaiming_uniform_", mode="bad"),
     ValueError)
same("kaiming_uniform_-mode-bad-meta", empty(4, 4, device="meta"),
     fn("kaiming_uniform_", mode="bad"), ValueError)
same("kaiming_uniform_-nonlinearity-None", E44,
     fn("kaiming_uniform_", nonlinearity=None), ValueError)
both_ok("kaiming_uniform_-mode-FAN_IN", E44, fn("kaiming_uniform_", mode="FAN_IN"))
both_ok("kaiming_uniform_-zero-element-bad-nonlinearity", empty(0, 4),
        fn("kaiming_uniform_", nonlinearity="bad"))
for mode in (None, 1):
    divergent(f"kaiming_uniform_-mode-{mode}", E44, fn("kaiming_uniform_", mode=mode),
              AttributeError, ValueError,
              "torch calls mode.lower() (AttributeError); fastinit: 'Mode None not "
              "supported'")
for nl in ("bad", None, 5, "ReLU"):
    same(f"calculate_gain-{nl}", E44, gain(nl), ValueError)
for param in ("x", True, np.float32(0.2), torch.tensor(0.2)):
    same(f"calculate_gain-leaky_relu-{param!r}", E44, gain("leaky_relu", param), ValueError)
both_ok("calculate_gain-leaky_relu-nan", E44, gain("leaky_relu", math.nan))
both_ok("calculate_gain-relu-param-ignored", E44, gain("relu", "x"))
for param, label in ((1e200, "1e200"), (10**400, "10**400")):
    same(f"calculate_gain-leaky_relu-{label}", E44, gain("leaky_relu", param), OverflowError)

# ---- argument values ------------------------------------------------------------

F16, BF16 = empty(4, dtype=torch.float16), empty(4, dtype=torch.bfloat16)
META = empty(4, 4, device="meta")
for std, exc in ((-1.0, RuntimeError), (math.nan, RuntimeError), ("x", TypeError),
                 (None, TypeError), (10**400, OverflowError)):
    same(f"normal_-std-{std!r}", E44, fn("normal_", std=std), exc)
same("normal_-std-negative-zero-element", empty(0), fn("normal_", std=-1.0), RuntimeError)
same("normal_-std-negative-meta", META, fn("normal_", std=-1.0), RuntimeError)
same("normal_-mean-10**400", E44, fn("normal_", mean=10**400), OverflowError)
same("normal_-generator-str", E44, fn("normal_", generator="bad"), TypeError)
for kw, ours, why in ((dict(std=math.inf), RuntimeValueError, "infinite values"),
                      (dict(mean=math.nan), ValueError, "NaN values"),
                      (dict(mean=math.inf), ValueError, "infinite values"),
                      (dict(std=True), TypeError, "a bool is not a number")):
    stricter(f"normal_-{kw}", E44, fn("normal_", **kw), ours, why)
# one-element tensors are numbers to both (torch's numel, NumPy's size)
both_ok("normal_-std-0d-tensor", E44, fn("normal_", std=torch.tensor(2.0)))
looser("normal_-mean-1-element-tensor", E44, fn("normal_", mean=torch.tensor([0.5])),
       TypeError, "fastinit takes any one-element array as a number, as NumPy does")
same("normal_-std-2-element-tensor", E44, fn("normal_", std=torch.tensor([1.0, 2.0])),
     TypeError)
stricter("normal_-std-1e5-float16", F16, fn("normal_", std=1e5), ValueError,
         "values beyond float16's range")
stricter("normal_-mean-1e5-float16", F16, fn("normal_", mean=1e5), RuntimeValueError,
         "a mean beyond float16's range")

for (a, b), exc in (((1.0, 0.0), RuntimeError), ((math.nan, 1.0), RuntimeError),
                    ((0.0, math.inf), RuntimeError), ((-3e38, 3e38), RuntimeError),
                    ((0.0, 1e300), RuntimeError), (("x", 1.0), TypeError),
                    ((None, 1.0), TypeError), ((1j, 2.0), TypeError),
                    ((0, 10**400), OverflowError)):
    same(f"uniform_-{a!r}-{b!r}", E44, fn("uniform_", a, b), exc)
same("uniform_-a>b-zero-element", empty(0), fn("uniform_", 1.0, 0.0), RuntimeError)
same("uniform_-bound-outside-float16", F16, fn("uniform_", -1e5, 1e5), RuntimeError)
same("uniform_-bound-outside-bfloat16", BF16, fn("uniform_", 0.0, 1e39), RuntimeError)
both_ok("uniform_-a==b", E44, fn("uniform_", 1.0, 1.0))
stricter("uniform_-a>b-meta", META, fn("uniform_", 1.0, 0.0), RuntimeValueError,
         "arguments are checked on meta tensors too")

for kw, exc in ((dict(a=2.0, b=-2.0), RuntimeError), (dict(a=math.nan), RuntimeError),
                (dict(b=math.nan), RuntimeError), (dict(a=math.inf, b=math.inf), RuntimeError),
                (dict(std=-1.0, a=1.0, b=0.0), RuntimeError), (dict(a="x"), TypeError)):
    same(f"trunc_normal_-{kw}", E44, fn("trunc_normal_", **kw), exc)
same("trunc_normal_-a>b-zero-element", empty(0), fn("trunc_normal_", a=2.0, b=-2.0),
     RuntimeError)
both_ok("trunc_normal_-infinite-bounds", E44, fn("trunc_normal_", a=-math.inf, b=math.inf))
for kw in (dict(a=1.0, b=1.0), dict(std=-1.0), dict(std=math.nan), dict(std=math.inf),
           dict(mean=math.nan), dict(mean=math.inf)):
    stricter(f"trunc_normal_-{kw}", E44, fn("trunc_normal_", **kw), RuntimeValueError,
             "an empty interval, or a law that is not one")
stricter("trunc_normal_-no-float16-in-[a,b]", F16,
         fn("trunc_normal_", mean=1.5e5, a=1e5, b=2e5), ValueError,
         "no float16 value lies in [a, b]")
looser("trunc_normal_-std-0", E44, fn("trunc_normal_", std=0.0), ZeroDivisionError,
       "fastinit fills the limit, the point of [a, b] nearest the mean")

for val, make, exc in ((1e10, F16, RuntimeError), (1e300, E44, RuntimeError),
                       (1e300, BF16, RuntimeError), ("x", E44, TypeError),
                       (None, E44, TypeError), (10**400, E44, OverflowError)):
    same(f"constant_-{val!r}-{make().dtype}", make, fn("constant_", val), exc)
both_ok("constant_-0d-tensor", E44, fn("constant_", torch.tensor(1.0)))
for val, ours in ((math.nan, ValueError), (math.inf, ValueError), (True, TypeError)):
    stricter(f"constant_-{val!r}", E44, fn("constant_", val), ours,
             "a fill value that is not a finite real number")
divergent("constant_-complex", E44, fn("constant_", 1j), RuntimeError, TypeError,
          "torch: 'value cannot be converted to type float without overflow'; a complex "
          "value is a type error")

for name in ("xavier_uniform_", "xavier_normal_"):
    for g, exc in ((math.nan, RuntimeError), (-1.0, RuntimeError), ("x", TypeError),
                   (None, TypeError)):
        same(f"{name}-gain-{g!r}", E44, fn(name, gain=g), exc)
same("xavier_uniform_-gain-inf", E44, fn("xavier_uniform_", gain=math.inf), RuntimeError)
same("xavier_uniform_-gain-1e300", E44, fn("xavier_uniform_", gain=1e300), RuntimeError)
stricter("xavier_normal_-gain-inf", E44, fn("xavier_normal_", gain=math.inf),
         RuntimeValueError, "infinite values")
stricter("xavier_uniform_-gain-True", E44, fn("xavier_uniform_", gain=True), TypeError,
         "a bool is not a number")
both_ok("xavier_uniform_-zero-element", empty(0, 4), fn("xavier_uniform_"))

for name in ("kaiming_uniform_", "kaiming_normal_"):
    same(f"{name}-a-nan", E44, fn(name, a=math.nan), RuntimeError)
    for a in ("x", True):
        same(f"{name}-a-{a!r}", E44, fn(name, a=a), ValueError)
    for a, label in ((1e200, "1e200"), (10**400, "10**400")):
        same(f"{name}-a-{label}", E44, fn(name, a=a), OverflowError)
    both_ok(f"{name}-a-None", E44, fn(name, a=None))
stricter("kaiming_uniform_-a-inf", E44, fn("kaiming_uniform_", a=math.inf),
         RuntimeValueError, "a slope that is not finite")
stricter("kaiming_uniform_-relu-a-str", E44,
         fn("kaiming_uniform_", a="x", nonlinearity="relu"), TypeError,
         "a is checked whatever the nonlinearity")

for g, exc in (("x", TypeError), (None, TypeError)):
    same(f"orthogonal_-gain-{g!r}", E44, fn("orthogonal_", gain=g), exc)
for g, ours in ((math.nan, ValueError), (math.inf, ValueError), (True, TypeError)):
    stricter(f"orthogonal_-gain-{g!r}", E44, fn("orthogonal_", gain=g), ours,
             "a gain that is not a finite real number")
both_ok("orthogonal_-zero-element", empty(0, 4), fn("orthogonal_"))

for s, exc in ((math.nan, ValueError), ("x", TypeError), (None, TypeError)):
    same(f"sparse_-sparsity-{s!r}", E44, fn("sparse_", s), exc)
for kw in (dict(std=-1.0), dict(std=math.nan)):
    same(f"sparse_-{kw}", E44, fn("sparse_", 0.1, **kw), RuntimeError)
same("sparse_-sparsity-1-std-negative", E44, fn("sparse_", 1.0, std=-1.0), RuntimeError)
for s in (-0.1, 1.5):
    stricter(f"sparse_-sparsity-{s}", E44, fn("sparse_", s), ValueError,
             "a sparsity outside [0, 1]")
both_ok("sparse_-sparsity-1", E44, fn("sparse_", 1.0))

E443 = empty(4, 4, 3)
for g, exc in ((2.0, TypeError), ("x", TypeError), (None, TypeError)):
    same(f"dirac_-groups-{g!r}", E443, fn("dirac_", groups=g), exc)
both_ok("dirac_-groups-np.int64", E443, fn("dirac_", groups=np.int64(2)))
stricter("dirac_-groups--1", E443, fn("dirac_", groups=-1), ValueError,
         "a negative group count")
stricter("dirac_-groups-True", E443, fn("dirac_", groups=True), TypeError,
         "a bool is not a count")
divergent("dirac_-groups-0", E443, fn("dirac_", groups=0), ZeroDivisionError, ValueError,
          "torch divides by groups unchecked; fastinit: 'groups must be a positive int'")
looser("dirac_-zero-size-kernel", empty(4, 4, 0), fn("dirac_"), IndexError,
       "zero-element targets are a no-op in fastinit")

# ---- seeds and views -------------------------------------------------------------

for name, kw in (("normal_", dict(generator=5)), ("trunc_normal_", dict(generator=5)),
                 ("uniform_", dict(generator=np.random.default_rng(0)))):
    looser(f"{name}-generator-{type(kw['generator']).__name__}", E44, fn(name, **kw),
           TypeError, "fastinit's generator= also takes seeds and NumPy generators")
stricter("normal_-as_strided-overlap", lambda: torch.zeros(10).as_strided((4, 4), (1, 1)),
         fn("normal_"), RuntimeValueError,
         "torch cannot tell (MemOverlap::TooHard) and writes; fastinit refuses overlaps")
same("xavier_uniform_-expanded-row", lambda: torch.zeros(4, 1).expand(4, 4),
     fn("xavier_uniform_"), RuntimeError)


# ---- the comparison --------------------------------------------------------------

def _run(lib, make, call):
    """(exception or None, warning messages) of call(lib, a fresh target)."""
    target = make()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call(lib, target)
        except Exception as e:      # noqa: BLE001 - the type is the point
            return e, target, caught
    return None, target, caught


def _snapshot(t):
    """The bytes of a dense CPU tensor (None for other targets)."""
    if isinstance(t, torch.Tensor) and t.layout == torch.strided and not t.is_nested \
            and t.device.type == "cpu":
        return t.detach().clone().contiguous().reshape(-1).view(torch.uint8)
    return None


@pytest.mark.parametrize("kind,make,call,torch_exc,ours,why", CASES)
def test_error_types_match_torch(kind, make, call, torch_exc, ours, why):
    theirs, _, _ = _run(tinit, make, call)
    target = make()
    before = _snapshot(target)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(fastinit, target)
            mine = None
        except Exception as e:      # noqa: BLE001
            mine = e
    # torch's own behaviour, as recorded
    if torch_exc is None:
        assert theirs is None, f"torch now raises {type(theirs).__name__}: {theirs} ({why})"
    else:
        assert type(theirs) is torch_exc, f"torch raised {theirs!r}, not {torch_exc.__name__}"
    # fastinit's
    if kind == "same":
        assert isinstance(mine, type(theirs)), \
            f"fastinit raised {mine!r}; except {type(theirs).__name__} would not catch it"
        assert isinstance(mine, (TypeError, ValueError)), mine
    elif kind in ("stricter", "divergent"):
        assert isinstance(mine, ours) and isinstance(mine, (TypeError, ValueError)), \
            f"fastinit raised {mine!r}, not {ours.__name__} ({why})"
    else:   # ok, looser
        assert mine is None, f"fastinit raised {mine!r} ({why})"
    if mine is not None and before is not None:   # a refusal writes nothing
        assert torch.equal(_snapshot(target), before)


def test_inference_tensor_is_a_runtime_error_naming_the_argument():
    with torch.inference_mode():
        t = torch.zeros(3, 3)
    with pytest.raises(RuntimeError, match="tensor is an inference tensor .* not allowed.*"
                                           "allowed: fill it inside torch.inference_mode"):
        fastinit.normal_(t, rng=0)
    with pytest.raises(RuntimeError, match="bias is an inference tensor"):
        fastinit.torch_default_init_(torch.zeros(3, 3), t)
    with pytest.raises(ValueError):     # still a ValueError, fastinit's bad-input type
        fastinit.zeros_(t)
    with torch.inference_mode():
        assert fastinit.normal_(t, rng=0) is t   # inside inference mode it fills


def test_the_classes_are_both_types():
    assert issubclass(RuntimeValueError, RuntimeError) and issubclass(RuntimeValueError,
                                                                      ValueError)
    assert issubclass(UnsupportedTensorError, NotImplementedError)
    assert issubclass(UnsupportedTensorError, TypeError)
    assert issubclass(ValueOverflowError, OverflowError)
    assert issubclass(ValueOverflowError, ValueError)


@pytest.mark.parametrize("name", FNS)
def test_zero_element_tensors_warn_like_torch_and_pass(name):
    """Zero-element targets: neither raises; kaiming_* warn 'Initializing
    zero-element tensors is a no-op' in both, the others warn in neither."""
    make = lambda: torch.empty((0,) + _shape(name)[1:])     # noqa: E731
    call = fn(name, *EXTRA.get(name, ()))
    theirs, _, w_theirs = _run(tinit, make, call)
    mine, _, w_mine = _run(fastinit, make, call)
    assert theirs is None and mine is None
    assert [str(w.message) for w in w_mine] == [str(w.message) for w in w_theirs]


@pytest.mark.parametrize("name", FNS)
def test_requires_grad_leaves_are_filled_as_under_no_grad(name):
    """torch.nn.init writes under no_grad: a requires_grad leaf stays a leaf that
    requires grad, with no grad_fn; fastinit's write leaves it the same."""
    for lib in (tinit, fastinit):
        t = torch.zeros(_shape(name), requires_grad=True)
        out = fn(name, *EXTRA.get(name, ()))(lib, t)
        assert out is t and t.is_leaf and t.requires_grad and t.grad_fn is None
        if name != "zeros_":
            assert t.detach().abs().sum() > 0


def test_patch_still_defers_refused_calls_to_torch():
    """fastinit.torch.patch sends what fastinit refuses (TypeError / ValueError)
    to torch's own function: the new classes are still caught there."""
    import fastinit.torch as ft
    with torch.inference_mode():
        t = torch.zeros(3, 3)
    with ft.patch():
        with pytest.raises(RuntimeError, match="Inplace update to inference tensor"):
            torch.nn.init.normal_(t)                         # torch's own error
        with pytest.raises(NotImplementedError):
            torch.nn.init.normal_(torch.zeros(3, dtype=torch.int32))
        assert torch.nn.init.zeros_(torch.ones(3, dtype=torch.int32)).sum() == 0
        with pytest.raises(RuntimeError, match="std >= 0.0"):
            torch.nn.init.normal_(torch.zeros(3), std=-1.0)
