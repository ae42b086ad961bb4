#!/usr/bin/env bash
# Regenerates the Java bindings under bindings/src/main/java/io/dse4j/bindings/ with jextract.
#
#   JEXTRACT            the jextract launcher (default: jextract on PATH); BINDINGS.md names the revision used
#   CUDA_INCLUDE        the CUDA toolkit's include folder, for cuda_runtime_api.h and cuda.h (default
#                       /usr/local/cuda/include)
#   CUDA_MATH_INCLUDE   a folder with cublas_v2.h and cusolverDn.h and the headers they include, e.g. usr/include
#                       extracted from Debian's non-free nvidia-cuda-dev package (default /usr/include)
#
# The generated files are committed and never edited by hand; run this after changing an args/*.args list.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jextract="${JEXTRACT:-jextract}"
cuda_include="${CUDA_INCLUDE:-/usr/local/cuda/include}"
math_include="${CUDA_MATH_INCLUDE:-/usr/include}"
out="$here/src/main/java"

command -v "$jextract" >/dev/null 2>&1 || { echo "generate.sh: jextract not found (set JEXTRACT)" >&2; exit 2; }
for header in "$cuda_include/cuda_runtime_api.h" "$cuda_include/cuda.h" "$math_include/cublas_v2.h" "$math_include/cusolverDn.h"; do
  [[ -f "$header" ]] || { echo "generate.sh: missing $header (see BINDINGS.md)" >&2; exit 2; }
done

rm -rf "$out/io/dse4j/bindings/cudart" "$out/io/dse4j/bindings/cublas" "$out/io/dse4j/bindings/cusolver" \
       "$out/io/dse4j/bindings/driver" "$out/io/dse4j/bindings/kernels"
"$jextract" --output "$out" -I "$cuda_include" @"$here/args/cudart.args" "$cuda_include/cuda_runtime_api.h"
"$jextract" --output "$out" -I "$math_include" @"$here/args/cublas.args" "$math_include/cublas_v2.h"
"$jextract" --output "$out" -I "$here/headers" -I "$math_include" @"$here/args/cusolver.args" \
    "$here/headers/cusolver_dn_for_jextract.h"
"$jextract" --output "$out" -I "$here/headers" -I "$cuda_include" @"$here/args/driver.args" \
    "$here/headers/cuda_driver_for_jextract.h"
echo "generate.sh: bindings written to $out/io/dse4j/bindings"
