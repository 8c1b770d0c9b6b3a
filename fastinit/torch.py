"""Whole PyTorch models: ``init_``, ``materialize`` and ``patch``.

Importable only where torch is (the ``torch`` extra).

- :func:`init_` (re)initializes every parameter and buffer of a module that
  torch's own ``reset_parameters`` would, with torch's distribution and
  bounds per layer type, or with a ``scheme=`` (:func:`hf_scheme`,
  :func:`gpt2_scheme`, :func:`timm_scheme`, :func:`orthogonal_rnn_scheme`).
  Values come from fastinit's streams keyed by each tensor's
  fully-qualified name (``Key.fold_in(name)``), so a submodule initialized
  alone (with its ``prefix``) equals the same submodule inside the model.
  Element-wise fills of all tensors run in one parallel pass.
- :func:`materialize` turns a meta-device model into a real CPU one:
  ``to_empty`` and :func:`init_`, the fresh memory touched first inside the
  parallel pass.
- :func:`patch` makes ``torch.nn.init.*`` run fastinit while it is active,
  so that any library's construction code gets the speed unchanged.

Seeding: with ``rng=None`` every entry point draws from torch's default
generator, so ``torch.manual_seed(s)`` makes the program reproducible.
"""
from __future__ import annotations

import contextlib
import fnmatch
import inspect
import math
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar

import torch
from torch import nn

from . import _tensor, _dtypes, _hugepages
from ._config import _resolve_threads
from ._random import Key
from ._typing import GeneratorArg
from .bias import bias_uniform_
from .fills import constant_, normal_, ones_, uniform_, zeros_
from .orthogonal import orthogonal_
from .registry import Initializer, get
from .schemes import kaiming_normal_, kaiming_uniform_, xavier_normal_, xavier_uniform_
from .structured import dirac_, eye_, sparse_
from .truncated import trunc_normal_

__all__ = ["init_", "materialize", "patch", "hf_scheme", "gpt2_scheme", "timm_scheme",
           "orthogonal_rnn_scheme"]

#: The module ``init_`` and ``materialize`` were given, returned.
ModuleT = TypeVar("ModuleT", bound=nn.Module)
#: What a scheme entry matches: a glob on fully-qualified tensor names, a
#: module type (or a tuple of them), or a predicate on modules.
Pattern: TypeAlias = (str | type[nn.Module] | tuple[type[nn.Module], ...]
                      | Callable[[nn.Module], bool])
#: How a matched tensor is filled: a registry name or config, an
#: Initializer, or a callable ``f(tensor, *, rng)``.
Fill: TypeAlias = str | Mapping[str, Any] | Initializer | Callable[..., Any]
#: One scheme entry: a pattern and its fill (or, for module patterns, a
#: {tensor name: fill} dict).
Rule: TypeAlias = tuple[Pattern, Fill | Mapping[str, Fill]]
#: ``scheme=``: entries in order (first match wins), or a dict of them.
Scheme: TypeAlias = Sequence[Rule] | Mapping[Pattern, Fill | Mapping[str, Fill]]

_SQRT5 = math.sqrt(5)


# ---- torch's defaults, per layer type -----------------------------------------
# Each rule maps a module to [(name, tensor, fill)] for the tensors its own
# reset method writes: name relative to the module, fill(tensor, key).

def _linear(m):
    out = [("weight", m.weight, lambda t, k: kaiming_uniform_(t, a=_SQRT5, rng=k))]
    if m.bias is not None:
        out.append(("bias", m.bias, lambda t, k: bias_uniform_(t, m.weight, rng=k)))
    return out


def _bilinear(m):
    bound = 1 / math.sqrt(m.weight.size(1))
    fill = lambda t, k: uniform_(t, -bound, bound, rng=k)   # noqa: E731
    return [("weight", m.weight, fill)] + ([("bias", m.bias, fill)] if m.bias is not None else [])


