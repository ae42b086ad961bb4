#!/usr/bin/env bash
# What the accurate distances cost on ordinary data (issue 20 §2): the command-line `entropy` of this checkout
# against the same command built from BASE_REV (default b48d777, before issue 20), on the built-in examples, whole
# processes alternated base/current, REPEATS pairs each. Prints one line per run with the stages the JSON reports
# (prepare — where the points are gathered, centred and now also kept uncentred —, distances, kernel) and the whole
# computation's seconds, then the medians and the ratio current / base per example. Nothing else heavy may run
# meanwhile.
#   BASE_REV   the revision to compare with (default b48d777)
#   REPEATS    pairs per example (default 5)
#   CASES      "name:n:d" list (default: uniform, blobs and the swiss roll at N = 4000, D = 256 / 256 / 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
base_rev="${BASE_REV:-b48d777}"
repeats="${REPEATS:-5}"
cases="${CASES:-uniform:4000:256 blobs:4000:256 swiss-roll:4000:3}"
java_bin="$("$root/ci/find-jdk.sh" 22)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git -C "$root" worktree add --detach "$work/base" "$base_rev" >/dev/null
echo "distance-cost.sh: building the base ($base_rev) and the current command-line jars" >&2
(cd "$work/base" && mvn -B -q -o -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package -pl cli -am)
(cd "$root" && mvn -B -q -o -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package -pl cli -am)
base_jar="$work/base/cli/target/dse4j-cli.jar"
current_jar="$root/cli/target/dse4j-cli.jar"

run() {   # jar name n d -> "prepare distances kernel seconds entropy"
  "$java_bin" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar "$1" entropy \
      --example "$2" --n "$3" --d "$4" --backend cpu --json 2>/dev/null | python3 -c '
import json, sys
r = json.load(sys.stdin)
s = r.get("stages", {})
print(s.get("prepare", 0), s.get("distances", 0), s.get("kernel", 0), r["seconds"], r["entropy"])'
}

for c in $cases; do
  IFS=: read -r name n d <<<"$c"
  [[ "$name" == swiss-roll ]] && d=3
  : >"$work/$name.base"
  : >"$work/$name.current"
  for ((r = 0; r < repeats; r++)); do
    run "$base_jar" "$name" "$n" "$d" >>"$work/$name.base"
    run "$current_jar" "$name" "$n" "$d" >>"$work/$name.current"
  done
  python3 - "$name" "$n" "$d" "$work/$name.base" "$work/$name.current" <<'EOF'
import statistics, sys
name, n, d, base, current = sys.argv[1:]
def load(path):
    return [list(map(float, line.split())) for line in open(path) if line.strip()]
b, c = load(base), load(current)
for label, rows in (("base", b), ("current", c)):
    for row in rows:
        print(f"{name} N={n} D={d} {label}: prepare {row[0]:.3f} s, distances {row[1]:.3f} s, kernel {row[2]:.3f} s, "
              f"total {row[3]:.3f} s, DSE {row[4]:.12f}")
med = lambda rows, k: statistics.median(r[k] for r in rows)
for k, what in ((0, "prepare"), (1, "distances"), (2, "kernel"), (3, "total")):
    print(f"{name} N={n} D={d} median {what}: base {med(b, k):.3f} s, current {med(c, k):.3f} s, "
          f"current/base {med(c, k) / med(b, k):.3f}")
print(f"{name} N={n} D={d} |DSE current − base| = {abs(c[0][4] - b[0][4]):.2e}")
EOF
done
