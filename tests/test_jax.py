"""fastinit.jax: jax.nn.initializers' names and laws, the key rule, jit and vmap,
zero-copy results, Flax, sharded arrays equal to the whole, and ports from PyTorch."""
import inspect
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import stats

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")

import fastinit  # noqa: E402
import fastinit.jax as fij  # noqa: E402

KEY = jax.random.key(0)
FACTORIES = ["constant", "uniform", "normal", "truncated_normal", "variance_scaling",
             "glorot_uniform", "glorot_normal", "xavier_uniform", "xavier_normal",
             "lecun_uniform", "lecun_normal", "he_uniform", "he_normal", "kaiming_uniform",
             "kaiming_normal", "orthogonal", "delta_orthogonal"]


def _np(a):
    return np.asarray(a)


def _ks(sample, dist):
    """KS p-value of ``sample`` against ``dist`` (a frozen scipy.stats law)."""
    return stats.kstest(np.asarray(sample, np.float64).ravel(), dist.cdf).pvalue


# ---- names and signatures ---------------------------------------------------------------------

def test_every_jax_initializer_has_a_twin_with_its_arguments():
    names = [n for n in dir(jax.nn.initializers)
             if not n.startswith("_") and n != "Initializer"]
    assert sorted(names) == sorted(FACTORIES + ["zeros", "ones"])
    for name in FACTORIES:
        theirs = inspect.signature(getattr(jax.nn.initializers, name)).parameters
        ours = inspect.signature(getattr(fij, name)).parameters
        # same names, order and defaults (ours may add keyword-only extras)
        shared = [p for p in ours.values() if p.kind != p.KEYWORD_ONLY]
        assert [p.name for p in shared] == list(theirs), name
        for p in shared:
            assert p.default == theirs[p.name].default, (name, p.name)
    for name in ("zeros", "ones"):
        out = getattr(fij, name)(KEY, (2, 3))
        ref = getattr(jax.nn.initializers, name)(KEY, (2, 3))
        assert out.dtype == ref.dtype and bool((out == ref).all())


# ---- keys -------------------------------------------------------------------------------------

def test_the_key_rule():
    raw = jax.random.PRNGKey(12345)
    typed = jax.random.key(12345)
    words = np.asarray(jax.random.key_data(typed))
    expected = fastinit.Key.from_words(int(words[0]), int(words[1]), fij.JAX_STREAM)
    assert fij.to_key(typed) == fij.to_key(raw) == expected
    # wider keys fold in their further pairs
    wide = np.array([1, 2, 3, 4], np.uint32)
    assert fij.to_key(wide) == fastinit.Key.from_words(1, 2, fij.JAX_STREAM).fold_in(3 | 4 << 32)
    # seeds and Keys as fastinit takes them everywhere
    assert fij.to_key(7) == fastinit.Key(7)
    k = fastinit.Key(3).fold_in("w")
    assert fij.to_key(k) is k
    # a typed key with another implementation maps by its own data
    rbg = jax.random.key(0, impl="rbg")
    data = np.asarray(jax.random.key_data(rbg))
    assert fij.to_key(rbg) == fij.to_key(data)


@pytest.mark.parametrize("bad, error", [
    (np.array([1, 2, 3], np.uint32), ValueError),
    (np.array([1.0, 2.0]), TypeError),
    ("seed", TypeError),
    (True, TypeError),
])
def test_bad_keys_are_refused(bad, error):
    with pytest.raises(error, match="key"):
        fij.to_key(bad)


def test_int_seeds_give_fastinits_own_values():
    shape = (64, 32)
    pairs = [
        (fij.he_normal(), fastinit.variance_scaling(shape, 2.0, "fan_in", "truncated_normal",
                                                    in_axis=-2, out_axis=-1, rng=5)),
        (fij.glorot_uniform(), fastinit.variance_scaling(shape, 1.0, "fan_avg", "uniform",
                                                         in_axis=-2, out_axis=-1, rng=5)),
        (fij.normal(0.5), fastinit.normal(shape, 0.0, 0.5, rng=5)),
        (fij.uniform(2.0), fastinit.uniform(shape, 0.0, 2.0, rng=5)),
        (fij.truncated_normal(0.1, lower=-1.0, upper=3.0),
         fastinit.trunc_normal(shape, 0.0, 0.1, -0.1, 0.30000000000000004, rng=5)),
    ]
    for init, ref in pairs:
        assert np.array_equal(_np(init(5, shape)), ref), init


