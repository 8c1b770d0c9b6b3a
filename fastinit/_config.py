"""Thread count, SIMD path and build configuration."""
from __future__ import annotations

import numbers
import operator
import os
import threading
from typing import TextIO

from . import _core

__all__ = ["set_num_threads", "get_num_threads", "show_config", "get_simd_path",
           "set_simd_path"]

_lock = threading.Lock()
_num_threads = None  # set_num_threads(); None means OpenMP's default
_SMALL = _core.SMALL  # fills up to this many elements run on one thread


def _usable_cpus():
    """CPUs this process may run on: its affinity mask where the OS has one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _check_thread_arg(n, name):
    """A thread-count argument: a positive int, or -k for all usable CPUs but k - 1."""
    if type(n) is int and n > 0:    # the common case
        return n
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}: {n!r}")
    n = operator.index(n)
    if n == 0:
        raise ValueError(f"{name}=0 is not allowed: use a positive count, or a negative "
                         f"one to count back from the number of CPUs (-1 = all)")
    cpus = _usable_cpus() if n < 0 else None
    if n < 0 and n < -cpus:
        raise ValueError(f"{name}={n} counts back past the {cpus} usable CPUs; use a "
                         f"positive count or one of -1..-{cpus} (-1 = all)")
    return n


def set_num_threads(n: int | None) -> int | None:
    """Set the default number of threads for fastinit's fills.

    ``n`` is a positive count, or negative to count back from the CPUs
    (``-1`` = all of them); ``None`` restores OpenMP's default, which honours
    ``OMP_NUM_THREADS`` and threadpoolctl. Counts above the CPUs this process
    may use are capped at them when a fill runs. Returns the previous setting.
    """
    global _num_threads
    if n is not None:
        n = _check_thread_arg(n, "n")
    with _lock:
        old, _num_threads = _num_threads, n
    return old


def get_num_threads() -> int:
    """The number of threads a fill uses when ``num_threads`` is not given."""
    return _resolve_threads(None)


def _resolve_threads(num_threads, elements=None):
    """The thread count of one call, resolved in this one place.

    The argument, else :func:`set_num_threads`, else OpenMP's default
    (``OMP_NUM_THREADS``, threadpoolctl); validated; capped at the CPUs this
    process may use (more threads than CPUs only add fork/join and memory:
    the values never depend on the count); 1 in a build without OpenMP and
    in a ``fork()`` child, where GNU libgomp's pool would hang (as torch does).
    The kernels cap it again at their number of tasks. A fill of
    ``elements`` up to ``_core.SMALL`` runs on one thread: the argument is
    checked and nothing else is asked (no OpenMP query, no affinity
    syscall).
    """
    if num_threads is None:
        num_threads = _num_threads
    if num_threads is None:
        if elements is not None and elements <= _SMALL:
            return 1
        n = _core.omp_max_threads()
    else:
        n = _check_thread_arg(num_threads, "num_threads")
    if n == 1 or (elements is not None and elements <= _SMALL) \
            or not _core.openmp_enabled() or _core.forked():
        return 1
    cpus = _usable_cpus()
    return max(1, min(n, cpus) if n > 0 else cpus + 1 + n)


def get_simd_path() -> str:
    """The SIMD path the kernels use now: 'baseline', 'avx2' or 'avx512'."""
    return _core.get_simd()


def set_simd_path(name: str) -> None:
    """Force a SIMD path ('baseline', 'avx2', 'avx512' or 'auto').

    All paths give identical bits; this exists so that tests can prove it.
    Also set at import from the environment variable ``FASTINIT_SIMD``.
    """
    if name == "auto":
        name = _core.simd_best()
    if name not in _core.SIMD_PATHS:
        raise ValueError(f"SIMD path must be one of {_core.SIMD_PATHS + ('auto',)}, "
                         f"got {name!r}")
    _core.set_simd(name)  # type: ignore[arg-type]  # (checked against SIMD_PATHS above)


def _simd_from_env():
    name = os.environ.get("FASTINIT_SIMD", "").strip().lower()
    if name:
        set_simd_path(name)


def _hugepages_line():
    """The huge-page switch and the system's transparent-huge-page mode."""
    from . import _hugepages
    on = _hugepages.get_hugepages()
    mode = _hugepages.thp_mode()
    system = f"THP mode '{mode}'" if mode else "no transparent huge pages on this system"
    if not _hugepages.available():
        return f"{'on' if on else 'off'} (no effect: {system})"
    what = "advised MADV_HUGEPAGE" if on else "left to the kernel"
    return (f"{'on' if on else 'off'} (fresh allocations {what}; {system}; "
            f"set_hugepages() or {_hugepages.ENV}=0)")


def show_config(file: TextIO | None = None) -> None:
    """Print the version, OpenMP status, default thread count and SIMD paths."""
    from . import __version__
    lines = [
        f"fastinit {__version__}",
        f"  OpenMP:          {'enabled' if _core.openmp_enabled() else 'DISABLED (serial build)'}",
        f"  default threads: {get_num_threads()}",
        f"  SIMD path:       {get_simd_path()} (best here: {_core.simd_best()}; "
        f"supported: {', '.join(p for p in _core.SIMD_PATHS if _core.simd_supported(p))})",
        f"  block size:      {_core.BLOCK} elements; arrays up to {_core.SMALL} run on one thread",
        f"  huge pages:      {_hugepages_line()}",
    ]
    print("\n".join(lines), file=file)
