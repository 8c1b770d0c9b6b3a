"""The types of fastinit's public signatures.

The public modules annotate with these names under ``from __future__ import
annotations``: nothing here is evaluated by fastinit at run time, and torch
is imported for type checkers only (``TYPE_CHECKING``), so that ``import
fastinit`` never imports torch. ``typing.get_type_hints`` on a public
function therefore needs torch importable.

- :data:`ArrayT`: what an in-place initializer was given is what it returns
  (a NumPy array, a ``torch.Tensor``, a DTensor or an ``nn.Parameter``).
- :data:`Seed`: what ``rng=`` accepts; :data:`GeneratorArg` what torch's
  spelling ``generator=`` accepts (a ``torch.Generator`` too).
- :data:`Mode`, :data:`ScalingMode`, :data:`Distribution`,
  :data:`Nonlinearity`: the strings the schemes accept (any case for
  ``mode`` and ``distribution`` at run time; the types name the lower-case
  spellings).
- :data:`Float32Like`, :data:`Float64Like`, :data:`Float16Like`: the
  ``dtype=`` spellings whose result type the functional twins can name.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, SupportsIndex, TypeAlias, TypeVar

import numpy as np

if TYPE_CHECKING:
    import torch

    from numpy.random import Generator, SeedSequence

    from ._random import Key

__all__ = ["ArrayT", "BiasT", "Array", "Seed", "GeneratorArg", "ShapeLike", "Index", "AxisLike",
           "ChunksLike", "Mode", "ScalingMode", "Distribution", "Nonlinearity", "Float32Like",
           "Float64Like", "Float16Like", "FloatDTypeLike"]

#: A fillable array: a NumPy array or a torch tensor (DTensors and
#: parameters included).
Array: TypeAlias = "np.ndarray[Any, Any] | torch.Tensor"
#: The array an in-place initializer fills and returns.
ArrayT = TypeVar("ArrayT", bound="np.ndarray[Any, Any] | torch.Tensor")
#: The bias of :func:`fastinit.torch_default_init_` (a second array type).
BiasT = TypeVar("BiasT", bound="np.ndarray[Any, Any] | torch.Tensor")
#: ``rng=``: a seed, a SeedSequence, a Generator (drawn from), a Key, or None
#: (the default generator, see :func:`fastinit.manual_seed`).
Seed: TypeAlias = "int | np.integer[Any] | SeedSequence | Generator | Key | None"
#: ``generator=``: torch's spelling of ``rng=``; a torch.Generator is drawn from.
GeneratorArg: TypeAlias = "torch.Generator | Seed"
#: A shape: one size or a sequence of sizes.
ShapeLike: TypeAlias = SupportsIndex | Sequence[SupportsIndex]
#: ``index=``: one step-1 slice per dimension.
Index: TypeAlias = tuple[slice, ...]
#: ``batch_axis=``: one axis or several.
AxisLike: TypeAlias = int | Sequence[int]

#: ``chunks=`` of fastinit.dask: any dask chunk spec ("auto", a size, a
#: tuple of sizes or of per-axis chunk tuples, a {axis: chunks} dict).
ChunksLike: TypeAlias = str | int | Sequence[Any] | Mapping[int, Any]

#: torch's fan modes (kaiming_*).
Mode: TypeAlias = Literal["fan_in", "fan_out"]
#: variance_scaling's fan modes (JAX/Keras).
ScalingMode: TypeAlias = Literal["fan_in", "fan_out", "fan_avg", "fan_geo_avg"]
#: variance_scaling's laws (Keras spellings).
Distribution: TypeAlias = Literal["truncated_normal", "normal", "untruncated_normal", "uniform"]
#: calculate_gain's nonlinearities.
Nonlinearity: TypeAlias = Literal[
    "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
    "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu", "gelu", "silu",
    "swish", "elu"]

#: dtype= spellings of float32 (None: the default).
Float32Like: TypeAlias = (Literal["float32", "f4", "single"] | type[np.float32]
                          | np.dtype[np.float32] | None)
#: dtype= spellings of float64.
Float64Like: TypeAlias = (Literal["float64", "f8", "double", "float"] | type[np.float64]
                          | type[float] | np.dtype[np.float64])
#: dtype= spellings of float16.
Float16Like: TypeAlias = (Literal["float16", "f2", "half"] | type[np.float16]
                          | np.dtype[np.float16])
#: Any float dtype= spelling (names are checked at run time).
FloatDTypeLike: TypeAlias = (Float32Like | Float64Like | Float16Like | str
                             | np.dtype[np.floating[Any]] | type[np.floating[Any]])
