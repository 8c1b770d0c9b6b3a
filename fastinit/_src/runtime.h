/* Process-level guards of the parallel loops: fork and interrupt. Pure C.
 *
 * Fork: GNU libgomp's thread pool does not survive fork(); a child that
 * enters a parallel region with more than one thread waits forever for
 * workers that do not exist. fi_install_fork_handler() registers one
 * pthread_atfork child handler that marks the process; fastinit's thread
 * resolution (fastinit._config) then runs every loop of the child on the
 * calling thread, as torch does. Same bits, one thread.
 *
 * Interrupt: a long parallel loop polls between its tasks. Thread 0 (the
 * calling thread) asks fi_poll_due() after each task; when FI_POLL_NS have
 * passed, the Cython layer takes the GIL briefly and runs Python's signal
 * handlers. A handler that raises (Ctrl-C: KeyboardInterrupt) sets the stop
 * flag, every thread skips its remaining tasks, and the exception propagates
 * once the loop has joined. The target is then partly written.
 */
#ifndef FASTINIT_RUNTIME_H
#define FASTINIT_RUNTIME_H

#include <stdint.h>
#include <time.h>

int fi_install_fork_handler(void);
int fi_forked(void);

/* Interval between two signal checks of one loop. Small against the 0.2 s
 * a user waits for Ctrl-C, large against the GIL round trip (about 1 us). */
#define FI_POLL_NS 20000000LL

typedef struct {
    int stop;         /* set once, read by every thread (relaxed atomics) */
    int enabled;      /* checks requested (calls from Python's main thread) */
    int64_t next_ns;  /* thread 0 only: when the next check is due */
} fi_poll;

/* The coarse clock (Linux: the last tick, a few ms resolution) is enough for
 * a 20 ms interval and reads in a few ns, against about 70 ns for the fine
 * one here: thread 0 reads it once per block. */
static inline int64_t fi_now_ns(void)
{
    struct timespec ts;
#if defined(CLOCK_MONOTONIC_COARSE)
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#elif defined(CLOCK_MONOTONIC)
    clock_gettime(CLOCK_MONOTONIC, &ts);
#else
    timespec_get(&ts, TIME_UTC);
#endif
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void fi_poll_init(fi_poll *p, int enabled)
{
    p->stop = 0;
    p->enabled = enabled;
    p->next_ns = enabled ? fi_now_ns() + FI_POLL_NS : 0;
}

/* Thread 0 only: whether a signal check is due now (restarts the interval). */
static inline int fi_poll_due(fi_poll *p)
{
    if (!p->enabled)
        return 0;
    int64_t now = fi_now_ns();
    if (now < p->next_ns)
        return 0;
    p->next_ns = now + FI_POLL_NS;
    return 1;
}

static inline int fi_poll_stopped(const fi_poll *p)
{
    return __atomic_load_n(&p->stop, __ATOMIC_RELAXED);
}

static inline void fi_poll_set_stop(fi_poll *p)
{
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELAXED);
}

#endif
