"""DTensor parameters on real gloo process groups: the shards form the single-process result.

Each test spawns ``world`` CPU processes (torch.multiprocessing, spawn) that
join a gloo process group on localhost, build DTensors on 1-D and 2-D device
meshes (Shard(0), Shard(1), Replicate, uneven shards), fill them with
fastinit's in-place initializers, and compare ``full_tensor()`` with the
single-process fastinit result bit for bit.

The harness (:func:`spawn_ranks`, shared with test_torch_fsdp) runs every
rank's body inside a gloo group with a bounded timeout; a rank that got
through its body waits at a barrier (no rank closes its connections while
a peer still has a collective in flight), every rank destroys the group,
writes its report and leaves with ``os._exit``, and the parent kills any
rank still alive at the deadline. Why ``os._exit``: a rank must not run
interpreter finalization while gloo's worker threads live, and
``destroy_process_group`` does not always stop them -- it only drops the
registry's reference, and FSDP2's fully_shard state keeps the
ProcessGroup (its ``pt_gloo_runloop`` workers, its ``gloo_tcp_loop``)
alive after it. A worker that releases its last
collective's work after the main thread has begun ``Py_FinalizeEx`` frees
a tensor whose Python object torch kept for it, must take the GIL, is
ended by ``pthread_exit`` inside a noexcept destructor, and the process
aborts: "terminate called without an active exception", SIGABRT.
"""
import math
import os
import sys
import tempfile
import time
import traceback

import numpy as np
import pytest

torch = pytest.importorskip("torch")
dist = pytest.importorskip("torch.distributed")
if not dist.is_available() or not dist.is_gloo_available():
    pytest.skip("torch.distributed with gloo is not available", allow_module_level=True)

DEADLINE = 240   # seconds for a whole spawned run
SEED = 77

# (name, global shape, call) -- call(tensor, rng) fills in place
INITS = [
    ("kaiming_normal_", (37, 23), lambda f, t, k: f.kaiming_normal_(t, nonlinearity="relu",
                                                                     rng=k)),
    ("xavier_uniform_", (37, 23), lambda f, t, k: f.xavier_uniform_(t, rng=k)),
    ("trunc_normal_", (37, 23), lambda f, t, k: f.trunc_normal_(t, std=0.02, a=-0.04, b=0.04,
                                                                 rng=k)),
    ("orthogonal_", (37, 23), lambda f, t, k: f.orthogonal_(t, rng=k)),
    ("orthogonal_wide", (19, 41), lambda f, t, k: f.orthogonal_(t, rng=k)),
    ("sparse_", (37, 23), lambda f, t, k: f.sparse_(t, 0.4, rng=k)),
    ("normal_3d", (9, 7, 5), lambda f, t, k: f.normal_(t, rng=k)),
]


def _placements(world):
    from torch.distributed.tensor import Replicate, Shard
    one = [(world,), [Shard(0)]], [(world,), [Shard(1)]], [(world,), [Replicate()]]
    two = []
    if world == 4:
        two = [[(2, 2), [Shard(0), Shard(1)]], [(2, 2), [Shard(1), Shard(0)]],
               [(2, 2), [Shard(0), Shard(0)]], [(2, 2), [Replicate(), Shard(1)]]]
    return list(one) + two


