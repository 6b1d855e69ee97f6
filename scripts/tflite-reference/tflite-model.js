'use strict';
// A minimal reader of the TFLite flatbuffer (schema.fbs field ids) that also returns where each scalar field is
// stored, so that a copy of the model can be patched in place (see patchForBuiltinKernels).

const BUILTIN = { ADD: 0, AVERAGE_POOL_2D: 1, CONV_2D: 3, DEPTHWISE_CONV_2D: 4, FULLY_CONNECTED: 9, RESHAPE: 22,
  SOFTMAX: 25, MEAN: 40, QUANTIZE: 114 };
const TYPE = { FLOAT32: 0, INT32: 2, UINT8: 3, INT64: 4, INT8: 9 };

class Reader {
  constructor(bytes) { this.b = bytes; this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); }
  u8(p) { return this.v.getUint8(p); }
  i32(p) { return this.v.getInt32(p, true); }
  u32(p) { return this.v.getUint32(p, true); }
  root() { return this.u32(0); }
  // Absolute position of field `id` of the table at `t`, or 0 when absent (the default).
  field(t, id) {
    const vt = t - this.i32(t);
    const vtLen = this.v.getUint16(vt, true);
    if (4 + 2 * id >= vtLen) return 0;
    const off = this.v.getUint16(vt + 4 + 2 * id, true);
    return off === 0 ? 0 : t + off;
  }
  ref(p) { return p + this.u32(p); }
  table(t, id) { const p = this.field(t, id); return p ? this.ref(p) : 0; }
  vector(t, id) { // [position of element 0, length]
    const p = this.field(t, id); if (!p) return [0, 0];
    const v = this.ref(p); return [v + 4, this.u32(v)];
  }
  ints(t, id) { const [p, n] = this.vector(t, id); const a = []; for (let i = 0; i < n; i++) a.push(this.i32(p + 4 * i)); return a; }
  tables(t, id) { const [p, n] = this.vector(t, id); const a = []; for (let i = 0; i < n; i++) a.push(this.ref(p + 4 * i)); return a; }
  string(t, id) { const [p, n] = this.vector(t, id); return p ? Buffer.from(this.b.subarray(p, p + n)).toString('utf8') : ''; }
}

// The model's first subgraph: tensors (name, type, shape, buffer and where type/buffer are stored), operators
// (builtin code, inputs, outputs) and the subgraph's inputs/outputs (with the position of each entry).
function readModel(bytes) {
  const r = new Reader(bytes);
  const model = r.root();
  const codes = r.tables(model, 1).map((c) => {
    const f3 = r.field(c, 3); const f0 = r.field(c, 0);
    return Math.max(f3 ? r.i32(f3) : 0, f0 ? r.v.getInt8(f0) : 0);
  });
  const subgraph = r.tables(model, 2)[0];
  const tensors = r.tables(subgraph, 0).map((t, index) => {
    const typeAt = r.field(t, 1); const bufferAt = r.field(t, 2);
    return { index, name: r.string(t, 3), shape: r.ints(t, 0), type: typeAt ? r.u8(typeAt) : 0, typeAt,
      buffer: bufferAt ? r.u32(bufferAt) : 0, bufferAt };
  });
  const operators = r.tables(subgraph, 3).map((o, index) => {
    const opcodeAt = r.field(o, 0);
    const code = codes[opcodeAt ? r.u32(opcodeAt) : 0];
    const options = code === BUILTIN.RESHAPE ? r.table(o, 4) : 0;
    return { index, code, inputs: r.ints(o, 1), outputs: r.ints(o, 2), reshapeNewShape: options ? r.ints(options, 0) : null };
  });
  const [outputsAt, outputCount] = r.vector(subgraph, 2);
  return { tensors, operators, inputs: r.ints(subgraph, 1), inputsFieldAt: r.field(subgraph, 1),
    outputs: r.ints(subgraph, 2), outputsFieldAt: r.field(subgraph, 2), outputsAt, outputCount };
}

// A copy of the model whose subgraph field `fieldAt` (its inputs or outputs) lists `tensors`: a new vector appended at
// the end (flatbuffer offsets point forward, so the field can point past the old vector, left as unreferenced bytes).
function withTensorList(bytes, fieldAt, tensors) {
  const start = (bytes.length + 3) & ~3;
  const out = Buffer.alloc(start + 4 + 4 * tensors.length);
  out.set(bytes);
  out.writeUInt32LE(tensors.length, start);
  tensors.forEach((t, i) => out.writeInt32LE(t, start + 4 + 4 * i));
  out.writeUInt32LE(start - fieldAt, fieldAt);
  return out;
}

// Why: the WebAssembly TFLite runtime applies its default XNNPACK delegate to every supported node and offers no
// option to turn it off. TFLite applies a default delegate only to graphs without dynamic-sized tensors (the XNNPACK
// delegate of this build does not declare kTfLiteDelegateFlagsAllowDynamicTensors; Subgraph::ModifyGraphWithDelegate
// then returns kTfLiteApplicationError, which Interpreter::ApplyLazyDelegateProviders ignores). So the final RESHAPE's
// constant shape tensor becomes a second model input (its buffer detached): RESHAPE's Prepare marks its output dynamic
// when the shape is not constant, and every node runs on TFLite's builtin kernels. The caller feeds that input the
// same shape the constant had; nothing a kernel computes changes. Returns { bytes, shapeInput, shape }.
function patchForBuiltinKernels(bytes) {
  const model = readModel(bytes);
  const reshapes = model.operators.filter((o) => o.code === BUILTIN.RESHAPE && o.inputs.length === 2);
  if (reshapes.length === 0) throw new Error('no RESHAPE with a shape tensor to make dynamic');
  const shapeTensor = model.tensors[reshapes[reshapes.length - 1].inputs[1]];
  if (shapeTensor.type !== TYPE.INT32 || shapeTensor.shape.length !== 1 || !shapeTensor.bufferAt) {
    throw new Error(`RESHAPE shape tensor ${shapeTensor.index} is not a constant int32 vector`);
  }
  const output = model.tensors[reshapes[reshapes.length - 1].outputs[0]];
  const patched = withTensorList(bytes, model.inputsFieldAt, [...model.inputs, shapeTensor.index]);
  patched.writeUInt32LE(0, shapeTensor.bufferAt); // buffer 0 is the schema's empty buffer: no longer a constant
  return { bytes: patched, shapeInput: model.inputs.length, shape: output.shape };
}

// A copy whose subgraph outputs are the model's own followed by `extra` (e.g. the SOFTMAX's input, the logits, or an
// intermediate tensor): an output only makes TFLite keep that tensor readable, it changes no kernel.
function withExtraOutputs(bytes, extra) {
  const model = readModel(bytes);
  return withTensorList(bytes, model.outputsFieldAt, [...model.outputs, ...extra]);
}

module.exports = { BUILTIN, TYPE, readModel, patchForBuiltinKernels, withExtraOutputs };
