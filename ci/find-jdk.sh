#!/usr/bin/env bash
# Prints the path of a `java` binary of version >= ${1:-22}, or nothing (exit 1) if there is none.
# Order: $JAVA_HOME when it is new enough, else the newest JDK among the usual JVM folders and the java on PATH.
set -uo pipefail
required="${1:-22}"

# The feature version (17, 22, 25, ...) of the java binary $1, or nothing if it does not run.
java_feature() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
  [[ "$v" == 1.* ]] && v="${v#1.}"
  [[ "$v" =~ ^[0-9]+$ ]] && printf '%s' "$v"
  return 0
}

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  v="$(java_feature "$JAVA_HOME/bin/java")"
  if [[ -n "$v" && "$v" -ge "$required" ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
    exit 0
  fi
fi
best=""
best_version=0
for candidate in /usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java \
                 /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java "$(command -v java 2>/dev/null)"; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  v="$(java_feature "$candidate")"
  if [[ -n "$v" && "$v" -ge "$required" && "$v" -gt "$best_version" ]]; then
    best="$candidate"
    best_version="$v"
  fi
done
[[ -n "$best" ]] || exit 1
printf '%s\n' "$best"
