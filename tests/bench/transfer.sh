#!/bin/bash
# Transfer benchmark: Gatehouse's HTTP engine against aria2c and wget, all downloading the same files from a local
# nginx (tests/peers/nginx.sh) over loopback.
#
#   tests/bench/transfer.sh
#
# Environment:
#   GATEHOUSE_BENCH_DIR   work folder (default /tmp/gatehouse-bench). The data set (800 x 256 KiB + 4 x 64 MiB of
#                         deterministic pseudo-random bytes, 456 MiB) is generated there once and reused.
#   GATEHOUSE_BUILD_DIR   build folder holding bin/gatehouse-cli (default /work/main/build)
#   GATEHOUSE_BENCH_RUNS  timed runs per command (default 3; the median is reported)
#
# Rows: aria2c -j16 -x1, wget (sequential, one connection), gatehouse-cli run --jobs 16 with a fresh catalog and
# store per run, and a second gatehouse-cli run with the catalog of a completed first run (every URL unchanged:
# conditional requests, all 304). Goals: gatehouse/aria2c <= 0.8 and first/second >= 10.
# hyperfine's JSON exports and logs go to WORK/results/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=$repo/tests/peers
PY=/usr/bin/python3
WORK=${GATEHOUSE_BENCH_DIR:-/tmp/gatehouse-bench}
BUILD=${GATEHOUSE_BUILD_DIR:-/work/main/build}
RUNS=${GATEHOUSE_BENCH_RUNS:-3}
CLI=$BUILD/bin/gatehouse-cli
SMALL_COUNT=800 SMALL_SIZE=262144 LARGE_COUNT=4 LARGE_SIZE=67108864
EXPECTED_FILES=$((SMALL_COUNT + LARGE_COUNT))
EXPECTED_BYTES=$((SMALL_COUNT * SMALL_SIZE + LARGE_COUNT * LARGE_SIZE))

for tool in aria2c wget hyperfine /usr/sbin/nginx "$PY"; do
    command -v "$tool" >/dev/null || { echo "transfer.sh: $tool is not installed" >&2; exit 2; }
done

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
data=$WORK/data nginx_dir=$WORK/nginx results=$WORK/results scratch=$WORK/scratch list=$WORK/urls.txt
mkdir -p "$results"

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -f "$nginx_dir/pid" ]; then
        "$peers/nginx.sh" stop "$nginx_dir" >/dev/null 2>&1 || true
    fi
    rm -rf "$scratch"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '%s\n' "$*" >&2; }

# ------------------------------------------------------------------------------------------------ data set
if [ ! -f "$data/.complete" ]; then
    log "generating the data set in $data (once; 456 MiB) …"
    rm -rf "$data" "$data.tmp"
    "$PY" - "$data.tmp" "$SMALL_COUNT" "$SMALL_SIZE" "$LARGE_COUNT" "$LARGE_SIZE" <<'PYEOF'
import os, random, sys
root, small_count, small_size, large_count, large_size = sys.argv[1], *map(int, sys.argv[2:])
os.makedirs(os.path.join(root, "small"))
os.makedirs(os.path.join(root, "large"))
for i in range(small_count):
    with open(os.path.join(root, "small", f"s{i:04d}.bin"), "wb") as f:
        f.write(random.Random(f"gatehouse-bench-small-{i}").randbytes(small_size))
