"""fastinit.dask: lazy arrays whose values do not depend on the chunking.

The cluster tests start a dask.distributed LocalCluster with two worker
processes (one thread each), compute every array on it with a bounded
timeout, and always close it. Each result must equal the NumPy result of
the same call bit for bit, for three different chunkings.
"""
import inspect

import numpy as np
import pytest

import fastinit

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
fdask = pytest.importorskip("fastinit.dask")

TIMEOUT = 120  # seconds for any one computation on the cluster

# (name, shape, args, kwargs): every family, with global fans where it has them
CALLS = [
    ("normal", (301, 257), (0.5, 2.0), {}),
    ("uniform", (301, 257), (-1.0, 3.0), {"dtype": "float64"}),
    ("trunc_normal", (301, 257), (0.0, 1.0, -0.5, 3.0), {}),
    ("kaiming_normal", (256, 64, 3), (), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("xavier_uniform", (301, 257), (), {"dtype": "float16"}),
    ("lecun_normal", (301, 257), (), {}),
    ("variance_scaling", (301, 257), (2.0, "fan_avg", "truncated_normal"), {}),
    ("sparse", (301, 257), (0.3,), {}),
    ("orthogonal", (200, 300), (), {"dtype": "float64"}),
    ("eye", (301, 257), (), {}),
    ("dirac", (6, 4, 3, 3), (2,), {}),
    ("zeros", (301, 257), (), {}),
    ("bias_uniform", (301,), ((301, 100),), {}),
]


def chunkings(shape):
    """Three chunkings: one chunk, regular, and uneven ones."""
    uneven = tuple(tuple(c for c in (n // 3, n // 2, n - n // 3 - n // 2) if c) for n in shape)
    return [shape, tuple(max(1, n // 4) for n in shape), uneven]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, scheduler_port=0,
                                       silence_logs=40, death_timeout=60)
    c = distributed.Client(cluster, timeout=60)
    try:
        yield c
    finally:
        c.close(timeout=30)
        cluster.close(timeout=30)


@pytest.mark.parametrize("name,shape,args,kwargs", CALLS, ids=[c[0] for c in CALLS])
def test_chunked_on_a_cluster_equals_numpy(client, name, shape, args, kwargs):
    seeded = "rng" in inspect.signature(getattr(fastinit, name + "_")).parameters
    kw = dict(kwargs, rng=20) if seeded else dict(kwargs)
    expected = getattr(fastinit, name)(shape, *args, **kw)
    for chunks in chunkings(shape):
        lazy = getattr(fdask, name)(shape, *args, chunks=chunks, **kw)
        assert isinstance(lazy, da.Array) and lazy.dtype == expected.dtype
        got = client.compute(lazy).result(timeout=TIMEOUT)
        assert np.array_equal(got, expected), (name, chunks)


def test_every_functional_initializer_has_a_dask_twin():
    from fastinit import _public
    twins = [n for e in _public.ENTRIES.values() if e.twin and e.function.endswith("_")
             for n in (e.name, *e.aliases)]
    assert twins and all(callable(getattr(fdask, n, None)) for n in twins)
    assert sorted(fdask.__all__) == sorted(twins)
    # helpers are not fills: no lazy calculate_gain(shape, ...)
    assert not {"calculate_gain", "calculate_fan_in_and_fan_out"} & set(dir(fdask))
    sig = inspect.signature(fdask.kaiming_normal)
    assert {"chunks", "dtype", "rng"} <= set(sig.parameters)
    assert not {"index", "global_shape", "offset"} & set(sig.parameters)


def test_lazy_until_computed_and_one_task_per_chunk():
    lazy = fdask.normal((1000, 1000), chunks=(250, 500), rng=1)
    assert lazy.numblocks == (4, 2) and len(dict(lazy.__dask_graph__())) == 8
    again = fdask.normal((1000, 1000), chunks=(250, 500), rng=1)
    assert lazy.name == again.name          # deterministic names: same call, same graph
    assert lazy.name != fdask.normal((1000, 1000), chunks=(250, 500), rng=2).name


def test_generator_and_seedsequence_seeds():
    # a Generator is drawn from once, at build time: the NumPy call with the same
    # Generator state gives the same values (threaded scheduler, many chunks)
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    lazy = fdask.kaiming_uniform((64, 48), chunks=(16, 16), rng=g1)
    assert np.array_equal(lazy.compute(scheduler="threads"),
                          fastinit.kaiming_uniform((64, 48), rng=g2))
    # a SeedSequence is copied per chunk: sparse_'s two spawned streams agree everywhere
    got = fdask.sparse((90, 40), 0.5, chunks=(30, 7),
                       rng=np.random.SeedSequence(3)).compute(scheduler="threads")
    assert np.array_equal(got, fastinit.sparse((90, 40), 0.5, rng=np.random.SeedSequence(3)))


def test_orthogonal_fast_chunks():
    # exact=False: every chunking that cuts Q's rows (the columns of a wide weight)
    # gives the same bits, those of row shards filled with NumPy; within the bound of
    # the exact whole (tests/test_blocks.py states and tests it)
    shape = (200, 300)
    ref = np.empty(shape)
    for lo, hi in ((0, 170), (170, 300)):
        fastinit.orthogonal_(ref[:, lo:hi], rng=7, global_shape=shape,
                             index=(slice(None), slice(lo, hi)), exact=False)
    assert not np.array_equal(ref, fastinit.orthogonal(shape, rng=7, dtype=np.float64))
    for chunks in ((200, 100), (64, 75), (150, (10, 290))):
        got = fdask.orthogonal(shape, chunks=chunks, rng=7, dtype="float64",
                               exact=False).compute(scheduler="threads")
        assert np.array_equal(got, ref), chunks


@pytest.mark.parametrize("kw", [{"index": (slice(0, 2),)}, {"global_shape": (4,)},
                                {"offset": 3}, {"generator": 1}])
def test_block_arguments_are_refused(kw):
    with pytest.raises(ValueError, match="takes no"):
        fdask.normal((4,), chunks=2, rng=0, **kw)
