"""fastinit.jax against jax.nn.initializers: one float32 kernel, jitted where JAX compiles.

Each class skips itself (NotImplementedError in setup) when jax or
fastinit.jax is missing. The first call of each jitted function (its
compilation) happens in setup; time_* measure the calls users repeat.
"""
from .common import SEED, jax

SHAPES = [(1024, 1024), (4096, 4096)]
FAMILIES = ["he_normal", "normal", "glorot_uniform"]


def _factories(name):
    jx = jax()
    try:
        import fastinit.jax as fij
    except ImportError as exc:   # pragma: no cover - fastinit.jax needs jax
        raise NotImplementedError(f"fastinit.jax does not import: {exc}") from exc
    if name == "normal":
        return jx.nn.initializers.normal(1.0), fij.normal(1.0)
    return getattr(jx.nn.initializers, name)(), getattr(fij, name)()


class _Base:
    params = [FAMILIES, SHAPES]
    param_names = ["family", "shape"]

    def setup(self, name, shape):
        jx = jax()
        jx.config.update("jax_enable_x64", False)     # float32, as the comparison says
        self.key = jx.random.key(SEED)
        self.theirs, self.ours = _factories(name)
        self.shape = shape
        self.call = self.make(jx)
        self.call().block_until_ready()               # compile / first touch, untimed

    def time_init(self, name, shape):
        self.call().block_until_ready()


class FastinitJaxEager(_Base):
    """fastinit.jax called outside jit: filled on the host, handed to JAX without a copy."""

    def make(self, jx):
        return lambda: self.ours(self.key, self.shape)


class FastinitJaxJit(_Base):
    """fastinit.jax under jax.jit: a host callback writing XLA's buffer."""

    def make(self, jx):
        fn = jx.jit(lambda k: self.ours(k, self.shape))
        return lambda: fn(self.key)


class JaxInitializersJit(_Base):
    """jax.nn.initializers' own initializer, jitted."""

    def make(self, jx):
        fn = jx.jit(lambda k: self.theirs(k, self.shape))
        return lambda: fn(self.key)
