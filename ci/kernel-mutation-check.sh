#!/usr/bin/env bash
# Proves that the GPU backend's tests run the kernels' own device source (native/src/dse4j_device.cu, compiled for
# the host into the CUDA stand-in), not a re-implementation: each deliberate bug below, applied to a copy of the
# repository, must make the stand-in's kernel tests (EmulatedKernelsTest) fail — and the unchanged copy must pass.
# Then one bug that those tests cannot see (a read one element past a buffer, whose value is never used) must crash
# the sanitized run (gpu-stand-in-sanitized) with an AddressSanitizer report naming the line.
# Run by .ci/run after the test suite; about 20 s per case on 2 cores, 35 s for the sanitized one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# sed expressions, each one plausible slip in one kernel.
mutations=(
  's/    return shared\[0\];/    return shared[1];/'                                                     # block_sum: wrong lane
  's/        for (int64_t j = 0; j < i; j++) {/        for (int64_t j = 0; j <= i; j++) {/'            # row_parts: diagonal twice
  's/\*entry = i == j ? (T) 1.0 : (T) dse4j_gaussian_entry/*entry = i == j + 1 ? (T) 1.0 : (T) dse4j_gaussian_entry/'  # gaussian: off-diagonal as diagonal
  's/double d = original\[i + k \* ldo\] - original\[j + k \* ldo\];/double d = original[i + k * ldo] - original[j + k];/'  # recomputed distance: wrong column stride
  's/i += (int64_t) gridDim.x \* blockDim.x)/i += (int64_t) blockDim.x)/'                                  # grid-stride loops: stride of one block
)

# normalise: one column too many — it reads degrees[n] and then writes nothing, so every result is still right.
sanitizer_mutation='/^__device__ void normalise(/,/rsqrt(degrees\[j\])/ s/j < n; j += gridDim.y/j <= n; j += gridDim.y/'

# Only the gpu-stand-in execution (the default one would run EmulatedKernelsTest without the stand-in), or with a
# second argument the sanitized one (its guard test too).
run_kernel_tests() {
  local execution="${2:-gpu-stand-in}" tests=EmulatedKernelsTest
  [[ "$execution" == gpu-stand-in-sanitized ]] && tests=SanitizersInUseTest,EmulatedKernelsTest
  (cd "$1" && mvn -B -q -Dstyle.color=never -pl java-api -am \
       -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
       test-compile "surefire:test@$execution") > "$1.log" 2>&1
}

copy_tree() {
  rm -rf "$1"
  mkdir -p "$1"
  (cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$1")
}

# A copy of the repository at $1 with the sed expression $2 applied to the device source; fails when it changes nothing.
mutant() {
  copy_tree "$1"
  local device="$1/native/src/dse4j_device.cu"
  sed -i "$2" "$device"
  if cmp -s "$device" "$root/native/src/dse4j_device.cu"; then
    echo "ci/kernel-mutation-check.sh: a mutation did not apply (the source changed?): $2" >&2
    exit 1
  fi
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
  mutant "$tree" "${mutations[$i]}"
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

tree="$work/sanitizer-mutant"
mutant "$tree" "$sanitizer_mutation"
if run_kernel_tests "$tree" gpu-stand-in-sanitized; then
  if [[ ! -e "$tree/native/target/standin-sanitized/libdse4j_cuda_standin.so" ]]; then
    echo "ci/kernel-mutation-check.sh: the sanitized stand-in was not built (no sanitizer runtime for the compiler?)" \
         "and its tests were skipped; CI must run them:" >&2
    grep "native/build.sh" "$tree.log" >&2
  else
    echo "ci/kernel-mutation-check.sh: the sanitizers missed a read past the end of a buffer: $sanitizer_mutation" >&2
  fi
  exit 1
fi
if ! grep -q "ERROR: AddressSanitizer: heap-buffer-overflow" "$tree.log" \
    || ! grep -q "SUMMARY: AddressSanitizer: heap-buffer-overflow .*/dse4j_device.cu:[0-9]* in .*normalise" "$tree.log"; then
  echo "ci/kernel-mutation-check.sh: the sanitized run failed, but not with AddressSanitizer's report on normalise:" >&2
  tail -n 40 "$tree.log" >&2
  exit 1
fi
echo "ci/kernel-mutation-check.sh: sanitizer mutation caught ($(grep -m 1 "SUMMARY: AddressSanitizer" "$tree.log"))"
