"""What a type checker sees of fastinit: every public name, used as a user would.

Checked by tests/test_typing.py with mypy --strict (and pyright, where
basedpyright is installed); never run. ``assert_type`` lines pin the
inferred types. Lines marked ``# type: ignore[...]`` must fail: the
checkers run with unused ignores reported as errors, so an annotation that
accepted them would fail the test, and the test also checks each of them
fails without its comment.
"""
from __future__ import annotations

import io
from typing import Any, assert_type

import jax
import jax.numpy as jnp
import numpy as np
import torch
from dask.array.core import Array as DaskArray
from numpy.typing import NDArray
from torch import nn

import fastinit
import fastinit.dask
import fastinit.jax
import fastinit.keras
import fastinit.torch

f32: NDArray[np.float32] = np.empty((64, 32), np.float32)
f64: NDArray[np.float64] = np.empty((64, 32), np.float64)
t: torch.Tensor = torch.empty(64, 32)
p = nn.Parameter(torch.empty(64, 32))
b32: NDArray[np.float32] = np.empty(64, np.float32)
conv: NDArray[np.float32] = np.empty((8, 8, 3, 3), np.float32)
key = fastinit.Key(0)

# ---- configuration ------------------------------------------------------------
assert_type(fastinit.__version__, str)
assert_type(fastinit.show_config(io.StringIO()), None)
assert_type(fastinit.get_num_threads(), int)
assert_type(fastinit.set_num_threads(2), "int | None")
assert_type(fastinit.set_num_threads(None), "int | None")
assert_type(fastinit.get_simd_path(), str)
assert_type(fastinit.set_simd_path("auto"), None)
assert_type(fastinit.get_hugepages(), bool)
assert_type(fastinit.set_hugepages(True), bool)
fastinit.set_num_threads("2")  # type: ignore[arg-type]

# ---- randomness ---------------------------------------------------------------
assert_type(fastinit.manual_seed(0), None)
assert_type(key.split(2), list[fastinit.Key])
assert_type(key.fold_in("layer.0.weight"), fastinit.Key)
assert_type(key.fold_in(7), fastinit.Key)
assert_type(key.words, tuple[int, int, int])
assert_type(fastinit.Key.from_words(1, 2, 3), fastinit.Key)
assert_type(fastinit.philox4x32(np.zeros((2, 4), np.uint32), [1, 2]), NDArray[np.uint32])
key.fold_in(1.5)  # type: ignore[arg-type]
fastinit.Key("seed")  # type: ignore[arg-type]

# ---- fans and gains -------------------------------------------------------------
assert_type(fastinit.calculate_fan_in_and_fan_out(f32), tuple[int, int])
assert_type(fastinit.calculate_fan_in_and_fan_out((3, 3, 16, 32), in_axis=-2, out_axis=-1),
            tuple[int, int])
assert_type(fastinit.calculate_gain("leaky_relu", 0.2), float)
assert_type(fastinit.calculate_gain("gelu"), float)
fastinit.calculate_gain("relu6")  # type: ignore[arg-type]

# ---- in place: the type given is the type returned ------------------------------------
assert_type(fastinit.constant_(f32, 0.5), NDArray[np.float32])
assert_type(fastinit.zeros_(f64), NDArray[np.float64])
assert_type(fastinit.ones_(t), torch.Tensor)
assert_type(fastinit.uniform_(f32, -1.0, 1.0, rng=0), NDArray[np.float32])
assert_type(fastinit.normal_(t, 0.0, 0.02, generator=torch.Generator().manual_seed(0)),
            torch.Tensor)
assert_type(fastinit.trunc_normal_(f32, std=0.02, a=-0.04, b=0.04, rng=key),
            NDArray[np.float32])
assert_type(fastinit.xavier_uniform_(p, gain=fastinit.calculate_gain("tanh")), nn.Parameter)
assert_type(fastinit.glorot_uniform_(f32, rng=np.random.SeedSequence(1)), NDArray[np.float32])
assert_type(fastinit.xavier_normal_(f64, rng=np.random.default_rng(0)), NDArray[np.float64])
assert_type(fastinit.glorot_normal_(t, num_threads=2), torch.Tensor)
assert_type(fastinit.kaiming_uniform_(t, a=5 ** 0.5), torch.Tensor)
assert_type(fastinit.he_uniform_(f32, mode="fan_out", nonlinearity="relu"), NDArray[np.float32])
assert_type(fastinit.kaiming_normal_(f32, mode="fan_in", nonlinearity="leaky_relu", offset=0),
            NDArray[np.float32])
