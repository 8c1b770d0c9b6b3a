# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Cython layer: dtype dispatch, the GIL released, OpenMP over fixed blocks.

Arguments are validated by the Python API before they get here.
"""
import numpy as np
cimport numpy as cnp
from cython.parallel cimport prange, parallel
from libc.stdint cimport uint32_t, uint64_t, int64_t
import threading

from fastinit._guard cimport (fi_forked, fi_install_fork_handler, fi_poll, fi_poll_init,
                              poll, raise_if_stopped)

cnp.import_array()
fi_get_simd()  # build the dispatch tables once, at import, under the GIL
if fi_install_fork_handler() != 0:
    raise ImportError("fastinit: pthread_atfork failed; a forked child could hang in OpenMP")

BLOCK = FI_BLOCK
SMALL = FI_SMALL
# Codes and names, all from the C declarations (kernels.h via _core.pxd).
SIMD_PATHS = tuple(n for _, n in sorted({FI_SIMD_BASELINE: "baseline", FI_SIMD_AVX2: "avx2",
                                          FI_SIMD_AVX512: "avx512"}.items()))


cdef dict _names(const char *(*name_of)(int) noexcept nogil, int n):
    return {name_of(c).decode("ascii"): c for c in range(n) if name_of(c) != NULL}


# {name: code} of the distributions and of the truncated-normal samplers
DISTS = _names(fi_dist_name, FI_NDISTS)
TN_METHODS = _names(fi_tn_method_name, FI_TN_NMETHODS)
_TRUNCNORM = DISTS["truncnorm"]
_TN_ZIGGURAT = TN_METHODS["ziggurat"]


def param_names(int dist, int method=-1):
    """The named parameters (kernels.h) of distribution ``dist`` (truncnorm: of ``method``)."""
    out = []
    cdef const char *name = fi_param_name(dist, method, 0)
    while name != NULL:
        out.append(name.decode("ascii"))
        name = fi_param_name(dist, method, len(out))
    return tuple(out)


def _dtype_table():
    cdef const char *name
    cdef int itemsize, bits, code
    rows = []
    for code in range(FI_NDTYPES):
        if fi_dtype_info(code, &name, &itemsize, &bits) == 0:
            rows.append((code, name.decode("ascii"), itemsize, bits))
    return tuple(rows)


# (code, name, itemsize, compute bits) of every dtype the kernels store:
# FI_DTYPE_TABLE of kernels.h, read at import.
DTYPE_TABLE = _dtype_table()


def openmp_enabled():
    """Whether the extension was compiled with OpenMP."""
    return bool(FI_HAVE_OPENMP)


def omp_max_threads():
    """OpenMP's current default thread count (OMP_NUM_THREADS, threadpoolctl)."""
    return omp_get_max_threads()


def forked():
    """Whether this process is a fork() child of the process that imported fastinit.

    libgomp's thread pool does not survive fork: fastinit then runs on one
    thread (fastinit._config._resolve_threads reads this).
    """
    return bool(fi_forked())


def simd_supported(str name):
    return bool(fi_simd_supported(SIMD_PATHS.index(name)))


def simd_best():
    return SIMD_PATHS[fi_simd_best()]


def set_simd(str name):
    if fi_set_simd(SIMD_PATHS.index(name)) != 0:
        raise ValueError(f"SIMD path {name!r} is not supported on this CPU")


def get_simd():
    return SIMD_PATHS[fi_get_simd()]


def philox4x32(cnp.ndarray counter, cnp.ndarray key):
    """Raw Philox4x32-10 on C-contiguous uint32 arrays (shape (n, 4) and (2,))."""
    cdef cnp.ndarray out = np.empty_like(counter)
    cdef int64_t n = counter.size // 4
    with nogil:
        fi_philox4x32_many(<const uint32_t *>cnp.PyArray_DATA(counter), n,
                           <const uint32_t *>cnp.PyArray_DATA(key),
                           <uint32_t *>cnp.PyArray_DATA(out))
    return out


