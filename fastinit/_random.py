"""Seeding: turn ``rng=`` / ``generator=`` into a Philox key and stream.

Every call draws a fresh 64-bit key and a 32-bit stream word from its seed
source (SPEC 7: None, int, SeedSequence or Generator; torch's ``generator=``
also takes a ``torch.Generator``). ``rng=None`` draws from a module default
generator that ``manual_seed`` resets, under a lock, so successive calls
differ and a seeded program is reproducible.
"""
import numbers
import threading

import numpy as np

__all__ = ["manual_seed", "resolve_stream"]

_lock = threading.Lock()
_default = np.random.Generator(np.random.PCG64())


def manual_seed(seed):
    """Reset the default generator that calls without ``rng=`` draw from."""
    global _default
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}: {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    with _lock:
        _default = np.random.Generator(np.random.PCG64(int(seed)))


def _words_from_generator(gen):
    return tuple(int(x) for x in gen.integers(0, 2**32, size=3, dtype=np.uint64))


def _torch_words(gen):
    import torch
    w = torch.randint(0, 2**32, (3,), generator=gen, dtype=torch.int64)
    return tuple(int(x) for x in w.tolist())


def _source(rng, generator):
    """Validate the seed arguments; return a function that draws (k0, k1, stream)."""
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
        return lambda: tuple(int(x) for x in np.random.SeedSequence(seed).generate_state(3))
    raise TypeError("rng must be None, an int, a numpy.random.SeedSequence or a "
                    f"numpy.random.Generator, got {type(rng).__name__}: {rng!r}")


def resolve_stream(rng=None, generator=None, *, draw=True):
    """Return (k0, k1, stream) for one call.

    With ``draw=False`` the arguments are only checked and nothing is drawn
    (None is returned): zero-element fills are no-ops and leave generators
    where they were.
    """
    source = _source(rng, generator)
    return source() if draw else None
