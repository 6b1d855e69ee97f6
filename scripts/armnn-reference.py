#!/usr/bin/python3
"""Run a TFLite image classifier on Arm NN's CpuRef backend (Debian's python3-pyarmnn) and write, for each image,
its top-5 class indices and the raw output bytes as JSON: the reference of issue 13's comparison. A float32 model
(--float-input 'scale=S offset=O') is fed pixel * S + O in float32.

Set-up (Debian 12, as root):
    apt-get install python3-pyarmnn libarmnn-cpuref-backend22 libarmnntfliteparser22
Run with Debian's interpreter (the pyarmnn module is not on pyenv's python):
    /usr/bin/python3 scripts/armnn-reference.py MODEL.tflite IMAGE_OR_DIR... -o reference.json [--save-inputs DIR]

Inputs: image files (anything Pillow decodes: JPEG, PNG, BMP) or folders searched recursively for them, in sorted
path order; `--limit N` keeps the first N. Each image is converted to RGB and resized to the model's input size
without cropping (Pillow's bilinear filter; aspect ratio not kept), giving uint8 RGB in NHWC order. A file ending in
`.rgb` is taken as those bytes already (exactly H*W*3 bytes) and is not resized. `--save-inputs DIR` writes the bytes
each image was fed with as DIR/<index>.rgb, so another engine can be fed exactly the same bytes; the JSON records the
SHA-256 of each input either way.

Per image the JSON has `top5` (class indices, highest score first, ties broken by the lower index), `scores` (the
top-5 raw output values), `lead_steps` (top-1 minus runner-up in raw output units: output quantization steps for a
quantized output), and `output_base64` (the raw output tensor bytes, little-endian).

Pitfalls: create one IRuntime per process (a second one loses the CpuRef backend); CpuRef computes quantized layers
through float32 (dequantize, compute, requantize), so its outputs may differ from TFLite's integer kernels by a few
steps: compare top-1/top-5, not bytes.
"""

import argparse
import base64
import hashlib
import json
import os
import platform
import sys
import time

import numpy as np
from PIL import Image

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".rgb"}


def list_images(paths):
    files = []
    for path in paths:
        if os.path.isdir(path):
            for root, _, names in os.walk(path):
                files.extend(os.path.join(root, n) for n in names if os.path.splitext(n)[1].lower() in IMAGE_EXTENSIONS)
        elif os.path.isfile(path):
            files.append(path)
        else:
            sys.exit(f"error: {path}: no such file or folder")
    return sorted(files)


def load_input(path, height, width):
    expected = height * width * 3
    if path.lower().endswith(".rgb"):
        data = open(path, "rb").read()
        if len(data) != expected:
            raise ValueError(f"{len(data)} bytes, expected {expected} ({height}x{width}x3)")
        return np.frombuffer(data, dtype=np.uint8).reshape(1, height, width, 3)
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        if rgb.size != (width, height):
            rgb = rgb.resize((width, height), Image.BILINEAR)
        return np.asarray(rgb, dtype=np.uint8).reshape(1, height, width, 3)


