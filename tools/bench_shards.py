"""Print the sharded-initialization figures of issue 10, from the asv classes.

    python tools/bench_shards.py [blocks] [orthogonal] [dask]   (default: all three)

- blocks: BlockFill.track_cost_ratio, per-element cost of a 1/4-rows x
  1/2-cols block of a 4096 x 4096 fill over the whole's, 1 and 2 threads;
- orthogonal: OrthogonalBlock.track_time_ratio (quarter blocks of a
  4096 x 4096 orthogonal_) next to the chain flop share of Q's columns;
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
    from benchmarks.bench_blocks import ORTHO_BLOCKS, ORTHO_SHAPE, OrthogonalBlock, chain_share
    n = ORTHO_SHAPE[0]
    print(f"flop share of Q's columns: rows 0:1024 {chain_share(n, n, 0, 1024):.3f}, "
          f"rows 3072:4096 {chain_share(n, n, 3072, 4096):.3f}, any column quarter 1.0")
    for threads in (1, 2):
        for block in ORTHO_BLOCKS:
            o = OrthogonalBlock()
            o.setup(block, threads)
            print(f"orthogonal block/whole time  threads={threads} {block}: "
                  f"{o.track_time_ratio(block, threads):.3f}", flush=True)


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
