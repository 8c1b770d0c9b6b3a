"""Bias initializers and torch's default layer init."""
import math

import numpy as np
import pytest

import fastinit


def test_zero_and_constant():
    assert (fastinit.bias_zeros_(np.ones(5)) == 0).all()
    assert (fastinit.bias_constant_(np.empty(5, np.float32)) == np.float32(0.01)).all()
    assert (fastinit.bias_constant((3,), 0.1, dtype="float64") == 0.1).all()


@pytest.mark.parametrize("weight", [(64, 100), (16, 8, 3, 3), np.empty((10, 4))])
def test_bias_uniform_bound(weight):
    fan_in = fastinit.calculate_fan_in_and_fan_out(weight)[0]
    bound = 1 / math.sqrt(fan_in)
    b = fastinit.bias_uniform_(np.empty(100_000), weight, rng=1)
    assert np.array_equal(b, fastinit.uniform_(np.empty(100_000), -bound, bound, rng=1))
    assert b.min() >= -bound and b.max() < bound


def test_bias_uniform_zero_fan_in():
    assert (fastinit.bias_uniform_(np.ones(3), (3, 0), rng=0) == 0).all()


def test_torch_default_init():
    w, b = np.empty((128, 64), np.float32), np.empty(128, np.float32)
    w2, b2 = fastinit.torch_default_init_(w, b, rng=5)
    assert w2 is w and b2 is b
    bound = 1 / math.sqrt(64)
    # kaiming_uniform_(a=sqrt(5)) has bound sqrt(3) * sqrt(2 / 6) / sqrt(fan_in) = 1/sqrt(fan_in)
    assert abs(np.abs(w).max() - bound) < 1e-3 and np.abs(w).max() <= bound
    assert np.abs(b).max() <= bound
    # weight and bias come from independent streams of one seed
    assert not np.array_equal(w[0], b)
    w3, b3 = fastinit.torch_default_init_(np.empty_like(w), np.empty_like(b), rng=5)
    assert np.array_equal(w3, w) and np.array_equal(b3, b)
    w4, none = fastinit.torch_default_init_(np.empty_like(w), rng=5)
    assert none is None and np.array_equal(w4, w)


def test_torch_default_init_with_generators():
    g = np.random.default_rng(0)
    w, b = fastinit.torch_default_init_(np.empty((8, 8)), np.empty(8), rng=g)
    g = np.random.default_rng(0)
    w2, b2 = fastinit.torch_default_init_(np.empty((8, 8)), np.empty(8), rng=g)
    assert np.array_equal(w, w2) and np.array_equal(b, b2)
    with pytest.raises(ValueError, match="either rng= or generator="):
        fastinit.torch_default_init_(np.empty((8, 8)), rng=1, generator=2)


def _bad_biases():
    ro = np.zeros(8)
    ro.flags.writeable = False
    bad = [(np.zeros(8, np.int32), TypeError, "bias must have dtype"),
           (ro, ValueError, "bias is read-only"),
           ([0.0] * 8, TypeError, "bias must be a numpy.ndarray or a torch.Tensor"),
           (np.lib.stride_tricks.as_strided(np.zeros(1), (8,), (0,)), ValueError,
            "bias has elements that overlap")]
    try:
        import torch
    except ImportError:
        return bad
    return bad + [(torch.zeros(8, dtype=torch.int64), TypeError, "bias must have dtype"),
                  (torch.zeros(1).expand(8), ValueError, "bias has elements that overlap")]


@pytest.mark.parametrize("bias,exc,match", _bad_biases())
def test_torch_default_init_validates_both_before_writing(bias, exc, match):
    """A bad bias is reported before the weight is touched, and the seed
    source is not advanced."""
    w = np.zeros((8, 4))
    g = np.random.default_rng(3)
    state = g.bit_generator.state
    with pytest.raises(exc, match=match):
        fastinit.torch_default_init_(w, bias, rng=g)
    assert not w.any()
    assert g.bit_generator.state == state


def test_bias_uniform_validates_the_weight_before_writing():
    b = np.zeros(8)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fastinit.bias_uniform_(b, np.zeros(8), rng=0)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        fastinit.torch_default_init_(np.zeros(8), b, rng=0)
    assert not b.any()
