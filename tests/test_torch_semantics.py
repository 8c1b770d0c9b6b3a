"""torch.nn.init's expectations of an in-place initializer, met by every fastinit one.

Meta tensors (a no-op returning the same object), bfloat16/float16 tensors
(float32 values rounded once to nearest even), seeding from torch's default
generator, requires_grad leaves, nn.Parameter, inference mode and strided
views.
"""
import inspect
import math

import numpy as np
import pytest

import fastinit
from fastinit import _core, _dtypes, _public

torch = pytest.importorskip("torch")

EXTRA = {"constant_": (0.5,), "sparse_": (0.25,), "bias_uniform_": ((4, 4),)}


def _inplace():
    """(function, probe shape, extra positional args) of every public in-place initializer."""
    out = []
    for e in _public.ENTRIES.values():
        if e.function.endswith("_") and e.probe is not None:
            out.append((getattr(fastinit, e.function), e.probe, EXTRA.get(e.function, ())))
    return out


INPLACE = _inplace()
IDS = [fn.__name__ for fn, _, _ in INPLACE]


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors is a no-op")
@pytest.mark.parametrize("fn,shape,extra", INPLACE, ids=IDS)
@pytest.mark.parametrize("zero", [False, True])
def test_meta_tensor_is_a_no_op_returning_the_same_object(fn, shape, extra, zero):
    shape = shape[:-1] + (0,) if zero else shape
    t = torch.empty(shape, device="meta")
    state = torch.get_rng_state()
    assert fn(t, *extra) is t
    assert t.device.type == "meta"
    assert torch.equal(torch.get_rng_state(), state)   # no key drawn either


def test_meta_tensor_arguments_are_still_checked():
    t = torch.empty(4, 4, device="meta")
    with pytest.raises(ValueError, match="std"):
        fastinit.normal_(t, std=-1.0)
    with pytest.raises(ValueError, match="fan_sideways"):
        fastinit.kaiming_uniform_(t, mode="fan_sideways")


@pytest.mark.parametrize("fn,shape,extra", INPLACE, ids=IDS)
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_every_initializer_fills_16_bit_tensors(fn, shape, extra, dtype):
    """Each 16-bit result is the float32 result rounded to nearest even, once."""
    t16 = torch.empty(shape, dtype=getattr(torch, dtype))
    t32 = torch.empty(shape)
    kw = {"rng": 5} if "rng" in inspect.signature(fn).parameters else {}
    out = fn(t16, *extra, **kw)
    fn(t32, *extra, **kw)
    assert (out[0] if isinstance(out, tuple) else out) is t16
    assert_rounded_once(t16, t32)


def assert_rounded_once(t16, t32):
    """t16 is t32 rounded to nearest even, but for U[a, b): a value that would
    round up to b is the largest 16-bit value below b instead (b never returned)."""
    r = t32.to(t16.dtype)
    diff = t16 != r
    if diff.any():
        d = _dtypes.for_torch(t16.dtype)
        b = r[diff].abs().unique()
        assert len(b) == 1 and b.item() >= t16.abs().max().item()
        below = torch.tensor([math.copysign(d.prev(abs(v)), v) for v in r[diff].tolist()])
        assert torch.equal(t16[diff].float(), below)


@pytest.mark.parametrize("name,args", [("normal_", (0.0, 1.0)), ("uniform_", (-1.0, 1.0)),
                                       ("trunc_normal_", (0.0, 1.0, -2.0, 2.0))])
def test_bf16_is_float32_rounded_once_in_the_parallel_pass(name, args):
    n = 3 * _core.BLOCK + 123                     # several blocks, a partial one
    b = getattr(fastinit, name)(torch.empty(n, dtype=torch.bfloat16), *args, rng=11,
                                num_threads=2)
    f = getattr(fastinit, name)(torch.empty(n), *args, rng=11, num_threads=1)
    assert_rounded_once(b, f)                      # torch's float -> bf16 is RNE


def test_bf16_strided_view_equals_the_contiguous_fill():
    base = torch.zeros(300, 200, dtype=torch.bfloat16)
    view = base.t()[:, ::2]                        # shape (200, 150), not contiguous
    fastinit.normal_(view, rng=3)
    dense = fastinit.normal_(torch.empty(200, 150, dtype=torch.bfloat16), rng=3)
    assert torch.equal(view, dense)
    assert torch.count_nonzero(base[1::2]) == 0    # untouched rows stay zero


def test_bf16_uniform_never_returns_b():
    # [1, 2) in bf16 has 128 values; float32 values within half an ulp below 2
    # would round to 2 without the clamp to the largest bf16 value below b
    t = fastinit.uniform_(torch.empty(200_000, dtype=torch.bfloat16), 1.0, 2.0, rng=0)
    assert t.max().item() == 2.0 - 2.0**-7 and t.min().item() == 1.0


