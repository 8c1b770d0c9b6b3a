"""Keras 3: ``keras.initializers``' classes over fastinit's streams.

Each built-in initializer of Keras 3 has its twin here, a
:class:`keras.initializers.Initializer` subclass with the same class name,
constructor arguments, defaults, laws and configuration, usable wherever
Keras takes an initializer::

    import fastinit.keras as fik
    keras.layers.Dense(512, kernel_initializer=fik.HeNormal(seed=0))

- **Laws:** Keras's. ``HeNormal``, ``GlorotNormal`` and ``LecunNormal``
  (and :class:`VarianceScaling`'s ``"truncated_normal"``, which its
  ``"normal"`` means) are normals truncated to two standard deviations and
  rescaled to the target variance; fans follow Keras's ``(..., in, out)``
  kernel layout (or ``input_axes``/``output_axes``); :class:`Orthogonal`'s
  columns lie along the last axis; :class:`TruncatedNormal` cuts at ``mean
  +- 2 stddev``; :class:`RandomUniform` draws from ``[minval, maxval)``.
  The values are fastinit's: a pure function of the key and the flat
  index, equal for any thread count and to fastinit's functional
  initializers for the same seed.
- **Seeds** behave as Keras's own (:func:`to_key` gives the rule): an int
  seed gives the same values at every call; ``seed=None`` draws an int seed
  once, when the initializer is made, from Python's :mod:`random` (as Keras
  does, so :func:`keras.utils.set_random_seed` fixes it), so one instance
  repeats its values and a new instance has new ones; a
  :class:`keras.random.SeedGenerator` gives fresh values at every call.
- **Backends:** the result is the backend's array, made without a copy on
  the CPU: a NumPy array (``numpy``), a ``jax.Array`` aliasing the filled
  buffer (``jax``, as :mod:`fastinit.jax`), a ``torch.Tensor`` sharing it
  (``torch``, moved to Keras's device if that is not the CPU). Other
  backends get ``keras.ops.convert_to_tensor`` of the NumPy array.
- **Saving:** the classes are registered with Keras (package
  ``"fastinit"``), so a model built with them saves to a ``.keras`` file and
  loads again once :mod:`fastinit.keras` is imported; their configurations
  are Keras's, so ``fik.HeNormal.from_config(keras.initializers.HeNormal(
  seed=1).get_config())`` works, and back.

Needs the optional extra ``keras`` (``pip install 'fastinit-nn[keras]'``)
and a Keras backend chosen, as always with Keras, by ``KERAS_BACKEND``
before Keras is first imported.
"""
from __future__ import annotations

import importlib.util
import math
import numbers
import random as _pyrandom
from collections.abc import Sequence
from typing import Any, ClassVar, Literal, TypeAlias, TypeVar, cast

import numpy as np

try:
    import keras
except ImportError as exc:  # pragma: no cover - the message is the point
    if importlib.util.find_spec("keras") is None:
        raise ImportError("fastinit.keras needs keras: pip install 'fastinit-nn[keras]'") \
            from exc
    raise ImportError(f"keras is installed but does not import ({exc}); choose its backend "
                      f"with KERAS_BACKEND=numpy, jax or torch (or install tensorflow) "
                      f"before keras is first imported") from exc

from . import _dtypes, _hugepages
from ._random import Key
from .fills import constant_, normal_, uniform_
from .orthogonal import orthogonal_
from .schemes import variance_scaling_
from .structured import eye_
from .truncated import trunc_normal_

__all__ = ["to_key", "keras_fans", "Zeros", "Ones", "Constant", "Identity", "RandomNormal",
           "TruncatedNormal", "RandomUniform", "VarianceScaling", "GlorotUniform",
           "GlorotNormal", "LecunUniform", "LecunNormal", "HeUniform", "HeNormal",
           "Orthogonal"]

