#!/usr/bin/python3
"""Write the crafted TFLite test models: tiny models, each with one construct the importer must accept or refuse,
as readable JSON (tests/models/tflite/crafted/*.json) turned into .tflite by flatc with the committed schema.

    python3 scripts/make-tflite-test-models.py        (needs: apt-get install flatbuffers-compiler)

flatc lays the flatbuffer out from the schema's own field ids, so these files also check, independently of the
importer's hand-written field ids (src/ModelCompiler.Import/Tflite/TfliteTables.cs), that it reads the fields it
thinks it reads: dilation, depth multiplier, strides, fused activation, shape signature and the rest.

The base model: int8 input [1,4,4,2] -> DEPTHWISE_CONV_2D 3x3 (stride 1, SAME, RELU6; per-channel weights on axis 3)
-> CONV_2D 3x3 (stride 2, VALID, RELU; per-channel weights on axis 0) -> [1,1,1,3] -> RESHAPE [1,3] ->
FULLY_CONNECTED 3 -> 4 (per-tensor weights) -> SOFTMAX -> int8 [1,4] (scale 1/256, zero point -128). The input's
shape_signature marks a dynamic batch, as the TFLite converter writes it.
"""

import copy
import json
import os
import struct
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SCHEMA = os.path.join(ROOT, "src/ModelCompiler.Import/Tflite/Schema/schema.fbs")
OUT = os.path.join(ROOT, "tests/models/tflite/crafted")


def int8_bytes(values):
    return [v & 0xFF for v in values]


def int32_bytes(values):
    return list(struct.pack("<%di" % len(values), *values))


def quant(scales, zero_points, axis=0):
    return {"scale": scales, "zero_point": zero_points, "quantized_dimension": axis}


def base():
    dw_weights = [((i * 7) % 11) - 5 for i in range(18)]  # [1,3,3,2]
    conv_weights = [((i * 5) % 13) - 6 for i in range(3 * 3 * 3 * 2)]  # [3,3,3,2]
    fc_weights = [((i * 3) % 9) - 4 for i in range(12)]  # [4,3]
    return {
        "version": 3,
        "description": "crafted by scripts/make-tflite-test-models.py",
        "operator_codes": [
            {"deprecated_builtin_code": 4, "builtin_code": "DEPTHWISE_CONV_2D", "version": 3},
            {"deprecated_builtin_code": 3, "builtin_code": "CONV_2D", "version": 3},
            {"deprecated_builtin_code": 22, "builtin_code": "RESHAPE"},
            {"deprecated_builtin_code": 9, "builtin_code": "FULLY_CONNECTED", "version": 4},
            {"deprecated_builtin_code": 25, "builtin_code": "SOFTMAX", "version": 2},
        ],
        "subgraphs": [{
            "name": "main",
            "tensors": [
                {"name": "input", "shape": [1, 4, 4, 2], "shape_signature": [-1, 4, 4, 2], "type": "INT8",
                 "quantization": quant([0.5], [-3])},
                {"name": "dw_weights", "shape": [1, 3, 3, 2], "type": "INT8", "buffer": 1,
                 "quantization": quant([0.02, 0.03], [0, 0], 3)},
                {"name": "dw_bias", "shape": [2], "type": "INT32", "buffer": 2,
                 "quantization": quant([0.01, 0.015], [0, 0])},
                {"name": "dw_out", "shape": [1, 4, 4, 2], "type": "INT8", "quantization": quant([0.05], [-128])},
                {"name": "conv_weights", "shape": [3, 3, 3, 2], "type": "INT8", "buffer": 3,
                 "quantization": quant([0.01, 0.02, 0.04], [0, 0, 0], 0)},
                {"name": "conv_bias", "shape": [3], "type": "INT32", "buffer": 4,
                 "quantization": quant([0.0005, 0.001, 0.002], [0, 0, 0])},
                {"name": "conv_out", "shape": [1, 1, 1, 3], "type": "INT8", "quantization": quant([0.1], [-128])},
                {"name": "new_shape", "shape": [2], "type": "INT32", "buffer": 5},
                {"name": "flat", "shape": [1, 3], "type": "INT8", "quantization": quant([0.1], [-128])},
                {"name": "fc_weights", "shape": [4, 3], "type": "INT8", "buffer": 6, "quantization": quant([0.03], [0])},
                {"name": "fc_bias", "shape": [4], "type": "INT32", "buffer": 7, "quantization": quant([0.003], [0])},
                {"name": "logits", "shape": [1, 4], "type": "INT8", "quantization": quant([0.2], [5])},
                {"name": "probabilities", "shape": [1, 4], "type": "INT8", "quantization": quant([0.00390625], [-128])},
            ],
            "inputs": [0],
            "outputs": [12],
            "operators": [
                {"opcode_index": 0, "inputs": [0, 1, 2], "outputs": [3],
                 "builtin_options_type": "DepthwiseConv2DOptions",
                 "builtin_options": {"padding": "SAME", "stride_w": 1, "stride_h": 1, "depth_multiplier": 1,
                                     "fused_activation_function": "RELU6",
                                     "dilation_w_factor": 1, "dilation_h_factor": 1}},
                {"opcode_index": 1, "inputs": [3, 4, 5], "outputs": [6],
                 "builtin_options_type": "Conv2DOptions",
                 "builtin_options": {"padding": "VALID", "stride_w": 2, "stride_h": 2,
                                     "fused_activation_function": "RELU"}},
                {"opcode_index": 2, "inputs": [6, 7], "outputs": [8],
                 "builtin_options_type": "ReshapeOptions", "builtin_options": {"new_shape": [1, 3]}},
                {"opcode_index": 3, "inputs": [8, 9, 10], "outputs": [11],
                 "builtin_options_type": "FullyConnectedOptions",
                 "builtin_options": {"fused_activation_function": "NONE"}},
                {"opcode_index": 4, "inputs": [11], "outputs": [12],
                 "builtin_options_type": "SoftmaxOptions", "builtin_options": {"beta": 1.0}},
            ],
        }],
        "buffers": [
            {},
            {"data": int8_bytes(dw_weights)},
            {"data": int32_bytes([100, -50])},
            {"data": int8_bytes(conv_weights)},
            {"data": int32_bytes([10, 20, -30])},
            {"data": int32_bytes([1, 3])},
            {"data": int8_bytes(fc_weights)},
            {"data": int32_bytes([7, -7, 0, 1])},
        ],
    }


