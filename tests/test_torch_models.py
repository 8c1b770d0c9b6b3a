"""fastinit.torch: init_, materialize, patch and the one-pass batch (_core.fill_many)."""
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest

import fastinit
from fastinit import _core, _tensor

from conftest import ks_critical

torch = pytest.importorskip("torch")
ft = pytest.importorskip("fastinit.torch")
stats = pytest.importorskip("scipy.stats")
nn = torch.nn


def _ks(values, cdf):
    x = np.asarray(values, np.float64).ravel()
    return stats.kstest(x, cdf).statistic <= ks_critical(x.size)


def uniform_law(t, bound):
    """All values in [-bound, bound) and the KS test against U(-bound, bound) passes."""
    x = t.detach().double().numpy()
    return x.min() >= -bound and x.max() < bound and _ks(x, stats.uniform(-bound, 2 * bound).cdf)


def normal_law(t, std, mean=0.0):
    return _ks(t.detach().double().numpy(), stats.norm(mean, std).cdf)


# ---- the one-pass batch -----------------------------------------------------------

def test_fill_many_equals_the_fills_one_by_one():
    shapes = [(3,), (70_001,), (5, 7), (300, 200), (1,), (0, 4), (40_000,)]
    dtypes = [np.float32, np.float64, np.float16, np.float32, np.float64, np.float32,
              np.float16]
    params = [("uniform", lambda d: fastinit.fills.uniform_params(-1, 2)(d)),
              ("normal", lambda d: fastinit.fills.normal_params(0.5, 3)(d))]
    expected, jobs = [], []
    for i, (shape, dt) in enumerate(zip(shapes, dtypes)):
        dist, pf = params[i % 2]
        base = np.zeros((shape[0] * 2,) + shape[1:], dt) if len(shape) == 2 else None
        a = base[::2] if base is not None else np.zeros(shape, dt)   # strided targets too
        key = fastinit.Key(i)
        with _tensor.collecting() as q:
            _tensor.sample_(a, dist, pf, rng=key, offset=i)
        jobs += q
        ref = np.zeros(shape, dt)
        _tensor.sample_(ref, dist, pf, rng=key, offset=i, num_threads=1)
        expected.append((a, ref))
    assert all(not a.any() for a, _ in expected)          # queued, not written
    _tensor.run_jobs(jobs, 2)
    for a, ref in expected:
        assert np.array_equal(a, ref)


def test_fill_many_nothing_to_do():
    _core.fill_many([], 2)
    _core.fill_many([(np.zeros(0, np.float32), _core.DISTS["normal"], 0,
                      {"mean": 0.0, "std": 1.0}, (1, 2, 3), 0)], 2)


# ---- torch's defaults per layer ----------------------------------------------------

