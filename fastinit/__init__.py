"""fastinit: parallel, reproducible neural-network weight initialization.

In-place initializers end in ``_`` and take torch.nn.init's arguments; their
functional twins take a shape and ``dtype=`` and return a new NumPy array.
Every random value is a pure function of (seed, flat index): identical for any
thread count, SIMD path, memory layout or split of the tensor into pieces.
"""
__version__ = "0.1.0"

from . import _core
from ._config import (get_num_threads, get_simd_path, set_num_threads, set_simd_path,
                      show_config)
from ._config import _simd_from_env
from ._random import manual_seed
from .fills import (constant, constant_, normal, normal_, ones, ones_, uniform, uniform_,
                    zeros, zeros_)
from .philox import philox4x32

_simd_from_env()
del _simd_from_env

__all__ = [
    "__version__", "show_config", "get_num_threads", "set_num_threads", "get_simd_path",
    "set_simd_path", "manual_seed", "philox4x32",
    "zeros_", "ones_", "constant_", "uniform_", "normal_",
    "zeros", "ones", "constant", "uniform", "normal",
]
from .orthogonal import delta_orthogonal, delta_orthogonal_, orthogonal, orthogonal_

__all__ += ["orthogonal_", "orthogonal", "delta_orthogonal_", "delta_orthogonal"]
