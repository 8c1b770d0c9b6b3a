"""JAX and Flax: ``jax.nn.initializers``' names, signatures and laws over fastinit's streams.

Every factory of ``jax.nn.initializers`` has its twin here, with the same
name, arguments and defaults, returning an initializer ``init(key, shape,
dtype=None) -> jax.Array`` that Flax (``nnx`` and ``linen``) and plain JAX
code take wherever they take JAX's own::

    import fastinit.jax as fij
    nnx.Linear(784, 512, kernel_init=fij.he_normal(), rngs=nnx.Rngs(0))

- **Laws:** JAX's, not torch's. ``he_normal``, ``glorot_normal`` and
  ``lecun_normal`` are truncated normals (``variance_scaling`` with
  ``"truncated_normal"``: the normal truncated to two standard deviations,
  rescaled to the target variance), fans follow ``in_axis=-2,
  out_axis=-1`` (``(in, out)`` dense kernels, ``HWIO`` convolutions), and
  ``orthogonal``'s columns lie along ``column_axis``. The values are
  fastinit's: a pure function of the key and the flat index, equal for any
  thread count, and equal, block by block, to any sharding of the array.
- **Keys** (:func:`to_key`): a JAX key (typed, from ``jax.random.key``,
  or a raw ``uint32`` ``PRNGKey``) maps to a :class:`fastinit.Key` by a
  fixed rule on ``jax.random.key_data``; an int seed or a
  :class:`fastinit.Key` is taken as fastinit takes it everywhere, so
  ``fij.he_normal()(0, shape)`` equals ``fastinit.variance_scaling(shape,
  2.0, "fan_in", "truncated_normal", in_axis=-2, out_axis=-1, rng=0)``.
- **Under** ``jax.jit`` the fill runs on the host through
  ``jax.pure_callback``, with ``vmap_method="sequential"`` (a ``vmap``
  over keys fills one array per key, each equal to the unbatched call).
  Outside ``jit`` the array is filled in memory aligned for XLA and handed
  to JAX without a copy on the CPU (:func:`jax.device_put` aliases it).
- **Sharded arrays:** :func:`make_array` fills each shard alone, through
  fastinit's index space, and equals the unsharded array bit for bit.
- **Ports from PyTorch:** :func:`torch_layout` gives, for the same key, the
  transpose of what a torch-layout initializer (or
  :func:`fastinit.torch.init_`) writes into the matching torch parameter.

Needs the optional extra ``jax`` (``pip install 'fastinit-nn[jax]'``).
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal, TypeAlias

import numpy as np

try:
    import jax
    import jax.numpy as jnp
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError("fastinit.jax needs jax: pip install 'fastinit-nn[jax]'") from exc

try:       # JAX 0.7+: callbacks that write XLA's output buffers in place
    from jax.experimental.buffer_callback import buffer_callback as _buffer_callback
except ImportError:  # pragma: no cover - older JAX: pure_callback, one copy more
    _buffer_callback = None

from . import _dtypes, _hugepages, _tensor
from ._fans import _axis, calculate_fan_in_and_fan_out
from ._random import Key
from .fills import constant_, normal_, uniform_
from .orthogonal import orthogonal_
from .registry import Initializer as _Registered, get as _get
from .schemes import variance_scaling_
from .truncated import trunc_normal_

__all__ = ["Initializer", "to_key", "JAX_STREAM", "make_array", "torch_layout",
           "constant", "zeros", "ones", "uniform", "normal", "truncated_normal",
           "variance_scaling", "jax_fans", "glorot_uniform", "glorot_normal", "xavier_uniform",
           "xavier_normal", "lecun_uniform", "lecun_normal", "he_uniform", "he_normal",
           "kaiming_uniform", "kaiming_normal", "orthogonal", "delta_orthogonal"]

#: The stream word of the :class:`fastinit.Key` a JAX key maps to ("JAX\\0"):
#: JAX keys get their own streams, apart from fastinit's int seeds.
JAX_STREAM: Final[int] = 0x4A415800

#: A key: a JAX key (typed or raw uint32), an int seed or a fastinit.Key.
KeyLike: TypeAlias = "jax.Array | np.ndarray[Any, Any] | int | Key"
#: A shape, as JAX passes it.
Shape: TypeAlias = Sequence[int]
#: JAX's fan modes and variance_scaling's laws.
Mode: TypeAlias = Literal["fan_in", "fan_out", "fan_avg", "fan_geo_avg"]
Distribution: TypeAlias = Literal["truncated_normal", "normal", "uniform"]
#: A block of the whole array: one slice per dimension.
Index: TypeAlias = "tuple[slice, ...]"

# writes whole[index] of the law into out (a NumPy array of the block's shape)
_Fill: TypeAlias = "Callable[[np.ndarray[Any, Any], Key, tuple[int, ...], Index], None]"


# ---- keys ----------------------------------------------------------------------------------

def _is_jax_key(key: Any) -> bool:
    dtype = getattr(key, "dtype", None)
    return dtype is not None and jax.dtypes.issubdtype(dtype, jax.dtypes.prng_key)


def _words_key(words: np.ndarray[Any, Any]) -> Key:
    """The rule of :func:`to_key` on a key's uint32 words."""
    w = [int(x) for x in np.asarray(words, dtype=np.uint32).reshape(-1)]
    if len(w) < 2 or len(w) % 2:
        raise ValueError(f"a JAX key's data must be an even number (>= 2) of uint32 words, "
                         f"got {len(w)}")
    key = Key.from_words(w[0], w[1], JAX_STREAM)
    for lo, hi in zip(w[2::2], w[3::2]):
        key = key.fold_in(lo | hi << 32)
    return key


