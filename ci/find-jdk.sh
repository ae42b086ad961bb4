#!/usr/bin/env bash
# Prints the path of a `java` binary of version >= ${1:-22}, or nothing (exit 1) if there is none.
# Order: $JAVA_HOME when it is new enough, else the newest JDK among the usual JVM folders and the java on PATH.
#
# The launcher calls this on every run, so it avoids starting JVMs: a JDK's `release` file (JAVA_VERSION="25.0.3")
# gives the version, and only the java finally chosen is started once, to check that it runs. A java without a
# readable release file is asked for its version itself. A chosen java that does not run is skipped.
#
# With a second argument, a cache file: the answer is kept there with what it was found from (the version asked
# for, JAVA_HOME, the JDKs present, the java on PATH) and given back while those are unchanged and it is still
# executable, without the search's forks and the check's JVM start (~90 ms of every launch on a 2-core machine).
set -uo pipefail
required="${1:-22}"
cache="${2:-}"

candidate_paths=(/usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java
                 /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java)
# What the answer depends on, computed without starting a process (globs and builtins only).
key="$required|${JAVA_HOME:-}|${candidate_paths[*]}|$(command -v java 2>/dev/null)"
if [[ -n "$cache" && -r "$cache" ]]; then
  { IFS= read -r cached_key && IFS= read -r cached_java; } < "$cache"
  if [[ "${cached_key:-}" == "$key" && -n "${cached_java:-}" && -x "$cached_java" ]]; then
    printf '%s\n' "$cached_java"
    exit 0
  fi
fi

# Prints $1 and, when there is a cache file, records it there (written aside and renamed: never half a file).
answer() {
  printf '%s\n' "$1"
  if [[ -n "$cache" ]] && mkdir -p "$(dirname "$cache")" 2>/dev/null; then
    local temporary="$cache.$$"
    printf '%s\n%s\n' "$key" "$1" > "$temporary" 2>/dev/null && mv -f "$temporary" "$cache" 2>/dev/null
    rm -f "$temporary" 2>/dev/null
  fi
  return 0
}

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
    answer "$JAVA_HOME/bin/java"
    exit 0
  fi
fi
candidates=()
for candidate in "${candidate_paths[@]}" "$(command -v java 2>/dev/null)"; do
  [[ -n "$candidate" && -x "$candidate" ]] || continue
  v="$(java_feature "$candidate")"
  [[ -n "$v" && "$v" -ge "$required" ]] && candidates+=("$v $candidate")
done
# Newest first; the first that runs wins.
while read -r _ candidate; do
  if [[ -n "$candidate" ]] && runs "$candidate"; then
    answer "$candidate"
    exit 0
  fi
done < <(printf '%s\n' "${candidates[@]+"${candidates[@]}"}" | sort -k1,1nr -s)
exit 1
