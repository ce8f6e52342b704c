# Shared by the peer scripts: free ports, readiness waits, stopping by process group.
# shellcheck shell=bash

PYTHON3=/usr/bin/python3

free_port() {
    "$PYTHON3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_port PORT SECONDS
wait_for_port() {
    local port=$1 deadline=$((SECONDS + ${2:-30}))
    while ((SECONDS < deadline)); do
        if "$PYTHON3" -c "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "nothing listens on 127.0.0.1:$port after ${2:-30}s" >&2
    return 1
}

# stop_group DIR: TERM then KILL the process group whose leader's pid is in DIR/pid.
stop_group() {
    local dir=$1 pid
    [ -f "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$dir/pid"
}

# wait_for_file FILE SECONDS [PID]: wait until FILE exists and is not empty; give up early when PID has exited.
wait_for_file() {
    local file=$1 deadline=$((SECONDS + ${2:-30})) pid=${3:-}
    while ((SECONDS < deadline)); do
        [ -s "$file" ] && return 0
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            echo "process $pid exited before writing $file" >&2
            return 1
        fi
        sleep 0.05
    done
    echo "$file did not appear after ${2:-30}s" >&2
    return 1
}
