#!/usr/bin/env bash
# The trainer's acceptance run (issue 3) on full Fashion-MNIST: float training, QAT, full-integer PTQ,
# selective QAT, dynamic-range and float16 PTQ. Each command prints the comparison table and writes
# <output>.report.json. Usage: scripts/trainer-acceptance.sh [output-folder]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/trainer-acceptance}"
mkdir -p "$out"
dotnet build src/Trainer -c Release -v q -nologo
T=src/Trainer/bin/Release/net10.0/linux-x64/modelc-train
run() { echo "== modelc-train $*"; /usr/bin/time -f "elapsed %e s" "$T" "$@"; }
run train --model fashion-cnn --epochs 3 --batch-size 64 --lr 1e-3 -o "$out/fashion.tsm"
run qat --from "$out/fashion.tsm" --epochs 1 --batch-size 64 --lr 1e-4 -o "$out/fashion-qat.qmodel"
run ptq --from "$out/fashion.tsm" --mode full-int8 --calibration-samples 1000 -o "$out/fashion-ptq.qmodel"
run qat --from "$out/fashion.tsm" --epochs 1 --batch-size 64 --lr 1e-4 --layers conv1,conv2,dense1 -o "$out/fashion-selective.qmodel"
run ptq --from "$out/fashion.tsm" --mode dynamic -o "$out/fashion-dynamic.qmodel"
run ptq --from "$out/fashion.tsm" --mode float16 -o "$out/fashion-float16.qmodel"
run inspect "$out/fashion-selective.qmodel"
