"""docs/randomness.md, checked: the stream layouts and key derivations it states."""
import numpy as np
import pytest

import fastinit
from fastinit import Key

N = 200


def P(counter, key):
    return [int(w) for w in fastinit.philox4x32(counter, key)]


@pytest.fixture
def key():
    return Key(1234)


def test_key_words_of_an_int_seed(key):
    assert key.words == tuple(int(w) for w in np.random.SeedSequence(1234).generate_state(3))


def test_32_bit_uniform_layout(key):
    k0, k1, s = key.words
    got = fastinit.uniform(N, rng=key)
    for i in range(N):
        g, r = divmod(i, 32)
        k, l = divmod(r, 8)
        w = P([8 * g + l, 0, s, 0], [k0, k1])[k]
        assert got[i] == np.float32((w >> 8) * 2.0**-24)


def test_64_bit_uniform_layout(key):
    k0, k1, s = key.words
    got = fastinit.uniform(N, rng=key, dtype="float64")
    for i in range(N):
        g, r = divmod(i, 16)
        j, l = divmod(r, 8)
        w = P([8 * g + l, 0, s, 0], [k0, k1])
        assert got[i] == ((w[2 * j] << 32 | w[2 * j + 1]) >> 11) * 2.0**-53


def test_derivations(key):
    k0, k1, s = key.words
    assert key.split(3)[2].words == tuple(P([2, 0, s, 0x53504C54], [k0, k1])[:3])
    d = 2**40 + 7
    assert key.fold_in(d).words == tuple(P([d % 2**32, d >> 32, s, 0x464F4C44], [k0, k1])[:3])
    name = "layer.w"                     # 7 bytes: one zero-padded block
    raw = name.encode() + b"\0"
    m0, m1 = int.from_bytes(raw[:4], "little"), int.from_bytes(raw[4:], "little")
    y = P([0, 0, 0, 0x48415348], [m0, m1])
    h = P([y[0], y[1], 7, 0], [0x48415348, 0x48415348])[:2]
    assert key.fold_in(name).words == tuple(P([h[0], h[1], s, 0x4E414D45], [k0, k1])[:3])


def test_orthogonal_reflectors_read_the_normal_stream(key):
    m = 9
    q = fastinit.orthogonal((m, 4), rng=key, dtype="float64")
    x = fastinit.normal(m, rng=key, dtype="float64")        # reflector 0: S_0 = 0
    np.testing.assert_allclose(q[:, 0], x / np.linalg.norm(x), rtol=0, atol=1e-15)
