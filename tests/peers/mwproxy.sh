#!/bin/bash
# A fault-injecting reverse proxy in front of a MediaWiki (tests/peers/mwproxy.py): forwards everything, or
# answers the next API requests with maxlag errors, 503 + Retry-After or read-only errors while a fault plan
# is armed (POST /_proxy/faults?kind=…&count=…), and logs every API request (GET /_proxy/requests).
#   mwproxy.sh start DIR UPSTREAM_URL        (e.g. http://127.0.0.1:41234)
#   mwproxy.sh stop DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cmd=${1:-} dir=${2:-}
case $cmd in
start)
    upstream=${3:-}
    if [ -z "$dir" ] || [ -z "$upstream" ]; then
        echo "usage: $0 start DIR UPSTREAM_URL" >&2
        exit 2
    fi
    mkdir -p "$dir"
    rm -f "$dir/port"
    setsid "$PYTHON3" "$here/mwproxy.py" --upstream "$upstream" --dir "$dir" --port-file "$dir/port" \
        </dev/null >>"$dir/proxy.log" 2>&1 &
    echo $! >"$dir/pid"
    if ! wait_for_file "$dir/port" 20 "$(cat "$dir/pid")" || ! wait_for_port "$(cat "$dir/port")" 10; then
        tail -n 20 "$dir/proxy.log" >&2 || true
        stop_group "$dir"
        rm -f "$dir/port"
        exit 1
    fi
    ;;
stop)
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start DIR UPSTREAM_URL | stop DIR" >&2
    exit 2
    ;;
esac
