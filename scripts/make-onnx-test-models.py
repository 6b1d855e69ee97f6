#!/usr/bin/python3
"""Write the small ONNX models the importer's tests parse: exported by PyTorch, not by ModelCompiler.

Set-up (Debian 12): apt-get install python3-torch python3-onnx; run with Debian's interpreter:
    /usr/bin/python3 scripts/make-onnx-test-models.py tests/models/onnx

Writes, from one small CNN (random weights, seed 0; 3x16x16 input, 10 outputs):
  pytorch-cnn-float.onnx  the float network exported as it is (BatchNormalization kept, not folded into Conv)
  pytorch-cnn-qdq.onnx    the same network fake-quantized by PyTorch (Conv+BatchNorm folded by torch's eval-mode
                          fusion, then FX graph-mode QAT preparation with the fbgemm qconfig: uint8 activations per
                          tensor, int8 weights per output channel), calibrated on 32 random inputs with observers
                          frozen after, exported as QuantizeLinear/DequantizeLinear around float operators ("QDQ")
  pytorch-cnn.json        what the tests assert: operator counts per type, shapes, per-channel axes, zero points,
                          read back from the written files with the onnx package, plus the tool versions

Re-running gives the same networks (seeded) but not necessarily the same bytes across torch versions; the committed
files are what the tests pin.
"""

import collections
import json
import os
import sys

import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

INPUT_SHAPE = (1, 3, 16, 16)
OPSET = 13  # per-channel QuantizeLinear/DequantizeLinear need 13


