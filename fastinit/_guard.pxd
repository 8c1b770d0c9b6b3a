# Guards of the parallel loops (fastinit/_src/runtime.h): the at-fork
# handler and the interrupt poll, shared by every Cython module.
from libc.stdint cimport int64_t

cdef extern from "_src/runtime.h" nogil:
    ctypedef struct fi_poll:
        int stop
        int enabled
        int64_t next_ns
    int fi_install_fork_handler()
    int fi_forked()
    void fi_poll_init(fi_poll *p, int enabled)
    int fi_poll_due(fi_poll *p)
    int fi_poll_stopped(const fi_poll *p)
    void fi_poll_set_stop(fi_poll *p)

cdef extern from "_src/fi_openmp.h" nogil:
    int omp_get_thread_num()

cdef extern from "Python.h":
    # declared without an except clause: the caller looks at the result and
    # leaves the handler's exception set for raise_if_stopped()
    int fi_run_signal_handlers "PyErr_CheckSignals" ()
    void *PyErr_Occurred()


cdef inline bint poll(fi_poll *p) noexcept nogil:
    """Between two tasks of a parallel loop: whether the loop must stop.

    Thread 0 (the calling thread) runs Python's signal handlers every
    FI_POLL_NS, holding the GIL only for that; if one raises, every thread
    sees the stop flag at its next task.
    """
    if omp_get_thread_num() == 0 and fi_poll_due(p):
        with gil:
            if fi_run_signal_handlers() != 0:
                fi_poll_set_stop(p)
    return fi_poll_stopped(p)


cdef inline int raise_if_stopped(fi_poll *p) except -1:
    """After the loop has joined, with the GIL: propagate the handler's exception."""
    if not fi_poll_stopped(p):
        return 0
    if PyErr_Occurred() == NULL:
        raise KeyboardInterrupt
    return -1