# ---- laws -------------------------------------------------------------------------------------

def _fans_like_jax(shape, **axes):
    from jax._src.nn.initializers import _compute_fans
    return tuple(int(f) for f in _compute_fans(shape, **axes))


@pytest.mark.parametrize("shape, axes", [
    ((64, 32), {}),
    ((3, 3, 16, 32), {}),
    ((5, 7, 11), {"in_axis": 0, "out_axis": -1}),
    ((4, 6, 8, 10), {"in_axis": (0, 1), "out_axis": -1}),
    ((2, 16, 32), {"batch_axis": 0}),
])
def test_fans_are_jaxs(shape, axes):
    pytest.importorskip("jax._src.nn.initializers")
    assert fij.jax_fans(shape, **axes) == _fans_like_jax(shape, **axes)


@pytest.mark.parametrize("name, scale, mode, law", [
    ("he_normal", 2.0, "fan_in", "truncated_normal"),
    ("glorot_normal", 1.0, "fan_avg", "truncated_normal"),
    ("lecun_normal", 1.0, "fan_in", "truncated_normal"),
    ("he_uniform", 2.0, "fan_in", "uniform"),
    ("glorot_uniform", 1.0, "fan_avg", "uniform"),
    ("lecun_uniform", 1.0, "fan_in", "uniform"),
])
def test_named_schemes_follow_jaxs_laws(name, scale, mode, law):
    shape = (3, 3, 32, 64)                    # HWIO: fan_in 288, fan_out 576
    fan_in, fan_out = 9 * 32, 9 * 64
    fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    w = _np(getattr(fij, name)()(KEY, shape)).astype(np.float64).ravel()
    if law == "uniform":
        limit = math.sqrt(3 * scale / fan)
        dist = stats.uniform(-limit, 2 * limit)
    else:                                     # JAX: truncated at 2 of the untruncated std
        std = math.sqrt(scale / fan) / 0.87962566103423978
        dist = stats.truncnorm(-2, 2, scale=std)
    assert _ks(w, dist) > 1e-4
    assert abs(w.var() / (scale / fan) - 1) < 6 / math.sqrt(w.size)


def test_normal_uniform_truncated_constant_laws():
    n = 200_000
    assert _ks(fij.normal(0.3)(KEY, (n,)), stats.norm(scale=0.3)) > 1e-4
    u = _np(fij.uniform(2.0)(KEY, (n,)))
    assert u.min() >= 0 and u.max() < 2.0 and _ks(u, stats.uniform(0, 2.0)) > 1e-4
    t = _np(fij.truncated_normal(0.5, lower=-1.0, upper=3.0)(KEY, (n,)))
    assert _ks(t, stats.truncnorm(-1.0, 3.0, scale=0.5)) > 1e-4
    assert np.array_equal(_np(fij.constant(0.25)(KEY, (3, 2))), np.full((3, 2), 0.25, np.float32))
    row = _np(fij.constant([1.0, 2.0, 3.0])(KEY, (2, 3)))
    assert np.array_equal(row, np.array([[1, 2, 3], [1, 2, 3]], np.float32))


@pytest.mark.parametrize("shape, axis", [((3, 5), -1), ((5, 3), -1), ((6, 4), 0),
                                         ((2, 3, 8), -1), ((2, 3, 4), 1)])
def test_orthogonal_columns_lie_along_column_axis(shape, axis):
    q = _np(fij.orthogonal(2.0, column_axis=axis)(KEY, shape, jnp.float32)).astype(np.float64)
    m = np.moveaxis(q, axis, -1).reshape(-1, shape[axis]) / 2.0     # (rows, columns)
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    assert np.allclose(gram, np.eye(gram.shape[0]), atol=1e-5)


