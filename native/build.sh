#!/usr/bin/env bash
# Builds dse4j's native libraries (called by Maven in the native module; runs by hand too):
#   target/standin/libdse4j_cuda_standin.so            the host-side CUDA stand-in for tests (gcc, always)
#   target/classes-native/io/dse4j/native/linux-x86_64/libdse4j_kernels.so
#                                                      the CUDA kernels (nvcc, when it is installed), packed into
#                                                      the library jar by java-api
# Without nvcc the kernels are skipped with a message, the build succeeds, and the GPU probe says
# "native kernels were not built".
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
# The stand-in: the CUDA runtime/cuBLAS/cuSOLVER stand-ins in C, and the kernels' own device source compiled for the
# host over the emulation header (standin/device_emulation.h) in C++.
"$cc" -O2 -Wall -Wextra -Werror -std=c11 -fPIC -fvisibility=hidden -c \
    -o "$out/standin/cuda_standin.o" "$here/standin/cuda_standin.c"
"$cxx" -O2 -Wall -Wextra -Werror -std=c++17 -fPIC -fvisibility=hidden -I"$here/include" -I"$here/src" -c \
    -o "$out/standin/emulated_kernels.o" "$here/standin/emulated_kernels.cpp"
"$cxx" -O2 -Wall -Wextra -Werror -std=c++17 -fPIC -fvisibility=hidden -I"$here/include" -I"$here/src" -c \
    -o "$out/standin/driver_api.o" "$here/standin/driver_api.cpp"
"$cxx" -shared -o "$out/standin/libdse4j_cuda_standin.so" "$out/standin/cuda_standin.o" \
    "$out/standin/emulated_kernels.o" "$out/standin/driver_api.o" -lm
echo "native/build.sh: built $out/standin/libdse4j_cuda_standin.so"

nvcc="${NVCC:-}"
if [[ -z "$nvcc" ]]; then
  nvcc="$(command -v nvcc || true)"
  [[ -z "$nvcc" && -x /usr/local/cuda/bin/nvcc ]] && nvcc=/usr/local/cuda/bin/nvcc
fi
kernels_dir="$out/classes-native/io/dse4j/native/linux-x86_64"
if [[ -z "$nvcc" ]]; then
  echo "native/build.sh: nvcc not found; the CUDA kernels are not built (the GPU backend will report it)"
  rm -f "$kernels_dir/libdse4j_kernels.so"
  exit 0
fi
mkdir -p "$kernels_dir"
# Machine code for the GPUs people have — sm_75 (T4, RTX 20xx), sm_80 (A100), sm_86 (A10, RTX 30xx), sm_89 (L4,
# RTX 40xx), sm_90 (H100/H200), sm_100 (B200), sm_120 (RTX 50xx) — so none depends on JIT, plus compute_75 PTX for
# anything newer (about 0.7 MB in all; every kernel compiles without spills).
gencode=()
for sm in 75 80 86 89 90 100 120; do
  gencode+=(-gencode "arch=compute_$sm,code=sm_$sm")
done
gencode+=(-gencode arch=compute_75,code=compute_75)
"$nvcc" -O3 -std=c++17 -shared -Xcompiler -fPIC -cudart shared -I"$here/include" -I"$here/src" "${gencode[@]}" \
    -o "$kernels_dir/libdse4j_kernels.so" "$here/src/dse4j_kernels.cu"
echo "native/build.sh: built $kernels_dir/libdse4j_kernels.so with $("$nvcc" --version | tail -n 2 | head -n 1)"
