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
    def __init__(self, width, mlp, heads, kv_heads):
        super().__init__()
        head = width // heads
        self.attn_norm = nn.RMSNorm(width)
        self.q = nn.Linear(width, width, bias=False)
        self.k = nn.Linear(width, kv_heads * head, bias=False)
        self.v = nn.Linear(width, kv_heads * head, bias=False)
        self.o = nn.Linear(width, width, bias=False)
        self.mlp_norm = nn.RMSNorm(width)
        self.gate = nn.Linear(width, mlp, bias=False)
        self.up = nn.Linear(width, mlp, bias=False)
        self.down = nn.Linear(mlp, width, bias=False)


class Llama(nn.Module):
    """Embedding, ``layers`` blocks, final norm and an untied LM head (no forward:
    the benchmarks only build and initialize it)."""

    def __init__(self, scale=1):
        super().__init__()
        c = config(scale)
        self.embed = nn.Embedding(c["vocab"], c["width"])
        self.blocks = nn.ModuleList(Block(c["width"], c["mlp"], c["heads"], c["kv_heads"])
                                    for _ in range(c["layers"]))
        self.norm = nn.RMSNorm(c["width"])
        self.head = nn.Linear(c["width"], c["vocab"], bias=False)


def n_params(scale=1):
    """The parameter count at ``scale``, from the sizes alone."""
    c = config(scale)
    w, kv = c["width"], c["kv_heads"] * (c["width"] // c["heads"])
    block = 2 * w + 2 * w * w + 2 * w * kv + 3 * w * c["mlp"]
    return 2 * c["vocab"] * w + c["layers"] * block + w