#: ``seed=``: an int in [0, 2**32), a Keras SeedGenerator, its serialized
#: config (what ``get_config`` holds), or None.
SeedLike: TypeAlias = "int | keras.random.SeedGenerator | dict[str, Any] | None"
#: A shape, as Keras passes it.
Shape: TypeAlias = Sequence[int]
#: Keras's fan modes and VarianceScaling's laws (``"normal"`` is read as
#: ``"truncated_normal"``, as Keras reads it).
Mode: TypeAlias = Literal["fan_in", "fan_out", "fan_avg"]
Distribution: TypeAlias = Literal["truncated_normal", "untruncated_normal", "normal", "uniform"]

_MASK32 = 0xFFFFFFFF
_FLOATS = ("float16", "bfloat16", "float32", "float64")
_C = TypeVar("_C", bound=type)
_serializable = keras.saving.register_keras_serializable(package="fastinit")


def _register(cls: _C) -> _C:
    """Register ``cls`` for Keras serialization as ``fastinit>Name`` (the class
    itself is returned: typed, so that checkers keep the class's own type)."""
    registered: _C = _serializable(cls)
    return registered


# ---- seeds and keys ---------------------------------------------------------------------------

def _int_seed(seed: Any, name: str = "seed") -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) \
            or not 0 <= int(seed) <= _MASK32:
        raise ValueError(f"{name} must be an int in [0, 2**32), a keras.random.SeedGenerator "
                         f"or None, got {seed!r}")
    return int(seed)


def to_key(seed: int | Sequence[int] | np.ndarray[Any, Any] | keras.random.SeedGenerator
           ) -> Key:
    """The :class:`fastinit.Key` of one Keras seed.

    Keras draws a seed pair ``(s, c)`` for every random call: ``(s, 0)`` for
    an int seed ``s``, and a :class:`keras.random.SeedGenerator`'s state,
    which it then advances to ``(s, c + 1)``. The rule, fixed across
    versions: ``(s, 0)`` maps to ``Key(s)`` (so ``seed=s`` gives what
    fastinit's ``rng=s`` gives), and ``(s, c)``, ``c > 0``, to
    ``Key(s).fold_in(c)``; the words are read as uint32 (a backend storing
    seeds as int32 keeps the same bits). A ``SeedGenerator``'s first call
    thus equals the int seed it was made with, as in Keras.

    Parameters
    ----------
    seed : int, pair of ints or keras.random.SeedGenerator
        An int seed in ``[0, 2**32)``, a seed pair, or a generator, whose
        next pair is drawn (advancing it, as a Keras random op does).

    Returns
    -------
    fastinit.Key

    Examples
    --------
    >>> import keras, fastinit, fastinit.keras as fik
    >>> fik.to_key(7) == fastinit.Key(7)
    True
    >>> gen = keras.random.SeedGenerator(7)
    >>> fik.to_key(gen) == fastinit.Key(7), fik.to_key(gen) == fastinit.Key(7).fold_in(1)
    (True, True)
    """
    if isinstance(seed, keras.random.SeedGenerator):
        pair = [int(w) & _MASK32 for w in
                np.asarray(keras.ops.convert_to_numpy(seed.next())).reshape(-1)]
    elif isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        pair = [_int_seed(seed), 0]
    else:
        try:
            words = np.asarray(seed).reshape(-1)
        except Exception:       # noqa: BLE001 - any non-array is the same bad input
            words = np.asarray([])
        if words.shape != (2,) or words.dtype.kind not in "iu":
            raise ValueError(f"seed must be an int in [0, 2**32), a pair of ints or a "
                             f"keras.random.SeedGenerator, got {seed!r}")
        pair = [int(w) & _MASK32 for w in words]
    s, c = pair[0], pair[1]
    return Key(s) if c == 0 else Key(s).fold_in(c)