class Zoo(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(300, 400)
        self.bil = nn.Bilinear(60, 50, 40)
        self.conv = nn.Conv2d(16, 32, 3)
        self.convt = nn.ConvTranspose1d(24, 40, 5)
        self.emb = nn.Embedding(500, 64, padding_idx=3)
        self.bag = nn.EmbeddingBag(400, 32)
        self.ln = nn.LayerNorm(64)
        self.rms = nn.RMSNorm(64)
        self.gn = nn.GroupNorm(4, 32)
        self.bn = nn.BatchNorm2d(32)
        self.mha = nn.MultiheadAttention(64, 4, add_bias_kv=True)
        self.mha2 = nn.MultiheadAttention(64, 4, kdim=32, vdim=48)
        self.lstm = nn.LSTM(64, 128, num_layers=2)
        self.gru = nn.GRUCell(32, 96)
        self.enc = nn.TransformerEncoderLayer(64, 4, 256)


def _laws(m):
    """(tensor, check) for every tensor of Zoo, from torch's formulas (torch/nn/modules)."""
    def fan_in_bound(w):
        return 1 / math.sqrt(w[0].numel())
    xavier = lambda w: math.sqrt(6 / (w.shape[1] + w.shape[0]))   # noqa: E731
    out = []
    for lin in (m.lin, m.mha.out_proj, m.mha2.out_proj, m.enc.linear1, m.enc.linear2,
                m.enc.self_attn.out_proj):
        out.append((lin.weight, lambda t, w=lin.weight: uniform_law(t, fan_in_bound(w))))
    for lin in (m.lin, m.enc.linear1, m.enc.linear2):
        out.append((lin.bias, lambda t, w=lin.weight: uniform_law(t, fan_in_bound(w))))
    for conv in (m.conv, m.convt):
        out.append((conv.weight, lambda t, w=conv.weight: uniform_law(t, fan_in_bound(w))))
        out.append((conv.bias, lambda t, w=conv.weight: uniform_law(t, fan_in_bound(w))))
    b = 1 / math.sqrt(60)
    out += [(m.bil.weight, lambda t: uniform_law(t, b)), (m.bil.bias, lambda t: uniform_law(t, b))]
    out += [(m.emb.weight, lambda t: normal_law(torch.cat([t[:3], t[4:]]), 1.0)
             and not t[3].any()),
            (m.bag.weight, lambda t: normal_law(t, 1.0))]
    ones = lambda t: bool((t == 1).all())    # noqa: E731
    zeros = lambda t: not t.any()            # noqa: E731
    out += [(m.ln.weight, ones), (m.ln.bias, zeros), (m.rms.weight, ones), (m.gn.weight, ones),
            (m.gn.bias, zeros), (m.bn.weight, ones), (m.bn.bias, zeros),
            (m.bn.running_mean, zeros), (m.bn.running_var, ones),
            (m.bn.num_batches_tracked, zeros),
            (m.enc.norm1.weight, ones), (m.enc.norm1.bias, zeros), (m.enc.norm2.weight, ones),
            (m.enc.norm2.bias, zeros), (m.mha2.in_proj_bias, zeros),
            (m.mha2.out_proj.bias, zeros)]
    for mha in (m.mha, m.enc.self_attn):
        w = mha.in_proj_weight
        out += [(w, lambda t, w=w: uniform_law(t, xavier(w))), (mha.in_proj_bias, zeros),
                (mha.out_proj.bias, zeros)]
    for n in ("bias_k", "bias_v"):   # xavier_normal_ of a (1, 1, E) tensor: fans E, E
        p = getattr(m.mha, n)
        out.append((p, lambda t: normal_law(t, math.sqrt(2 / (2 * 64)))))
    for n in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
        w = getattr(m.mha2, n)
        out.append((w, lambda t, w=w: uniform_law(t, xavier(w))))
    for rnn in (m.lstm, m.gru):
        stdv = 1 / math.sqrt(rnn.hidden_size)
        out += [(p, lambda t, s=stdv: uniform_law(t, s)) for p in rnn.parameters()]
    return out


def _scramble(m):
    with torch.no_grad():
        for t in list(m.parameters()) + list(m.buffers()):
            t.fill_(7)


def test_every_layer_follows_torch_law():
    m = Zoo()
    _scramble(m)
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # every module known: no warning
        assert ft.init_(m, rng=0) is m
    laws = _laws(m)
    covered = {id(t) for t, _ in laws}
    every = list(m.parameters()) + list(m.buffers())
    named = list(m.named_parameters()) + list(m.named_buffers())
    assert [n for n, t in named if id(t) not in covered] == []   # the law table misses nothing
    for t, check in laws:
        assert check(t), [n for n, p in list(m.named_parameters()) + list(m.named_buffers())
                          if p is t]


def test_transformer_model_xavier_on_matrices():
    tr = nn.Transformer(d_model=32, nhead=4, num_encoder_layers=1, num_decoder_layers=1,
                        dim_feedforward=64)
    ft.init_(tr, rng=1)
    for n, p in tr.named_parameters():
        if p.dim() > 1:
            bound = math.sqrt(6 / (p.shape[0] + p.shape[1]))
            assert p.abs().max() <= bound and p.abs().max() > 0.9 * bound, n


def test_values_are_the_per_tensor_fills_keyed_by_name():
    m = Zoo()
    ft.init_(m, rng=5, num_threads=2)
    key = fastinit.Key(5)
    w = fastinit.kaiming_uniform_(torch.empty(400, 300), a=math.sqrt(5),
                                  rng=key.fold_in("lin.weight"))
    assert torch.equal(m.lin.weight, w)
    e = fastinit.normal_(torch.empty(500, 64), rng=key.fold_in("emb.weight"))
    e[3] = 0
    assert torch.equal(m.emb.weight, e)


def test_submodule_alone_equals_it_inside_the_model_and_order_does_not_matter():
    whole, part = Zoo(), Zoo()
    ft.init_(whole, rng=3)
    ft.init_(part.lstm, rng=3, prefix="lstm")
    for (n, a), (_, b) in zip(whole.lstm.named_parameters(), part.lstm.named_parameters()):
        assert torch.equal(a, b), n
    # the same names registered in another order: the same values
    a = nn.Sequential()
    a.add_module("x", nn.Linear(10, 20))
    a.add_module("y", nn.Linear(20, 5))
    b = nn.Sequential()
    b.add_module("y", nn.Linear(20, 5))
    b.add_module("x", nn.Linear(10, 20))
    ft.init_(a, rng=8)
    ft.init_(b, rng=8)
    assert torch.equal(a.x.weight, b.x.weight) and torch.equal(a.y.bias, b.y.bias)


def test_threads_and_seeds():
    a, b, c = Zoo(), Zoo(), Zoo()
    ft.init_(a, rng=11, num_threads=1)
    ft.init_(b, rng=11, num_threads=2)
    ft.init_(c, rng=12, num_threads=2)
    for (n, x), y, z in zip(a.state_dict().items(), b.state_dict().values(),
                            c.state_dict().values()):
        assert torch.equal(x, y), n
        if x.numel() > 1 and x.std() > 0:
            assert not torch.equal(x, z), n
    # rng=None: torch's default generator
    torch.manual_seed(4)
    ft.init_(a)
    torch.manual_seed(4)
    ft.init_(b)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(),
                                                 b.state_dict().values()))