class SmallCnn(nn.Module):
    """Every operator issue 13 lists for float ONNX: Conv, BatchNormalization, Relu, Clip(0,6) (ReLU6), MaxPool, a
    depthwise Conv (group = channels), Add (a residual), AveragePool, GlobalAveragePool, Flatten, Gemm, Reshape,
    MatMul + Add."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.bn2 = nn.BatchNorm2d(8)
        self.relu6 = nn.ReLU6()
        self.pw = nn.Conv2d(8, 8, 1)
        self.bn3 = nn.BatchNorm2d(8)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2)
        self.conv3 = nn.Conv2d(8, 16, 3, stride=1, padding=1)
        self.relu3 = nn.ReLU()
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(16, 12)
        self.relu4 = nn.ReLU()
        self.fc2_weight = nn.Parameter(torch.randn(12, 10) * 0.3)
        self.fc2_bias = nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))  # 8x8x8
        y = self.relu6(self.bn2(self.dw(x)))
        y = self.bn3(self.pw(y))
        x = self.relu2(x + y)  # residual Add
        x = self.pool2(x)  # 8x4x4
        x = self.relu3(self.conv3(x))  # 16x4x4
        x = self.flatten(self.gap(x))  # 16
        x = self.relu4(self.fc1(x))  # Gemm, 12
        x = x.reshape(-1, 12)  # Reshape with a -1
        return torch.matmul(x, self.fc2_weight) + self.fc2_bias  # MatMul + Add, 10


def make_network():
    torch.manual_seed(0)
    net = SmallCnn()
    # Non-trivial batch-norm statistics, so folding them is visible.
    for bn in (net.bn1, net.bn2, net.bn3):
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 1.5)
        bn.weight.data.uniform_(0.8, 1.2)
        bn.bias.data.uniform_(-0.1, 0.1)
    return net.eval()


def export(model, path, training_mode):
    torch.onnx.export(
        model, torch.rand(*INPUT_SHAPE), path,
        input_names=["input"], output_names=["logits"],
        opset_version=OPSET, do_constant_folding=True, training=training_mode)


def quantize(net):
    """Fake-quantized as PyTorch's QAT flow exports it: BatchNorm folded into the Conv (eval-mode fusion), then
    FX graph-mode fake quantization (fbgemm's ranges), calibrated, observers frozen. Each FakeQuantize
    exports as a QuantizeLinear/DequantizeLinear pair (weights: QuantizeLinear of the float initializer, axis 0)."""
    from torch.ao.quantization import (FakeQuantize, MovingAverageMinMaxObserver,
                                       MovingAveragePerChannelMinMaxObserver, QConfig, QConfigMapping,
                                       disable_observer, fuse_modules)
    from torch.ao.quantization.quantize_fx import prepare_qat_fx

    # fbgemm's QAT qconfig with the plain FakeQuantize module: its default fused observer+fake-quant op
    # (fused_moving_avg_obs_fake_quant) has no ONNX export. Same ranges: uint8 activations, int8 weights
    # [-128, 127] per output channel, symmetric.
    qconfig = QConfig(
        activation=FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                          dtype=torch.quint8, qscheme=torch.per_tensor_affine),
        weight=FakeQuantize.with_args(observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128,
                                      quant_max=127, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                      ch_axis=0))

    fused = fuse_modules(net, [["conv1", "bn1", "relu1"], ["dw", "bn2"], ["pw", "bn3"], ["conv3", "relu3"],
                               ["fc1", "relu4"]])
    example = torch.rand(*INPUT_SHAPE)
    prepared = prepare_qat_fx(fused.train(), QConfigMapping().set_global(qconfig), (example,))
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _ in range(32):
            prepared(torch.rand(*INPUT_SHAPE, generator=generator))
    prepared.apply(disable_observer)
    return prepared.eval()


def describe(path):
    model = onnx.load(path)
    graph = model.graph
    counts = collections.Counter(node.op_type for node in graph.node)
    initializers = {t.name: t for t in graph.initializer}
    # Constants reach Q/DQ nodes through Constant and Identity nodes too: resolve them to their tensors.
    constants = dict(initializers)
    for node in graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = next(a.t for a in node.attribute if a.name == "value")
        elif node.op_type == "Identity" and node.input[0] in constants:
            constants[node.output[0]] = constants[node.input[0]]

    def dims(value_info):
        return [d.dim_value if d.HasField("dim_value") else d.dim_param for d in value_info.type.tensor_type.shape.dim]

    quant = []
    for node in graph.node:
        if node.op_type not in ("QuantizeLinear", "DequantizeLinear"):
            continue
        axis = next((a.i for a in node.attribute if a.name == "axis"), None)
        scale = constants.get(node.input[1])
        zero = constants.get(node.input[2]) if len(node.input) > 2 else None
        entry = {"node": node.name, "op": node.op_type, "input": node.input[0], "axis": axis,
                 "scale_count": int(numpy_helper.to_array(scale).size) if scale is not None else None}
        if zero is not None:
            z = numpy_helper.to_array(zero)
            entry["zero_point_dtype"] = str(z.dtype)
            entry["zero_points"] = sorted(set(int(v) for v in z.reshape(-1)))
        quant.append(entry)
    return {
        "file": os.path.basename(path),
        "bytes": os.path.getsize(path),
        "ir_version": model.ir_version,
        "opset": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
        "producer": f"{model.producer_name} {model.producer_version}",
        "op_counts": dict(sorted(counts.items())),
        "nodes": len(graph.node),
        "inputs": [{"name": i.name, "shape": dims(i)} for i in graph.input if i.name not in initializers],
        "outputs": [{"name": o.name, "shape": dims(o)} for o in graph.output],
        "initializers": {t.name: {"dims": list(t.dims), "data_type": t.data_type} for t in graph.initializer},
        "quantize_nodes": quant,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/models/onnx"
    os.makedirs(out, exist_ok=True)
    net = make_network()
    float_path = os.path.join(out, "pytorch-cnn-float.onnx")
    # PRESERVE keeps BatchNormalization as its own node (EVAL would fold it into the Conv before export).
    export(net, float_path, torch.onnx.TrainingMode.PRESERVE)
    qdq_path = os.path.join(out, "pytorch-cnn-qdq.onnx")
    export(quantize(make_network()), qdq_path, torch.onnx.TrainingMode.EVAL)
    for path in (float_path, qdq_path):
        onnx.checker.check_model(onnx.load(path))
    summary = {
        "tool": "scripts/make-onnx-test-models.py",
        "torch": torch.__version__,
        "onnx": onnx.__version__,
        "models": [describe(float_path), describe(qdq_path)],
    }
    with open(os.path.join(out, "pytorch-cnn.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    for m in summary["models"]:
        print(m["file"], m["bytes"], "bytes", m["op_counts"])


if __name__ == "__main__":
    main()