def contiguous_view(size_t address, object shape, int typenum, object base):
    """A writable C-contiguous ndarray of ``shape`` on the memory at ``address``
    (items of NumPy type number ``typenum``), kept alive by ``base``.

    The view of a C-contiguous torch CPU tensor, without ``Tensor.numpy()``'s
    own checks and dispatch: the caller (fastinit._tensor.adapt) has made
    every check and passes ``tensor.data_ptr()`` (never 0) and the tensor.
    """
    cdef cnp.npy_intp dims[32]
    cdef int nd = len(shape), i
    if nd > 32 or address == 0:
        raise ValueError(f"contiguous_view: {nd} dimensions, address {address}")
    for i in range(nd):
        dims[i] = shape[i]
    cdef cnp.ndarray arr = cnp.PyArray_SimpleNewFromData(nd, dims, typenum, <void *>address)
    cnp.set_array_base(arr, base)
    return arr


# OpenMP parallel regions entered so far (a test hook: tiny fills enter none)
cdef long long _regions = 0


def parallel_regions():
    """How many OpenMP parallel regions the fills have entered in this process.

    Fills whose thread count resolves to 1 (every fill of up to SMALL
    elements) run their blocks in a plain loop and enter none.
    """
    return _regions


cdef inline void fill_block(fi_kernel k, char *base, int64_t b, int64_t n, uint64_t offset,
                            const fi_stream *st, const fi_params *prm, int itemsize,
                            int ndim, const int64_t *shp, const int64_t *strd,
                            char *scratch, int64_t unit) noexcept nogil:
    """Block b of an n-element fill: in place (ndim 0: C-contiguous) or through
    this thread's scratch block (``unit`` bytes per thread, thread 0 outside a
    parallel region) and a strided scatter."""
    cdef int64_t s = b * FI_BLOCK
    cdef int64_t c = n - s if n - s < FI_BLOCK else FI_BLOCK
    cdef char *scr
    if ndim == 0:
        k(base + s * itemsize, offset + <uint64_t>s, c, st, prm)
    else:
        scr = scratch + omp_get_thread_num() * unit
        k(scr, offset + <uint64_t>s, c, st, prm)
        fi_scatter(base, ndim, shp, strd, s, c, scr, itemsize)


cdef int run_kernel(fi_kernel k, object arr_obj, const fi_stream *st, const fi_params *prm,
                    uint64_t offset, int nthreads, bint check_signals) except -1:
    """Fill every element of arr with kernel k, in parallel over fixed blocks.

    Block b covers flat C-order indices [b*FI_BLOCK, (b+1)*FI_BLOCK); its
    values are those of stream positions offset + index, so neither the
    thread count nor the memory layout changes any value. Non-contiguous
    arrays go through a per-thread scratch block and a strided scatter:
    extra memory is threads * FI_BLOCK items, never O(n). On one thread
    (every array up to FI_SMALL elements) the blocks run in a plain loop,
    outside any OpenMP region.

    With ``check_signals``, Python's signal handlers run between blocks every
    20 ms (runtime.h); one that raises stops the fill, partly written.
    """
    global _regions
    cdef cnp.ndarray arr = <cnp.ndarray>arr_obj
    cdef int64_t n = arr.size
    if n == 0:
        return 0
    cdef int64_t nblocks = (n + FI_BLOCK - 1) // FI_BLOCK
    if n <= FI_SMALL:
        nthreads = 1
    if nthreads > nblocks:
        nthreads = <int>nblocks
    cdef int itemsize = arr.itemsize
    cdef char *base = <char *>cnp.PyArray_DATA(arr)
    cdef int64_t b
    cdef int ndim = 0
    cdef int64_t unit = 0
    cdef cnp.ndarray shape, strides, scratch
    cdef int64_t *shp = NULL
    cdef int64_t *strd = NULL
    cdef char *scr = NULL
    cdef fi_poll pl
    if not cnp.PyArray_IS_C_CONTIGUOUS(arr):
        ndim = arr.ndim
        unit = (n if n < FI_BLOCK else FI_BLOCK) * itemsize   # scratch bytes per thread
        shape = np.asarray(arr_obj.shape, dtype=np.int64)
        strides = np.asarray(arr_obj.strides, dtype=np.int64)
        scratch = np.empty(nthreads * unit, dtype=np.uint8)
        shp = <int64_t *>cnp.PyArray_DATA(shape)
        strd = <int64_t *>cnp.PyArray_DATA(strides)
        scr = <char *>cnp.PyArray_DATA(scratch)
    fi_poll_init(&pl, check_signals)
    if nthreads == 1:
        with nogil:
            for b in range(nblocks):
                if poll(&pl):
                    break
                fill_block(k, base, b, n, offset, st, prm, itemsize, ndim, shp, strd, scr, unit)
        return raise_if_stopped(&pl)
    _regions += 1
    with nogil, parallel(num_threads=nthreads):
        for b in prange(nblocks, schedule='static'):
            if poll(&pl):
                continue
            fill_block(k, base, b, n, offset, st, prm, itemsize, ndim, shp, strd, scr, unit)
    return raise_if_stopped(&pl)


