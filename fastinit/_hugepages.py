"""Transparent huge pages for fastinit's own fresh allocations.

First-touch page faults on 4 kB pages cost more than the random numbers that
fill them (one fault per 1024 float32 values). Where Linux offers
transparent huge pages (THP: ``/sys/kernel/mm/transparent_hugepage/enabled``
is ``always`` or ``madvise``), the memory fastinit allocates itself (the
functional twins' outputs, :func:`fastinit.torch.materialize`'s parameters,
orthogonal's workspace) is advised ``madvise(MADV_HUGEPAGE)`` on its
2 MB-aligned interior before anything touches it; the parallel fill then
does the first touch, 2 MB per fault. The advice covers only whole 2 MB
pages inside the range, so the resident memory never exceeds the range.

Elsewhere (THP ``never``, no THP, not Linux, ranges that hold no whole
2 MB page, or the switch off) :func:`advise` returns at once.
"""
from __future__ import annotations

import os
import sys
import threading

import numpy as np

__all__ = ["set_hugepages", "get_hugepages"]

HUGE = 2 << 20                 # x86-64 and arm64 (4 kB base pages) PMD size
MADV_HUGEPAGE = 14             # linux/mman.h, the same on every Linux architecture
_THP_FILE = "/sys/kernel/mm/transparent_hugepage/enabled"
ENV = "FASTINIT_HUGEPAGES"

_lock = threading.Lock()
_enabled = True                # the switch (set_hugepages, FASTINIT_HUGEPAGES)
_mode = None                   # THP mode, read once: "always", "madvise", "never", ""
_madvise = None                # libc's madvise through ctypes, found once


def thp_mode() -> str:
    """The system's THP mode: 'always', 'madvise' or 'never'; '' where there
    is none (not Linux, a kernel without THP, an unreadable file)."""
    global _mode
    if _mode is None:
        mode = ""
        if sys.platform.startswith("linux"):
            try:
                with open(_THP_FILE) as f:
                    text = f.read()
                # the active mode is the bracketed one: "always [madvise] never"
                mode = text[text.index("[") + 1:text.index("]")]
            except (OSError, ValueError):
                mode = ""
        _mode = mode
    return _mode


def available() -> bool:
    """Whether THP can be asked for here (mode 'always' or 'madvise')."""
    return thp_mode() in ("always", "madvise")


def _check_enabled(enabled, name):
    if isinstance(enabled, (bool, np.bool_)):
        return bool(enabled)
    raise TypeError(f"{name} must be True or False, got {type(enabled).__name__}: "
                    f"{enabled!r}")


def set_hugepages(enabled: bool) -> bool:
    """Turn the transparent-huge-page advice for fresh allocations on or off.

    Where Linux offers transparent huge pages (THP mode ``always`` or
    ``madvise``), fastinit advises ``madvise(MADV_HUGEPAGE)`` on the whole
    2 MB pages inside the memory it allocates itself before filling it: the
    arrays of the functional twins (``fastinit.normal(shape)``), the
    parameters of :func:`fastinit.torch.materialize`, and the orthogonal
    sampler's workspace. A 2 MB page then costs one page fault instead of
    512, so a fill of fresh memory runs close to the speed of a fill of
    memory already touched. Values are the same either way; the resident
    memory does not grow (only whole huge pages inside an allocation are
    advised). Arrays that you pass to an in-place initializer are never
    advised. The advice is on by default; the environment variable
    ``FASTINIT_HUGEPAGES=0`` turns it off at import. Elsewhere (THP
    ``never``, macOS, Windows) this switch changes nothing.
    :func:`fastinit.show_config` shows the switch and the system's mode.

    Parameters
    ----------
    enabled : bool
        ``True`` to advise huge pages where the system offers them,
        ``False`` to leave the kernel's defaults.

    Returns
    -------
    bool
        The previous setting.

    See Also
    --------
    get_hugepages : the current setting.

    Notes
    -----
    NumPy also advises huge pages on its own allocations of 4 MB and more
    (``numpy._core.multiarray._set_madvise_hugepage``); that is NumPy's
    switch, not this one. PyTorch's allocator does not, unless
    ``THP_MEM_ALLOC_ENABLE=1`` is set.

    Examples
    --------
    >>> import fastinit
    >>> previous = fastinit.set_hugepages(False)
    >>> fastinit.get_hugepages()
    False
    >>> w = fastinit.normal((1024, 1024), rng=0)   # 4 kB pages, same values
    >>> fastinit.set_hugepages(previous)
    False
    """
    global _enabled
    enabled = _check_enabled(enabled, "enabled")
    with _lock:
        old, _enabled = _enabled, enabled
    return old


def get_hugepages() -> bool:
    """Whether fastinit advises transparent huge pages on its fresh allocations.

    Returns the switch of :func:`set_hugepages` (``True`` by default, or as
    set by ``FASTINIT_HUGEPAGES``); whether the system offers them is shown
    by :func:`fastinit.show_config`.

    Examples
    --------
    >>> import fastinit
    >>> isinstance(fastinit.get_hugepages(), bool)
    True
    """
    return _enabled


_ENV_VALUES = {"1": True, "true": True, "on": True, "yes": True,
               "0": False, "false": False, "off": False, "no": False}


def from_env():
    """Apply ``FASTINIT_HUGEPAGES`` (1/true/on/yes or 0/false/off/no)."""
    value = os.environ.get(ENV, "").strip().lower()
    if not value:
        return
    if value not in _ENV_VALUES:
        raise ValueError(f"{ENV} must be one of {', '.join(sorted(_ENV_VALUES))}, "
                         f"got {os.environ[ENV]!r}")
    set_hugepages(_ENV_VALUES[value])


def _libc_madvise():
    global _madvise
    if _madvise is None:
        import ctypes
        try:
            fn = ctypes.CDLL(None, use_errno=True).madvise
            fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
            fn.restype = ctypes.c_int
        except (OSError, AttributeError):
            fn = False
        _madvise = fn
    return _madvise


def interior(address, nbytes):
    """(start, length) of the whole 2 MB pages inside [address, address + nbytes)."""
    start = -(-address // HUGE) * HUGE
    end = (address + nbytes) // HUGE * HUGE
    return start, max(0, end - start)


def advise(address, nbytes):
    """Ask for huge pages on the 2 MB-aligned interior of a fresh range.

    Call before the range is first touched. True when the advice was given;
    False (at the cost of a few comparisons) when the switch is off, the
    system offers no THP, or the range holds no whole 2 MB page. A refusal by
    the kernel is not an error: the range keeps its ordinary pages.
    """
    if not _enabled or nbytes < HUGE or not available():
        return False
    start, length = interior(address, nbytes)
    if length == 0:
        return False
    fn = _libc_madvise()
    return bool(fn) and fn(start, length, MADV_HUGEPAGE) == 0


def advise_array(arr):
    """:func:`advise` on a NumPy array's memory (its whole buffer, which
    must be fresh: allocated by fastinit and not yet written)."""
    if arr.nbytes < HUGE:
        return False
    return advise(arr.ctypes.data, arr.nbytes)
