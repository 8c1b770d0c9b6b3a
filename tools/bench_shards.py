"""Print the sharded-initialization figures of issue 10, from the asv classes.

    python tools/bench_shards.py [blocks] [orthogonal] [dask]   (default: all three)

- blocks: BlockFill.track_cost_ratio, per-element cost of a 1/4-rows x
  1/2-cols block of a 4096 x 4096 fill over the whole's, 1 and 2 threads;
- orthogonal: OrthogonalBlock.track_time_ratio (quarter blocks of a
  4096 x 4096 orthogonal_, exact and, for Q's rows, exact=False) next to
  the flop shares (chain_share, row_share), and track_peak_memory;
- dask: DaskNormal.time_persist, best of 5, fastinit.dask.normal against
  dask.array.random.default_rng().standard_normal on one 2-process cluster.
Ratios are measured in one process, the calls taking turns.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def blocks():
    from benchmarks.bench_blocks import FUNCTIONS, BlockFill
    for threads in (1, 2):
        for name in FUNCTIONS:
            for dtype in ("float32", "float64"):
                b = BlockFill()
                b.setup(name, dtype, threads)
                print(f"block cost ratio  threads={threads} {name:16s} {dtype}: "
                      f"{b.track_cost_ratio(name, dtype, threads):.3f}", flush=True)


def orthogonal():
    from benchmarks.bench_blocks import (ORTHO_BLOCKS, ORTHO_SHAPE, OrthogonalBlock,
                                         chain_share, row_share)
    n = ORTHO_SHAPE[0]
    print(f"flop share of Q's columns (exact): rows 0:1024 {chain_share(n, n, 0, 1024):.3f}, "
          f"rows 3072:4096 {chain_share(n, n, 3072, 4096):.3f}; Q's rows (exact) 1.0")
    print(f"flop share of Q's rows (fast, exact=False): cols 1024:2048 "
          f"{row_share(n, n, 1024, 2048):.3f}, cols 3072:4096 {row_share(n, n, 3072, 4096):.3f}"
          f" (element share {1024 / n:.3f})")
    for threads in (1, 2):
        for block in ORTHO_BLOCKS:
            for mode in ("exact", "fast") if block.startswith("cols") else ("exact",):
                o = OrthogonalBlock()
                o.setup(block, mode, threads)
                line = (f"orthogonal block/whole time  threads={threads} {block} {mode}: "
                        f"{o.track_time_ratio(block, mode, threads):.3f}")
                if threads == 1:
                    line += (f"  peak memory/block bytes "
                             f"{o.track_peak_memory(block, mode, threads):.2f}")
                print(line, flush=True)


def dask():
    from benchmarks.bench_dask import DaskNormal
    for dtype in ("float32", "float64"):
        for library in ("fastinit", "dask"):
            b = DaskNormal()
            b.setup(library, dtype)
            try:
                best = float("inf")
                for _ in range(5):
                    t0 = time.perf_counter()
                    b.time_persist(library, dtype)
                    best = min(best, time.perf_counter() - t0)
            finally:
                b.teardown(library, dtype)
            print(f"dask cluster persist 4096x4096 {dtype} {library}: {best:.3f} s", flush=True)


if __name__ == "__main__":
    for part in sys.argv[1:] or ["blocks", "orthogonal", "dask"]:
        {"blocks": blocks, "orthogonal": orthogonal, "dask": dask}[part]()
