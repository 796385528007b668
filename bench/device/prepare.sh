#!/usr/bin/env bash
# Prepares what a device-machine run needs (it has no Java): a jlink'ed JDK 25 runtime and Pare's shaded jars, under
# an ignored folder that the device tool's `carry` takes along. Usage: bench/device/prepare.sh [DIR] (default .devcpu)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir="$root/${1:-.devcpu}"
. "$root/scripts/find-jdk.sh"
pare_find_jdk
(cd "$root" && ./mvnw -q -DskipTests package -pl cli,bench -am)
rm -rf "$dir" && mkdir -p "$dir"
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported,java.management,java.desktop \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$dir/jre"
tar -C "$dir" -czf "$dir/jre.tar.gz" jre && rm -rf "$dir/jre"
cp "$root/cli/target/pare.jar" "$root/bench/target/benchmarks.jar" "$dir/"
du -sh "$dir"
