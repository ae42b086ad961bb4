#!/usr/bin/env bash
# GPU self-test, in two steps:
#
#   ci/gpu-selftest.sh prepare   (here: a machine with Maven and a JDK >= 22)
#       builds the jars and puts everything a GPU machine without Java needs into .gpu-selftest/ (git-ignored):
#       a jlinked Java runtime (java.base, java.logging, jdk.incubator.vector), the command-line jar with the CUDA
#       kernels inside, and the reference datasets — under 64 MiB, so the device tool can carry it.
#   ci/gpu-selftest.sh run       (on the GPU machine, from the repository root)
#       runs io.dse4j.cli.GpuSelfTest: the probe, GPU-vs-CPU agreement on the reference datasets and on random
#       N in $SIZES (default 1000,4000,10000) x {f64, f32}, and per-stage timings; prints a table and writes
#       gpu-selftest.json into $OUT (default: .gpu-selftest/out) — the probe's line names the CUDA family, the driver,
#       the GPU and which kernel image ran. Then once more with the kernels compiled by NVRTC for this GPU
#       (-Ddse4j.cuda.kernelImage=nvrtc; N = 1000 only, gpu-selftest-nvrtc.json), so both load paths run on a real
#       GPU whichever the driver picks (NVRTC=0 skips it). Both runs are made on every device nvidia-smi lists
#       (a machine may mix architectures, and each device gets its own kernel image; device K's files are named
#       gpu-selftest-deviceK*.json, device 0's as above), or only on CUDA device K with DEVICE=K. Then the JMH GPU
#       benchmarks (on device 0) if RUN_JMH=1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bundle="$root/.gpu-selftest"

case "${1:-}" in
  prepare)
    java_bin="$("$root/ci/find-jdk.sh" 22)" || { echo "gpu-selftest: no JDK >= 22 found" >&2; exit 2; }
    jdk_home="$(dirname "$(dirname "$java_bin")")"
    (cd "$root" && mvn -q -B -DskipTests -Pbenchmarks package)
    rm -rf "$bundle"
    mkdir -p "$bundle/reference"
    "$jdk_home/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector --strip-debug --no-header-files \
        --no-man-pages --compress=zip-6 --output "$bundle/jdk"
    cp "$root/cli/target/dse4j-cli.jar" "$bundle/"
    cp "$root/benchmarks/target/benchmarks.jar" "$bundle/"
    cp "$root"/java-api/src/test/resources/reference/*.npy "$bundle/reference/"
    size="$(du -sm "$bundle" | cut -f1)"
    echo "gpu-selftest: prepared $bundle (${size} MiB)"
    if [[ "$size" -ge 64 ]]; then
      echo "gpu-selftest: the bundle is over the 64 MiB the device tool carries" >&2
      exit 1
    fi
    ;;
  run)
    [[ -x "$bundle/jdk/bin/java" ]] || { echo "gpu-selftest: run 'ci/gpu-selftest.sh prepare' first" >&2; exit 2; }
    out="${OUT:-$bundle/out}"
    mkdir -p "$out"
    command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
    status=0
    selftest=("$bundle/jdk/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -Xmx16g
              -Ddse4j.cuda.kernelCache="$out/kernel-cache")
    if [[ -n "${DEVICE:-}" ]]; then
      devices=("$DEVICE")
    else
      count="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)"
      devices=($(seq 0 $(( ${count:-0} > 1 ? count - 1 : 0 ))))
    fi
    for device in "${devices[@]}"; do
      name="gpu-selftest$([[ "$device" == 0 ]] || echo "-device$device")"
      "${selftest[@]}" -cp "$bundle/dse4j-cli.jar" io.dse4j.cli.GpuSelfTest --reference "$bundle/reference" \
          --sizes "${SIZES:-1000,4000,10000}" --device "$device" --json "$out/$name.json" || status=$?
      if [[ "${NVRTC:-1}" == 1 ]]; then
        "${selftest[@]}" -Ddse4j.cuda.kernelImage=nvrtc -cp "$bundle/dse4j-cli.jar" io.dse4j.cli.GpuSelfTest \
            --reference "$bundle/reference" --sizes 1000 --device "$device" --json "$out/$name-nvrtc.json" \
            || status=$?
      fi
    done
    if [[ "${RUN_JMH:-0}" == 1 ]]; then
      jmh=("$bundle/jdk/bin/java" -jar "$bundle/benchmarks.jar" -jvm "$bundle/jdk/bin/java")
      "${jmh[@]}" GpuStagesBenchmark -p n=10000 -rf json -rff "$out/jmh-gpu-stages.json" || status=$?
      "${jmh[@]}" EndToEndBenchmark -p backend=gpu,cpu -p n=10000 -rf json -rff "$out/jmh-end-to-end.json" \
          || status=$?
      "${jmh[@]}" DsmiBenchmark -p backend=gpu,cpu -p n=4000 -rf json -rff "$out/jmh-dsmi.json" || status=$?
    fi
    exit "$status"
    ;;
  *)
    echo "usage: ci/gpu-selftest.sh prepare | run" >&2
    exit 2
    ;;
esac
