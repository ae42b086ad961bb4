#!/usr/bin/env bash
# Runs the measurements behind benchmarks/RESULTS.md in one go, on this machine:
#   * JMH: dse4j's eigenvalues and EJML's (single- and multi-threaded) on the same kernel matrix, and dse4j's
#     end-to-end DSE, at the sizes in SIZES (default 4000);
#   * numpy.linalg.eigvalsh (LAPACK dsyevd) on a kernel of the same shape, if python3 with numpy is installed;
#   * the official dse-dsmi diffusion_spectral_entropy, if DSE_DSMI_SOURCE points at a checkout of it.
# Results go to benchmarks/results/ (JMH JSON and the Python lines). PYTHON picks the interpreter (default python3).
# SKIP_JMH=1 reruns only the Python measurements.
#
# numpy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (some machines set them, and OpenBLAS then picks
# slower kernels). Python is optional: the project never needs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/results"
mkdir -p "$out"
sizes="${SIZES:-4000}"
python="${PYTHON:-python3}"
jmh_sizes="$(echo "$sizes" | tr ' ' ',')"

java_bin="$("$root/ci/find-jdk.sh" 22 || true)"
if [[ -z "$java_bin" ]]; then
  echo "compare.sh: no JDK 22+ found" >&2
  exit 2
fi
if [[ ! -f "$here/target/benchmarks.jar" ]]; then
  (cd "$root" && mvn -q -B -DskipTests -Pbenchmarks package -pl benchmarks -am)
fi

if [[ -z "${SKIP_JMH:-}" ]]; then
"$java_bin" -jar "$here/target/benchmarks.jar" 'CpuStagesBenchmark.(eigenvalues|ejmlEigenvalues|ejmlEigenvaluesConcurrent)$' \
    -p n="$jmh_sizes" -p precision=f64 -rf json -rff "$out/jmh-eigenvalues.json" | tee "$out/jmh-eigenvalues.txt"
"$java_bin" -jar "$here/target/benchmarks.jar" 'EndToEndBenchmark' -p backend=cpu -p n="$jmh_sizes" -p d=256 \
    -rf json -rff "$out/jmh-end-to-end.json" | tee "$out/jmh-end-to-end.txt"
fi

if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import numpy' 2>/dev/null; then
  # shellcheck disable=SC2086
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$(nproc)" \
      "$python" "$here/python/numpy_eigvalsh.py" $sizes | tee "$out/numpy-eigvalsh.jsonl"
else
  echo "compare.sh: python3 with numpy not found; skipping the LAPACK comparison" >&2
fi
if [[ -n "${DSE_DSMI_SOURCE:-}" ]]; then
  # shellcheck disable=SC2086
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS="$(nproc)" \
      "$python" "$here/python/official_dse.py" $sizes | tee "$out/official-dse.jsonl"
else
  echo "compare.sh: DSE_DSMI_SOURCE not set; skipping the official implementation" >&2
fi
