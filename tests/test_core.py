"""The C core's own math (fimath.h, transforms.h) checked on chosen inputs."""
import numpy as np

from fastinit import _core


def _ulps(got, ref, dtype):
    return np.abs(got.astype(np.float64) - ref) / np.spacing(np.abs(ref).astype(dtype)).astype(np.float64)


def test_logf_accuracy():
    x = np.geomspace(2.0**-32, 1.0, 300_001).astype(np.float32)
    ref = np.log(x.astype(np.float64))
    err = _ulps(_core._logf(x), ref, np.float32)[ref != 0]
    assert err.max() < 2.0
    assert _core._logf(np.array([1.0], np.float32))[0] == 0.0


def test_log_accuracy():
    x = np.geomspace(2.0**-54, 1.0, 300_001)
    ref = np.log(x)
    err = _ulps(_core._log(x), ref, np.float64)[ref != 0]
    assert err.max() < 2.0


def test_f16_rounding_matches_numpy():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.standard_normal(500_000) * s for s in (1e-6, 1e-3, 1, 1e3, 7e4)]).astype(np.float32)
    specials = np.array([65519, 65520, 65504, 2**-24, 2**-25, 3 * 2**-26, np.inf, -np.inf, -0.0],
                        np.float32)
    x = np.concatenate([x, specials])
    with np.errstate(over="ignore"):
        ref = x.astype(np.float16)
    assert np.array_equal(_core._f32_to_f16(x).view(np.uint16), ref.view(np.uint16))
    assert np.isnan(_core._f32_to_f16(np.array([np.nan], np.float32))[0])