def to_key(key: KeyLike) -> Key:
    """The :class:`fastinit.Key` that a JAX key (or seed) stands for.

    The rule, fixed across versions: the key's data ``w =
    jax.random.key_data(key)`` (a raw ``PRNGKey`` is its own data), as
    uint32 words, gives ``Key.from_words(w[0], w[1], JAX_STREAM)``, folded
    with ``w[2] | w[3] << 32`` and each further pair (implementations with
    wider keys, e.g. ``rbg``). An int seed or a :class:`fastinit.Key` is
    used as fastinit uses it everywhere (``Key(seed)``).

    Parameters
    ----------
    key : jax.Array, numpy.ndarray, int or fastinit.Key
        A concrete key (inside ``jax.jit`` the initializers map the traced
        key's data on the host).

    Examples
    --------
    >>> import jax, fastinit, fastinit.jax as fij
    >>> fij.to_key(jax.random.key(0)) == fij.to_key(jax.random.PRNGKey(0))
    True
    >>> fij.to_key(7) == fastinit.Key(7)
    True
    """
    if isinstance(key, Key):
        return key
    if isinstance(key, numbers.Integral) and not isinstance(key, bool):
        return Key(int(key))
    if isinstance(key, jax.core.Tracer):
        raise TypeError("to_key needs a concrete key; inside jax.jit call the initializer "
                        "itself (it maps the traced key on the host)")
    if _is_jax_key(key):
        return _words_key(np.asarray(jax.random.key_data(key)))
    arr = np.asarray(key)
    if arr.dtype != np.uint32:
        raise TypeError(f"key must be a JAX key (jax.random.key or a uint32 PRNGKey), an int "
                        f"or a fastinit.Key, got {type(key).__name__} of dtype {arr.dtype}")
    return _words_key(arr)


# ---- dtypes and memory ---------------------------------------------------------------------

def _float_dtype(dtype: Any) -> Any:
    """JAX's canonical float dtype for ``dtype`` (None: jnp.float_, float32 unless x64)."""
    d = jax.dtypes.canonicalize_dtype(jnp.float_ if dtype is None else dtype)
    if d not in (jnp.float16, jnp.bfloat16, jnp.float32, jnp.float64):
        raise TypeError(f"dtype must be float16, bfloat16, float32 or float64, got {dtype!r}")
    return d


def _storage(d: Any) -> np.dtype[Any]:
    """The NumPy dtype fastinit fills for JAX dtype ``d`` (bfloat16: its tagged uint16)."""
    if d == jnp.bfloat16:
        return next(x for x in _dtypes.DTYPES if x.name == "bfloat16").numpy
    return np.dtype(d)


def _empty(shape: tuple[int, ...], d: Any) -> np.ndarray[Any, Any]:
    """A fresh C-contiguous array XLA can alias: 64-byte aligned (2 MB from 2 MB
    up, so that the huge-page advice covers it), advised before the fill
    touches it; bfloat16 comes back as fastinit's tagged uint16 storage."""
    storage = _storage(d)
    nbytes = math.prod(shape) * storage.itemsize
    align = 2 << 20 if nbytes >= 2 << 20 else 64
    raw = np.empty(nbytes + align, np.uint8)
    start = (-raw.ctypes.data) % align
    out = raw[start:start + nbytes].view(storage).reshape(shape)
    _hugepages.advise_array(out)
    return out


