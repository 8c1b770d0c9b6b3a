#!/usr/bin/env bash
# Build fastinit for arm64 (aarch64) and run it under emulation.
#
#   bash tools/arm64.sh              # from anywhere; Debian 12 x86-64, as root
#   bash tools/arm64.sh --check      # also print show_config and the fingerprint
#
# Cached (and idempotent) in build/arm64/; a warm run only rebuilds what
# changed. It needs Debian's archive and PyPI, nothing else:
#   - host tools from apt: gcc-aarch64-linux-gnu and libc6-dev-arm64-cross
#     (the cross compiler, its arm64 libgomp and C library) and qemu-user
#     (qemu-aarch64; no binfmt_misc is needed, the arm64 programs are started
#     with `qemu-aarch64 -L <sysroot>`);
#   - sysroot/: Debian's arm64 Python 3.11 and the libraries it and the
#     wheels load, from `apt-get download` with a private apt state
#     (apt/: its own package lists for arm64), then `dpkg -x`: the host's
#     dpkg and apt configuration (architectures, lists) are left alone;
#   - site-packages/: NumPy, SciPy and threadpoolctl, the manylinux aarch64
#     wheels from PyPI, unzipped;
#   - host-venv/: pyproject.toml's build requirements for the host (Cython,
#     setuptools; NumPy and SciPy at the wheels' versions: setup.py imports
#     numpy, Cython reads numpy's and scipy's .pxd files);
#   - src/: a copy of the sources, built by setup.py itself (build_ext) with
#     the cross compiler: Debian's arm64 sysconfig data gives the module
#     suffix and Debian's arm64 compiler and linker flags, setup.py adds its
#     own; the sysroot's Python headers and the aarch64 NumPy headers come
#     first on the include path. setup.py's OpenMP
#     probe runs under qemu-aarch64 (FASTINIT_CROSS_EMULATOR), so OpenMP is
#     in only if it really works there. As on an arm64 machine, no
#     FASTINIT_NO_X86_SIMD is needed: simd_targets.h has no x86 targets
#     on aarch64, so only the portable kernels are built;
#   - pkg/fastinit: the package with the aarch64 extension modules;
#   - python: a wrapper that runs the arm64 Python under qemu-aarch64 with
#     that package and site-packages on its path (tests/test_cpus.py uses it):
#       build/arm64/python tools/fingerprint.py --out arm64.npz
#
# Versions: ARM64_NUMPY, ARM64_SCIPY, ARM64_THREADPOOLCTL (the wheels; the
# host venv gets the same NumPy and SciPy). FASTINIT_ARM64_DIR moves the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
B=${FASTINIT_ARM64_DIR:-$root/build/arm64}
NUMPY=${ARM64_NUMPY:-2.4.6}
SCIPY=${ARM64_SCIPY:-1.17.1}
THREADPOOLCTL=${ARM64_THREADPOOLCTL:-3.8.0}
PY=3.11
TRIPLET=aarch64-linux-gnu
check=0
[ "${1:-}" = --check ] && check=1
mkdir -p "$B"
B=$(cd "$B" && pwd)
say() { echo "arm64: $*"; }
t0=$SECONDS