def keras_fans(shape: Shape, input_axes: Sequence[int] | None = None,
               output_axes: Sequence[int] | None = None) -> tuple[int, int]:
    """(fan_in, fan_out) as Keras 3 computes them for a weight of ``shape``.

    With both ``input_axes`` and ``output_axes``: the products of the sizes
    over them. Otherwise Keras's kernel layout ``(..., in, out)``: a 2-d
    ``(in, out)`` gives ``(in, out)``, a convolution kernel ``(spatial...,
    in, out)`` gives ``(in * receptive, out * receptive)``, a 1-d ``(n,)``
    gives ``(n, n)`` and a scalar ``(1, 1)``.

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> fik.keras_fans((3, 3, 16, 32))
    (144, 288)
    """
    shape = tuple(int(s) for s in shape)
    if input_axes is not None and output_axes is not None:
        for name, axes in (("input_axes", input_axes), ("output_axes", output_axes)):
            for a in axes:
                if isinstance(a, bool) or not isinstance(a, numbers.Integral) \
                        or not -len(shape) <= a < len(shape):
                    raise ValueError(f"{name}={list(axes)!r} holds {a!r}, not an axis of "
                                     f"shape {shape}")
        return (math.prod(shape[a] for a in input_axes),
                math.prod(shape[a] for a in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


# ---- shapes, dtypes and the backend's arrays ------------------------------------------------------

def _shape(shape: Any) -> tuple[int, ...]:
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"shape must be a sequence of ints, got {shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ValueError(f"shape must hold non-negative ints, got {shape!r}")
    return tuple(int(d) for d in dims)


def _dtype_name(dtype: Any, floats_only: bool) -> str:
    """Keras's standard name of ``dtype`` (None: ``keras.backend.floatx()``)."""
    name = str(keras.backend.standardize_dtype(dtype))
    if name not in _FLOATS and (floats_only or name in ("string", "complex64", "complex128")):
        raise TypeError(f"dtype must be float16, bfloat16, float32 or float64, got {dtype!r}")
    return name


def _jax_dtype(name: str) -> Any:
    from . import jax as fij
    return fij._float_dtype(name)


def _storage(name: str) -> np.dtype[Any]:
    """The NumPy dtype fastinit fills for float dtype ``name`` (bfloat16: tagged uint16)."""
    return next(d.numpy for d in _dtypes.DTYPES if d.name == name)


def _empty(shape: tuple[int, ...], name: str) -> np.ndarray[Any, Any]:
    """A fresh array to fill, for this backend: aligned for XLA under jax
    (:mod:`fastinit.jax`), else huge-page advised before the fill touches it."""
    if keras.backend.backend() == "jax":
        from . import jax as fij
        return fij._empty(shape, _jax_dtype(name))
    out = np.empty(shape, _storage(name))
    _hugepages.advise_array(out)
    return out


def _to_backend(out: np.ndarray[Any, Any], name: str) -> Any:
    """The filled ``out`` as the backend's array of dtype ``name``, not copied on the CPU."""
    backend = keras.backend.backend()
    bf16 = name == "bfloat16"
    if backend == "jax":
        from . import jax as fij
        return fij._to_jax(out, _jax_dtype(name))
    if backend == "torch":
        import torch
        t = torch.from_numpy(out.view(np.uint16) if bf16 else out)
        return keras.ops.convert_to_tensor(t.view(torch.bfloat16) if bf16 else t)
    if bf16:
        import ml_dtypes
        out = out.view(ml_dtypes.bfloat16)
    return out if backend == "numpy" else keras.ops.convert_to_tensor(out)


# ---- the classes ------------------------------------------------------------------------------

class _Fastinit(keras.initializers.Initializer):
    """What the classes share: ``__call__`` fills a fresh array through ``_fill``."""

    #: False: any dtype Keras knows (constant values); True: floats only.
    _floats_only: ClassVar[bool] = True

    def _check(self, shape: tuple[int, ...]) -> None:
        """Raise for shapes the law cannot fill (before any seed is drawn)."""

    def _key(self) -> Key | None:
        return None

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        raise NotImplementedError

    def _other(self, shape: tuple[int, ...], name: str) -> np.ndarray[Any, Any]:
        """The values in a dtype fastinit does not fill (constant initializers only)."""
        raise NotImplementedError

    def __call__(self, shape: Shape, dtype: Any = None) -> Any:
        """A new array of ``shape`` and ``dtype`` (None: ``keras.backend.floatx()``).

        Parameters
        ----------
        shape : sequence of int
            The weight's shape.
        dtype : str or dtype, optional
            float16, bfloat16, float32 or float64 (the constant initializers
            take any dtype Keras knows).

        Returns
        -------
        The backend's array: numpy.ndarray, jax.Array or torch.Tensor.
        """
        dims = _shape(shape)
        name = _dtype_name(dtype, self._floats_only)
        self._check(dims)
        key = self._key()
        if name not in _FLOATS:         # ints and bools of the constant initializers
            return keras.ops.convert_to_tensor(self._other(dims, name), dtype=name)
        out = _empty(dims, name)
        if out.size:
            self._fill(out, key)
        return _to_backend(out, name)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"fastinit.keras.{type(self).__name__}({args})"


def _finite(value: Any, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _plain(value: Any) -> Any:
    """``value`` as config keeps it: a Python int or float stays as given."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else float(value)


@_register
class Zeros(_Fastinit):
    """Keras's ``Zeros``: every element 0 (any dtype Keras knows).

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> fik.Zeros()((2, 2)).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """

    _floats_only = False

    def _value(self) -> float:
        return 0.0

    def _other(self, shape: tuple[int, ...], name: str) -> np.ndarray[Any, Any]:
        return np.full(shape, self._value(), dtype=name)

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        constant_(out, 0.0)


@_register
class Ones(Zeros):
    """Keras's ``Ones``: every element 1 (any dtype Keras knows).

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> fik.Ones()((3,), dtype="float16").tolist()
    [1.0, 1.0, 1.0]
    """

    def _value(self) -> float:
        return 1.0

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        constant_(out, 1.0)


@_register
class Constant(Zeros):
    """Keras's ``Constant``: every element ``value`` (a scalar).

    Parameters
    ----------
    value : float, default 0.0
        The value, rounded to the dtype of each call.

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> fik.Constant(0.5)((2,)).tolist()
    [0.5, 0.5]
    >>> fik.Constant(0.5).get_config()
    {'value': 0.5}
    """

    def __init__(self, value: float = 0.0) -> None:
        _finite(value, "value")
        self.value = _plain(value)

    def _value(self) -> float:
        return float(self.value)

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        constant_(out, float(self.value))

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {"value": self.value}


@_register
class Identity(Zeros):
    """Keras's ``Identity``: ``gain`` times the identity matrix (2-d shapes only).

    Non-square shapes get ``gain`` on the main diagonal, zeros elsewhere.

    Parameters
    ----------
    gain : float, default 1.0
        The diagonal's value.

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> fik.Identity(2.0)((2, 3)).tolist()
    [[2.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
    """

    def __init__(self, gain: float = 1.0) -> None:
        _finite(gain, "gain")
        self.gain = _plain(gain)

    def _value(self) -> float:
        return float(self.gain)

    def _other(self, shape: tuple[int, ...], name: str) -> np.ndarray[Any, Any]:
        out = np.zeros(shape, dtype=name)
        np.fill_diagonal(out, self._value())
        return out

    def _check(self, shape: tuple[int, ...]) -> None:
        if len(shape) != 2:
            raise ValueError(f"Identity needs a 2-d shape, got shape={shape} of rank "
                             f"{len(shape)}")

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        eye_(out)
        if float(self.gain) != 1.0:
            n = min(out.shape)
            constant_(out.reshape(-1)[::out.shape[1] + 1][:n], float(self.gain))

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {"gain": self.gain}


class _Seeded(_Fastinit):
    """``seed=`` as Keras reads it: see :func:`to_key` and the module's notes."""

    def __init__(self, seed: SeedLike = None) -> None:
        self._init_seed = seed
        if seed is None:
            # Keras's draw for an unseeded initializer: Python's random module,
            # once, so that keras.utils.set_random_seed fixes it
            seed = _pyrandom.randint(1, 10**9)
        elif isinstance(seed, dict):
            seed = keras.saving.deserialize_keras_object(seed)
        if not isinstance(seed, keras.random.SeedGenerator):
            seed = _int_seed(seed)
        #: The int seed, or the SeedGenerator drawn from at each call.
        self.seed: int | keras.random.SeedGenerator = seed

    def _key(self) -> Key:
        return to_key(self.seed)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration; ``seed`` as given)."""
        return {"seed": keras.saving.serialize_keras_object(self._init_seed)}


@_register
class RandomNormal(_Seeded):
    """Keras's ``RandomNormal``: values from :math:`\\mathcal{N}(\\text{mean}, \\text{stddev}^2)`.

    Equal to ``fastinit.normal(shape, mean, stddev, rng=seed)`` for an int seed.

    Parameters
    ----------
    mean : float, default 0.0
    stddev : float, default 0.05
        Non-negative.
    seed : int, keras.random.SeedGenerator or None
        See :func:`to_key`.

    Examples
    --------
    >>> import numpy as np, fastinit, fastinit.keras as fik
    >>> w = fik.RandomNormal(stddev=1.0, seed=3)((4, 5))
    >>> np.array_equal(w, fastinit.normal((4, 5), 0.0, 1.0, rng=3))
    True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: SeedLike = None) -> None:
        _finite(mean, "mean")
        if not _finite(stddev, "stddev") >= 0:
            raise ValueError(f"stddev must be non-negative, got {stddev!r}")
        self.mean, self.stddev = _plain(mean), _plain(stddev)
        super().__init__(seed)

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        normal_(out, float(self.mean), float(self.stddev), rng=key)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@_register
class TruncatedNormal(_Seeded):
    """Keras's ``TruncatedNormal``: the normal of ``mean`` and ``stddev`` cut at
    ``mean +- 2 stddev``.

    ``stddev`` is the untruncated normal's. Equal to
    ``fastinit.trunc_normal(shape, mean, stddev, mean - 2 * stddev, mean + 2 *
    stddev, rng=seed)`` for an int seed.

    Parameters
    ----------
    mean : float, default 0.0
    stddev : float, default 0.05
        Positive.
    seed : int, keras.random.SeedGenerator or None
        See :func:`to_key`.

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> w = fik.TruncatedNormal(stddev=1.0, seed=0)((1000,))
    >>> bool(abs(w).max() <= 2.0)
    True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: SeedLike = None) -> None:
        _finite(mean, "mean")
        if not _finite(stddev, "stddev") > 0:
            raise ValueError(f"stddev must be positive, got {stddev!r}")
        self.mean, self.stddev = _plain(mean), _plain(stddev)
        super().__init__(seed)

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        m, s = float(self.mean), float(self.stddev)
        trunc_normal_(out, m, s, m - 2.0 * s, m + 2.0 * s, rng=key)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@_register
class RandomUniform(_Seeded):
    """Keras's ``RandomUniform``: values from :math:`\\mathcal{U}[\\text{minval}, \\text{maxval})`.

    Equal to ``fastinit.uniform(shape, minval, maxval, rng=seed)`` for an int seed.

    Parameters
    ----------
    minval : float, default -0.05
    maxval : float, default 0.05
        Greater than ``minval``.
    seed : int, keras.random.SeedGenerator or None
        See :func:`to_key`.

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> w = fik.RandomUniform(0.0, 1.0, seed=0)((1000,))
    >>> bool(w.min() >= 0.0 and w.max() < 1.0)
    True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05,
                 seed: SeedLike = None) -> None:
        lo, hi = _finite(minval, "minval"), _finite(maxval, "maxval")
        if not lo < hi:
            raise ValueError(f"maxval must be greater than minval, got minval={minval!r}, "
                             f"maxval={maxval!r}")
        self.minval, self.maxval = _plain(minval), _plain(maxval)
        super().__init__(seed)

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        uniform_(out, float(self.minval), float(self.maxval), rng=key)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


def _axes_arg(axes: Sequence[int] | None, name: str) -> list[int] | None:
    if axes is None:
        return None
    try:
        out = list(axes)
    except TypeError:
        raise TypeError(f"{name} must be a list of ints or None, got {axes!r}") from None
    for a in out:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(f"{name} must be a list of ints or None, got {axes!r}")
    return [int(a) for a in out]


@_register
class VarianceScaling(_Seeded):
    """Keras's ``VarianceScaling``: variance ``scale / n``, ``n`` the mode's fan.

    ``n`` is ``fan_in``, ``fan_out`` or their mean (:func:`keras_fans`, at
    least 1). ``distribution``: ``"truncated_normal"`` (also spelled
    ``"normal"``, as in Keras) is the normal truncated to two standard
    deviations, whose untruncated standard deviation is ``sqrt(scale / n) /
    0.87962566103423978`` so that the truncated one is ``sqrt(scale / n)``;
    ``"untruncated_normal"`` the normal of that standard deviation;
    ``"uniform"`` the uniform on ``[-limit, limit)``, ``limit = sqrt(3 scale
    / n)``. Equal, for an int seed and Keras's default fans, to
    ``fastinit.variance_scaling(shape, scale, mode, distribution, in_axis=-2,
    out_axis=-1, rng=seed)``.

    Parameters
    ----------
    scale : float, default 1.0
        Positive.
    mode : {"fan_in", "fan_out", "fan_avg"}, default "fan_in"
    distribution : {"truncated_normal", "normal", "untruncated_normal", "uniform"}
        Any case; default ``"truncated_normal"``.
    seed : int, keras.random.SeedGenerator or None
        See :func:`to_key`.
    input_axes, output_axes : list of int, optional
        The axes whose sizes multiply into the fans (both, or Keras's layout).

    Examples
    --------
    >>> import numpy as np, fastinit, fastinit.keras as fik
    >>> w = fik.VarianceScaling(2.0, "fan_in", "truncated_normal", seed=0)((3, 3, 8, 16))
    >>> ref = fastinit.variance_scaling((3, 3, 8, 16), 2.0, "fan_in", "truncated_normal",
    ...                                in_axis=-2, out_axis=-1, rng=0)
    >>> np.array_equal(w, ref)
    True
    """

    def __init__(self, scale: float = 1.0, mode: Mode = "fan_in",
                 distribution: Distribution = "truncated_normal", seed: SeedLike = None,
                 input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> None:
        if not _finite(scale, "scale") > 0:
            raise ValueError(f"scale must be a positive float, got {scale!r}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}")
        if not isinstance(distribution, str):
            raise TypeError(f"distribution must be a str, got {distribution!r}")
        law = distribution.lower()
        law = "truncated_normal" if law == "normal" else law
        if law not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(f"distribution must be 'truncated_normal', 'normal', "
                             f"'untruncated_normal' or 'uniform', got {distribution!r}")
        self.scale, self.mode = _plain(scale), mode
        self.distribution = cast(Distribution, law)
        self.input_axes = _axes_arg(input_axes, "input_axes")
        self.output_axes = _axes_arg(output_axes, "output_axes")
        super().__init__(seed)

    def _check(self, shape: tuple[int, ...]) -> None:
        keras_fans(shape, self.input_axes, self.output_axes)

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        fan_in, fan_out = keras_fans(out.shape, self.input_axes, self.output_axes)
        fans = (max(1, fan_in), max(1, fan_out))
        variance_scaling_(out, float(self.scale), self.mode, self.distribution, rng=key,
                          in_axis=0, out_axis=1, full_shape=fans)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _Named(VarianceScaling):
    """A fixed ``VarianceScaling``: Keras's named schemes."""

    _law: ClassVar[tuple[float, Mode, Distribution]]

    def __init__(self, seed: SeedLike = None, input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> None:
        scale, mode, distribution = self._law
        super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {"seed": keras.saving.serialize_keras_object(self._init_seed),
                "input_axes": self.input_axes, "output_axes": self.output_axes}


_NamedT = TypeVar("_NamedT", bound="type[_Named]")


def _named_doc(cls: _NamedT, keras_law: str) -> _NamedT:
    scale, mode, distribution = cls._law
    functional = {"truncated_normal": "truncated_normal", "uniform": "uniform"}[distribution]
    cls.__doc__ = f"""Keras's ``{cls.__name__}``: {keras_law}.

    :class:`VarianceScaling` ``({scale}, "{mode}", "{distribution}")``; equal,
    for an int seed and Keras's default fans, to
    ``fastinit.variance_scaling(shape, {scale}, "{mode}", "{functional}",
    in_axis=-2, out_axis=-1, rng=seed)``.

    Parameters
    ----------
    seed : int, keras.random.SeedGenerator or None
        See :func:`to_key`.
    input_axes, output_axes : list of int, optional
        The axes whose sizes multiply into the fans (both, or Keras's layout).

    Examples
    --------
    >>> import fastinit.keras as fik
    >>> fik.{cls.__name__}(seed=0)((64, 32)).shape
    (64, 32)
    """
    return cls


@_register
class GlorotUniform(_Named):
    _law = (1.0, "fan_avg", "uniform")


@_register
class GlorotNormal(_Named):
    _law = (1.0, "fan_avg", "truncated_normal")


@_register
class LecunUniform(_Named):
    _law = (1.0, "fan_in", "uniform")


@_register
class LecunNormal(_Named):
    _law = (1.0, "fan_in", "truncated_normal")


@_register
class HeUniform(_Named):
    _law = (2.0, "fan_in", "uniform")


@_register
class HeNormal(_Named):
    _law = (2.0, "fan_in", "truncated_normal")


_named_doc(GlorotUniform, "uniform on ``[-limit, limit)``, ``limit = sqrt(6 / (fan_in + "
                          "fan_out))``")
_named_doc(GlorotNormal, "truncated normal of standard deviation ``sqrt(2 / (fan_in + "
                         "fan_out))``")
_named_doc(LecunUniform, "uniform on ``[-limit, limit)``, ``limit = sqrt(3 / fan_in)``")
_named_doc(LecunNormal, "truncated normal of standard deviation ``sqrt(1 / fan_in)``")
_named_doc(HeUniform, "uniform on ``[-limit, limit)``, ``limit = sqrt(6 / fan_in)``")
_named_doc(HeNormal, "truncated normal of standard deviation ``sqrt(2 / fan_in)``")


@_register
class Orthogonal(_Seeded):
    """Keras's ``Orthogonal``: a Haar-random (semi-)orthogonal matrix times ``gain``.

    The matrix has ``shape[-1]`` columns and the product of the other
    dimensions as rows, reshaped to ``shape``: orthonormal columns when it is
    tall, orthonormal rows when wide (at least 2 dimensions). It is
    :func:`fastinit.orthogonal_`'s ``(columns, rows)`` matrix in place (a
    transposed Haar matrix is Haar): for an int seed,
    ``np.moveaxis(fastinit.orthogonal((shape[-1], *shape[:-1]), gain,
    rng=seed), 0, -1)``, and :func:`fastinit.jax.orthogonal`'s values.

    Parameters
    ----------
    gain : float, default 1.0
    seed : int, keras.random.SeedGenerator or None
        See :func:`to_key`.

    Examples
    --------
    >>> import numpy as np, fastinit.keras as fik
    >>> q = fik.Orthogonal(seed=0)((6, 4), dtype="float64")
    >>> np.allclose(q.T @ q, np.eye(4))
    True
    """

    def __init__(self, gain: float = 1.0, seed: SeedLike = None) -> None:
        _finite(gain, "gain")
        self.gain = _plain(gain)
        super().__init__(seed)

    def _check(self, shape: tuple[int, ...]) -> None:
        if len(shape) < 2:
            raise ValueError(f"Orthogonal needs at least 2 dimensions, got shape={shape} of "
                             f"rank {len(shape)}")

    def _fill(self, out: np.ndarray[Any, Any], key: Key | None) -> None:
        orthogonal_(np.moveaxis(out, -1, 0), float(self.gain), rng=key)

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments (Keras's configuration)."""
        return {**super().get_config(), "gain": self.gain}
