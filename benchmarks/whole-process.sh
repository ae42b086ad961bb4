#!/usr/bin/env bash
# Whole-process comparison with the official Python package, as users run them (issue 10 §3): the wall time from
# starting `./dse4j entropy --input X.npy` (or `./dse4j mi`) to its exit, against a Python process that imports
# dse_dsmi, loads the same file and calls diffusion_spectral_entropy (or diffusion_spectral_mutual_information with
# the labels as a discrete reference). The runs alternate (dse4j, Python, Python, dse4j, ...) so drift on a shared
# machine falls on both; the script prints each pair and the median ratio per case.
#
#   DSE_DSMI_SOURCE=/path/to/DiffusionSpectralEntropy benchmarks/whole-process.sh [CASE ...]
#
# CASE is entropy:N (D = 256), mi:N (D = 256, 10 labels) or mivec:N (DSMI of the points against themselves as a
# vector reference: spectral clustering of X into 10 clusters, then the DSMI; D = 256); default: entropy:1000
# entropy:2000 mi:4000 entropy:10000 mivec:2000. PAIRS (default 5) sets the pairs per case, PYTHON the interpreter (default /usr/bin/python3: it needs
# numpy, scipy, scikit-learn and matplotlib, e.g. Debian's python3-sklearn python3-matplotlib), DSE4J_JAVA_OPTS
# passes through to the launcher. The inputs are written once to benchmarks/results/whole-process/ by
# python/make_inputs.py (uniform in [0, 1]^256, seed 42). The command-line jar is built first, outside the timing.
# Python is only needed here: the project itself never needs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-/usr/bin/python3}"
pairs="${PAIRS:-5}"
data="$here/results/whole-process"
cases=("$@")
if [[ ${#cases[@]} -eq 0 ]]; then
  cases=(entropy:1000 entropy:2000 mi:4000 entropy:10000 mivec:2000)
fi
if [[ -z "${DSE_DSMI_SOURCE:-}" || ! -d "$DSE_DSMI_SOURCE/dse_dsmi" ]]; then
  echo "whole-process.sh: set DSE_DSMI_SOURCE to a checkout of github.com/ChenLiu-1996/DiffusionSpectralEntropy" >&2
  exit 2
fi
if ! "$python" -c 'import numpy, scipy, sklearn, matplotlib' 2>/dev/null; then
  echo "whole-process.sh: $python lacks numpy, scipy, scikit-learn or matplotlib (the official package imports them)" >&2
  exit 2
fi
mkdir -p "$data"
"$root/dse4j" entropy --example blobs --n 50 >/dev/null   # builds the jar if needed, outside the timing

# Both sides get the same BLAS threading: OpenBLAS on every core, none of the variables that slow it.
export OPENBLAS_NUM_THREADS="$(nproc)"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

seconds() {  # runs "$@" quietly, prints its wall time in seconds; the output is kept in $data/last.out
  local start end
  start=$(date +%s.%N)
  "$@" >"$data/last.out" 2>&1 || { cat "$data/last.out" >&2; echo "whole-process.sh: failed: $*" >&2; exit 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
for c in "${cases[@]}"; do
  what="${c%%:*}"
  n="${c#*:}"
  x="$data/x-$n.npy"
  labels="$data/labels-$n.npy"
  [[ -f "$x" && -f "$labels" ]] || "$python" "$here/python/make_inputs.py" "$x" "$n" 256 "$labels" 10
  case "$what" in
    entropy) ours=("$root/dse4j" entropy --input "$x")
             theirs=("$python" "$here/python/official_run.py" entropy "$x") ;;
    mi)      ours=("$root/dse4j" mi --input "$x" --reference "$labels")
             theirs=("$python" "$here/python/official_run.py" mi "$x" "$labels") ;;
    mivec)   ours=("$root/dse4j" mi --input "$x" --reference "$x")
             theirs=("$python" "$here/python/official_run.py" mivec "$x" "$x") ;;
    *) echo "whole-process.sh: unknown case '$c' (entropy:N, mi:N or mivec:N)" >&2; exit 2 ;;
  esac
  # One untimed run of each first, so that both sides find their files (inputs, jar, Python modules) in the page
  # cache.
  "${ours[@]}" >/dev/null 2>&1
  "${theirs[@]}" >/dev/null 2>&1
  ratios=()
  for ((p = 1; p <= pairs; p++)); do
    if ((p % 2)); then
      a=$(seconds "${ours[@]}"); ours_out="$(grep -m1 -E '^(DSE|DSMI) =' "$data/last.out")"
      b=$(seconds "${theirs[@]}"); theirs_out="$(cat "$data/last.out")"
    else
      b=$(seconds "${theirs[@]}"); theirs_out="$(cat "$data/last.out")"
      a=$(seconds "${ours[@]}"); ours_out="$(grep -m1 -E '^(DSE|DSMI) =' "$data/last.out")"
    fi
    r=$(echo "scale=3; $a / $b" | bc)
    ratios+=("$r")
    printf '%s N=%s pair %d: dse4j %.2f s, python %.2f s, ratio %s   [%s | %s]\n' \
      "$what" "$n" "$p" "$a" "$b" "$r" "$ours_out" "$theirs_out"
  done
  printf '%s N=%s: median ratio dse4j/python %s over %d pairs\n' "$what" "$n" \
    "$(printf '%s\n' "${ratios[@]}" | median)" "$pairs"
done
