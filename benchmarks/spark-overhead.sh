#!/usr/bin/env bash
# Spark's overhead for DSE per group against plain loops in one JVM (SparkOverhead, spark module's test classes):
#
#   benchmarks/spark-overhead.sh [GROUPS N D ROUNDS]     (default: the issue's 24 2000 256 3)
#
# Builds the spark module's test classes, then runs on local[all cores] with a JDK >= 22. DSE4J_JAVA_OPTS sets the
# JVM's options (default -Xmx6g). Nothing else heavy should run meanwhile (see RESULTS.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
java_bin="$("$root/ci/find-jdk.sh" 22 || true)"
if [[ -z "$java_bin" ]]; then
  echo "benchmarks/spark-overhead.sh: no JDK 22 or newer found" >&2
  exit 2
fi
classpath="$root/spark/target/spark-overhead.classpath"
echo "benchmarks/spark-overhead.sh: building the spark module's test classes..." >&2
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -Dspotless.check.skip=true \
    install -pl java-api -am && mvn -q -B -Dstyle.color=never test-compile dependency:build-classpath -pl spark \
    -Dmdep.outputFile="$classpath" -Dmdep.includeScope=test) >&2
args=("$@")
if [[ ${#args[@]} -eq 0 ]]; then
  args=(24 2000 256 3)
fi
# shellcheck disable=SC2086
exec "$java_bin" ${DSE4J_JAVA_OPTS:--Xmx6g} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  --sun-misc-unsafe-memory-access=allow -Dlog4j2.configurationFile="$root/spark/conf/log4j2.properties" \
  -cp "$root/spark/target/test-classes:$root/spark/target/classes:$(cat "$classpath")" \
  io.dse4j.spark.benchmarks.SparkOverhead "${args[@]}"