def _embedding(m):
    return [("weight", m.weight, lambda t, k: normal_(t, rng=k))]


def _affine(weight_flag):
    def rule(m):
        if not getattr(m, weight_flag):
            return []
        out = [("weight", m.weight, lambda t, k: ones_(t))]
        if getattr(m, "bias", None) is not None:
            out.append(("bias", m.bias, lambda t, k: zeros_(t)))
        return out
    return rule


def _norm_base(m):
    out = _affine("affine")(m)
    if m.track_running_stats:
        out += [("running_mean", m.running_mean, lambda t, k: zeros_(t)),
                ("running_var", m.running_var, lambda t, k: ones_(t))]
    return out


def _mha(m):
    xu = lambda t, k: xavier_uniform_(t, rng=k)              # noqa: E731
    if m._qkv_same_embed_dim:
        out = [("in_proj_weight", m.in_proj_weight, xu)]
    else:
        out = [(n, getattr(m, n), xu) for n in ("q_proj_weight", "k_proj_weight", "v_proj_weight")]
    if m.in_proj_bias is not None:
        out += [("in_proj_bias", m.in_proj_bias, lambda t, k: zeros_(t)),
                ("out_proj.bias", m.out_proj.bias, lambda t, k: zeros_(t))]
    for n in ("bias_k", "bias_v"):
        if getattr(m, n) is not None:
            out.append((n, getattr(m, n), lambda t, k: xavier_normal_(t, rng=k)))
    return out


def _rnn(m):
    stdv = 1.0 / math.sqrt(m.hidden_size) if m.hidden_size > 0 else 0.0
    return [(n, p, lambda t, k: uniform_(t, -stdv, stdv, rng=k))
            for n, p in m.named_parameters(recurse=False)]


def _transformer(m):
    return [(n, p, lambda t, k: xavier_uniform_(t, rng=k))
            for n, p in m.named_parameters() if p.dim() > 1]


# (type, the reset method it follows, rule). A subclass that overrides that
# method has its own init: it is treated as a custom module.
_RULES = (
    (nn.Linear, "reset_parameters", _linear),
    (nn.modules.conv._ConvNd, "reset_parameters", _linear),
    (nn.Bilinear, "reset_parameters", _bilinear),
    (nn.Embedding, "reset_parameters", _embedding),
    (nn.EmbeddingBag, "reset_parameters", _embedding),
    (nn.LayerNorm, "reset_parameters", _affine("elementwise_affine")),
    (nn.RMSNorm, "reset_parameters", _affine("elementwise_affine")),
    (nn.GroupNorm, "reset_parameters", _affine("affine")),
    (nn.modules.batchnorm._NormBase, "reset_parameters", _norm_base),
    (nn.MultiheadAttention, "_reset_parameters", _mha),
    (nn.RNNBase, "reset_parameters", _rnn),
    (nn.RNNCellBase, "reset_parameters", _rnn),
    (nn.Transformer, "_reset_parameters", _transformer),
)


def _rule_for(module):
    for cls, method, rule in _RULES:
        if isinstance(module, cls) and getattr(type(module), method, None) is getattr(cls, method):
            return rule
    return None


def _post_fill(module):
    """Writes after the pass: Embedding's padding row, BatchNorm's batch counter."""
    if isinstance(module, (nn.Embedding, nn.EmbeddingBag)) and module.padding_idx is not None \
            and module.weight.device.type != "meta":
        _zero_row(module.weight, module.padding_idx)
    counter = getattr(module, "num_batches_tracked", None)
    if isinstance(module, nn.modules.batchnorm._NormBase) and counter is not None \
            and counter.device.type != "meta":
        with torch.no_grad():
            counter.zero_()


