"""Seeding: ``fastinit.Key`` and the resolution of ``rng=`` / ``generator=``.

Every random fill is a pure function of a :class:`Key`: a 64-bit Philox key
and a 32-bit stream word (docs/randomness.md). A call's ``rng=`` (SPEC 7:
None, int, SeedSequence, Generator, or a Key; torch's ``generator=`` also
takes a ``torch.Generator``) becomes one Key per fill. ``rng=None`` draws
from a module default generator that ``manual_seed`` resets, under a lock,
so successive calls differ and a seeded program is reproducible.
"""
from __future__ import annotations

import functools
import numbers
import threading

import numpy as np

from . import _core
from ._typing import Seed

__all__ = ["Key", "key_words", "manual_seed", "resolve_key", "spawn_sources"]

_lock = threading.Lock()
_default = np.random.Generator(np.random.PCG64())

_MASK32 = 0xFFFFFFFF
# Counter word c3 of the derivations (docs/randomness.md). Fills use c3 = 0
# and rejection retries c3 = 1..100000, so derivations never reuse a counter
# of the stream they derive from.
TAG_SPLIT = 0x53504C54    # "SPLT"
TAG_FOLD = 0x464F4C44     # "FOLD": fold_in(int)
TAG_NAME = 0x4E414D45     # "NAME": fold_in(str)
TAG_HASH = 0x48415348     # "HASH": the string digest


def manual_seed(seed: int) -> None:
    """Reset the default generator that calls without ``rng=`` draw from."""
    global _default
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    with _lock:
        _default = np.random.Generator(np.random.PCG64(int(seed)))


def _philox(counters, key):
    """Philox4x32-10 of an (n, 4) list of counters under the 2-word key."""
    c = np.ascontiguousarray(np.asarray(counters, dtype=np.uint32).reshape(-1, 4))
    k = np.ascontiguousarray(np.asarray(key, dtype=np.uint32))
    return _core.philox4x32(c, k)


def _words_from_generator(gen):
    return tuple(gen.integers(0, 2**32, size=3, dtype=np.uint64).tolist())


@functools.lru_cache(maxsize=1024)
def _seed_words(seed):
    """The key words of an int seed: SeedSequence(seed)'s first three state words.

    A pure function of ``seed``, remembered: building a SeedSequence costs
    more than a small fill.
    """
    return tuple(np.random.SeedSequence(seed).generate_state(3).tolist())


class _TorchDraw(threading.local):
    # this thread's (int64[3] tensor that torch draws key words into, its
    # NumPy view, to read them)
    pair = None


_torch_draw = _TorchDraw()


def _torch_words(gen):
    """Three words from torch generator ``gen`` (None: torch's default generator).

    The words of ``torch.randint(0, 2**32, (3,), generator=gen,
    dtype=torch.int64)``, drawn in place into a per-thread CPU buffer
    (``random_`` is what ``randint`` runs on a new tensor), so that
    ``torch.manual_seed`` makes them reproducible and ``generator=g`` equals
    the default generator seeded as ``g``.
    """
    pair = _torch_draw.pair
    if pair is None:
        import torch
        with torch.inference_mode(False):   # a normal tensor, usable in and out of it
            buf = torch.empty(3, dtype=torch.int64, device="cpu")
        pair = _torch_draw.pair = buf, buf.numpy()
    if gen is None:     # (passing generator=None costs an argument parse)
        pair[0].random_(0, 2**32)
    else:
        pair[0].random_(0, 2**32, generator=gen)
    return tuple(pair[1].tolist())


def _source(rng, generator, torch_default=False):
    """Validate the seed arguments; return a function that draws (k0, k1, stream).

    The one place that checks ``rng=`` and ``generator=``. With neither,
    the key comes from torch's default generator when ``torch_default``
    (the target is a torch tensor), else from fastinit's default generator.
    """
    if generator is None and rng is None and torch_default:
        return lambda: _torch_words(None)
    if generator is not None:
        if rng is not None:
            raise ValueError("pass either rng= or generator=, not both")
        if type(generator).__module__.startswith("torch"):
            return lambda: _torch_words(generator)
        rng = generator
    if rng is None:
        def draw_default():
            with _lock:
                return _words_from_generator(_default)
        return draw_default
    if type(rng) is int and rng >= 0:   # the common seeded call, first
        return lambda: _seed_words(rng)
    if isinstance(rng, Key):
        return lambda: rng.words
    if isinstance(rng, np.random.Generator):
        # Generator methods are not thread-safe; callers share it at their risk,
        # as with NumPy itself.
        return lambda: _words_from_generator(rng)
    if isinstance(rng, np.random.SeedSequence):
        return lambda: tuple(int(x) for x in rng.generate_state(3, dtype=np.uint32))
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng must be a non-negative int seed, got {rng}")
        seed = int(rng)
        return lambda: _seed_words(seed)
    raise TypeError("rng must be None, an int, a numpy.random.SeedSequence, a "
                    f"numpy.random.Generator or a fastinit.Key, got {type(rng).__name__}: "
                    f"{rng!r}")


