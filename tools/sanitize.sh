#!/usr/bin/env bash
# Build the extension with AddressSanitizer + UndefinedBehaviorSanitizer in a
# temporary copy of the sources (the checkout's own build is untouched) and
# run the core test modules against it.
#
#   bash tools/sanitize.sh                 # from anywhere; needs gcc and the
#                                          # test dependencies in `python`
#   bash tools/sanitize.sh tests/test_fills.py -k uniform   # other pytest args
#
# Any ASan report (out-of-bounds, use-after-free, stack overflow of a kernel
# buffer) or UBSan report (overflow, bad shift, misaligned access, ...) aborts
# the run with a non-zero status: -fno-sanitize-recover=all. The Python
# interpreter is not instrumented, so libasan/libubsan are preloaded and leak
# detection is off (CPython keeps its allocations to the end by design).
# torch is hidden from the tests (its bundled libraries are not built for an
# ASan process, MKL's RTLD_DEEPBIND refuses it); under fastinit, a torch
# tensor is a NumPy view of the same memory, which the tests cover.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fastinit-sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$root"
git ls-files -z --cached --others --exclude-standard -- setup.py pyproject.toml fastinit tests tools \
    | xargs -0 -I{} cp --parents {} "$work/"
cd "$work"

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# setup.py asks for -O3; a compiler wrapper puts -O1 last (ASan's usual level:
# the instrumented kernels compile in a fraction of the -O3 time).
printf '#!/bin/sh\nexec %s "$@" %s -g -O1\n' "${CC:-gcc}" "$san" >"$work/cc"
chmod +x "$work/cc"
echo "sanitize: building in $work with $san"
CC="$work/cc" python setup.py -q build_ext --inplace -j "$(nproc)" \
    >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
if grep -q "OpenMP NOT FOUND" "$work/build.log"; then
    echo "sanitize: the OpenMP probe failed under the wrapper" >&2; exit 1
fi
for so in fastinit/_core*.so fastinit/_orthogonal*.so; do
    nm -D "$so" | grep -q __asan_report || {
        echo "sanitize: $so is not instrumented" >&2; exit 1; }
done

libasan=$(gcc -print-file-name=libasan.so)
libubsan=$(gcc -print-file-name=libubsan.so)
[ -f "$libasan" ] && [ -f "$libubsan" ] || {
    echo "sanitize: gcc's libasan/libubsan not found" >&2; exit 1; }

# torch hidden: a stub package that fails to import, so importorskip skips
mkdir -p "$work/_hide/torch"
echo 'raise ModuleNotFoundError("torch is hidden under the sanitizers", name="torch")' >"$work/_hide/torch/__init__.py"

# The modules that reach the C kernels, the Cython loops and the array
# adaptation (the CLI, docs and build tests add nothing under a sanitizer).
modules=(tests/test_core.py tests/test_philox.py tests/test_contract.py tests/test_golden.py
         tests/test_key.py tests/test_fills.py tests/test_truncated.py tests/test_orthogonal.py
         tests/test_determinism.py tests/test_tensor.py tests/test_schemes.py
         tests/test_structured.py tests/test_bias.py tests/test_properties.py tests/test_guard.py
         tests/test_blocks.py)
[ $# -gt 0 ] && modules=("$@")

export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export PYTHONPATH="$work/_hide:$work"
export LD_PRELOAD="$libasan:$libubsan"
python - "${modules[@]}" <<'PY'
import os, sys
import fastinit
assert fastinit.__file__.startswith(os.getcwd()), fastinit.__file__
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-x", *sys.argv[1:]]))
PY
echo "sanitize: no ASan/UBSan report"