def _zero_row(weight, row):
    """weight[row] = 0, on this rank's shard when weight is a DTensor."""
    from ._distributed import _dtensor_type, dtensor_block
    row = row % weight.shape[0]
    with torch.no_grad():
        dtensor = _dtensor_type()
        if dtensor is not None and isinstance(weight, dtensor):
            local, _, index = dtensor_block(weight)
            if index is not None and index[0].start <= row < index[0].stop:
                local[row - index[0].start].fill_(0)
        else:
            weight[row].fill_(0)


# ---- schemes --------------------------------------------------------------------

def _as_fill(init):
    """A scheme's initializer as fill(tensor, key, module)."""
    if isinstance(init, (str, dict)):
        init = get(init)
    if not callable(init):
        raise TypeError(f"a scheme initializer must be a name, a config dict, a "
                        f"fastinit.Initializer or a callable, got {init!r}")
    fn = init.fn if isinstance(init, Initializer) else init
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    takes_rng = "rng" in params or any(p.kind == p.VAR_KEYWORD for p in params.values())
    takes_module = "module" in params

    def fill(tensor, key, module):
        kw = {"rng": key} if takes_rng else {}
        if takes_module:
            kw["module"] = module
        init(tensor, **kw)
    return fill


def _check_scheme(scheme):
    """[(matcher(module, fqname, local) -> bool, {local name or None: fill})] from a
    scheme (see init_); the None entry applies to every tensor the pattern matches."""
    if scheme is None:
        return []
    items = list(scheme.items()) if isinstance(scheme, dict) else list(scheme)
    out = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise TypeError(f"scheme entries must be (pattern, initializer) pairs, got {item!r}")
        pattern, init = item
        if isinstance(init, dict) and "name" not in init:   # per-tensor table
            table = {k: _as_fill(v) for k, v in init.items()}
        else:
            table = {None: _as_fill(init)}
        out.append((_matcher(pattern), table))
    return out


def _matcher(pattern):
    if isinstance(pattern, str):
        return lambda module, fq, local: fnmatch.fnmatchcase(fq, pattern)
    if isinstance(pattern, type) or (isinstance(pattern, tuple)
                                     and all(isinstance(p, type) for p in pattern)):
        return lambda module, fq, local: isinstance(module, pattern)
    if callable(pattern):
        return lambda module, fq, local: bool(pattern(module))
    raise TypeError(f"a scheme pattern must be a glob on parameter names (str), a module "
                    f"type (or tuple of types) or a predicate on modules, got {pattern!r}")


def _scheme_fill(rules, module, fq, local):
    for match, table in rules:
        if match(module, fq, local):
            fill = table.get(None, table.get(local))
            if fill is not None:
                return fill
    return None


def hf_scheme(initializer_range: float = 0.02) -> list[Rule]:
    """Hugging Face's default recipe (``PreTrainedModel._init_weights``).

    Linear, Conv and HF ``Conv1D`` weights and Embeddings N(0,
    initializer_range^2), biases zero, Embedding padding rows zero,
    LayerNorm/RMSNorm/GroupNorm/BatchNorm weights one and biases zero,
    rotary-embedding frequency buffers recomputed from the module's config.
    """
    std = float(initializer_range)
    normal = get("normal", mean=0.0, std=std)
    zero = get("zeros")
    dense = {"weight": normal, "bias": zero}
    return [
        ((nn.Linear, nn.modules.conv._ConvNd, nn.Embedding, nn.EmbeddingBag), dense),
        (lambda m: type(m).__name__ == "Conv1D", dense),
        (lambda m: isinstance(m, (nn.GroupNorm, nn.modules.batchnorm._NormBase))
         or "LayerNorm" in type(m).__name__ or "RMSNorm" in type(m).__name__,
         {"weight": get("ones"), "bias": zero, "running_mean": zero,
          "running_var": get("ones")}),
        (lambda m: "RotaryEmbedding" in type(m).__name__ and hasattr(m, "original_inv_freq"),
         {"inv_freq": _hf_rope, "original_inv_freq": _hf_rope}),
    ]