cdef int run_block(fi_kernel k, fi_runs_kernel rk, object arr_obj, const fi_stream *st,
                   const fi_params *prm, tuple runs, int nthreads, bint check_signals) except -1:
    """Fill arr, the block described by ``runs`` (block_runs), in parallel over units.

    Each unit (a piece of a run of at most FI_BLOCK items, or several whole
    shorter runs) is filled by the element-wise kernel at its own stream
    positions (or its short runs all at once by the runs kernel ``rk``, NULL
    if the distribution has none, which gives the same values), so values
    never depend on the split, the thread count or the memory layout.
    Strided runs go through a per-thread scratch of FI_BLOCK items.
    ``check_signals`` as in run_kernel.
    """
    cdef cnp.ndarray arr = <cnp.ndarray>arr_obj
    ext, pstep, mstep, first = runs
    cdef int64_t e[64]
    cdef int64_t ps[64]
    cdef int64_t ms[64]
    cdef int i, nd = len(ext)
    for i in range(nd):
        e[i] = ext[i]
        ps[i] = pstep[i]
        ms[i] = mstep[i]
    cdef fi_block b
    b.ndim = nd
    b.shape = e
    b.pos_step = ps
    b.mem_step = ms
    b.first = first
    b.base = <char *>cnp.PyArray_DATA(arr)
    b.itemsize = arr.itemsize
    b.unit = FI_BLOCK
    cdef int64_t nunits = fi_block_units(&b), u
    if nunits == 0:
        return 0
    if arr.size <= FI_SMALL:
        nthreads = 1
    if nthreads > nunits:
        nthreads = <int>nunits
    # a scratch block per thread only for strided runs (contiguous runs are
    # written in place)
    cdef int64_t sbytes = 0
    cdef char *scr = NULL
    cdef cnp.ndarray scratch
    if ms[nd - 1] != b.itemsize:
        sbytes = FI_BLOCK * b.itemsize
        scratch = np.empty(nthreads * sbytes, dtype=np.uint8)
        scr = <char *>cnp.PyArray_DATA(scratch)
    cdef fi_poll pl
    fi_poll_init(&pl, check_signals)
    if nthreads == 1:
        with nogil:
            for u in range(nunits):
                if poll(&pl):
                    break
                fi_block_unit(k, rk, &b, u, st, prm, scr)
        return raise_if_stopped(&pl)
    global _regions
    _regions += 1
    with nogil, parallel(num_threads=nthreads):
        for u in prange(nunits, schedule='static'):
            if poll(&pl):
                continue
            fi_block_unit(k, rk, &b, u, st, prm, scr + omp_get_thread_num() * sbytes)
    return raise_if_stopped(&pl)


cdef dict _FIELDS = {}   # dist, or (dist, method) -> the fields' names, encoded for fi_set_param


