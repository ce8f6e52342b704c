#!/bin/bash
# A real SMTP server on 127.0.0.1: aiosmtpd (python3-aiosmtpd) delivering into the Maildir DIR/maildir.
#   smtp.sh start DIR [accept|refuse|tls]   (accept is the default)
#   smtp.sh stop DIR
# accept: aiosmtpd's own Mailbox handler, plain SMTP (no STARTTLS offered).
# refuse: every recipient is refused with "550 5.7.1", so nothing is delivered (smtp_handlers.Refuse).
# tls:    STARTTLS offered (and required before MAIL) with a self-signed certificate for 127.0.0.1 made here;
#         DIR/ca.pem is the certificate a client trusts.
# The port is found free just before the start (aiosmtpd cannot bind port 0 and report it); DIR/port is written
# once the server accepts connections.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
cmd=${1:-} dir=${2:-}
if [ -z "$dir" ]; then
    echo "usage: $0 start DIR [accept|refuse|tls] | stop DIR" >&2
    exit 2
fi
case $cmd in
start)
    mode=${3:-accept}
    mkdir -p "$dir"
    rm -f "$dir/port"
    port=$(free_port)
    args=(-m aiosmtpd -n -l "127.0.0.1:$port")
    case $mode in
    accept) args+=(-c aiosmtpd.handlers.Mailbox "$dir/maildir") ;;
    refuse) args+=(-c smtp_handlers.Refuse) ;;
    tls)
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
            -addext "subjectAltName=IP:127.0.0.1" -keyout "$dir/key.pem" -out "$dir/ca.pem" 2>/dev/null
        args+=(--tlscert "$dir/ca.pem" --tlskey "$dir/key.pem" -c aiosmtpd.handlers.Mailbox "$dir/maildir")
        ;;
    *)
        echo "unknown mode $mode (accept, refuse or tls)" >&2
        exit 2
        ;;
    esac
    PYTHONPATH="$here" setsid "$PYTHON3" "${args[@]}" </dev/null >"$dir/smtp.log" 2>&1 &
    echo $! >"$dir/pid"
    if ! wait_for_port "$port" 20; then
        cat "$dir/smtp.log" >&2
        stop_group "$dir"
        exit 1
    fi
    echo "$port" >"$dir/port"
    ;;
stop)
    stop_group "$dir"
    ;;
*)
    echo "usage: $0 start DIR [accept|refuse|tls] | stop DIR" >&2
    exit 2
    ;;
esac
