#!/usr/bin/env bash
# The main job: install Fashion-MNIST if missing, train fashion-cnn, fine-tune it with QAT, export the .qmodel,
# compile it with the generator into the Fashion sample, publish it with Native AOT and compare the results.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
    apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist
fi
echo "main-job: the trainer and the generator are not built yet (issues 3, 4 and 5); nothing else to run." >&2
exit 2
