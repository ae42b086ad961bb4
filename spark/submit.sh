#!/usr/bin/env bash
# spark-submit without a Spark installation: runs Spark's own SparkSubmit (org.apache.spark.deploy.SparkSubmit, what
# the spark-submit script runs) from the Spark 4.2.0 jars Maven resolved for this module, with a JDK >= 22 and the
# two flags that silence the JDK's warnings. Takes spark-submit's arguments; builds dse4j-spark-*-all.jar first when
# it is missing or older than the sources.
#
#   spark/submit.sh --master 'local[2]' --class io.dse4j.spark.LayerEntropyExample \
#       spark/target/dse4j-spark-0.1.0-SNAPSHOT-all.jar write embeddings.parquet
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
java_bin="$("$root/ci/find-jdk.sh" 22 || true)"
if [[ -z "$java_bin" ]]; then
  echo "spark/submit.sh: no JDK 22 or newer found (looked at JAVA_HOME, /usr/lib/jvm, /usr/local/lib/jvm, /opt)" >&2
  exit 2
fi
jar="$(ls "$here"/target/dse4j-spark-*-all.jar 2>/dev/null | head -1 || true)"
classpath="$here/target/spark.classpath"
if [[ -z "$jar" || ! -f "$classpath" ]] || [[ -n "$("$root/ci/newer-source.sh" "$jar" spark java-api bindings)" ]]; then
  echo "spark/submit.sh: building dse4j-spark (mvn install -pl spark -am, no tests)..." >&2
  (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -Dspotless.check.skip=true \
      install -pl spark -am && mvn -q -B -Dstyle.color=never dependency:build-classpath -pl spark \
      -Dmdep.outputFile="$classpath" -Dmdep.includeScope=provided) >&2
fi
exec "$java_bin" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Dlog4j2.configurationFile="$here/conf/log4j2.properties" \
  -cp "$(cat "$classpath")" org.apache.spark.deploy.SparkSubmit \
  --conf "spark.driver.extraJavaOptions=--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow" \
  "$@"
