"""The truncated normal distribution: exact rejection samplers in C.

The method is chosen per call from the standardized bounds
``alpha = (a - mean) / std`` and ``beta = (b - mean) / std`` (computed here,
in double): whichever of four exact samplers accepts most often.

- the ziggurat of the normal truncated to [-c, c], c = max(|alpha|, |beta|)
  (tables built for that c, fastinit/_src/ztab.c), its values kept inside
  [alpha, beta]: central intervals with 2^-20 <= c <= 4, such as the
  default (-2, 2), where it rejects almost nothing; folded (+-|z|) for a
  one-sided interval [0, c];
- normal rejection: propose N(0, 1) (the very values of ``normal_``) and keep
  those inside [alpha, beta]; when P(alpha < Z < beta) is large and the
  ziggurat would save less than 0.1% of rejections (c > 3.3 or so); for a
  one-sided interval near 0 the proposals are folded (+-|z|, half-normal);
- uniform proposals on [alpha, beta], accepted with probability
  exp((m^2 - x^2) / 2) (m the point nearest 0): narrow intervals;
- Robert's (1995) exponential proposals for one-sided tails (lower tails
  flipped), with the value computed as ``bound + std * delta`` so that it is
  precise even when the mean is far away or std tiny.

Rejected elements retry from their own Philox sub-space, so the values are a
function of (seed, flat index) only, like every other fill.
"""
from __future__ import annotations

import functools
import math
import os
import threading
from collections.abc import Sequence

import numpy as np

from . import _config, _core, _dtypes, _tensor
from ._errors import RuntimeValueError
from ._public import public
from ._tensor import check_float, sample_
from ._typing import ArrayT, Seed, GeneratorArg, Index


# the kernel's method codes (kernels.h), and FOLDED, ZIGGURAT_FOLDED: NORMAL
# and ZIGGURAT with proposals +-|z| (one-sided intervals), choices of this
# module only
NORMAL, UNIFORM, EXP, ZIGGURAT = (_core.TN_METHODS[m]
                                  for m in ("normal", "uniform", "exp", "ziggurat"))
FOLDED = max(NORMAL, UNIFORM, EXP, ZIGGURAT) + 1
ZIGGURAT_FOLDED = FOLDED + 1
ZIG_CMIN, ZIG_CMAX = 2.0 ** -20, 4.0   # the [-c, c] with their own ziggurat (narrower:
                                       # uniform proposals are as good)
_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


@functools.lru_cache(maxsize=64)
def ziggurat_table(c):
    """The tables of the ziggurat on [-c, c] (64 kB), built once per c (3 ms)."""
    return _core.ztab(c)


_ahead_lock = threading.Lock()
_ahead = {}          # c -> Future of ziggurat_table(c), for fills queued by collecting()
_builder = [None, None]   # [the executor, the process it was made in]


def _table_ahead(c):
    """ziggurat_table(c); inside :func:`fastinit._tensor.collecting`, a
    :class:`concurrent.futures.Future` of it instead, built on helper threads
    (the build releases the GIL) while the caller plans its other fills;
    :func:`fastinit._tensor.run_jobs` waits for it before the one parallel
    pass. So a model whose layers use many intervals builds their tables in
    parallel, behind its planning, not one after another. The tables are
    the same either way."""
    if _tensor._queue.jobs is None:
        return ziggurat_table(c)
    with _ahead_lock:
        fut = _ahead.get(c)
        if fut is None or fut.cancelled():
            if _builder[0] is None or _builder[1] != os.getpid():   # (new after a fork)
                from concurrent.futures import ThreadPoolExecutor
                _builder[:] = [ThreadPoolExecutor(_config._usable_cpus(),
                                                  thread_name_prefix="fastinit-ztab"),
                               os.getpid()]
                _ahead.clear()
            if len(_ahead) >= 64:      # finished builds: ziggurat_table's cache has them
                for k in [k for k, f in _ahead.items() if f.done()]:
                    del _ahead[k]
            fut = _ahead[c] = _builder[0].submit(ziggurat_table, c)
    return fut


