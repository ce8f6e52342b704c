#!/usr/bin/env bash
# Team mode at 10^6 files (load, fetch, status, reports, the GUI, s3rver; peak memory and goals):
# tests/bench/scale.sh. This script times fetch alone at a smaller size, with more runs.
#
# Team mode: one batch fetched by 1, 2 and 4 `gatehouse-cli fetch BATCH` processes at once on one PostgreSQL
# catalog (a throw-away cluster from tests/peers/postgres.sh, stopped by process id) into one folder store.
#
#   tests/bench/team.sh [FILES] [RUNS]          (default 20000 files, 3 runs of each)
#
# Each run starts from an empty catalog and store: load the generated folder batch (timed once per run), then
# fetch it with N processes started together; the time is until the last one exits. Prints the median of
# each N, the speed-up against one process, and a plain peer in the same run: `cp -r` of the folder followed
# by `sha256sum` of every copy with 4 processes (what fetch does for a folder batch, without a catalog).
# Every run checks that the batch ended with every file stored once (one digest event per file).
#
# Environment: BUILD_DIR (default build in the repository), WORK_DIR (default /tmp/gatehouse-teambench),
# PROCS (default "1 2 4"; "1" times a build from before team mode, which refuses a second process).
set -euo pipefail

files=${1:-20000}
runs=${2:-3}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-teambench}
procs_list=${PROCS:-1 2 4}
cli=$build/bin/gatehouse-cli
[ -x "$cli" ] || { echo "build gatehouse-cli first ($cli)" >&2; exit 2; }

rm -rf "$work"
mkdir -p "$work/pg" "$work/src"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime} HOME=$work/home XDG_DATA_HOME=$work/home/data
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
trap '"$repo/tests/peers/postgres.sh" stop "$work/pg" || true; rm -rf "$work"' EXIT

# Small files of 1–16 KiB in 100 folders: the catalog and the per-file work dominate, as in a scanned batch's
# derivatives and metadata files.
python3 - "$work/src" "$files" <<'EOF'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
for i in range(n):
    d = os.path.join(root, f"box-{i % 100:03d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"page-{i:07d}.bin"), "wb") as f:
        f.write(rnd.randbytes(1024 + rnd.randrange(15 * 1024)))
EOF

"$repo/tests/peers/postgres.sh" start "$work/pg"
port=$(cat "$work/pg/port")
url="postgresql://gatehouse:gatehouse@127.0.0.1:$port/gatehouse"
export PGPASSWORD=gatehouse
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql
sql() { "$psql_bin" -h 127.0.0.1 -p "$port" -U gatehouse -d gatehouse -v ON_ERROR_STOP=1 -qAt -c "$1"; }
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A times
loads=()
for run in $(seq "$runs"); do
    for procs in $procs_list; do
        sql "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
        rm -rf "$work/store"
        start=$(now)
        batch=$("$cli" --catalog "$url" --store "$work/store" load "$work/src" 2>/dev/null)
        loads+=("$(echo "$(now) - $start" | bc)")
        start=$(now)
        pids=()
        for _ in $(seq "$procs"); do
            "$cli" --catalog "$url" --store "$work/store" -q fetch "$batch" >/dev/null 2>"$work/err-$procs-$_" &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do
            wait "$pid" || { echo "a fetch failed:" >&2; cat "$work"/err-* >&2; exit 1; }
        done
        times[$procs]+="$(echo "$(now) - $start" | bc) "
        once=$(sql "SELECT COUNT(*) = $files AND COUNT(*) = COUNT(DISTINCT file_id) FROM events
                    WHERE batch_id = $batch AND event_type = 'message digest calculation'")
        [ "$once" = t ] || { echo "run $run, $procs processes: files not fetched exactly once" >&2; exit 1; }
    done
    rm -rf "$work/peer"
    start=$(now)
    cp -r "$work/src" "$work/peer"
    find "$work/peer" -type f -print0 | xargs -0 -P 4 -n 500 sha256sum >/dev/null
    times[peer]+="$(echo "$(now) - $start" | bc) "
done

one=$(tr ' ' '\n' <<<"${times[1]}" | grep . | median)
printf 'files %d, runs %d\n' "$files" "$runs"
printf 'load (median)                 %8.2f s\n' "$(printf '%s\n' "${loads[@]}" | median)"
for procs in $procs_list; do
    m=$(tr ' ' '\n' <<<"${times[$procs]}" | grep . | median)
    printf 'fetch with %d process(es)      %8.2f s   speed-up %.2f   (runs: %s)\n' "$procs" "$m" \
        "$(echo "$one / $m" | bc -l)" "${times[$procs]% }"
done
peer=$(tr ' ' '\n' <<<"${times[peer]}" | grep . | median)
most=${procs_list##* }
printf 'peer: cp -r + sha256sum -P4   %8.2f s   gatehouse %d process(es) / peer %.2f\n' "$peer" "$most" \
    "$(echo "$(tr ' ' '\n' <<<"${times[$most]}" | grep . | median) / $peer" | bc -l)"
