#!/usr/bin/env bash
# Team mode with the bits in S3: one batch fetched by 1, 2 and 3 `gatehouse-cli fetch BATCH` processes at once on
# one PostgreSQL catalog into one s3rver store (both throw-away servers from tests/peers/, stopped by process id).
#
#   tests/bench/teams3.sh [FILES] [RUNS]          (default 3000 files, 3 runs of each)
#
# Each run starts from an empty catalog and a new prefix in the bucket: load the generated folder batch, then
# fetch it with N processes started together; the time is until the last one exits. Prints the median of each
# N, the speed-up against one process, and a peer in the same run: botocore put_object of every file with 4
# threads (the bytes to S3, without hashing, sniffing or a catalog). Every run checks that each file was PUT
# exactly once (s3rver's log) and has one digest event.
#
# Environment: BUILD_DIR (default build in the repository), WORK_DIR (default /tmp/gatehouse-teams3bench),
# PROCS (default "1 2 3").
set -euo pipefail

files=${1:-3000}
runs=${2:-3}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-teams3bench}
procs_list=${PROCS:-1 2 3}
cli=$build/bin/gatehouse-cli
bucket=gatehouse-bench
[ -x "$cli" ] || { echo "build gatehouse-cli first ($cli)" >&2; exit 2; }

rm -rf "$work"
mkdir -p "$work/pg" "$work/s3" "$work/src"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime} HOME=$work/home XDG_DATA_HOME=$work/home/data
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
trap '"$repo/tests/peers/postgres.sh" stop "$work/pg" || true; "$repo/tests/peers/s3rver.sh" stop "$work/s3" || true
      rm -rf "$work"' EXIT

# Small files of 1–16 KiB in 100 folders, as tests/bench/team.sh.
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
"$repo/tests/peers/s3rver.sh" start "$work/s3" "$bucket"
port=$(cat "$work/pg/port")
s3port=$(cat "$work/s3/port")
url="postgresql://gatehouse:gatehouse@127.0.0.1:$port/gatehouse"
export PGPASSWORD=gatehouse
export GATEHOUSE_S3_ENDPOINT=http://127.0.0.1:$s3port GATEHOUSE_S3_ADDRESSING=path GATEHOUSE_S3_REGION=us-east-1
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=not-checked-by-s3rver
psql_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql
sql() { "$psql_bin" -h 127.0.0.1 -p "$port" -U gatehouse -d gatehouse -v ON_ERROR_STOP=1 -qAt -c "$1"; }
now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# How many objects under PREFIX s3rver stored, and how many of them more than once.
puts() {
    sed -n "s/.*Stored object \"$1\/\([^\"]*\)\" in bucket \"$bucket\".*/\1/p" "$work/s3/s3rver.log" |
        sort | uniq -c | awk '{ n++; if ($1 > 1) twice++ } END { printf "%d %d\n", n, twice }'
}

declare -A times
prefix=0
for run in $(seq "$runs"); do
    for procs in $procs_list; do
        sql "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
        prefix=$((prefix + 1))
        store="s3://$bucket/run-$prefix"
        batch=$("$cli" --catalog "$url" --store "$store" load "$work/src" 2>/dev/null)
        start=$(now)
        pids=()
        for _ in $(seq "$procs"); do
            "$cli" --catalog "$url" --store "$store" -q fetch "$batch" >/dev/null 2>"$work/err-$procs-$_" &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do
            wait "$pid" || { echo "a fetch failed:" >&2; cat "$work"/err-* >&2; exit 1; }
        done
        times[$procs]+="$(echo "$(now) - $start" | bc) "
        once=$(sql "SELECT COUNT(*) = $files AND COUNT(*) = COUNT(DISTINCT file_id) FROM events
                    WHERE batch_id = $batch AND event_type = 'message digest calculation'")
        [ "$once" = t ] || { echo "run $run, $procs processes: files not fetched exactly once" >&2; exit 1; }
        read -r objects twice <<<"$(puts "run-$prefix")"
        [ "$objects" = "$files" ] && [ "${twice:-0}" = 0 ] ||
            { echo "run $run, $procs processes: $objects objects, ${twice:-0} PUT twice" >&2; exit 1; }
    done
    prefix=$((prefix + 1))
    start=$(now)
    /usr/bin/python3 - "$work/src" "$bucket" "peer-$prefix" <<'EOF'
import os, sys, botocore.config, botocore.session
from concurrent.futures import ThreadPoolExecutor
root, bucket, prefix = sys.argv[1:4]
s3 = botocore.session.get_session().create_client(
    "s3", endpoint_url=os.environ["GATEHOUSE_S3_ENDPOINT"], region_name="us-east-1",
    config=botocore.config.Config(s3={"addressing_style": "path"}, max_pool_connections=8))
paths = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]
def put(path):
    with open(path, "rb") as f:
        s3.put_object(Bucket=bucket, Key=prefix + "/" + os.path.relpath(path, root), Body=f.read())
with ThreadPoolExecutor(4) as pool:
    list(pool.map(put, paths))
EOF
    times[peer]+="$(echo "$(now) - $start" | bc) "
done

one=$(tr ' ' '\n' <<<"${times[1]}" | grep . | median)
printf 'files %d, runs %d, store s3rver, catalog PostgreSQL\n' "$files" "$runs"
for procs in $procs_list; do
    m=$(tr ' ' '\n' <<<"${times[$procs]}" | grep . | median)
    printf 'fetch with %d process(es)      %8.2f s   speed-up %.2f   (runs: %s)\n' "$procs" "$m" \
        "$(echo "$one / $m" | bc -l)" "${times[$procs]% }"
done
peer=$(tr ' ' '\n' <<<"${times[peer]}" | grep . | median)
most=${procs_list##* }
printf 'peer: botocore put_object x4  %8.2f s   gatehouse %d process(es) / peer %.2f\n' "$peer" "$most" \
    "$(echo "$(tr ' ' '\n' <<<"${times[$most]}" | grep . | median) / $peer" | bc -l)"