def _inside(a, b, dtype):
    """The smallest and largest values of ``dtype`` (a DType) in [a, b]."""
    lo, hi = dtype.round(a), dtype.round(b)
    if lo < a:
        lo = dtype.next(lo)
    if hi > b:
        hi = dtype.prev(hi)
    return lo, hi


def _log1mexp(x):
    """log(1 - exp(x)) for x <= 0."""
    return math.log(-math.expm1(x)) if x > -0.693 else math.log1p(-math.exp(x))


@functools.lru_cache(maxsize=256)
def _choose(alpha, beta, w):
    """(method, flip, alpha', c) for standardized bounds alpha < beta, w = beta - alpha.

    flip: the interval is on the negative side and is mirrored to [-beta, -alpha];
    c: the ziggurat's half-width (ZIGGURAT, ZIGGURAT_FOLDED), else None.

    The choice is defined with SciPy's ``log_ndtr``; importing SciPy's
    special functions takes 40 ms, so the tail probabilities are first
    computed here (:func:`_log_upper_tail`) with an error bound, and SciPy
    is asked only when a comparison is closer than that bound (near-ties:
    the choice, hence every value drawn, is SciPy's in every case).
    """
    chosen = _choose_with(alpha, beta, w, _log_upper_tail)
    if chosen is None:
        from scipy.special import log_ndtr
        chosen = _choose_with(alpha, beta, w, lambda t: (log_ndtr(-t), 0.0))
    return chosen


def _log_upper_tail(t):
    """(log P(Z > t), a bound on its distance to SciPy's ``log_ndtr(-t)``), t >= 0.

    erfc up to t = 35; beyond, the asymptotic series of the Mills ratio
    (its 8 terms are exact to 1e-17 there). The bound is 16 times the
    rounding-error estimate (t^2 ulp from the rounding of t / sqrt(2) or
    t^2 / 2, a few ulp of the result), to cover SciPy's own error too.
    """
    if t <= 35.0:
        r = math.log(0.5 * math.erfc(t / math.sqrt(2.0)))
    elif t == math.inf:
        return -math.inf, 0.0
    else:
        q = 1.0 / (t * t)
        s, term = 0.0, 1.0
        for k in range(1, 9):
            term *= -(2 * k - 1) * q
            s += term
        r = -0.5 * t * t - math.log(t) - _LOG_SQRT_2PI + math.log1p(s)
    return r, 2.0 ** -48 * (t * t + 4.0 + abs(r))


def _choose_with(alpha, beta, w, log_tail):
    """:func:`_choose` with ``log_tail(t) = (log P(Z > t), error bound)``;
    None when a comparison is within the error bound of a tie."""
    flip = beta <= 0
    if flip:
        alpha, beta = -beta, -alpha
    if alpha > 1e100:          # far tail: only the exponential method is usable
        return EXP, flip, alpha, None
    err = 0.0                  # bound on the error of log_p
    if alpha >= 0:
        la, ea = log_tail(alpha)
        lb, eb = log_tail(beta)
        x = min(lb - la, 0.0)
        ex = ea + eb + 2.0 ** -52 * abs(la) if ea or eb else 0.0
        if ex and x > -4 * ex:  # x may be 0 (below): undecided
            return None
        if beta < math.inf and x < 0:
            log_p = la + _log1mexp(x)
            err = ea + 4 * ex / -math.expm1(x) if ex else 0.0
        else:
            log_p = la if x < 0 else None
            err = ea
        m = alpha
    else:                      # straddles 0
        p = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
        log_p = math.log(p) if p > 0 else None
        m = 0.0
    if log_p is None:          # narrower than double resolution: width x density
        log_p = math.log(w) - m * m / 2 - _LOG_SQRT_2PI
        err = 0.0
    acc = {NORMAL: log_p}
    mag = abs(log_p) + 1.0     # the size of the terms each acc is summed from
    if alpha >= 0:
        acc[FOLDED] = log_p + math.log(2.0)
    if math.isfinite(w):
        acc[UNIFORM] = log_p - math.log(w) + m * m / 2 + _LOG_SQRT_2PI
        mag += abs(math.log(w)) + m * m / 2
    if alpha >= 0:
        lam = alpha / 2 + math.hypot(alpha, 2.0) / 2
        acc[EXP] = _LOG_SQRT_2PI + log_p + math.log(lam) + lam * (alpha - lam / 2)
        mag += abs(math.log(lam)) + abs(lam * (alpha - lam / 2))
    c = max(-alpha, beta)
    if ZIG_CMIN <= c <= ZIG_CMAX:   # the ziggurat on [-c, c]: P(|Z| <= c) of its proposals
        log_pc = math.log(math.erf(c / math.sqrt(2)))
        acc[ZIGGURAT_FOLDED if alpha >= 0 else ZIGGURAT] = acc[
            FOLDED if alpha >= 0 else NORMAL] - log_pc
    # every acc moves by at most err plus a few roundings of its terms when
    # log_p moves by err: a comparison closer than twice that is undecided
    tie = 4 * (err + 2.0 ** -50 * mag) if err else 0.0
    best = max(acc, key=acc.get)
    if tie and any(k != best and acc[best] - acc[k] <= tie for k in acc):
        return None
    # as cheap as the ziggurat, and normal_'s own values: prefer them
    # unless the ziggurat saves 0.1% of rejections (10% for the others)
    zig = best in (ZIGGURAT, ZIGGURAT_FOLDED)
    for cheap in (FOLDED, NORMAL):
        if cheap in acc:
            bar = acc[best] - math.log(1.001 if zig else 1.1)
            if tie and abs(acc[cheap] - bar) <= tie:
                return None
            if acc[cheap] >= bar:
                best = cheap
    return best, flip, alpha, (c if best in (ZIGGURAT, ZIGGURAT_FOLDED) else None)


