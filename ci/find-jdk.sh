#!/usr/bin/env bash
# Prints the path of a `java` binary of version >= ${1:-22}, or nothing (exit 1) if there is none.
# Order: $JAVA_HOME when it is new enough, else the newest JDK among the usual JVM folders and the java on PATH.
#
# The launcher calls this on every run, so it avoids starting JVMs: a JDK's `release` file (JAVA_VERSION="25.0.3")
# gives the version, and only the java finally chosen is started once, to check that it runs. A java without a
# readable release file is asked for its version itself. A chosen java that does not run is skipped.
set -uo pipefail
required="${1:-22}"

# The feature version (17, 22, 25, ...) of the java binary $1, or nothing if it cannot be told.
java_feature() {
  local v="" release
  release="$(dirname "$(dirname "$(readlink -f "$1")")")/release"
  if [[ -r "$release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9][0-9._]*\)"$/\1/p' "$release" | head -n1)"
  fi
  if [[ -z "$v" ]]; then
    v="$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)"
  fi
  v="${v#1.}"
  v="${v%%[._]*}"
  [[ "$v" =~ ^[0-9]+$ ]] && printf '%s' "$v"
  return 0
}

runs() {
  "$1" -version >/dev/null 2>&1
}

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  v="$(java_feature "$JAVA_HOME/bin/java")"
  if [[ -n "$v" && "$v" -ge "$required" ]] && runs "$JAVA_HOME/bin/java"; then
    printf '%s\n' "$JAVA_HOME/bin/java"
    exit 0
  fi
fi
candidates=()
for candidate in /usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java \
                 /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java "$(command -v java 2>/dev/null)"; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  v="$(java_feature "$candidate")"
  [[ -n "$v" && "$v" -ge "$required" ]] && candidates+=("$v $candidate")
done
# Newest first; the first that runs wins.
while read -r _ candidate; do
  if [[ -n "$candidate" ]] && runs "$candidate"; then
    printf '%s\n' "$candidate"
    exit 0
  fi
done < <(printf '%s\n' "${candidates[@]+"${candidates[@]}"}" | sort -k1,1nr -s)
exit 1