def variants():
    """name -> (model, what the test expects): each variant changes one thing of the base model."""
    out = {}

    out["valid"] = base()

    m = base()
    m["subgraphs"][0]["operators"][1]["builtin_options"]["dilation_h_factor"] = 2
    out["dilation"] = m

    m = base()  # depth multiplier 2: filter [1,3,3,4] for 2 input channels, bias and output with 4 channels
    sg = m["subgraphs"][0]
    sg["tensors"][1].update(shape=[1, 3, 3, 4], quantization=quant([0.02, 0.03, 0.02, 0.03], [0] * 4, 3))
    sg["tensors"][2].update(shape=[4], quantization=quant([0.01, 0.015, 0.01, 0.015], [0] * 4))
    sg["tensors"][3]["shape"] = [1, 4, 4, 4]
    sg["tensors"][4]["shape"] = [3, 3, 3, 4]
    sg["operators"][0]["builtin_options"]["depth_multiplier"] = 2
    m["buffers"][1] = {"data": int8_bytes([((i * 7) % 11) - 5 for i in range(36)])}
    m["buffers"][2] = {"data": int32_bytes([100, -50, 3, 4])}
    m["buffers"][3] = {"data": int8_bytes([((i * 5) % 13) - 6 for i in range(3 * 3 * 3 * 4)])}
    out["depth-multiplier"] = m

    m = base()  # two operators the importer does not know: a builtin (L2_NORMALIZATION) and a custom one
    m["operator_codes"] += [{"deprecated_builtin_code": 11, "builtin_code": "L2_NORMALIZATION"},
                            {"deprecated_builtin_code": 32, "builtin_code": "CUSTOM", "custom_code": "MyVendorOp"}]
    sg = m["subgraphs"][0]
    sg["tensors"] += [{"name": "normalized", "shape": [1, 4], "type": "INT8", "quantization": quant([0.0078125], [0])},
                      {"name": "custom_out", "shape": [1, 4], "type": "INT8", "quantization": quant([0.0078125], [0])}]
    sg["operators"][4]["inputs"] = [14]
    sg["operators"][4:4] = [{"opcode_index": 5, "inputs": [11], "outputs": [13]},
                            {"opcode_index": 6, "inputs": [13], "outputs": [14], "custom_options": [1, 2, 3]}]
    out["unknown-operator"] = m

    m = base()
    m["subgraphs"][0]["tensors"][0]["shape_signature"] = [-1, -1, -1, 2]
    out["dynamic-shape"] = m

    m = base()  # the convolution's weights have no data: computed at run time
    m["subgraphs"][0]["tensors"][4]["buffer"] = 0
    out["nonconstant-weight"] = m

    m = base()  # 16-bit activations (TFLite's 16x8 scheme) at the depthwise output
    m["subgraphs"][0]["tensors"][3]["type"] = "INT16"
    m["subgraphs"][0]["tensors"][3]["quantization"] = quant([0.0001], [0])
    out["int16-activation"] = m

    m = base()
    m["subgraphs"][0]["operators"][3]["builtin_options"]["fused_activation_function"] = "TANH"
    out["fused-tanh"] = m

    m = base()  # three problems at once: one error each
    sg = m["subgraphs"][0]
    sg["operators"][1]["builtin_options"]["dilation_w_factor"] = 3
    sg["tensors"][9]["buffer"] = 0
    m["operator_codes"][4] = {"deprecated_builtin_code": 127, "builtin_code": "GELU"}
    out["three-problems"] = m
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, model in variants().items():
        json_path = os.path.join(OUT, name + ".json")
        with open(json_path, "w", encoding="utf-8") as f:
            json.dump(model, f, indent=1)
            f.write("\n")
        subprocess.run(["flatc", "-b", "-o", OUT, SCHEMA, json_path], check=True)
        print(f"{name}.tflite: {os.path.getsize(os.path.join(OUT, name + '.tflite'))} bytes")


if __name__ == "__main__":
    sys.exit(main())