def top5(values):
    # Highest first; among equal scores the lower index first (a stable sort on the negated values).
    order = np.argsort(-values.astype(np.float64), kind="stable")
    return [int(i) for i in order[:5]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="a .tflite file")
    parser.add_argument("images", nargs="+", help="image files or folders")
    parser.add_argument("-o", "--output", required=True, help="the JSON file to write")
    parser.add_argument("--labels", help="labels file, one per line (adds `label` to each image)")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N images (sorted by path)")
    parser.add_argument("--save-inputs", metavar="DIR", help="write the bytes fed to the model as DIR/<index>.rgb")
    parser.add_argument("--backend", default="CpuRef", help="Arm NN backend (default CpuRef)")
    parser.add_argument("--float-input", metavar="'scale=S offset=O'",
                        help="a float32 model: feed pixel * S + O as float32 (the saved inputs stay the uint8 pixels)")
    args = parser.parse_args()

    import pyarmnn as ann  # imported late: it prints notices about missing parsers on import

    files = list_images(args.images)
    if args.limit > 0:
        files = files[: args.limit]
    if not files:
        sys.exit("error: no images found")
    labels = None
    if args.labels:
        with open(args.labels, encoding="utf-8") as f:
            labels = [line.rstrip("\n") for line in f]

    started = time.perf_counter()
    tflite_parser = ann.ITfLiteParser()
    network = tflite_parser.CreateNetworkFromBinaryFile(args.model)
    graph_id = 0
    input_names = tflite_parser.GetSubgraphInputTensorNames(graph_id)
    output_names = tflite_parser.GetSubgraphOutputTensorNames(graph_id)
    if len(input_names) != 1 or len(output_names) != 1:
        sys.exit(f"error: expected one input and one output, got {len(input_names)} and {len(output_names)}")
    input_info = tflite_parser.GetNetworkInputBindingInfo(graph_id, input_names[0])
    output_info = tflite_parser.GetNetworkOutputBindingInfo(graph_id, output_names[0])
    in_tensor_info = input_info[1]
    shape = [in_tensor_info.GetShape()[i] for i in range(in_tensor_info.GetNumDimensions())]
    if len(shape) != 4 or shape[0] != 1 or shape[3] != 3:
        sys.exit(f"error: expected an NHWC RGB input of batch 1, got shape {shape}")
    normalize = None
    if args.float_input:
        parts = dict(p.split("=", 1) for p in args.float_input.split())
        normalize = (np.float32(parts["scale"]), np.float32(parts["offset"]))
        if in_tensor_info.GetDataType() != ann.DataType_Float32:
            sys.exit("error: --float-input given but the input tensor is not float32")
    elif in_tensor_info.GetDataType() != ann.DataType_QAsymmU8:
        sys.exit("error: expected a uint8 input tensor (a float32 one needs --float-input)")
    height, width = shape[1], shape[2]
    out_tensor_info = output_info[1]
    out_shape = [out_tensor_info.GetShape()[i] for i in range(out_tensor_info.GetNumDimensions())]

    runtime = ann.IRuntime(ann.CreationOptions())  # one per process
    optimized, messages = ann.Optimize(network, [ann.BackendId(args.backend)], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    network_id, _ = runtime.LoadNetwork(optimized)
    load_seconds = time.perf_counter() - started

    if args.save_inputs:
        os.makedirs(args.save_inputs, exist_ok=True)

    results = []
    errors = []
    run_seconds = 0.0
    for index, path in enumerate(files):
        try:
            pixels = load_input(path, height, width)
        except Exception as e:  # an unreadable image is reported by path and left out
            errors.append({"path": path, "error": str(e)})
            print(f"warning: {path}: {e}", file=sys.stderr)
            continue
        raw = pixels.tobytes()
        if args.save_inputs:
            with open(os.path.join(args.save_inputs, f"{len(results)}.rgb"), "wb") as f:
                f.write(raw)
        fed = pixels if normalize is None else pixels.astype(np.float32) * normalize[0] + normalize[1]
        input_tensors = ann.make_input_tensors([input_info], [fed])
        output_tensors = ann.make_output_tensors([output_info])
        t0 = time.perf_counter()
        runtime.EnqueueWorkload(network_id, input_tensors, output_tensors)
        run_seconds += time.perf_counter() - t0
        output = ann.workload_tensors_to_ndarray(output_tensors)[0].reshape(-1)
        best = top5(output)
        entry = {
            "index": len(results),
            "path": path,
            "input_sha256": hashlib.sha256(raw).hexdigest(),
            "top5": best,
            "scores": [output[i].item() for i in best],
            "lead_steps": (output[best[0]] - output[best[1]]).item() if len(best) > 1 else None,
            "output_base64": base64.b64encode(output.astype(output.dtype.newbyteorder("<")).tobytes()).decode("ascii"),
        }
        if labels is not None:
            entry["label"] = labels[best[0]] if best[0] < len(labels) else None
        results.append(entry)

    report = {
        "tool": "scripts/armnn-reference.py",
        "engine": f"Arm NN {ann.ARMNN_VERSION} ({args.backend})",
        "python": platform.python_version(),
        "model": os.path.abspath(args.model),
        "model_sha256": hashlib.sha256(open(args.model, "rb").read()).hexdigest(),
        "input": {"shape": shape, "dtype": "uint8" if normalize is None else f"float32 pixel * {args.float_input}", "layout": "NHWC",
                  "resize": "Pillow bilinear, no crop"},
        "output": {"shape": out_shape, "dtype": str(output.dtype) if results else None},
        "seconds": {"load": round(load_seconds, 3), "inference_total": round(run_seconds, 3),
                    "inference_per_image": round(run_seconds / max(1, len(results)), 4)},
        "images": results,
        "errors": errors,
    }
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    os.replace(tmp, args.output)
    print(f"{len(results)} images ({len(errors)} unreadable), load {load_seconds:.2f} s, "
          f"inference {run_seconds:.2f} s ({run_seconds / max(1, len(results)) * 1000:.1f} ms/image) -> {args.output}")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
