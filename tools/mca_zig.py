"""A static model of the samplers' chunk loops on a CPU this machine may lack.

Compiles a SIMD path's kernels to assembly (setup.py's flags), finds in each
kernel the ziggurat's chunk loop (the block that ends with the next chunk's
Philox, a jump back to the first attempts' arithmetic, and that arithmetic
followed by the lookups), and runs LLVM's llvm-mca over one pass of it with
a CPU's scheduling model. Prints, per chunk (64 float32 or 32 float64
values), the micro-ops and the pressure of the busiest execution port: the
bound a core with a large enough instruction window reaches, against the
same bound for uniform_'s loop. A model, not a measurement: it assumes L1
hits, and its bound ignores dependency chains (llvm-mca's own cycle count,
printed too, is limited by the model's 224-entry window, which Philox's
10-round chain fills). It reproduced the 58% that normal_ float32 had
measured on Sapphire Rapids before the 16-lane kernels (an AVX-512 CPU is
what it stands in for; `tools/bench_kernels.c all` measures).

    python tools/mca_zig.py                    # avx512, Skylake-X model
    python tools/mca_zig.py --cpu icelake-server
    python tools/mca_zig.py --src /tmp/old/fastinit/_src   # after git worktree add /tmp/old REV

Needs gcc and llvm-mca (Debian: apt-get install llvm).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "fastinit", "_src")
CFLAGS = ["-O3", "-fwrapv", "-ffp-contract=off", "-fno-math-errno", "-fno-strict-aliasing",
          "-std=c11"]
MUL = "vpmuludq"
ROUNDS = 10   # Philox rounds


def function(asm, name):
    lines = asm.split("\n")
    start = lines.index(name + ":")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("\t.size\t" + name))
    return lines[start:end]


def instructions(lines):
    out = []
    for line in lines:
        t = line.strip()
        if not t or t.startswith(".") or t.endswith(":") or re.match(r"j[a-z]+\s", t):
            continue
        out.append(t)
    return out


def chunk_loops(body, muls):
    """Each chunk loop: [arithmetic label .. conditional jump to it] + [the
    Philox block .. its jump back], for every Philox block of one chunk
    that ends in an unconditional jump to a label whose block precedes it."""
    labels = {line[:-1]: i for i, line in enumerate(body) if re.match(r"\.L\d+:$", line)}
    loops = []
    for i, line in enumerate(body):
        m = re.match(r"\tjmp\t(\.L\d+)$", line)
        if not m or m.group(1) not in labels:
            continue
        x = labels[m.group(1)]
        # the Philox block: back from the jmp to the previous jump
        j = i - 1
        while j > 0 and not re.match(r"\tj[a-z]+\t", body[j]):
            j -= 1
        philox = body[j + 1:i]
        if sum(MUL in p for p in philox) != muls or not x < j:
            continue
        if not re.match(r"\tj[a-z]+\t" + re.escape(m.group(1)) + "$", body[j]):
            continue
        loops.append(instructions(body[x:j]) + instructions(philox))
    return loops


def uniform_loop(body, muls):
    """uniform_'s loop over whole chunks: the shortest run from a label to
    a jump back to it that holds one chunk's Philox."""
    labels = {line[:-1]: i for i, line in enumerate(body) if re.match(r"\.L\d+:$", line)}
    best = None
    for i, line in enumerate(body):
        m = re.match(r"\tj[a-z]+\t(\.L\d+)$", line)
        if not m or labels.get(m.group(1), i) >= i:
            continue
        run = body[labels[m.group(1)]:i]
        if sum(MUL in r for r in run) == muls and (best is None or len(run) < len(best)):
            best = run
    return instructions(best)


def mca(insts, cpu):
    run = subprocess.run(["llvm-mca", "-mcpu=" + cpu, "-iterations=100", "-timeline=false",
                          "-instruction-info=false"], input="\n".join(insts) + "\n",
                         capture_output=True, text=True, check=True)
    out = run.stdout
    uops = float(re.search(r"Total uOps:\s+(\d+)", out).group(1)) / 100
    cycles = float(re.search(r"Total Cycles:\s+(\d+)", out).group(1)) / 100
    rows = out.split("Resource pressure per iteration:")[1].strip().split("\n")
    names = [n.strip("[]") for n in rows[0].split()]
    vals = [0.0 if v == "-" else float(v) for v in rows[1].split()]
    res = dict(re.findall(r"\[(\d+)\]\s+-\s+(\S+)", out.split("Resources:")[1].split("\n\n")[0]))
    ports = {res.get(n, n): v for n, v in zip(names, vals) if "Divider" not in res.get(n, n)}
    port, bound = max(ports.items(), key=lambda kv: kv[1])
    return uops, bound, port, cycles


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    # avx512 only: the AVX2 build keeps Philox's rounds in a loop, which one
    # straight pass cannot model (and AVX2 CPUs are here to measure)
    ap.add_argument("--path", default="avx512", choices=("avx512",))
    ap.add_argument("--src", default=SRC,
                    help="the kernel sources (another commit's: git worktree add)")
    ap.add_argument("--cpu", default="skylake-avx512",
                    help="llvm-mca -mcpu (LLVM 14's icelake-server and sapphirerapids use "
                         "the Skylake-X model too)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "k.s")
        subprocess.run(["gcc", *CFLAGS, "-I" + args.src, "-S",
                        os.path.join(args.src, f"kern_{args.path}.c"), "-o", out], check=True)
        asm = open(out).read()
    muls = 4 * ROUNDS   # one chunk's Philox: four products a round, 16 lanes
    print(f"llvm-mca -mcpu={args.cpu}, the {args.path} path's chunk loops (one pass: 64 float32 or "
          f"32 float64 values); bound = the busiest port's cycles; share = uniform's bound / "
          f"the family's")
    for dt in ("f32", "f64"):
        uni = mca(uniform_loop(function(asm, f"k_uniform_{dt}_{args.path}"), muls), args.cpu)
        print(f"  uniform  {dt}: {uni[0]:6.0f} uops, bound {uni[1]:6.1f} ({uni[2]}), "
              f"model cycles {uni[3]:6.1f}")
        for fam in ("normal", "truncnorm"):
            loops = chunk_loops(function(asm, f"k_{fam}_{dt}_{args.path}"), muls)
            if not loops:
                print(f"  {fam:9s}{dt}: no chunk loop found", file=sys.stderr)
                return 1
            for n, loop in enumerate(loops):
                r = mca(loop, args.cpu)
                print(f"  {fam:9s}{dt} loop {n}: {r[0]:6.0f} uops, bound {r[1]:6.1f} ({r[2]}), "
                      f"share {100 * uni[1] / r[1]:4.0f}%, model cycles {r[3]:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
