#!/usr/bin/env node
'use strict';
// TFLite's own interpreter (its C++ runtime built to WebAssembly: @tensorflow/tfjs-tflite) on the exact bytes another
// engine was fed: the reference of issue 13's agreement measurement (docs/import.md, "Agreement with TFLite").
//
//   node scripts/tflite-reference/run.js MODEL.tflite -o OUT.json [--kernels builtin|xnnpack] [--wasm plain|simd]
//       [--extra TENSOR_INDEX]... [--all-ops] INPUT...
//
// INPUT is an Arm NN reference JSON of scripts/armnn-reference.py written with --save-inputs (its inputs are read from
// the JSON's path minus ".json" plus ".inputs"/<index>.rgb and each one's SHA-256 is checked against the JSON), or an
// .rgb file (uint8 RGB, NHWC, exactly the model's input size). Per input OUT.json has, like the Arm NN JSON: index,
// path, input_sha256, top5 (ties to the lower index), scores, lead_steps (output steps) and output_base64 (the model's
// output bytes), plus logits_base64 (the SOFTMAX's input tensor, the logits our import outputs) and extra_base64 for
// each --extra tensor (--all-ops: every operator's output, to find the first layer where two engines differ, as
// scripts/tflite-reference/compare-layers.cs does). `--kernels builtin` (the default) runs every node on TFLite's builtin kernels (see
// patchForBuiltinKernels), `xnnpack` as the runtime chooses by default (its XNNPACK delegate takes the int8 layers).
// The node types TFLite reports running (its profiler) are recorded in the JSON, which shows which kernels ran.
// Set-up: (cd scripts/tflite-reference && npm ci).
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { BUILTIN, TYPE, readModel, patchForBuiltinKernels, withExtraOutputs } = require('./tflite-model.js');
const TYPE_NAMES = Object.fromEntries(Object.entries(TYPE).map(([name, code]) => [code, name.toLowerCase()]));

function parseArgs(argv) {
  const args = { kernels: 'builtin', wasm: 'plain', extra: [], inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o') args.output = argv[++i];
    else if (a === '--kernels') args.kernels = argv[++i];
    else if (a === '--wasm') args.wasm = argv[++i];
    else if (a === '--extra') args.extra.push(Number(argv[++i]));
    else if (a === '--all-ops') args.allOps = true;
    else if (!args.model) args.model = a;
    else args.inputs.push(a);
  }
  if (!args.model || !args.output || args.inputs.length === 0 || !['builtin', 'xnnpack'].includes(args.kernels)
      || !['plain', 'simd'].includes(args.wasm)) {
    console.error('usage: run.js MODEL.tflite -o OUT.json [--kernels builtin|xnnpack] [--wasm plain|simd] [--extra N]... INPUT...');
    process.exit(2);
  }
  return args;
}

