#!/usr/bin/env bash
# The TFLite schema and what flatc makes of it, for src/ModelCompiler.Import/Tflite/Schema.
#
#   bash scripts/tflite-schema.sh [path/to/tflite-micro/tensorflow/compiler/mlir/lite/schema/schema.fbs]
#
# With a path: copies that schema.fbs into src/ModelCompiler.Import/Tflite/Schema/schema.fbs without its
# `(deprecated)` attributes, which Debian's flatc 2.0.8 rejects (nothing else changes: field ids and enum values stay).
# Then, from the committed schema.fbs, `flatc --csharp` generates the schema's enums (operator codes, tensor types,
# option kinds, padding, fused activations); only those enum files are kept, in Schema/Generated/, as internal enums
# of ModelCompiler.Import.Tflite.Schema. The table accessors are hand-written (Tflite/TfliteTables.cs and the readers):
# flatc 2.0.8's target the pre-22 `FlatBuffers` runtime and come without a verifier, and the importer needs
# bounds-checked reads that name the table and field of any corruption (see docs/import.md).
# scripts/make-tflite-test-models.py builds the crafted test models with the same schema.
# Needs: apt-get install flatbuffers-compiler (flatc 2.0.8).
set -euo pipefail
cd "$(dirname "$0")/.."
schema_dir=src/ModelCompiler.Import/Tflite/Schema
if [ $# -ge 1 ]; then
    sed -E 's/ \(deprecated\)//' "$1" > "$schema_dir/schema.fbs"
fi
command -v flatc > /dev/null || { echo "flatc not found: apt-get install flatbuffers-compiler" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flatc --csharp -o "$tmp" "$schema_dir/schema.fbs"
mkdir -p "$schema_dir/Generated"
rm -f "$schema_dir/Generated"/*.cs
for name in BuiltinOperator BuiltinOptions TensorType Padding ActivationFunctionType FullyConnectedOptionsWeightsFormat QuantizationDetails; do
    sed -e 's/^namespace tflite$/namespace ModelCompiler.Import.Tflite.Schema/' -e 's/^public enum /internal enum /' \
        "$tmp/tflite/$name.cs" > "$schema_dir/Generated/$name.cs"
done
echo "enums: $(ls "$schema_dir/Generated" | tr '\n' ' ')"