cdef int set_params(fi_params *prm, int dist, dict params) except -1:
    """Named parameters (a dict, the fields of kernels.h) into the union, by name.

    The truncated normal's ziggurat method also takes "table": its tables,
    an array from :func:`ztab` (kept alive by the caller's dict during the
    fill)."""
    method = params.get("method", -1)
    table = params.get("table")
    cdef bint needs_table = dist == _TRUNCNORM and method == _TN_ZIGGURAT
    fields = _FIELDS.get(dist if method == -1 else (dist, method))
    if fields is None:
        fields = tuple((n, n.encode("ascii")) for n in param_names(dist, method))
        _FIELDS[dist if method == -1 else (dist, method)] = fields
    if not fields:
        raise ValueError(f"no parameters known for distribution {dist}, method {method}")
    cdef bint complete = len(params) == len(fields) + (method != -1) + needs_table
    if complete:
        for n, _ in fields:
            if n not in params:
                complete = False
                break
    if not complete:
        names = [n for n, _ in fields]
        if needs_table:
            names.append("table")
        raise ValueError(f"parameters of distribution {dist}: expected {names}, missing "
                         f"{[n for n in names if n not in params]}, unknown "
                         f"{sorted(set(params) - set(names) - {'method'})}")
    cdef const void *tab = NULL
    if needs_table:
        if not isinstance(table, np.ndarray) and callable(getattr(table, "result", None)):
            table = params["table"] = table.result()   # a table built ahead (a Future)
        tab = _ztab_data(table)
        if _ztab_c(table) != params["c"]:
            raise ValueError(f"the ziggurat method's table was built for c={_ztab_c(table)!r}, "
                             f"not c={params['c']!r}")
    if method != -1:
        fi_set_method(prm, method)
    if needs_table:
        fi_set_ztab(prm, tab)
    for name, raw in fields:
        fi_set_param(prm, dist, method, raw, params[name])
    return 0


def ztab(double c):
    """The tables of the ziggurat of the normal truncated to [-c, c]
    (fastinit/_src/ztab.c), as a uint8 array, read-only; for the truncated
    normal's ziggurat method ("table") and the census."""
    if not 0.0 < c <= FI_ZTAB_CMAX:
        raise ValueError(f"ztab: the half-width c must be in (0, {FI_ZTAB_CMAX:g}], got {c!r}")
    tab = np.zeros(fi_ztab_size() + 8, np.uint8)
    cdef cnp.ndarray t = tab
    cdef void *data = cnp.PyArray_DATA(t)
    cdef int rc
    with nogil:           # (3 ms: other threads go on meanwhile; truncated builds ahead)
        rc = fi_ztab_make(c, data)
    if rc != 0:
        raise ValueError(f"ztab: no tables for c={c!r}")
    tab[fi_ztab_size():] = np.frombuffer(np.float64(c).tobytes(), np.uint8)  # built for c
    tab.flags.writeable = False
    return tab


cdef const void *_ztab_data(table) except NULL:
    """The address of the tables in ``table``, which must be an array of
    :func:`ztab`'s form (checked: a pointer into it goes to C)."""
    if not (isinstance(table, np.ndarray) and table.dtype == np.uint8 and table.ndim == 1
            and table.shape[0] == fi_ztab_size() + 8 and table.flags.c_contiguous):
        raise ValueError(f"the ziggurat method's table must be _core.ztab(c)'s array, got "
                         f"{type(table).__name__}")
    return cnp.PyArray_DATA(table)


cdef double _ztab_c(table):
    """The half-width c a ztab array was built for (its last 8 bytes)."""
    return table[fi_ztab_size():].view(np.float64)[0]


def fill(cnp.ndarray arr, int dist, int dtype, dict params, tuple key, uint64_t offset,
         int nthreads, tuple block=None):
    """Fill arr (writable, any strides, items of dtype code ``dtype``) from ``dist``.

    block: None (arr holds flat positions offset, offset + 1, ...) or the
    run form of a block (fastinit._tensor.block_runs: extents, position
    steps, memory steps in bytes, first position); offset is then unused.

    key = (k0, k1, stream): the Philox key and the stream word; the counter's
    sub-space word is 0 (rejection samplers use 1, 2, ... for their retries).
    params: the named parameters of the distribution (kernels.h), e.g.
    {"mean": 0.0, "std": 1.0} for DISTS["normal"].
    Called from Python's main thread, the fill runs the signal handlers
    every 20 ms, so Ctrl-C interrupts it (the array is then partly written).
    """
    cdef fi_kernel k = fi_get_kernel(dist, dtype)
    if k == NULL:
        raise ValueError(f"no kernel for distribution {dist}, dtype {dtype}")
    cdef fi_stream st
    cdef fi_params prm
    st.k0, st.k1, st.stream = key
    st.sub = 0
    set_params(&prm, dist, params)
    # one block is over long before the first poll is due (20 ms): only
    # bigger fills ask whether this is the main thread
    main = arr.size > FI_BLOCK and threading.current_thread() is threading.main_thread()
    if block is None:
        run_kernel(k, arr, &st, &prm, offset, nthreads, main)
    else:
        run_block(k, fi_get_runs_kernel(dist, dtype), arr, &st, &prm, block, nthreads, main)
    return arr



