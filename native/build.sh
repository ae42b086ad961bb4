#!/usr/bin/env bash
# Builds dse4j's native libraries (called by Maven in the native module; runs by hand too):
#   target/standin/libdse4j_cuda_standin.so            the host-side CUDA stand-in for tests (gcc, always)
#   target/standin-sanitized/libdse4j_cuda_standin.so  the same sources under AddressSanitizer and
#                                                      UndefinedBehaviorSanitizer, with preload/libasan.so and
#                                                      preload/libubsan.so linked to their runtimes (the test JVM
#                                                      preloads them); only where the compiler has that runtime
#   target/classes-native/io/dse4j/native/dse4j_kernels.fatbin
#                                                      the CUDA kernels for every GPU architecture (nvcc, when it is
#                                                      installed), packed into the library jar by java-api
#   target/classes-native/io/dse4j/native/source/      the kernels' device source, for NVRTC at run time (always)
# Without nvcc the fatbin is skipped with a message and the build succeeds.
#
# Each product is rebuilt only when what it is made from changed: a stamp beside it holds the SHA-256 of its sources,
# of this script and of the compiler's version, so an unchanged tree builds in well under a second (set
# DSE4J_NATIVE_REBUILD=1 to rebuild everything).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/target"
mkdir -p "$out/standin" "$out/classes-native"

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "native/build.sh: native libraries are built on linux-x86_64 only; skipping on $(uname -s)-$(uname -m)"
  exit 0
fi

cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "native/build.sh: $cc not found; installing gcc with apt-get"
    apt-get install -y -qq gcc >/dev/null
  else
    echo "native/build.sh: a C compiler is needed for the CUDA stand-in (install gcc or set CC)" >&2
    exit 1
  fi
fi
cxx="${CXX:-g++}"
if ! command -v "$cxx" >/dev/null 2>&1; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "native/build.sh: $cxx not found; installing g++ with apt-get"
    apt-get install -y -qq g++ >/dev/null
  else
    echo "native/build.sh: a C++ compiler is needed for the CUDA stand-in's emulated kernels (install g++ or set CXX)" >&2
    exit 1
  fi
fi
# The SHA-256 of the given files' contents and of the extra words (compiler versions, flags), as one line.
fingerprint() {
  local files=() words=()
  local arg
  for arg in "$@"; do
    if [[ -f "$arg" ]]; then files+=("$arg"); else words+=("$arg"); fi
  done
  files+=("$here/build.sh")
  # Each file by its path under native/ and its contents, so that the same tree gives the same print from anywhere.
  {
    local file
    for file in "${files[@]}"; do
      printf '%s %s\n' "${file#"$here"/}" "$(sha256sum < "$file" | cut -d' ' -f1)"
    done
    printf '%s\n' "${words[@]}"
  } | sha256sum | cut -d' ' -f1
}

# up_to_date STAMP PRODUCT FINGERPRINT: whether PRODUCT exists and STAMP records FINGERPRINT.
up_to_date() {
  [[ -z "${DSE4J_NATIVE_REBUILD:-}" && -e "$2" && -f "$1" && "$(cat "$1")" == "$3" ]]
}

