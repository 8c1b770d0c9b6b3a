"""Xavier/Glorot, Kaiming/He, LeCun and variance_scaling: each is its fill
with one scalar computed from the fans, bit for bit."""
import math
import warnings

import numpy as np
import pytest

import fastinit

SHAPES = [(64, 32), (16, 8, 3, 3), (10, 7, 5), (3, 200)]


def same(a, b):
    return a.dtype == b.dtype and np.array_equal(a, b)


def fans(shape):
    rf = math.prod(shape[2:])
    return shape[1] * rf, shape[0] * rf


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("gain", [1.0, 0.5, 5 / 3])
def test_xavier(shape, gain):
    fi, fo = fans(shape)
    std = gain * math.sqrt(2.0 / (fi + fo))
    bound = math.sqrt(3.0) * std
    got = fastinit.xavier_uniform_(np.empty(shape, np.float32), gain, rng=1)
    assert same(got, fastinit.uniform_(np.empty(shape, np.float32), -bound, bound, rng=1))
    got = fastinit.xavier_normal_(np.empty(shape, np.float32), gain, rng=1)
    assert same(got, fastinit.normal_(np.empty(shape, np.float32), 0.0, std, rng=1))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "FAN_IN"])
@pytest.mark.parametrize("nonlinearity,a", [("leaky_relu", 0), ("leaky_relu", math.sqrt(5)),
                                            ("relu", 0), ("tanh", 0), ("linear", 0),
                                            ("selu", 0), ("gelu", 0)])
def test_kaiming(shape, mode, nonlinearity, a):
    fan = fans(shape)[0 if mode.lower() == "fan_in" else 1]
    std = fastinit.calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    got = fastinit.kaiming_uniform_(np.empty(shape), a, mode, nonlinearity, rng=2)
    assert same(got, fastinit.uniform_(np.empty(shape), -bound, bound, rng=2))
    got = fastinit.kaiming_normal_(np.empty(shape), a, mode, nonlinearity, rng=2)
    assert same(got, fastinit.normal_(np.empty(shape), 0.0, std, rng=2))


@pytest.mark.parametrize("shape", SHAPES)
def test_lecun(shape):
    fi = fans(shape)[0]
    got = fastinit.lecun_uniform_(np.empty(shape, np.float32), rng=3)
    b = math.sqrt(3.0 / fi)
    assert same(got, fastinit.uniform_(np.empty(shape, np.float32), -b, b, rng=3))
    got = fastinit.lecun_normal_(np.empty(shape, np.float32), rng=3)
    assert same(got, fastinit.normal_(np.empty(shape, np.float32), 0.0, 1 / math.sqrt(fi),
                                      rng=3))
    # the same values as torch's SELU advice: kaiming_normal_ with 'linear'
    assert same(got, fastinit.kaiming_normal_(np.empty(shape, np.float32),
                                              nonlinearity="linear", rng=3))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg", "fan_geo_avg"])
@pytest.mark.parametrize("scale", [1.0, 2.0, 0.1])
def test_variance_scaling_formulas(shape, mode, scale):
    fi, fo = fans(shape)
    n = {"fan_in": fi, "fan_out": fo, "fan_avg": (fi + fo) / 2,
         "fan_geo_avg": math.sqrt(fi * fo)}[mode]
    v = scale / n
    kw = dict(rng=4)
    got = fastinit.variance_scaling_(np.empty(shape), scale, mode, "uniform", **kw)
    lim = math.sqrt(3 * v)
    assert same(got, fastinit.uniform_(np.empty(shape), -lim, lim, **kw))
    for dist in ("normal", "untruncated_normal"):
        got = fastinit.variance_scaling_(np.empty(shape), scale, mode, dist, **kw)
        assert same(got, fastinit.normal_(np.empty(shape), 0.0, math.sqrt(v), **kw))
    got = fastinit.variance_scaling_(np.empty(shape), scale, mode, "truncated_normal", **kw)
    s = math.sqrt(v) / 0.87962566103423978
    assert same(got, fastinit.trunc_normal_(np.empty(shape), 0.0, s, -2 * s, 2 * s, **kw))


def test_variance_scaling_truncated_has_the_requested_variance():
    w = fastinit.variance_scaling(
        (1000, 1000), 2.0, "fan_in", "truncated_normal", rng=0, dtype="float64")
    v = 2.0 / 1000
    # truncated to +-2 sigma: variance of the sample variance from the 4th moment
    assert abs(w.var() - v) < 6 * v * math.sqrt(1.2 / w.size)
    assert np.abs(w).max() <= 2 * math.sqrt(v) / 0.87962566103423978


def test_statistics_of_he_normal():
    w = fastinit.he_normal((2048, 1024), nonlinearity="relu", rng=1)
    assert abs(w.std() - math.sqrt(2 / 1024)) < 6 * math.sqrt(2 / 1024) / math.sqrt(2 * w.size)


