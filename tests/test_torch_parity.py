"""Drop-in compatibility with torch.nn.init: signatures, formulas, errors, tensors."""
import inspect
import math
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.init as tinit  # noqa: E402

import fastinit  # noqa: E402
from fastinit import schemes, truncated  # noqa: E402

# torch names fastinit does not provide (none).
PENDING = set()


def torch_public_inplace():
    return sorted(n for n, f in vars(tinit).items()
                  if n.endswith("_") and not n.startswith("_") and inspect.isfunction(f))


def test_torch_names_are_all_provided():
    missing = [n for n in torch_public_inplace() if not hasattr(fastinit, n)]
    assert set(missing) <= PENDING, missing


@pytest.mark.parametrize("name", torch_public_inplace())
def test_signature_matches_torch(name):
    if not hasattr(fastinit, name):
        pytest.skip(f"{name} is provided by another module")
    theirs = list(inspect.signature(getattr(tinit, name)).parameters.values())
    ours = list(inspect.signature(getattr(fastinit, name)).parameters.values())
    assert len(ours) >= len(theirs)
    for t, o in zip(theirs, ours):
        assert (o.name, o.kind, o.default) == (t.name, t.kind, t.default), (name, o, t)
    for o in ours[len(theirs):]:
        assert o.kind is inspect.Parameter.KEYWORD_ONLY, (name, o)


SHAPES = [(5, 3), (64, 32), (16, 8, 3, 3), (10, 7, 5), (2, 3, 4, 5, 6), (1, 1)]


@pytest.mark.parametrize("shape", SHAPES)
def test_fans_match_torch(shape):
    assert fastinit.calculate_fan_in_and_fan_out(shape) == \
        tinit._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("name,param", [
    (n, None) for n in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                        "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu",
                        "leaky_relu", "selu")] + [("leaky_relu", p) for p in (0, 0.2, 1, 3.5)])
def test_gain_matches_torch(name, param):
    ours, theirs = fastinit.calculate_gain(name, param), tinit.calculate_gain(name, param)
    assert ours == theirs and type(ours) is type(theirs)


class Capture:
    """Record the scalars a scheme hands to its fill: (low, high) of the
    uniform or (mean, std) of the normal, as the scheme core passes them to
    the fills' parameter functions."""

    def __init__(self, monkeypatch):
        self.args = None
        for params in ("uniform_params", "normal_params"):
            monkeypatch.setattr(schemes, params, self.recorder(getattr(schemes, params)))

    def recorder(self, fn):
        def record(*args):
            self.args = args
            return fn(*args)
        return record


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("gain", [1.0, 0.3, 5 / 3])
def test_xavier_formulas_match_torch(shape, gain, monkeypatch):
    t = torch.empty(shape)
    fan_in, fan_out = tinit._calculate_fan_in_and_fan_out(t)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    cap = Capture(monkeypatch)
    fastinit.xavier_uniform_(t, gain)
    assert abs(cap.args[1] - math.sqrt(3.0) * std) <= 1e-12 * std and cap.args[0] == -cap.args[1]
    fastinit.xavier_normal_(t, gain)
    assert abs(cap.args[1] - std) <= 1e-12 * std


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
@pytest.mark.parametrize("nonlinearity,a", [("leaky_relu", 0), ("leaky_relu", math.sqrt(5)),
                                            ("leaky_relu", 0.2), ("relu", 0), ("tanh", 0),
                                            ("selu", 0), ("linear", 0), ("sigmoid", 0)])
def test_kaiming_formulas_match_torch(shape, mode, nonlinearity, a, monkeypatch):
    t = torch.empty(shape)
    fan = tinit._calculate_correct_fan(t, mode)
    std = tinit.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    cap = Capture(monkeypatch)
    fastinit.kaiming_uniform_(t, a, mode, nonlinearity)
    assert abs(cap.args[1] - math.sqrt(3.0) * std) <= 1e-12 * std
    fastinit.kaiming_normal_(t, a, mode, nonlinearity)
    assert abs(cap.args[1] - std) <= 1e-12 * std


@pytest.mark.parametrize("fn,stat", [
    ("kaiming_uniform_", "max"), ("xavier_uniform_", "max"),
    ("kaiming_normal_", "std"), ("xavier_normal_", "std")])
def test_filled_tensors_agree_with_torch(fn, stat):
    """Loose, empirical: fill big tensors with both libraries and compare."""
    shape = (2048, 512)
    ours = getattr(fastinit, fn)(torch.empty(shape), rng=0)
    theirs = getattr(tinit, fn)(torch.empty(shape), generator=torch.Generator().manual_seed(0))
    if stat == "max":
        assert abs(ours.abs().max().item() / theirs.abs().max().item() - 1) < 1e-3
    else:
        assert abs(ours.std().item() / theirs.std().item() - 1) < 6 * math.sqrt(2 / ours.numel())