class Custom(nn.Module):
    """A layer with its own reset_parameters written with torch.nn.init."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.empty(64, 32))
        self.inner = nn.Linear(8, 8)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.normal_(self.w, std=0.5)
        nn.init.zeros_(self.inner.weight)


class NoInit(nn.Module):
    def __init__(self):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((4,), 3.0))


def test_custom_module_reset_runs_under_the_patch_keyed_by_name():
    m = nn.Sequential(Custom(), NoInit())
    with pytest.warns(UserWarning, match=r"1 \(NoInit: gamma\)"):
        ft.init_(m, rng=2)
    expect = fastinit.normal_(torch.empty(64, 32), std=0.5,
                              rng=fastinit.Key(2).fold_in("0").fold_in(0))
    assert torch.equal(m[0].w, expect)
    assert not m[0].inner.weight.any()              # the parent's init wins over Linear's
    assert uniform_law(m[0].inner.bias, 1 / math.sqrt(8))
    assert (m[1].gamma == 3).all()                  # left alone


def test_schemes():
    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(1000, 64)
            self.h = nn.ModuleList(nn.ModuleDict({"ln": nn.LayerNorm(64),
                                                  "c_fc": nn.Linear(64, 256),
                                                  "c_proj": nn.Linear(256, 64)})
                                   for _ in range(4))
    m = GPT()
    ft.init_(m, rng=0, scheme=ft.gpt2_scheme(0.02, n_layer=4))
    assert normal_law(m.wte.weight, 0.02)
    for blk in m.h:
        assert normal_law(blk["c_fc"].weight, 0.02) and not blk["c_fc"].bias.any()
        assert normal_law(blk["c_proj"].weight, 0.02 / math.sqrt(8))
        assert (blk["ln"].weight == 1).all() and not blk["ln"].bias.any()
    v = nn.Sequential(nn.Linear(512, 256), nn.LayerNorm(256))
    ft.init_(v, rng=0, scheme=ft.timm_scheme())
    law = stats.truncnorm(-2 / 0.02, 2 / 0.02, scale=0.02)
    assert _ks(v[0].weight.detach().numpy(), law.cdf) and not v[0].bias.any()
    r = nn.LSTM(32, 64)
    ft.init_(r, rng=0, scheme=ft.orthogonal_rnn_scheme())
    w = r.weight_hh_l0.detach()
    assert torch.allclose(w.T @ w, torch.eye(64), atol=1e-5) and not r.bias_hh_l0.any()
    # glob before type; dicts per tensor; a callable taking rng
    seen = []
    s = [("1.weight", lambda t, *, rng: seen.append(rng) or fastinit.ones_(t)),
         (nn.Linear, {"bias": "zeros"})]
    q = nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4))
    ft.init_(q, rng=0, scheme=s)
    assert (q[1].weight == 1).all() and not q[0].bias.any() and not q[1].bias.any()
    assert seen == [fastinit.Key(0).fold_in("1.weight")]
    assert uniform_law(q[0].weight, 0.5)


@pytest.mark.parametrize("bad,exc,match", [
    ([("x", 1.5)], TypeError, "initializer"), ([3], TypeError, "pairs"),
    ([(3, "zeros")], TypeError, "pattern"), ([("*", "no_such_init")], ValueError, "unknown"),
])
def test_bad_schemes(bad, exc, match):
    with pytest.raises(exc, match=match):
        ft.init_(nn.Linear(2, 2), rng=0, scheme=bad)


def test_bad_arguments():
    with pytest.raises(TypeError, match="module must be a torch.nn.Module"):
        ft.init_(torch.empty(3))
    with pytest.raises(TypeError, match="prefix must be a str"):
        ft.init_(nn.Linear(2, 2), prefix=3)
    with pytest.raises(ValueError, match="device must be 'cpu'"):
        ft.materialize(nn.Linear(2, 2, device="meta"), device="cuda")
    m = nn.Sequential(Custom(), nn.Linear(3, 3))
    before = [p.clone() for p in m.parameters()]
    with pytest.raises(ValueError, match="num_threads=0"):
        ft.init_(m, rng=0, num_threads=0)
    assert all(torch.equal(a, b) for a, b in zip(before, m.parameters()))   # nothing written


# ---- materialize -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_materialize_equals_init_of_a_real_model(dtype):
    with torch.device("meta"):
        meta = Zoo().to(dtype)
    real = Zoo().to(dtype)
    assert ft.materialize(meta, rng=9) is meta
    ft.init_(real, rng=9)
    for (n, a), b in zip(meta.state_dict().items(), real.state_dict().values()):
        assert a.device.type == "cpu" and a.dtype == b.dtype and torch.equal(a, b), n


def test_materialize_names_buffers_it_cannot_fill():
    class WithConst(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.register_buffer("table", torch.arange(4.0))
    with torch.device("meta"):
        m = WithConst()
    with pytest.warns(UserWarning, match="table"):
        ft.materialize(m, rng=0)


_RSS_SCRIPT = r"""
import torch, fastinit.torch as ft
from torch import nn
def status(field):
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) * 1024 for l in f if l.startswith(field))
with torch.device("meta"):
    m = nn.Sequential(*[nn.Linear(2048, 2048) for _ in range(16)], nn.Embedding(16000, 2048))