# ---- many fills in one parallel pass ------------------------------------------
cdef struct fi_job:
    fi_kernel k
    char *base
    int64_t n
    int itemsize
    uint64_t offset
    fi_stream st
    fi_params prm
    int ndim            # 0: C-contiguous; else the strided layout below
    int64_t *shape
    int64_t *strides


cdef inline int64_t find_job(const int64_t *first, int64_t njobs, int64_t b) noexcept nogil:
    """The job whose blocks [first[j], first[j + 1]) hold global block b."""
    cdef int64_t lo = 0, hi = njobs - 1, mid
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if first[mid] <= b:
            lo = mid
        else:
            hi = mid - 1
    return lo


def fill_many(list jobs, int nthreads):
    """Run many fills as one parallel pass: every job's blocks in one loop.

    jobs: (arr, dist, dtype, params, key, offset) tuples as the arguments of
    :func:`fill` (validated by the caller; zero-element arrays allowed).
    The fixed-size blocks of all jobs are numbered one after another and
    handed to the threads dynamically, so many small tensors and a few big
    ones balance over the threads; each block's values are those
    :func:`fill` gives it (the same kernel, key and flat positions), so the
    result equals the fills done one by one, for any thread count.
    """
    cdef int64_t njobs = len(jobs), j, total = 0, ndims = 0, elements = 0
    cdef cnp.ndarray jobbuf = np.zeros(max(njobs, 1) * sizeof(fi_job), dtype=np.uint8)
    cdef fi_job *js = <fi_job *>cnp.PyArray_DATA(jobbuf)
    cdef cnp.ndarray firstbuf = np.zeros(njobs + 1, dtype=np.int64)
    cdef int64_t *first = <int64_t *>cnp.PyArray_DATA(firstbuf)
    cdef cnp.ndarray arr, layout
    cdef int64_t *lay
    cdef int maxitem = 1, dist, dtype
    for j in range(njobs):
        arr = <cnp.ndarray>jobs[j][0]
        if not cnp.PyArray_IS_C_CONTIGUOUS(arr):
            ndims += arr.ndim
    layout = np.zeros(2 * max(ndims, 1), dtype=np.int64)
    lay = <int64_t *>cnp.PyArray_DATA(layout)
    ndims = 0
    for j in range(njobs):
        arr_obj, dist, dtype, params, key, offset = jobs[j]
        arr = <cnp.ndarray>arr_obj
        js[j].k = fi_get_kernel(dist, dtype)
        if js[j].k == NULL:
            raise ValueError(f"no kernel for distribution {dist}, dtype {dtype}")
        js[j].base = <char *>cnp.PyArray_DATA(arr)
        js[j].n = arr.size
        js[j].itemsize = arr.itemsize
        js[j].offset = offset
        js[j].st.k0, js[j].st.k1, js[j].st.stream = key
        js[j].st.sub = 0
        set_params(&js[j].prm, dist, params)
        js[j].ndim = 0
        if arr.size and not cnp.PyArray_IS_C_CONTIGUOUS(arr):
            js[j].ndim = arr.ndim
            js[j].shape = lay + 2 * ndims
            js[j].strides = lay + 2 * ndims + arr.ndim
            for d in range(arr.ndim):
                js[j].shape[d] = arr.shape[d]
                js[j].strides[d] = arr.strides[d]
            ndims += arr.ndim
        maxitem = max(maxitem, arr.itemsize)
        first[j] = total
        total += (arr.size + FI_BLOCK - 1) // FI_BLOCK
        elements += arr.size
    first[njobs] = total
    if total == 0:
        return
    if elements <= FI_SMALL:
        nthreads = 1
    if nthreads > total:
        nthreads = <int>total
    cdef cnp.ndarray scratch = np.empty(nthreads * FI_BLOCK * maxitem, dtype=np.uint8)
    cdef char *scr = <char *>cnp.PyArray_DATA(scratch)
    cdef int64_t b
    cdef fi_job *jb
    if nthreads == 1:      # no OpenMP region for one thread (run_kernel)
        with nogil:
            for b in range(total):
                jb = js + find_job(first, njobs, b)
                fill_block(jb.k, jb.base, b - first[jb - js], jb.n, jb.offset, &jb.st,
                           &jb.prm, jb.itemsize, jb.ndim, jb.shape, jb.strides, scr,
                           FI_BLOCK * maxitem)
        return
    global _regions
    _regions += 1
    with nogil, parallel(num_threads=nthreads):
        for b in prange(total, schedule='dynamic', chunksize=1):
            jb = js + find_job(first, njobs, b)
            fill_block(jb.k, jb.base, b - first[jb - js], jb.n, jb.offset, &jb.st, &jb.prm,
                       jb.itemsize, jb.ndim, jb.shape, jb.strides, scr, FI_BLOCK * maxitem)