def _hf_rope(tensor, *, rng=None, module):
    """Recompute a Hugging Face rotary embedding's inverse frequencies."""
    del rng
    fn = getattr(module, "compute_default_rope_parameters", None)
    if module.rope_type != "default" or fn is None:
        from transformers.modeling_rope_utils import ROPE_INIT_FUNCTIONS
        fn = ROPE_INIT_FUNCTIONS[module.rope_type]
    with torch.no_grad():
        tensor.copy_(fn(module.config)[0])


def gpt2_scheme(initializer_range: float = 0.02, n_layer: int = 12) -> list[Rule]:
    """GPT-2's recipe: :func:`hf_scheme` with the residual projections
    (``*.c_proj.weight``) scaled to std = initializer_range / sqrt(2 n_layer)."""
    scaled = get("normal", mean=0.0, std=float(initializer_range) / math.sqrt(2 * n_layer))
    return [("*.c_proj.weight", scaled)] + hf_scheme(initializer_range)


def timm_scheme(std: float = 0.02) -> list[Rule]:
    """timm's ViT recipe: Linear weights ``trunc_normal_(std=std)`` (torch's
    absolute bounds -2, 2), biases zero, LayerNorm weights one and biases zero."""
    return [(nn.Linear, {"weight": get("trunc_normal", std=float(std)), "bias": get("zeros")}),
            (nn.LayerNorm, {"weight": get("ones"), "bias": get("zeros")})]


def orthogonal_rnn_scheme(gain: float = 1.0) -> list[Rule]:
    """Orthogonal recurrent and input weights (``weight_hh_*``, ``weight_ih_*``)
    of RNN/LSTM/GRU layers, zero biases."""
    ortho = get("orthogonal", gain=float(gain))
    return [((nn.RNNBase, nn.RNNCellBase),
             lambda t, *, rng, module=None: _rnn_param(t, rng, ortho))]


def _rnn_param(tensor, key, ortho):
    if tensor.dim() >= 2:
        ortho(tensor, rng=key)
    else:
        zeros_(tensor)


# ---- the plan: one fill per tensor, keyed by name ----------------------------------

def _join(*parts):
    return ".".join(p for p in parts if p)


def _plan(module, scheme, prefix):
    """Walk the module tree; return (fills, customs, posts, unknown).

    fills: [(fqname, tensor, fill(tensor, key, owner), owner, from_scheme)],
    one per tensor (the first name of a shared tensor wins, and a parent's
    rule wins over its children's: modules are visited parents first);
    customs: [(fqname, module)] whose own reset_parameters runs; posts:
    modules whose post-fill runs; unknown: modules with parameters that
    nothing initializes.
    """
    rules = _check_scheme(scheme)
    fills, seen, customs, posts, unknown = [], set(), [], [], []

    def add(fq, tensor, fill, owner, from_scheme):
        if tensor is not None and id(tensor) not in seen:
            seen.add(id(tensor))
            fills.append((fq, tensor, fill, owner, from_scheme))

    for mname, m in module.named_modules(prefix=prefix):
        rule = _rule_for(m)
        defaults = rule(m) if rule else []
        for local, t, f in defaults:        # may reach into children (MHA, Transformer)
            sub, _, last = local.rpartition(".")
            owner = m.get_submodule(sub) if sub else m
            fq = _join(mname, local)
            fs = _scheme_fill(rules, owner, fq, last)
            add(fq, t, fs or (lambda t, k, o, f=f: f(t, k)), owner, fs is not None)
        named = {n for n, _, _ in defaults}
        own = dict(m.named_parameters(recurse=False))
        own.update((n, b) for n, b in m.named_buffers(recurse=False) if b is not None)
        uncovered = []
        for local, t in own.items():
            fq = _join(mname, local)
            fs = _scheme_fill(rules, m, fq, local)
            if fs is not None:
                add(fq, t, fs, m, True)
            elif local not in named and id(t) not in seen and isinstance(t, nn.Parameter):
                uncovered.append(local)
        if rule:
            posts.append(m)
        elif uncovered:
            if callable(getattr(m, "reset_parameters", None)):
                customs.append((mname, m))
            else:
                unknown.append(f"{mname or '(root)'} ({type(m).__name__}: "
                               f"{', '.join(uncovered)})")
    return fills, customs, posts, unknown


