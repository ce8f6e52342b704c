#!/bin/bash
# The Gatehouse fault server on 127.0.0.1: one HTTP/1.1 server whose URL path picks the behaviour (drops, stalls,
# short bodies, slow bodies, statuses with Retry-After, flaky paths, redirect chains and loops, Range/If-Range,
# conditional GETs, gzip, wrong and lying types …). The path grammar is documented at the top of faultserver.py
# (and served at GET /). Writes DIR/server.log (errors) and DIR/requests.jsonl (one JSON line per request).
#   faultserver.sh start DIR [SERVER ARGS…]
#   faultserver.sh stop DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cmd=${1:-} dir=${2:-}
if [ -z "$dir" ]; then
    echo "usage: $0 start|stop DIR" >&2
    exit 2
fi
case $cmd in
start)
    shift 2
    mkdir -p "$dir"
    rm -f "$dir/port" "$dir/port.tmp"
    # The server binds port 0 itself and writes DIR/port once it listens: no race for a "free" port.
    setsid "$PYTHON3" "$here/faultserver.py" --dir "$dir" --port-file "$dir/port" "$@" \
        </dev/null >>"$dir/server.log" 2>&1 &
    echo $! >"$dir/pid"
    if ! wait_for_file "$dir/port" 20 "$(cat "$dir/pid")" || ! wait_for_port "$(cat "$dir/port")" 10; then
        tail -n 20 "$dir/server.log" >&2 || true
        stop_group "$dir"
        rm -f "$dir/port"
        exit 1
    fi
    ;;
stop)
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