def test_delta_orthogonal_is_orthogonal_at_the_centre_only():
    shape = (3, 3, 4, 8)
    w = _np(fij.delta_orthogonal(1.5)(KEY, shape)).astype(np.float64)
    c = w[1, 1] / 1.5
    assert np.allclose(c @ c.T, np.eye(4), atol=1e-5)
    w[1, 1] = 0
    assert not w.any()
    with pytest.raises(ValueError, match="in <= out"):
        fij.delta_orthogonal()(KEY, (3, 3, 8, 4))
    with pytest.raises(ValueError, match="3 to 5 dimensions"):
        fij.delta_orthogonal()(KEY, (8, 8))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="mode"):
        fij.variance_scaling(1.0, "fan_sum", "normal")
    with pytest.raises(ValueError, match="distribution"):
        fij.variance_scaling(1.0, "fan_in", "laplace")
    with pytest.raises(ValueError, match="in_axis"):
        fij.he_normal(in_axis=5)(KEY, (4, 4))
    with pytest.raises(TypeError, match="dtype"):
        fij.normal()(KEY, (4,), jnp.int32)
    with pytest.raises(ValueError, match="shape"):
        fij.normal()(KEY, (4, -1))
    assert fij.normal()(KEY, (0, 5)).shape == (0, 5)
    # factory arguments, checked when the initializer is made, under JAX's names
    for make, name in [(lambda: fij.normal(float("nan")), "stddev"),
                       (lambda: fij.normal(-1.0), "stddev"),
                       (lambda: fij.uniform(float("inf")), "scale"),
                       (lambda: fij.truncated_normal(1.0, lower=float("nan")), "lower"),
                       (lambda: fij.variance_scaling(float("nan"), "fan_in", "normal"), "scale"),
                       (lambda: fij.orthogonal(float("inf")), "scale")]:
        with pytest.raises(ValueError, match=name):
            make()
    with pytest.raises(TypeError, match="scale"):
        fij.uniform("x")
    with pytest.raises(ValueError, match="lower < upper"):
        fij.truncated_normal(1.0, lower=2.0, upper=1.0)


# ---- dtypes, jit, vmap, zero copy ------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_dtypes_and_same_values_under_jit(dtype):
    d = jnp.dtype(dtype)
    for init in (fij.he_normal(), fij.normal(), fij.orthogonal(), fij.constant(0.5), fij.zeros):
        eager = init(KEY, (16, 8), d)
        traced = jax.jit(lambda k, init=init: init(k, (16, 8), d))(KEY)
        assert eager.dtype == traced.dtype == d
        assert bool((eager == traced).all()), init
    # float16 and bfloat16 are fastinit's own fills in those dtypes
    ref = fastinit.normal((16, 8), 0.0, 0.01, rng=fij.to_key(KEY), dtype="float16")
    assert np.array_equal(_np(fij.normal()(KEY, (16, 8), jnp.float16)), ref)


def test_float64_follows_jaxs_x64_flag():
    ours = fij.normal()(KEY, (4,), jnp.float64)
    theirs = jax.nn.initializers.normal()(KEY, (4,), jnp.float64)
    assert ours.dtype == theirs.dtype     # float32 unless jax_enable_x64


def test_raw_keys_under_jit_and_vmap():
    raw = jax.random.PRNGKey(3)
    assert bool((jax.jit(lambda k: fij.he_normal()(k, (8, 4)))(raw)
                 == fij.he_normal()(raw, (8, 4))).all())
    keys = jax.random.split(jax.random.key(1), 4)
    init = fij.truncated_normal(1.0)
    batched = jax.vmap(lambda k: init(k, (5, 3)))(keys)
    assert batched.shape == (4, 5, 3)
    for i in range(4):
        assert bool((batched[i] == init(keys[i], (5, 3))).all())
    assert bool((jax.jit(jax.vmap(lambda k: init(k, (5, 3))))(keys) == batched).all())


def test_results_reach_jax_without_a_copy(monkeypatch):
    made = []
    real = fij._empty

    def spy(shape, d):
        made.append(real(shape, d))
        return made[-1]
    monkeypatch.setattr(fij, "_empty", spy)
    w = fij.he_normal()(KEY, (512, 256))
    assert w.unsafe_buffer_pointer() == made[-1].ctypes.data     # aliased, not copied
    assert made[-1].ctypes.data % 64 == 0


# ---- Flax ------------------------------------------------------------------------------------------

