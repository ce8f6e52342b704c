#!/usr/bin/env bash
# Intake benchmark: how long "gatehouse-cli load" takes, and how much memory it needs, for large sources.
#
#   tests/bench/intake.sh
#
# Generates (once, reused from WORK_DIR) a folder of 100,000 small files in 100 sub-folders, a 100,000-row CSV
# and a 1,000,000-row CSV (id,title,url), then loads each into a fresh catalog RUNS times under
# /usr/bin/time -v and reports the median wall time and peak RSS. Goals: the 100k folder and the 100k CSV each
# within 10 s and 500 MB; the 1M CSV under 2 GB. Exit status 1 when a goal is missed.
#
# Environment: BUILD_DIR (default build-bench in the repository; built with ninja if gatehouse-cli is out of
# date), WORK_DIR (default /tmp/gatehouse-intakebench), RUNS (default 3). The table also goes to
# tests/bench/results/intake/summary.txt (ignored by git).

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-intakebench}
runs=${RUNS:-3}

for tool in cmake ninja /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "intake.sh: $tool is not installed" >&2; exit 2; }
done

echo "== building gatehouse-cli in $build"
if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$repo" -B "$build" -G Ninja -DGATEHOUSE_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
ninja -C "$build" -j2 gatehouse-cli >/dev/null
cli=$build/bin/gatehouse-cli

results=$repo/tests/bench/results/intake
mkdir -p "$work" "$results"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"

# --- sources --------------------------------------------------------------------------------------------
folder=$work/folder-100k
if [[ ! -f $folder.complete ]]; then
    echo "== generating $folder (100,000 files of 16-200 bytes in 100 folders)"
    rm -rf "$folder"
    mkdir -p "$folder"
    # One awk process writes every file: a shell loop would take minutes.
    awk -v root="$folder" 'BEGIN {
        for (d = 0; d < 100; ++d) {
            dir = sprintf("%s/box-%03d", root, d)
            system("mkdir -p " dir)
            for (f = 0; f < 1000; ++f) {
                path = sprintf("%s/card-%04d.txt", dir, f)
                printf "card %d of box %d\n", f, d > path
                for (i = 0; i < (d * 7 + f) % 12; ++i) printf "line %d of some transcribed text\n", i > path
                close(path)
            }
        }
    }'
    touch "$folder.complete"
fi

make_csv() { # ROWS PATH
    if [[ ! -s $2 ]]; then
        echo "== generating $2 ($1 rows)"
        awk -v rows="$1" 'BEGIN {
            print "id,title,url"
            for (i = 1; i <= rows; ++i)
                printf "rec-%07d,\"Record %d, a title with a comma\",https://images.example.org/iiif/%d/full/max/0/default.jpg\n", i, i, i
        }' >"$2.tmp"
        mv "$2.tmp" "$2"
    fi
}
csv100k=$work/records-100k.csv
csv1m=$work/records-1m.csv
make_csv 100000 "$csv100k"
make_csv 1000000 "$csv1m"

# --- measurements ---------------------------------------------------------------------------------------
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() { # NAME SOURCE EXPECTED_FILES -> sets wall_s, rss_mb
    local name=$1 source=$2 expected=$3 walls=() rsss=()
    for ((r = 1; r <= runs; ++r)); do
        local ws=$work/ws-$name
        rm -rf "$ws"
        mkdir -p "$ws"
        if ! /usr/bin/time -v -o "$ws/time.txt" "$cli" --catalog "$ws/catalog.sqlite" --store "$ws/store" \
            load "$source" --json >"$ws/out.json" 2>"$ws/err.txt"; then
            echo "intake.sh: loading $source failed:" >&2
            cat "$ws/err.txt" >&2
            exit 1
        fi
        local files
        files=$(grep -o '"files": *[0-9]*' "$ws/out.json" | grep -o '[0-9]*$')
        if [[ $files != "$expected" ]]; then
            echo "intake.sh: $source loaded $files files, expected $expected" >&2
            exit 1
        fi
        local wall rss
        # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.21"
        wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s }' "$ws/time.txt")
        rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$ws/time.txt")
        echo "   $name run $r: ${wall} s, ${rss} MB"
        walls+=("$wall")
        rsss+=("$rss")
    done
    wall_s=$(printf '%s\n' "${walls[@]}" | median)
    rss_mb=$(printf '%s\n' "${rsss[@]}" | median)
    rm -rf "$work/ws-$name"
}

failed=0
table=""
judge() { # NAME WALL_GOAL_S RSS_GOAL_MB
    local verdict=ok
    if [[ $2 != - ]] && awk -v a="$wall_s" -v b="$2" 'BEGIN { exit !(a > b) }'; then verdict=MISSED; fi
    if awk -v a="$rss_mb" -v b="$3" 'BEGIN { exit !(a >= b) }'; then verdict=MISSED; fi
    [[ $verdict == ok ]] || failed=1
    table+=$(printf '%-14s %9s s %10s MB   goal: %s s, < %s MB   %s' "$1" "$wall_s" "$rss_mb" "$2" "$3" "$verdict")$'\n'
}

echo "== loading each source $runs times ($(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
measure folder-100k "$folder" 100000
judge folder-100k 10 500
measure csv-100k "$csv100k" 100000
judge csv-100k 10 500
measure csv-1m "$csv1m" 1000000
judge csv-1m - 2048

echo
echo "== medians of $runs runs (gatehouse-cli load, /usr/bin/time -v)"
printf '%s' "$table" | tee "$results/summary.txt"
exit $failed