standin_sources=("$here"/standin/*.c "$here"/standin/*.cpp "$here"/standin/*.h "$here"/include/*.h "$here"/src/*.cu)
compilers="$("$cc" --version | head -n 1) / $("$cxx" --version | head -n 1)"

# The stand-in: the CUDA runtime, cuBLAS and cuSOLVER stand-ins and their ledger in C (standin/standin_*.c, sharing
# standin_internal.h), and in C++ the driver API and the kernels' own device source compiled for the host over the
# emulation header (standin/device_emulation.h). build_standin DIR FLAGS... builds it into DIR, unless its stamp
# says the same sources, compilers and flags built what is there.
build_standin() {
  local stamp="$1/.built-from"
  local print
  print="$(fingerprint "${standin_sources[@]}" "$compilers" "$@")"
  if up_to_date "$stamp" "$1/libdse4j_cuda_standin.so" "$print"; then
    echo "native/build.sh: $1/libdse4j_cuda_standin.so is up to date"
    return
  fi
  rm -f "$stamp"
  compile_standin "$@"
  echo "$print" > "$stamp"
}

# Every C and C++ source of standin/ goes into the library, as every one is in its fingerprint (standin_sources):
# a part added there is built, and rebuilds the library when it changes, with no list to keep. Old objects go first,
# so that none of a part since removed or renamed lingers.
compile_standin() {
  local dir="$1"
  shift
  rm -f "$dir"/*.o
  local source objects=()
  for source in "$here"/standin/*.c; do
    objects+=("$dir/$(basename "$source" .c).o")
    "$cc" "$@" -Wall -Wextra -Werror -std=c11 -fPIC -fvisibility=hidden -c -o "${objects[-1]}" "$source"
  done
  for source in "$here"/standin/*.cpp; do
    objects+=("$dir/$(basename "$source" .cpp).o")
    "$cxx" "$@" -Wall -Wextra -Werror -std=c++17 -fPIC -fvisibility=hidden -I"$here/include" -I"$here/src" -c \
        -o "${objects[-1]}" "$source"
  done
  "$cxx" "$@" -shared -o "$dir/libdse4j_cuda_standin.so" "${objects[@]}" -lm
  echo "native/build.sh: built $dir/libdse4j_cuda_standin.so"
}
# -ffp-contract=off: no multiply-add is fused on the host, as none is on the device (nvcc and NVRTC compile the kernels
# with --fmad=false, below and in KernelImages), so that the emulated kernels round every +, -, * and / as a GPU does.
build_standin "$out/standin" -O2 -ffp-contract=off

# The sanitized stand-in, for the gpu-stand-in-sanitized test run (java-api): every out-of-bounds access and every
# undefined behaviour of the kernels or the stand-in aborts the test JVM with a report naming the line. Its JVM
# preloads the sanitizer runtimes (ASan must come first in the process); preload/ links them under fixed names for
# the POM. `-print-file-name` answers the bare name when the compiler has no such file: then skip, saying so (the
# test run then skips its tests with a message).
sanitized="$out/standin-sanitized"
asan_runtime="$("$cxx" -print-file-name=libasan.so)"
ubsan_runtime="$("$cxx" -print-file-name=libubsan.so)"
if [[ "$asan_runtime" == /* && -e "$asan_runtime" && "$ubsan_runtime" == /* && -e "$ubsan_runtime" ]]; then
  rm -rf "$sanitized/preload" "$sanitized/no-sanitizer-runtime.so"
  mkdir -p "$sanitized/preload"
  build_standin "$sanitized" -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
      -fno-sanitize-recover=undefined -ffp-contract=off
  ln -s "$(readlink -f "$asan_runtime")" "$sanitized/preload/libasan.so"
  ln -s "$(readlink -f "$ubsan_runtime")" "$sanitized/preload/libubsan.so"
else
  rm -rf "$sanitized"
  echo "native/build.sh: $cxx has no AddressSanitizer/UndefinedBehaviorSanitizer runtime (libasan.so: $asan_runtime," \
       "libubsan.so: $ubsan_runtime); the sanitized stand-in is not built and its test run is skipped" \
       "(Debian/Ubuntu: apt-get install libasan8 libubsan1, or the versions that match gcc)"
  # The test JVM still preloads preload/*.so: an empty library, so that the dynamic loader has nothing to complain of.
  mkdir -p "$sanitized/preload"
  "$cc" -shared -o "$sanitized/preload/no-sanitizer-runtime.so" -x c /dev/null
  ln -s no-sanitizer-runtime.so "$sanitized/preload/libasan.so"
  ln -s no-sanitizer-runtime.so "$sanitized/preload/libubsan.so"
fi

# The kernels' device source, always: the GPU backend compiles it at run time with NVRTC on CUDA 12 drivers (R525–R575),
# whose driver cannot load what nvcc 13 builds.
resources="$out/classes-native/io/dse4j/native"
mkdir -p "$resources/source"
cp "$here/src/dse4j_device.cu" "$here/include/dse4j_element_ops.h" "$resources/source/"
# What builds before the driver-API launch path made (a library linked to the CUDA 13 runtime): never packed again.
rm -f "$resources/linux-x86_64/libdse4j_kernels.so"
rmdir "$resources/linux-x86_64" 2>/dev/null || true

nvcc="${NVCC:-}"
if [[ -z "$nvcc" ]]; then
  nvcc="$(command -v nvcc || true)"
  [[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]] && nvcc=/usr/local/cuda/bin/nvcc
fi
if [[ -z "$nvcc" ]]; then
  echo "native/build.sh: nvcc not found; the kernels' fatbin is not built (on CUDA 13 drivers the GPU backend then" \
       "compiles the device source with NVRTC, and says so)"
  rm -f "$resources/dse4j_kernels.fatbin"
  exit 0
fi
# A fatbin of the device source alone, loaded through the driver API (cuModuleLoadData), so nothing of dse4j links a
# CUDA runtime. Machine code for the GPUs people have — sm_75 (T4, RTX 20xx), sm_80 (A100), sm_86 (A10, RTX 30xx),
# sm_89 (L4, RTX 40xx), sm_90 (H100/H200), sm_100 (B200), sm_120 (RTX 50xx) — so none depends on JIT, plus
# compute_75 PTX for anything newer (about 0.7 MB in all; every kernel compiles without spills). nvcc 13's PTX is
# ISA 9.0, which only R580+ drivers read: on older drivers the backend compiles with the user's NVRTC instead.
gencode=()
for sm in 75 80 86 89 90 100 120; do
  gencode+=(-gencode "arch=compute_$sm,code=sm_$sm")
done
gencode+=(-gencode arch=compute_75,code=compute_75)
# No fused multiply-adds (nvcc fuses a*b+c by default): the kernels are memory-bound, so FMA buys no speed here, and
# without it every +, -, *, / and sqrt of the kernels is one IEEE round-to-nearest on the GPU, on the host stand-in
# (built with -ffp-contract=off) and in NVRTC's cubins (the same option in KernelImages), so the stand-in computes
# what a GPU does; only exp, pow and rsqrt, which CUDA computes within 1-2 ulp, differ (ARCHITECTURE.md).
nvcc_flags=(-O3 -std=c++17 --fmad=false)
nvcc_version="$("$nvcc" --version | tail -n 2 | head -n 1)"
fatbin_stamp="$out/fatbin.built-from"
fatbin_print="$(fingerprint "$here"/src/*.cu "$here"/include/*.h "$nvcc_version" "${nvcc_flags[@]}" "${gencode[@]}")"
if up_to_date "$fatbin_stamp" "$resources/dse4j_kernels.fatbin" "$fatbin_print"; then
  echo "native/build.sh: $resources/dse4j_kernels.fatbin is up to date"
  exit 0
fi
rm -f "$fatbin_stamp"
"$nvcc" "${nvcc_flags[@]}" -fatbin -I"$here/include" "${gencode[@]}" -o "$resources/dse4j_kernels.fatbin" \
    "$here/src/dse4j_device.cu"
echo "$fatbin_print" > "$fatbin_stamp"
echo "native/build.sh: built $resources/dse4j_kernels.fatbin with $nvcc_version"
