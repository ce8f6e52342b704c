#!/bin/bash
# Export benchmark: PREMIS, METS and the files CSV of synthetic batches of 10^4, 10^5 and 10^6 files (each file
# fetched, with the three events the fetch stage records), timed with their peak memory. Memory must not grow
# with the batch: the exports read items, files and events a page at a time. The peer is sqlite3 writing the
# same files table as CSV (its own .mode csv): the cost of reading the rows, without PREMIS, flattening or
# quoting rules.
#
#   tests/bench/reports.sh
#
# Environment:
#   GATEHOUSE_BENCH_DIR    work folder (default /tmp/gatehouse-bench-reports); catalogs are generated there once
#   GATEHOUSE_BUILD_DIR    build folder (default: build/ in this repository)
#   GATEHOUSE_BENCH_SIZES  batch sizes (default "10000 100000 1000000")
#   GATEHOUSE_BENCH_FORMATS  exports to measure (default "premis mets csv")
# Times are CPU seconds (user + system) as well as wall-clock seconds: on a shared machine the CPU time is the
# steadier number. The PREMIS of a million files is several GB; each output is deleted once measured.
# Goal: the PREMIS export's peak RSS at the largest size within 1.25x of the next size down. (Below about
# 10^5 files the catalog connection's 64 MiB SQLite page cache is still filling, so the smallest size is not
# the baseline.) Exit 1 when missed, 2 when a tool is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
WORK=${GATEHOUSE_BENCH_DIR:-/tmp/gatehouse-bench-reports}
BUILD=${GATEHOUSE_BUILD_DIR:-$repo/build}
SIZES=${GATEHOUSE_BENCH_SIZES:-10000 100000 1000000}
FORMATS=${GATEHOUSE_BENCH_FORMATS:-premis mets csv}
CLI=$BUILD/bin/gatehouse-cli
GEN=$BUILD/bin/gatehouse-reportbench

for tool in /usr/bin/time sqlite3; do
    command -v "$tool" >/dev/null || { echo "reports.sh: $tool is not installed" >&2; exit 2; }
done
ninja -C "$BUILD" gatehouse-cli gatehouse-reportbench >/dev/null
mkdir -p "$WORK"
log() { printf '%s\n' "$*" >&2; }

# measure LABEL COMMAND…: prints "LABEL CPU-SECONDS WALL-SECONDS PEAK-KIB"; leaves "CPU RSS" in time.txt
measure() {
    local label=$1
    shift
    /usr/bin/time -f '%U %S %e %M' -o "$WORK/time.raw" "$@" >/dev/null
    read -r user system wall rss <"$WORK/time.raw"
    cpu=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')
    echo "$cpu $rss" >"$WORK/time.txt"
    printf '%-28s %9s %9s %12s\n' "$label" "$cpu" "$wall" "$rss"
}

previous_rss="" last_rss=""
printf '%-28s %9s %9s %12s\n' "export" "CPU s" "wall s" "peak KiB"
for n in $SIZES; do
    catalog=$WORK/batch-$n.sqlite
    if [ ! -f "$catalog.complete" ]; then
        log "generating a batch of $n files in $catalog (once) …"
        rm -f "$catalog" "$catalog-wal" "$catalog-shm"
        "$GEN" "$catalog" "$n" >/dev/null
        touch "$catalog.complete"
    fi
    for format in $FORMATS; do
        measure "$format ($n files)" "$CLI" --catalog "$catalog" report 1 --format $format -o "$WORK/out.$format"
        rss=$(cut -d' ' -f2 "$WORK/time.txt")
        if [ "$format" = premis ]; then
            previous_rss=$last_rss
            last_rss=$rss
        fi
        printf '  %s: %d MB\n' "$format" $(($(stat -c %s "$WORK/out.$format") / 1000000))
        rm -f "$WORK/out.$format"
    done
    measure "sqlite3 files csv ($n)" sqlite3 -csv -header "$catalog" "SELECT * FROM files"
    measure "sqlite3 events csv ($n)" sqlite3 -csv -header "$catalog" "SELECT * FROM events"
done
[ -n "$previous_rss" ] || exit 0
ratio=$(awk -v a="$last_rss" -v b="$previous_rss" 'BEGIN { printf "%.2f", a / b }')
echo "peak RSS of the PREMIS export, largest / next smaller batch: $ratio (goal <= 1.25)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.25) }'