def test_bf16_trunc_normal_inside_bounds_no_pile_up_diverse():
    from scipy import stats
    n = 200_000
    std, a, b = 0.02, -0.03, 0.03                  # bounds that are not bf16 values
    t = fastinit.trunc_normal_(torch.empty(n, dtype=torch.bfloat16), 0.0, std, a, b, rng=4)
    v = t.float().numpy().astype(np.float64)
    assert v.min() >= a and v.max() <= b
    bf = _dtypes.for_torch(torch.bfloat16)
    hi = bf.prev(b) if bf.round(b) > b else bf.round(b)
    # the values that round to hi come from (midpoint below hi, hi]: no more
    law = stats.truncnorm(a / std, b / std, scale=std)
    p = law.cdf(hi) - law.cdf((hi + bf.prev(hi)) / 2)
    count = int((v == hi).sum())
    assert abs(count - n * p) <= 6 * math.sqrt(n * p * (1 - p)) + 1, (count, n * p)
    # torch's criterion: more than 1000 distinct values in 1e4 draws of N(0,1) on [-2, 2]
    d = fastinit.trunc_normal_(torch.empty(10_000, dtype=torch.bfloat16), rng=9)
    assert len(torch.unique(d)) > 1000
    assert d.min().item() >= -2 and d.max().item() <= 2


def test_bf16_store_conversion_matches_torch_and_numpy_twin():
    special = np.array([0.0, -0.0, 1.0, 1.00390625, 1.01171875, 3.3895314e38, 3.4e38,
                        -3.4e38, 1e-40, -1e-45, np.inf, -np.inf, np.nan], np.float32)
    rng = np.random.default_rng(0)
    words = rng.integers(0, 2**32, 100_000, dtype=np.uint64).astype(np.uint32)
    x = np.concatenate([special, words.view(np.float32)])
    x = x[~np.isnan(x)]
    c_bits = _core._f32_to_bf16(x)
    torch_bits = torch.from_numpy(x).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
    assert np.array_equal(c_bits, torch_bits)
    bf = _dtypes.for_torch(torch.bfloat16)
    assert np.array_equal(bf.encode(x).view(np.uint16), c_bits)
    assert np.isnan(bf.decode(_core._f32_to_bf16(np.array([np.nan], np.float32)))[0])


def test_bf16_scalar_arithmetic():
    bf = _dtypes.for_torch(torch.bfloat16)
    assert bf.max == float(torch.finfo(torch.bfloat16).max)
    assert bf.round(1.0 + 2.0**-8) == 1.0            # tie to even
    assert bf.round(1.0 + 3 * 2.0**-8) == 1.0 + 2.0**-6
    assert bf.round(1e39) == math.inf
    assert bf.prev(1.0) == 1.0 - 2.0**-8 and bf.next(1.0) == 1.0 + 2.0**-7
    assert bf.next(0.0) == 2.0**-133 and bf.prev(0.0) == -(2.0**-133)
    assert bf.prev(-1.0) == -1.0 - 2.0**-7


def test_bf16_is_refused_for_numpy_and_plain_uint16_is_not_bf16():
    with pytest.raises(TypeError, match="dtype must be float16, float32 or float64"):
        fastinit.normal((3,), dtype="bfloat16")
    with pytest.raises(TypeError, match="float16, float32 or float64"):
        fastinit.normal_(np.zeros(3, np.uint16))


@pytest.mark.parametrize("call", [
    lambda t, **kw: fastinit.normal_(t, 0.0, 0.5, **kw),
    lambda t, **kw: fastinit.uniform_(t, -1.0, 1.0, **kw),
    lambda t, **kw: fastinit.trunc_normal_(t, std=0.02, a=-0.04, b=0.04, **kw),
    lambda t, **kw: fastinit.kaiming_uniform_(t, a=math.sqrt(5), **kw),
    lambda t, **kw: fastinit.xavier_normal_(t, **kw),
    lambda t, **kw: fastinit.orthogonal_(t, **kw),
    lambda t, **kw: fastinit.sparse_(t, 0.3, **kw),
    lambda t, **kw: fastinit.torch_default_init_(t, torch.empty(t.shape[0]), **kw)[0],
], ids=["normal", "uniform", "trunc_normal", "kaiming_uniform", "xavier_normal",
        "orthogonal", "sparse", "torch_default_init"])
def test_torch_default_generator_seeds_torch_tensors(call):
    def program(seed):
        torch.manual_seed(seed)
        return [call(torch.empty(64, 48)) for _ in range(2)]
    a, b, c = program(42), program(42), program(43)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[0], a[1])             # successive calls differ
    assert not torch.equal(a[0], c[0])             # another seed, other values
    # generator=g equals the default generator seeded the same
    g = torch.Generator().manual_seed(42)
    assert torch.equal(call(torch.empty(64, 48), generator=g), a[0])
    assert torch.equal(call(torch.empty(64, 48), generator=g), a[1])