def test_fills_torch_tensors_and_parameters_in_place():
    p = torch.nn.Parameter(torch.zeros(64, 32))
    out = fastinit.kaiming_uniform_(p, a=math.sqrt(5), rng=1)
    assert out is p and p.requires_grad and p.abs().sum() > 0
    ref = fastinit.kaiming_uniform_(np.empty((64, 32), np.float32), a=math.sqrt(5), rng=1)
    assert np.array_equal(p.detach().numpy(), ref)
    for dt in (torch.float16, torch.float32, torch.float64):
        t = torch.zeros(100, 20, dtype=dt)
        for f in (fastinit.xavier_normal_, fastinit.trunc_normal_, fastinit.lecun_uniform_,
                  fastinit.variance_scaling_, fastinit.eye_):
            assert f(t) is t
    lin = torch.nn.Linear(16, 8)
    w, b = fastinit.torch_default_init_(lin.weight, lin.bias, rng=3)
    assert w is lin.weight and b is lin.bias
    assert lin.weight.abs().max() <= 1 / 4 and lin.bias.abs().max() <= 1 / 4


def test_torch_generator_is_accepted_and_reproducible():
    a = fastinit.kaiming_normal_(torch.empty(50, 40), generator=torch.Generator().manual_seed(5))
    b = fastinit.kaiming_normal_(torch.empty(50, 40), generator=torch.Generator().manual_seed(5))
    assert torch.equal(a, b)
    c = fastinit.trunc_normal_(torch.empty(1000), 0, 1, 8, 9,
                               generator=torch.Generator().manual_seed(5))
    assert c.min() >= 8 and c.max() <= 9


def test_trunc_normal_agrees_with_torch():
    from scipy import stats
    ours = fastinit.trunc_normal_(torch.empty(200_000, dtype=torch.float64), 0.5, 2.0, -1, 3,
                                  rng=0).numpy()
    theirs = tinit.trunc_normal_(torch.empty(200_000, dtype=torch.float64), 0.5, 2.0, -1, 3,
                                 generator=torch.Generator().manual_seed(0)).numpy()
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-6


def test_structured_match_torch():
    for shape in ((3, 3), (2, 5), (5, 2)):
        assert torch.equal(fastinit.eye_(torch.empty(shape)), tinit.eye_(torch.empty(shape)))
    for shape, groups in (((4, 4, 3), 1), ((6, 3, 3, 3), 1), ((4, 2, 3, 3), 2),
                          ((2, 4, 5, 5, 5), 1), ((8, 2, 2, 2), 4)):
        assert torch.equal(fastinit.dirac_(torch.empty(shape), groups),
                           tinit.dirac_(torch.empty(shape), groups))
    ours = fastinit.sparse_(torch.empty(50, 30), 0.3, rng=0)
    theirs = tinit.sparse_(torch.empty(50, 30), 0.3)
    assert torch.equal((ours == 0).sum(0), (theirs == 0).sum(0))


def message(fn, *args, **kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **kwargs)
    except (ValueError, TypeError) as e:
        return type(e), str(e)
    return None


@pytest.mark.parametrize("name,args,kwargs", [
    ("kaiming_uniform_", ((4, 4),), {"mode": "fan_avg"}),
    ("kaiming_normal_", ((4, 4),), {"mode": "bogus"}),
    ("xavier_uniform_", ((4,),), {}),
    ("kaiming_normal_", ((4,),), {}),
    ("eye_", ((2, 2, 2),), {}),
    ("dirac_", ((2, 2),), {}),
    ("dirac_", ((3, 2, 3),), {"groups": 2}),
    ("sparse_", ((2, 2, 2), 0.1), {}),
])
def test_error_messages_match_torch(name, args, kwargs):
    shape, rest = args[0], args[1:]
    ours = message(getattr(fastinit, name), torch.empty(shape), *rest, **kwargs)
    theirs = message(getattr(tinit, name), torch.empty(shape), *rest, **kwargs)
    assert theirs is not None and ours == theirs


def test_gain_error_messages_match_torch():
    assert message(fastinit.calculate_gain, "leaky_relu", True) == \
        message(tinit.calculate_gain, "leaky_relu", True)
    ours = message(fastinit.calculate_gain, "softplus")
    theirs = message(tinit.calculate_gain, "softplus")
    assert ours[0] is theirs[0] and ours[1].startswith(theirs[1])  # plus the allowed list


def test_zero_element_warning_matches_torch():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        fastinit.kaiming_normal_(torch.empty(0, 3))
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        tinit.kaiming_normal_(torch.empty(0, 3))


def test_trunc_normal_method_for_torch_default():
    # torch's default trunc_normal_ interval (-2, 2) at std 1 uses the ziggurat
    # of the normal truncated to [-2, 2]; with std=0.02 (the bounds 100 std
    # away, timm's call) normal rejection, that is normal_'s values
    assert truncated._choose(-2.0, 2.0, 4.0)[::3] == (truncated.ZIGGURAT, 2.0)
    assert truncated._choose(-100.0, 100.0, 200.0)[0] == truncated.NORMAL
