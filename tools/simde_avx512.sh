#!/usr/bin/env bash
# The avx512 path's kernels run on any x86-64 CPU with AVX2: built with
# SIMDe (Debian's libsimde-dev) standing in for each AVX-512 intrinsic and
# compared byte for byte with the native avx2 path (tools/simde/check.c).
# Proves "same bits" for the AVX-512 sources on machines without AVX-512;
# an AVX-512 machine runs the real thing (tests/test_kernels' path checks).
# Usage: bash tools/simde_avx512.sh [build dir]   (exit 0: equal)
# FI_SIMDE_CFLAGS adds compiler flags (last), e.g. the sanitizers:
#   FI_SIMDE_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -O0"
# (-O0: a minute; with -g at -O1 the SIMDe unit takes three to compile)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/simde}
mkdir -p "$out"
S=fastinit/_src
if [ ! -f /usr/include/simde/x86/avx512.h ]; then
    echo "simde_avx512.sh: SIMDe is missing (apt-get install libsimde-dev)" >&2
    exit 3
fi
# every _mm512_ name the sources use, mapped to SIMDe's
grep -ohE '\b_mm512_[a-z0-9_]+' $S/*.h $S/*.c | sort -u \
    | awk '{print "#undef " $1; print "#define " $1 " simde" $1}' > "$out/avx512_names.h"
flags=(-O1 -Wno-psabi -fwrapv -ffp-contract=off -fno-math-errno -fno-strict-aliasing -std=c11
       -mavx2 -I$S -I"$out" ${FI_SIMDE_CFLAGS:-})
gcc "${flags[@]}" -c tools/simde/kern_avx512_simde.c -o "$out/kern_avx512_simde.o"
gcc "${flags[@]}" tools/simde/check.c "$out/kern_avx512_simde.o" $S/kern_avx2.c \
    $S/kern_baseline.c $S/ztab.c $S/dispatch.c -o "$out/check" -lm \
    -Wl,--allow-multiple-definition 2>&1 | grep -v "^$" || true
"$out/check"
