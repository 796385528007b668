#!/usr/bin/env bash
# Runs on the GPU machine, from the folder prepare.sh filled: unpacks the runtime, runs the GPU tests (JUnit console
# launcher, tag "gpu"), Pare's per-layer GPU benchmark and the PyTorch baselines on the same card. Logs go to $OUT.
# Usage: run.sh [tests|bench|torch|e2e|parity|ablation ...]   (default: tests bench torch)
#   e2e:      pare synth (LLaMA-7B shapes, F16) into $PARE_SCRATCH, then EndToEndBench (SparseGPT 50% + 4-bit, 128 × 2048)
#   parity:   ReferenceParity --device $PARE_DEVICE (default cuda) on $PARE_DATA/llama20m (runs: $PARE_RUNS), WikiText-2 from $PARE_DATA's uint16 ids
#   ablation: SchedulerAblation table --device cuda on the same data
#   cpu:      pare compress --device cpu (GPTQ 4-bit, $PARE_NSAMPLES windows of llama20m, default 8) at each of
#             $PARE_THREADS (default "1 4 16") threads; each engine jar in $PARE_BASE_ENGINES (earlier builds) runs the
#             same at the largest count first, as the baseline of the same call
#   wanda:    pare compress --method wanda --sparsity $PARE_SPARSITY (default 0.7) on the GPU, then wanda_reference.py:
#             locuslab's prune_wanda in PyTorch on the same data, masks compared layer by layer with Pare's output
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${OUT:-/tmp/pare-out}
mkdir -p "$out"
steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(tests bench torch)
tar -C /tmp -xzf "$here/jre.tar.gz"
java=/tmp/jre/bin/java
cp=$(ls "$here"/lib/*.jar | grep -v console-standalone | tr '\n' ':')
flags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx48g -XX:+UseParallelGC -Dpare.home="$PWD")
scratch=${PARE_SCRATCH:-/tmp/pare-scratch}
data=${PARE_DATA:-/tmp/pare-data}
export PARE_CACHE=/tmp/pare-cache
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv | tee "$out/gpu.txt"
rc=0
for step in "${steps[@]}"; do
    echo "=== $step"
    case $step in
        tests)
            # Synchronise after every launch in the tests: a kernel fault is then reported at the launch that caused it.
            "$java" "${flags[@]}" -Dpare.cuda.sync=true -Dpare.shared="$here/shared" -jar "$here"/lib/junit-platform-console-standalone-*.jar \
                execute --class-path "$cp" --select-class dev.pare.backend.CudaBackendTest --select-class dev.pare.backend.BackendsTest \
                --select-class dev.pare.model.CudaForwardParityTest --select-class dev.pare.compress.CudaPipelineParityTest \
                --details=tree --disable-banner 2>&1 | tee "$out/tests.log" || rc=1 ;;
        bench)
            "$java" "${flags[@]}" -cp "$cp" dev.pare.bench.GpuLayerBench "${PARE_BATCHES:-16}" 2>&1 | tee "$out/bench.log" || rc=1 ;;
        torch)
            PYTHONUNBUFFERED=1 python3 "$here/torch_reference.py" "${PARE_BATCHES:-16}" 2>&1 | tee "$out/torch.log" || rc=1 ;;
        e2e)
            mkdir -p "$scratch"
            [ -d "$scratch/llama7b" ] || "$java" "${flags[@]}" -cp "$cp" dev.pare.cli.Pare synth --out "$scratch/llama7b" 2>&1 | tail -n 3 | tee "$out/synth.log" || rc=1
            rm -rf "$scratch/llama7b-out"
            "$java" "${flags[@]}" ${PARE_E2E_JAVA:-} -cp "$cp" dev.pare.bench.EndToEndBench --model "$scratch/llama7b" --out "$scratch/llama7b-out" --device cuda \
                --gpu-math "${PARE_GPU_MATH:-fp32}" 2>"$out/e2e.err" | tee "$out/e2e.log" || rc=1
            tail -n 5 "$out/e2e.err" ;;
        parity)
            "$java" "${flags[@]}" -cp "$cp" dev.pare.bench.ReferenceParity --device "${PARE_DEVICE:-cuda}" --model "$data/llama20m" \
                --eval-tokens "$data/wikitext2_llama20m_uint16.bin" --runs "${PARE_RUNS:-dense,sparsegpt_50,gptq_w4_pc}" ${PARE_PARITY_ARGS:-} --out "$out/parity.md" \
                2>"$out/parity.err" || rc=1
            tail -n 5 "$out/parity.err" ;;
        ablation)
            "$java" "${flags[@]}" -cp "$cp" dev.pare.bench.SchedulerAblation table --device cuda --model "$data/llama20m" \
                --eval-tokens "$data/wikitext2_llama20m_uint16.bin" --quiet true --out "$out/ablation.md" ${PARE_ABLATION_ARGS:-} \
                2>"$out/ablation.err" || rc=1
            tail -n 5 "$out/ablation.err" ;;
        cpu)
            ns=${PARE_NSAMPLES:-8}; threads=(${PARE_THREADS:-1 4 16})
            compress() { # $1: class path, $2: threads, $3: label
                rm -rf "$scratch/cpu-out"; mkdir -p "$scratch"
                "$java" "${flags[@]}" -cp "$1" dev.pare.cli.Pare compress --model "$data/llama20m" --method gptq --bits 4 \
                    --calib-tokens "$data/llama20m/calib_128x2048_uint16.bin" --nsamples "$ns" --device cpu --threads "$2" \
                    --out "$scratch/cpu-out" 2>&1 | grep -o "in [0-9.]* s:" | sed "s|^|$3, $2 threads, $ns windows: compressed |" | tee -a "$out/cpu.log"
            }
            for jar in ${PARE_BASE_ENGINES:-}; do compress "$jar:$(echo "$cp" | tr ':' '\n' | grep -v pare-engine-0 | tr '\n' ':')" "${threads[-1]}" "$(basename "$jar")"; done
            for t in "${threads[@]}"; do compress "$cp" "$t" "this build"; done ;;
        wanda)
            sparsity=${PARE_SPARSITY:-0.7}
            rm -rf "$scratch/wanda-out"; mkdir -p "$scratch"
            "$java" "${flags[@]}" -cp "$cp" dev.pare.cli.Pare compress --model "$data/llama20m" --method wanda --sparsity "$sparsity" \
                --calib-tokens "$data/llama20m/calib_128x2048_uint16.bin" --device cuda --out "$scratch/wanda-out" 2>&1 | tail -n 4 || rc=1
            PYTHONUNBUFFERED=1 python3 "$here/wanda_reference.py" "$data" "$sparsity" "$out" "$scratch/wanda-out" 2>&1 | tee "$out/wanda.log" || rc=1 ;;
    esac
done
exit $rc
