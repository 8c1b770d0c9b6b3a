"""Thread scaling: each random family from 1 thread up to os.cpu_count().

Results are bit-identical for every thread count (the stream contract), so
only the time may change. 6.4e7 float32 elements (orthogonal: 2048 x 2048).
"""
from .common import SEED, THREADS, fi, touched

SIZE = 64_000_000
CALLS = {
    "uniform_": lambda fn, out, t: fn(out, rng=SEED, num_threads=t),
    "normal_": lambda fn, out, t: fn(out, rng=SEED, num_threads=t),
    "trunc_normal_": lambda fn, out, t: fn(out, rng=SEED, num_threads=t),
    "kaiming_normal_": lambda fn, out, t: fn(out, rng=SEED, num_threads=t),
    "xavier_uniform_": lambda fn, out, t: fn(out, rng=SEED, num_threads=t),
    "constant_": lambda fn, out, t: fn(out, 0.01, num_threads=t),
}


class Threads:
    params = [list(CALLS), THREADS]
    param_names = ["function", "threads"]

    def setup(self, name, threads):
        self.fn = fi(name)
        self.call = CALLS[name]
        self.out = touched((SIZE // 1000, 1000), "float32")

    def time_threads(self, name, threads):
        self.call(self.fn, self.out, threads)


class OrthogonalThreads:
    params = [THREADS]
    param_names = ["threads"]
    timeout = 120

    def setup(self, threads):
        self.fn = fi("orthogonal_")
        self.out = touched((2048, 2048), "float32")

    def time_threads(self, threads):
        self.fn(self.out, rng=SEED, num_threads=threads)
