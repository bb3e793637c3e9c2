# Shared by the scripts/bench-* benchmarks. Sourced, not run.
# bench_median RUNS LABEL GOAL_S -- CMD...: runs CMD RUNS times (output discarded) after one warm-up,
# prints the median, min and max wall time, and the goal with the ratio median/goal (GOAL_S '-': none).
bench_median() {
    local runs=$1 label=$2 goal=$3
    shift 3
    [ "$1" = "--" ] && shift
    "$@" >/dev/null 2>&1 || { echo "$label: the command failed: $*" >&2; return 1; }
    local times=() i t0 t1
    for ((i = 0; i < runs; i++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v goal="$goal" -v runs="$runs" '
        { t[NR] = $1 / 1e6 }
        END {
            med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            printf "%-56s median %.4f s  (min %.4f, max %.4f, %d runs)", label, med, t[1], t[NR], runs
            if (goal != "-") printf "  goal %s s  median/goal %.2f", goal, med / goal
            printf "\n"
        }'
}
