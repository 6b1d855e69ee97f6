#!/usr/bin/env bash
# How long a clean build of the Intel sample takes at several git revisions, measured alternately in one run (so every
# revision shares the machine's load). Each revision is extracted (git archive) under artifacts/clean-build/<rev>/ and
# built once in full (generator, runtime, sample) as a warm-up; then each round deletes the sample's bin/ and obj/ (the
# app and, where the revision has one, the model library) and times `dotnet build samples/IntelClassifier -c Release`:
# restore, the generator's run and the compilation of the generated model and the app. The generator itself is not
# rebuilt (a user gets it built, in the package).
#
# Usage: benchmarks/clean-build.sh [ROUNDS] [REV...]    (default 5 rounds, revisions 38a8dfb HEAD: main before the
#        house issue (11) and now). Every revision compiles the same model, the current checkout's
#        samples/IntelClassifier.Model/intel.qmodel, unless MODEL=<file> names another (set MODEL=keep to build each
#        revision's own). Prints each round's seconds, the medians and each revision's median over the first's, and
#        writes artifacts/clean-build/results.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
shift || true
revs=("$@")
[ ${#revs[@]} -gt 0 ] || revs=(38a8dfb HEAD)
model="${MODEL:-$(pwd)/samples/IntelClassifier.Model/intel.qmodel}"
work=artifacts/clean-build
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
echo "== UseSharedCompilation=${UseSharedCompilation:-(unset: the compiler server is used)}; model: $model"

rm -rf "$work"
mkdir -p "$work"
for rev in "${revs[@]}"; do
    dir="$work/$(git rev-parse --short "$rev")"
    mkdir -p "$dir"
    git archive "$rev" | tar -x -C "$dir"
    if [ "$model" != keep ]; then
        target=$(find "$dir/samples" -name intel.qmodel | head -1)
        cp "$model" "$target"
    fi
    echo "== warm-up build of $rev ($dir)"
    dotnet build "$dir/samples/IntelClassifier" -c Release >"$dir.warmup.log" 2>&1 || { tail -20 "$dir.warmup.log"; exit 1; }
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'round\trev\tseconds\n' >"$work/results.tsv"
for round in $(seq 1 "$rounds"); do
    for rev in "${revs[@]}"; do
        dir="$work/$(git rev-parse --short "$rev")"
        rm -rf "$dir"/samples/IntelClassifier*/bin "$dir"/samples/IntelClassifier*/obj
        start=$(date +%s.%N)
        dotnet build "$dir/samples/IntelClassifier" -c Release >"$dir.build.log" 2>&1 || { tail -20 "$dir.build.log"; exit 1; }
        seconds=$(echo "$(date +%s.%N) - $start" | bc)
        printf '%s\t%s\t%.2f\n' "$round" "$rev" "$seconds" | tee -a "$work/results.tsv"
    done
done

first=""
for rev in "${revs[@]}"; do
    m=$(awk -F'\t' -v r="$rev" 'NR > 1 && $2 == r {print $3}' "$work/results.tsv" | median)
    [ -n "$first" ] || first=$m
    printf '== %s: median %.2f s over %s rounds, %.2fx the first revision\n' "$rev" "$m" "$rounds" "$(echo "$m / $first" | bc -l)"
done
