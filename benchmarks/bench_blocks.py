"""Block fills (global_shape= / index=) against whole fills: the per-element cost.

The block is a tensor-parallel 2-D shard: 1/4 of the rows and 1/2 of the
columns of a 4096 x 4096 weight (runs of 2048 consecutive positions), in a
pre-touched array of its own. ``track_cost_ratio`` times the block and the
whole in one process, taking turns, best of 9 each, and reports (block time
/ block elements) / (whole time / whole elements): 1.0 means a block costs
exactly its share. The issue's target is <= 1.1. With one thread the clock
is the calling thread's CPU time (OpenMP runs the fill on it), which other
processes on a shared machine disturb far less than wall time.
"""
import math
import time

from .common import DTYPES, SEED, THREADS, fi, touched

SHAPE = (4096, 4096)
INDEX = (slice(1024, 2048), slice(2048, 4096))
FUNCTIONS = ["normal_", "uniform_", "trunc_normal_", "kaiming_normal_"]


class BlockFill:
    params = [FUNCTIONS, DTYPES, THREADS]
    param_names = ["function", "dtype", "threads"]

    def setup(self, name, dtype, threads):
        self.fn = fi(name)
        self.whole = touched(SHAPE, dtype)
        self.block = touched((SHAPE[0] // 4, SHAPE[1] // 2), dtype)

    def time_whole(self, name, dtype, threads):
        self.fn(self.whole, rng=SEED, num_threads=threads)

    def time_block(self, name, dtype, threads):
        self.fn(self.block, rng=SEED, num_threads=threads, global_shape=SHAPE, index=INDEX)

    def track_cost_ratio(self, name, dtype, threads):
        clock = time.thread_time if threads == 1 else time.perf_counter
        calls = {"whole": self.time_whole, "block": self.time_block}
        best = dict.fromkeys(calls, math.inf)
        for _ in range(10):   # the first round warms up and is not counted
            for k, call in calls.items():
                t0 = clock()
                call(name, dtype, threads)
                best[k] = min(best[k], clock() - t0) if _ else best[k]
        return (best["block"] / self.block.size) / (best["whole"] / self.whole.size)

    track_cost_ratio.unit = "block/whole per-element time"
