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

# initializers (issue #3)
from ._fans import calculate_fan_in_and_fan_out, calculate_gain
from .truncated import trunc_normal, trunc_normal_
from .schemes import (glorot_normal, glorot_normal_, glorot_uniform, glorot_uniform_, he_normal,
                      he_normal_, he_uniform, he_uniform_, kaiming_normal, kaiming_normal_,
                      kaiming_uniform, kaiming_uniform_, lecun_normal, lecun_normal_,
                      lecun_uniform, lecun_uniform_, variance_scaling, variance_scaling_,
                      xavier_normal, xavier_normal_, xavier_uniform, xavier_uniform_)
from .structured import dirac, dirac_, eye, eye_, sparse, sparse_
from .bias import (bias_constant, bias_constant_, bias_uniform, bias_uniform_, bias_zeros,
                   bias_zeros_, torch_default_init_)
from .registry import Initializer, available, get

__all__ += [
    "calculate_fan_in_and_fan_out", "calculate_gain", "trunc_normal_", "trunc_normal",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "lecun_uniform_", "lecun_normal_", "variance_scaling_", "glorot_uniform_",
    "glorot_normal_", "he_uniform_", "he_normal_",
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "lecun_uniform", "lecun_normal", "variance_scaling", "glorot_uniform", "glorot_normal",
    "he_uniform", "he_normal",
    "eye_", "dirac_", "sparse_", "eye", "dirac", "sparse",
    "bias_zeros_", "bias_constant_", "bias_uniform_", "torch_default_init_",
    "bias_zeros", "bias_constant", "bias_uniform",
    "get", "Initializer", "available",
]

# orthogonal (issue #4)
from .orthogonal import delta_orthogonal, delta_orthogonal_, orthogonal, orthogonal_

__all__ += ["orthogonal_", "orthogonal", "delta_orthogonal_", "delta_orthogonal"]
