#!/usr/bin/env bash
# Pending-work paging: how fast a stage finds its work in a batch of a million files, on SQLite and on
# PostgreSQL, with the schema of version 3 (files.status = 'pending' on the (batch_id, status) index) against
# the current one (no settled row of the stage in file_stages, walking (batch_id, id)).
#
#   tests/bench/pending.sh [FILES]          (default 1000000)
#
# Half of the batch is settled first, as a run killed half-way leaves it; then the pending work is counted,
# the first page is read (it has to pass the settled half) and the pending half is paged through, 512 files a
# page, as FileStage does. PostgreSQL is a throw-away cluster started by tests/peers/postgres.sh and stopped
# by process id. Goal: paging the pending half costs no more than twice the version-3 query per file.
#
# Environment: BUILD_DIR (default build in the repository), WORK_DIR (default /tmp/gatehouse-pendingbench).
set -euo pipefail

files=${1:-1000000}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$repo/build}
work=${WORK_DIR:-${TMPDIR:-/tmp}/gatehouse-pendingbench}

ninja -C "$build" -j2 gatehouse-pendingbench >/dev/null
bench=$build/bin/gatehouse-pendingbench
rm -rf "$work"
mkdir -p "$work/pg"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work/runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
trap '"$repo/tests/peers/postgres.sh" stop "$work/pg" || true; rm -rf "$work"' EXIT

failed=0
judge() { # OUTPUT
    echo "$1"
    local ratio
    ratio=$(awk '/^page through the pending half/ { print $NF }' <<<"$1")
    awk -v r="$ratio" 'BEGIN { exit !(r < 0.5) }' && failed=1
    return 0
}

echo "== SQLite"
judge "$("$bench" "$work/catalog.sqlite" "$files")"
echo
echo "== PostgreSQL"
"$repo/tests/peers/postgres.sh" start "$work/pg"
port=$(cat "$work/pg/port")
judge "$("$bench" "postgresql://gatehouse:gatehouse@127.0.0.1:$port/gatehouse" "$files")"
exit $failed
