# Sourced by the resumable job scripts (intel-job.sh, intel-mobilenet-job.sh): one `stage` per step, skipped when the
# file it leaves behind exists. The script sets stages_total and times (a TSV of stage, seconds, finish time) first.
stage_number=0

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
