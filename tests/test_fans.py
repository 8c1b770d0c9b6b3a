"""calculate_fan_in_and_fan_out and calculate_gain."""
import math

import numpy as np
import pytest

import fastinit
from fastinit import _fans


@pytest.mark.parametrize("shape,fans", [
    ((5, 3), (3, 5)), ((64, 3, 7, 7), (147, 3136)), ((8, 4, 3), (12, 24)),
    ((2, 3, 4, 5, 6), (360, 240)), ((0, 7), (7, 0)),
])
def test_torch_layout(shape, fans):
    assert fastinit.calculate_fan_in_and_fan_out(shape) == fans
    assert fastinit.calculate_fan_in_and_fan_out(np.empty(shape, np.float32)) == fans


def test_other_layouts():
    # JAX/Flax HWIO conv kernel and a Keras dense kernel (in, out)
    assert fastinit.calculate_fan_in_and_fan_out((3, 3, 16, 32), in_axis=-2, out_axis=-1) \
        == (144, 288)
    assert fastinit.calculate_fan_in_and_fan_out((100, 10), in_axis=0, out_axis=1) == (100, 10)
    # stacked weights: the batch axis is not part of the receptive field
    assert fastinit.calculate_fan_in_and_fan_out((4, 100, 10), in_axis=-2, out_axis=-1,
                                                 batch_axis=0) == (100, 10)
    assert fastinit.calculate_fan_in_and_fan_out((4, 100, 10, 3), in_axis=1, out_axis=2,
                                                 batch_axis=(0,)) == (300, 30)


def test_fan_errors():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fastinit.calculate_fan_in_and_fan_out((5,))
    with pytest.raises(ValueError, match="out of range"):
        fastinit.calculate_fan_in_and_fan_out((5, 3), in_axis=2)
    with pytest.raises(ValueError, match="must differ"):
        fastinit.calculate_fan_in_and_fan_out((5, 3), in_axis=0, out_axis=0)
    with pytest.raises(ValueError, match="overlaps"):
        fastinit.calculate_fan_in_and_fan_out((5, 3, 2), batch_axis=1)
    with pytest.raises(TypeError, match="in_axis must be an int"):
        fastinit.calculate_fan_in_and_fan_out((5, 3), in_axis=1.0)


TORCH_TABLE = {
    "linear": 1, "conv1d": 1, "conv2d": 1, "conv3d": 1, "conv_transpose1d": 1,
    "conv_transpose2d": 1, "conv_transpose3d": 1, "sigmoid": 1, "tanh": 5.0 / 3,
    "relu": math.sqrt(2.0), "leaky_relu": math.sqrt(2.0 / (1 + 0.01 ** 2)), "selu": 0.75,
}


@pytest.mark.parametrize("name", sorted(TORCH_TABLE))
def test_torch_gain_table(name):
    assert fastinit.calculate_gain(name) == TORCH_TABLE[name]


def test_leaky_relu_param_and_errors():
    assert fastinit.calculate_gain("leaky_relu", 0.2) == math.sqrt(2.0 / (1 + 0.2 ** 2))
    assert fastinit.calculate_gain("leaky_relu", 0) == math.sqrt(2.0)
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        fastinit.calculate_gain("leaky_relu", True)
    with pytest.raises(ValueError, match="negative_slope abc not a valid number"):
        fastinit.calculate_gain("leaky_relu", "abc")
    with pytest.raises(ValueError, match="Unsupported nonlinearity softplus.*relu.*gelu"):
        fastinit.calculate_gain("softplus")


def test_variance_preserving_formula_gives_relu_and_leaky_relu():
    """1/sqrt(E[phi(z)^2]) reproduces torch's relu and leaky_relu gains."""
    assert abs(_fans._computed_gain("relu", None) - math.sqrt(2)) < 1e-12
    g = _fans.variance_preserving_gain(lambda z: z if z > 0 else 0.2 * z)
    assert abs(g - fastinit.calculate_gain("leaky_relu", 0.2)) < 1e-12
    assert abs(_fans.variance_preserving_gain(lambda z: z) - 1.0) < 1e-12


@pytest.mark.parametrize("name,phi", [
    ("gelu", lambda z: z * 0.5 * (1 + _erf(z / math.sqrt(2)))),
    ("silu", lambda z: z / (1 + np.exp(-z))),
    ("elu", lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0)))),
])
def test_computed_gains_against_monte_carlo(name, phi):
    z = np.random.default_rng(0).standard_normal(4_000_000)
    second = phi(z) ** 2
    est = second.mean()
    se = second.std() / math.sqrt(z.size)
    g = fastinit.calculate_gain(name)
    assert abs(1 / g ** 2 - est) < 6 * se


def _erf(x):
    from scipy.special import erf
    return erf(x)


def test_elu_alpha_and_swish_alias():
    assert fastinit.calculate_gain("swish") == fastinit.calculate_gain("silu")
    g1, g2 = fastinit.calculate_gain("elu"), fastinit.calculate_gain("elu", 0.5)
    assert g2 > g1  # smaller negative part: less variance, larger gain
    assert fastinit.calculate_gain("elu", 1.0) == g1


@pytest.mark.parametrize("shape,kw", [
    ((64, 3, 7, 7), {}), ((3, 3, 16, 32), {"in_axis": -2, "out_axis": -1}),
    ((8, 4, 5, 6), {"batch_axis": (0,), "in_axis": 2, "out_axis": 1}),
    ((8, 4, 5), {"batch_axis": 0, "in_axis": 2, "out_axis": 1}),
    ((5, 0, 3), {}), ((4, 4), {"batch_axis": [], "in_axis": np.int64(0), "out_axis": 1})])
def test_remembered_fans_equal_computed_ones(shape, kw):
    """Plain int arguments go through a cache of the fans, other ones (NumPy
    ints, lists) are computed: both give the same answer, and a cached
    shape is a cache hit."""
    _fans._fans_cached.cache_clear()
    plain = dict(kw)
    got = fastinit.calculate_fan_in_and_fan_out(shape, **plain)
    assert got == _fans._fans(shape, plain.get("in_axis", 1), plain.get("out_axis", 0),
                              plain.get("batch_axis", ()))
    assert fastinit.calculate_fan_in_and_fan_out(np.empty(shape), **plain) == got
    cacheable = (type(kw.get("batch_axis", ())) is tuple
                 and all(type(kw.get(k, 0)) is int for k in ("in_axis", "out_axis")))
    assert _fans._fans_cached.cache_info().hits == (1 if cacheable else 0)


def test_remembered_gains_keep_types_apart():
    """The gain cache is typed: after leaky_relu with slope 1 is remembered,
    slope True is still refused (as torch refuses it) and 1.0 is computed."""
    assert fastinit.calculate_gain("leaky_relu", 1) == math.sqrt(2.0 / 2)
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        fastinit.calculate_gain("leaky_relu", True)
    assert fastinit.calculate_gain("leaky_relu", 1.0) == math.sqrt(2.0 / 2)
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        fastinit.calculate_gain("bogus")