assert_type(fastinit.he_normal_(f64, global_shape=(128, 32), index=(slice(0, 64), slice(0, 32))),
            NDArray[np.float64])
assert_type(fastinit.lecun_uniform_(f32), NDArray[np.float32])
assert_type(fastinit.lecun_normal_(t, in_axis=-2, out_axis=-1, batch_axis=(0,)), torch.Tensor)
assert_type(fastinit.variance_scaling_(f32, 2.0, "fan_avg", "uniform"), NDArray[np.float32])
assert_type(fastinit.variance_scaling_(f32, mode="fan_geo_avg", distribution="truncated_normal"),
            NDArray[np.float32])
assert_type(fastinit.eye_(f32), NDArray[np.float32])
assert_type(fastinit.dirac_(conv, groups=2), NDArray[np.float32])
assert_type(fastinit.sparse_(t, 0.9, std=0.01), torch.Tensor)
assert_type(fastinit.bias_zeros_(b32), NDArray[np.float32])
assert_type(fastinit.bias_constant_(b32, 0.01), NDArray[np.float32])
assert_type(fastinit.bias_uniform_(b32, f32), NDArray[np.float32])
assert_type(fastinit.bias_uniform_(b32, (64, 32)), NDArray[np.float32])
assert_type(fastinit.torch_default_init_(t, torch.empty(64)),
            tuple[torch.Tensor, torch.Tensor | None])
assert_type(fastinit.orthogonal_(f32, gain=2.0, exact=False), NDArray[np.float32])
assert_type(fastinit.delta_orthogonal_(conv), NDArray[np.float32])

# what must not type-check
fastinit.normal_([0.0, 1.0])  # type: ignore[type-var]
fastinit.normal_(f32, rng="0")  # type: ignore[arg-type]
fastinit.kaiming_normal_(f32, mode="fan_avg")  # type: ignore[arg-type]
fastinit.kaiming_uniform_(f32, nonlinearity="relu6")  # type: ignore[arg-type]
fastinit.variance_scaling_(f32, distribution="laplace")  # type: ignore[arg-type]
fastinit.uniform_(f32, num_threads="2")  # type: ignore[arg-type]
fastinit.orthogonal_(f32, exact="no")  # type: ignore[arg-type]
fastinit.xavier_uniform_(f32, gain="1")  # type: ignore[arg-type]

# ---- functional twins: the result's dtype follows dtype= -----------------------------------
assert_type(fastinit.constant((4,), 0.5), NDArray[np.float32])
assert_type(fastinit.zeros(4, dtype="float64"), NDArray[np.float64])
assert_type(fastinit.ones([2, 3], dtype=np.float16), NDArray[np.float16])
assert_type(fastinit.uniform((4, 4), -1.0, 1.0, rng=0), NDArray[np.float32])
assert_type(fastinit.normal((4, 4), dtype=np.dtype(np.float64)), NDArray[np.float64])
assert_type(fastinit.trunc_normal((4, 4), dtype=None), NDArray[np.float32])
assert_type(fastinit.xavier_uniform((4, 4), dtype="f8"), NDArray[np.float64])
assert_type(fastinit.glorot_uniform((4, 4)), NDArray[np.float32])
assert_type(fastinit.xavier_normal((4, 4), dtype="half"), NDArray[np.float16])
assert_type(fastinit.glorot_normal((4, 4)), NDArray[np.float32])
assert_type(fastinit.kaiming_uniform((4, 4), mode="fan_out"), NDArray[np.float32])
assert_type(fastinit.he_uniform((4, 4)), NDArray[np.float32])
assert_type(fastinit.kaiming_normal((4, 4), nonlinearity="relu"), NDArray[np.float32])
assert_type(fastinit.he_normal((4, 4), dtype=np.float64), NDArray[np.float64])
assert_type(fastinit.lecun_uniform((4, 4)), NDArray[np.float32])
assert_type(fastinit.lecun_normal((4, 4)), NDArray[np.float32])
assert_type(fastinit.variance_scaling((3, 3, 16, 32), in_axis=-2, out_axis=-1),
            NDArray[np.float32])
