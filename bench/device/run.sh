#!/usr/bin/env bash
# Runs on the GPU machine, from the folder prepare.sh filled: unpacks the runtime, runs the GPU tests (JUnit console
# launcher, tag "gpu"), Pare's per-layer GPU benchmark and the PyTorch baselines on the same card. Logs go to $OUT.
# Usage: run.sh [tests|bench|torch ...]   (default: all three)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${OUT:-/tmp/pare-out}
mkdir -p "$out"
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(tests bench torch)
tar -C /tmp -xzf "$here/jre.tar.gz"
java=/tmp/jre/bin/java
cp=$(ls "$here"/lib/*.jar | grep -v console-standalone | tr '\n' ':')
flags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx48g -XX:+UseParallelGC)
export PARE_CACHE=/tmp/pare-cache
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv | tee "$out/gpu.txt"
rc=0
for step in "${steps[@]}"; do
    echo "=== $step"
    case $step in
        tests)
            # Synchronise after every launch in the tests: a kernel fault is then reported at the launch that caused it.
            "$java" "${flags[@]}" -Dpare.cuda.sync=true -jar "$here"/lib/junit-platform-console-standalone-*.jar execute --class-path "$cp" \
                --select-class dev.pare.backend.CudaBackendTest --select-class dev.pare.backend.BackendsTest \
                --details=tree --disable-banner 2>&1 | tee "$out/tests.log" || rc=1 ;;
        bench)
            "$java" "${flags[@]}" -cp "$cp" dev.pare.bench.GpuLayerBench "${PARE_BATCHES:-16}" 2>&1 | tee "$out/bench.log" || rc=1 ;;
        torch)
            PYTHONUNBUFFERED=1 python3 "$here/torch_reference.py" "${PARE_BATCHES:-16}" 2>&1 | tee "$out/torch.log" || rc=1 ;;
    esac
done
exit $rc
