"""fastinit.torch.materialize of an FSDP2 (fully_shard) model on a real gloo group:
every rank's local shards are its blocks of the unsharded model's values."""
import pytest

torch = pytest.importorskip("torch")
dist = pytest.importorskip("torch.distributed")
if not dist.is_available() or not dist.is_gloo_available():
    pytest.skip("torch.distributed with gloo is not available", allow_module_level=True)

from test_dtensor import spawn_ranks   # noqa: E402  (the gloo harness)

SEED = 31


def _build():
    nn = torch.nn
    return nn.Sequential(nn.Embedding(101, 24, padding_idx=5), nn.Linear(24, 37),
                         nn.LayerNorm(37), nn.Linear(37, 19, bias=False), nn.RMSNorm(19))


def _rank(rank, world, failures):
    import fastinit.torch as ft
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard
    mesh = init_device_mesh("cpu", (world,))
    with torch.device("meta"):
        model = _build()
    for layer in model:
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    ft.materialize(model, rng=SEED)
    expected = ft.init_(_build(), rng=SEED).state_dict()
    for name, t in model.state_dict().items():
        if not torch.equal(t.full_tensor(), expected[name]):
            failures.append(f"{name}: full tensor differs from the unsharded model")
        if t.to_local().numel() == expected[name].numel():
            failures.append(f"{name}: not sharded (the local shard is the whole)")


def test_materialize_fsdp2_shards_equal_the_unsharded_model():
    reports = spawn_ranks(_rank, 2)
    assert not reports, "\n".join(reports)
