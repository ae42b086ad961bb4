#!/usr/bin/env bash
# Prints the first source file (relative to the repository) that is newer than the jar $1, or nothing; exit 0 either
# way. The sources are the root pom.xml, the pom.xml and src/main of each Maven module named after the jar, and the
# native module's pom.xml, build.sh, include/ and src/ (the kernels and the stand-in ride in the library's jar).
#   ci/newer-source.sh cli/target/dse4j-cli.jar java-api bindings cli
# Used by the ./dse4j launcher and benchmarks/run.sh to rebuild a jar that a `git pull` has made stale.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$1"
shift
inputs=("$root/pom.xml")
for module in "$@"; do
  inputs+=("$root/$module/pom.xml" "$root/$module/src/main")
done
inputs+=("$root/native/pom.xml" "$root/native/build.sh" "$root/native/include" "$root/native/src")
found="$(find "${inputs[@]}" -type f -newer "$jar" -print -quit 2>/dev/null || true)"
printf '%s' "${found#"$root/"}"
