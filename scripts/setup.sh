# Shared by scripts/accsim, scripts/test and scripts/bench: install what is missing, then build.
# Sourced, not run.

ACCSIM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ACCSIM_DEBS=(g++ cmake make pkg-config libsystemc-dev libboost-program-options-dev libfmt-dev
             doctest-dev nlohmann-json3-dev libonnx-dev libprotobuf-dev python3 python3-matplotlib)
# What only the test suite needs: ONNX's own node test models, every one of which is imported, and
# GNU parallel, which runs a sweep's emitted jobs.
ACCSIM_TEST_DEBS=(libonnx-testdata parallel)
# What only the benchmarks need: python3-onnx writes a full-size ONNX model, GNU time measures memory.
ACCSIM_BENCH_DEBS=(python3-onnx time)
# What only scripts/fuzz needs: clang with libFuzzer and the sanitizer runtimes.
ACCSIM_FUZZ_DEBS=(clang-14 libclang-rt-14-dev)

# accsim_install_deps [EXTRA PACKAGES...]: installs what is missing of ACCSIM_DEBS and the extras.
accsim_install_deps() {
    local missing=() p
    for p in "${ACCSIM_DEBS[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "accsim: installing Debian packages: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >&2 || return 1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || return 1
}

# accsim_build PRESET: configure (once) and build build/PRESET incrementally.
accsim_build() {
    local preset=$1 dir="$ACCSIM_ROOT/build/$1"
    if [ ! -f "$dir/CMakeCache.txt" ]; then
        cmake --preset "$preset" -S "$ACCSIM_ROOT" >&2 || return 1
    fi
    cmake --build "$dir" -j "${ACCSIM_JOBS:-2}" >&2 || return 1
}