def test_aliases_are_the_functions():
    assert fastinit.glorot_uniform_ is fastinit.xavier_uniform_
    assert fastinit.glorot_normal_ is fastinit.xavier_normal_
    assert fastinit.he_uniform_ is fastinit.kaiming_uniform_
    assert fastinit.he_normal_ is fastinit.kaiming_normal_
    assert fastinit.he_normal is fastinit.kaiming_normal


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_functional_twins(dtype):
    w = fastinit.kaiming_uniform((32, 16), mode="fan_out", rng=5, dtype=dtype)
    assert w.shape == (32, 16) and w.dtype == np.dtype(dtype)
    assert same(w, fastinit.kaiming_uniform_(np.empty((32, 16), dtype), mode="fan_out", rng=5))
    v = fastinit.variance_scaling((8, 4), 1.0, "fan_avg", "truncated_normal", rng=5, dtype=dtype)
    assert v.dtype == np.dtype(dtype)


def test_layout_keywords():
    hwio = (3, 3, 16, 32)
    w = fastinit.kaiming_normal(hwio, nonlinearity="relu", in_axis=-2, out_axis=-1, rng=6)
    std = math.sqrt(2) / math.sqrt(3 * 3 * 16)
    assert same(w, fastinit.normal(hwio, 0.0, std, rng=6))
    w = fastinit.xavier_uniform((100, 10), in_axis=0, out_axis=1, rng=6)
    b = math.sqrt(6 / 110)
    assert same(w, fastinit.uniform((100, 10), -b, b, rng=6))


@pytest.mark.parametrize("fill", [
    lambda t, **kw: fastinit.kaiming_normal_(t, **kw),
    lambda t, **kw: fastinit.xavier_uniform_(t, **kw),
    lambda t, **kw: fastinit.variance_scaling_(t, 2.0, "fan_avg", **kw),
])
def test_pieces_with_full_shape_equal_whole(fill):
    shape = (300, 257)
    whole = fill(np.empty(shape, np.float32), rng=3)
    rows = np.empty((100, 257), np.float32)
    fill(rows, rng=3, offset=100 * 257, full_shape=shape)
    assert np.array_equal(rows, whole[100:200])
    for t in (1, 2, 3):
        assert np.array_equal(fill(np.empty(shape, np.float32), rng=3, num_threads=t), whole)


def test_errors_list_allowed_values():
    w = np.empty((4, 4))
    with pytest.raises(ValueError, match=r"Mode fan_avg not supported, please use one of "
                                         r"\['fan_in', 'fan_out'\]"):
        fastinit.kaiming_uniform_(w, mode="fan_avg")
    with pytest.raises(ValueError, match=r"Mode bad not supported.*fan_geo_avg"):
        fastinit.variance_scaling_(w, mode="bad")
    with pytest.raises(ValueError, match=r"Distribution gamma not supported.*truncated_normal"):
        fastinit.variance_scaling_(w, distribution="gamma")
    with pytest.raises(ValueError, match="Unsupported nonlinearity cosh.*leaky_relu"):
        fastinit.kaiming_normal_(w, nonlinearity="cosh")
    with pytest.raises(ValueError, match="scale must be a positive"):
        fastinit.variance_scaling_(w, scale=0.0)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fastinit.xavier_normal_(np.empty(5))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fastinit.lecun_uniform_(np.empty(5))
    with pytest.raises(TypeError):
        fastinit.xavier_normal_([[1.0]])


def test_zero_element_tensors():
    w = np.empty((0, 5), np.float32)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        assert fastinit.kaiming_uniform_(w) is w
    with pytest.warns(UserWarning, match="zero-element"):
        assert fastinit.kaiming_normal_(w) is w
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (fastinit.xavier_uniform_, fastinit.xavier_normal_, fastinit.lecun_normal_,
                  fastinit.lecun_uniform_, fastinit.variance_scaling_):
            empty = np.empty((0, 0))
            assert f(empty) is empty


def test_signatures_share_keywords():
    import inspect
    for f in (fastinit.xavier_uniform_, fastinit.kaiming_normal_, fastinit.lecun_normal_,
              fastinit.variance_scaling_):
        p = inspect.signature(f).parameters
        for k in ("rng", "num_threads", "offset", "in_axis", "out_axis", "batch_axis",
                  "full_shape"):
            assert p[k].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("call,match", [
    (lambda w: fastinit.kaiming_normal_(w, a=float("nan")), "a must be finite"),
    (lambda w: fastinit.kaiming_uniform_(w, a=float("inf")), "a must be finite"),
    (lambda w: fastinit.xavier_uniform_(w, gain=float("nan")), "gain must be finite"),
    (lambda w: fastinit.xavier_normal_(w, gain=float("inf")), "gain must be finite"),
    (lambda w: fastinit.lecun_uniform_(w, gain=float("nan")), "gain must be finite"),
    (lambda w: fastinit.lecun_normal_(w, gain=float("-inf")), "gain must be finite"),
])
def test_non_finite_scalars_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.empty((8, 4), np.float32))
