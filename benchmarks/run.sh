#!/usr/bin/env bash
# The side-by-side benchmark in one command (issue 6): builds Release, publishes both samples with Native AOT (time,
# binary size), times the generated code, the reference interpreter, ONNX Runtime float and int8 and TorchSharp on
# fashion-cnn, intel-cnn and intel-mobilenet (batch 1, one thread) and the generated PredictBatch on 256 images at 1 and 2 threads,
# prints a table per model, the batch table and a memory summary (arena, working sets, AOT binary sizes), and writes
# artifacts/bench.json; then compares the Fashion sample's --evaluate speed, AOT binary against JIT build
# (artifacts/aot.json). Uses the trained sample models when they exist, else random-weight stand-ins of the same
# architectures. About 3 minutes on 2 cores.
#
#   bash benchmarks/run.sh               everything
#   bash benchmarks/run.sh --batch-only  only PredictBatch at 1 and 2 threads (about a minute; no files written)
#   bash benchmarks/run.sh --intra-op-only  only one image at 1 and 2 intra-op threads: generated IntraOpThreads against
#                                           ONNX Runtime int8 and float IntraOpNumThreads (about two minutes; no files written)
#   bash benchmarks/run.sh --layers      only each generated step's median time, MACs and GMAC/s at 1 and 2 intra-op threads, then ONNX Runtime int8's per-node times (its profiler)
#   bash benchmarks/run.sh --layers intel-mobilenet  the same for one model (its key) only
#   bash benchmarks/run.sh --imported-only  only TensorFlow's MobileNetV2 imported from .tflite (issue 13): generated against
#                                           ONNX Runtime int8 and float, batch 1, one thread, and its GMAC/s against the
#                                           core's multiply-accumulate ceiling (about a minute; no files written)
#   bash benchmarks/run.sh --multiply-ceiling  only that ceiling: the generated code's exact int16 loop against ONNX
#                                           Runtime's u8 x s8 loop, weights in L1 (seconds)
# The full run prints the intra-op table and the imported model's table too, after the batch table.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
started=$(date +%s)
artifacts=artifacts
mkdir -p "$artifacts"
benchmark=benchmarks/ModelCompiler.Benchmarks/bin/Release/net10.0/linux-x64/ModelCompiler.Benchmarks

if [ ! -f samples/FashionClassifier/fashion.qmodel ] || [ ! -f samples/IntelClassifier.Model/intel.qmodel ] \
    || [ ! -f samples/IntelClassifier.Model/intel-mobilenet.qmodel ]; then
    echo "== a sample model is missing: using random-weight stand-ins for it (artifacts/bench-models)"
    dotnet run --project benchmarks/BenchmarkModels -c Release -- "$artifacts/bench-models"
fi

if [ "${1:-}" = "--layers" ]; then
    echo "== building the benchmark (Release)"
    dotnet build benchmarks/ModelCompiler.Benchmarks -c Release -nologo -v quiet
    "$benchmark" --layers ${2:+--layers-of "$2"}
    exit 0
fi

if [ "${1:-}" = "--intra-op-only" ]; then
    echo "== building the benchmark (Release)"
    dotnet build benchmarks/ModelCompiler.Benchmarks -c Release -nologo -v quiet
    echo "== one image at 1 and 2 intra-op threads ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$benchmark" --intra-op-only --artifacts "$artifacts"
    exit 0
fi

if [ "${1:-}" = "--imported-only" ]; then
    echo "== building the benchmark (Release)"
    dotnet build benchmarks/ModelCompiler.Benchmarks -c Release -nologo -v quiet
    "$benchmark" --imported-only --artifacts "$artifacts"
    exit 0
fi

if [ "${1:-}" = "--multiply-ceiling" ]; then
    dotnet build benchmarks/ModelCompiler.Benchmarks -c Release -nologo -v quiet
    "$benchmark" --multiply-ceiling
    exit 0
fi

if [ "${1:-}" = "--batch-only" ]; then
    echo "== building the benchmark (Release)"
    dotnet build benchmarks/ModelCompiler.Benchmarks -c Release -nologo -v quiet
    echo "== generated PredictBatch, 256 images, 1 and 2 threads ($(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$benchmark" --batch-only --artifacts "$artifacts"
    exit 0
fi
rm -f "$artifacts/bench.json" "$artifacts/bench-models.json" "$artifacts/aot.json" "$artifacts/onnx-accuracy.json"

