#!/usr/bin/env bash
# On the device machine: unpacks the carried runtime once, then runs java with Pare's flags. Usage: bench/device/run-java.sh DIR ARGS...
set -euo pipefail
dir=$1; shift
[ -x /tmp/pare-jre/bin/java ] || { mkdir -p /tmp/pare-jre && tar -C /tmp/pare-jre --strip-components=1 -xzf "$dir/jre.tar.gz"; }
exec /tmp/pare-jre/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC "$@"
