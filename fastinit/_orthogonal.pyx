# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""Haar-orthogonal matrices by Stewart's construction, blocked in compact WY.

Q = H_0 H_1 ... H_{k-1} D restricted to its first k columns, where H_j is the
Householder reflector that maps a fresh standard Gaussian vector x_j of
length m - j (acting on coordinates j..m-1) onto a multiple of e_j, and D is
Mezzadri's sign correction d_j = -sign(x_j[0]). This is exactly the law of
the Q factor of an m x k Gaussian matrix with positive diag(R) (Stewart
1980; Mezzadri 2007), at half the flops: no QR factorization is done.

Reflectors are grouped into panels of ``panel`` columns. A panel's product
is I - V T V^T with T^{-1} = U = striu(V^T V) + I (the vectors are scaled so
that v^T v = 2, the "UT transform"), applied as W = U^{-1} (V^T C) by TRSM
instead of forming T. Q is built backward (last panel first), as LAPACK's
orgqr does but with wide panels, with level-3 BLAS only (GEMM, TRSM from
scipy.linalg.cython_blas). Arguments are validated by fastinit.orthogonal.

Randomness: reflector j uses positions [S_j, S_j + m - j) of one logical
normal stream, S_j = j m - j (j - 1) / 2, drawn by fastinit._core.fill
straight into the output buffer (Q overwrites each vector only after its
panel has copied it), so Q is a pure function of the key.

