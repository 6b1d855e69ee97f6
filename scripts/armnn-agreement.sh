#!/usr/bin/env bash
# Issue 13's acceptance measurement, end to end: the imported TFLite model against Arm NN's CpuRef on real photographs
# fed as the same bytes to both (docs/import.md, "Agreement with Arm NN").
#
#   scripts/armnn-agreement.sh MODEL.tflite PHOTO_DIR OUT_DIR [COUNT]
#
# Takes every 5th photograph of PHOTO_DIR in sorted path order, the first COUNT of them (default 200), runs Arm NN
# (scripts/armnn-reference.py) on them in chunks of 20 (one IRuntime per process), keeping the bytes each photograph
# was fed as, then scripts/armnn-agreement.cs, which imports the model as `modelc-train import` does and feeds our
# reference interpreter the same bytes. A chunk whose JSON exists is not run again, so an interrupted run resumes.
# LOCK=FILE runs each heavy step under `flock FILE` (a shared machine). A float32 model: FLOAT_INPUT='scale=S offset=O'
# feeds Arm NN pixel * S + O, and QMODEL=FILE.qmodel is what ours runs (its post-training quantization, made by
# `modelc-train import MODEL.tflite --preprocess ... --calibration-dir ...`). TFLITE='builtin xnnpack' (either or both)
# also runs TFLite's own interpreter on the same bytes (scripts/tflite-reference/run.js, one JSON per chunk and kind,
# kept like Arm NN's) and makes the comparison three-way (docs/import.md, "Agreement with TFLite").
# Set-up (Debian 12, as root):
#   apt-get install python3-pyarmnn libarmnn-cpuref-backend22 libarmnntfliteparser22 python3-pil
#   (cd scripts/tflite-reference && npm ci)     # only for TFLITE
set -euo pipefail

if [ $# -lt 3 ]; then
    echo "usage: $0 MODEL.tflite PHOTO_DIR OUT_DIR [COUNT]" >&2
    exit 2
fi
model=$1 photos=$2 out=$3 count=${4:-200}
if [ -n "${TFLITE:-}" ] && [ -n "${FLOAT_INPUT:-}" ]; then
    echo "error: TFLITE runs uint8-input models only (scripts/tflite-reference/run.js feeds the saved pixels)" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
labels=$repo/tests/models/tflite/imagenet_labels.txt
run() { if [ -n "${LOCK:-}" ]; then flock "$LOCK" "$@"; else "$@"; fi; }

mkdir -p "$out"
# awk stops taking lines itself: `head` closing the pipe early would fail the script under pipefail (SIGPIPE).
find "$photos" -type f | sort | awk -v n="$count" 'NR % 5 == 1 && ++k <= n' > "$out/photos.txt"
if [ "$(wc -l < "$out/photos.txt")" -lt "$count" ]; then
    echo "error: $photos has fewer than $count photographs at every 5th" >&2
    exit 1
fi
rm -f "$out"/chunk.[0-9][0-9]
(cd "$out" && split -l 20 -d photos.txt chunk.)
for chunk in "$out"/chunk.[0-9][0-9]; do
    if [ -s "$chunk.json" ]; then
        continue
    fi
    # shellcheck disable=SC2046 # one argument per photograph; the dataset's paths have no spaces
    run /usr/bin/python3 "$repo/scripts/armnn-reference.py" "$model" $(cat "$chunk") --labels "$labels" \
        --save-inputs "$chunk.inputs" -o "$chunk.json" ${FLOAT_INPUT:+--float-input "$FLOAT_INPUT"}
done
tflite_args=()
for kind in ${TFLITE:-}; do
    for chunk in "$out"/chunk.[0-9][0-9]; do
        if [ ! -s "$chunk.$kind.json" ]; then
            run node "$repo/scripts/tflite-reference/run.js" "$model" --kernels "$kind" -o "$chunk.$kind.json" "$chunk.json"
        fi
    done
    tflite_args+=(--tflite "$kind")
done
cd "$repo"
run dotnet run -c Release scripts/armnn-agreement.cs -- "${QMODEL:-$model}" "$labels" "${tflite_args[@]}" \
    "$out"/chunk.[0-9][0-9].json