def _rank(rank, world, failures):
    """One rank: every initializer x every mesh/placement; failures go to ``failures``."""
    import fastinit
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.tensor import distribute_tensor
    for mesh_shape, placements in _placements(world):
        mesh = init_device_mesh("cpu", mesh_shape)
        for name, shape, call in INITS:
            key = fastinit.Key(SEED).fold_in(name)
            expected = call(fastinit, torch.empty(shape), key)
            dt = distribute_tensor(torch.full(shape, float("nan")), mesh, placements)
            assert call(fastinit, dt, key) is dt
            full = dt.full_tensor()
            if not torch.equal(full, expected):
                failures.append(f"{name} {mesh_shape} {placements}: full_tensor() "
                                f"differs from the single-process result")
    # orthogonal_(exact=False) sharded along Q's rows (a tall weight's rows, a wide
    # one's columns): the bits of any other split of Q's rows, here two halves
    from torch.distributed.tensor import Shard
    mesh = init_device_mesh("cpu", (world,))
    for shape, dim in (((37, 23), 0), ((19, 41), 1)):
        key = fastinit.Key(SEED).fold_in("orthogonal_fast")
        expected = torch.empty(shape)
        for lo, hi in ((0, shape[dim] // 2), (shape[dim] // 2, shape[dim])):
            index = tuple(slice(lo, hi) if d == dim else slice(None) for d in range(2))
            fastinit.orthogonal_(expected[index], rng=key, global_shape=shape,
                                 index=index, exact=False)
        if torch.equal(expected, fastinit.orthogonal_(torch.empty(shape), rng=key)):
            failures.append(f"orthogonal_ exact=False {shape}: the row path did not run")
        dt = distribute_tensor(torch.full(shape, float("nan")), mesh, [Shard(dim)])
        fastinit.orthogonal_(dt, rng=key, exact=False)
        if not torch.equal(dt.full_tensor(), expected):
            failures.append(f"orthogonal_ exact=False {shape} Shard({dim}): full_tensor() "
                            f"differs from two row halves")
    # the std of a sharded kaiming weight follows the global fan, not the shard's
    shape = (512, 1024)
    dt = distribute_tensor(torch.empty(shape), mesh, [Shard(1)])
    fastinit.kaiming_normal_(dt, nonlinearity="relu", rng=SEED)
    full = dt.full_tensor().double()
    want = math.sqrt(2.0) / math.sqrt(shape[1])
    shard_fan = math.sqrt(2.0) / math.sqrt(dt.to_local().shape[1])
    n = full.numel()
    tol = 6 * want / math.sqrt(2 * n)   # 6 standard errors of a sample std
    got = float(full.std())
    if not abs(got - want) < tol or abs(shard_fan - want) < 10 * tol:
        failures.append(f"kaiming std {got} vs global-fan {want} (tol {tol}), "
                        f"shard fan would give {shard_fan}")


def _rank_main(rank, body, world, outdir, *args):
    """A spawned rank's whole life: join the gloo group, run ``body(rank, world, failures,
    *args)``, leave the group, write ``failures`` to rank{rank}.txt, end the process.

    Any exception becomes a failure message. Only a rank whose body returned meets the
    others at the closing barrier (one that raised may be out of step with their
    collectives; it leaves, and theirs fail fast on the closed connections). The
    process ends with ``os._exit`` after the report is on disk: see the module
    docstring for the abort that interpreter finalization risks while gloo's threads
    live. The ranks meet through a file store in ``outdir`` (no TCP store: no
    port to pick in the parent and bind later, which another process could take
    in between)."""
    from datetime import timedelta
    failures, status = [], 0
    try:
        store = "file://" + os.path.join(outdir, "store")
        dist.init_process_group("gloo", init_method=store, rank=rank, world_size=world,
                                timeout=timedelta(seconds=120))
        body(rank, world, failures, *args)
        dist.barrier()   # every collective of every rank is complete before any leaves
    except BaseException:
        failures.append(traceback.format_exc())
    try:
        if dist.is_initialized():
            dist.destroy_process_group()
    except BaseException:
        failures.append(traceback.format_exc())
    try:
        path = os.path.join(outdir, f"rank{rank}.txt")
        with open(path + ".tmp", "w") as f:
            f.write("\n".join(failures))
        os.replace(path + ".tmp", path)   # a report is whole or absent
    except BaseException:
        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(status)


def spawn_ranks(body, world, *args):
    """Run ``body(rank, world, failures, *args)`` on ``world`` spawned ranks that form a
    gloo group (:func:`_rank_main`), with a deadline; ``body`` appends failure messages
    to ``failures``. Return the non-empty reports (rank{r}.txt in a temporary directory);
    a rank that dies (a signal, a non-zero exit) or outlives the deadline fails here."""
    import torch.multiprocessing as mp
    with tempfile.TemporaryDirectory() as outdir:
        ctx = mp.start_processes(_rank_main, args=(body, world, outdir) + args,
                                 nprocs=world, join=False, start_method="spawn")
        deadline = time.monotonic() + DEADLINE
        try:
            while not ctx.join(timeout=5):
                assert time.monotonic() < deadline, f"ranks still running after {DEADLINE} s"
        finally:
            for p in ctx.processes:
                if p.is_alive():
                    p.kill()
                    p.join(10)
        reports = []
        for r in range(world):
            path = os.path.join(outdir, f"rank{r}.txt")
            assert os.path.exists(path), f"rank {r} wrote no report"
            with open(path) as f:
                text = f.read()
            if text:
                reports.append(f"rank {r}:\n{text}")
        return reports


@pytest.mark.parametrize("world", [2, 4])
def test_dtensor_shards_equal_the_single_process_result(world):
    reports = spawn_ranks(_rank, world)
    assert not reports, "\n".join(reports)


def test_plain_tensors_are_untouched_by_the_dtensor_path():
    import fastinit
    t = torch.empty(5, 4)
    assert fastinit.normal_(t, rng=1) is t
    assert np.array_equal(t.numpy(), fastinit.normal((5, 4), rng=1))
