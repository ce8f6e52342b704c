#!/usr/bin/env bash
# Team mode at 10^6 files (issue 15, "Scale"): one command, on a throw-away PostgreSQL cluster
# (tests/peers/postgres.sh) and a throw-away s3rver (tests/peers/s3rver.sh), both stopped by process id.
#
#   tests/bench/scale.sh [--files N] [--s3-files N] [--runs R] [--source DIR]
#        (default 1000000 files, 100000 of them fetched into s3rver, 1 run of each measurement; --source: a
#        folder of small files made before, e.g. by an earlier run's generator, used as it is and kept)
#
# Generates N small files (16–512 bytes) in 1,000 folders as one folder batch, then measures:
#   - load: wall time and peak RSS (/usr/bin/time -f %M) of `gatehouse-cli load`;
#   - fetch into a local folder store with 1, 2 and 4 `gatehouse-cli fetch BATCH` processes started together
#     (each from a freshly loaded batch): time until the last exits, speed-up against 1, peak RSS of each;
#   - `status BATCH`, `report --format csv` and `report --format premis` of the fetched batch: time, peak RSS;
#   - the GUI (gatehouse-teamguibench, offscreen): the main window on the same catalog opening the batch —
#     time to the first paint of the file table, the longest GUI-thread block (a 5 ms timer), peak RSS;
#   - the first S3 files (10^5 by default, hard links into a folder of their own) fetched into s3rver with
#     1 and 2 processes;
#   - the peer: `cp -r` of the folder and `sha256sum` of every copy with 4 processes.
# Every fetch is checked to have stored each file exactly once (one digest event per file). Each line says
# "goal met" or "goal MISSED" against the issue's goals (<= 2 GB peak per process, GUI first paint <= 2 s, no
# GUI-thread block > 50 ms); the exit status is 1 when a goal is missed. With R > 1 runs the medians are shown.
#
# Disk: N files take N × 4 KiB of blocks for the source and as much again for the store (about 4 + 4 GB at
# 10^6); the script refuses to start without room for about 2.5 times the source, deletes each store before the
# next run and everything it made on exit.
#
# Environment: BUILD_DIR (default build in the repository; gatehouse-cli and gatehouse-teamguibench are built
# there when missing), WORK_DIR (default /tmp/gatehouse-scalebench), PROCS (default "1 2 4"), S3_PROCS (default
# "1 2"), SKIP (words of: fetch gui s3 peer report; with "fetch", status, report and the GUI open the loaded
# batch unfetched), PG_SLOW_MS (log statements slower than this many ms; the slowest are printed at the end;
# default 500), PG_TOP (print this many statements with the most server time over the whole run, from
# pg_stat_statements: calls, total s, mean ms, rows; default 12, 0 leaves the module out).
set -euo pipefail

files=1000000
s3_files=100000
source_dir=
runs=1
while [ $# -gt 0 ]; do
    case $1 in
    --files) files=$2; shift 2 ;;
    --s3-files) s3_files=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --source) source_dir=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--files N] [--s3-files N] [--runs R] [--source DIR]" >&2; exit 2 ;;
    esac
done
# A folder generated before (by this script's generator, kept): its files are the batch.
[ -z "$source_dir" ] || files=$(find "$source_dir" -type f | wc -l)
((files >= 1000)) || { echo "--files must be at least 1000 (one file per folder)" >&2; exit 2; }
((s3_files <= files)) || s3_files=$files
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-scalebench}
procs_list=${PROCS:-1 2 4}
s3_procs_list=${S3_PROCS:-1 2}
skip=" ${SKIP:-} "
slow_ms=${PG_SLOW_MS:-500}
pg_top=${PG_TOP:-12}
cli=$build/bin/gatehouse-cli
guibench=$build/bin/gatehouse-teamguibench
folders=1000