# ---- test hooks: the per-element math on chosen inputs ----------------------
cdef extern from "_src/transforms.h" nogil:
    float fi_logf(float x)
    double fi_log(double x)
    unsigned short fi_f32_to_f16(float f)
    unsigned short fi_f32_to_bf16(float f)
    float fi_uniform32(uint32_t w, float low, float scale, float top)
    double fi_uniform64(uint32_t hi, uint32_t lo, double low, double scale, double top)


def _uniform32(uint32_t w, dict params):
    """The float32 uniform transform of one word with the uniform kernel's params."""
    return fi_uniform32(w, <float>params["low"], <float>params["width"], <float>params["top"])


def _uniform64(uint32_t hi, uint32_t lo, dict params):
    return fi_uniform64(hi, lo, params["low"], params["width"], params["top"])


def _logf(float[::1] x):
    out = np.empty(x.shape[0], np.float32)
    cdef float[::1] o = out
    cdef Py_ssize_t i
    for i in range(x.shape[0]):
        o[i] = fi_logf(x[i])
    return out


def _log(double[::1] x):
    out = np.empty(x.shape[0], np.float64)
    cdef double[::1] o = out
    cdef Py_ssize_t i
    for i in range(x.shape[0]):
        o[i] = fi_log(x[i])
    return out


cdef extern from "_src/ziggurat.h" nogil:
    ctypedef struct fi_zt32:
        const uint64_t *xk
    ctypedef struct fi_zt64:
        const double *X
        const int64_t *K
    ctypedef struct fi_ztab:
        pass
    fi_zt32 fi_zig_normal32()
    fi_zt64 fi_zig_normal64()
    fi_zt32 fi_ztab_view32(const fi_ztab *z)
    fi_zt64 fi_ztab_view64(const fi_ztab *z)
    float fi_zig32_value_e(uint32_t w, uint64_t e)
    int fi_zig32_fast_e(uint32_t w, uint64_t e)
    int fi_zig32_step_t(const fi_zt32 *t, uint32_t *p, uint32_t r0, uint32_t r1, uint32_t r2,
                        uint32_t r3, float *z)
    double fi_zig64_value_e(uint64_t b, double X)
    int fi_zig64_fast_e(uint64_t b, int64_t K)
    int fi_zig64_step_t(const fi_zt64 *t, uint64_t *p, uint64_t ra, uint64_t rb, double *z)
    float fi_zig32_tailx(uint32_t r)
    double fi_zig64_tailx(uint64_t r)
    unsigned int FI_ZIG_SUB
    unsigned int FI_ZIG_N
    unsigned int FI_ZIG_KMASK
    unsigned int FI_ZIG_JMASK
    double FI_ZTAB_CMAX


