#!/usr/bin/python3
"""PyTorch's logits for the committed float test model, so the importer's float mapping can be checked numerically.

Run with Debian's interpreter (python3-torch, python3-onnx):
    /usr/bin/python3 scripts/make-onnx-float-reference.py tests/models/onnx

Rebuilds the network of scripts/make-onnx-test-models.py (seeded, the one pytorch-cnn-float.onnx was exported from),
checks that every parameter and batch-norm statistic equals the file's initializer of the same name, and writes
pytorch-cnn-float-logits.json: the logits for four images whose pixel at HWC index i is (i * 37 + 11 * k) mod 256
(image k), fed as pixel / 255 in NCHW, as the importer's default preprocessing takes them.
"""

import importlib.util
import json
import os
import sys

import onnx
import torch
from onnx import numpy_helper

folder = sys.argv[1]
spec = importlib.util.spec_from_file_location("models", os.path.join(os.path.dirname(__file__), "make-onnx-test-models.py"))
models = importlib.util.module_from_spec(spec)
spec.loader.exec_module(models)

net = models.make_network()
onnx_model = onnx.load(os.path.join(folder, "pytorch-cnn-float.onnx"))
initializers = {t.name: numpy_helper.to_array(t) for t in onnx_model.graph.initializer}
checked = 0
for name, tensor in list(net.state_dict().items()):
    if name in initializers:
        assert (torch.from_numpy(initializers[name].copy()) == tensor).all(), name
        checked += 1
assert checked >= 10, f"only {checked} parameters matched by name"

_, channels, height, width = models.INPUT_SHAPE
images, logits = [], []
for k in range(4):
    pixels = [(i * 37 + 11 * k) % 256 for i in range(height * width * channels)]
    x = torch.tensor(pixels, dtype=torch.float32).reshape(1, height, width, channels).permute(0, 3, 1, 2) / 255.0
    with torch.no_grad():
        logits.append([float(v) for v in net(x)[0]])
    images.append(k)

with open(os.path.join(folder, "pytorch-cnn-float-logits.json"), "w") as f:
    json.dump({"tool": "scripts/make-onnx-float-reference.py", "torch": torch.__version__, "parameters_checked": checked,
               "pixel": "(i * 37 + 11 * k) mod 256 at HWC index i of image k", "images": images, "logits": logits}, f, indent=1)
print(f"checked {checked} parameters; wrote logits of {len(images)} images")