if [ ! -x "$cli" ] || { [[ $skip != *" gui "* ]] && [ ! -x "$guibench" ]; }; then
    [ -f "$build/build.ninja" ] || cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        $(command -v ccache >/dev/null && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
    targets=(gatehouse-cli)
    [[ $skip == *" gui "* ]] || targets+=(gatehouse-teamguibench)
    ninja -C "$build" -j2 "${targets[@]}" >/dev/null
fi

# Room for the source, the store and the catalog: 4 KiB blocks per file, twice, and a margin.
copies=5
[ -z "$source_dir" ] || copies=3
need_kb=$((files * 4 * copies / 2 + 1024 * 1024))
mkdir -p "$(dirname "$work")"
free_kb=$(df -Pk "$(dirname "$work")" | awk 'NR == 2 { print $4 }')
if ((free_kb < need_kb)); then
    echo "not enough disk under $(dirname "$work"): $((free_kb / 1024)) MB free, about $((need_kb / 1024)) MB" \
        "needed for $files files (try --files 100000)" >&2
    exit 2
fi

rm -rf "$work"
mkdir -p "$work/pg" "$work/src" "$work/times"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime} HOME=$work/home XDG_DATA_HOME=$work/home/data \
    XDG_CONFIG_HOME=$work/home/config XDG_CACHE_HOME=$work/home/cache
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
cleanup() {
    "$repo/tests/peers/s3rver.sh" stop "$work/s3" >/dev/null 2>&1 || true
    "$repo/tests/peers/postgres.sh" stop "$work/pg" || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "scale benchmark: $files files in $folders folders, $s3_files into s3rver, $runs run(s); $(uptime)"

# 16–512 bytes each: the catalog and the per-file work are what is measured, not the bytes.
if [ -n "$source_dir" ]; then
    rmdir "$work/src"
    ln -s "$source_dir" "$work/src"
    folders=$(find "$source_dir" -mindepth 1 -maxdepth 1 -type d | wc -l)
else
start=$(date +%s.%N)
python3 - "$work/src" "$files" "$folders" <<'EOF'
import os, random, sys
root, n, folders = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(42)
for d in range(folders):
    os.makedirs(os.path.join(root, f"box-{d:04d}"))
for i in range(n):
    with open(os.path.join(root, f"box-{i * folders // n:04d}", f"page-{i:07d}.bin"), "wb") as f:
        f.write(rnd.randbytes(16 + rnd.randrange(497)))
EOF
printf 'generated in %.0f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
fi

"$repo/tests/peers/postgres.sh" start "$work/pg"
port=$(cat "$work/pg/port")
url="postgresql://gatehouse:gatehouse@127.0.0.1:$port/gatehouse"
export PGPASSWORD=gatehouse
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
sql() { "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U gatehouse -d gatehouse -v ON_ERROR_STOP=1 -qAt -c "$1"; }
admin() { "$pg_bin/psql" -h "$work/pg/sock" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 "$@"; }
admin -c "ALTER SYSTEM SET log_min_duration_statement = $slow_ms" -c "SELECT pg_reload_conf()" >/dev/null
# Every statement's count and time (pg_stat_statements, in the postgres database: fresh_catalog drops the
# gatehouse database's schema), when the server has the module; the top ones by total time are printed at the end.
pgss=0
if ((pg_top > 0)) && [ -f "$(dirname "$pg_bin")/lib/pg_stat_statements.so" ]; then
    admin -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
    "$repo/tests/peers/postgres.sh" restart "$work/pg"
    admin -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null && pgss=1
fi
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Values of one key (a space-separated list) → their median.
med() { tr ' ' '\n' <<<"$1" | grep . | median; }
missed=0
# goal VALUE LIMIT: "goal met" or "goal MISSED" (and remember a miss).
goal() {
    if (($(echo "$1 <= $2" | bc))); then
        echo "goal met"
    else
        missed=1
        echo "goal MISSED"
    fi
}
declare -A times rss
lines=()
add() { lines+=("$(printf "$@")"); }

# Runs "$@" under /usr/bin/time; KEY's wall time (s) and peak RSS (MB) are added to times/rss.
timed() {
    local key=$1
    shift
    local t=$work/times/$key-$RANDOM$RANDOM start status=0
    start=$(now)
    /usr/bin/time -f %M -o "$t" "$@" || status=$?
    times[$key]+="$(echo "$(now) - $start" | bc) "
    rss[$key]+="$(($(tail -1 "$t") / 1024)) "
    return $status
}
fresh_catalog() { sql "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"; }
# fetch_with KEY PROCS STORE BATCH COUNT: PROCS fetch processes at once; KEY gets the wall time until the last
# exits, KEY-rss each process's peak.
fetch_with() {
    local key=$1 procs=$2 store=$3 batch=$4 count=$5 pids=() start once i
    start=$(now)
    for i in $(seq "$procs"); do
        /usr/bin/time -f %M -o "$work/times/$key-$i" \
            "$cli" --catalog "$url" --store "$store" -q fetch "$batch" >/dev/null 2>"$work/err-$key-$i" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || { echo "a fetch failed ($key):" >&2; cat "$work"/err-"$key"-* >&2; exit 1; }
    done
    times[$key]+="$(echo "$(now) - $start" | bc) "
    for i in $(seq "$procs"); do
        rss[$key]+="$(($(tail -1 "$work/times/$key-$i") / 1024)) "
    done
    once=$(sql "SELECT COUNT(*) = $count AND COUNT(*) = COUNT(DISTINCT file_id) FROM events
                WHERE batch_id = $batch AND event_type = 'message digest calculation'")
    [ "$once" = t ] || { echo "$key: files not fetched exactly once" >&2; exit 1; }
}

# SKIP=fetch: load once per run, then status, report and the GUI on the loaded (unfetched) batch.
[[ $skip != *" fetch "* ]] || procs_list=0
last_procs=${procs_list##* }
for run in $(seq "$runs"); do
    for procs in $procs_list; do
        fresh_catalog
        rm -rf "$work/store"
        timed load "$cli" --catalog "$url" --store "$work/store" load "$work/src" >"$work/batch" 2>"$work/err-load" ||
            { cat "$work/err-load" >&2; exit 1; }
        batch=$(cat "$work/batch")
        [ "$procs" = 0 ] || fetch_with "fetch$procs" "$procs" "$work/store" "$batch" "$files"
        echo "run $run: load$([ "$procs" = 0 ] || echo " and fetch with $procs process(es)") done ($(date +%T), load average $(cut -d' ' -f1-3 /proc/loadavg))"
        # The fetched batch of the last fetch of each run is the one status, report and the GUI open.
        [ "$procs" = "$last_procs" ] || continue
        if [[ $skip != *" report "* ]]; then
            timed status "$cli" --catalog "$url" --store "$work/store" status "$batch" >/dev/null
            for format in csv premis; do
                timed "report-$format" "$cli" --catalog "$url" --store "$work/store" report "$batch" \
                    --format "$format" -o "$work/report.out" >/dev/null
                rm -f "$work/report.out"
            done
        fi
        if [[ $skip != *" gui "* ]]; then
            QT_QPA_PLATFORM=offscreen "$guibench" "$url" "$work/store" "$files" >"$work/gui-$run" 2>"$work/gui-err" ||
                [ $? = 1 ] || { echo "the GUI benchmark failed:" >&2; cat "$work/gui-$run" "$work/gui-err" >&2; exit 1; }
            cat "$work/gui-$run"
        fi
    done
    rm -rf "$work/store"
    if [[ $skip != *" peer "* && $last_procs != 0 ]]; then
        rm -rf "$work/peer"
        start=$(now)
        cp -r "$work/src/" "$work/peer"
        find "$work/peer" -type f -print0 | xargs -0 -P 4 -n 1000 sha256sum >/dev/null
        times[peer]+="$(echo "$(now) - $start" | bc) "
        rm -rf "$work/peer"
    fi
done

if [[ $skip != *" s3 "* ]]; then
    # The first folders, as hard links: no blocks of their own.
    per_folder=$((files / folders))
    mkdir -p "$work/s3src"
    for d in $(seq 0 $(((s3_files + per_folder - 1) / per_folder - 1))); do
        cp -al "$work/src/box-$(printf %04d "$d")" "$work/s3src/"
    done
    s3_count=$(find "$work/s3src" -type f | wc -l)
    export GATEHOUSE_S3_ADDRESSING=path GATEHOUSE_S3_REGION=us-east-1 AWS_ACCESS_KEY_ID=S3RVER \
        AWS_SECRET_ACCESS_KEY=not-checked-by-s3rver
    for run in $(seq "$runs"); do
        for procs in $s3_procs_list; do
            "$repo/tests/peers/s3rver.sh" stop "$work/s3" >/dev/null 2>&1 || true
            rm -rf "$work/s3"
            "$repo/tests/peers/s3rver.sh" start "$work/s3" gatehouse-scale >/dev/null
            export GATEHOUSE_S3_ENDPOINT="http://127.0.0.1:$(cat "$work/s3/port")"
            fresh_catalog
            "$cli" --catalog "$url" --store s3://gatehouse-scale/archive load "$work/s3src" >"$work/batch" \
                2>"$work/err-load" || { cat "$work/err-load" >&2; exit 1; }
            fetch_with "s3fetch$procs" "$procs" s3://gatehouse-scale/archive "$(cat "$work/batch")" "$s3_count"
            echo "run $run: s3 fetch with $procs process(es) done ($(date +%T))"
        done
    done
    "$repo/tests/peers/s3rver.sh" stop "$work/s3" >/dev/null 2>&1 || true
    rm -rf "$work/s3"
fi

# The summary: medians over the runs; peak RSS is the largest of any process and run.
maxof() { tr ' ' '\n' <<<"$1" | grep . | sort -g | tail -1; }
echo
echo "files $files, runs $runs, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-38s %9.1f s   peak RSS %5d MB   %s\n' "load" "$(med "${times[load]}")" "$(maxof "${rss[load]}")" \
    "$(goal "$(maxof "${rss[load]}")" 2048)"
one=""
[ -z "${times[fetch1]:-}" ] || one=$(med "${times[fetch1]}")
for procs in ${procs_list/0/}; do
    m=$(med "${times[fetch$procs]}")
    printf '%-38s %9.1f s   peak RSS %5d MB   %s   speed-up %.2f, %.0f files/s; RSS each: %s\n' \
        "fetch, $procs process(es), local store" "$m" "$(maxof "${rss[fetch$procs]}")" \
        "$(goal "$(maxof "${rss[fetch$procs]}")" 2048)" "$(echo "${one:-$m} / $m" | bc -l)" \
        "$(echo "$files / $m" | bc -l)" "${rss[fetch$procs]% }"
done
if [[ $skip != *" peer "* && $last_procs != 0 ]]; then
    peer=$(med "${times[peer]}")
    printf '%-38s %9.1f s   gatehouse %d process(es) / peer %.2f\n' "peer: cp -r + sha256sum -P4" "$peer" \
        "$last_procs" "$(echo "$(med "${times[fetch$last_procs]}") / $peer" | bc -l)"
fi
if [[ $skip != *" report "* ]]; then
    for key in status report-csv report-premis; do
        printf '%-38s %9.1f s   peak RSS %5d MB   %s\n' "$key" "$(med "${times[$key]}")" \
            "$(maxof "${rss[$key]}")" "$(goal "$(maxof "${rss[$key]}")" 2048)"
    done
fi
if [[ $skip != *" gui "* ]]; then
    for what in "first paint" "longest GUI-thread block" "peak RSS"; do
        values=$(for run in $(seq "$runs"); do grep "^GUI $what" "$work/gui-$run" | awk '{ print $(NF - 7) }'; done)
        unit=$(grep -h "^GUI $what" "$work/gui-1" | awk '{ print $(NF - 6) }')
        limit=$(grep -h "^GUI $what" "$work/gui-1" | awk '{ print $(NF - 3) }')
        m=$(median <<<"$values")
        printf '%-38s %9.0f %s   %s\n' "GUI $what" "$m" "$unit" "$(goal "$m" "$limit")"
    done
fi
if [[ $skip != *" s3 "* ]]; then
    s3one=""
    [ -z "${times[s3fetch1]:-}" ] || s3one=$(med "${times[s3fetch1]}")
    for procs in $s3_procs_list; do
        m=$(med "${times[s3fetch$procs]}")
        printf '%-38s %9.1f s   peak RSS %5d MB   %s   speed-up %.2f, %.0f files/s\n' \
            "fetch $s3_count into s3rver, $procs process(es)" "$m" "$(maxof "${rss[s3fetch$procs]}")" \
            "$(goal "$(maxof "${rss[s3fetch$procs]}")" 2048)" "$(echo "${s3one:-$m} / $m" | bc -l)" \
            "$(echo "$s3_count / $m" | bc -l)"
    done
fi
if ((pgss)); then
    echo
    echo "statements by total server time (pg_stat_statements, top $pg_top: calls, total s, mean ms, rows, statement):"
    admin -F ' | ' -c "SELECT calls, round(total_exec_time::numeric / 1000, 1), round(mean_exec_time::numeric, 2),
        rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements
        WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC LIMIT $pg_top"
fi
# What the server found slow (log_min_duration_statement), slowest first.
if grep -q 'duration: ' "$work/pg/server.log" 2>/dev/null; then
    echo
    echo "statements slower than $slow_ms ms (PostgreSQL log, slowest 10):"
    grep -o 'duration: [0-9.]* ms .*' "$work/pg/server.log" | sort -t' ' -k2 -g -r | head -10 | cut -c1-220
fi
exit $missed
