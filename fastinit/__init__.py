"""fastinit: parallel, reproducible neural-network weight initialization.

In-place initializers end in ``_`` and take torch.nn.init's arguments; their
functional twins take a shape and ``dtype=`` and return a new NumPy array.
Every random value is a pure function of (seed, flat index): identical for any
thread count, SIMD path, memory layout or split of the tensor into pieces.
"""
__version__ = "0.2.0"

from . import _core
from ._config import (get_num_threads, get_simd_path, set_num_threads, set_simd_path,
                      show_config)
from ._config import _simd_from_env
from ._hugepages import get_hugepages, set_hugepages
from ._hugepages import from_env as _hugepages_from_env
from ._random import Key, manual_seed
from .philox import philox4x32

_simd_from_env()
del _simd_from_env
_hugepages_from_env()
del _hugepages_from_env

# The public initializers and helpers register themselves (fastinit._public)
# when their modules are imported; their names are exported from that list.
from . import _fans, fills, truncated, schemes, structured, bias, orthogonal  # noqa: E402
from . import _public  # noqa: E402
from .registry import Initializer, available, get  # noqa: E402

for _name in _public.exported():
    globals()[_name] = getattr(_public.module_of(_name), _name)
del _name

__all__ = ["__version__", "show_config", "get_num_threads", "set_num_threads",
           "get_simd_path", "set_simd_path", "get_hugepages", "set_hugepages",
           "manual_seed", "Key", "philox4x32",
           *_public.exported(), "get", "Initializer", "available"]
