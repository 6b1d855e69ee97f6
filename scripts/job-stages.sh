# Sourced by the resumable job scripts (intel-job.sh, intel-mobilenet-job.sh): one `stage` per step, skipped when the
# file it leaves behind exists. The script calls intel_job_setup and sets stages_total first.
stage_number=0

# intel_job_setup DATA_DIR OUT_DIR: checks the Kaggle layout, creates OUT_DIR and sets what every stage uses: name (the
# dataset's provenance name), job_start and times (a TSV of stage, seconds, finish time).
intel_job_setup() {
    local data_dir="$1" out_dir="$2"
    if [ ! -d "$data_dir/seg_train" ] || [ ! -d "$data_dir/seg_test" ]; then
        echo "error: $data_dir must hold seg_train/<class>/ and seg_test/<class>/ (the Kaggle Intel Image Classification layout)" >&2
        exit 1
    fi

    mkdir -p "$out_dir"
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    name="Intel Image Classification (Kaggle puneet6060/intel-image-classification; the subset in afroozsheikh/Intel-Image-Classifier, 2020-09-16)"
    job_start=$(date +%s)
    times="$out_dir/stage-times.tsv"
}

# stage NAME DONE_FILE COMMAND...: runs COMMAND unless DONE_FILE exists; prints progress and the time it took.
stage() {
    local title="$1" done_file="$2"
    shift 2
    stage_number=$((stage_number + 1))
    if [ -n "$done_file" ] && [ -e "$done_file" ]; then
        echo "== [$stage_number/$stages_total] $title: done earlier ($done_file), skipped"
        return
    fi

    echo "== [$stage_number/$stages_total] $title ($(date '+%H:%M:%S'), load $(cut -d' ' -f1-3 /proc/loadavg))"
    local start
    start=$(date +%s)
    "$@"
    local seconds=$(( $(date +%s) - start ))
    echo "   $title took ${seconds} s"
    printf '%s\t%s\t%s\n' "$title" "$seconds" "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" >> "$times"
}
