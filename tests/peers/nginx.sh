#!/bin/bash
# nginx serving DIR/root on 127.0.0.1 with ETag, Last-Modified, Range and conditional GETs.
#   nginx.sh start DIR [ROOT]   (ROOT defaults to DIR/root)
#   nginx.sh stop DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cmd=$1 dir=$2
case $cmd in
start)
    root=${3:-$dir/root}
    mkdir -p "$dir/logs" "$dir/tmp" "$root"
    port=$(free_port)
    # As root, workers would drop to nobody and could not read a private temporary folder.
    user_line=""
    [ "$(id -u)" = 0 ] && user_line="user root;"
    cat >"$dir/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    types { image/png png; image/jpeg jpg jpeg; image/tiff tif tiff; image/jp2 jp2; application/pdf pdf;
            text/plain txt; text/csv csv; application/json json; application/xml xml; application/zip zip; }
    default_type application/octet-stream;
    sendfile on;
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$port;
        root $root;
        location / { }
    }
}
CONF
    setsid /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" </dev/null >"$dir/logs/stdout.log" 2>&1 &
    echo $! >"$dir/pid"
    wait_for_port "$port" 20
    echo "$port" >"$dir/port"
    ;;
stop)
    [ -f "$dir/nginx.pid" ] && /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -s quit 2>/dev/null || true
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
