"""Keys by name: a parameter's values depend on (base seed, its name) only.

``rng=fastinit.Key(seed).fold_in(name)``: not on the order in which the
parameters are initialized, on which other parameters exist, or on which
pipeline stage (process) owns them. The fold-in itself is pinned in
tests/golden.json (cases key/by_name/*, block/*).
"""
import numpy as np

import fastinit

BASE = 2026
MODEL = {  # name -> (initializer, shape)
    "embed.weight": (lambda t, **kw: fastinit.normal_(t, 0.0, 0.02, **kw), (50, 16)),
    "blocks.0.attn.q.weight": (fastinit.xavier_uniform_, (16, 16)),
    "blocks.0.attn.k.weight": (fastinit.xavier_uniform_, (16, 16)),
    "blocks.0.mlp.up.weight": (fastinit.kaiming_normal_, (64, 16)),
    "blocks.1.attn.q.weight": (fastinit.xavier_uniform_, (16, 16)),
    "blocks.1.mlp.up.weight": (fastinit.kaiming_normal_, (64, 16)),
    "blocks.1.mlp.down.weight": (fastinit.orthogonal_, (16, 64)),
    "head.weight": (lambda t, **kw: fastinit.trunc_normal_(t, std=0.02, **kw), (50, 16)),
}


def init(names, seed=BASE):
    key = fastinit.Key(seed)
    out = {}
    for name in names:
        fn, shape = MODEL[name]
        out[name] = fn(np.empty(shape, np.float32), rng=key.fold_in(name))
    return out


def test_values_do_not_depend_on_the_order():
    names = list(MODEL)
    forward = init(names)
    backward = init(names[::-1])
    shuffled = init([names[i] for i in np.random.default_rng(0).permutation(len(names))])
    for name in names:
        assert np.array_equal(forward[name], backward[name])
        assert np.array_equal(forward[name], shuffled[name])


def test_values_do_not_depend_on_other_tensors_or_the_stage():
    whole = init(list(MODEL))
    # a pipeline stage owns blocks.1.* only; another model adds and drops tensors
    stage = init([n for n in MODEL if n.startswith("blocks.1.")])
    for name, value in stage.items():
        assert np.array_equal(value, whole[name])
    fastinit.normal(1000, rng=1)       # unrelated draws in between change nothing
    again = init(["head.weight"])
    assert np.array_equal(again["head.weight"], whole["head.weight"])


def test_names_and_seeds_give_distinct_streams():
    whole = init(list(MODEL))
    q0, q1 = whole["blocks.0.attn.q.weight"], whole["blocks.1.attn.q.weight"]
    assert not np.array_equal(q0, q1)
    other = init(["blocks.0.attn.q.weight"], seed=BASE + 1)
    assert not np.array_equal(other["blocks.0.attn.q.weight"], q0)


def test_a_named_parameter_sharded_by_blocks_equals_the_whole():
    key = fastinit.Key(BASE).fold_in("blocks.0.mlp.up.weight")
    whole = fastinit.kaiming_normal_(np.empty((64, 16), np.float32), rng=key)
    for rows, cols in [(slice(0, 32), slice(None)), (slice(16, 64), slice(8, 16))]:
        block = np.empty(whole[rows, cols].shape, np.float32)
        fastinit.kaiming_normal_(block, rng=key, global_shape=(64, 16), index=(rows, cols))
        assert np.array_equal(block, whole[rows, cols])
