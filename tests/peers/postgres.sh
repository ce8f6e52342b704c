#!/bin/bash
# A throw-away PostgreSQL 15 cluster on 127.0.0.1, owned by the postgres user when run as root (initdb refuses
# root). Database "gatehouse", user "gatehouse", password "gatehouse".
#   postgres.sh start DIR [tls]
#       tls: TLS on with a throw-away CA (DIR/tls/ca.crt; DIR/tls/other-ca.crt is a CA that signed nothing
#       here) and a server certificate for the name "localhost" only; TCP clients must use TLS and a password
#       (scram-sha-256), the socket stays trusted for the set-up.
#   postgres.sh stop DIR
#   postgres.sh down DIR          stop the server as an administrator would (fast shutdown), keep its data
#   postgres.sh up DIR            start it again on the same port and data folder
#   postgres.sh restart DIR [S]   down, S seconds (default 0) without a server, up
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
# server_up PORT: starts the cluster in DIR/data on PORT and records the postmaster's pid.
server_up() {
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $1 -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
    head -1 "$dir/data/postmaster.pid" >"$dir/pid"
}
# server_down: a fast shutdown (the clients' sessions are terminated with 57P01); no pid is left to stop.
server_down() {
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    rm -f "$dir/pid"
}
case $cmd in
start)
    data=$dir/data sock=$dir/sock
    mkdir -p "$data" "$sock"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$dir" && chmod 755 "$dir"
    port=$(free_port)
    as_owner "$bin/initdb" -D "$data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1
    if [ "${3:-}" = tls ]; then
        tls=$dir/tls
        mkdir -p "$tls"
        ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
        openssl req -x509 "${ec[@]}" -keyout "$tls/ca.key" -out "$tls/ca.crt" -days 2 \
            -subj "/CN=Gatehouse test CA" 2>/dev/null
        openssl req -x509 "${ec[@]}" -keyout "$tls/other-ca.key" -out "$tls/other-ca.crt" -days 2 \
            -subj "/CN=Another CA" 2>/dev/null
        openssl req "${ec[@]}" -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" 2>/dev/null
        printf 'subjectAltName=DNS:localhost\n' >"$tls/san.ext"
        openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
            -out "$tls/server.crt" -days 2 -extfile "$tls/san.ext" 2>/dev/null
        chmod 600 "$tls/server.key"
        [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$tls"
        cat >>"$data/postgresql.conf" <<CONF
ssl = on
ssl_cert_file = '$tls/server.crt'
ssl_key_file = '$tls/server.key'
CONF
        cat >"$data/pg_hba.conf" <<HBA
local   all all                 trust
hostssl all all 127.0.0.1/32    scram-sha-256
hostssl all all ::1/128         scram-sha-256
HBA
    fi
    server_up "$port"
    as_owner "$bin/psql" -h "$sock" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE USER gatehouse PASSWORD 'gatehouse'" -c "CREATE DATABASE gatehouse OWNER gatehouse" >/dev/null
    echo "$port" >"$dir/port"
    ;;
down)
    server_down
    ;;
up)
    server_up "$(cat "$dir/port")"
    ;;
restart)
    server_down
    sleep "${3:-0}"
    server_up "$(cat "$dir/port")"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start|stop|down|up|restart DIR [SECONDS]" >&2
    exit 2
    ;;
esac
