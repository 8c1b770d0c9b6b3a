"""``python -m fastinit bench --jax``: fastinit.jax against jitted jax.nn.initializers.

One process, side by side, on one (rows, cols) float32 kernel (default 8000 x
8000): for each family (he_normal, normal, glorot_uniform, orthogonal on a
smaller square), the jitted ``jax.nn.initializers`` initializer, then
fastinit.jax's called eagerly (filled on the host in aligned memory that
JAX takes without a copy) and under ``jax.jit`` (through
``jax.pure_callback``, whose result XLA copies into its own buffer). Each
timing is the best of ``--repeat`` calls after one untimed call (JAX
compiles on the first), with ``block_until_ready``.
"""
import math

from .timing import best_times

FAMILIES = ("he_normal", "normal", "glorot_uniform", "orthogonal")


def _factories(jnn, fij, name):
    if name == "normal":
        return jnn.normal(1.0), fij.normal(1.0)
    return getattr(jnn, name)(), getattr(fij, name)()


def measure(shape=(8000, 8000), ortho_n=1024, repeat=3, seed=0, threads=None):
    """The JSON-able document of the comparison."""
    import jax
    import jax.numpy as jnp

    import fastinit
    import fastinit.jax as fij
    if threads is not None:
        fastinit.set_num_threads(threads)
    key = jax.random.key(seed)
    doc = {"jax": jax.__version__, "fastinit": fastinit.__version__,
           "threads": fastinit.get_num_threads(), "simd": fastinit.get_simd_path(),
           "devices": [str(d) for d in jax.devices()], "rows": []}
    for name in FAMILIES:
        shp = (ortho_n, ortho_n) if name == "orthogonal" else tuple(shape)
        nbytes = math.prod(shp) * 4
        ref, ours = _factories(jax.nn.initializers, fij, name)
        ref_jit = jax.jit(lambda k, ref=ref, shp=shp: ref(k, shp, jnp.float32))
        ours_jit = jax.jit(lambda k, ours=ours, shp=shp: ours(k, shp, jnp.float32))
        calls = {"jax.nn.initializers (jit)": lambda: ref_jit(key),
                 "fastinit.jax (eager)": lambda: ours(key, shp, jnp.float32),
                 "fastinit.jax (jit)": lambda: ours_jit(key)}
        row = {"family": name, "shape": list(shp), "seconds": {}}
        for label, call in calls.items():
            call().block_until_ready()               # compile / first touch, untimed
            row["seconds"][label] = best_times(lambda: call().block_until_ready(), repeat)
        base = row["seconds"]["jax.nn.initializers (jit)"]
        row["gbps"] = {k: nbytes / s / 1e9 for k, s in row["seconds"].items()}
        row["x_jax"] = {k: base / s for k, s in row["seconds"].items()}
        doc["rows"].append(row)
    return doc


def format_table(doc):
    lines = [f"fastinit {doc['fastinit']} ({doc['threads']} threads, {doc['simd']}) against "
             f"jax {doc['jax']} on {', '.join(doc['devices'])}; float32, best of the "
             f"timed calls",
             f"{'family':16s} {'shape':>12s} {'way':28s} {'ms':>9s} {'GB/s':>7s} {'x jax':>7s}"]
    for row in doc["rows"]:
        shp = "x".join(map(str, row["shape"]))
        for way, s in row["seconds"].items():
            lines.append(f"{row['family']:16s} {shp:>12s} {way:28s} {s * 1e3:9.1f} "
                         f"{row['gbps'][way]:7.2f} {row['x_jax'][way]:7.2f}")
    return "\n".join(lines)


def run(args):
    from .bench import emit
    rows = max(1, args.size // 8000) if args.size != 64_000_000 else 8000
    doc = measure(shape=(rows, 8000), ortho_n=args.ortho_n, repeat=args.repeat,
                  seed=args.seed, threads=(args.threads or [None])[0])
    return emit(doc, args.json, format_table)
