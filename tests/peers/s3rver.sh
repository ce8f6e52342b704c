#!/bin/bash
# s3rver (npm, the S3 API in Node) on 127.0.0.1 with its data in DIR/data and the given buckets created.
#   s3rver.sh start DIR [BUCKET...]   (BUCKET defaults to gatehouse-test)
#   s3rver.sh stop DIR
# Virtual-host requests work for the host names BUCKET.s3.localhost (--service-endpoint localhost); map them
# to 127.0.0.1 on the client side (curl --connect-to). s3rver never verifies signatures; access key S3RVER.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cmd=$1 dir=$2
case $cmd in
start)
    shift 2
    buckets=("$@")
    [ ${#buckets[@]} -gt 0 ] || buckets=(gatehouse-test)
    s3rver=${GATEHOUSE_NPM_PREFIX:-/opt/gatehouse/npm}/node_modules/.bin/s3rver
    if [ ! -x "$s3rver" ]; then
        echo "s3rver not found at $s3rver (npm install --prefix \$GATEHOUSE_NPM_PREFIX s3rver@3.7.1)" >&2
        exit 1
    fi
    mkdir -p "$dir/data"
    args=(-d "$dir/data" -a 127.0.0.1 -p 0 --service-endpoint localhost)
    for bucket in "${buckets[@]}"; do
        args+=(--configure-bucket "$bucket")
    done
    # Port 0: s3rver binds a free port itself and prints it, so no other process can take it in between.
    # The log exists before the background process opens it: sed below must not race its creation.
    : >"$dir/s3rver.log"
    setsid "$s3rver" "${args[@]}" </dev/null >"$dir/s3rver.log" 2>&1 &
    echo $! >"$dir/pid"
    port=""
    deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        port=$(sed -n 's/.*S3rver listening on [^:]*:\([0-9][0-9]*\).*/\1/p' "$dir/s3rver.log" | head -n 1)
        [ -n "$port" ] && break
        if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
            echo "s3rver exited:" >&2
            cat "$dir/s3rver.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [ -z "$port" ]; then
        echo "s3rver did not report a port within 30s:" >&2
        cat "$dir/s3rver.log" >&2
        exit 1
    fi
    wait_for_port "$port" 20
    echo "$port" >"$dir/port"
    ;;
stop)
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start DIR [BUCKET...] | stop DIR" >&2
    exit 2
    ;;
esac