def test_flax_nnx_linear():
    nnx = pytest.importorskip("flax.nnx")
    a = nnx.Linear(32, 16, kernel_init=fij.he_normal(), bias_init=fij.zeros,
                   rngs=nnx.Rngs(0))
    b = nnx.Linear(32, 16, kernel_init=fij.he_normal(), bias_init=fij.zeros,
                   rngs=nnx.Rngs(0))
    c = nnx.Linear(32, 16, kernel_init=fij.he_normal(), rngs=nnx.Rngs(1))
    assert a.kernel[...].shape == (32, 16) and not a.bias[...].any()
    assert bool((a.kernel[...] == b.kernel[...]).all())
    assert not bool((a.kernel[...] == c.kernel[...]).all())
    w = _np(a.kernel[...]).astype(np.float64)
    assert np.abs(w).max() <= 2 * math.sqrt(2 / 32) / 0.87962566103423978 + 1e-6
    y = a(jnp.ones((2, 32)))
    assert y.shape == (2, 16)


def test_flax_linen_dense_eager_and_jitted():
    linen = pytest.importorskip("flax.linen")
    model = linen.Dense(16, kernel_init=fij.glorot_uniform(), bias_init=fij.constant(0.1))
    x = jnp.ones((2, 32))
    params = model.init(KEY, x)
    jitted = jax.jit(model.init)(KEY, x)
    k = params["params"]["kernel"]
    assert k.shape == (32, 16) and bool((k == jitted["params"]["kernel"]).all())
    assert np.allclose(_np(params["params"]["bias"]), 0.1)
    limit = math.sqrt(6 / (32 + 16))
    assert np.abs(_np(k)).max() < limit
    assert model.apply(params, x).shape == (2, 16)


# ---- sharded arrays ----------------------------------------------------------------------------------

SHARDED = textwrap.dedent("""
    import itertools, sys
    import numpy as np
    import jax, jax.numpy as jnp
    from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
    import fastinit.jax as fij

    assert len(jax.devices()) == 8, jax.devices()
    devs = np.array(jax.devices())
    meshes = {"1d": Mesh(devs, ("x",)), "2d": Mesh(devs.reshape(4, 2), ("x", "y")),
              "2d_t": Mesh(devs.reshape(2, 4), ("x", "y"))}
    specs = {"1d": [P("x"), P(None, "x"), P()],
             "2d": [P("x", "y"), P("y", "x"), P("x"), P(None, "y"), P(("x", "y"))],
             "2d_t": [P("x", "y"), P("y"), P(None, ("y", "x"))]}
    inits = {"he_normal": fij.he_normal(), "normal": fij.normal(1.0),
             "uniform": fij.uniform(), "truncated_normal": fij.truncated_normal(0.5),
             "glorot_uniform": fij.glorot_uniform(), "constant": fij.constant(0.5),
             "orthogonal": fij.orthogonal(), "orthogonal_tall": fij.orthogonal(column_axis=0)}
    checked = 0
    for (mname, mesh), shape, dtype in itertools.product(
            meshes.items(), [(64, 48), (40, 96)], [jnp.float32, jnp.bfloat16]):
        for spec in specs[mname]:
            sharding = NamedSharding(mesh, spec)
            for name, init in inits.items():
                whole = init(7, shape, dtype)
                parts = fij.make_array(init, 7, shape, dtype, sharding)
                assert parts.sharding == sharding
                assert parts.dtype == whole.dtype
                assert bool((parts == whole).all()), (mname, spec, name, shape, dtype)
                checked += 1
    # inexact orthogonal blocks: within 2 sqrt(k) eps |gain| of the exact whole
    mesh = meshes["2d"]
    for spec in specs["2d"]:
        init = fij.orthogonal(2.0, exact=False)
        whole = np.asarray(fij.orthogonal(2.0)(3, (64, 48)), np.float64)
        parts = np.asarray(fij.make_array(init, 3, (64, 48), jnp.float32,
                                          NamedSharding(mesh, spec)), np.float64)
        tol = 2 * np.sqrt(48) * np.finfo(np.float32).eps * 2.0
        assert np.abs(parts - whole).max() <= tol, (spec, np.abs(parts - whole).max(), tol)
        checked += 1
    # a 4-d HWIO kernel and delta-orthogonal, sharded on the output channels
    mesh = meshes["1d"]
    for init in (fij.he_normal(), fij.delta_orthogonal()):
        whole = init(1, (3, 3, 16, 32))
        parts = fij.make_array(init, 1, (3, 3, 16, 32), None,
                               NamedSharding(mesh, P(None, None, None, "x")))
        assert bool((parts == whole).all())
        checked += 1
    # typed JAX keys give the same sharded values as their eager call
    key = jax.random.key(11)
    parts = fij.make_array(fij.he_normal(), key, (64, 48), None,
                           NamedSharding(meshes["2d"], P("x", "y")))
    assert bool((parts == fij.he_normal()(key, (64, 48))).all())
    print("checked", checked + 1)
""")