nbytes = sum(p.numel() * p.element_size() for p in m.parameters())
with open("/proc/self/clear_refs", "w") as f:   # reset the peak (VmHWM) to the current RSS
    f.write("5")
base = status("VmRSS")
ft.materialize(m, rng=0, num_threads=2)
print(nbytes, status("VmHWM") - base)
"""


def test_materialize_peak_memory_within_1_1x_parameters():
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT], capture_output=True, text=True,
                         check=True).stdout.split()
    nbytes, grew = int(out[0]), int(out[1])
    assert grew <= 1.1 * nbytes, (grew / nbytes)


# ---- patch -------------------------------------------------------------------------

def test_patch_installs_and_restores():
    originals = {n: getattr(nn.init, n) for n in ("normal_", "kaiming_uniform_", "zeros_")}
    with ft.patch():
        assert nn.init.normal_ is not originals["normal_"]
        with ft.patch():                           # nesting
            assert nn.init.normal_.__wrapped__ is originals["normal_"]
        assert nn.init.normal_.__wrapped__ is originals["normal_"]
        ints = torch.ones(5, dtype=torch.int64)
        assert nn.init.zeros_(ints) is ints and not ints.any()   # torch's own function
        nan = nn.init.constant_(torch.empty(3), math.nan)          # refused by fastinit
        assert torch.isnan(nan).all()
        with pytest.raises(ValueError, match="Fan in and fan out"):   # torch's own error
            nn.init.kaiming_uniform_(torch.empty(5))
    assert all(getattr(nn.init, n) is f for n, f in originals.items())


def test_construction_under_patch_is_fastinit_seeded_by_torch():
    def build(seed):
        torch.manual_seed(seed)
        with ft.patch():
            return nn.Sequential(nn.Linear(300, 200), nn.Embedding(100, 20, padding_idx=0))
    a, b, c = build(1), build(1), build(2)
    assert torch.equal(a[0].weight, b[0].weight) and torch.equal(a[1].weight, b[1].weight)
    assert not torch.equal(a[0].weight, c[0].weight)
    assert uniform_law(a[0].weight, 1 / math.sqrt(300)) and not a[1].weight[0].any()
    # the weight is fastinit's kaiming_uniform_ from the default generator's next key
    torch.manual_seed(1)
    w = fastinit.kaiming_uniform_(torch.empty(200, 300), a=math.sqrt(5))
    assert torch.equal(a[0].weight, w)
    # generator= is honoured; rng= numbers the calls
    g = torch.Generator().manual_seed(1)
    with ft.patch():
        t = nn.init.kaiming_uniform_(torch.empty(200, 300), a=math.sqrt(5), generator=g)
    assert torch.equal(t, w)
    with ft.patch(rng=6):
        x = nn.init.normal_(torch.empty(10))
        y = nn.init.normal_(torch.empty(10))
    assert torch.equal(x, fastinit.normal_(torch.empty(10), rng=fastinit.Key(6).fold_in(0)))
    assert torch.equal(y, fastinit.normal_(torch.empty(10), rng=fastinit.Key(6).fold_in(1)))
