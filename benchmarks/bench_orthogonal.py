"""Orthogonal matrices: fastinit.orthogonal_ (Householder, compact WY) against
np.linalg.qr of a Gaussian matrix, torch.nn.init.orthogonal_ and JAX."""
from .common import DTYPES, SEED, fi, gen, jax, reference, torch, touched

SIDES = [256, 1024, 2048]


class Orthogonal:
    params = [SIDES, DTYPES]
    param_names = ["n", "dtype"]
    timeout = 120

    def setup(self, n, dtype):
        self.fn = fi("orthogonal_")
        self.out = touched((n, n), dtype)

    def time_orthogonal(self, n, dtype):
        self.fn(self.out, rng=SEED)

    def peakmem_orthogonal(self, n, dtype):
        self.fn(self.out, rng=SEED)


class OrthogonalRect:
    """Wide and tall matrices (rows != cols)."""
    params = [["512x2048", "2048x512"], DTYPES]
    param_names = ["shape", "dtype"]

    def setup(self, shape, dtype):
        self.fn = fi("orthogonal_")
        self.out = touched(tuple(int(x) for x in shape.split("x")), dtype)

    def time_orthogonal(self, shape, dtype):
        self.fn(self.out, rng=SEED)


class OrthogonalFunctional:
    params = [SIDES, DTYPES]
    param_names = ["n", "dtype"]
    timeout = 120

    def setup(self, n, dtype):
        self.fn = fi("orthogonal")

    def time_orthogonal(self, n, dtype):
        self.fn((n, n), dtype=dtype, rng=SEED)

    def peakmem_orthogonal(self, n, dtype):
        self.fn((n, n), dtype=dtype, rng=SEED)


class DeltaOrthogonal:
    """Orthogonal kernel centre of a (c, c, 3, 3) convolution weight."""
    params = [[64, 256, 512], DTYPES]
    param_names = ["channels", "dtype"]

    def setup(self, c, dtype):
        self.fn = fi("delta_orthogonal_")
        self.out = touched((c, c, 3, 3), dtype)

    def time_delta_orthogonal(self, c, dtype):
        self.fn(self.out, rng=SEED)

    def peakmem_delta_orthogonal(self, c, dtype):
        self.fn(self.out, rng=SEED)


class DeltaOrthogonalFunctional:
    params = [[64, 256, 512], DTYPES]
    param_names = ["channels", "dtype"]

    def setup(self, c, dtype):
        self.fn = fi("delta_orthogonal")

    def time_delta_orthogonal(self, c, dtype):
        self.fn((c, c, 3, 3), dtype=dtype, rng=SEED)

    def peakmem_delta_orthogonal(self, c, dtype):
        self.fn((c, c, 3, 3), dtype=dtype, rng=SEED)


class NumpyQR:
    """np.linalg.qr of a Gaussian matrix plus the sign correction (Mezzadri 2007)."""
    params = [SIDES, DTYPES]
    param_names = ["n", "dtype"]
    timeout = 120

    def setup(self, n, dtype):
        self.g = gen()
        self.fn = reference("np_orthogonal")
        self.out = touched((n, n), dtype)

    def time_orthogonal(self, n, dtype):
        self.fn(self.g, self.out)

    def peakmem_orthogonal(self, n, dtype):
        self.time_orthogonal(n, dtype)


class TorchOrthogonal:
    params = [SIDES, DTYPES]
    param_names = ["n", "dtype"]
    timeout = 120

    def setup(self, n, dtype):
        t = torch()
        self.out = t.from_numpy(touched((n, n), dtype))
        self.fn = t.nn.init.orthogonal_

    def time_orthogonal(self, n, dtype):
        self.fn(self.out)


class JaxOrthogonal:
    params = [SIDES, DTYPES]
    param_names = ["n", "dtype"]
    timeout = 120

    def setup(self, n, dtype):
        j = jax()
        init = j.nn.initializers.orthogonal()
        key = j.random.PRNGKey(SEED)
        self.fn = lambda: init(key, (n, n), dtype)
        self.fn().block_until_ready()

    def time_orthogonal(self, n, dtype):
        self.fn().block_until_ready()
