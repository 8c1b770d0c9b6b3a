"""Block fills (global_shape= / index=) against whole fills: the per-element cost.

The block is a tensor-parallel 2-D shard: 1/4 of the rows and 1/2 of the
columns of a 4096 x 4096 weight (runs of 2048 consecutive positions), in a
pre-touched array of its own. ``track_cost_ratio`` times the block and the
whole in one process, taking turns, best of 19 each, and reports (block time
/ block elements) / (whole time / whole elements): 1.0 means a block costs
exactly its share. The issue's target is <= 1.1. Each timed call follows an
untimed one of its own kind: a call that follows the whole 64 MB fill first
writes back the whole's dirty cache lines, which cost the block call after
it 2-4% of its time in alternating runs (a rank fills its blocks one after
another). With one thread the clock is the calling thread's CPU time
(OpenMP runs the fill on it), which other processes on a shared machine
disturb far less than wall time.
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
        for _ in range(20):   # the first round warms up and is not counted
            for k, call in calls.items():
                call(name, dtype, threads)   # the caches as this call leaves them
                t0 = clock()
                call(name, dtype, threads)
                best[k] = min(best[k], clock() - t0) if _ else best[k]
        return (best["block"] / self.block.size) / (best["whole"] / self.whole.size)

    track_cost_ratio.unit = "block/whole per-element time"


ORTHO_SHAPE = (4096, 4096)
ORTHO_BLOCKS = {   # tensor rows = Q's columns (their share), columns = Q's rows
    "rows_first_quarter": (slice(0, 1024), slice(None)),
    "rows_last_quarter": (slice(3072, 4096), slice(None)),
    "cols_quarter": (slice(None), slice(1024, 2048)),
    "cols_last_quarter": (slice(None), slice(3072, 4096)),
}
# exact=True: the whole's bits (a block of Q's rows costs about the whole's time);
# exact=False: a block of Q's rows by the row path, at its share of the time
ORTHO_MODES = {"exact": True, "fast": False}


def _chain_flops(m, k, c0, c1, panel, chunk):
    """Level-3 flops of stewart()'s chains for Q's columns [c0, c1).

    A chunk of w columns in panel p costs 2 (m - j_p) b w for its own panel and
    4 (m - j_q) panel w for each earlier panel q (fastinit._orthogonal._chunk);
    the per-panel factors are not counted.
    """
    total = 0
    for q0 in range(c0, c1, chunk):
        w, p = min(chunk, c1 - q0), q0 // panel
        total += 2 * (m - p * panel) * min(panel, k - p * panel) * w
        total += sum(4 * (m - q * panel) * panel * w for q in range(p))
    return total


def chain_share(m, k, qa, qb, panel=256, chunk=128):
    """The fraction of the whole's level-3 flops that Q's columns [qa, qb) take."""
    return _chain_flops(m, k, qa, qb, panel, chunk) / _chain_flops(m, k, 0, k, panel, chunk)


def row_share(m, k, ra, rb, panel=256, rows=64):
    """The row path's (exact=False) level-3 flops for Q's rows [ra, rb) over the whole's.

    The path computes the groups of ``rows`` rows covering the range, h rows in
    all; per panel p (width b, first coordinate j_p) it does Z = Y V (2 h (m - j_p)
    b flops; a copy in panel 0, where Y is rows of the identity), Z U^{-1}
    (h b^2) and Y -= Z V^T (2 h (m - j_p) b) (fastinit._orthogonal._rows_panel).
    The per-panel factors are not counted.
    """
    h = min(-(-rb // rows) * rows, m) - ra // rows * rows
    flops = sum(h * ((4 if j else 2) * (m - j) * min(panel, k - j) + min(panel, k - j) ** 2)
                for j in range(0, k, panel))
    return flops / _chain_flops(m, k, 0, k, panel, 128)


class OrthogonalBlock:
    """orthogonal_ on a quarter of a 4096 x 4096 float32 weight against the whole."""
    params = [list(ORTHO_BLOCKS), list(ORTHO_MODES), THREADS]
    param_names = ["block", "mode", "threads"]
    timeout = 300

    def setup(self, block, mode, threads):
        self.fn = fi("orthogonal_")
        self.whole = touched(ORTHO_SHAPE, "float32")
        self.index = ORTHO_BLOCKS[block]
        self.block = touched(self.whole[self.index].shape, "float32")

    def time_whole(self, block, mode, threads):
        self.fn(self.whole, rng=SEED, num_threads=threads)

    def time_block(self, block, mode, threads):
        self.fn(self.block, rng=SEED, num_threads=threads, global_shape=ORTHO_SHAPE,
                index=self.index, exact=ORTHO_MODES[mode])

    def track_time_ratio(self, block, mode, threads):
        """block time / whole time, best of 3 each, taking turns."""
        clock = time.thread_time if threads == 1 else time.perf_counter
        best = {"whole": math.inf, "block": math.inf}
        for _ in range(3):
            for k, call in (("whole", self.time_whole), ("block", self.time_block)):
                t0 = clock()
                call(block, mode, threads)
                best[k] = min(best[k], clock() - t0)
        return best["block"] / best["whole"]

    track_time_ratio.unit = "block/whole time"

    def track_peak_memory(self, block, mode, threads):
        """Peak memory the block's fill allocates (tracemalloc), over the block's bytes."""
        import tracemalloc
        tracemalloc.start()
        try:
            self.time_block(block, mode, threads)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return peak / self.block.nbytes

    track_peak_memory.unit = "peak bytes / block bytes"
