#!/usr/bin/env bash
# How long `dotnet build` takes after a one-line edit of the app's code, for three projects measured alternately in the
# same run (so they share the machine's load):
#   empty   an empty console app (`dotnet new console`), the floor any edit-rebuild pays;
#   after   the Intel sample as laid out now: the app (samples/IntelClassifier) referencing the model library
#           (samples/IntelClassifier.Model), the edit in the app's Program.cs;
#   before  the old single-project layout (samples/IntelClassifier of a git revision: BEFORE_REV, default 530903b, the
#           last main before the split), where the ~9 MB of generated model source was part of the app's compilation.
# Copies of the three are built under artifacts/edit-rebuild/ (the repository's Directory.Build.props and package
# versions apply to all three); the source tree is not touched.
#
# Usage: benchmarks/edit-rebuild.sh [ROUNDS]   (default 5; BEFORE_REV=<rev> picks the old layout's revision;
#        PROJECTS="empty after" measures only those; COMPILER_SERVER=1 lets the builds use a warm compiler server,
#        as `dotnet build` does by default on a developer's machine, and shuts it down at the end)
# Prints each round's seconds and the medians, and writes artifacts/edit-rebuild/results.tsv. The builds run with the
# environment as it is: where UseSharedCompilation=false (as on the project's machines), every build starts a cold
# compiler, which is most of an empty app's rebuild time.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
rounds="${1:-5}"
before_rev="${BEFORE_REV:-530903b}"
work=artifacts/edit-rebuild
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "${COMPILER_SERVER:-0}" = 1 ]; then
    export UseSharedCompilation=true
    trap 'dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true' EXIT
fi
echo "== UseSharedCompilation=${UseSharedCompilation:-(unset: the compiler server is used)}"

rm -rf "$work"
mkdir -p "$work"

# Project references in the samples are relative to samples/<name>/; the copies sit elsewhere, so point them at the
# repository's projects by absolute path.
relocate() { sed -i "s#\.\./\.\./src/#$repo/src/#g; s#\.\./IntelClassifier\.Model/#../IntelClassifier.Model/#g" "$1"; }

# empty: a console app with one Program.cs.
mkdir -p "$work/empty"
dotnet new console -o "$work/empty" -n EmptyApp --force >/dev/null

# after: the app and the model library, as in the repository now.
mkdir -p "$work/after"
cp -r samples/IntelClassifier "$work/after/IntelClassifier"
cp -r samples/IntelClassifier.Model "$work/after/IntelClassifier.Model"
rm -rf "$work"/after/*/bin "$work"/after/*/obj
relocate "$work/after/IntelClassifier/IntelClassifier.csproj"
relocate "$work/after/IntelClassifier.Model/IntelClassifier.Model.csproj"

# before: the single project of $before_rev (its intel.qmodel has the same architecture, so the same generated size).
mkdir -p "$work/before"
git archive "$before_rev" samples/IntelClassifier | tar -x -C "$work/before" --strip-components=1
relocate "$work/before/IntelClassifier/IntelClassifier.csproj"

declare -A project=(
    [empty]="$work/empty/EmptyApp.csproj"
    [after]="$work/after/IntelClassifier/IntelClassifier.csproj"
    [before]="$work/before/IntelClassifier/IntelClassifier.csproj"
)
declare -A program=(
    [empty]="$work/empty/Program.cs"
    [after]="$work/after/IntelClassifier/Program.cs"
    [before]="$work/before/IntelClassifier/Program.cs"
)
read -r -a order <<< "${PROJECTS:-empty after before}"

build() { dotnet build "$1" -c Release -nologo -v quiet --no-restore >"$work/last-build.log" 2>&1 || { cat "$work/last-build.log"; exit 1; }; }

echo "== first builds (restore, compile; not timed) ($(date -u '+%H:%M:%S'), load $(cut -d' ' -f1-3 /proc/loadavg))"
for name in "${order[@]}"; do
    echo "// edit-rebuild marker 0" >> "${program[$name]}"   # the line each round rewrites
    dotnet restore "${project[$name]}" -nologo -v quiet >/dev/null
    build "${project[$name]}"
done

results="$work/results.tsv"
printf 'round\tproject\tseconds\tload1\n' > "$results"
for round in $(seq 1 "$rounds"); do
    for name in "${order[@]}"; do
        # The one-line edit: rewrite the last line of Program.cs.
        sed -i "\$s#.*#// edit-rebuild marker $round#" "${program[$name]}"
        load=$(cut -d' ' -f1 /proc/loadavg)
        start=$(date +%s%N)
        build "${project[$name]}"
        seconds=$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.2f", ns / 1e9 }')
        printf '%s\t%s\t%s\t%s\n' "$round" "$name" "$seconds" "$load" >> "$results"
        printf 'round %s  %-6s %6s s  (load %s)\n' "$round" "$name" "$seconds" "$load"
    done
done

echo "== medians of $rounds rounds (one-line edit in Program.cs, then dotnet build -c Release --no-restore)"
for name in "${order[@]}"; do
    awk -F'\t' -v n="$name" '$2 == n { print $3 }' "$results" | sort -n |
        awk -v n="$name" '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%-6s median %6.2f s  (min %.2f, max %.2f)\n", n, m, v[1], v[NR] }'
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