# -- 1. host tools --------------------------------------------------------------
need=()
command -v "$TRIPLET-gcc" >/dev/null || need+=(gcc-aarch64-linux-gnu)
# the arm64 C library headers and start files (only a Recommends of the above)
[ -f "/usr/$TRIPLET/include/stdlib.h" ] || need+=(libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
    say "apt-get install ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >/dev/null
fi

# -- 2. the arm64 sysroot -------------------------------------------------------
# The interpreter and the shared libraries that it, its standard library's
# extension modules and the wheels (numpy.libs/scipy.libs vendor OpenBLAS and
# gfortran) load; libpython3.11-dev for the headers only (its dependencies,
# libc6-dev and the like, are not needed to build an extension module).
PKGS=(libc6 libgcc-s1 libstdc++6 libgomp1
      python$PY-minimal libpython$PY-minimal libpython$PY-stdlib libpython$PY-dev
      zlib1g libexpat1 libffi8 libssl3 libbz2-1.0 liblzma5 libzstd1 libsqlite3-0 libcrypt1
      libuuid1 libdb5.3 libgdbm6 libgdbm-compat4 libncursesw6 libtinfo6 libreadline8
      libnsl2 libtirpc3 libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0
      libkeyutils1 libcom-err2 media-types)
SYSROOT=$B/sysroot
key="sysroot 1: ${PKGS[*]}"
if [ "$(cat "$B/sysroot.stamp" 2>/dev/null)" != "$key" ]; then
    say "downloading ${#PKGS[@]} Debian arm64 packages into $SYSROOT"
    rm -rf "$SYSROOT" "$B/debs" "$B/apt" "$B/sysroot.stamp" "$B/sysroot.versions"
    mkdir -p "$B/apt/lists/partial" "$B/apt/cache/archives/partial" "$B/debs"
    : >"$B/apt/status"
    # A private apt state for arm64: the host's sources, its own lists and
    # cache, no dpkg --add-architecture (nothing of the host's apt changes).
    apt_arm64=(-o APT::Architecture=arm64 -o APT::Architectures=arm64
               -o "Dir::State::Lists=$B/apt/lists" -o "Dir::State::status=$B/apt/status"
               -o "Dir::Cache=$B/apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    apt-get "${apt_arm64[@]}" update -qq
    (cd "$B/debs" && apt-get "${apt_arm64[@]}" download -qq "${PKGS[@]}")
    mkdir -p "$SYSROOT"
    for deb in "$B"/debs/*.deb; do
        dpkg-deb -x "$deb" "$SYSROOT"
        dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >>"$B/sysroot.versions"
    done
    [ -x "$SYSROOT/usr/bin/python$PY" ] || { say "no python$PY in the sysroot" >&2; exit 1; }
    rm -rf "$B/debs" "$B/apt"
    echo "$key" >"$B/sysroot.stamp"
fi
QEMU=(qemu-aarch64 -L "$SYSROOT")

# -- 3. NumPy, SciPy and threadpoolctl for aarch64 --------------------------------
SITE=$B/site-packages
key="wheels 1: numpy==$NUMPY scipy==$SCIPY threadpoolctl==$THREADPOOLCTL"
if [ "$(cat "$B/wheels.stamp" 2>/dev/null)" != "$key" ]; then
    say "downloading the aarch64 wheels: ${key#*: }"
    rm -rf "$SITE" "$B/wheels" "$B/wheels.stamp"
    # Debian 12's glibc is 2.36: every manylinux tag up to manylinux_2_36
    platforms=(--platform manylinux2014_aarch64)
    for v in $(seq 17 36); do platforms+=(--platform "manylinux_2_${v}_aarch64"); done
    python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
        "${platforms[@]}" --python-version $PY --implementation cp \
        --abi cp311 -d "$B/wheels" \
        "numpy==$NUMPY" "scipy==$SCIPY" "threadpoolctl==$THREADPOOLCTL"
    mkdir -p "$SITE"
    for whl in "$B"/wheels/*.whl; do
        python3 -m zipfile -e "$whl" "$SITE"
    done
    rm -rf "$B/wheels"
    echo "$key" >"$B/wheels.stamp"
fi
NPY_INCLUDE=$SITE/numpy/_core/include
[ -f "$NPY_INCLUDE/numpy/arrayobject.h" ] || { say "no NumPy headers in $NPY_INCLUDE" >&2; exit 1; }

# -- 4. the host side of the build ---------------------------------------------------
HOSTPY=$B/host-venv/bin/python
# pyproject.toml's build requirements (what pip's isolated build installs),
# with NumPy and SciPy at the wheels' versions.
mapfile -t requires < <(python3 - "$NUMPY" "$SCIPY" <<'PY'
import re, sys, tomllib
with open("pyproject.toml", "rb") as f:
    requires = tomllib.load(f)["build-system"]["requires"]
pins = {"numpy": "numpy==" + sys.argv[1], "scipy": "scipy==" + sys.argv[2]}
for req in requires:
    name = re.match(r"[A-Za-z0-9_.-]+", req).group(0).lower()
    print(pins.pop(name, req))
for req in pins.values():
    print(req)
PY
)
key="host-venv 2: $(python3 -c 'import sys; print(sys.version.split()[0])') ${requires[*]}"
if [ "$(cat "$B/host-venv.stamp" 2>/dev/null)" != "$key" ]; then
    say "host build venv: ${requires[*]}"
    rm -rf "$B/host-venv" "$B/host-venv.stamp"
    python3 -m venv "$B/host-venv"
    "$HOSTPY" -m pip install -q --disable-pip-version-check --upgrade "${requires[@]}"
    echo "$key" >"$B/host-venv.stamp"
fi

# -- 5. cross-compile with setup.py --------------------------------------------------
# The sources (tracked and new files, as git sees them) into src/, copied
# only where they changed so that setup.py's own rebuild-if-newer logic
# keeps a warm build short; files gone from the checkout go from src/ too.
SRC=$B/src
mkdir -p "$SRC"
git ls-files -z --cached --others --exclude-standard -- setup.py pyproject.toml fastinit \
    | python3 -c '
import hashlib, os, shutil, sys
root, dst = sys.argv[1], sys.argv[2]
want = set(p for p in sys.stdin.read().split("\0") if p and os.path.isfile(os.path.join(root, p)))
manifest = os.path.join(dst, ".synced")  # "sha256  path" lines, as sha256sum writes them
old = set()
if os.path.exists(manifest):
    old = {line.split("  ", 1)[1] for line in open(manifest).read().splitlines()}
for p in sorted(old - want):
    for f in (p, os.path.splitext(p)[0] + ".c") if p.endswith(".pyx") else (p,):
        if os.path.exists(os.path.join(dst, f)):
            os.remove(os.path.join(dst, f))
lines = []
for p in sorted(want):
    s, d = os.path.join(root, p), os.path.join(dst, p)
    data = open(s, "rb").read()
    lines.append(hashlib.sha256(data).hexdigest() + "  " + p)
    if os.path.exists(d) and open(d, "rb").read() == data:
        continue
    os.makedirs(os.path.dirname(d), exist_ok=True)
    shutil.copy(s, d)  # a new mtime: setup.py rebuilds what depends on it
open(manifest, "w").write("".join(line + "\n" for line in lines))
' "$root" "$SRC"

# Debian's arm64 sysconfig data (the host Python reads it in place of its
# own): the module suffix .cpython-311-aarch64-linux-gnu.so and Debian's
# compiler and linker flags for arm64. Only this one file goes on the path.
CROSS=$B/cross
sysconfigdata=$(cd "$SYSROOT/usr/lib/python$PY" && ls _sysconfigdata__*aarch64*.py | head -1)
mkdir -p "$CROSS"
cp "$SYSROOT/usr/lib/python$PY/$sysconfigdata" "$CROSS/"
pyinc=$SYSROOT/usr/include
say "building the extension modules in $SRC"
(
    cd "$SRC"
    # CC is also what the sysconfig data names; LDSHARED comes from it too
    # (Debian's arm64 link flags). CPPFLAGS (setuptools adds them to the
    # sysconfig CFLAGS; CFLAGS would replace those): the sysroot's Python
    # headers (Debian's pyconfig.h includes the multiarch
    # aarch64-linux-gnu/python3.11/pyconfig.h) and the aarch64 NumPy
    # headers come first, before the host's ones that setup.py and
    # setuptools add (np.get_include(), the host Python's include dirs).
    env -u FASTINIT_NO_X86_SIMD -u FASTINIT_DISABLE_OPENMP -u CFLAGS -u LDFLAGS -u CPPFLAGS \
        -u LDSHARED -u CXX CC="$TRIPLET-gcc" \
        CPPFLAGS="-I$NPY_INCLUDE -I$pyinc/python$PY -I$pyinc/$TRIPLET/python$PY -idirafter $pyinc" \
        _PYTHON_SYSCONFIGDATA_NAME="${sysconfigdata%.py}" PYTHONPATH="$CROSS" \
        FASTINIT_CROSS_EMULATOR="${QEMU[*]}" \
        "$HOSTPY" setup.py build_ext --inplace -j "$(nproc)" >"$B/build.log" 2>&1
) || { tail -40 "$B/build.log" >&2; say "the build failed, log: $B/build.log" >&2; exit 1; }
if grep -q "OpenMP NOT FOUND" "$B/build.log"; then
    say "WARNING: setup.py's OpenMP probe failed under qemu-aarch64: a serial build" >&2
fi
for mod in _core _orthogonal; do
    so=$(ls "$SRC/fastinit/$mod".cpython-*-"$TRIPLET".so 2>/dev/null | head -1)
    [ -n "$so" ] && "$TRIPLET-readelf" -h "$so" | grep -q "Machine: *AArch64" || {
        say "no aarch64 $mod module was built, log: $B/build.log" >&2; exit 1; }
done

# The package: Python files and the aarch64 extension modules only.
PKG=$B/pkg
rm -rf "$PKG.new"
mkdir -p "$PKG.new"
(cd "$SRC" && find fastinit \( -name '*.py' -o -name "*-$TRIPLET.so" -o -name py.typed \) \
    -print0 | xargs -0 cp --parents -t "$PKG.new")
# what it was built from: tests/test_cpus.py compares it with the checkout
cp "$SRC/.synced" "$PKG.new/SOURCES.sha256"
rm -rf "$PKG" && mv "$PKG.new" "$PKG"

# -- 6. the wrapper: the arm64 Python under qemu-aarch64 -------------------------
# No PYTHONHOME needed: the interpreter finds its prefix ($SYSROOT/usr) from
# its own path. PYTHONSAFEPATH: neither the current directory nor a script's
# own directory goes first on sys.path, so a checkout's fastinit/ (x86
# modules) never shadows the arm64 one. The user site and the host's tuning
# variables (an x86 OpenBLAS core type, NumPy's x86 feature switches,
# QEMU_*) stay out.
cat >"$B/python.new" <<EOF
#!/bin/sh
# Written by tools/arm64.sh: the arm64 Python $PY under qemu-aarch64, with
# fastinit (aarch64 build) and NumPy/SciPy/threadpoolctl (aarch64 wheels).
for v in \$(env | sed -n 's/^\\(QEMU_[A-Za-z0-9_]*\\)=.*/\\1/p'); do unset "\$v"; done
unset PYTHONHOME OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
unset NPY_DISABLE_CPU_FEATURES NPY_ENABLE_CPU_FEATURES
export PYTHONPATH="$PKG:$SITE" PYTHONNOUSERSITE=1 PYTHONSAFEPATH=1
exec qemu-aarch64 -L "$SYSROOT" "$SYSROOT/usr/bin/python$PY" "\$@"
EOF
chmod +x "$B/python.new"
mv "$B/python.new" "$B/python"

# A smoke test: the arm64 modules import, from the arm64 package.
"$B/python" -c "
import platform, fastinit, numpy, scipy
assert platform.machine() == 'aarch64', platform.machine()
assert fastinit.__file__.startswith('$PKG/'), fastinit.__file__
assert fastinit.get_simd_path() == 'baseline', fastinit.get_simd_path()
"
say "ready in $((SECONDS - t0)) s: $B/python (arm64 Python $PY under qemu-aarch64)"
if [ $check = 1 ]; then
    "$B/python" -c "
import platform, sys, numpy, scipy, threadpoolctl, fastinit
print('python', sys.version.split()[0], platform.machine(), '| numpy', numpy.__version__,
      '| scipy', scipy.__version__, '| threadpoolctl', threadpoolctl.__version__)
fastinit.show_config()"
    "$B/python" tools/fingerprint.py --out "$B/fingerprint.npz" --expect-path baseline \
        >"$B/fingerprint.json"
    say "fingerprint: $B/fingerprint.json ($((SECONDS - t0)) s)"
fi
