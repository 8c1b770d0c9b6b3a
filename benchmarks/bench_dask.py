"""fastinit.dask against dask's own random arrays, on one dask.distributed cluster.

A LocalCluster of 2 worker processes (1 thread each) is started in setup and
closed in teardown. Each timed call builds a 4096 x 4096 standard
normal array in 1024 x 1024 chunks and persists it on the workers (no
transfer to the client), float32 and float64: fastinit.dask.normal (chunk-invariant, each chunk
filled through the index space) against
``dask.array.random.default_rng(seed).standard_normal`` (whose values change
with the chunking, dask#1684).
"""
from .common import SEED, fi

SHAPE = (4096, 4096)
CHUNKS = (1024, 1024)


class DaskNormal:
    params = [["fastinit", "dask"], ["float32", "float64"]]
    param_names = ["library", "dtype"]
    timeout = 300

    def setup(self, library, dtype):
        fi("normal")
        try:
            import dask.array as da
            import distributed
            import fastinit.dask as fdask
        except ImportError as exc:
            raise NotImplementedError(f"dask is not installed: {exc}")
        self.distributed = distributed
        self.cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                                processes=True, dashboard_address=None,
                                                silence_logs=40)
        self.client = distributed.Client(self.cluster)
        self.calls = 0
        if library == "fastinit":
            self.make = lambda s: fdask.normal(SHAPE, chunks=CHUNKS, rng=s, dtype=dtype)
        else:
            self.make = lambda s: da.random.default_rng(s).standard_normal(
                SHAPE, chunks=CHUNKS, dtype=dtype)
        self.time_persist(library, dtype)     # warm the workers (imports, first touch)

    def teardown(self, library, dtype):
        self.client.close(timeout=30)
        self.cluster.close(timeout=30)

    def time_persist(self, library, dtype):
        # a new seed per call: equal graphs would be served from the workers' memory
        self.calls += 1
        x = self.client.persist(self.make(SEED + self.calls))
        self.distributed.wait(x, timeout=120)
        del x
