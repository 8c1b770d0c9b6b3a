"""Command line of ``python -m fastinit``.

- no subcommand: the tour (initialize about 1 GB, check it, compare speeds);
- ``bench``: side-by-side timings against NumPy, PyTorch and JAX;
- ``demo``: signal propagation through a deep MLP for each initializer and
  activation.

Bad arguments give argparse's usage message on stderr and exit code 2.
"""
import argparse
import sys

from . import bench, demo, tour


def build_parser():
    p = argparse.ArgumentParser(
        prog="python -m fastinit",
        description="fastinit: parallel, reproducible weight initialization. Without a "
                    "subcommand, run the tour: initialize about 1 GB of weights with the "
                    "main schemes, check their statistics and compare the speed with "
                    "NumPy and PyTorch.")
    tour.add_arguments(p)
    sub = p.add_subparsers(dest="command", metavar="{bench,demo}")
    b = sub.add_parser("bench", help="side-by-side speed table against NumPy, PyTorch, JAX",
                       description=bench.__doc__.splitlines()[0])
    bench.add_arguments(b)
    d = sub.add_parser("demo", help="signal propagation through a deep MLP, per initializer "
                                    "and activation",
                       description=demo.__doc__.splitlines()[0])
    demo.add_arguments(d)
    return p


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "bench":
            return bench.run(args)
        if args.command == "demo":
            return demo.run(args, parser)
        return tour.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
