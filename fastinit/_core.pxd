# Declarations of the C core (fastinit/_src), shared by the Cython modules.
from libc.stdint cimport uint32_t, uint64_t, int64_t

cdef extern from "_src/kernels.h" nogil:
    ctypedef struct fi_stream:
        uint32_t k0
        uint32_t k1
        uint32_t stream
        uint32_t sub
    ctypedef struct fi_params:
        double p[8]
    ctypedef void (*fi_kernel)(void *out, uint64_t start, int64_t n,
                               const fi_stream *st, const fi_params *prm) noexcept nogil
    int FI_NDISTS
    int FI_NSIMD
    int fi_simd_supported(int path)
    int fi_simd_best()
    int fi_set_simd(int path)
    int fi_get_simd()
    fi_kernel fi_get_kernel(int dist, int dtype)
    void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t *key, uint32_t *out)
    void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                    int64_t first, int64_t n, const char *src, int itemsize)

cdef extern from "_src/fi_openmp.h" nogil:
    int FI_HAVE_OPENMP
    int omp_get_max_threads()
    int omp_get_thread_num()

# Elements per parallel block: a constant of the library, not of the machine.
# (Values never depend on it; it sets the grain of the work split.)
cdef enum:
    FI_BLOCK = 16384
    FI_SMALL = 65536

cdef int run_kernel(fi_kernel k, object arr, const fi_stream *st, const fi_params *prm,
                    uint64_t offset, int nthreads, bint check_signals) except -1