Rows of Q (orthogonal_'s exact=False, row_groups): E Q = E H_0 ... H_{k-1} D
for rows E of the identity, the same panels applied forward from the right
to groups of ROWS rows; the same reflectors, another order of the products,
so the values are stewart()'s to rounding, at a row block's share of the
flops.

Parallelism: OpenMP over fixed tasks (a reflector, a panel's factors, a
chunk of ``chunk`` columns of Q with its whole chain of panel updates), each
run by one thread with single-threaded BLAS; BLAS's own threads are switched
off meanwhile. OpenBLAS's threaded GEMM was measured to change bits with its
thread count, so this is what makes the result identical for any
``nthreads``. Independent chains also mean one barrier per phase, so a
thread preempted on a busy machine delays only its own task.
"""
import contextlib
import ctypes
import threading

import numpy as np
cimport numpy as cnp
from cython.parallel cimport prange, threadid
from libc.math cimport sqrt
from libc.stdint cimport int64_t
from libc.string cimport memcpy, memset
from scipy.linalg.cython_blas cimport sgemm, dgemm, strsm, dtrsm

from fastinit._guard cimport fi_poll, fi_poll_init, fi_poll_stopped, poll, raise_if_stopped

from . import _core, _dtypes, _hugepages

cnp.import_array()

ctypedef fused real:
    float
    double

# Default panel width (reflectors per compact-WY block). A constant of the
# library: the bits of Q depend on it, so changing it changes the stream.
PANEL = 256
# Up to this many elements, one thread (no fork/join); the bits do not change.
SMALL = 65536


cdef inline void _gemm(char ta, char tb, int m, int n, int k, real alpha, real *a, int lda,
                       real *b, int ldb, real beta, real *c, int ldc) noexcept nogil:
    if real is float:
        sgemm(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc)
    else:
        dgemm(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc)


cdef inline void _trsm_lunu(int m, int n, real *a, int lda, real *b, int ldb) noexcept nogil:
    """b <- inv(a) b, a upper triangular with unit diagonal (m x m)."""
    cdef char side = c'L', uplo = c'U', trans = c'N', diag = c'U'
    cdef real one = 1
    if real is float:
        strsm(&side, &uplo, &trans, &diag, &m, &n, &one, a, &lda, b, &ldb)
    else:
        dtrsm(&side, &uplo, &trans, &diag, &m, &n, &one, a, &lda, b, &ldb)


cdef inline double _sumsq(const real *x, int64_t n) noexcept nogil:
    """Sum of squares in double, four fixed partial sums (order fixed by n)."""
    cdef double s0 = 0, s1 = 0, s2 = 0, s3 = 0, t
    cdef int64_t i = 0
    while i + 4 <= n:
        s0 += <double>x[i] * x[i]
        s1 += <double>x[i + 1] * x[i + 1]
        s2 += <double>x[i + 2] * x[i + 2]
        s3 += <double>x[i + 3] * x[i + 3]
        i += 4
    while i < n:
        s0 += <double>x[i] * x[i]
        i += 1
    return (s0 + s1) + (s2 + s3)


cdef void _make_reflectors(real *g, real *d, int64_t m, int64_t j0, int64_t j1, int64_t base,
                           double gain, int nthreads, fi_poll *pl) noexcept nogil:
    """Turn the Gaussian vectors x_j0 .. x_{j1-1} into reflector vectors, in place.

    g holds them back to back (lengths m - j0, m - j0 - 1, ...), x_j at
    g + S_j - base (S_j = j m - j (j - 1) / 2, base = S_j0); each becomes
    v_j = (x_j + sign(x_j[0]) |x_j| e_0) scaled so that v_j^T v_j = 2, and
    d[j] = -gain * sign(x_j[0]) (the gain rides on Mezzadri's signs). One
    thread per vector, fixed arithmetic order: v_j depends on x_j only.
    """
    cdef int64_t j, t, L
    cdef double nrm, x0, s, scale
    cdef real *x
    for j in prange(j0, j1, schedule='static', chunksize=16, num_threads=nthreads):
        if poll(pl):
            continue
        L = m - j
        x = g + (j * m - (j * (j - 1)) // 2 - base)
        nrm = sqrt(_sumsq(x, L))
        x0 = x[0]
        s = 1.0 if x0 >= 0 else -1.0
        d[j] = <real>(-s * gain)
        if nrm == 0:
            x[0] = <real>sqrt(2.0)
        else:
            scale = 1.0 / sqrt(nrm * (nrm + (x0 if x0 >= 0 else -x0)))
            x[0] = <real>((x0 + s * nrm) * scale)
            for t in range(1, L):
                x[t] = <real>(x[t] * scale)


cdef enum:
    UBLK = 32     # columns per GEMM when forming U = striu(V^T V)

# Columns of Q per task of phase 3 (a constant of the stream, like PANEL).
CHUNK = 128


cdef inline void _v_column(const real *g, real *V, int64_t r, int i) noexcept nogil:
    """Column i of the dense r x b panel V: zeros in rows < i, then v_i (packed in g)."""
    cdef int64_t start = <int64_t>i * r - (<int64_t>i * (i - 1)) // 2
    memset(V + <int64_t>i * r, 0, i * sizeof(real))
    memcpy(V + <int64_t>i * r + i, g + start, (r - i) * sizeof(real))


cdef inline void _u_block(const real *V, int64_t r, int b, int c0, real *U) noexcept nogil:
    """U[0:c1, c0:c1] = V[:, 0:c1]^T V[:, c0:c1] (rows >= c0 only: V[:, c0:] is 0 above)."""
    cdef int c1 = c0 + UBLK if c0 + UBLK < b else b
    _gemm(c'T', c'N', c1, c1 - c0, <int>(r - c0), <real>1, <real *>V + c0, <int>r,
          <real *>V + c0 + <int64_t>c0 * r, <int>r, <real>0, U + <int64_t>c0 * b, b)


cdef inline void _trailing(real *Q, int64_t m, int64_t ldq, bint trans, int64_t j0, int b,
                           int64_t q0, int cw, const real *V, const real *U,
                           real *W) noexcept nogil:
    """Columns q0..q0+cw-1 (>= j0+b) of Q: W = U^{-1} V2^T C, Q[j0:, cols] -= V W.

    Rows j0..j0+b-1 of these columns are zero on entry; the later panels'
    product sits below them. Q(i, j) is at Q[i + j*ldq], or at Q[j + i*ldq]
    when trans (Q^T stored column-major, that is Q in C order).
    """
    cdef int64_t r = m - j0
    if trans:
        _gemm(c'T', c'T', b, cw, <int>(r - b), <real>1, <real *>V + b, <int>r,
              Q + q0 + (j0 + b) * ldq, <int>ldq, <real>0, W, b)
    else:
        _gemm(c'T', c'N', b, cw, <int>(r - b), <real>1, <real *>V + b, <int>r,
              Q + (j0 + b) + q0 * ldq, <int>ldq, <real>0, W, b)
    _trsm_lunu(b, cw, <real *>U, b, W, b)
    if trans:
        _gemm(c'T', c'T', cw, <int>r, b, <real>-1, W, b, <real *>V, <int>r, <real>1,
              Q + q0 + j0 * ldq, <int>ldq)
    else:
        _gemm(c'N', c'N', <int>r, cw, b, <real>-1, <real *>V, <int>r, W, b, <real>1,
              Q + j0 + q0 * ldq, <int>ldq)


cdef void _panel_vu(const real *g, real *V, real *U, int64_t r, int b) noexcept nogil:
    """Dense V (r x b) from the packed vectors g and U = striu(V^T V), one thread."""
    cdef int i
    for i in range(b):
        _v_column(g, V, r, i)
    i = 0
    while i < b:
        _u_block(V, r, b, i, U)
        i += UBLK


cdef void _panel_prep(const real *g, real *V, real *U, real *Wa, const real *d, int64_t r,
                      int b) noexcept nogil:
    """One panel's factors, single-threaded: dense V (r x b) from the packed
    vectors g, U = striu(V^T V) (unit diagonal implied), Wa = U^{-1} V1^T D."""
    cdef int i, l
    _panel_vu(g, V, U, r, b)
    for i in range(b):
        for l in range(b):
            Wa[i + <int64_t>l * b] = V[l + <int64_t>i * r] * d[l] if l >= i else 0
    _trsm_lunu(b, b, U, b, Wa, b)


cdef void _chunk_own(real *Q, int64_t m, int64_t ldq, bint trans, int64_t q0, int w, int p,
                     int panel, int b, const real *V, const real *Wa,
                     const real *d) noexcept nogil:
    """Columns q0..q0+w-1 of Q, in panel p: E (D on the diagonal) minus V_p Wa_p.

    The first step of a chunk's chain (see _chunk); V and Wa are panel p's.
    """
    cdef int64_t j0 = <int64_t>p * panel, r, i
    cdef real *wa = <real *>Wa + (q0 - j0) * b
    if trans:
        for i in range(m):
            memset(Q + q0 + i * ldq, 0, w * sizeof(real))
    else:
        memset(Q + q0 * ldq, 0, w * ldq * sizeof(real))
    for i in range(w):
        Q[(q0 + i) * (ldq + 1)] = d[q0 + i]
    r = m - j0
    if trans:
        _gemm(c'T', c'T', w, <int>r, b, <real>-1, wa, b, <real *>V, <int>r,
              <real>1, Q + q0 + j0 * ldq, <int>ldq)
    else:
        _gemm(c'N', c'N', <int>r, w, b, <real>-1, <real *>V, <int>r, wa, b,
              <real>1, Q + j0 + q0 * ldq, <int>ldq)


cdef void _chunk(real *Q, int64_t m, int64_t ldq, bint trans, int64_t q0, int w, int p,
                 int panel, int b, const real *Vall, const int64_t *voff, const real *Uall,
                 const real *Waall, const real *d, real *W, fi_poll *pl) noexcept nogil:
    """Columns q0..q0+w-1 of Q, all panels: the whole chain for these columns.

    Panel p owns the columns: they start as E (D on the diagonal) minus
    V_p Wa_p; then panels p-1, ..., 0 are applied as trailing updates. The
    columns are untouched by panels after p, so no other task is waited for.
    """
    cdef int pp
    _chunk_own(Q, m, ldq, trans, q0, w, p, panel, b, Vall + voff[p],
               Waall + <int64_t>p * panel * panel, d)
    for pp in range(p - 1, -1, -1):
        if poll(pl):
            return
        _trailing(Q, m, ldq, trans, <int64_t>pp * panel, panel, q0, w, Vall + voff[pp],
                  Uall + <int64_t>pp * panel * panel, W)


def _aligned(n, dt):
    """n items of dtype dt starting on a 64-byte boundary (a precaution: the
    scratch then has the same alignment whichever thread's malloc arena
    serves it, so no BLAS alignment-dependent path can change bits)."""
    raw = np.empty(n * dt.itemsize + 64, dtype=np.uint8)
    _hugepages.advise_array(raw)    # fresh: huge pages before the first touch
    skip = (-raw.ctypes.data) % 64
    return raw[skip:skip + n * dt.itemsize].view(dt)


cdef inline int _width(int64_t k, int panel, int p) noexcept nogil:
    """Columns in panel p (the last one may be narrower)."""
    return <int>(k - <int64_t>p * panel if k - <int64_t>p * panel < panel else panel)


cdef int _stewart(real[::1] out, real[::1] d, int64_t m, int64_t k, bint trans,
                  double gain, int nthreads, int panel, int chunk) except -1:
    """out[:S_k] holds the Gaussians on entry; Q (column-major m x k) on exit.

    Three parallel phases, each a set of independent fixed tasks run by one
    thread with single-threaded BLAS, so the bits do not depend on which
    thread runs a task nor on how many there are, and a thread that the OS
    preempts delays only its own task (one barrier per phase):
    1. reflectors from the Gaussians, in place (one task per vector);
    2. per panel: dense V, U = striu(V^T V), Wa = U^{-1} V1^T D (one task per
       panel; reads the packed vectors in out);
    3. per chunk of ``chunk`` columns of Q (never straddling panels): zero
       them, then the own panel's block and the trailing updates of the
       earlier panels, in the order of backward accumulation. Q overwrites
       out only after phase 2 has copied every vector.
    """
    cdef int64_t npanels = (k + panel - 1) // panel
    cdef int64_t p, j0, i, nch, vtot = 0
    cdef int t, c
    cdef real *Q = &out[0]
    dt = out.base.dtype
    cdef int64_t[::1] voff = np.empty(npanels + 1, dtype=np.int64)
    for p in range(npanels):
        voff[p] = vtot
        vtot += (m - p * panel) * min(panel, k - p * panel)
    voff[npanels] = vtot
    # chunks: (first column, width, panel), right to left so that the
    # costliest chains start first (dynamic schedule)
    chunks = []
    for p in range(npanels - 1, -1, -1):
        j0 = p * panel
        b = min(panel, k - j0)
        starts = list(range(j0, j0 + b, chunk))
        for q0 in reversed(starts):
            chunks.append((q0, min(chunk, j0 + b - q0), p))
    nch = len(chunks)
    cdef int64_t[:, ::1] ctab = np.array(chunks, dtype=np.int64).reshape(nch, 3)
    cdef real[::1] Vall = _aligned(vtot, dt)
    cdef real[::1] Uall = _aligned(npanels * panel * panel, dt)
    cdef real[::1] Waall = _aligned(npanels * panel * panel, dt)
    cdef real[::1] Wbuf = _aligned(max(nthreads, 1) * panel * chunk, dt)
    cdef real *Vp = &Vall[0]
    cdef real *Up = &Uall[0]
    cdef real *Wap = &Waall[0]
    cdef real *Wb = &Wbuf[0]
    cdef real *dp = &d[0]
    cdef int64_t *vo = &voff[0]
    cdef fi_poll pl
    fi_poll_init(&pl, threading.current_thread() is threading.main_thread())
    with nogil:
        _make_reflectors(Q, dp, m, 0, k, 0, gain, nthreads, &pl)
    raise_if_stopped(&pl)
    with nogil:
        for t in prange(<int>npanels, schedule='dynamic', num_threads=nthreads):
            if poll(&pl):
                continue
            _panel_prep(Q + (<int64_t>t * panel * m - (<int64_t>t * panel * (<int64_t>t * panel - 1)) // 2),
                        Vp + vo[t], Up + <int64_t>t * panel * panel,
                        Wap + <int64_t>t * panel * panel, dp + <int64_t>t * panel,
                        m - <int64_t>t * panel, _width(k, panel, t))
    raise_if_stopped(&pl)
    with nogil:
        for c in prange(<int>nch, schedule='dynamic', num_threads=nthreads):
            if poll(&pl):
                continue
            _chunk(Q, m, k if trans else m, trans, ctab[c, 0], <int>ctab[c, 1],
                   <int>ctab[c, 2], panel,
                   _width(k, panel, <int>ctab[c, 2]), Vp, vo, Up, Wap, dp,
                   Wb + <int64_t>threadid() * panel * chunk, &pl)
    return raise_if_stopped(&pl)


def chunk_grid(int64_t k, int panel=PANEL, int chunk=CHUNK):
    """The column boundaries of stewart()'s tasks: panel starts and chunk starts, and k.

    A block of Q's columns computed by stewart_columns() starts and ends on
    this grid (a chunk is the unit whose bits are fixed).
    """
    panel = <int>min(panel, k)
    grid = set()
    for j0 in range(0, k, panel):
        grid.update(range(j0, min(j0 + panel, k), chunk))
    grid.add(k)
    return sorted(grid)


cdef int _stewart_cols(real[::1] out, real[::1] d, real[::1] g, int64_t m, int64_t k,
                       int64_t qa, int64_t qb, bint trans, double gain, int nthreads,
                       int panel, int chunk, object draw) except -1:
    """Columns qa..qb-1 (on chunk_grid) of Q into out, panel by panel, backward.

    For panel pp = last needed .. 0: draw its Gaussians (draw(pp) fills g),
    make its reflectors and factors (V, U, Wa: one panel at a time), then
    for every chunk of the block either start its chain (its own panel) or
    apply pp as a trailing update (a later panel's chunk). Each chunk sees
    exactly the operations, operands and order of stewart()'s _chunk, so the
    bits are the whole's; memory is the block plus O(m * panel).
    """
    cdef int64_t W = qb - qa, ldq = W if trans else m
    cdef real *Q = &out[0] - (qa if trans else qa * m)
    cdef int64_t pmax = (qb - 1) // panel, j0, S0
    cdef int pp, b, c, nch
    dt = out.base.dtype
    grid = chunk_grid(k, panel, chunk)
    chunks = [(grid[t], grid[t + 1] - grid[t], grid[t] // panel) for t in range(len(grid) - 1)
              if qa <= grid[t] and grid[t + 1] <= qb]
    nch = len(chunks)
    cdef int64_t[:, ::1] ctab = np.array(chunks, dtype=np.int64).reshape(nch, 3)
    cdef real[::1] V = _aligned(m * panel, dt)
    cdef real[::1] U = _aligned(panel * panel, dt)
    cdef real[::1] Wa = _aligned(panel * panel, dt)
    cdef real[::1] Wbuf = _aligned(max(nthreads, 1) * panel * chunk, dt)
    cdef real *Vp = &V[0]
    cdef real *Up = &U[0]
    cdef real *Wap = &Wa[0]
    cdef real *Wb = &Wbuf[0]
    cdef real *gp = &g[0]
    cdef real *dp = &d[0]
    cdef fi_poll pl
    fi_poll_init(&pl, threading.current_thread() is threading.main_thread())
    for pp in range(pmax, -1, -1):
        j0 = <int64_t>pp * panel
        b = _width(k, panel, pp)
        S0 = j0 * m - (j0 * (j0 - 1)) // 2
        draw(pp)
        with nogil:
            _make_reflectors(gp, dp, m, j0, j0 + b, S0, gain, nthreads, &pl)
            if not fi_poll_stopped(&pl):
                _panel_prep(gp, Vp, Up, Wap, dp + j0, m - j0, b)
            for c in prange(nch, schedule='dynamic', num_threads=nthreads):
                if poll(&pl):
                    continue
                if ctab[c, 2] == pp:
                    _chunk_own(Q, m, ldq, trans, ctab[c, 0], <int>ctab[c, 1], pp, panel, b,
                               Vp, Wap, dp)
                elif ctab[c, 2] > pp:
                    _trailing(Q, m, ldq, trans, j0, b, ctab[c, 0], <int>ctab[c, 1], Vp, Up,
                              Wb + <int64_t>threadid() * panel * chunk)
        raise_if_stopped(&pl)
    return 0


def _panel_draws(g, int64_t m, int64_t k, int panel, tuple key, int nthreads):
    """draw(p): panel p's Gaussians, stream positions S_j0 .. S_j1 - 1, into g."""
    code = _dtypes.for_numpy(g.dtype).code
    normal = _core.DISTS["normal"]

    def draw(p):
        j0 = p * panel
        j1 = min(j0 + panel, k)
        s0, s1 = j0 * m - (j0 * (j0 - 1)) // 2, j1 * m - (j1 * (j1 - 1)) // 2
        _core.fill(g[:s1 - s0], normal, code, {"mean": 0.0, "std": 1.0}, key, s0, nthreads)
    return draw


def stewart_columns(cnp.ndarray out, int64_t m, int64_t k, int64_t qa, int64_t qb, double gain,
                    tuple key, int nthreads, int panel=PANEL, int chunk=CHUNK,
                    bint trans=False):
    """Columns qa..qb-1 of stewart()'s gain * Q, bit for bit, without the whole.

    qa and qb must lie on chunk_grid(k, panel, chunk). out (C-contiguous,
    float32/float64, (qb - qa) * m items) gets them in stewart()'s storage:
    Q[:, qa:qb]^T as a C-order (qb - qa, m) array, or with ``trans``
    Q[:, qa:qb] as a C-order (m, qb - qa) array. Memory beyond out:
    O(m * panel + k); time: the block's chains plus regenerating the
    Gaussians and factors of panels 0 .. (qb - 1) // panel.
    """
    if not (m >= k >= 1) or not (0 <= qa < qb <= k) or out.size != (qb - qa) * m \
            or not out.flags.c_contiguous:
        raise ValueError(f"stewart_columns: bad shape m={m}, k={k}, columns [{qa}, {qb}), "
                         f"out.size={out.size}")
    grid = chunk_grid(k, panel, chunk)
    if qa not in grid or qb not in grid:
        raise ValueError(f"stewart_columns: [{qa}, {qb}) is not on the chunk grid")
    if out.dtype != np.float32 and out.dtype != np.float64:
        raise TypeError(f"stewart_columns: dtype must be float32 or float64, got {out.dtype}")
    panel = <int>min(panel, k)
    if m * k <= SMALL:
        nthreads = 1
    g = _aligned(m * panel, out.dtype)
    d = np.empty(k, dtype=out.dtype)
    draw = _panel_draws(g, m, k, panel, key, nthreads)
    flat = out.reshape(-1)
    with _blas_single_thread():
        if out.dtype == np.float32:
            _stewart_cols[float](flat, d, g, m, k, qa, qb, trans, gain, nthreads, panel, chunk,
                                 draw)
        else:
            _stewart_cols[double](flat, d, g, m, k, qa, qb, trans, gain, nthreads, panel,
                                  chunk, draw)
    return out


_blas_lock = threading.Lock()
_blas_pools = None   # [(set, get)] of every BLAS thread pool in the process
_blas_users = 0
_blas_saved = None


def _find_blas_pools():
    """(set_num_threads, get_num_threads) callables for the loaded BLAS libraries.

    threadpoolctl finds the libraries; OpenBLAS is then called directly,
    because threadpoolctl (>= 3.6) lets only one Python thread change
    OpenBLAS's limit and silently ignores the others.
    """
    from threadpoolctl import ThreadpoolController
    pools = []
    for lib in ThreadpoolController().select(user_api="blas").lib_controllers:
        setter = getter = None
        if lib.internal_api == "openblas":
            dll = ctypes.CDLL(lib.filepath)
            for name in ("openblas_set_num_threads", "scipy_openblas_set_num_threads",
                         "openblas_set_num_threads64_",
                         "scipy_openblas_set_num_threads64_"):
                setter = getattr(dll, name, None)
                getter = getattr(dll, name.replace("set_", "get_"), None)
                if setter is not None and getter is not None:
                    break
            else:
                setter = getter = None
        if setter is None:  # other BLAS: threadpoolctl's own calls
            setter, getter = lib.set_num_threads, lib.get_num_threads
        pools.append((setter, getter))
    return pools


@contextlib.contextmanager
def _blas_single_thread():
    """Run BLAS on one thread while any stewart() call is in flight.

    The parallelism is ours (fixed tasks over OpenMP); a threaded BLAS inside
    them would oversubscribe and, as measured with OpenBLAS, change bits
    with its thread count. Nested and concurrent calls share one limit,
    restored when the last one leaves. (It is process-wide: other BLAS users
    run single-threaded meanwhile.)
    """
    global _blas_pools, _blas_users, _blas_saved
    with _blas_lock:
        if _blas_users == 0:
            if _blas_pools is None:
                _blas_pools = _find_blas_pools()
            _blas_saved = [get() for _, get in _blas_pools]
            for setter, _ in _blas_pools:
                setter(1)
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                for (setter, _), n in zip(_blas_pools, _blas_saved):
                    if n is not None and n >= 1:
                        setter(n)


def stewart(cnp.ndarray out, int64_t m, int64_t k, double gain, tuple key, int nthreads,
            int panel=PANEL, int chunk=CHUNK, bint trans=False):
    """Fill the C-contiguous float32/float64 buffer ``out`` (m*k items) with gain * Q.

    Q is m x k (m >= k >= 1) with orthonormal columns, Haar-distributed,
    stored column-major: as a C-order (k, m) array, out holds Q^T; with
    ``trans``, out holds Q as a C-order (m, k) array (same reflectors, same
    law; the GEMMs run transposed, so the last bits differ). ``key``
    is the (k0, k1, stream) key of fastinit._core.fill. The Gaussians are drawn
    into out itself; extra memory is the dense panels V (about m*k - k*k/2
    items) plus O((k + nthreads * chunk) * panel).
    """
    if not (m >= k >= 1) or out.size != m * k or not out.flags.c_contiguous:
        raise ValueError(f"stewart: bad shape m={m}, k={k}, out.size={out.size}")
    if out.dtype != np.float32 and out.dtype != np.float64:
        raise TypeError(f"stewart: dtype must be float32 or float64, got {out.dtype}")
    if m > 2**31 - 1:
        raise ValueError(f"stewart: a side of {m} exceeds BLAS's 32-bit sizes")
    if panel < 1 or chunk < 1 or nthreads < 1:
        raise ValueError(f"stewart: panel={panel}, chunk={chunk}, nthreads={nthreads} "
                         f"must be >= 1")
    panel = <int>min(panel, k)
    if m * k <= SMALL:
        nthreads = 1
    flat = out.reshape(-1)
    d = np.empty(k, dtype=out.dtype)
    _core.fill(flat[:m * k - (k * (k - 1)) // 2], _core.DISTS["normal"],
               _dtypes.for_numpy(out.dtype).code, {"mean": 0.0, "std": 1.0}, key, 0,
               nthreads)
    with _blas_single_thread():
        if out.dtype == np.float32:
            _stewart[float](flat, d, m, k, trans, gain, nthreads, panel, chunk)
        else:
            _stewart[double](flat, d, m, k, trans, gain, nthreads, panel, chunk)
    return out


# ---------------------------------------------------------------- rows of Q (exact=False)

# Rows of Q per task of the row path: groups [g * ROWS, (g + 1) * ROWS) of Q's
# rows (the last one shorter). A constant of the row path's values, like PANEL.
cdef enum:
    RGRP = 64
ROWS = RGRP


cdef inline void _trsm_runu(int m, int n, const real *a, int lda, real *b,
                            int ldb) noexcept nogil:
    """b <- b inv(a), a upper triangular with unit diagonal (n x n)."""
    cdef char side = c'R', uplo = c'U', trans = c'N', diag = c'U'
    cdef real one = 1
    if real is float:
        strsm(&side, &uplo, &trans, &diag, &m, &n, &one, <real *>a, &lda, b, &ldb)
    else:
        dtrsm(&side, &uplo, &trans, &diag, &m, &n, &one, <real *>a, &lda, b, &ldb)


cdef inline void _rows_panel(real *Y, int64_t m, int h, int64_t q0, int64_t j0, int b,
                             const real *V, const real *U, real *Z) noexcept nogil:
    """Y <- Y (I - V U^{-1} V^T) on coordinates j0..m-1: one panel from the right.

    Y is one row group (Q's rows q0..q0+h-1), h x m column-major (Y(i, c) at
    Y[i + c * h]); V the panel's dense (m - j0) x b vectors, U its
    striu(V^T V) + I. Z = Y V U^{-1} (h x b scratch), then Y -= Z V^T:
    single-threaded BLAS calls whose shapes depend on m, the panel and the
    group's height only. In the first panel Y is still rows of the
    identity, so Y V is V's rows q0.. (copied: the exact product).
    """
    cdef int64_t r = m - j0, i
    cdef int c
    if j0 == 0:
        for c in range(b):
            for i in range(h):
                Z[i + <int64_t>c * h] = V[q0 + i + <int64_t>c * r]
    else:
        _gemm(c'N', c'N', h, b, <int>r, <real>1, Y + j0 * h, h, <real *>V, <int>r, <real>0,
              Z, h)
    _trsm_runu(h, b, U, b, Z, h)
    _gemm(c'N', c'T', h, <int>r, b, <real>-1, Z, h, <real *>V, <int>r, <real>1, Y + j0 * h, h)


cdef void _rows_prep(real *g, real *V, real *U, real *d, int64_t m, int64_t k, int panel,
                     int p, double gain, fi_poll *pl) noexcept nogil:
    """Panel p's reflectors (from its Gaussians in g), dense V and U, on one thread:
    the same arithmetic as stewart()'s phases 1 and 2, so the same bits."""
    cdef int64_t j0 = <int64_t>p * panel, r = m - j0
    cdef int b = _width(k, panel, p)
    _make_reflectors(g, d, m, j0, j0 + b, j0 * m - (j0 * (j0 - 1)) // 2, gain, 1, pl)
    _panel_vu(g, V, U, r, b)


cdef int _stewart_rows(real[::1] Y, real[::1] d, real[::1] g, int64_t m, int64_t k,
                       int64_t ra, int64_t rb, double gain, int nthreads, int panel,
                       object draw) except -1:
    """Rows ra..rb-1 (on the ROWS grid, or rb = m) of H_0 ... H_{k-1}, forward.

    Y holds the row groups one after the other, each h x m column-major,
    starting as rows of the identity. g holds one panel's Gaussians
    (draw(p) fills it); V and U are double-buffered. Panel 0's
    factors are made first; then for p = 0, 1, ...: draw panel p + 1's
    Gaussians, and in one parallel loop make panel p + 1's factors (one
    task, started first) while panel p is applied to every group from the
    right (one task per group): one barrier per panel. d gets the signs
    times gain. A group's values depend on nothing but the key, m, k and
    the group: not on the other groups, on ra, rb or on nthreads.
    """
    cdef int64_t npanels = (k + panel - 1) // panel, j0, half = m * panel
    cdef int p, b, t, ngroups = <int>((rb - ra + RGRP - 1) // RGRP), nxt, cur
    cdef real *Yp = &Y[0]
    cdef real *gp = &g[0]
    cdef real *dp = &d[0]
    dt = Y.base.dtype
    cdef real[::1] V = _aligned(2 * m * panel, dt)
    cdef real[::1] U = _aligned(2 * panel * panel, dt)
    cdef real[::1] Zbuf = _aligned(max(nthreads, 1) * RGRP * panel, dt)
    cdef real *Vp = &V[0]
    cdef real *Up = &U[0]
    cdef real *Zb = &Zbuf[0]
    cdef int64_t i, q0, h
    cdef fi_poll pl
    fi_poll_init(&pl, threading.current_thread() is threading.main_thread())
    with nogil:
        memset(Yp, 0, (rb - ra) * m * sizeof(real))
        for t in range(ngroups):
            q0 = ra + <int64_t>t * RGRP
            h = min(<int64_t>RGRP, rb - q0)
            for i in range(h):
                Yp[(q0 - ra) * m + i + (q0 + i) * h] = 1
    draw(0)
    with nogil:
        _rows_prep(gp, Vp, Up, dp, m, k, panel, 0, gain, &pl)
    raise_if_stopped(&pl)
    for p in range(<int>npanels):
        j0 = <int64_t>p * panel
        b = _width(k, panel, p)
        cur = p % 2
        nxt = 1 if p + 1 < npanels else 0
        if nxt:
            draw(p + 1)   # panel p's factors no longer read g
        with nogil:
            for t in prange(ngroups + nxt, schedule='dynamic', num_threads=nthreads):
                if poll(&pl):
                    continue
                if t < nxt:
                    _rows_prep(gp, Vp + (1 - cur) * half,
                               Up + (1 - cur) * panel * panel, dp, m, k, panel, p + 1, gain,
                               &pl)
                else:
                    q0 = ra + <int64_t>(t - nxt) * RGRP
                    _rows_panel(Yp + (q0 - ra) * m, m, <int>min(<int64_t>RGRP, rb - q0), q0,
                                j0, b, Vp + cur * half, Up + cur * panel * panel,
                                Zb + <int64_t>threadid() * RGRP * panel)
        raise_if_stopped(&pl)
    return 0


def row_groups(int64_t m, int64_t k, int64_t ra, int64_t rb, double gain, tuple key,
               int nthreads, dtype, int panel=PANEL):
    """Rows ra..rb-1 of gain * Q by the row path of exact=False, one group at a time.

    ra and rb must lie on the ROWS grid (multiples of ROWS, or rb = m);
    dtype is float32 or float64. The reflectors are stewart()'s (same
    Gaussians, v_j, panels and U), applied forward from the right to rows
    of the identity, one panel at a time: Q[ra:rb] = E H_0 ... H_{k-1} D.
    The values differ from stewart()'s by rounding only (another order of
    the same products); each group of ROWS rows has the same bits whatever
    ra, rb and nthreads. Returns a list of (q0, rows), rows a (h, k) array
    for Q[q0:q0 + h], made when read (a generator). Memory: (rb - ra) * m
    items (the rows' full width) plus 3 m * panel. Time: 4 (rb - ra)
    (m k - k^2 / 2) flops plus regenerating every panel's factors.
    """
    if not (m >= k >= 1) or not (0 <= ra < rb <= m):
        raise ValueError(f"row_groups: bad shape m={m}, k={k}, rows [{ra}, {rb})")
    if ra % ROWS or (rb % ROWS and rb != m):
        raise ValueError(f"row_groups: [{ra}, {rb}) is not on the {ROWS}-row grid")
    dtype = np.dtype(dtype)
    if dtype != np.float32 and dtype != np.float64:
        raise TypeError(f"row_groups: dtype must be float32 or float64, got {dtype}")
    if m > 2**31 - 1:
        raise ValueError(f"row_groups: a side of {m} exceeds BLAS's 32-bit sizes")
    if panel < 1 or nthreads < 1:
        raise ValueError(f"row_groups: panel={panel}, nthreads={nthreads} must be >= 1")
    panel = <int>min(panel, k)
    if m * k <= SMALL:
        nthreads = 1
    g = _aligned(m * panel, dtype)
    d = np.empty(k, dtype=dtype)
    Y = _aligned((rb - ra) * m, dtype)
    draw = _panel_draws(g, m, k, panel, key, nthreads)
    with _blas_single_thread():
        if dtype == np.float32:
            _stewart_rows[float](Y, d, g, m, k, ra, rb, gain, nthreads, panel, draw)
        else:
            _stewart_rows[double](Y, d, g, m, k, ra, rb, gain, nthreads, panel, draw)

    def groups():   # a group is h x m column-major in Y: its first k columns, times d
        for q0 in range(ra, rb, ROWS):
            h = min(ROWS, rb - q0)
            yield q0, Y[(q0 - ra) * m:(q0 - ra) * m + h * k].reshape(k, h).T * d
    return groups()


def stewart_rows(cnp.ndarray out, int64_t m, int64_t k, int64_t ra, int64_t rb, double gain,
                 tuple key, int nthreads, int panel=PANEL):
    """Rows ra..rb-1 of gain * Q by the row path (see row_groups) into ``out``,
    a C-contiguous float32/float64 (rb - ra, k) array."""
    if out.size != (rb - ra) * k or not out.flags.c_contiguous:
        raise ValueError(f"stewart_rows: out.size={out.size} is not ({rb} - {ra}) * {k}")
    flat = out.reshape(rb - ra, k)
    for q0, rows in row_groups(m, k, ra, rb, gain, key, nthreads, out.dtype, panel):
        flat[q0 - ra:q0 - ra + rows.shape[0]] = rows
    return out
