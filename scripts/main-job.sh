#!/usr/bin/env bash
# The main job, end to end on Fashion-MNIST (the seed's seven steps):
#   install the data if missing -> train fashion-cnn (float) -> QAT fine-tune -> export fashion.qmodel ->
#   compile it into the Fashion sample with the generator -> publish it with Native AOT -> run it over the test set ->
#   print the comparison table and write artifacts/report.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/main-job
mkdir -p "$out"
start=$(date +%s)

if [ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
    echo "== installing Fashion-MNIST (dataset-fashion-mnist)"
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist
    else sudo apt-get update -qq && sudo apt-get install -y -qq dataset-fashion-mnist; fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== building the trainer"
dotnet build src/Trainer -c Release -nologo -v quiet
train() { dotnet src/Trainer/bin/Release/net10.0/linux-x64/modelc-train.dll "$@"; }

echo "== 1-3. create, train and save fashion-cnn (float, 3 epochs, Adam 1e-3, batch 64)"
train train --model fashion-cnn --epochs 3 --lr 1e-3 --batch-size 64 -o "$out/fashion-float.tsm"

echo "== 4-6. quantization-aware fine-tuning (1 epoch, Adam 1e-4), export and compare"
train qat --from "$out/fashion-float.tsm" --name FashionClassifier --epochs 1 --lr 1e-4 --batch-size 64 -o "$out/fashion.qmodel"

echo "== timing TorchSharp float inference (batch 1, one thread)"
train evaluate "$out/fashion-float.tsm" --latency 2000 --threads 1 --json "$out/torch-latency.json"

echo "== 7. compile the .qmodel into the Fashion sample and publish it with Native AOT"
publish_start=$(date +%s)
dotnet publish samples/FashionClassifier -c Release -nologo -v quiet -r linux-x64 \
    -p:FashionModel="$PWD/$out/fashion.qmodel" -o "$out/fashion-aot"
publish_seconds=$(( $(date +%s) - publish_start ))
"$out/fashion-aot/fashion-classifier" --evaluate --json "$out/compiled.json"

train report --qmodel-report "$out/fashion.qmodel.report.json" --compiled "$out/compiled.json" \
    --torch-latency "$out/torch-latency.json" --binary "$out/fashion-aot/fashion-classifier" \
    --publish-seconds "$publish_seconds" --wall-seconds "$(( $(date +%s) - start ))" -o artifacts/report.json
