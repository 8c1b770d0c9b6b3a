"""Process-level guarantees (fastinit/_guard.pxd, fastinit/_src/runtime.h):
fork, Ctrl-C, and resource limits.

Every case runs in a child Python with a timeout and its own process group,
so a regression (a hung OpenMP pool, an ignored signal, a killed
interpreter) fails the test instead of hanging CI. No wall-clock time is
asserted: an interrupt is proven by what it left unwritten.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import fastinit

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(fastinit.__file__)))
TIMEOUT = 120

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def run_child(code, timeout=TIMEOUT, **extra_env):
    """Run ``code`` in a fresh interpreter; kill its whole process group on timeout."""
    env = dict(os.environ, **extra_env)
    env["PYTHONPATH"] = os.pathsep.join([ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        pytest.fail(f"child did not finish within {timeout} s (hung?)\nstdout: {out}\n"
                    f"stderr: {err}")
    return p.returncode, out, err


# ---- fork -------------------------------------------------------------------

FORK_PARENT = """
    import hashlib, os, sys
    import numpy as np, fastinit as fi
    N = 10**6  # far above the one-thread threshold
    def digest():
        a = fi.normal_(np.empty(N, np.float32), rng=0)
        q = fi.orthogonal_(np.empty((300, 400), np.float32), rng=1)
        return hashlib.sha256(a.tobytes() + q.tobytes()).hexdigest()
    fi.normal_(np.empty(N, np.float32), rng=0, num_threads=2)       # the pool exists now
    fi.orthogonal_(np.empty((300, 400), np.float32), rng=1, num_threads=2)
    parent = digest()
"""


def test_forked_child_does_not_hang_and_gets_the_same_bits():
    code = FORK_PARENT + """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.write(w, (digest() + " " + str(fi.get_num_threads())).encode())
        os._exit(0)
    os.close(w)
    got = os.read(r, 200).decode().split()
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), got[0] == parent, got[1])
    """
    rc, out, err = run_child(code)
    assert rc == 0, err
    assert out.split() == ["0", "True", "1"]  # exit 0, same values, one thread


def test_multiprocessing_fork_pool_after_a_parallel_fill():
    code = FORK_PARENT + """
    import multiprocessing as mp
    def work(seed):
        return digest() if seed == 0 else None
    with mp.get_context("fork").Pool(2) as pool:
        print(pool.map(work, [0, 0]) == [parent, parent])
    """
    rc, out, err = run_child(code)
    assert rc == 0, err
    assert out.strip() == "True"


# ---- Ctrl-C -----------------------------------------------------------------

# The watcher thread sends SIGINT as soon as the fill has written its first
# element; the fill is long (seconds), so the signal lands inside it. An
# unwritten sentinel (NaN) left at the end proves that it stopped early.
INTERRUPT = """
    import os, signal, threading, time, json
    import numpy as np, fastinit as fi
    # Python's own SIGINT handler, even where the parent ignores SIGINT (a
    # background job of a non-interactive shell does; Python keeps SIG_IGN)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    THREADS = {threads}
    a = np.full({n}, np.nan, np.float32)
    first = a[{first}:{first_end}]
    sent = []
    def watch():
        while np.isnan(first).all():
            time.sleep(0.0005)
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)
    threading.Thread(target=watch, daemon=True).start()
    try:
        {call}
        print(json.dumps({{"interrupted": False}}))
    except KeyboardInterrupt:
        latency = time.perf_counter() - sent[0]
        flat = a.reshape(-1)
        ok = np.array_equal(fi.normal(1000, rng=5), fi.normal(1000, rng=5))
        q = fi.orthogonal_(np.empty((64, 64)), rng=3)
        print(json.dumps({{"interrupted": True, "latency": latency,
                          "unwritten": int(np.isnan(flat).sum()),
                          "healthy": bool(ok and np.allclose(q @ q.T, np.eye(64)))}}))
"""


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_a_long_fill(threads):
    n = 300_000_000 // 4  # 300 MB of float32, several seconds of far-tail sampling
    code = INTERRUPT.format(threads=threads, n=n, first=0, first_end=1,
                            call="fi.trunc_normal_(a, 0.0, 1.0, 8.0, 9.0, rng=0, "
                                 "num_threads=THREADS)")
    rc, out, err = run_child(code)
    assert rc == 0, err
    res = json.loads(out)
    assert res["interrupted"] and res["healthy"], res
    assert 0 < res["unwritten"] < n  # partly written: it stopped inside the fill
    print(f"fill, {threads} thread(s): SIGINT took effect after {res['latency']:.3f} s")


@pytest.mark.parametrize("threads", [1, 2])
def test_ctrl_c_stops_orthogonal(threads):
    # The Gaussians fill the first half of the target; its last row is first
    # written by the final phase (Q, panel by panel), which takes most of the
    # time: the signal comes then, after every Python-level step.
    n = 3000
    code = INTERRUPT.format(threads=threads, n=(n, n), first=-1, first_end="",
                            call="fi.orthogonal_(a, rng=0, num_threads=THREADS)")
    code += """
    if not np.isnan(a).any():
        err = float(np.abs(a.astype(np.float64) @ a.T.astype(np.float64) - np.eye(len(a))).max())
        print(json.dumps({"orthogonality_error": err}))
    """
    rc, out, err = run_child(code)
    assert rc == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    res = lines[0]
    assert res["interrupted"] and res["healthy"], res
    if len(lines) > 1:  # fully overwritten: it must not be an orthogonal matrix
        assert lines[1]["orthogonality_error"] > 1e-2, lines
    print(f"orthogonal_ {n}x{n}, {threads} thread(s): SIGINT took effect after "
          f"{res['latency']:.3f} s")


# ---- resource limits ----------------------------------------------------------

@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer reserves terabytes of address space")
def test_absurd_thread_counts_under_a_memory_limit():
    # One OpenMP thread per block would reserve gigabytes of stacks and kill
    # the interpreter inside libgomp; the orthogonal scratch would scale with
    # the count (244 GiB at 10**6). Capped at the CPUs, both run in 3 GiB.
    code = """
    import resource
    import numpy as np, fastinit as fi
    lim = 3 * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    a = fi.normal_(np.empty(30_000_000, np.float32), rng=0, num_threads=10**6)
    b = fi.normal_(np.empty(30_000_000, np.float32), rng=0, num_threads=1)
    q = fi.orthogonal_(np.empty((400, 300)), rng=0, num_threads=10**6)
    r = fi.orthogonal_(np.empty((400, 300)), rng=0, num_threads=1)
    c = fi.normal_(np.empty(10**6, np.float32), rng=0, num_threads=2**31)
    print(np.array_equal(a, b), np.array_equal(q, r), np.array_equal(c, b[:10**6]))
    """
    # (one BLAS thread and two malloc arenas: their reservations must not
    # depend on the machine's core count here)
    rc, out, err = run_child(code, OPENBLAS_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
    assert rc == 0, err
    assert out.split() == ["True", "True", "True"]
