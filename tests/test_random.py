"""Seeding (docs/randomness.md): rng=, generator=, manual_seed."""
import numpy as np
import pytest

import fastinit


def test_int_seed_is_reproducible_and_distinct():
    assert np.array_equal(fastinit.normal(100, rng=1), fastinit.normal(100, rng=1))
    assert not np.array_equal(fastinit.normal(100, rng=1), fastinit.normal(100, rng=2))


def test_seedsequence_equals_int_seed():
    assert np.array_equal(fastinit.uniform(50, rng=np.random.SeedSequence(9)),
                          fastinit.uniform(50, rng=9))


def test_generator_is_advanced():
    g = np.random.default_rng(5)
    a, b = fastinit.normal(50, rng=g), fastinit.normal(50, rng=g)
    assert not np.array_equal(a, b)
    g2 = np.random.default_rng(5)
    assert np.array_equal(fastinit.normal(50, rng=g2), a)


def test_manual_seed_resets_the_default_stream():
    fastinit.manual_seed(123)
    a1, a2 = fastinit.normal(40), fastinit.normal(40)
    assert not np.array_equal(a1, a2)  # each call takes a fresh stream
    fastinit.manual_seed(123)
    assert np.array_equal(fastinit.normal(40), a1)
    assert np.array_equal(fastinit.normal(40), a2)


def test_generator_keyword_takes_numpy_sources():
    assert np.array_equal(fastinit.uniform_(np.empty(10), generator=4),
                          fastinit.uniform(10, rng=4, dtype=np.float64))


def test_rng_and_generator_together_is_an_error():
    with pytest.raises(ValueError, match="either rng= or generator="):
        fastinit.normal_(np.empty(3), rng=1, generator=2)


@pytest.mark.parametrize("bad", [1.5, "seed", True, [1, 2], object()])
def test_bad_rng_type(bad):
    with pytest.raises(TypeError, match="rng must be None, an int"):
        fastinit.normal(3, rng=bad)


def test_negative_seeds():
    with pytest.raises(ValueError, match="non-negative"):
        fastinit.normal(3, rng=-1)
    with pytest.raises(ValueError, match="non-negative"):
        fastinit.manual_seed(-5)
    with pytest.raises(TypeError, match="seed must be an int"):
        fastinit.manual_seed(1.5)


def test_torch_generator():
    torch = pytest.importorskip("torch")
    g1 = torch.Generator().manual_seed(3)
    g2 = torch.Generator().manual_seed(3)
    a = fastinit.normal_(torch.empty(100), generator=g1)
    b = fastinit.normal_(torch.empty(100), generator=g2)
    assert torch.equal(a, b)
    c = fastinit.normal_(torch.empty(100), generator=g1)  # advanced
    assert not torch.equal(a, c)


def test_constant_fills_and_empty_tensors_do_not_advance_the_default_stream():
    fastinit.manual_seed(5)
    expected = fastinit.normal(20)
    fastinit.manual_seed(5)
    fastinit.zeros_(np.empty(10))
    fastinit.constant_(np.empty((3, 3), np.float32), 0.5)
    fastinit.normal_(np.empty((0, 4)))
    fastinit.uniform(0)
    assert np.array_equal(fastinit.normal(20), expected)


def test_empty_tensor_still_checks_the_seed_arguments():
    with pytest.raises(TypeError, match="rng must be None, an int"):
        fastinit.normal_(np.empty(0), rng="x")
    g = np.random.default_rng(1)
    state = g.bit_generator.state
    fastinit.normal_(np.empty(0), rng=g)
    assert g.bit_generator.state == state


def test_empty_orthogonal_does_not_advance_the_default_stream():
    fastinit.manual_seed(6)
    expected = fastinit.normal(20)
    fastinit.manual_seed(6)
    fastinit.orthogonal_(np.empty((0, 4)))
    fastinit.delta_orthogonal_(np.empty((4, 2, 0)))
    assert np.array_equal(fastinit.normal(20), expected)


@pytest.mark.parametrize("seed", [0, 1, 3, 5, 1234, 2**32 - 1, 2**32, 2**63 + 7, 10**40])
def test_int_seed_words_are_seedsequence_words(seed):
    """The remembered key of an int seed is SeedSequence(seed)'s first three
    state words, before and after it is remembered (the golden seeds 0, 1, 3,
    5 and 1234 among them)."""
    from fastinit import _random
    expected = tuple(int(w) for w in np.random.SeedSequence(seed).generate_state(3))
    assert _random._seed_words(seed) == expected          # computed or remembered
    assert _random._seed_words(seed) == expected          # remembered
    assert fastinit.Key(seed).words == expected
    assert _random.key_words(seed) == expected


def test_int_seed_words_cache_is_used_and_bounded():
    from fastinit import _random
    _random._seed_words.cache_clear()
    for seed in range(2000):
        assert _random._seed_words(seed) == tuple(
            int(w) for w in np.random.SeedSequence(seed).generate_state(3))
    fastinit.normal(4, rng=1999)
    info = _random._seed_words.cache_info()
    assert info.hits >= 1 and info.currsize == info.maxsize < 2000
