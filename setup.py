"""Build the fastinit extension: Cython 3 + the C kernels, OpenMP if it works.

OpenMP is probed by compiling, linking and running a small program with the
candidate flags. If that fails the build warns loudly and compiles without
OpenMP: everything still works, serially, with identical results.
Portable flags only (no -march=native); SIMD speed comes from the runtime
dispatch in fastinit/_src/dispatch.c (FASTINIT_NO_X86_SIMD=1 leaves the x86
paths out, as on ARM). No -ffast-math: -ffp-contract=off
keeps every SIMD path bit-identical.
"""
import glob
import os
import subprocess
import sys
import sysconfig
import tempfile
import warnings

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

PROBE = r"""
#include <omp.h>
#include <stdio.h>
int main(void) {
    int n = 0;
    #pragma omp parallel num_threads(2) reduction(+:n)
    n += 1;
    printf("%d\n", n);
    return n == 2 ? 0 : 1;
}
"""

OPENMP_CANDIDATES = [(["-fopenmp"], ["-fopenmp"]), (["-Xpreprocessor", "-fopenmp"], ["-lomp"])]


def probe_openmp():
    """Return (compile_args, link_args) for a working OpenMP, or None."""
    if os.environ.get("FASTINIT_DISABLE_OPENMP"):
        return None
    cc = os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc"
    cc = cc.split()
    # Cross-compiling (tools/arm64.sh): the probe program runs under this
    # command prefix, e.g. "qemu-aarch64 -L /path/to/arm64/sysroot".
    emulator = os.environ.get("FASTINIT_CROSS_EMULATOR", "").split()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        exe = os.path.join(tmp, "probe")
        with open(src, "w") as f:
            f.write(PROBE)
        for cflags, lflags in OPENMP_CANDIDATES:
            try:
                subprocess.run(cc + cflags + [src, "-o", exe] + lflags, check=True,
                               capture_output=True, timeout=120)
                out = subprocess.run(emulator + [exe], check=True, capture_output=True,
                                     timeout=60)
            except (OSError, subprocess.SubprocessError):
                continue
            if out.stdout.strip() == b"2":
                return cflags, lflags
    return None


def extensions():
    openmp = probe_openmp()
    cflags = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-strict-aliasing",
              "-std=c11"]
    lflags = []
    macros = [("NPY_NO_DEPRECATED_API", "NPY_2_0_API_VERSION")]
    if os.environ.get("FASTINIT_NO_X86_SIMD"):
        # The build a non-x86 machine gets: no x86 target units at all, only
        # the portable kernels (same bits, see fastinit/_src/simd_targets.h).
        macros.append(("FI_X86_TARGETS", "0"))
    if openmp is None:
        msg = ("\n" + "!" * 72 + "\nfastinit: OpenMP NOT FOUND (the probe program did not "
               "compile and run).\nBuilding SERIALLY: results are identical, but fills use "
               "one thread.\n" + "!" * 72)
        warnings.warn(msg)
        print(msg, file=sys.stderr)
    else:
        cflags += openmp[0]
        lflags += openmp[1]
    headers = sorted(glob.glob("fastinit/_src/*.h"))  # rebuild when a kernel header changes
    common = dict(include_dirs=[np.get_include(), "fastinit"], extra_compile_args=cflags,
                  extra_link_args=lflags, define_macros=macros, depends=headers)
    # _core carries every C kernel; other Cython modules (fastinit/_*.pyx)
    # reach them through _core's Python functions.
    exts = [Extension("fastinit._core",
                      ["fastinit/_core.pyx"] + sorted(glob.glob("fastinit/_src/*.c")), **common)]
    for pyx in sorted(glob.glob("fastinit/_*.pyx")):
        name = os.path.splitext(os.path.basename(pyx))[0]
        if name != "_core":
            exts.append(Extension(f"fastinit.{name}", [pyx], **common))
    return cythonize(exts, compiler_directives={"language_level": 3})


setup(ext_modules=extensions())
