"""Exceptions that are both torch's type and fastinit's documented one.

fastinit's rule is that bad input raises ``TypeError`` or ``ValueError``
(docs/guide/guarantees.md; ``fastinit.torch.patch`` relies on it).
Where ``torch.nn.init`` raises another type for the same call, fastinit
raises a subclass of both, so that a drop-in caller's ``except`` clause
written for torch catches it, and ``except ValueError`` / ``except
TypeError`` still do. tests/test_torch_errors.py holds the comparison, call
by call.
"""


class RuntimeValueError(RuntimeError, ValueError):
    """A value torch's own in-place op refuses with a ``RuntimeError``: an
    inference tensor outside inference mode, a view whose elements overlap,
    ``uniform_`` bounds (``a > b``, not finite, outside the dtype), a
    ``normal_`` ``std`` that is negative or NaN, a fill value outside the
    dtype, the bounds and spread of ``trunc_normal_``, the gains of the
    schemes that would give such arguments."""


class UnsupportedTensorError(TypeError, NotImplementedError):
    """A target of a kind fastinit does not fill (a dtype other than float16,
    bfloat16, float32, float64; a sparse layout; a nested tensor; a lazy
    negation view), where torch's kernels raise ``NotImplementedError``
    (a ``RuntimeError``) for the dtypes and layouts they lack."""


class ValueOverflowError(ValueError, OverflowError):
    """A number beyond the float range (``std=10**400``, a leaky_relu slope
    whose gain overflows), where torch (Python's float conversion, or
    ``math``) raises ``OverflowError``."""
