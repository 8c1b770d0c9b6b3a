"""The one timing helper of the CLI, the tools and the comparison scripts."""
import math
import time


def best_times(fns, repeat, warmup=False):
    """Best wall time of each callable over ``repeat`` rounds.

    ``fns`` is one callable (a float is returned), a list (a list) or a dict
    (a dict with the same keys). The callables take turns within each round,
    so that all of them see the same (noisy) machine; ``warmup`` calls each
    once first, outside the timing (thread pools, JIT, scratch page faults).
    """
    single = callable(fns)
    named = dict(enumerate([fns] if single else fns)) if not isinstance(fns, dict) else fns
    if warmup:
        for fn in named.values():
            fn()
    best = dict.fromkeys(named, math.inf)
    for _ in range(repeat):
        for k, fn in named.items():
            t0 = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t0)
    if single:
        return best[0]
    return best if isinstance(fns, dict) else [best[k] for k in range(len(fns))]
