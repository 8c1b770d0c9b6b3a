"""Whole models: fastinit.torch.materialize / init_ / patch against torch's eager
construction, on the Llama-like model of fastinit.cli.llama (scale 8: about
20 M parameters here; ``python -m fastinit bench --model`` runs any scale)."""
from .common import SEED, torch

SCALES = [8]
DTYPES = ["float32", "bfloat16"]


def _parts():
    t = torch()
    try:
        import fastinit.torch as ft
        from fastinit.cli import llama
    except Exception as exc:      # an old fastinit without fastinit.torch
        raise NotImplementedError(f"fastinit.torch does not import: {exc!r}")
    return t, ft, llama


class WholeModel:
    params = [SCALES, DTYPES]
    param_names = ["scale", "dtype"]

    def setup(self, scale, dtype):
        self.t, self.ft, self.llama = _parts()
        self.dtype = getattr(self.t, dtype)
        self.llama.Llama(scale, device="meta")          # torch's one-time meta set-up
        self.existing = self.llama.Llama(scale, dtype=self.dtype)

    def time_torch_eager(self, scale, dtype):
        self.llama.Llama(scale, dtype=self.dtype)

    def time_materialize(self, scale, dtype):
        self.ft.materialize(self.llama.Llama(scale, device="meta", dtype=self.dtype), rng=SEED)

    def time_init_existing(self, scale, dtype):
        self.ft.init_(self.existing, rng=SEED)

    def time_construct_under_patch(self, scale, dtype):
        with self.ft.patch():
            self.llama.Llama(scale, dtype=self.dtype)

    def time_to_empty_reset_parameters(self, scale, dtype):
        m = self.llama.Llama(scale, device="meta", dtype=self.dtype).to_empty(device="cpu")
        for mod in m.modules():
            if hasattr(mod, "reset_parameters"):
                mod.reset_parameters()

    def peakmem_materialize(self, scale, dtype):
        self.ft.materialize(self.llama.Llama(scale, device="meta", dtype=self.dtype), rng=SEED)
