"""Thread count, SIMD path and build configuration."""
import numbers
import operator
import os
import threading

from . import _core

__all__ = ["set_num_threads", "get_num_threads", "show_config", "get_simd_path",
           "set_simd_path"]

_lock = threading.Lock()
_num_threads = None  # set_num_threads(); None means OpenMP's default


def _check_thread_arg(n, name):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}: {n!r}")
    n = operator.index(n)
    if n == 0:
        raise ValueError(f"{name}=0 is not allowed: use a positive count, or a negative "
                         f"one to count back from the number of CPUs (-1 = all)")
    return n


def _from_top(n):
    if n > 0:
        return n
    return max(1, (os.cpu_count() or 1) + 1 + n)


def set_num_threads(n):
    """Set the default number of threads for fastinit's fills.

    ``n`` is a positive count, or negative to count back from the CPUs
    (``-1`` = all of them); ``None`` restores OpenMP's default, which honours
    ``OMP_NUM_THREADS`` and threadpoolctl. Returns the previous setting.
    """
    global _num_threads
    if n is not None:
        n = _check_thread_arg(n, "n")
    with _lock:
        old, _num_threads = _num_threads, n
    return old


def get_num_threads():
    """The number of threads a fill uses when ``num_threads`` is not given."""
    return _resolve_threads(None)


def _resolve_threads(num_threads):
    """Thread count for one call: the argument, else set_num_threads(), else OpenMP."""
    if num_threads is None:
        num_threads = _num_threads
    if num_threads is None:
        n = _core.omp_max_threads()
    else:
        n = _from_top(_check_thread_arg(num_threads, "num_threads"))
    return n if _core.openmp_enabled() else 1


def get_simd_path():
    """The SIMD path the kernels use now: 'baseline', 'avx2' or 'avx512'."""
    return _core.get_simd()


def set_simd_path(name):
    """Force a SIMD path ('baseline', 'avx2', 'avx512' or 'auto').

    All paths give identical bits; this exists so that tests can prove it.
    Also set at import from the environment variable ``FASTINIT_SIMD``.
    """
    if name == "auto":
        name = _core.simd_best()
    if name not in _core.SIMD_PATHS:
        raise ValueError(f"SIMD path must be one of {_core.SIMD_PATHS + ('auto',)}, "
                         f"got {name!r}")
    _core.set_simd(name)


def _simd_from_env():
    name = os.environ.get("FASTINIT_SIMD", "").strip().lower()
    if name:
        set_simd_path(name)


def show_config(file=None):
    """Print the version, OpenMP status, default thread count and SIMD paths."""
    from . import __version__
    lines = [
        f"fastinit {__version__}",
        f"  OpenMP:          {'enabled' if _core.openmp_enabled() else 'DISABLED (serial build)'}",
        f"  default threads: {get_num_threads()}",
        f"  SIMD path:       {get_simd_path()} (best here: {_core.simd_best()}; "
        f"supported: {', '.join(p for p in _core.SIMD_PATHS if _core.simd_supported(p))})",
        f"  block size:      {_core.BLOCK} elements; arrays up to {_core.SMALL} run on one thread",
    ]
    print("\n".join(lines), file=file)