# Publishes a sample with Native AOT (PublishAot and the instruction set are set in its csproj) from a clean sample
# folder (its bin and obj removed; the Runtime and the generator are already built), and sets publish_s and bytes.
publish_aot() {
    local project=$1 out=$2 binary=$3
    rm -rf "$out" "$project/bin" "$project/obj"
    local t0 t1
    t0=$(date +%s.%N)
    dotnet publish "$project" -c Release -o "$out" -nologo -v quiet
    t1=$(date +%s.%N)
    publish_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    bytes=$(stat -c %s "$out/$binary")
    echo "$project: publish ${publish_s} s, binary $out/$binary $bytes bytes"
}

# Both samples are published before the benchmark, whose memory summary reports their binary sizes.
aot_args=()
fashion=samples/FashionClassifier
fashion_published=false
if [ -f "$fashion/FashionClassifier.csproj" ] && [ -f "$fashion/fashion.qmodel" ]; then
    echo "== Native AOT publish of the Fashion sample"
    publish_aot "$fashion" "$artifacts/aot/fashion" fashion-classifier
    fashion_publish_s=$publish_s fashion_bytes=$bytes fashion_published=true
    aot_args+=(--aot-binary "fashion-cnn=$artifacts/aot/fashion/fashion-classifier")
else
    echo "== Native AOT step for the Fashion sample skipped: $fashion/FashionClassifier.csproj and $fashion/fashion.qmodel must both exist"
fi

aot_entries=()
intel=samples/IntelClassifier
if [ -f "$intel/IntelClassifier.csproj" ] && [ -f "$intel.Model/intel.qmodel" ]; then
    # Publish time and binary size only (the photographs' accuracy is the Intel job's, scripts/intel-job.sh).
    echo "== Native AOT publish of the Intel sample"
    publish_aot "$intel" "$artifacts/aot/intel" intel-classifier
    aot_entries+=("$(printf '{ "sample": "%s", "publish_seconds": %s, "binary_bytes": %s }' "$intel" "$publish_s" "$bytes")")
    aot_args+=(--aot-binary "intel-cnn=$artifacts/aot/intel/intel-classifier")
else
    echo "== Native AOT publish of the Intel sample skipped: $intel/IntelClassifier.csproj and $intel.Model/intel.qmodel must both exist"
fi

echo "== building the benchmark (Release)"
dotnet build benchmarks/ModelCompiler.Benchmarks -c Release -nologo -v quiet
echo "== running it"
"$benchmark" --artifacts "$artifacts" "${aot_args[@]}"

if [ "$fashion_published" = true ]; then
    binary="$artifacts/aot/fashion/fashion-classifier"
    # Each pass is about 1.5 s, short next to the machine's noise: three alternating passes each, median kept.
    echo "== --evaluate, 3 alternating passes: AOT binary, JIT build (dotnet run -c Release)"
    dotnet build "$fashion" -c Release -nologo -v quiet >/dev/null
    aot_runs=() jit_runs=()
    for pass in 1 2 3; do
        aot_line=$("$binary" --evaluate | tail -n 1)
        jit_line=$(dotnet run --project "$fashion" -c Release --no-build -- --evaluate | tail -n 1)
        echo "pass $pass AOT: $aot_line"
        echo "pass $pass JIT: $jit_line"
        aot_runs+=("$(grep -oE '[0-9.]+ us per image' <<<"$aot_line" | cut -d' ' -f1)")
        jit_runs+=("$(grep -oE '[0-9.]+ us per image' <<<"$jit_line" | cut -d' ' -f1)")
    done
    aot_us=$(printf '%s\n' "${aot_runs[@]}" | sort -g | sed -n 2p)
    jit_us=$(printf '%s\n' "${jit_runs[@]}" | sort -g | sed -n 2p)
    ratio=$(awk -v a="$aot_us" -v j="$jit_us" 'BEGIN { printf "%.3f", a / j }')
    echo "median us per image: AOT $aot_us, JIT $jit_us; AOT / JIT = $ratio (at most 1.10 meets the 10 % target)"
    aot_entries=("$(printf '{ "sample": "%s", "publish_seconds": %s, "binary_bytes": %s, "aot_us_per_image": %s, "jit_us_per_image": %s, "aot_over_jit": %s }' \
        "$fashion" "$fashion_publish_s" "$fashion_bytes" "$aot_us" "$jit_us" "$ratio")" "${aot_entries[@]}")
fi

if [ ${#aot_entries[@]} -gt 0 ]; then
    tmp=$(mktemp "$artifacts/.aot.json.XXXXXX")
    { echo "["; printf '  %s,\n' "${aot_entries[@]}" | sed '$ s/,$//'; echo "]"; } >"$tmp"
    mv "$tmp" "$artifacts/aot.json"
    echo "wrote $artifacts/aot.json"
fi

echo "== done in $(( $(date +%s) - started )) s"
