/* The at-fork handler (see runtime.h). */
#include "runtime.h"

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#include <signal.h>

static volatile sig_atomic_t fi_in_child = 0;
static int fi_handler_installed = 0;

static void fi_after_fork_in_child(void)
{
    fi_in_child = 1;  /* async-signal-safe: one store */
}

int fi_install_fork_handler(void)
{
    if (fi_handler_installed)  /* called once, at import, under the GIL */
        return 0;
    fi_handler_installed = 1;
    return pthread_atfork(NULL, NULL, fi_after_fork_in_child);
}

int fi_forked(void)
{
    return fi_in_child != 0;
}
#else
int fi_install_fork_handler(void) { return 0; }
int fi_forked(void) { return 0; }
#endif