ZIG_SUB = FI_ZIG_SUB
ZIG_LAYERS = FI_ZIG_N   # layer k = word & (ZIG_LAYERS - 1); the sign the next bit


cdef fi_zt32 _zt32(table):
    if table is None:
        return fi_zig_normal32()
    return fi_ztab_view32(<const fi_ztab *>_ztab_data(table))


cdef fi_zt64 _zt64(table):
    if table is None:
        return fi_zig_normal64()
    return fi_ztab_view64(<const fi_ztab *>_ztab_data(table))


def _zig32(uint32_t w, table=None):
    """The ziggurat's first attempt on the word w: (signed value, fast path?);
    table: None for normal_'s tables, or a truncated normal's (:func:`ztab`)."""
    cdef fi_zt32 t = _zt32(table)
    cdef uint64_t e = t.xk[w & FI_ZIG_JMASK]
    return fi_zig32_value_e(w, e), bool(fi_zig32_fast_e(w, e))


def _zig32_step(uint32_t p, uint32_t r0, uint32_t r1, uint32_t r2, uint32_t r3, table=None):
    """One retry block for the state p (0: no proposal): (candidate?, its value, next state)."""
    cdef float z
    cdef fi_zt32 t = _zt32(table)
    cdef int c = fi_zig32_step_t(&t, &p, r0, r1, r2, r3, &z)
    return bool(c), z, p


def _zig64(uint64_t b, table=None):
    cdef fi_zt64 t = _zt64(table)
    return (fi_zig64_value_e(b, t.X[b & FI_ZIG_JMASK]),
            bool(fi_zig64_fast_e(b, t.K[b & FI_ZIG_KMASK])))


def _zig64_step(uint64_t p, uint64_t ra, uint64_t rb, table=None):
    cdef double z
    cdef fi_zt64 t = _zt64(table)
    cdef int c = fi_zig64_step_t(&t, &p, ra, rb, &z)
    return bool(c), z, p


def _zig_tailx(uint64_t r, int bits):
    """The tail proposal of the word r (bits=32) or of the 64 bits r (bits=64)."""
    return fi_zig32_tailx(<uint32_t>r) if bits == 32 else fi_zig64_tailx(r)


ctypedef unsigned short (*fi_store16)(float) noexcept nogil


cdef _store16(float[::1] x, fi_store16 conv):
    out = np.empty(x.shape[0], np.uint16)
    cdef unsigned short[::1] o = out
    cdef Py_ssize_t i
    for i in range(x.shape[0]):
        o[i] = conv(x[i])
    return out


def _f32_to_f16(float[::1] x):
    """The kernels' float32 -> float16 store conversion."""
    return _store16(x, fi_f32_to_f16).view(np.float16)


def _f32_to_bf16(float[::1] x):
    """The kernels' float32 -> bfloat16 store conversion (the bits, as uint16)."""
    return _store16(x, fi_f32_to_bf16)


cdef extern from "_src/census.h" nogil:
    int fi_zig_census32(const void *tab, const double *t, int nt, double *p)
    int fi_zig_census64(const void *tab, const double *t, int nt, double *p)


def _zig_census(double[::1] t, int bits, table=None):
    """P(|z| > t) implied by the ziggurat normal sampler (census.c), float32
    (bits=32, exact over the whole word space) or float64 (bits=64); table:
    None for normal_'s tables, or a truncated normal's (:func:`ztab`)."""
    if not 0 < t.shape[0] <= 64:
        raise ValueError(f"1 to 64 thresholds, got {t.shape[0]}")
    out = np.empty(t.shape[0], np.float64)
    cdef double[::1] o = out
    cdef int rc
    cdef int nt = <int>t.shape[0]
    cdef const void *tab = NULL
    if table is not None:
        tab = _ztab_data(table)
    with nogil:
        rc = (fi_zig_census32(tab, &t[0], nt, &o[0]) if bits == 32
              else fi_zig_census64(tab, &t[0], nt, &o[0]))
    if rc != 0:
        raise RuntimeError("census: fi_logf is not monotone on the wedge range")
    return out