def trunc_normal_params(mean, std, a, b):
    """(dist, params_for) for :func:`fastinit._tensor.sample_`.

    The arguments' values are refused with :class:`RuntimeValueError`: torch's
    trunc_normal_ raises RuntimeError (from its inner uniform_ or normal_) for
    a > b, NaN bounds and, combined with those, any other bad value.
    """
    mean = check_float(mean, "mean", error=RuntimeValueError)
    std = check_float(std, "std", error=RuntimeValueError)
    a = _bound(a, "a")
    b = _bound(b, "b")
    if not std >= 0:
        raise RuntimeValueError(f"trunc_normal_ expects std >= 0.0, but found std {std}")
    if not a < b:
        raise RuntimeValueError(f"trunc_normal_ expects a < b, but found a={a} and b={b}")
    if std == 0:               # the limit: the point of [a, b] nearest the mean
        point = min(max(mean, a), b)

        def const(dtype):
            dtype = _dtypes.of(dtype)
            lo, hi = _inside(a, b, dtype)
            if not lo <= hi:
                raise ValueError(f"trunc_normal_: no {dtype} value lies in [a, b] = "
                                 f"[{a!r}, {b!r}]")
            return {"value": min(max(dtype.round(point), lo), hi)}
        return "constant", const
    alpha, beta = (a - mean) / std, (b - mean) / std
    w = (b - a) / std
    method, flip, alpha_f, c = _choose(alpha, beta, w)

    def params(dtype):
        dtype = _dtypes.of(dtype)
        lo, hi = _inside(a, b, dtype)
        if not lo <= hi:
            raise ValueError(f"trunc_normal_: no {dtype} value lies in [a, b] = [{a!r}, {b!r}]")
        work = dtype.work
        if abs(mean) > np.finfo(work).max or std > np.finfo(work).max:
            raise ValueError(f"trunc_normal_: mean={mean} or std={std} is out of range for "
                             f"the {np.dtype(work)} computation of {dtype} values")
        if method in (NORMAL, FOLDED):
            fold = 0.0 if method == NORMAL else -1.0 if flip else 1.0
            return dict(method=NORMAL, mean=mean, std=std, lo=lo, hi=hi, fold=fold)
        if method in (ZIGGURAT, ZIGGURAT_FOLDED):
            fold = 0.0 if method == ZIGGURAT else -1.0 if flip else 1.0
            return dict(method=ZIGGURAT, mean=mean, std=std, lo=lo, hi=hi, fold=fold, c=c,
                        table=_table_ahead(c))
        base, sign = (b, -1.0) if flip else (a, 1.0)
        if method == UNIFORM:
            m = max(alpha_f, 0.0)
            return dict(method=UNIFORM, base=base, width=sign * (b - a), s1=alpha_f - m,
                        s2=alpha_f + m, w=w, lo=lo, hi=hi)
        lam = alpha_f / 2 + math.hypot(alpha_f, 2.0) / 2
        return dict(method=EXP, base=base, scale=sign * std, inv_lambda=1.0 / lam, w=w,
                    lo=lo, hi=hi)
    return "truncnorm", params


