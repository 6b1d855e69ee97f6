#!/usr/bin/env bash
# Training speed of intel-mobilenet against intel-cnn on a fixed subset of the Intel photographs: one float epoch and
# one whole-model QAT epoch each (batch 16, augmented, THREADS libtorch threads), run back to back so that both models
# see the same machine load. Prints each run's epoch line (batches / steps / validation split) and the load average.
#
# Usage: scripts/train-speed.sh DATA_DIR [OUT_DIR] [TRAINER]
#   TRAINER: a built modelc-train (default: build src/Trainer into OUT_DIR/trainer), to compare two builds.
#   Environment: THREADS (default 2), TRAIN_LIMIT (default 320), MODELS (default "intel-mobilenet intel-cnn").
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:?usage: scripts/train-speed.sh DATA_DIR [OUT_DIR] [TRAINER]}"
out="${2:-artifacts/train-speed}"
threads="${THREADS:-2}"
limit="${TRAIN_LIMIT:-320}"
models="${MODELS:-intel-mobilenet intel-cnn}"
mkdir -p "$out"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
T="${3:-}"
if [ -z "$T" ]; then
    dotnet build src/Trainer/Trainer.csproj -c Release -nologo -v quiet -o "$out/trainer"
    T="$out/trainer/modelc-train"
fi

common=(--data-dir "$data" --val-fraction 0.1 --train-limit "$limit" --test-limit 64 --threads "$threads" --batch-size 16 --augment --seed 1)
for model in $models; do
    echo "== $model float, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$T" train --model "$model" "${common[@]}" --epochs 1 -o "$out/$model-float.tsm" 2>&1 | grep -E "epoch|img/s" | tail -1
    echo "== $model qat, load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$T" qat --from "$out/$model-float.tsm" "${common[@]}" --epochs 1 -o "$out/$model-qat.qmodel" 2>&1 | grep -E "epoch|img/s" | tail -1
done
echo "== end, load $(cut -d' ' -f1-3 /proc/loadavg)"
