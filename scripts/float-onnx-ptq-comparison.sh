#!/usr/bin/env bash
# Issue 13's float ONNX acceptance on the whole Fashion-MNIST test set: one float fashion-cnn quantized (a) by the
# trainer's PTQ and (b) by exporting it as float ONNX, importing that and quantizing it in the import (same calibration
# settings). Prints both int8 accuracies (reference interpreter, 10,000 test images) and their difference.
#   scripts/float-onnx-ptq-comparison.sh [OUT_DIR] [TRAINER]
# TRAINER: how to run modelc-train (default: dotnet src/Trainer/bin/Release/net10.0/linux-x64/modelc-train.dll).
# TRAIN_ARGS: the float training (default: --train-limit=20000 --epochs 3, a few minutes on 2 cores).
set -euo pipefail
out=${1:-artifacts/float-onnx-ptq}
trainer=${2:-dotnet src/Trainer/bin/Release/net10.0/linux-x64/modelc-train.dll}
train_args=${TRAIN_ARGS:---train-limit=20000 --epochs 3}
samples=${CALIBRATION_SAMPLES:-1000}
mkdir -p "$out"
$trainer train --model fashion-cnn $train_args -o "$out/fashion.tsm"
$trainer export-onnx "$out/fashion.tsm" -o "$out/fashion"
$trainer ptq --from "$out/fashion.tsm" --mode full-int8 --calibration-samples "$samples" -o "$out/trainer-ptq.qmodel"
$trainer import "$out/fashion.float.onnx" --data fashion-mnist --calibration-samples "$samples" -o "$out/import-ptq.qmodel"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
a = json.load(open(f"{out}/trainer-ptq.qmodel.report.json"))
b = json.load(open(f"{out}/import-ptq.qmodel.report.json"))
print(f"test images: {a['test_images']} / {b['test_images']}")
print(f"float accuracy: trainer {a['float_accuracy']*100:.2f} %, imported float ONNX {b['float_accuracy']*100:.2f} %")
print(f"int8 accuracy:  trainer PTQ {a['int8_accuracy']*100:.2f} %, float ONNX import + PTQ {b['int8_accuracy']*100:.2f} %")
d = abs(a['int8_accuracy'] - b['int8_accuracy']) * 100
print(f"difference: {d:.2f} points ({'within' if d <= 0.5 else 'NOT within'} 0.5)")
PY
