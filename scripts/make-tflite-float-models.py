#!/usr/bin/python3
"""Float32 TFLite models for the float import (docs/import.md, "Float TFLite through PTQ"), written by flatc from JSON
with the committed schema (src/ModelCompiler.Import/Tflite/Schema/schema.fbs). Needs: apt-get install
flatbuffers-compiler (flatc 2.0.8); the Arm NN reference (--reference) needs python3-pyarmnn, run with /usr/bin/python3.

    python3 scripts/make-tflite-float-models.py --v2 artifacts/float-mobilenet-v2.tflite
        The shared int8 MobileNetV2 (tests/models/tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite) as a float32 model,
        through flatc's JSON: every int8 filter becomes float32 q * scale[channel], every int32 bias q * scale[channel],
        activations become float32 without quantization, the input and output QUANTIZE are removed (float input in
        MobileNet's [-1, 1]: pixel / 127.5 - 1 as the int8 input's scale 0.007843 and zero point 127 say; float
        softmax output). flatc 2.0.8 prints floats with 6 significant digits, so the scales it hands over are rounded
        to 6 digits: the float model is the int8 model's function to about 1e-6 relative in each constant, not bits.
        About 14 MB: written to artifacts/, not committed.

    /usr/bin/python3 scripts/make-tflite-float-models.py --small [--reference]
        tests/models/tflite/crafted/float-cnn.{json,tflite}: a tiny float CNN (input [1,8,8,3] -> CONV_2D 3x3 SAME
        RELU -> DEPTHWISE_CONV_2D 3x3 stride 2 SAME RELU6 -> CONV_2D 1x1 -> ADD (residual, RELU) -> MAX_POOL_2D 2x2
        VALID -> AVERAGE_POOL_2D 2x2 SAME -> MEAN over H, W (keep_dims) -> RESHAPE [1,4] -> FULLY_CONNECTED 4 -> 5
        -> SOFTMAX), and one variant per construct the float import refuses (float-*.json/.tflite). With --reference,
        Arm NN's CpuRef runs float-cnn.tflite on three deterministic pixel images (pixel / 255) and writes its
        outputs to float-cnn-armnn.json, which the tests compare the imported model with.
"""

import argparse
import copy
import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SCHEMA = os.path.join(ROOT, "src/ModelCompiler.Import/Tflite/Schema/schema.fbs")
CRAFTED = os.path.join(ROOT, "tests/models/tflite/crafted")
INT8_V2 = os.path.join(ROOT, "tests/models/tflite/tf2_mobilenet_v2_1.0_224_ptq.tflite")


def flatc_to_json(tflite, out_dir):
    subprocess.run(["flatc", "--json", "--strict-json", "--defaults-json", "--raw-binary", "-o", out_dir, SCHEMA, "--", tflite], check=True)
    return os.path.join(out_dir, os.path.splitext(os.path.basename(tflite))[0] + ".json")


def flatc_to_tflite(json_path, out_dir):
    subprocess.run(["flatc", "-b", "-o", out_dir, SCHEMA, json_path], check=True)
    return os.path.join(out_dir, os.path.splitext(os.path.basename(json_path))[0] + ".tflite")


def float_bytes(values):
    return list(struct.pack("<%df" % len(values), *values))


