#!/usr/bin/env bash
# Assembles what a GPU-machine run needs (it has no Java, no Maven, no network) into one folder:
#   jre.tar.gz  a jlink'ed JDK 25 runtime (java.base, jdk.incubator.vector, java.logging, jdk.unsupported, java.management)
#   lib/        Pare's jars, the engine's test classes, the few runtime dependencies, JUnit's console launcher
#   shared/     ../shared/reference/tiny (the GPU forward-parity test's models)
#   run.sh and the PyTorch scripts (torch_reference.py, reference_model.py, wanda_reference.py, obs_reference.py)
# Build first (./mvnw install -DskipTests). Usage: bench/device/prepare.sh OUT_DIR   (e.g. the session checkout's .device/cuda)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: prepare.sh OUT_DIR}
. "$root/scripts/find-jdk.sh"
pare_find_jdk
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$out/lib"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/pare-device
mkdir -p "$cache"
if [ ! -f "$cache/jre.tar.gz" ]; then
    rm -rf "$cache/jre"
    "$jdk/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported,java.management,jdk.jfr \
        --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$cache/jre"
    tar -C "$cache" -czf "$cache/jre.tar.gz" jre
fi
cp "$cache/jre.tar.gz" "$out/"
m2=${M2_REPO:-$HOME/.m2/repository}
rm -f "$out"/lib/*.jar
cp "$root"/bindings/target/pare-bindings-*.jar "$root"/native/target/pare-native-*.jar "$root"/engine/target/pare-engine-*.jar \
   "$root"/bench/target/pare-bench-*.jar "$root"/cli/target/pare-cli-*.jar "$out/lib/" 2>/dev/null || true
# The engine's test classes (CudaBackendTest and friends) as one jar.
"$jdk/bin/jar" --create --file "$out/lib/pare-engine-tests.jar" -C "$root/engine/target/test-classes" .
for a in com/fasterxml/jackson/core/jackson-databind/2.23.0/jackson-databind-2.23.0.jar \
         com/fasterxml/jackson/core/jackson-core/2.23.0/jackson-core-2.23.0.jar \
         com/fasterxml/jackson/core/jackson-annotations/2.23/jackson-annotations-2.23.jar \
         org/slf4j/slf4j-api/2.0.20/slf4j-api-2.0.20.jar org/slf4j/slf4j-nop/2.0.20/slf4j-nop-2.0.20.jar \
         info/picocli/picocli/4.7.7/picocli-4.7.7.jar \
         org/junit/platform/junit-platform-console-standalone/1.14.4/junit-platform-console-standalone-1.14.4.jar; do
    cp "$m2/$a" "$out/lib/"
done
rm -f "$out"/lib/*-sources.jar "$out"/lib/*-javadoc.jar "$out"/lib/pare-cli-*-shaded.jar
# The tiny reference models (5.8 MB) for the GPU forward-parity test, when ../shared is here.
if [ -d "$root/../shared/reference/tiny" ]; then
    mkdir -p "$out/shared/reference" && rm -rf "$out/shared/reference/tiny" && cp -r "$root/../shared/reference/tiny" "$out/shared/reference/"
fi
cp "$here/run.sh" "$here"/*.py "$out/"
du -sh "$out"
