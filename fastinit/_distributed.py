"""torch.distributed DTensor parameters: each rank fills its own shard of the whole.

A DTensor's local shard is a block of its global tensor. Its place follows
from the device mesh coordinate and the placements, by torch's sharding
rule: for each mesh dimension in order, ``Shard(d)`` cuts the current
extent ``L`` of tensor dimension ``d`` into ``n`` (mesh size) chunks of
``ceil(L / n)`` items, the last ones shorter or empty (``torch.chunk``),
and the rank at coordinate ``c`` keeps chunk ``c``; ``Replicate`` keeps
everything. The in-place initializers then fill the local tensor with
``global_shape=`` and ``index=`` (fastinit._tensor.check_block): the
shards together are exactly the single-process result, and fans come from
the global shape.
"""
import functools
import inspect
import sys

__all__ = ["accepts_dtensor", "dtensor_block"]


def _dtensor_type():
    """torch's DTensor class when torch.distributed.tensor is loaded (else None)."""
    mod = sys.modules.get("torch.distributed.tensor")
    return getattr(mod, "DTensor", None) if mod is not None else None


def dtensor_block(dt):
    """(local torch.Tensor, global shape, index) of DTensor ``dt`` on this rank."""
    from torch.distributed.tensor import Replicate, Shard
    mesh = dt.device_mesh
    coord = mesh.get_coordinate()
    gshape = tuple(int(s) for s in dt.shape)
    local = dt.to_local()
    if coord is None:   # this rank is not in the mesh: it holds nothing
        return local, gshape, None
    start = [0] * len(gshape)
    length = list(gshape)
    for i, p in enumerate(dt.placements):
        if isinstance(p, Replicate):
            continue
        if type(p) is not Shard:   # Partial, _StridedShard, ...
            raise ValueError(f"tensor is a DTensor with placement {p!r} on mesh dimension "
                             f"{i}; fastinit fills Shard(d) and Replicate placements")
        d, n, c = p.dim % len(gshape), mesh.size(i), coord[i]
        chunk = -(-length[d] // n)
        lo = min(c * chunk, length[d])
        start[d] += lo
        length[d] = min(chunk, length[d] - lo)
    if tuple(local.shape) != tuple(length):
        raise ValueError(f"tensor is a DTensor whose local shard has shape "
                         f"{tuple(local.shape)}, but its placements {tuple(dt.placements)} "
                         f"on this rank give {tuple(length)}")
    return local, gshape, tuple(slice(s, s + n) for s, n in zip(start, length))


def accepts_dtensor(fn):
    """Let in-place initializer ``fn`` take a DTensor: the local shard is filled as
    its block of the global tensor (with ``global_shape=`` / ``index=`` when ``fn``
    has them; constant fills need neither). Returns the DTensor itself."""
    indexed = "index" in inspect.signature(fn).parameters

    @functools.wraps(fn)
    def wrapper(tensor, *args, **kwargs):
        if "torch.distributed.tensor" not in sys.modules:   # the common case, first
            return fn(tensor, *args, **kwargs)
        dtensor = _dtensor_type()
        if dtensor is None or not isinstance(tensor, dtensor):
            return fn(tensor, *args, **kwargs)
        for bad in ("global_shape", "index"):
            if kwargs.get(bad) is not None:
                raise ValueError(f"{bad}= is not taken with a DTensor: its global shape and "
                                 f"placements say where the local shard lies")
        local, gshape, index = dtensor_block(tensor)
        if index is None:
            return tensor
        if indexed:
            kwargs.update(global_shape=gshape, index=index)
        fn(local, *args, **kwargs)
        return tensor
    return wrapper
