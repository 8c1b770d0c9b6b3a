"""Philox4x32-10: Random123's known-answer vectors and the stream layout."""
import numpy as np
import pytest

import fastinit

KAT = [
    ([0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
    ([0xffffffff] * 4, [0xffffffff] * 2, [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
    ([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0],
     [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]),
]


@pytest.mark.parametrize("ctr,key,expected", KAT)
def test_known_answers(ctr, key, expected):
    out = fastinit.philox4x32(np.array(ctr, np.uint32), np.array(key, np.uint32))
    assert out.dtype == np.uint32
    assert out.tolist() == expected


def test_batch_shape():
    ctr = np.array([k[0] for k in KAT[:1]] * 6, np.uint32).reshape(2, 3, 4)
    out = fastinit.philox4x32(ctr, [0, 0])
    assert out.shape == (2, 3, 4)
    assert (out == np.array(KAT[0][2], np.uint32)).all()


def _stream_words(seed):
    k0, k1, stream = np.random.SeedSequence(seed).generate_state(3)
    return [int(k0), int(k1)], int(stream)


def _philox_words(seed, ncounters):
    key, stream = _stream_words(seed)
    ctr = np.zeros((ncounters, 4), np.uint32)
    ctr[:, 0] = np.arange(ncounters, dtype=np.uint64) & 0xFFFFFFFF
    ctr[:, 1] = np.arange(ncounters, dtype=np.uint64) >> 32
    ctr[:, 2] = stream
    return fastinit.philox4x32(ctr, key)  # (ncounters, 4)


def test_uniform_f32_layout_from_raw_philox():
    # The documented layout: index 32g + 8k + l takes word k of counter 8g + l,
    # u = (w >> 8) * 2^-24. Rebuild it from the raw generator.
    seed, n = 77, 32 * 40
    words = _philox_words(seed, n // 4)                 # counters 0..n/4-1
    g = words.reshape(-1, 8, 4).transpose(0, 2, 1)      # (group, k, lane)
    expected = ((g.reshape(-1) >> 8).astype(np.float32) * np.float32(2.0**-24))
    got = fastinit.uniform(n, rng=seed)
    assert np.array_equal(got, expected)


def test_uniform_f64_layout_from_raw_philox():
    # index 16g + 8j + l takes the 53-bit word (w[2j]:w[2j+1]) >> 11 of counter 8g + l
    seed, n = 78, 16 * 40
    words = _philox_words(seed, n // 2).astype(np.uint64)
    g = words.reshape(-1, 8, 4)                          # (group, lane, k)
    bits = ((g[:, :, 0::2] << np.uint64(32)) | g[:, :, 1::2]) >> np.uint64(11)
    expected = bits.transpose(0, 2, 1).reshape(-1).astype(np.float64) * 2.0**-53
    got = fastinit.uniform(n, rng=seed, dtype=np.float64)
    assert np.array_equal(got, expected)


def test_counter_high_word_carries():
    # pieces that straddle a 2^32 boundary of the counter's low word
    off = 32 * (2**32 // 8) - 100
    whole = fastinit.uniform(300, rng=5, offset=off)
    words = fastinit.philox4x32(
        np.array([[2**32 % 2**32, 1, _stream_words(5)[1], 0]], np.uint32), _stream_words(5)[0])
    # index 32 * 2^29 is group 2^29 -> counter 2^32 = (lo 0, hi 1), word 0, lane 0
    assert whole[100] == np.float32((words[0, 0] >> 8) * 2.0**-24)


def test_bad_arguments():
    with pytest.raises(ValueError, match="shape"):
        fastinit.philox4x32(np.zeros(3, np.uint32), [0, 0])
    with pytest.raises(ValueError, match="key"):
        fastinit.philox4x32(np.zeros(4, np.uint32), [0, 0, 0])
    with pytest.raises(TypeError, match="counter"):
        fastinit.philox4x32(np.zeros(4), [0, 0])
    with pytest.raises(ValueError, match="counter"):
        fastinit.philox4x32(np.array([-1, 0, 0, 0]), [0, 0])
