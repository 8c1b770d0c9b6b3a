# Declarations of the C core (fastinit/_src/kernels.h): every code, name and
# parameter field the Cython layer uses is read from there at run time.
from libc.stdint cimport uint32_t, uint64_t, int64_t

cdef extern from "_src/kernels.h" nogil:
    ctypedef struct fi_stream:
        uint32_t k0
        uint32_t k1
        uint32_t stream
        uint32_t sub

    enum fi_simd:
        FI_SIMD_BASELINE
        FI_SIMD_AVX2
        FI_SIMD_AVX512
    enum:
        FI_NDISTS
        FI_TN_NMETHODS
        FI_NDTYPES

    # The parameters, opaque here: set by name (fi_param_name, fi_set_param).
    ctypedef union fi_params:
        pass

    ctypedef void (*fi_kernel)(void *out, uint64_t start, int64_t n,
                               const fi_stream *st, const fi_params *prm) noexcept nogil
    ctypedef int (*fi_runs_kernel)(void *out, uint64_t first, int nrun, const int64_t *coff,
                                   const int64_t *moff, int64_t len, const fi_stream *st,
                                   const fi_params *prm) noexcept nogil
    int fi_simd_supported(int path)
    int fi_simd_best()
    int fi_set_simd(int path)
    int fi_get_simd()
    fi_kernel fi_get_kernel(int dist, int dtype)
    fi_runs_kernel fi_get_runs_kernel(int dist, int dtype)
    int fi_dtype_info(int code, const char **name, int *itemsize, int *work_bits)
    const char *fi_dist_name(int dist)
    const char *fi_tn_method_name(int method)
    const char *fi_param_name(int dist, int method, int k)
    int fi_set_param(fi_params *prm, int dist, int method, const char *name, double value)
    void fi_set_method(fi_params *prm, int method)
    void fi_set_ztab(fi_params *prm, const void *tab)
    int64_t fi_ztab_size()
    int fi_ztab_make(double c, void *tab)
    void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t *key, uint32_t *out)
    void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                    int64_t first, int64_t n, const char *src, int itemsize)
    ctypedef struct fi_block:
        int ndim
        const int64_t *shape
        const int64_t *pos_step
        const int64_t *mem_step
        uint64_t first
        char *base
        int itemsize
        int64_t unit
    int64_t fi_block_units(const fi_block *b)
    void fi_block_unit(fi_kernel k, fi_runs_kernel rk, const fi_block *b, int64_t u,
                       const fi_stream *st, const fi_params *prm, char *scratch)

cdef extern from "_src/fi_openmp.h" nogil:
    int FI_HAVE_OPENMP
    int omp_get_max_threads()
    int omp_get_thread_num()

# Elements per parallel block: a constant of the library, not of the machine.
# (Values never depend on it; it sets the grain of the work split.)
cdef enum:
    FI_BLOCK = 16384
    FI_SMALL = 65536