// The inputs to run, in order: { index, path, bytes, sha256 }, checked against the Arm NN JSON that recorded them.
function listInputs(inputs) {
  const list = [];
  for (const input of inputs) {
    if (input.endsWith('.json')) {
      const reference = JSON.parse(fs.readFileSync(input, 'utf8'));
      const dir = input.slice(0, -'.json'.length) + '.inputs';
      for (const image of reference.images) {
        const file = path.join(dir, `${image.index}.rgb`);
        const bytes = fs.readFileSync(file);
        const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
        if (sha256 !== image.input_sha256) throw new Error(`${file} is not the input ${input} recorded`);
        list.push({ index: list.length, path: image.path, bytes, sha256 });
      }
    } else {
      const bytes = fs.readFileSync(input);
      list.push({ index: list.length, path: input, bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    }
  }
  return list;
}

// Highest first, ties to the lower index (as scripts/armnn-reference.py orders its top 5).
function top5(values) {
  return Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, 5);
}

function base64(typed) {
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString('base64');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const packageDir = path.dirname(require.resolve('@tensorflow/tfjs-tflite/package.json'));
  const wasmName = args.wasm === 'simd' ? 'tflite_web_api_cc_simd' : 'tflite_web_api_cc';
  const factory = require(path.join(packageDir, 'wasm', `${wasmName}.js`));
  // Node has no fetch of file paths: the module gets its wasm bytes directly.
  const wasm = await factory({ wasmBinary: fs.readFileSync(path.join(packageDir, 'wasm', `${wasmName}.wasm`)) });

  const original = fs.readFileSync(args.model);
  const model = readModel(original);
  if (args.allOps) {
    args.extra.push(...model.operators.map((o) => o.outputs[0]).filter((t) => !model.outputs.includes(t)));
  }
  const softmax = model.operators.find((o) => o.code === BUILTIN.SOFTMAX);
  const extra = [...(softmax ? [softmax.inputs[0]] : []), ...args.extra];
  let bytes = withExtraOutputs(original, extra);
  let shapeInput = null;
  if (args.kernels === 'builtin') {
    const patched = patchForBuiltinKernels(bytes);
    bytes = patched.bytes;
    shapeInput = patched;
  }
  const at = wasm._malloc(bytes.length);
  wasm.HEAPU8.set(bytes, at);
  const created = wasm.TFLiteWebModelRunner.CreateFromBufferAndOptions(at, bytes.length,
    { numThreads: 1, enableProfiling: true, maxProfilingBufferEntries: 4096 });
  if (!created.ok()) throw new Error(`TFLite: ${created.errorMessage()}`);
  const runner = created.value();

  const images = [];
  let nodeTypes = null;
  let logitsType = null;
  let seconds = 0;
  for (const input of listInputs(args.inputs)) {
    const tensors = runner.GetInputs();
    const pixels = tensors.get(0).data();
    if (pixels.length !== input.bytes.length) throw new Error(`${input.path}: ${input.bytes.length} bytes, the model takes ${pixels.length}`);
    pixels.set(input.bytes);
    if (shapeInput) tensors.get(shapeInput.shapeInput).data().set(shapeInput.shape);
    const started = process.hrtime.bigint();
    if (!runner.Infer()) throw new Error(`${input.path}: TFLite's Invoke failed`);
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    if (nodeTypes === null) {
      const profile = runner.GetProfilingResults();
      nodeTypes = {};
      for (let i = 0; i < profile.size(); i++) {
        const type = profile.get(i).nodeType;
        nodeTypes[type] = (nodeTypes[type] ?? 0) + 1;
      }
    }
    // Read after Invoke: the builtin-kernel copy has dynamic tensors, which TFLite may reallocate while running.
    const outputs = runner.GetOutputs();
    const output = outputs.get(0).data().slice();
    const best = top5(output);
    const entry = { index: input.index, path: input.path, input_sha256: input.sha256, top5: best,
      scores: best.map((i) => output[i]), lead_steps: output[best[0]] - output[best[1]], output_base64: base64(output) };
    let next = 1;
    if (softmax) {
      logitsType = outputs.get(next).dataType;
      entry.logits_base64 = base64(outputs.get(next++).data().slice());
    }
    entry.extra_base64 = args.extra.map(() => base64(outputs.get(next++).data().slice()));
    images.push(entry);
  }

  const version = require('@tensorflow/tfjs-tflite/package.json').version;
  const report = {
    tool: 'scripts/tflite-reference/run.js',
    engine: `TFLite (@tensorflow/tfjs-tflite ${version}, ${wasmName}.wasm, one thread), ${args.kernels === 'builtin'
      ? 'builtin kernels (default delegate declined: see tflite-model.js)' : 'default XNNPACK delegate'}`,
    node: process.version,
    model: path.resolve(args.model),
    model_sha256: crypto.createHash('sha256').update(original).digest('hex'),
    kernels: args.kernels,
    node_types: nodeTypes,
    logits_dtype: logitsType,
    extra_tensors: args.extra.map((i) => ({ index: i, name: model.tensors[i].name, dtype: TYPE_NAMES[model.tensors[i].type],
      operator: model.operators.findIndex((o) => o.outputs.includes(i)) })),
    seconds: { inference_total: Number(seconds.toFixed(3)), inference_per_image: Number((seconds / Math.max(1, images.length)).toFixed(4)) },
    images,
  };
  fs.writeFileSync(args.output + '.tmp', JSON.stringify(report, null, 1) + '\n');
  fs.renameSync(args.output + '.tmp', args.output);
  console.log(`${images.length} inputs, ${args.kernels} (${Object.entries(nodeTypes ?? {}).map(([k, v]) => `${k} x${v}`).join(', ')}), `
    + `${(seconds / Math.max(1, images.length) * 1000).toFixed(1)} ms/input -> ${args.output}`);
}

main().catch((e) => { console.error(`error: ${e.message}`); process.exit(1); });
