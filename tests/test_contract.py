"""The Python <-> C contract, read from the C tables (kernels.h) and used as declared."""
import math

import numpy as np
import pytest

from fastinit import _core, _dtypes, fills, truncated


def test_codes_and_names_come_from_the_c_tables():
    assert _core.DISTS == {"constant": 0, "uniform": 1, "normal": 2, "truncnorm": 3}
    assert _core.TN_METHODS == {"normal": 0, "uniform": 1, "exp": 2, "ziggurat": 3}
    assert [(c, n) for c, n, _, _ in _core.DTYPE_TABLE] == [
        (0, "float32"), (1, "float64"), (2, "float16"), (3, "bfloat16")]
    assert _core.SIMD_PATHS == ("baseline", "avx2", "avx512")


def test_dtype_descriptors():
    by_name = {d.name: d for d in _dtypes.DTYPES}
    assert by_name["float16"].work == np.float32 and by_name["float16"].itemsize == 2
    assert by_name["float64"].work == np.float64 and by_name["float32"].work == np.float32
    assert _dtypes.DEFAULT.name == "float32"
    assert _dtypes.for_numpy(np.dtype(">f4")) is None
    assert _dtypes.names() == "float16, float32 or float64"
    bf16 = by_name["bfloat16"]
    assert bf16.work == np.float32 and bf16.itemsize == 2 and not bf16.native
    assert _dtypes.for_numpy(bf16.numpy) is bf16 and _dtypes.for_numpy(np.dtype(np.uint16)) is None
    assert _dtypes.names(numpy_only=False) == "bfloat16, float16, float32 or float64"


@pytest.mark.parametrize("dt", ["float32", "float64", "float16", "bfloat16"])
def test_python_sends_exactly_the_declared_fields(dt):
    dtype = next(d for d in _dtypes.DTYPES if d.name == dt)
    cases = [("constant", {"value": 0.5}), ("uniform", fills.uniform_params(-1, 2)(dtype)),
             ("normal", fills.normal_params(0, 2)(dtype))]
    for a, b in [(-2, 2), (-5, 5), (0, math.inf), (0.1, 0.2), (8, 9)]:
        cases.append(truncated.trunc_normal_params(0.0, 1.0, a, b))
        cases[-1] = (cases[-1][0], cases[-1][1](dtype))
    methods = set()
    for dist, params in cases:
        method = params.get("method", -1)
        methods.add(method)
        # (the ziggurat method's tables go by pointer, not as a field)
        extra = {"method", "table"} if method == _core.TN_METHODS["ziggurat"] else {"method"}
        assert set(params) - extra == set(_core.param_names(_core.DISTS[dist], method))
    assert methods == {-1} | set(_core.TN_METHODS.values())


def test_bad_parameters_are_refused_before_writing():
    a = np.full(10, 7.0)
    code = _dtypes.for_numpy(a.dtype).code
    for params in ({"mean": 0.0}, {"mean": 0.0, "std": 1.0, "scale": 2.0}):
        with pytest.raises(ValueError, match="expected"):
            _core.fill(a, _core.DISTS["normal"], code, params, (1, 2, 3), 0, 1)
    with pytest.raises(ValueError, match="no parameters known"):
        _core.fill(a, _core.DISTS["truncnorm"], code, {"mean": 0.0}, (1, 2, 3), 0, 1)
    with pytest.raises(ValueError, match="no kernel"):
        _core.fill(a, 99, code, {}, (1, 2, 3), 0, 1)
    assert (a == 7.0).all()