def _bound(x, name):
    """A real bound; +-inf allowed, NaN not."""
    if isinstance(x, (float, int, np.floating, np.integer)) and not isinstance(x, bool):
        x = float(x)
        if math.isnan(x):
            raise RuntimeValueError(f"{name} must not be NaN")
        return x
    return check_float(x, name, error=RuntimeValueError)


@public(lookup=("truncated_normal",), bench="bench_truncated")
def trunc_normal_(tensor: ArrayT, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: GeneratorArg = None, *, rng: Seed = None,
                  num_threads: int | None = None, offset: int = 0,
                  global_shape: Sequence[int] | None = None,
                  index: Index | None = None) -> ArrayT:
    r"""Fill the input tensor with values drawn from a truncated normal distribution.

    The values are distributed as :math:`\mathcal{N}(\text{mean}, \text{std}^2)`
    conditioned on :math:`a \le x \le b`. As in torch, ``a`` and ``b`` are
    absolute bounds (not multiples of std) and ``std`` is the standard
    deviation before truncation.

    Parameters
    ----------
    tensor : numpy.ndarray or torch.Tensor
        Floating-point array, filled in place (any strides).
    mean : float
        Mean of the normal distribution before truncation.
    std : float
        Standard deviation before truncation, ``>= 0`` (0 fills with the point
        of ``[a, b]`` nearest ``mean``).
    a, b : float
        Bounds, ``a < b``; ``-inf`` / ``inf`` allowed.
    generator, rng, num_threads, offset, global_shape, index
        As in :func:`fastinit.uniform_`.

    Notes
    -----
    The density is

    .. math::
        f(x) = \frac{\phi\left(\frac{x - \mu}{\sigma}\right)}
                    {\sigma \left[\Phi(\beta) - \Phi(\alpha)\right]},
        \qquad \alpha = \frac{a - \mu}{\sigma},\ \beta = \frac{b - \mu}{\sigma}.

    Sampling is exact for any ``a < b`` (also far in a tail such as
    ``a=8, b=9``, with infinite bounds, a mean far outside ``[a, b]`` or a
    tiny ``std``): a ziggurat of the normal truncated to :math:`[-c, c]`
    for intervals that hold the mean (:math:`c = \max(-\alpha, \beta) \le
    4`, such as the default ``(-2, 2)``), normal rejection for wider ones,
    uniform proposals for narrow intervals off the mean, Robert's
    exponential proposals for tails. There is no inverse-CDF round-off and no clamping of
    rejected values: no value lies outside ``[a, b]`` and no mass piles up on
    the bounds. float16 is computed in float32 and rounded, staying inside
    ``[a, b]``. Each value depends only on (seed, flat index): a rejected
    element retries from its own Philox sub-space.

    References
    ----------
    C. P. Robert, "Simulation of truncated normal variables", Statistics and
    Computing 5, 121-125 (1995).

    Examples
    --------
    >>> import numpy as np, fastinit
    >>> w = fastinit.trunc_normal_(np.empty((256, 256), np.float32), std=0.02,
    ...                            a=-0.04, b=0.04, rng=0)
    >>> bool(((w >= -0.04) & (w <= 0.04)).all())
    True
    >>> t = fastinit.trunc_normal_(np.empty(1000), a=8.0, b=9.0, rng=0)
    >>> bool(t.min() >= 8.0 and t.max() <= 9.0)
    True
    """
    dist, params = trunc_normal_params(mean, std, a, b)
    return sample_(tensor, dist, params, rng=rng, generator=generator,
                   num_threads=num_threads, offset=offset, global_shape=global_shape,
                   index=index)