assert_type(fastinit.eye((4, 4)), NDArray[np.float32])
assert_type(fastinit.dirac((4, 4, 3)), NDArray[np.float32])
assert_type(fastinit.sparse((4, 4), 0.5), NDArray[np.float32])
assert_type(fastinit.bias_zeros(4), NDArray[np.float32])
assert_type(fastinit.bias_constant(4, 0.1), NDArray[np.float32])
assert_type(fastinit.bias_uniform(4, (4, 8)), NDArray[np.float32])
assert_type(fastinit.orthogonal((4, 4), dtype="float64"), NDArray[np.float64])
assert_type(fastinit.delta_orthogonal((4, 4, 3)), NDArray[np.float32])
# a dtype spelling the overloads do not name: some float array
assert_type(fastinit.normal((4, 4), dtype="<f4"), NDArray[np.floating[Any]])

fastinit.normal((4, 4), dtype=np.int32)  # type: ignore[arg-type]
fastinit.he_normal((4, 4), mode="fan_avg")  # type: ignore[call-overload]
fastinit.uniform("4")  # type: ignore[arg-type]

# ---- initializers by name ------------------------------------------------------------
init = fastinit.get("he_normal", mode="fan_out")
assert_type(init, fastinit.Initializer)
assert_type(fastinit.get(init.get_config()), fastinit.Initializer)
assert_type(fastinit.Initializer("glorot_uniform"), fastinit.Initializer)
assert_type(init(f32, num_threads=1), NDArray[np.float32])
assert_type(init(t), torch.Tensor)
assert_type(init.sample((4, 4)), NDArray[np.floating[Any]])
assert_type(init.get_config(), dict[str, Any])
assert_type(fastinit.Initializer.from_config({"name": "zeros"}), fastinit.Initializer)
assert_type(fastinit.available(), list[str])
fastinit.get(3)  # type: ignore[arg-type]

# ---- whole PyTorch models --------------------------------------------------------------
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
assert_type(fastinit.torch.init_(model, rng=0), nn.Sequential)
assert_type(fastinit.torch.init_(model, scheme=fastinit.torch.hf_scheme(0.02)), nn.Sequential)
assert_type(fastinit.torch.init_(model, scheme=[("*.weight", "zeros")], prefix="m"),
            nn.Sequential)
assert_type(fastinit.torch.init_(model, scheme={nn.Linear: {"bias": fastinit.get("zeros")}}),
            nn.Sequential)
with torch.device("meta"):
    lazy = nn.Linear(4, 8)
assert_type(fastinit.torch.materialize(lazy, rng=0, scheme=fastinit.torch.timm_scheme()),
            nn.Linear)
assert_type(fastinit.torch.gpt2_scheme(0.02, n_layer=2), list[fastinit.torch.Rule])
assert_type(fastinit.torch.orthogonal_rnn_scheme(1.0), list[fastinit.torch.Rule])
with fastinit.torch.patch(rng=0):
    nn.init.normal_(t)
fastinit.torch.init_(f32)  # type: ignore[type-var]

# ---- Dask ----------------------------------------------------------------------------
lazy_arrays = [
    fastinit.dask.constant((8, 8), 0.5, chunks=4),
    fastinit.dask.zeros((8, 8)),
    fastinit.dask.ones((8, 8)),
    fastinit.dask.uniform((8, 8), rng=0),
    fastinit.dask.normal((8, 8), 0.0, 0.02, chunks=(4, 8), rng=0, dtype="float64"),
    fastinit.dask.trunc_normal((8, 8), rng=0),
    fastinit.dask.xavier_uniform((8, 8), rng=0),
    fastinit.dask.glorot_uniform((8, 8), rng=0),
    fastinit.dask.xavier_normal((8, 8), rng=0),
    fastinit.dask.glorot_normal((8, 8), rng=0),
    fastinit.dask.kaiming_uniform((8, 8), rng=0),
    fastinit.dask.he_uniform((8, 8), rng=0),
    fastinit.dask.kaiming_normal((8, 8), mode="fan_out", rng=0),
    fastinit.dask.he_normal((8, 8), rng=0),
    fastinit.dask.lecun_uniform((8, 8), rng=0),
    fastinit.dask.lecun_normal((8, 8), rng=0),
    fastinit.dask.variance_scaling((8, 8), rng=0),
    fastinit.dask.eye((8, 8)),
    fastinit.dask.dirac((8, 8, 3)),
    fastinit.dask.sparse((8, 8), 0.5, rng=0),
    fastinit.dask.bias_zeros(8),
    fastinit.dask.bias_constant(8),
    fastinit.dask.bias_uniform(8, (8, 8), rng=0),
    fastinit.dask.orthogonal((8, 8), rng=0),
    fastinit.dask.delta_orthogonal((8, 8, 3), rng=0),
]
assert_type(lazy_arrays[0], DaskArray)
fastinit.dask.normal((8, 8), generator=0)  # type: ignore[call-arg]

