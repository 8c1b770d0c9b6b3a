"""fastinit.Key: a key as a value, split and fold_in (docs/randomness.md)."""
import pickle

import numpy as np
import pytest

import fastinit
from fastinit import Key


def test_key_from_every_rng_source_gives_the_same_values_as_rng():
    assert np.array_equal(fastinit.normal(64, rng=Key(7)), fastinit.normal(64, rng=7))
    ss = np.random.SeedSequence(9)
    assert np.array_equal(fastinit.uniform(64, rng=Key(ss)), fastinit.uniform(64, rng=9))
    g1, g2 = np.random.default_rng(3), np.random.default_rng(3)
    assert np.array_equal(fastinit.normal(64, rng=Key(g1)), fastinit.normal(64, rng=g2))
    assert Key(Key(5)) == Key(5)
    fastinit.manual_seed(11)
    k = Key()
    fastinit.manual_seed(11)
    assert np.array_equal(fastinit.normal(8, rng=k), fastinit.normal(8))


def test_a_key_is_a_value_not_a_generator():
    k = Key(1)
    assert np.array_equal(fastinit.normal(32, rng=k), fastinit.normal(32, rng=k))
    g = np.random.default_rng(0)
    k1, k2 = Key(g), Key(g)          # a Generator is advanced by each Key built from it
    assert k1 != k2


def test_torch_generator_source():
    torch = pytest.importorskip("torch")
    k = Key(torch.Generator().manual_seed(3))
    ref = fastinit.normal_(torch.empty(16), generator=torch.Generator().manual_seed(3))
    assert torch.equal(fastinit.normal_(torch.empty(16), rng=k), ref)


def test_split_gives_distinct_reproducible_keys():
    k = Key(1234)
    kids = k.split(5)
    assert len(kids) == 5 and len({c.words for c in kids} | {k.words}) == 6
    assert kids == Key(1234).split(5)
    assert k.split(3) == kids[:3]       # child i depends on i only, not on n
    assert k.split(0) == []
    outs = [fastinit.normal(1000, rng=c) for c in kids[:2]]
    assert abs(np.corrcoef(outs)[0, 1]) < 6 / np.sqrt(1000)


def test_fold_in_is_deterministic_and_separates_data():
    k = Key(1234)
    assert k.fold_in("layer.weight") == Key(1234).fold_in("layer.weight")
    derived = [k.fold_in(d) for d in (0, 1, 2**64 - 1, "", "0", "1", "a", "b", "ab", "a\0")]
    assert len({d.words for d in derived}) == len(derived)
    assert k.fold_in("x") != Key(1235).fold_in("x")
    assert k.fold_in(3).fold_in("x") != k.fold_in("x").fold_in(3)


def test_string_digest_covers_length_and_every_block():
    k = Key(2)
    long = "p" * 40
    assert k.fold_in(long) != k.fold_in(long[:-1] + "q")      # last block
    assert k.fold_in(long) != k.fold_in("q" + long[1:])       # first block
    assert k.fold_in("abc") != k.fold_in("abc\0")             # zero padding


@pytest.mark.parametrize("bad,exc", [(-1, ValueError), (2**64, ValueError), (1.5, TypeError),
                                     (True, TypeError), (b"name", TypeError), (None, TypeError)])
def test_fold_in_bad_input(bad, exc):
    with pytest.raises(exc, match="fold_in"):
        Key(0).fold_in(bad)


@pytest.mark.parametrize("bad", [-1, 1.5, True, 2**32])
def test_split_bad_input(bad):
    with pytest.raises(ValueError, match="split"):
        Key(0).split(bad)


def test_from_words_equality_hash_pickle_repr():
    k = Key(99)
    assert Key.from_words(*k.words) == k and hash(Key.from_words(*k.words)) == hash(k)
    assert pickle.loads(pickle.dumps(k)) == k
    assert eval(repr(k), {"fastinit": fastinit}) == k
    with pytest.raises(ValueError, match="k1 must be an int"):
        Key.from_words(0, 2**32, 0)
    with pytest.raises(TypeError, match="rng must be None"):
        Key("seed")


def test_key_accepted_by_rng_everywhere():
    k = Key(21)
    w = np.empty((16, 8), np.float32)
    calls = [
        lambda: fastinit.uniform_(w, rng=k), lambda: fastinit.normal_(w, rng=k),
        lambda: fastinit.trunc_normal_(w, rng=k), lambda: fastinit.kaiming_uniform_(w, rng=k),
        lambda: fastinit.variance_scaling_(w, rng=k), lambda: fastinit.orthogonal_(w, rng=k),
        lambda: fastinit.sparse_(w, 0.5, rng=k), lambda: fastinit.bias_uniform_(w[0], w, rng=k),
        lambda: fastinit.delta_orthogonal_(np.empty((8, 4, 3), np.float32), rng=k),
    ]
    for call in calls:
        a = call().copy()
        assert np.array_equal(call(), a)
    assert np.array_equal(fastinit.orthogonal_(w, rng=k), fastinit.orthogonal_(w.copy(), rng=21))


def test_multi_fill_calls_split_a_key():
    k = Key(4)
    w, b = np.empty((8, 6), np.float32), np.empty(8, np.float32)
    fastinit.torch_default_init_(w, b, rng=k)
    kw, kb = k.split(2)
    assert np.array_equal(w, fastinit.kaiming_uniform_(np.empty_like(w), a=5 ** 0.5, rng=kw))
    assert np.array_equal(b, fastinit.bias_uniform_(np.empty_like(b), w, rng=kb))
    s = fastinit.sparse_(np.empty((10, 4), np.float32), 0.3, rng=k)
    kv, _ = k.split(2)
    ref = fastinit.normal_(np.empty((10, 4), np.float32), 0, 0.01, rng=kv)
    assert np.array_equal(s[s != 0], ref[s != 0])