def signed(data, kind):
    raw = bytes(data)
    if kind == "INT8":
        return list(struct.unpack("<%db" % len(raw), raw))
    if kind == "INT32":
        return list(struct.unpack("<%di" % (len(raw) // 4), raw))
    raise ValueError(kind)


def dequantized(tensor, buffer):
    """q * scale[c] for a quantized constant (per-channel on quantized_dimension), as float32 bytes."""
    q = tensor["quantization"]
    values = signed(buffer["data"], tensor["type"])
    scales, zeros = q["scale"], q.get("zero_point", [0] * len(q["scale"]))
    shape = tensor["shape"]
    axis = q.get("quantized_dimension", 0)
    inner = 1
    for d in shape[axis + 1:]:
        inner *= d
    out = []
    for i, v in enumerate(values):
        c = (i // inner) % shape[axis] if len(scales) > 1 else 0
        out.append((v - zeros[c]) * scales[c])
    return float_bytes(out)


def float_v2(target):
    with tempfile.TemporaryDirectory() as tmp:
        model = json.load(open(flatc_to_json(INT8_V2, tmp), encoding="utf-8"))
        sg = model["subgraphs"][0]
        tensors, ops, buffers = sg["tensors"], sg["operators"], model["buffers"]
        codes = [c["builtin_code"] for c in model["operator_codes"]]
        quantize = [i for i, op in enumerate(ops) if codes[op["opcode_index"]] == "QUANTIZE"]
        if len(quantize) != 2 or quantize != [0, len(ops) - 1]:
            sys.exit("error: expected the input QUANTIZE first and the output QUANTIZE last")
        first, last = ops[0], ops[-1]
        graph_input, after_input = first["inputs"][0], first["outputs"][0]
        before_output = last["inputs"][0]
        ops[:] = ops[1:-1]
        for op in ops:
            op["inputs"] = [graph_input if t == after_input else t for t in op["inputs"]]
        sg["outputs"] = [before_output]

        constants = {i for i, t in enumerate(tensors) if buffers[t["buffer"]].get("data")}
        for index, tensor in enumerate(tensors):
            if index in constants and tensor["type"] in ("INT8", "INT32") and tensor.get("quantization", {}).get("scale"):
                # Filters and biases: dequantized into their buffer (each weight tensor has its own buffer).
                buffers[tensor["buffer"]] = {"data": dequantized(tensor, buffers[tensor["buffer"]])}
                tensor["type"] = "FLOAT32"
            elif index not in constants and tensor["type"] in ("INT8", "UINT8"):
                tensor["type"] = "FLOAT32"
            else:
                continue
            tensor.pop("quantization", None)
        tensors[graph_input]["name"] = "input"

        # The operator codes without QUANTIZE; the metadata (the int8 converter's runtime version) no longer applies.
        kept = [i for i, c in enumerate(codes) if c != "QUANTIZE"]
        for op in ops:
            op["opcode_index"] = kept.index(op["opcode_index"])
        model["operator_codes"] = [model["operator_codes"][i] for i in kept]
        model.pop("metadata", None)
        model.pop("signature_defs", None)
        model["description"] = "float32 MobileNetV2 made from the int8 tf2_mobilenet_v2_1.0_224_ptq by scripts/make-tflite-float-models.py"

        json_path = os.path.join(tmp, os.path.splitext(os.path.basename(target))[0] + ".json")
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump(model, f)
        written = flatc_to_tflite(json_path, tmp)
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        os.replace(written, target)
    print(f"{target}: {os.path.getsize(target)} bytes, {len(ops)} operators")


def values(count, seed, scale):
    """Deterministic weights in [-scale, scale] (no random module: the same file on every machine)."""
    return [((i * 37 + seed * 11) % 23 - 11) / 11.0 * scale for i in range(count)]


def small_cnn():
    tensor = lambda name, shape, buffer=0, kind="FLOAT32": {"name": name, "shape": shape, "type": kind, "buffer": buffer}
    tensors = [
        tensor("input", [1, 8, 8, 3]),
        tensor("conv1_w", [4, 3, 3, 3], 1), tensor("conv1_b", [4], 2), tensor("conv1", [1, 8, 8, 4]),
        tensor("dw_w", [1, 3, 3, 4], 3), tensor("dw_b", [4], 4), tensor("dw", [1, 4, 4, 4]),
        tensor("conv2_w", [4, 1, 1, 4], 5), tensor("conv2_b", [4], 6), tensor("conv2", [1, 4, 4, 4]),
        tensor("add", [1, 4, 4, 4]),
        tensor("maxpool", [1, 3, 3, 4]),
        tensor("avgpool", [1, 3, 3, 4]),
        tensor("mean_axes", [2], 7, "INT32"), tensor("mean", [1, 1, 1, 4]),
        tensor("new_shape", [2], 8, "INT32"), tensor("flat", [1, 4]),
        tensor("fc_w", [5, 4], 9), tensor("fc_b", [5], 10), tensor("logits", [1, 5]),
        tensor("probabilities", [1, 5]),
    ]
    conv = lambda pad, stride, act: {"padding": pad, "stride_w": stride, "stride_h": stride, "fused_activation_function": act,
                                     "dilation_w_factor": 1, "dilation_h_factor": 1}
    pool = lambda pad, size: {"padding": pad, "stride_w": 1, "stride_h": 1, "filter_width": size, "filter_height": size,
                              "fused_activation_function": "NONE"}
    ops = [
        {"opcode_index": 0, "inputs": [0, 1, 2], "outputs": [3], "builtin_options_type": "Conv2DOptions", "builtin_options": conv("SAME", 1, "RELU")},
        {"opcode_index": 1, "inputs": [3, 4, 5], "outputs": [6], "builtin_options_type": "DepthwiseConv2DOptions",
         "builtin_options": dict(conv("SAME", 2, "RELU6"), depth_multiplier=1)},
        {"opcode_index": 0, "inputs": [6, 7, 8], "outputs": [9], "builtin_options_type": "Conv2DOptions", "builtin_options": conv("VALID", 1, "NONE")},
        {"opcode_index": 2, "inputs": [6, 9], "outputs": [10], "builtin_options_type": "AddOptions", "builtin_options": {"fused_activation_function": "RELU"}},
        {"opcode_index": 3, "inputs": [10], "outputs": [11], "builtin_options_type": "Pool2DOptions", "builtin_options": pool("VALID", 2)},
        {"opcode_index": 4, "inputs": [11], "outputs": [12], "builtin_options_type": "Pool2DOptions", "builtin_options": pool("SAME", 2)},
        {"opcode_index": 5, "inputs": [12, 13], "outputs": [14], "builtin_options_type": "ReducerOptions", "builtin_options": {"keep_dims": True}},
        {"opcode_index": 6, "inputs": [14, 15], "outputs": [16], "builtin_options_type": "ReshapeOptions", "builtin_options": {"new_shape": [1, 4]}},
        {"opcode_index": 7, "inputs": [16, 17, 18], "outputs": [19], "builtin_options_type": "FullyConnectedOptions",
         "builtin_options": {"fused_activation_function": "NONE"}},
        {"opcode_index": 8, "inputs": [19], "outputs": [20], "builtin_options_type": "SoftmaxOptions", "builtin_options": {"beta": 1.0}},
    ]
    codes = [(3, "CONV_2D"), (4, "DEPTHWISE_CONV_2D"), (0, "ADD"), (17, "MAX_POOL_2D"), (1, "AVERAGE_POOL_2D"),
             (40, "MEAN"), (22, "RESHAPE"), (9, "FULLY_CONNECTED"), (25, "SOFTMAX")]
    buffers = [
        {},
        {"data": float_bytes(values(108, 1, 0.5))}, {"data": float_bytes([0.1, -0.2, 0.05, 0.3])},
        {"data": float_bytes(values(36, 2, 0.8))}, {"data": float_bytes([0.0, 0.1, -0.1, 0.2])},
        {"data": float_bytes(values(16, 3, 0.6))}, {"data": float_bytes([0.05, 0.0, -0.05, 0.1])},
        {"data": list(struct.pack("<2i", 1, 2))}, {"data": list(struct.pack("<2i", 1, 4))},
        {"data": float_bytes(values(20, 4, 1.5))}, {"data": float_bytes([0.1, -0.1, 0.2, 0.0, -0.2])},
    ]
    return {
        "version": 3,
        "description": "float CNN crafted by scripts/make-tflite-float-models.py",
        "operator_codes": [{"deprecated_builtin_code": n, "builtin_code": c} for n, c in codes],
        "subgraphs": [{"name": "main", "tensors": tensors, "inputs": [0], "outputs": [20], "operators": ops}],
        "buffers": buffers,
    }


def refused_variants():
    """name -> model: each changes one thing of the small CNN that the float import must refuse with one error."""
    out = {}
    m = small_cnn()  # dynamic-range ("hybrid") quantization: int8 filter in a float model
    sg = m["subgraphs"][0]
    sg["tensors"][7].update(type="INT8", quantization={"scale": [0.01], "zero_point": [0]})
    m["buffers"][5] = {"data": [v & 0xFF for v in range(-8, 8)]}
    out["float-int8-weights"] = m

    m = small_cnn()  # an addition of a constant
    sg = m["subgraphs"][0]
    sg["tensors"].append({"name": "offset", "shape": [1, 4, 4, 4], "type": "FLOAT32", "buffer": 11})
    m["buffers"].append({"data": float_bytes([0.5] * 64)})
    sg["operators"][3]["inputs"] = [6, 21]
    out["float-add-constant"] = m

    m = small_cnn()  # a DEQUANTIZE of the input: a model that mixes quantized and float parts
    sg = m["subgraphs"][0]
    sg["tensors"].append({"name": "dequantized", "shape": [1, 8, 8, 3], "type": "FLOAT32", "buffer": 0})
    m["operator_codes"].append({"deprecated_builtin_code": 6, "builtin_code": "DEQUANTIZE"})
    sg["operators"].insert(0, {"opcode_index": 9, "inputs": [0], "outputs": [21]})
    sg["operators"][1]["inputs"] = [21, 1, 2]
    out["float-dequantize"] = m
    return out


def arm_nn_outputs(tflite, images):
    import numpy as np
    import pyarmnn as ann

    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(tflite)
    input_info = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
    output_info = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
    runtime = ann.IRuntime(ann.CreationOptions())  # one per process
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    network_id, _ = runtime.LoadNetwork(optimized)
    results = []
    for pixels in images:
        data = (np.array(pixels, dtype=np.float32) / np.float32(255)).reshape(1, 8, 8, 3)
        outputs = ann.make_output_tensors([output_info])
        runtime.EnqueueWorkload(network_id, ann.make_input_tensors([input_info], [data]), outputs)
        results.append([float(v) for v in ann.workload_tensors_to_ndarray(outputs)[0].reshape(-1)])
    return results


def write(name, model):
    json_path = os.path.join(CRAFTED, name + ".json")
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    path = flatc_to_tflite(json_path, CRAFTED)
    print(f"{os.path.relpath(path, ROOT)}: {os.path.getsize(path)} bytes")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--v2", metavar="OUT.tflite", help="write the float32 MobileNetV2 there")
    parser.add_argument("--small", action="store_true", help="write the small float CNN and its refused variants into tests/models/tflite/crafted")
    parser.add_argument("--reference", action="store_true", help="with --small: Arm NN's outputs of the small CNN (float-cnn-armnn.json)")
    args = parser.parse_args()
    if not args.v2 and not args.small:
        parser.error("give --v2 OUT.tflite and/or --small")
    if args.v2:
        float_v2(args.v2)
    if args.small:
        os.makedirs(CRAFTED, exist_ok=True)
        path = write("float-cnn", small_cnn())
        for name, model in refused_variants().items():
            write(name, model)
        if args.reference:
            # Pixels (i * 37 + 11 * k) % 256 for image k, HWC: the same formula the tests feed the interpreter.
            images = [[(i * 37 + 11 * k) % 256 for i in range(8 * 8 * 3)] for k in range(3)]
            reference = {"source": "Arm NN 22 CpuRef (python3-pyarmnn), input pixel / 255", "outputs": arm_nn_outputs(path, images)}
            with open(os.path.join(CRAFTED, "float-cnn-armnn.json"), "w", encoding="utf-8") as f:
                json.dump(reference, f, indent=1)
                f.write("\n")
            print("tests/models/tflite/crafted/float-cnn-armnn.json: Arm NN's outputs of 3 images")


if __name__ == "__main__":
    sys.exit(main())
