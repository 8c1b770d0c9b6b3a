"""A Llama-like decoder built from torch.nn layers, for the whole-model benchmarks.

Full size (scale=1): vocab 32,000, width 2,048, MLP 5,632, 22 layers, 32
heads with 4 key/value heads: about 1.1 B parameters (TinyLlama's shapes).
``scale`` divides the width, the MLP and the vocabulary (layers kept), so a
quick run keeps the model's structure: scale 4 is about 75 M parameters.
"""
from torch import nn

FULL = dict(vocab=32_000, width=2_048, mlp=5_632, layers=22, heads=32, kv_heads=4)


def config(scale=1):
    """The model's sizes at ``scale`` (an int >= 1)."""
    if isinstance(scale, bool) or not isinstance(scale, int) or scale < 1:
        raise ValueError(f"scale must be an int >= 1, got {scale!r}")
    c = dict(FULL)
    for k in ("vocab", "width", "mlp"):
        c[k] = FULL[k] // scale
    c["heads"] = max(FULL["heads"] // scale, FULL["kv_heads"])
    return c


class Block(nn.Module):
    def __init__(self, width, mlp, heads, kv_heads, **factory):
        super().__init__()
        head = width // heads

        def linear(n_in, n_out):
            return nn.Linear(n_in, n_out, bias=False, **factory)
        self.attn_norm = nn.RMSNorm(width, **factory)
        self.q = linear(width, width)
        self.k = linear(width, kv_heads * head)
        self.v = linear(width, kv_heads * head)
        self.o = linear(width, width)
        self.mlp_norm = nn.RMSNorm(width, **factory)
        self.gate = linear(width, mlp)
        self.up = linear(width, mlp)
        self.down = linear(mlp, width)


class Llama(nn.Module):
    """Embedding, ``layers`` blocks, final norm and an untied LM head (no forward:
    the benchmarks only build and initialize it). ``device``/``dtype`` as in
    torch's layers (``device="meta"`` allocates nothing)."""

    def __init__(self, scale=1, *, device=None, dtype=None):
        super().__init__()
        c = config(scale)
        f = {"device": device, "dtype": dtype}
        self.embed = nn.Embedding(c["vocab"], c["width"], **f)
        self.blocks = nn.ModuleList(Block(c["width"], c["mlp"], c["heads"], c["kv_heads"], **f)
                                    for _ in range(c["layers"]))
        self.norm = nn.RMSNorm(c["width"], **f)
        self.head = nn.Linear(c["width"], c["vocab"], bias=False, **f)


def n_params(scale=1):
    """The parameter count at ``scale``, from the sizes alone."""
    c = config(scale)
    w, kv = c["width"], c["kv_heads"] * (c["width"] // c["heads"])
    block = 2 * w + 2 * w * w + 2 * w * kv + 3 * w * c["mlp"]
    return 2 * c["vocab"] * w + c["layers"] * block + w