def test_sharded_arrays_equal_the_whole_on_8_devices():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=8",
               JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-c", SHARDED], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    assert int(proc.stdout.split("checked")[1]) > 100


def test_make_array_without_sharding_and_with_other_initializers():
    assert bool((fij.make_array(fij.normal(), 0, (4, 4)) == fij.normal()(0, (4, 4))).all())
    with pytest.raises(TypeError, match="fastinit.jax initializer"):
        fij.make_array(jax.nn.initializers.normal(), 0, (4, 4))


def test_blocks_equal_the_whole():
    init = fij.he_normal()
    whole = _np(init(KEY, (40, 30)))
    block = init.block(KEY, (40, 30), None, (slice(8, 24), slice(None, 17)))
    assert np.array_equal(block, whole[8:24, :17])
    with pytest.raises(ValueError, match="step 1"):
        init.block(KEY, (40, 30), None, (slice(0, 40, 2), slice(None)))


# ---- ports from PyTorch -------------------------------------------------------------------------

def test_torch_layout_is_the_transposed_torch_fill():
    k = fij.torch_layout("kaiming_uniform", a=math.sqrt(5))(3, (6, 4))      # (in, out)
    w = fastinit.kaiming_uniform_(np.empty((4, 6), np.float32), a=math.sqrt(5), rng=3)
    assert np.array_equal(_np(k), w.T)
    conv = fij.torch_layout("kaiming_normal", mode="fan_out")(3, (3, 5, 4, 8))  # HWIO
    t = fastinit.kaiming_normal_(np.empty((8, 4, 3, 5), np.float32), mode="fan_out", rng=3)
    assert np.array_equal(_np(conv), np.transpose(t, (2, 3, 1, 0)))
    fixed = fij.torch_layout("normal", key=fastinit.Key(9))
    assert bool((fixed(KEY, (3, 2)) == fixed(jax.random.key(1), (3, 2))).all())


def test_the_same_mlp_in_torch_and_flax_from_one_seed():
    torch = pytest.importorskip("torch")
    nnx = pytest.importorskip("flax.nnx")
    import fastinit.torch as fit
    seed, sizes = 17, [(12, 32), (32, 32), (32, 5)]
    layers = []
    for i, (n_in, n_out) in enumerate(sizes):
        layers.append(torch.nn.Linear(n_in, n_out))
        if i < len(sizes) - 1:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    fit.init_(model, rng=seed)                     # torch's defaults, keyed by name

    root = fastinit.Key(seed)
    flax_layers = []
    for i, (n_in, n_out) in enumerate(sizes):
        name = str(2 * i)                          # the torch Sequential's names
        flax_layers.append(nnx.Linear(
            n_in, n_out, rngs=nnx.Rngs(0),
            kernel_init=fij.torch_layout("kaiming_uniform", a=math.sqrt(5),
                                         key=root.fold_in(f"{name}.weight")),
            bias_init=fij.torch_layout("bias_uniform", weight=(n_out, n_in),
                                       key=root.fold_in(f"{name}.bias"))))
    for lin, fl in zip(model[::2], flax_layers):
        assert np.array_equal(_np(fl.kernel[...]), lin.weight.detach().numpy().T)
        assert np.array_equal(_np(fl.bias[...]), lin.bias.detach().numpy())

    x = np.random.default_rng(0).standard_normal((7, 12)).astype(np.float32)
    y_torch = model(torch.from_numpy(x)).detach().numpy()
    h = jnp.asarray(x)
    for i, fl in enumerate(flax_layers):
        h = fl(h)
        if i < len(flax_layers) - 1:
            h = jnp.tanh(h)
    np.testing.assert_allclose(_np(h), y_torch, rtol=1e-5, atol=1e-6)
