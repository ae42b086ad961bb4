#!/usr/bin/env bash
# The SLQ estimate's accuracy, 95 % bar coverage and speed against the exact CPU path (SlqAccuracy), with a JDK >= 22:
#
#   benchmarks/slq-accuracy.sh N D SEEDS DATASET... [--matrix-free] [--no-exact]
#   e.g. benchmarks/slq-accuracy.sh 10000 256 40 uniform blobs swiss-roll plane
#        benchmarks/slq-accuracy.sh 50000 64 1 uniform --no-exact      (matrix-free beyond the heap; see RESULTS.md)
#
# DSE4J_JAVA_OPTS sets the JVM's options (default -Xmx3g). Builds benchmarks/target/benchmarks.jar as run.sh does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
java_bin="$("$root/ci/find-jdk.sh" 22 || true)"
if [[ -z "$java_bin" ]]; then
  echo "benchmarks/slq-accuracy.sh: no JDK 22 or newer found" >&2
  exit 2
fi
if [[ ! -f "$jar" ]] || [[ -n "$("$root/ci/newer-source.sh" "$jar" benchmarks java-api bindings)" ]]; then
  echo "benchmarks/slq-accuracy.sh: building the benchmarks jar..." >&2
  (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -Pbenchmarks \
      package -pl benchmarks -am) >&2
  touch "$jar"
fi
# shellcheck disable=SC2086
exec "$java_bin" ${DSE4J_JAVA_OPTS:--Xmx3g} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -cp "$jar" io.dse4j.benchmarks.SlqAccuracy "$@"