for i in range(large_count):
    rng = random.Random(f"gatehouse-bench-large-{i}")
    with open(os.path.join(root, "large", f"l{i}.bin"), "wb") as f:
        for _ in range(large_size // (1 << 20)):
            f.write(rng.randbytes(1 << 20))
PYEOF
    mv "$data.tmp" "$data"
    touch "$data/.complete"
fi

# ------------------------------------------------------------------------------------------------ nginx
if [ -f "$nginx_dir/pid" ]; then           # a leftover from an interrupted run
    "$peers/nginx.sh" stop "$nginx_dir" >/dev/null 2>&1 || true
fi
rm -rf "$nginx_dir"
mkdir -p "$nginx_dir"
"$peers/nginx.sh" start "$nginx_dir" "$data"
port=$(cat "$nginx_dir/port")
base=http://127.0.0.1:$port
{
    for ((i = 0; i < SMALL_COUNT; i++)); do printf '%s/small/s%04d.bin\n' "$base" "$i"; done
    for ((i = 0; i < LARGE_COUNT; i++)); do printf '%s/large/l%d.bin\n' "$base" "$i"; done
} >"$list"
log "nginx on $base serving $data; $(wc -l <"$list") URLs in $list"
# Warm the page cache so the first measured tool does not pay for the disk.
cat "$data"/small/*.bin "$data"/large/*.bin >/dev/null

# ------------------------------------------------------------------------------------------------ helpers
# check_download DIR LABEL: the folder holds every file with the right total size.
check_download() {
    local dir=$1 label=$2 files bytes
    files=$(find "$dir" -type f -name '*.bin' | wc -l)
    bytes=$(find "$dir" -type f -name '*.bin' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    if [ "$files" != "$EXPECTED_FILES" ] || [ "$bytes" != "$EXPECTED_BYTES" ]; then
        log "warning: $label downloaded $files files / $bytes bytes, expected $EXPECTED_FILES / $EXPECTED_BYTES"
        return 1
    fi
}

# measure NAME PREPARE COMMAND: hyperfine, RUNS timed runs; prints "median t1 t2 …" (seconds) or nothing.
measure() {
    local name=$1 prepare=$2 command=$3
    if hyperfine --runs "$RUNS" --style none --prepare "$prepare" --export-json "$results/$name.json" \
        --command-name "$name" "$command" >"$results/$name.log" 2>&1; then
        "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.3f" % r["median"], " ".join("%.3f" % t for t in r["times"]))' "$results/$name.json"
    else
        log "$name: hyperfine failed, see $results/$name.log"
    fi
}

declare -A median runs seen
access_log=$nginx_dir/logs/access.log
access_lines() { if [ -f "$access_log" ]; then wc -l <"$access_log"; else echo 0; fi; }
# statuses_since LINES: what nginx answered after that many access-log lines, e.g. "200 x 2412" (the status is
# the first field of the log format tests/peers/nginx.sh configures).
statuses_since() {
    [ -f "$access_log" ] || return 0
    tail -n +$(($1 + 1)) "$access_log" | awk '{n[$1]++} END {for (s in n) printf "%s x %d, ", s, n[s]}' | sed 's/, $//'
}
record() {    # record NAME "median t1 t2 …"
    local name=$1 line=$2
    [ -n "$line" ] || return 0
    median[$name]=${line%% *}
    runs[$name]=${line#* }
}

# ------------------------------------------------------------------------------------------------ aria2c
aria2_cmd="aria2c -j16 -x1 -i '$list' -d '$scratch' --file-allocation=none --auto-save-interval=0 \
--allow-overwrite=true --auto-file-renaming=false --console-log-level=error --summary-interval=0 -q"
fresh_scratch="rm -rf '$scratch' && mkdir -p '$scratch'"
log "aria2c: check run …"
eval "$fresh_scratch"
if eval "$aria2_cmd" && check_download "$scratch" aria2c; then
    log "aria2c: $RUNS timed runs …"
    record aria2c "$(measure aria2c "$fresh_scratch" "$aria2_cmd")"
fi

# ------------------------------------------------------------------------------------------------ wget
wget_cmd="wget -q -i '$list' -P '$scratch'"
log "wget: check run …"
eval "$fresh_scratch"
if eval "$wget_cmd" && check_download "$scratch" wget; then
    log "wget: $RUNS timed runs …"
    record wget "$(measure wget "$fresh_scratch" "$wget_cmd")"
fi
rm -rf "$scratch"

# ------------------------------------------------------------------------------------------------ gatehouse
gh=$WORK/gatehouse gh_seed=$WORK/gatehouse-seed
# -q is a global option of gatehouse-cli, so it goes before the command.
gh_cmd="'$CLI' -q --catalog '$gh/catalog.sqlite' --store '$gh/store' run '$list' --jobs 16"
gh_fresh="rm -rf '$gh' && mkdir -p '$gh'"
gh_available=0
if [ ! -x "$CLI" ]; then
    log "gatehouse: $CLI not found"
else
    log "gatehouse: check run …"
    eval "$gh_fresh"
    if eval "$gh_cmd" >"$results/gatehouse-check.log" 2>&1; then
        gh_available=1
    else
        log "gatehouse: check run failed (exit $?), see $results/gatehouse-check.log"
    fi
fi
if ((gh_available)); then
    # The completed check run is the catalog (and store) every "second run" starts from.
    rm -rf "$gh_seed"
    cp -a "$gh" "$gh_seed"
    log "gatehouse first run: $RUNS timed runs …"
    mark=$(access_lines)
    record gatehouse_first "$(measure gatehouse_first "$gh_fresh" "$gh_cmd")"
    seen[gatehouse_first]=$(statuses_since "$mark")
    log "gatehouse second run (same catalog, all 304): $RUNS timed runs …"
    mark=$(access_lines)
    record gatehouse_second "$(measure gatehouse_second "rm -rf '$gh' && cp -a '$gh_seed' '$gh'" "$gh_cmd")"
    seen[gatehouse_second]=$(statuses_since "$mark")
    rm -rf "$gh" "$gh_seed"
fi

# ------------------------------------------------------------------------------------------------ table
ratio() {    # ratio A B: A/B with 2 decimals, or n/a
    local a=${median[$1]:-} b=${median[$2]:-}
    if [ -n "$a" ] && [ -n "$b" ]; then
        "$PY" -c 'import sys; a, b = map(float, sys.argv[1:]); print("%.2f" % (a / b) if b > 0 else "n/a")' "$a" "$b"
    else
        echo "n/a"
    fi
}
row() {    # row NAME LABEL
    local name=$1 label=$2
    if [ -n "${median[$name]:-}" ]; then
        printf '%-36s %10s   %s\n' "$label" "${median[$name]}" "${runs[$name]}"
    elif [[ $name == gatehouse* ]]; then
        printf '%-36s %s\n' "$label" "gatehouse: not available"
    else
        printf '%-36s %s\n' "$label" "failed (see $results/$name.log)"
    fi
}

echo
echo "Transfer benchmark: $SMALL_COUNT x 256 KiB + $LARGE_COUNT x 64 MiB ($((EXPECTED_BYTES / 1048576)) MiB)" \
    "from nginx on loopback, $(nproc) cores"
printf '%-36s %10s   %s\n' "command" "median s" "runs (s)"
row aria2c "aria2c -j16 -x1"
row wget "wget -i (sequential)"
row gatehouse_first "gatehouse run --jobs 16 (first)"
row gatehouse_second "gatehouse run (second, all 304)"
printf '%-36s %10s   %s\n' "ratio gatehouse/aria2c" "$(ratio gatehouse_first aria2c)" "goal <= 0.8"
printf '%-36s %10s   %s\n' "ratio first/second" "$(ratio gatehouse_first gatehouse_second)" "goal >= 10"
for name in gatehouse_first gatehouse_second; do
    if [ -n "${seen[$name]:-}" ]; then
        echo "nginx answered during the $RUNS timed $name runs: ${seen[$name]}"
    fi
done
if ((gh_available)) && [[ ${seen[gatehouse_second]:-} != *304* ]]; then
    echo "note: the second gatehouse run sent no conditional request that got a 304"
fi