@pytest.mark.parametrize("seed", [0, 1, 42, 2**31 + 5])
def test_torch_key_words_are_those_of_randint(seed):
    """The key drawn from a torch generator (in place, into a per-thread
    buffer) is torch.randint(0, 2**32, (3,), dtype=int64) of that generator:
    the default one and an explicit one, one draw after another."""
    from fastinit import _random
    torch.manual_seed(seed)
    expected = [torch.randint(0, 2**32, (3,), dtype=torch.int64).tolist() for _ in range(3)]
    torch.manual_seed(seed)
    assert [list(_random._torch_words(None)) for _ in range(3)] == expected
    g = torch.Generator().manual_seed(seed)
    assert [list(_random._torch_words(g)) for _ in range(3)] == expected


def test_torch_key_buffer_first_made_in_inference_mode():
    """A thread whose first torch draw happens inside inference mode can
    still draw outside it (the buffer is a normal tensor), and under a meta
    default device the key still comes from the CPU generator."""
    import threading
    from fastinit import _random
    out = []

    def worker():
        torch.manual_seed(7)
        with torch.inference_mode():
            out.append(_random._torch_words(None))
        out.append(_random._torch_words(None))
        with torch.device("meta"):
            out.append(_random._torch_words(None))
    th = threading.Thread(target=worker)
    th.start()
    th.join()
    torch.manual_seed(7)
    assert out == [tuple(torch.randint(0, 2**32, (3,), dtype=torch.int64).tolist())
                   for _ in range(3)]


def _block_initializers():
    """Every public in-place initializer that fills blocks (takes ``index=``)."""
    names = sorted(n for n in fastinit.__all__ if n.endswith("_") and not n.startswith("_")
                   and "index" in inspect.signature(getattr(fastinit, n)).parameters)
    assert {"orthogonal_", "delta_orthogonal_", "sparse_", "normal_"} <= set(names)
    return names


_BLOCK_ARGS = {"sparse_": (0.5,), "bias_uniform_": (torch.empty(8, 4, 3, 3),)}
# the global shape whose second half along dimension 0 is the block (default: a conv weight)
_BLOCK_SHAPES = {"bias_uniform_": (4,), "eye_": (8, 4), "sparse_": (8, 4)}


@pytest.mark.parametrize("name", _block_initializers())
def test_torch_blocks_follow_torch_rules(name):
    """A block fill (global_shape=, index=) of a torch tensor without rng=
    draws its key from torch's default generator, like a whole fill, and
    bumps the version counter: for every initializer that takes blocks."""
    fn = getattr(fastinit, name)
    gshape = _BLOCK_SHAPES.get(name, (8, 4, 3, 3))
    half = gshape[0] // 2
    index = (slice(half, gshape[0]),) + tuple(slice(None) for _ in gshape[1:])
    local = (half,) + gshape[1:]

    def call(**kw):
        t = torch.full(local, 7.0)
        before = t._version
        fn(t, *_BLOCK_ARGS.get(name, ()), global_shape=gshape, index=index, **kw)
        assert t._version > before, name
        return t
    torch.manual_seed(42)
    a = call()
    torch.manual_seed(42)
    whole = torch.full(gshape, 7.0)
    fn(whole, *_BLOCK_ARGS.get(name, ()))
    assert torch.equal(whole[index], a)      # the key a whole fill would draw
    if name in ("eye_", "dirac_"):           # no randomness in those two
        return
    torch.manual_seed(42)
    assert torch.equal(call(), a)
    assert torch.equal(call(generator=torch.Generator().manual_seed(42)), a)
    torch.manual_seed(43)
    assert not torch.equal(call(), a)


def test_fastinit_manual_seed_still_seeds_numpy_arrays():
    fastinit.manual_seed(1)
    x = fastinit.normal_(np.empty(100, np.float32))
    torch.manual_seed(99)
    fastinit.manual_seed(1)
    assert np.array_equal(fastinit.normal_(np.empty(100, np.float32)), x)


def test_requires_grad_leaf_without_no_grad():
    w = torch.empty(64, 32, requires_grad=True)
    out = fastinit.kaiming_normal_(w, rng=0)
    assert out is w and w.requires_grad and w.is_leaf and w.grad_fn is None
    assert np.array_equal(w.detach().numpy(), fastinit.kaiming_normal((64, 32), rng=0))
    p = torch.nn.Parameter(torch.empty(8, 8, dtype=torch.bfloat16))
    assert fastinit.trunc_normal_(p, std=0.02, rng=0) is p and isinstance(p, torch.nn.Parameter)
    assert p.detach().abs().max() > 0


def test_inference_mode_tensors():
    with torch.inference_mode():
        t = torch.empty(50, 40, dtype=torch.bfloat16)
        assert fastinit.xavier_uniform_(t, rng=2) is t
    ref = fastinit.xavier_uniform_(torch.empty(50, 40, dtype=torch.bfloat16), rng=2)
    assert torch.equal(t, ref)
