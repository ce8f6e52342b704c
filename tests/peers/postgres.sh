#!/bin/bash
# A throw-away PostgreSQL 15 cluster on 127.0.0.1, owned by the postgres user when run as root (initdb refuses
# root). Database "gatehouse", user "gatehouse", password "gatehouse".
#   postgres.sh start DIR
#   postgres.sh stop DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}
case $cmd in
start)
    data=$dir/data sock=$dir/sock
    mkdir -p "$data" "$sock"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir" && chmod 755 "$dir"
    port=$(free_port)
    as_owner "$bin/initdb" -D "$data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
    head -1 "$data/postmaster.pid" >"$dir/pid"
    as_owner "$bin/psql" -h "$sock" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE USER gatehouse PASSWORD 'gatehouse'" -c "CREATE DATABASE gatehouse OWNER gatehouse" >/dev/null
    echo "$port" >"$dir/port"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
