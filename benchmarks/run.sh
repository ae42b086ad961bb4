#!/usr/bin/env bash
# Runs the JMH benchmarks with a JDK >= 22 (ci/find-jdk.sh), whatever `java` is on PATH:
#
#   benchmarks/run.sh [JMH arguments]        e.g.  benchmarks/run.sh EndToEndBenchmark -p backend=cpu,gpu -p n=4000
#
# * builds benchmarks/target/benchmarks.jar when it is missing or older than its sources (the root pom.xml, the
#   pom.xml and src/main of benchmarks, java-api, bindings, and native's sources), with DSE4J_MAVEN_OPTS passed to
#   Maven;
# * asks the GPU probe first; without a usable GPU it says so in one line and leaves the GPU benchmarks out:
#   GpuStagesBenchmark, and the value gpu of `-p backend=...` (the benchmarks with a backend parameter are left out
#   when gpu was the only value); exit 0 when nothing is left to run;
# * passes `-foe true` (JMH stops and exits non-zero when a benchmark fails) unless the arguments say otherwise.
#
# The forks run on the same JDK (JMH starts them with the JVM it runs on). -h, -l, -lp and the rest of JMH's options
# work as usual.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"

java_bin="$("$root/ci/find-jdk.sh" 22 || true)"
if [[ -z "$java_bin" ]]; then
  echo "benchmarks/run.sh: no JDK 22 or newer found (checked JAVA_HOME and /usr/lib/jvm, /usr/local/lib/jvm, /opt);" \
    "the benchmarks are compiled for Java 22." >&2
  exit 2
fi

reason=""
if [[ ! -f "$jar" ]]; then
  reason="building the benchmarks jar (first use)"
elif changed="$("$root/ci/newer-source.sh" "$jar" benchmarks java-api bindings)" && [[ -n "$changed" ]]; then
  reason="rebuilding the benchmarks jar ($changed is newer than it)"
fi
if [[ -n "$reason" ]]; then
  echo "benchmarks/run.sh: ${reason}..." >&2
  # shellcheck disable=SC2086
  (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -Pbenchmarks \
      ${DSE4J_MAVEN_OPTS:-} package -pl benchmarks -am) >&2
  touch "$jar"
fi

args=("$@")
listing=false
fail_on_error=true
for arg in "${args[@]}"; do
  case "$arg" in
    -h|-help|--help|-l|-lp|-lprof|-lrf) listing=true ;;
    -foe) fail_on_error=false ;;
  esac
done

if [[ "$listing" == false ]]; then
  probe="$("$java_bin" --enable-native-access=ALL-UNNAMED -cp "$jar" io.dse4j.internal.gpu.GpuCheck 2>&1 || true)"
  if [[ "$probe" != usable:* ]]; then
    summary="$(printf '%s\n' "$probe" | head -n1)"
    summary="${summary#unusable: }"
    # Drop gpu from every -p backend=...; when nothing is left of one, leave out the benchmarks that have it.
    kept=()
    exclude=(-e GpuStagesBenchmark)
    dropped=false
    i=0
    while (( i < ${#args[@]} )); do
      arg="${args[i]}"
      if [[ "$arg" == -p && $(( i + 1 )) -lt ${#args[@]} && "${args[i+1]}" == backend=* ]]; then
        values="${args[i+1]#backend=}"
        values="$(printf '%s' "$values" | tr ',' '\n' | grep -vix 'gpu' | paste -sd, - || true)"
        [[ "$values" != "${args[i+1]#backend=}" ]] && dropped=true
        if [[ -n "$values" ]]; then
          kept+=(-p "backend=$values")
        else
          exclude+=(-e 'EndToEndBenchmark|DsmiBenchmark')
        fi
        i=$(( i + 2 ))
        continue
      fi
      kept+=("$arg")
      i=$(( i + 1 ))
    done
    count() { "$java_bin" -jar "$jar" -l "$@" 2>/dev/null | grep -c '^io\.dse4j\.' || true; }
    before="$(count "${args[@]+"${args[@]}"}")"
    args=("${kept[@]+"${kept[@]}"}" "${exclude[@]}")
    left="$(count "${args[@]}")"
    # Say something only when a GPU benchmark was asked for (explicitly or by running everything).
    if [[ "$dropped" == true || "$left" != "$before" ]]; then
      echo "benchmarks/run.sh: no usable GPU here ($summary); skipping GpuStagesBenchmark and backend=gpu" \
        "(DSE4J_DEBUG=1 shows every reason)" >&2
      if [[ -n "${DSE4J_DEBUG:-}" ]]; then
        printf '%s\n' "$probe" | tail -n +2 >&2
      fi
    fi
    if [[ "$left" == 0 ]]; then
      echo "benchmarks/run.sh: nothing left to run without a GPU." >&2
      exit 0
    fi
  fi
  if [[ "$fail_on_error" == true ]]; then
    args=(-foe true "${args[@]+"${args[@]}"}")
  fi
fi

exec "$java_bin" -jar "$jar" "${args[@]+"${args[@]}"}"
