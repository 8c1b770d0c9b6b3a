"""A small text progress display on stderr (no dependency).

On a terminal a background thread redraws one line (bar, step, elapsed time)
ten times a second, so it keeps moving while a long fill runs: fastinit
releases the GIL. Elsewhere (pipes, CI logs) it writes one plain line per
step instead of carriage returns.
"""
import sys
import threading
import time

BAR = 24


class Progress:
    """Context manager: ``with Progress(total, "tour") as p: p.step("label")``."""

    def __init__(self, total, title, stream=None, enabled=True):
        self.total = max(int(total), 1)
        self.title = title
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.done = 0
        self.label = ""
        self._tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self._t0 = time.perf_counter()
        self._phase, self._tenth = None, -1

    def __enter__(self):
        self._t0 = time.perf_counter()
        if self._tty:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.enabled:
            with self._lock:
                if self.label:
                    self.done, self.label = min(self.total, self.done + 1), ""
                if self._tty:
                    self._draw(final=True)
                else:
                    self._write(f"[{self.title}] finished {self.done}/{self.total} in "
                                f"{time.perf_counter() - self._t0:.1f} s\n")
        return False

    def step(self, label, advance=1):
        """Mark the start of ``label``; the previous step counts as done."""
        with self._lock:
            self.done = min(self.total, self.done + advance) if self.label else self.done
            self.label = label
            if self.enabled and not self._tty:
                # plain log: a line when the phase (text before ':') changes or
                # every 10% of the steps, not one per step
                phase = label.split(":")[0]
                tenth = 10 * self.done // self.total
                if phase != self._phase or tenth > self._tenth:
                    self._phase, self._tenth = phase, tenth
                    self._write(f"[{self.title}] {self.done + 1:>3}/{self.total} "
                                f"{time.perf_counter() - self._t0:6.1f}s {label}\n")

    def _spin(self):
        while not self._stop.wait(0.1):
            with self._lock:
                self._draw()

    def _draw(self, final=False):
        frac = self.done / self.total
        filled = int(round(frac * BAR))
        line = (f"\r[{self.title}] [{'#' * filled}{'.' * (BAR - filled)}] "
                f"{self.done}/{self.total} {time.perf_counter() - self._t0:5.1f}s "
                f"{self.label}")[:100]
        self._write(line.ljust(100) + ("\n" if final else ""))

    def _write(self, text):
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass
