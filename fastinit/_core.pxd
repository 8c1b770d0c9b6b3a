# Declarations of the C core (fastinit/_src/kernels.h): every code and
# parameter layout the Cython layer uses comes from there.
from libc.stdint cimport uint32_t, uint64_t, int64_t

cdef extern from "_src/kernels.h" nogil:
    ctypedef struct fi_stream:
        uint32_t k0
        uint32_t k1
        uint32_t stream
        uint32_t sub

    enum fi_dist:
        FI_CONSTANT
        FI_UNIFORM
        FI_NORMAL
        FI_TRUNCNORM
    enum fi_tn_method:
        FI_TN_NORMAL
        FI_TN_UNIFORM
        FI_TN_EXP
    enum fi_simd:
        FI_SIMD_BASELINE
        FI_SIMD_AVX2
        FI_SIMD_AVX512
    enum:
        FI_NDTYPES

    ctypedef struct fi_constant_params:
        double value
    ctypedef struct fi_uniform_params:
        double low
        double width
        double top
    ctypedef struct fi_normal_params:
        double mean
        double std
    ctypedef struct fi_tn_normal_params:
        int method
        double mean
        double std
        double lo
        double hi
        double fold
    ctypedef struct fi_tn_uniform_params:
        int method
        double base
        double width
        double s1
        double s2
        double w
        double lo
        double hi
    ctypedef struct fi_tn_exp_params:
        int method
        double base
        double scale
        double inv_lambda
        double w
        double lo
        double hi
    ctypedef union fi_truncnorm_params:
        int method
        fi_tn_normal_params normal
        fi_tn_uniform_params uniform
        fi_tn_exp_params exp
    ctypedef union fi_params:
        fi_constant_params constant
        fi_uniform_params uniform
        fi_normal_params normal
        fi_truncnorm_params truncnorm

    ctypedef void (*fi_kernel)(void *out, uint64_t start, int64_t n,
                               const fi_stream *st, const fi_params *prm) noexcept nogil
    int fi_simd_supported(int path)
    int fi_simd_best()
    int fi_set_simd(int path)
    int fi_get_simd()
    fi_kernel fi_get_kernel(int dist, int dtype)
    int fi_dtype_info(int code, const char **name, int *itemsize, int *work_bits)
    void fi_philox4x32_many(const uint32_t *ctr, int64_t n, const uint32_t *key, uint32_t *out)
    void fi_scatter(char *base, int ndim, const int64_t *shape, const int64_t *strides,
                    int64_t first, int64_t n, const char *src, int itemsize)
    void fi_advise_huge(void *p, size_t n)

cdef extern from "_src/fi_openmp.h" nogil:
    int FI_HAVE_OPENMP
    int omp_get_max_threads()
    int omp_get_thread_num()

# Elements per parallel block: a constant of the library, not of the machine.
# (Values never depend on it; it sets the grain of the work split.)
cdef enum:
    FI_BLOCK = 16384
    FI_SMALL = 65536