def _to_jax(arr: np.ndarray[Any, Any], d: Any) -> jax.Array:
    """``arr`` as a jax.Array of dtype ``d``: aliased, not copied, on the CPU."""
    if d == jnp.bfloat16:
        arr = arr.view(jnp.bfloat16)
    return jax.device_put(arr)


def _block_index(index: Sequence[slice], shape: tuple[int, ...]) -> tuple[slice, ...]:
    """``index`` with explicit starts and stops (step 1), as fastinit's ``index=``."""
    if len(index) != len(shape):
        raise ValueError(f"index {index!r} has {len(index)} slices for a {len(shape)}-d array")
    out = []
    for s, n in zip(index, shape):
        start, stop, step = s.indices(n)
        if step != 1:
            raise ValueError(f"index slices must have step 1, got {s!r}")
        out.append(slice(start, max(start, stop)))
    return tuple(out)


# ---- the initializer -------------------------------------------------------------------------

class Initializer:
    """A JAX initializer over fastinit: ``init(key, shape, dtype=None) -> jax.Array``.

    Made by this module's factories; callable wherever JAX, Flax ``nnx`` or
    ``linen`` take an initializer. :meth:`block` fills one block of the
    whole (what :func:`make_array` gives each shard).

    Parameters
    ----------
    name : str
        What ``repr`` shows.
    fill : callable
        ``fill(out, key, global_shape, index)`` writes ``whole[index]`` into
        the NumPy array ``out``.
    dtype : dtype, optional
        The default ``dtype`` of calls (None: ``jnp.float_``).
    """

    def __init__(self, name: str, fill: _Fill, dtype: Any = None) -> None:
        self.name = name
        self._fill = fill
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"fastinit.jax.{self.name}"

    def _host(self, key: Key, shape: tuple[int, ...], d: Any,
              index: tuple[slice, ...] | None = None) -> np.ndarray[Any, Any]:
        block = shape if index is None else tuple(s.stop - s.start for s in index)
        out = _empty(block, d)
        if out.size:
            self._fill(out, key, shape, tuple(slice(0, n) for n in shape) if index is None
                       else index)
        return out

    def __call__(self, key: KeyLike, shape: Shape, dtype: Any = None) -> jax.Array:
        """The whole array of ``shape`` for ``key`` (see :func:`to_key`)."""
        shape = _tensor.check_shape(tuple(shape))
        d = _float_dtype(self.dtype if dtype is None else dtype)
        if isinstance(key, jax.core.Tracer):
            return self._traced(jax.random.key_data(key) if _is_jax_key(key) else key,
                                shape, d)
        return _to_jax(self._host(to_key(key), shape, d), d)

    def _traced(self, data: jax.Array, shape: tuple[int, ...], d: Any) -> jax.Array:
        """The call inside a trace (jit, vmap): a host callback on the key's words.

        On the CPU, ``buffer_callback`` (JAX 0.7+) lets the fill write XLA's
        own output buffer; elsewhere ``pure_callback`` returns a host array
        that XLA copies. Batched keys (vmap) are filled one after another."""
        result = jax.ShapeDtypeStruct(shape, d)
        whole = tuple(slice(0, n) for n in shape)
        if _buffer_callback is not None and jax.default_backend() == "cpu":
            storage = _storage(d)

            def fill_buffer(ctx: Any, out: Any, words: Any) -> None:
                arr = np.asarray(out).view(storage)
                if arr.size:
                    _hugepages.advise_array(arr)
                    self._fill(arr, _words_key(np.asarray(words)), shape, whole)

            return _buffer_callback(fill_buffer, result, vmap_method="sequential")(data)

        def host(words: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
            out = self._host(_words_key(words), shape, d)
            return out.view(jnp.bfloat16) if d == jnp.bfloat16 else out

        return jax.pure_callback(host, result, data, vmap_method="sequential")

    def block(self, key: KeyLike, shape: Shape, dtype: Any = None,
              index: Sequence[slice] | None = None) -> np.ndarray[Any, Any]:
        """``whole[index]`` as a NumPy array, ``whole`` being ``self(key, shape, dtype)``.

        Computed alone, through fastinit's ``global_shape=``/``index=``: equal
        to the same block of the whole, bit for bit (orthogonal blocks: see
        :func:`orthogonal`). bfloat16 blocks come as ``ml_dtypes.bfloat16``.
        """
        shape = _tensor.check_shape(tuple(shape))
        d = _float_dtype(self.dtype if dtype is None else dtype)
        index = tuple(slice(0, n) for n in shape) if index is None else \
            _block_index(index, shape)
        out = self._host(to_key(key), shape, d, index)
        return out.view(jnp.bfloat16) if d == jnp.bfloat16 else out


def make_array(init: Initializer, key: KeyLike, shape: Shape, dtype: Any = None,
               sharding: jax.sharding.Sharding | None = None) -> jax.Array:
    """A (sharded) jax.Array of ``init``'s values, each shard filled alone.

    With a ``sharding``, ``jax.make_array_from_callback`` asks for each
    device's block and :meth:`Initializer.block` fills just that block:
    the assembled array equals ``init(key, shape, dtype)`` bit for bit, for
    any mesh, ``PartitionSpec`` and replicated axes, and no process ever
    holds the whole. Without one, the whole array.

    Examples
    --------
    >>> import jax, numpy as np, fastinit.jax as fij
    >>> from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    >>> mesh = Mesh(np.array(jax.devices()[:1]), ("x",))
    >>> w = fij.make_array(fij.he_normal(), 0, (8, 4), sharding=NamedSharding(mesh, P("x")))
    >>> bool((w == fij.he_normal()(0, (8, 4))).all())
    True
    """
    if not isinstance(init, Initializer):
        raise TypeError(f"init must be a fastinit.jax initializer (its blocks are filled "
                        f"alone), got {init!r}")
    if sharding is None:
        return init(key, shape, dtype)
    shape = _tensor.check_shape(tuple(shape))
    fkey = to_key(key)
    d = _float_dtype(init.dtype if dtype is None else dtype)
    return jax.make_array_from_callback(
        shape, sharding, lambda index: init.block(fkey, shape, d, index))


# ---- the factories: jax.nn.initializers' names and defaults -------------------------------------

def constant(value: Any, dtype: Any = None) -> Initializer:
    """Every element ``value`` (JAX's ``constant``; ``value`` broadcast to the shape)."""
    value_arr = np.asarray(value)

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        if value_arr.ndim == 0:
            constant_(out, float(value_arr))
        else:      # (bfloat16 storage: rounded to nearest even by ml_dtypes, as JAX does)
            whole = np.broadcast_to(value_arr, shape)[index]
            (out.view(jnp.bfloat16) if out.dtype.metadata else out)[...] = whole
    return Initializer(f"constant({value!r})", fill, dtype)


def _constant_init(name: str, value: float) -> Initializer:
    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        constant_(out, value)
    return Initializer(name, fill)


#: ``zeros(key, shape, dtype=None)``: JAX's ``zeros`` (an initializer, not a factory).
zeros = _constant_init("zeros", 0.0)
#: ``ones(key, shape, dtype=None)``: JAX's ``ones``.
ones = _constant_init("ones", 1.0)


def uniform(scale: float = 1e-2, dtype: Any = None) -> Initializer:
    """Values from :math:`\\mathcal{U}[0, \\text{scale})`, as JAX's ``uniform``."""
    scale = _tensor.check_float(scale, "scale", nonnegative=True)

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        uniform_(out, 0.0, scale, rng=key, global_shape=shape, index=index)
    return Initializer(f"uniform({scale!r})", fill, dtype)


def normal(stddev: float = 1e-2, dtype: Any = None) -> Initializer:
    """Values from :math:`\\mathcal{N}(0, \\text{stddev}^2)`, as JAX's ``normal``."""
    stddev = _tensor.check_float(stddev, "stddev", nonnegative=True)

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        normal_(out, 0.0, stddev, rng=key, global_shape=shape, index=index)
    return Initializer(f"normal({stddev!r})", fill, dtype)


def truncated_normal(stddev: float = 1e-2, dtype: Any = None, lower: float = -2.0,
                     upper: float = 2.0) -> Initializer:
    """``stddev`` times the standard normal truncated to [lower, upper], as JAX's
    ``truncated_normal`` (``stddev`` is the untruncated normal's)."""
    stddev = _tensor.check_float(stddev, "stddev", nonnegative=True)
    lower = _tensor.check_float(lower, "lower")
    upper = _tensor.check_float(upper, "upper")
    if not lower < upper:
        raise ValueError(f"truncated_normal needs lower < upper, got lower={lower}, "
                         f"upper={upper}")

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        trunc_normal_(out, 0.0, stddev, lower * stddev, upper * stddev, rng=key,
                      global_shape=shape, index=index)
    return Initializer(f"truncated_normal({stddev!r}, lower={lower!r}, upper={upper!r})",
                       fill, dtype)


def jax_fans(shape: Sequence[int], in_axis: int | Sequence[int] = -2,
             out_axis: int | Sequence[int] = -1,
             batch_axis: int | Sequence[int] = ()) -> tuple[int, int]:
    """(fan_in, fan_out) as ``jax.nn.initializers`` computes them.

    ``in_size * receptive`` and ``out_size * receptive``, the sizes being
    products over ``in_axis`` and ``out_axis`` and the receptive field the
    product over the other axes but ``batch_axis``: JAX's defaults for
    :func:`fastinit.calculate_fan_in_and_fan_out`.
    """
    return calculate_fan_in_and_fan_out(tuple(shape), in_axis=in_axis, out_axis=out_axis,
                                        batch_axis=batch_axis)


def variance_scaling(scale: float, mode: Mode, distribution: Distribution,
                     in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                     batch_axis: int | Sequence[int] = (), dtype: Any = None) -> Initializer:
    """JAX's ``variance_scaling``: variance ``scale / fan`` for the ``mode``'s fan.

    ``distribution``: ``"truncated_normal"`` (truncated to two standard
    deviations of the untruncated normal, whose std is ``sqrt(scale / fan)
    / 0.87962566``), ``"normal"`` or ``"uniform"`` (``[-limit, limit)``,
    ``limit = sqrt(3 scale / fan)``). Fans by :func:`jax_fans`.
    """
    if mode not in ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"):
        raise ValueError(f"mode must be fan_in, fan_out, fan_avg or fan_geo_avg, got {mode!r}")
    if distribution not in ("truncated_normal", "normal", "uniform"):
        raise ValueError(f"distribution must be truncated_normal, normal or uniform, got "
                         f"{distribution!r}")
    law = "untruncated_normal" if distribution == "normal" else distribution
    scale = _tensor.check_float(scale, "scale")

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        variance_scaling_(out, scale, mode, law, rng=key, in_axis=in_axis, out_axis=out_axis,
                          batch_axis=batch_axis, global_shape=shape, index=index)
    return Initializer(f"variance_scaling({scale!r}, {mode!r}, {distribution!r})", fill, dtype)


def _named(name: str, scale: float, mode: Mode,
           distribution: Distribution) -> Callable[..., Initializer]:
    def factory(in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                batch_axis: int | Sequence[int] = (), dtype: Any = None) -> Initializer:
        init = variance_scaling(scale, mode, distribution, in_axis, out_axis, batch_axis, dtype)
        init.name = f"{name}()"
        return init
    factory.__name__ = factory.__qualname__ = name
    factory.__doc__ = (f"JAX's ``{name}``: ``variance_scaling({scale}, {mode!r}, "
                       f"{distribution!r})``.")
    return factory


glorot_uniform = xavier_uniform = _named("glorot_uniform", 1.0, "fan_avg", "uniform")
glorot_normal = xavier_normal = _named("glorot_normal", 1.0, "fan_avg", "truncated_normal")
lecun_uniform = _named("lecun_uniform", 1.0, "fan_in", "uniform")
lecun_normal = _named("lecun_normal", 1.0, "fan_in", "truncated_normal")
he_uniform = kaiming_uniform = _named("he_uniform", 2.0, "fan_in", "uniform")
he_normal = kaiming_normal = _named("he_normal", 2.0, "fan_in", "truncated_normal")


def orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: Any = None, *,
               exact: bool = True) -> Initializer:
    """A Haar-random (semi-)orthogonal matrix times ``scale``, as JAX's ``orthogonal``.

    The matrix has ``shape[column_axis]`` columns and the product of the
    other dimensions as rows; orthonormal columns when it is tall,
    orthonormal rows when wide. It is :func:`fastinit.orthogonal_`'s
    ``(columns, rows)`` matrix, transposed into place (a transposed Haar
    matrix is Haar), so blocks follow fastinit's rules: exact for any block
    that takes all of Q's rows; for the others ``exact=False`` trades
    bit-identity with the whole for speed (docs: sharded initialization).
    """
    scale = _tensor.check_float(scale, "scale")

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        if len(shape) < 2:
            raise ValueError(f"orthogonal needs at least 2 dimensions, got shape {shape}")
        axis = _axis(column_axis, len(shape), "column_axis")
        order = (axis,) + tuple(a for a in range(len(shape)) if a != axis)
        view = np.transpose(out, order)          # (columns, other dims...): a strided view
        orthogonal_(view, scale, rng=key, exact=exact,
                    global_shape=tuple(shape[a] for a in order),
                    index=tuple(index[a] for a in order))
    return Initializer(f"orthogonal({scale!r}, column_axis={column_axis})", fill, dtype)


