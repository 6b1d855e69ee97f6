#!/usr/bin/env bash
# Writes tests/models/tflite/mobilenet_v1_0.25_128_quant.tflite-reference.json: TFLite's builtin kernels (run.js) on
# grace_hopper.bmp as our tests resize it (ImageFile.ReadResized, 128x128), with the output of the last convolution
# before the average pool (operator 26), which TfliteReferenceOutputTests compares with our interpreter byte for byte.
# Needs (cd scripts/tflite-reference && npm ci). Usage (from anywhere): bash scripts/tflite-reference/make-fixture.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
model=tests/models/tflite/mobilenet_v1_0.25_128_quant.tflite
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dotnet run -c Release scripts/tflite-reference/resized-input.cs -- tests/models/tflite/grace_hopper.bmp 128 128 "$tmp/input.rgb"
# Tensor 83 is operator 26's output (CONV_2D, 1x4x4x256, uint8); run.js records which operator wrote it.
node scripts/tflite-reference/run.js "$model" --kernels builtin --extra 83 -o "$tmp/out.json" "$tmp/input.rgb"
node - "$tmp/out.json" "${model%.tflite}.tflite-reference.json" <<'JS'
const fs = require('fs');
const [, , from, to] = process.argv;
const run = JSON.parse(fs.readFileSync(from, 'utf8'));
const image = run.images[0];
const fixture = {
  made_by: 'scripts/tflite-reference/make-fixture.sh',
  engine: run.engine,
  node_types: run.node_types,
  model_sha256: run.model_sha256,
  input: 'tests/models/tflite/grace_hopper.bmp, ImageFile.ReadResized to 128x128x3 (RGB, HWC)',
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
