#!/usr/bin/env bash
# Prepares what a device-machine run needs (it has no Java): a jlink'ed JDK 25 runtime and Pare's shaded jars, under
# an ignored folder that the device tool's `carry` takes along. Usage: bench/device/prepare-shaded.sh [DIR] [--no-tokenizer]
# (default .devcpu). --no-tokenizer leaves the tokenizer's native library behind too (runs that read token ids only),
# which keeps the bundle near 30 MB, so that a model can travel beside it within the 64 MiB limit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir="$root/${1:-.devcpu}"
strip_tokenizer=${2:-}
. "$root/scripts/find-jdk.sh"
pare_find_jdk
(cd "$root" && ./mvnw -q -DskipTests package -pl cli,bench -am)
rm -rf "$dir" && mkdir -p "$dir"
"$JAVA_HOME/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported,java.management \
  --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$dir/jre"
tar -C "$dir" -czf "$dir/jre.tar.gz" jre && rm -rf "$dir/jre"
# benchmarks.jar holds everything pare.jar does; the device is x86-64 Linux, so the other platforms' natives stay behind
# (the carried tree is limited to 64 MiB).
cp "$root/bench/target/benchmarks.jar" "$dir/"
(cd "$dir" && zip -q -d benchmarks.jar 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*' 'com/sun/jna/aix*' \
  'com/sun/jna/win32*' 'com/sun/jna/darwin*' 'com/sun/jna/sunos*' 'com/sun/jna/freebsd*' 'com/sun/jna/openbsd*' >/dev/null || true)
if [ "$strip_tokenizer" = --no-tokenizer ]; then (cd "$dir" && zip -q -d benchmarks.jar 'native/lib/*' >/dev/null || true); fi
du -sh "$dir"
