#!/usr/bin/env bash
# Proves that the GPU backend's tests run the kernels' own device source (native/src/dse4j_device.cu, compiled for
# the host into the CUDA stand-in), not a re-implementation: each deliberate bug below, applied to a copy of the
# repository, must make the stand-in's kernel tests (EmulatedKernelsTest) fail — and the unchanged copy must pass.
# Run by .ci/run after the test suite; about 20 s per case on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# sed expressions, each one plausible slip in one kernel.
mutations=(
  's/    return shared\[0\];/    return shared[1];/'                                                     # block_sum: wrong lane
  's/        for (int64_t j = 0; j < i; j++) {/        for (int64_t j = 0; j <= i; j++) {/'            # row_parts: diagonal twice
  's/\*entry = i == j ? (T) 1.0 :/*entry = i == j + 1 ? (T) 1.0 :/'                                        # gaussian: off-diagonal as diagonal
  's/i += (int64_t) gridDim.x \* blockDim.x)/i += (int64_t) blockDim.x)/'                                  # grid-stride loops: stride of one block
)

# Only the gpu-stand-in execution (the default one would run EmulatedKernelsTest without the stand-in).
run_kernel_tests() {
  (cd "$1" && mvn -B -q -Dstyle.color=never -pl java-api -am -Dmaven.javadoc.skip=true -Dmaven.source.skip=true \
       -Dtest=EmulatedKernelsTest -Dsurefire.failIfNoSpecifiedTests=false \
       test-compile surefire:test@gpu-stand-in) > "$1.log" 2>&1
}

copy_tree() {
  rm -rf "$1"
  mkdir -p "$1"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$1")
}

copy_tree "$work/clean"
if ! run_kernel_tests "$work/clean"; then
  echo "ci/kernel-mutation-check.sh: the unchanged kernels fail their tests:" >&2
  tail -n 40 "$work/clean.log" >&2
  exit 1
fi
echo "ci/kernel-mutation-check.sh: unchanged kernels pass"

for i in "${!mutations[@]}"; do
  tree="$work/mutant$i"
  copy_tree "$tree"
  device="$tree/native/src/dse4j_device.cu"
  sed -i "${mutations[$i]}" "$device"
  if cmp -s "$device" "$root/native/src/dse4j_device.cu"; then
    echo "ci/kernel-mutation-check.sh: mutation $i did not apply (the source changed?): ${mutations[$i]}" >&2
    exit 1
  fi
  if run_kernel_tests "$tree"; then
    echo "ci/kernel-mutation-check.sh: mutation $i survived — the tests do not run this kernel code: ${mutations[$i]}" >&2
    exit 1
  fi
  if ! grep -q "Tests run: .*Failures: [1-9]" "$tree.log"; then
    echo "ci/kernel-mutation-check.sh: mutation $i broke the build rather than failing a test:" >&2
    tail -n 40 "$tree.log" >&2
    exit 1
  fi
  echo "ci/kernel-mutation-check.sh: mutation $i caught"
done
