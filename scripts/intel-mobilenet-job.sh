#!/usr/bin/env bash
# intel-mobilenet (inverted residual blocks, batch normalization, ReLU6, residual additions; a format version 2 graph)
# on the Intel scene photographs, end to end, resumable:
#   float training -> QAT of the whole model (batch normalization folded, statistics frozen after --freeze-bn-after
#   steps) -> export -> PTQ full-int8 of the same float model -> inspect (MACs and weight bytes next to intel-cnn's)
#   -> one comparison table.
#
# Usage: scripts/intel-mobilenet-job.sh DATA_DIR [OUT_DIR]
#   DATA_DIR holds seg_train/<class>/*.jpg and seg_test/<class>/*.jpg (Kaggle layout; here ../shared/datasets/intel-scenes).
#   OUT_DIR defaults to artifacts/intel-mobilenet-job. Run it again after an interruption: finished stages are skipped
#   and the interrupted training stage resumes from its last checkpoint (train/qat --resume).
#   Environment: THREADS (libtorch threads, default 2), WIDTH (width multiplier, default 1), FLOAT_EPOCHS (default 25, the seed CNN's budget),
#   QAT_EPOCHS (default 1, intel-cnn's QAT budget), FREEZE_BN_AFTER (QAT steps with batch statistics, default 200), and for a smoke run
#   TRAIN_LIMIT / TEST_LIMIT (seeded subsets of the training and test photographs).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:?usage: scripts/intel-mobilenet-job.sh DATA_DIR [OUT_DIR]  (DATA_DIR holds seg_train/ and seg_test/)}"
out="${2:-artifacts/intel-mobilenet-job}"
threads="${THREADS:-2}"
width="${WIDTH:-1}"
float_epochs="${FLOAT_EPOCHS:-25}"
qat_epochs="${QAT_EPOCHS:-1}"
freeze_bn_after="${FREEZE_BN_AFTER:-200}"
# shellcheck source=job-stages.sh
source scripts/job-stages.sh
intel_job_setup "$data" "$out"
stages_total=7

# Built into the job's folder, so that rebuilding src/Trainer meanwhile cannot replace the program under a running stage.
T="$out/trainer/modelc-train"
common=(--data-dir "$data" --dataset-name "$name" --val-fraction 0.1 --threads "$threads")
if [ -n "${TRAIN_LIMIT:-}" ]; then common+=(--train-limit "$TRAIN_LIMIT"); fi
if [ -n "${TEST_LIMIT:-}" ]; then common+=(--test-limit "$TEST_LIMIT"); fi

build_trainer() { dotnet build src/Trainer/Trainer.csproj -c Release -nologo -v quiet -o "$out/trainer"; }

# From scratch with intel-cnn's epoch budget (25, issue 12 compares at the same budget or less) and a higher rate than
# its 5e-4 (batch normalization tolerates it); batch 32 keeps the batch statistics of the normalizations steadier than 16. The seed's augmentation with
# horizontal flips; the weights of the best validation epoch are kept. Fixed before its first run on the whole set
# (samples/IntelClassifier.Model/intel-mobilenet.qmodel came from it, THREADS=1), not tuned on seg_test.
float_training() {
    "$T" train --model intel-mobilenet --width "$width" "${common[@]}" --augment --hflip --epochs "$float_epochs" --batch-size 32 \
        --lr 1e-3 --keep-best --resume -o "$out/mobilenet-float.tsm"
}

# The whole model quantization-aware, as intel-job.sh fine-tunes intel-cnn (Adam 1e-4, augmented), with the batch
# normalizations' statistics frozen after FREEZE_BN_AFTER steps (then training computes the exported arithmetic).
qat() {
    "$T" qat --from "$out/mobilenet-float.tsm" "${common[@]}" --augment --epochs "$qat_epochs" --batch-size 32 --lr 1e-4 \
        --freeze-bn-after "$freeze_bn_after" --keep-best --resume --name IntelMobileNet -o "$out/mobilenet-qat.qmodel"
}

ptq() {
    "$T" ptq --from "$out/mobilenet-float.tsm" "${common[@]}" --name IntelMobileNet --mode full-int8 --calibration-samples 1000 \
        -o "$out/mobilenet-ptq-int8.qmodel"
}

# Each layer with the tensors it reads, MACs and weight bytes; intel-cnn's totals (the sample's model) beside them.
costs() {
    COLUMNS=200 "$T" inspect "$out/mobilenet-qat.qmodel" > "$out/mobilenet-qat.inspect.txt"
    COLUMNS=200 "$T" inspect samples/IntelClassifier.Model/intel.qmodel > "$out/intel-cnn.inspect.txt"
    {
        echo "intel-mobilenet (width $width): $(grep '^file size' "$out/mobilenet-qat.inspect.txt")"
        echo "intel-cnn (samples/IntelClassifier.Model/intel.qmodel): $(grep '^file size' "$out/intel-cnn.inspect.txt")"
    } | tee "$out/costs.txt"
}

compare() {
    "$T" compare \
        --row "intel-mobilenet QAT, whole model (batch norm folded)=$out/mobilenet-qat.qmodel" \
        --row "intel-mobilenet PTQ, full integer (1000 calibration images)=$out/mobilenet-ptq-int8.qmodel" \
        --history "$out/mobilenet-qat.qmodel.tsm" \
        -o "$out/comparison.json" --markdown "$out/comparison.md" --png "$out/comparison.png"
}

stage "build the trainer" "" build_trainer
stage "train intel-mobilenet (float)" "$out/mobilenet-float.tsm" float_training
stage "QAT, whole model" "$out/mobilenet-qat.qmodel.report.json" qat
stage "PTQ, full integer" "$out/mobilenet-ptq-int8.qmodel.report.json" ptq
stage "MACs and weight bytes" "" costs
stage "the comparison table" "" compare
stage "the table" "" cat "$out/comparison.md"
echo "== done in $(( $(date +%s) - job_start )) s; stage times in $times; table in $out/comparison.md"
