"""Ctrl-C latency: SIGINT one second into a long call, time until KeyboardInterrupt.

    python tools/interrupt_latency.py [fill|orthogonal] [threads] [repeats]

fill: normal_ of 5e8 float32 (2 GB); orthogonal: orthogonal_ of 4000 x 4000
float32. Each repeat runs in its own process (an interrupted target is
partly written). The tests prove the interruption without timing it
(tests/test_guard.py); this prints the figure docs/guide/guarantees.md quotes.
"""
import os
import signal
import subprocess
import sys
import threading
import time

CHILD = "--child"


def child(what, threads):
    import numpy as np
    import fastinit
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if the shell ignores it
    a = (np.ones(500_000_000, np.float32) if what == "fill"
         else np.ones((4000, 4000), np.float32))
    sent = []

    def fire():
        time.sleep(1.0)
        sent.append(time.perf_counter())
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=fire, daemon=True).start()
    try:
        while True:  # each call takes well over a second
            if what == "fill":
                fastinit.normal_(a, rng=0, num_threads=threads)
            else:
                fastinit.orthogonal_(a, rng=0, num_threads=threads)
    except KeyboardInterrupt:
        print(f"{time.perf_counter() - sent[0]:.3f}")


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "fill"
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    if what not in ("fill", "orthogonal"):
        sys.exit("usage: interrupt_latency.py [fill|orthogonal] [threads] [repeats]")
    got = [subprocess.run([sys.executable, __file__, CHILD, what, str(threads)],
                          capture_output=True, text=True, timeout=300, check=True).stdout.strip()
           for _ in range(repeats)]
    print(f"{what}, {threads} thread(s): SIGINT -> KeyboardInterrupt in {', '.join(got)} s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
