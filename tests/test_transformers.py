"""Real clients: Hugging Face transformers models built from configs written in code
(no downloads), under fastinit.torch.patch() and by materialize of a meta copy."""
import math
import warnings

import numpy as np
import pytest

import fastinit

from conftest import ks_critical

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
ft = pytest.importorskip("fastinit.torch")
stats = pytest.importorskip("scipy.stats")
nn = torch.nn


def llama_config():
    return transformers.LlamaConfig(vocab_size=2000, hidden_size=128, intermediate_size=344,
                                    num_hidden_layers=2, num_attention_heads=4,
                                    num_key_value_heads=2, initializer_range=0.03)


def gpt2_config():
    return transformers.GPT2Config(vocab_size=2000, n_embd=128, n_layer=3, n_head=4,
                                   n_positions=64, bos_token_id=0, eos_token_id=0,
                                   initializer_range=0.025)


def _normal(t, std):
    x = t.detach().double().numpy().ravel()
    return stats.kstest(x, stats.norm(0, std).cdf).statistic <= ks_critical(x.size)


def check_recipe(model, std, scaled=None):
    """The model's own recipe: matrices N(0, std^2) (``scaled``: {glob: std} for
    GPT-2's residual projections), biases zero, norm weights one."""
    import fnmatch
    for name, p in model.named_parameters():
        if name.endswith("bias"):
            assert not p.any(), name
        elif "norm" in name or ".ln_" in name or name.endswith("ln_f.weight"):
            assert (p == 1).all(), name
        else:
            s = next((v for g, v in (scaled or {}).items() if fnmatch.fnmatchcase(name, g)), std)
            assert _normal(p, s), (name, p.std().item(), s)


def build(cls, config, seed, *, patched=True):
    torch.manual_seed(seed)
    if not patched:
        return cls(config)
    with ft.patch():
        return cls(config)


CASES = [(transformers.LlamaForCausalLM, llama_config, lambda c: ft.hf_scheme(c.initializer_range),
          lambda c: None),
         (transformers.GPT2LMHeadModel, gpt2_config,
          lambda c: ft.gpt2_scheme(c.initializer_range, c.n_layer),
          lambda c: {"*.c_proj.weight": c.initializer_range / math.sqrt(2 * c.n_layer)})]
IDS = ["llama", "gpt2"]


@pytest.mark.parametrize("cls,make,scheme,scaled", CASES, ids=IDS)
def test_construction_under_patch(cls, make, scheme, scaled):
    config = make()
    a, b, c = build(cls, config, 0), build(cls, config, 0), build(cls, config, 1)
    check_recipe(a, config.initializer_range, scaled(config))
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)                 # torch.manual_seed
    assert not torch.equal(sa["lm_head.weight"], sc["lm_head.weight"])
    # the values are fastinit's: with patch(rng=), torch's seed no longer matters
    torch.manual_seed(0)
    with ft.patch(rng=5):
        d = cls(config)
    torch.manual_seed(1)
    with ft.patch(rng=5):
        e = cls(config)
    assert all(torch.equal(x, y) for x, y in zip(d.state_dict().values(),
                                                 e.state_dict().values()))


@pytest.mark.parametrize("cls,make,scheme,scaled", CASES, ids=IDS)
def test_materialize_a_meta_copy(cls, make, scheme, scaled):
    config = make()
    with torch.device("meta"):
        meta = cls(config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # every tensor is written
        ft.materialize(meta, rng=0, scheme=scheme(config))
    check_recipe(meta, config.initializer_range, scaled(config))
    real = build(cls, config, 0, patched=False)
    for (n, t), r in zip(meta.named_buffers(), real.buffers()):   # rotary tables recomputed
        assert torch.equal(t, r), n
    tied = getattr(config, "tie_word_embeddings", False)
    assert (meta.lm_head.weight is meta.get_input_embeddings().weight) == tied
    assert (real.lm_head.weight is real.get_input_embeddings().weight) == tied
    # reproducible from rng=, and from torch.manual_seed with rng=None
    with torch.device("meta"):
        again = cls(config)
    ft.materialize(again, rng=0, scheme=scheme(config))
    assert all(torch.equal(x, y) for x, y in zip(meta.state_dict().values(),
                                                 again.state_dict().values()))
    outs = []
    for _ in range(2):
        with torch.device("meta"):
            m = cls(config)
        torch.manual_seed(3)
        outs.append(ft.materialize(m, scheme=scheme(config)).state_dict())
    assert all(torch.equal(outs[0][k], outs[1][k]) for k in outs[0])
    # the materialized model runs
    ids = torch.arange(10)[None]
    assert torch.isfinite(meta(ids).logits).all()
