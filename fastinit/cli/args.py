"""argparse ``type=`` validators shared by the subcommands.

Raising ArgumentTypeError gives argparse's usage message and exit code 2.
"""
import argparse
import math
import os


def _int(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def positive_int(text):
    try:
        v = int(text)
    except ValueError:
        v = _float_int(text)
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return v


def _float_int(text):
    """Accept 6.4e7-style sizes when they are whole numbers."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if not math.isfinite(v) or v != int(v):
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return int(v)


def nonnegative_int(text):
    v = _int(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text!r}")
    return v


def thread_list(text):
    parts = [s.strip() for s in text.split(",")]
    if not parts or any(not s for s in parts):
        raise argparse.ArgumentTypeError(f"expected an int or a comma list like 1,2, "
                                         f"got {text!r}")
    vals = [positive_int(s) for s in parts]
    cpus = os.cpu_count() or 1
    if any(v > 4 * cpus for v in vals):
        raise argparse.ArgumentTypeError(f"thread counts must be in 1..{4 * cpus} "
                                         f"(4 x os.cpu_count()), got {text!r}")
    return sorted(set(vals))


def positive_float(text):
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (math.isfinite(v) and v > 0) or v > 64:
        raise argparse.ArgumentTypeError(f"must be in (0, 64], got {text!r}")
    return v