def _string_digest(data):
    """Two words of a fixed, platform-independent digest of the UTF-8 bytes of ``data``.

    Davies-Meyer over Philox4x32-10: the bytes are zero-padded to 8-byte
    blocks m_j = (m0, m1) (little-endian words); h starts at (0, 0) and
    h <- philox((h0, h1, j, TAG_HASH), key=(m0, m1))[:2] xor h per block;
    the digest is philox((h0, h1, len_lo, len_hi), key=(TAG_HASH, TAG_HASH))[:2]
    with len the byte count (so zero padding cannot collide).
    """
    raw = data.encode("utf-8")
    padded = raw + b"\0" * (-len(raw) % 8)
    blocks = np.frombuffer(padded, dtype="<u4").reshape(-1, 2)
    h0 = h1 = 0
    for j, (m0, m1) in enumerate(blocks.tolist()):
        y = _philox([h0, h1, j & _MASK32, TAG_HASH], [m0, m1])[0]
        h0, h1 = int(y[0]) ^ h0, int(y[1]) ^ h1
    n = len(raw)
    y = _philox([h0, h1, n & _MASK32, n >> 32], [TAG_HASH, TAG_HASH])[0]
    return int(y[0]), int(y[1])


class Key:
    """A random key: the value every fastinit random fill is a function of.

    A Key holds a 64-bit Philox4x32-10 key ``(k0, k1)`` and a 32-bit stream
    word; a fill's value at flat index ``i`` depends only on (key, ``i``,
    distribution, parameters, dtype). Keys are immutable values: passing the
    same Key as ``rng=`` twice gives the same values twice (unlike a
    Generator, which advances). Derive independent keys with :meth:`split`
    and :meth:`fold_in`.

    Parameters
    ----------
    seed : None, int, numpy.random.SeedSequence, numpy.random.Generator,
        torch.Generator or Key
        Any ``rng=`` source. ``Key(s)`` gives the values ``rng=s`` gives for
        an int or SeedSequence; a Generator (or None, the default generator)
        is advanced by one draw.

    Notes
    -----
    Derivations (fixed; see docs/randomness.md). With ``P(c0, c1, c2, c3)``
    Philox4x32-10 under this key's ``(k0, k1)`` and ``s`` its stream word:

    - ``split(n)[i] = P(i_lo, i_hi, s, 0x53504C54)[:3]``;
    - ``fold_in(d)`` for an int ``0 <= d < 2**64``: ``P(d_lo, d_hi, s, 0x464F4C44)[:3]``;
    - ``fold_in(name)`` for a str: ``P(h0, h1, s, 0x4E414D45)[:3]``, ``(h0, h1)``
      a Philox-based digest of the name's UTF-8 bytes.

    Fills use counter word ``c3 = 0``, rejection retries ``c3 = 1..100000``
    and the normal sampler's retries ``c3 = 0x80000001..0x800186A0``, so no
    derivation reuses a counter of its parent's stream.

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> key = fastinit.Key(0)
    >>> np.array_equal(fastinit.normal(4, rng=key), fastinit.normal(4, rng=0))
    True
    >>> w_key, b_key = key.split(2)
    >>> key.fold_in("encoder.layer0.weight") == key.fold_in("encoder.layer0.weight")
    True
    """

    __slots__ = ("_words",)

    def __init__(self, seed: Seed = None) -> None:
        torch_gen = type(seed).__module__.startswith("torch")
        self._words = tuple((_source(None, seed) if torch_gen else _source(seed, None))())

    @classmethod
    def from_words(cls, k0: int, k1: int, stream: int) -> Key:
        """The Key with Philox key (k0, k1) and stream word ``stream`` (each < 2**32)."""
        words: list[int] = []
        for name, w in (("k0", k0), ("k1", k1), ("stream", stream)):
            if isinstance(w, bool) or not isinstance(w, numbers.Integral) \
                    or not 0 <= w <= _MASK32:
                raise ValueError(f"{name} must be an int in [0, 2**32 - 1], got {w!r}")
            words.append(int(w))
        key = cls.__new__(cls)
        key._words = tuple(words)
        return key

    @classmethod
    def _of(cls, words):
        """The Key of words already known to be three uint32 ints (no checks)."""
        key = cls.__new__(cls)
        key._words = words
        return key

    @property
    def words(self) -> tuple[int, int, int]:
        """(k0, k1, stream): the Philox key words and the stream word."""
        return self._words

    def _derive(self, counters):
        k0, k1, _ = self._words
        out = _philox(counters, [k0, k1])
        return [Key._of((a, b, c)) for a, b, c, _ in out.tolist()]

    def split(self, n: int) -> list[Key]:
        """``n`` new, independent keys (a list), a pure function of this key and ``n``'s index."""
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 0 <= n < 2**32:
            raise ValueError(f"split(n) needs an int n in [0, 2**32), got {n!r}")
        s = self._words[2]
        return self._derive([[i, 0, s, TAG_SPLIT] for i in range(int(n))]) if n else []

    def fold_in(self, data: int | str) -> Key:
        """A new key derived from this one and ``data`` (an int in [0, 2**64) or a str).

        Equal data give equal keys; ints and strs are derived in separate
        sub-spaces (``fold_in(1) != fold_in("1")``). Strings are encoded as
        UTF-8, so a name gives the same key on every platform and version.
        """
        s = self._words[2]
        if isinstance(data, str):
            h0, h1 = _string_digest(data)
            return self._derive([[h0, h1, s, TAG_NAME]])[0]
        if isinstance(data, bool) or not isinstance(data, numbers.Integral):
            raise TypeError(f"fold_in takes an int or a str, got {type(data).__name__}: "
                            f"{data!r}")
        if not 0 <= data < 2**64:
            raise ValueError(f"fold_in(int) needs 0 <= data < 2**64, got {data}")
        d = int(data)
        return self._derive([[d & _MASK32, d >> 32, s, TAG_FOLD]])[0]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and self._words == other._words

    def __hash__(self) -> int:
        return hash(("fastinit.Key",) + self._words)

    def __repr__(self) -> str:
        return "fastinit.Key.from_words({}, {}, {})".format(*self._words)

    def __reduce__(self):
        return (Key.from_words, self._words)


def resolve_key(rng=None, generator=None, *, draw=True, torch_default=False):
    """The Key of one fill, from ``rng=`` / ``generator=``.

    With ``draw=False`` the arguments are only checked and nothing is drawn
    (None is returned): zero-element fills are no-ops and leave generators
    where they were. ``torch_default``: the target is a torch tensor, so
    that without a seed the key is drawn from torch's default generator
    (``torch.manual_seed`` makes a torch program reproducible, and
    ``generator=g`` equals the default generator seeded as ``g``).
    """
    words = key_words(rng, generator, draw=draw, torch_default=torch_default)
    return None if words is None else Key._of(words)


def key_words(rng=None, generator=None, *, draw=True, torch_default=False):
    """:func:`resolve_key`'s words ``(k0, k1, stream)`` (None without ``draw``),
    without making a Key: the call of every element-wise fill.

    The common sources (torch's default generator or a torch.Generator,
    fastinit's default generator, a non-negative int seed) are drawn
    directly; every other case goes through :func:`_source`, which checks it.
    """
    if generator is None:
        if not draw and rng is None:    # nothing to check, nothing to draw
            return None
        if rng is None:
            if torch_default:
                return _torch_words(None)
            with _lock:
                return _words_from_generator(_default)
        if draw and type(rng) is int and rng >= 0:
            return _seed_words(rng)
    elif draw and rng is None and type(generator).__module__.startswith("torch"):
        return _torch_words(generator)
    source = _source(rng, generator, torch_default)
    return tuple(source()) if draw else None


def spawn_sources(rng, generator, n):
    """``n`` seed sources, as (rng, generator) pairs, for the ``n`` fills of one call.

    An int or SeedSequence is spawned into SeedSequence children and a Key
    is split (so one seed gives independent streams); a Generator, a
    torch.Generator or None is shared, and the fills draw from it one after
    another.
    """
    _source(rng, generator)   # the checks, nothing drawn
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        rng = np.random.SeedSequence(int(rng))
    if isinstance(rng, np.random.SeedSequence):
        return [(child, None) for child in rng.spawn(n)]
    if isinstance(rng, Key):
        return [(child, None) for child in rng.split(n)]
    return [(rng, generator)] * n
