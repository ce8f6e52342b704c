#!/bin/bash
# nginx serving DIR/root on 127.0.0.1 with ETag, Last-Modified, Range and conditional GETs.
#   nginx.sh start DIR [ROOT] [--tls] [--rate BYTES_PER_SECOND]   (ROOT defaults to DIR/root)
#   nginx.sh stop DIR
# --tls serves HTTPS with a fresh self-signed certificate for 127.0.0.1, written to DIR/cert.pem (clients that
# do not trust it must refuse the connection). --rate slows every response down (limit_rate), for tests that
# interrupt a download. The access log records the status and the Range and If-None-Match headers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cmd=$1 dir=$2
case $cmd in
start)
    root=$dir/root tls="" rate=0
    shift 2
    while [ $# -gt 0 ]; do
        case $1 in
        --tls) tls=1 ;;
        --rate) rate=$2; shift ;;
        *) root=$1 ;;
        esac
        shift
    done
    mkdir -p "$dir/logs" "$dir/tmp" "$root"
    port=$(free_port)
    listen="listen 127.0.0.1:$port;"
    if [ -n "$tls" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
        listen="listen 127.0.0.1:$port ssl; ssl_certificate $dir/cert.pem; ssl_certificate_key $dir/key.pem;"
    fi
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
    log_format gatehouse '\$status "\$request" range="\$http_range" inm="\$http_if_none_match" bytes=\$body_bytes_sent';
    access_log $dir/logs/access.log gatehouse;
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
        $listen
        root $root;
        limit_rate $rate;
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
