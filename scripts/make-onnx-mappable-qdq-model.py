#!/usr/bin/python3
"""Write tests/models/onnx/pytorch-cnn-qdq-mappable.onnx: a QDQ model written by PyTorch that the importer maps.

Set-up (Debian 12): apt-get install python3-torch python3-onnx; run with Debian's interpreter:
    /usr/bin/python3 scripts/make-onnx-mappable-qdq-model.py tests/models/onnx

pytorch-cnn-qdq.onnx (scripts/make-onnx-test-models.py) is what PyTorch's fbgemm QAT flow writes, and the format
cannot hold two things in it: weights of -128 (fbgemm's weight range is [-128, 127], the format's [-127, 127]) and its
MatMul of a parameter, which FX quantizes as a uint8 activation with a zero point. This model is the same network
(same seed, same batch-norm statistics, same fusion and calibration) with the two changes a user makes for an int8
target: weights kept in [-127, 127] (scale max|w| / 127, as TFLite's int8 scheme), and the last layer an nn.Linear
(exported as Gemm) instead of torch.matmul + a bias. Everything else is PyTorch's QDQ export as it is: uint8
activations, per-channel weights, the repeated Q/DQ pairs, ReLU6 after the depthwise convolution's QuantizeLinear,
Flatten with its own quantization (a requantization), AveragePool with PyTorch's zero Pad.
"""

import importlib.util
import json
import os
import sys

import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("models", os.path.join(HERE, "make-onnx-test-models.py"))
models = importlib.util.module_from_spec(spec)
spec.loader.exec_module(models)


class SmallCnnLinear(models.SmallCnn):
    """SmallCnn with its last MatMul + Add as an nn.Linear holding the same weights."""

    def __init__(self):
        super().__init__()
        self.fc2 = nn.Linear(12, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        y = self.relu6(self.bn2(self.dw(x)))
        y = self.bn3(self.pw(y))
        x = self.relu2(x + y)
        x = self.pool2(x)
        x = self.relu3(self.conv3(x))
        x = self.flatten(self.gap(x))
        x = self.relu4(self.fc1(x))
        return self.fc2(x)


def make_network():
    base = models.make_network()
    net = SmallCnnLinear()
    net.load_state_dict(base.state_dict(), strict=False)
    with torch.no_grad():
        net.fc2.weight.copy_(base.fc2_weight.t())
        net.fc2.bias.copy_(base.fc2_bias)
    return net.eval()


def symmetric_127_observer():
    """fbgemm's per-channel weight observer with scale max|w| / 127, so no weight rounds to -128. PyTorch's ONNX export
    accepts only the ranges (-128, 127), (0, 127) and (0, 255), so quant_min=-127 cannot be exported: the range stays
    [-128, 127] and the scale keeps the weights inside [-127, 127]."""
    from torch.ao.quantization import MovingAveragePerChannelMinMaxObserver

    class Symmetric127(MovingAveragePerChannelMinMaxObserver):
        def calculate_qparams(self):
            _, zero_point = super().calculate_qparams()
            amax = torch.max(-self.min_val, self.max_val)
            return torch.clamp(amax / 127.0, min=float(self.eps)), zero_point

    return Symmetric127


def quantize(net):
    from torch.ao.quantization import (FakeQuantize, MovingAverageMinMaxObserver,
                                       MovingAveragePerChannelMinMaxObserver, QConfig, QConfigMapping,
                                       disable_observer, fuse_modules)
    from torch.ao.quantization.quantize_fx import prepare_qat_fx

    qconfig = QConfig(
        activation=FakeQuantize.with_args(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                                          dtype=torch.quint8, qscheme=torch.per_tensor_affine),
        weight=FakeQuantize.with_args(observer=symmetric_127_observer(), quant_min=-128,
                                      quant_max=127, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                      ch_axis=0))
    fused = fuse_modules(net, [["conv1", "bn1", "relu1"], ["dw", "bn2"], ["pw", "bn3"], ["conv3", "relu3"],
                               ["fc1", "relu4"]])
    example = torch.rand(*models.INPUT_SHAPE)
    prepared = prepare_qat_fx(fused.train(), QConfigMapping().set_global(qconfig), (example,))
    generator = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for _ in range(32):
            prepared(torch.rand(*models.INPUT_SHAPE, generator=generator))
    prepared.apply(disable_observer)
    return prepared.eval()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/models/onnx"
    path = os.path.join(out, "pytorch-cnn-qdq-mappable.onnx")
    quantized = quantize(make_network())
    models.export(quantized, path, torch.onnx.TrainingMode.EVAL)
    # What PyTorch's fake-quantized network computes for 8 seeded images (pixels 0..255, fed as p / 255): the
    # importer's tests compare the imported model's output with these logits.
    generator = torch.Generator().manual_seed(2)
    pixels = torch.randint(0, 256, (8, *models.INPUT_SHAPE[1:]), generator=generator, dtype=torch.uint8)
    with torch.no_grad():
        logits = quantized(pixels.float() / 255)
    with open(os.path.join(out, "pytorch-cnn-qdq-mappable.json"), "w", encoding="utf-8") as f:
        json.dump({"tool": "scripts/make-onnx-mappable-qdq-model.py", "torch": torch.__version__,
                   "pixels_chw": pixels.reshape(8, -1).tolist(), "logits": logits.tolist()}, f)
        f.write("\n")
    onnx.checker.check_model(onnx.load(path))
    summary = models.describe(path)
    print(summary["file"], summary["bytes"], "bytes", summary["op_counts"])


if __name__ == "__main__":
    main()