def _root_key(rng):
    return rng if isinstance(rng, Key) else Key(torch.default_generator if rng is None else rng)


def _run(module, rng, scheme, num_threads, prefix):
    """init_'s work; returns (the tensors written, the modules left alone)."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, got {prefix!r}")
    _resolve_threads(num_threads)          # every argument checked before any write
    fills, customs, posts, unknown = _plan(module, scheme, prefix)
    key = _root_key(rng)
    by_custom = set()
    for mname, m in customs:                  # custom inits first, then the pass
        with patch(rng=key.fold_in(mname), _record=by_custom):
            m.reset_parameters()
    # a custom module's reset wins over its children's defaults, not over the scheme
    fills = [f for f in fills if f[4] or id(f[1]) not in by_custom]
    with _tensor.collecting() as jobs:
        for fq, t, fill, owner, _ in fills:
            fill(t, key.fold_in(fq), owner)
    _tensor.run_jobs(jobs, num_threads)
    for m in posts:
        _post_fill(m)
    return {id(f[1]) for f in fills} | by_custom, unknown


def init_(module: ModuleT, *, rng: GeneratorArg = None, scheme: Scheme | None = None,
          num_threads: int | None = None, prefix: str = "") -> ModuleT:
    """Initialize every parameter and buffer of ``module`` as torch's layers do, in parallel.

    Parameters
    ----------
    module : torch.nn.Module
        On the CPU (meta tensors are skipped).
    rng : None, int, SeedSequence, Generator, torch.Generator or fastinit.Key
        Root seed; ``None`` draws it from torch's default generator.
    scheme : list of (pattern, initializer) pairs, or a dict, optional
        Checked before torch's defaults, first match wins. A pattern is a
        glob on fully-qualified tensor names (``"*.c_proj.weight"``), a
        module type (or tuple of types) or a predicate on modules (both
        match the tensors the module owns directly); the initializer is a
        registry name or config, a ``fastinit.Initializer``, a callable
        ``f(tensor, *, rng)``, or for module patterns a dict ``{tensor
        name: initializer}``. Recipes: :func:`hf_scheme`,
        :func:`gpt2_scheme`, :func:`timm_scheme`, :func:`orthogonal_rnn_scheme`.
    num_threads : int, optional
        Threads of the parallel pass.
    prefix : str
        The module's name inside a bigger model: ``init_(model.head, rng=0,
        prefix="head")`` gives ``model.head`` exactly what ``init_(model,
        rng=0)`` gives it.

    Returns
    -------
    module

    Notes
    -----
    Tensor ``name`` gets the key ``Key(rng).fold_in(name)``, so values do
    not depend on the order modules are visited in, nor on the thread
    count. Known layers (Linear, Bilinear, Conv*/ConvTranspose*, Embedding,
    EmbeddingBag, LayerNorm, RMSNorm, GroupNorm, BatchNorm*/InstanceNorm*,
    MultiheadAttention, RNN/LSTM/GRU and their cells, Transformer) follow
    torch's ``reset_parameters`` law; all their element-wise fills run in
    one parallel pass, balanced over threads by blocks. Any other module
    with parameters has its own ``reset_parameters`` called under
    :func:`patch` (keyed by its name); one with neither a rule nor a
    ``reset_parameters`` is left alone, with a warning naming it.
    """
    _, unknown = _run(module, rng, scheme, num_threads, prefix)
    if unknown:
        warnings.warn("fastinit.torch.init_ left these modules alone (no rule for their type "
                      "and no reset_parameters): " + "; ".join(unknown), stacklevel=2)
    return module


def materialize(module: ModuleT, device: str | torch.device = "cpu", *, rng: GeneratorArg = None,
                scheme: Scheme | None = None, num_threads: int | None = None,
                prefix: str = "") -> ModuleT:
    """Turn a meta-device module into a real CPU one, initialized in one parallel pass.

    ``module.to_empty(device="cpu")`` (no memory touched), then
    :func:`init_` with the same arguments: the pages of every tensor are
    first touched by the parallel fill, so peak memory stays at the
    parameters' bytes. Buffers that no rule writes (e.g. a module's
    computed constants, which lived on meta too) are named in a warning:
    they hold uninitialized memory. FSDP2 / DTensor parameters: each rank
    fills its local shards as their blocks of the global tensors (the
    in-place initializers' DTensor rule), so the shards equal the unsharded
    model's values.

    Returns
    -------
    module
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if torch.device(device).type != "cpu":
        raise ValueError(f"device must be 'cpu' (fastinit fills CPU tensors), got {device!r}")
    was_meta = {n for n, b in module.named_buffers() if b.device.type == "meta"}
    ties = _shared_tensors(module)
    module.to_empty(device=device)
    for m, table, name, (first, first_table, first_name) in ties:   # to_empty unties them
        getattr(m, table)[name] = getattr(first, first_table)[first_name]
    _advise_fresh(module)
    written, unknown = _run(module, rng, scheme, num_threads, prefix)
    left = [n for n, b in module.named_buffers() if n in was_meta and id(b) not in written
            and not n.endswith("num_batches_tracked")]
    if unknown or left:
        warnings.warn("fastinit.torch.materialize: these hold uninitialized memory (no rule "
                      "writes them): " + "; ".join(unknown + left), stacklevel=2)
    return module


def _advise_fresh(module):
    """Huge pages (fastinit.set_hugepages) for the storages ``to_empty`` just
    allocated, before the parallel fill touches them; this rank's shard of a
    DTensor. Nothing at all where the switch is off or THP is not offered."""
    if not (_hugepages.get_hugepages() and _hugepages.available()):
        return
    seen = set()
    for t in (*module.parameters(), *module.buffers()):
        local = getattr(t, "_local_tensor", t)
        if local.device.type != "cpu" or local.layout != torch.strided:
            continue
        storage = local.untyped_storage()
        address = storage.data_ptr()
        if address not in seen:
            seen.add(address)
            _hugepages.advise(address, storage.nbytes())


def _shared_tensors(module):
    """[(module, table, name, (first module, table, name))] for every second (third, ...)
    occurrence of a parameter or buffer (tied weights)."""
    first, ties = {}, []
    for m in module.modules():
        for table in ("_parameters", "_buffers"):
            for name, t in getattr(m, table).items():
                if t is None:
                    continue
                if id(t) in first:
                    ties.append((m, table, name, first[id(t)]))
                else:
                    first[id(t)] = (m, table, name)
    return ties


# ---- patch ------------------------------------------------------------------------

_PATCHED = {
    "uniform_": uniform_, "normal_": normal_, "trunc_normal_": trunc_normal_,
    "constant_": constant_, "ones_": ones_, "zeros_": zeros_, "eye_": eye_, "dirac_": dirac_,
    "xavier_uniform_": xavier_uniform_, "xavier_normal_": xavier_normal_,
    "kaiming_uniform_": kaiming_uniform_, "kaiming_normal_": kaiming_normal_,
    "orthogonal_": orthogonal_, "sparse_": sparse_,
}
_patch_lock = threading.RLock()


def _fillable(tensor):
    return (isinstance(tensor, torch.Tensor) and type(tensor) in (torch.Tensor, nn.Parameter)
            and tensor.device.type in ("cpu", "meta") and tensor.layout == torch.strided
            and _dtypes.for_torch(tensor.dtype) is not None)


def _wrap(name, fast, original, counter, record):
    takes_rng = "rng" in inspect.signature(fast).parameters

    def patched(tensor, *args, **kwargs):
        if not _fillable(tensor):
            return original(tensor, *args, **kwargs)
        kw = dict(kwargs)
        if takes_rng and counter is not None and kw.get("generator") is None \
                and not (name in _GENERATOR_POS and len(args) > _GENERATOR_POS[name]):
            kw["rng"] = counter()
        try:
            with _tensor.immediate():   # the caller may read the values back at once
                out = fast(tensor, *args, **kw)
        except (TypeError, ValueError):
            # arguments fastinit refuses (checked before any write) but torch may
            # take, e.g. constant_(t, nan): torch's own function decides
            return original(tensor, *args, **kwargs)
        if record is not None:
            record.add(id(tensor))
        return out
    patched.__name__ = patched.__qualname__ = name
    patched.__doc__ = f"fastinit.{name} (installed by fastinit.torch.patch)."
    patched.__wrapped__ = original
    patched._fastinit_patch = True
    return patched


# position of generator= among torch's positional arguments (after tensor)
_GENERATOR_POS = {"uniform_": 2, "normal_": 2, "trunc_normal_": 4, "xavier_uniform_": 1,
                  "xavier_normal_": 1, "kaiming_uniform_": 3, "kaiming_normal_": 3,
                  "orthogonal_": 1, "sparse_": 2}


def _targets():
    """The namespaces (dicts) the patch installs into."""
    import sys
    places = [torch.nn.init.__dict__]
    hf = sys.modules.get("transformers.initialization")
    if hf is not None and isinstance(getattr(hf, "TORCH_INIT_FUNCTIONS", None), dict):
        places.append(hf.TORCH_INIT_FUNCTIONS)    # transformers keeps its own references
    return places


@contextlib.contextmanager
def patch(*, rng: GeneratorArg = None, _record: list[Any] | None = None) -> Iterator[None]:
    """Within the context, ``torch.nn.init.*`` run fastinit (CPU and meta tensors).

    Any library's construction code gets the speed unchanged::

        with fastinit.torch.patch():
            model = SomeModel(config)

    Covered: ``uniform_``, ``normal_``, ``trunc_normal_``, ``constant_``, ``ones_``,
    ``zeros_``, ``eye_``, ``dirac_``, ``xavier_*``, ``kaiming_*``, ``orthogonal_``, ``sparse_``; other tensors
    (CUDA, integer, sparse) and arguments fastinit refuses (it checks them
    before writing anything, e.g. a NaN constant) go to torch's own
    function, which behaves (or raises) as without the patch. Seeding: a call's
    ``generator=`` as given; otherwise torch's default generator (so
    ``torch.manual_seed`` makes construction reproducible), or, with
    ``rng=``, call ``i`` under the patch gets ``Key(rng).fold_in(i)``.
    Transformers' private references to torch's functions
    (``transformers.initialization.TORCH_INIT_FUNCTIONS``) are patched
    too. The patch is process-wide (torch.nn.init is one module); nesting
    is allowed.
    """
    counter = None
    if rng is not None:
        root, state = Key(rng), {"i": 0}
        lock = threading.Lock()

        def counter():
            with lock:
                i, state["i"] = state["i"], state["i"] + 1
            return root.fold_in(i)
    with _patch_lock:
        saved = []
        for place in _targets():
            for name, fast in _PATCHED.items():
                original = place.get(name)
                if original is None:
                    continue
                base = original.__wrapped__ if getattr(original, "_fastinit_patch", False) \
                    else original
                saved.append((place, name, original))
                place[name] = _wrap(name, fast, base, counter, _record)
    try:
        yield
    finally:
        with _patch_lock:
            for place, name, original in reversed(saved):
                place[name] = original