def delta_orthogonal(scale: float = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """JAX's ``delta_orthogonal`` for ``(spatial..., in, out)`` kernels, 3 to 5 dimensions.

    Zero but for the spatial centre (``s // 2`` on each spatial axis), which
    holds :func:`orthogonal` ``(scale, column_axis)`` of the ``(in, out)``
    shape; ``in <= out`` (Xiao et al., ICML 2018).
    """
    ortho = orthogonal(scale, column_axis)

    def fill(out: np.ndarray[Any, Any], key: Key, shape: tuple[int, ...], index: Index) -> None:
        if not 3 <= len(shape) <= 5:
            raise ValueError(f"delta_orthogonal needs 3 to 5 dimensions, got shape {shape}")
        if shape[-2] > shape[-1]:
            raise ValueError(f"delta_orthogonal needs in <= out, got shape {shape} "
                             f"(in={shape[-2]}, out={shape[-1]})")
        constant_(out, 0.0)
        centre = [s // 2 for s in shape[:-2]]
        if all(sl.start <= c < sl.stop for c, sl in zip(centre, index)):
            at = tuple(c - sl.start for c, sl in zip(centre, index))
            ortho._fill(out[at], key, tuple(shape[-2:]), index[-2:])
    return Initializer(f"delta_orthogonal({scale!r}, column_axis={column_axis})", fill, dtype)


# ---- ports from PyTorch ------------------------------------------------------------------------

def torch_layout(initializer: str | _Registered, *, key: KeyLike | None = None,
                 dtype: Any = None, **kwargs: Any) -> Initializer:
    """A JAX initializer giving the transpose of a torch-layout fastinit initializer.

    For a JAX ``shape`` ``(spatial..., in, out)`` (a Dense kernel ``(in,
    out)``, an ``HWIO`` convolution), the torch tensor ``(out, in,
    spatial...)`` is filled by ``fastinit.get(initializer, **kwargs)`` and
    its axes moved into JAX's order; 1-d shapes (biases) are filled as they
    are. With ``key`` (a seed or :class:`fastinit.Key`), that key is used
    and the JAX key ignored: then the same module ported to both frameworks
    starts from the same weights. :func:`fastinit.torch.init_` keys each
    tensor ``Key(seed).fold_in(name)``, so torch's ``nn.Linear`` defaults for
    a layer named ``"0"`` are::

        kernel_init=torch_layout("kaiming_uniform", a=math.sqrt(5),
                                 key=fastinit.Key(seed).fold_in("0.weight"))
        bias_init=torch_layout("bias_uniform", weight=(out, in),
                               key=fastinit.Key(seed).fold_in("0.bias"))

    Examples
    --------
    >>> import numpy as np, fastinit, fastinit.jax as fij
    >>> k = fij.torch_layout("kaiming_uniform", a=5 ** 0.5)(0, (3, 4))
    >>> w = fastinit.kaiming_uniform_(np.empty((4, 3), np.float32), a=5 ** 0.5, rng=0)
    >>> bool((np.asarray(k) == w.T).all())
    True
    """
    init = initializer if isinstance(initializer, _Registered) else _get(initializer, **kwargs)
    if isinstance(initializer, _Registered) and kwargs:
        init = _get(initializer, **kwargs)
    fixed = None if key is None else to_key(key)

    def fill(out: np.ndarray[Any, Any], k: Key, shape: tuple[int, ...], index: Index) -> None:
        if index != tuple(slice(0, n) for n in shape):
            raise ValueError("torch_layout initializers fill whole arrays only")
        if out.ndim < 2:
            init(out, rng=k if fixed is None else fixed)
            return
        order = (out.ndim - 1, out.ndim - 2) + tuple(range(out.ndim - 2))
        init(np.transpose(out, order), rng=k if fixed is None else fixed)
    return Initializer(f"torch_layout({init!r})", fill, dtype)
