#!/usr/bin/env bash
# Writes the fixtures of TfliteReferenceOutputTests: TFLite's builtin kernels (run.js) on grace_hopper.bmp as our tests
# resize it (ImageFile.ReadResized), with the model's logits and one inner tensor each, which the tests compare with our
# interpreter byte for byte:
#   tests/models/tflite/mobilenet_v1_0.25_128_quant.tflite-reference.json (128x128; tensor 83, operator 26's output:
#     the last CONV_2D before the average pool, 1x4x4x256 uint8)
#   tests/models/tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite-reference.json (224x224; tensor 172, operator 63's output:
#     the MEAN, 1x1x1x1280 int8)
# Needs (cd scripts/tflite-reference && npm ci). Usage (from anywhere): bash scripts/tflite-reference/make-fixture.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fixture MODEL SIZE TENSOR: run.js on the photograph resized to SIZE x SIZE, TENSOR recorded, the fixture written.
fixture() {
  local model=$1 size=$2 tensor=$3
  dotnet run -c Release scripts/tflite-reference/resized-input.cs -- tests/models/tflite/grace_hopper.bmp "$size" "$size" "$tmp/input.rgb"
  # run.js records which operator wrote the tensor.
  node scripts/tflite-reference/run.js "$model" --kernels builtin --extra "$tensor" -o "$tmp/out.json" "$tmp/input.rgb"
  node - "$tmp/out.json" "${model%.tflite}.tflite-reference.json" "$size" <<'JS'
const fs = require('fs');
const [, , from, to, size] = process.argv;
const run = JSON.parse(fs.readFileSync(from, 'utf8'));
const image = run.images[0];
const fixture = {
  made_by: 'scripts/tflite-reference/make-fixture.sh',
  engine: run.engine,
  node_types: run.node_types,
  model_sha256: run.model_sha256,
  input: `tests/models/tflite/grace_hopper.bmp, ImageFile.ReadResized to ${size}x${size}x3 (RGB, HWC)`,
  input_sha256: image.input_sha256,
  top5: image.top5,
  output_base64: image.output_base64,
  logits_dtype: run.logits_dtype,
  logits_base64: image.logits_base64,
  tensors: run.extra_tensors.map((t, i) => ({ ...t, base64: image.extra_base64[i] })),
};
fs.writeFileSync(to, JSON.stringify(fixture, null, 1) + '\n');
JS
  echo "wrote ${model%.tflite}.tflite-reference.json"
}

fixture tests/models/tflite/mobilenet_v1_0.25_128_quant.tflite 128 83
fixture tests/models/tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite 224 172