# ---- JAX and Flax ---------------------------------------------------------------------------
jkey = jax.random.key(0)
jinits: list[fastinit.jax.Initializer] = [
    fastinit.jax.constant(0.5),
    fastinit.jax.zeros,
    fastinit.jax.ones,
    fastinit.jax.uniform(1e-2),
    fastinit.jax.normal(1e-2, dtype=jnp.bfloat16),
    fastinit.jax.truncated_normal(1e-2, lower=-1.0, upper=1.0),
    fastinit.jax.variance_scaling(2.0, "fan_in", "truncated_normal", in_axis=(0, 1)),
    fastinit.jax.glorot_uniform(),
    fastinit.jax.glorot_normal(),
    fastinit.jax.xavier_uniform(),
    fastinit.jax.xavier_normal(),
    fastinit.jax.lecun_uniform(),
    fastinit.jax.lecun_normal(),
    fastinit.jax.he_uniform(),
    fastinit.jax.he_normal(batch_axis=0),
    fastinit.jax.kaiming_uniform(),
    fastinit.jax.kaiming_normal(),
    fastinit.jax.orthogonal(1.0, column_axis=-1, exact=False),
    fastinit.jax.delta_orthogonal(),
    fastinit.jax.torch_layout("kaiming_uniform", a=5 ** 0.5, key=fastinit.Key(0)),
]
assert_type(jinits[0](jkey, (4, 4)), jax.Array)
assert_type(jinits[0](0, (4, 4), jnp.float32), jax.Array)
assert_type(jinits[0].block(jkey, (4, 4), None, (slice(0, 2), slice(0, 4))),
            np.ndarray[Any, Any])
assert_type(fastinit.jax.make_array(jinits[1], jkey, (8, 8)), jax.Array)
assert_type(fastinit.jax.to_key(jkey), fastinit.Key)
assert_type(fastinit.jax.jax_fans((3, 3, 16, 32)), tuple[int, int])
assert_type(fastinit.jax.JAX_STREAM + 0, int)
fastinit.jax.variance_scaling(2.0, "fan_sum", "normal")  # type: ignore[arg-type]
fastinit.jax.make_array(jinits[0], jkey, (8, 8), sharding=0)  # type: ignore[arg-type]

# ---- Keras ------------------------------------------------------------------------------------
kinits = [
    fastinit.keras.Zeros(), fastinit.keras.Ones(), fastinit.keras.Constant(0.5),
    fastinit.keras.Identity(gain=2.0), fastinit.keras.RandomNormal(0.0, 0.05, seed=1),
    fastinit.keras.TruncatedNormal(stddev=0.02, seed=1),
    fastinit.keras.RandomUniform(-0.1, 0.1, seed=None),
    fastinit.keras.VarianceScaling(2.0, "fan_avg", "uniform", seed=3),
    fastinit.keras.GlorotUniform(seed=0), fastinit.keras.GlorotNormal(),
    fastinit.keras.LecunUniform(), fastinit.keras.LecunNormal(),
    fastinit.keras.HeUniform(), fastinit.keras.HeNormal(seed=0),
    fastinit.keras.Orthogonal(gain=1.0, seed=0),
]
assert_type(fastinit.keras.HeNormal(seed=0).get_config(), dict[str, Any])
assert_type(fastinit.keras.to_key(0), fastinit.Key)
assert_type(fastinit.keras.keras_fans((3, 3, 16, 32)), tuple[int, int])
fastinit.keras.VarianceScaling(2.0, "fan_sum")  # type: ignore[arg-type]
fastinit.keras.keras_fans((3, 3), input_axes=0)  # type: ignore[arg-type]
