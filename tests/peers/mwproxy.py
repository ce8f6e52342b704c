#!/usr/bin/python3
"""A fault-injecting reverse proxy in front of a MediaWiki (stdlib only), for the upload tests.

    mwproxy.py --upstream http://127.0.0.1:PORT --dir DIR --port-file FILE

Every request is forwarded to the upstream wiki unchanged (cookies, bodies, headers), except while a fault
plan is armed; then the proxy answers the next API requests itself, the way a busy or broken wiki does:

    POST /_proxy/faults?kind=maxlag&count=N[&lag=S][&retry=S]
        the next N requests to api.php get MediaWiki's maxlag error (HTTP 200, error code "maxlag",
        Retry-After: S (default 1), X-Database-Lag: lag (default 7), MediaWiki-API-Error: maxlag)
    POST /_proxy/faults?kind=503&count=N[&retry=S]
        the next N requests get HTTP 503 with Retry-After: S (default 1) and an HTML body
    POST /_proxy/faults?kind=readonly&count=N
        the next N requests get the API error "readonly" (a wiki in maintenance)
    POST /_proxy/faults?kind=drop&count=N
        the next N requests go to the wiki, which does what they ask (stores an upload), but the proxy then
        closes the connection without a reply: an answer lost on the way back
    count=-1 arms the fault for good (a wiki that keeps failing). POST /_proxy/faults?kind=none disarms.
    Only requests whose method matches &method=GET|POST are hit, when given (default: both), and only those
    whose API action matches &action=A (e.g. upload), when given.
    POST /_proxy/slow?rate=B  reads request bodies at about B bytes a second from now on (0: at full speed),
                             so uploads are still running when a test looks at them
    GET /_proxy/requests     JSON list of every api.php request seen: method, query and form fields
                             (file contents left out), whether a fault answered it, and when
    POST /_proxy/reset       clears the request log

Normally started by tests/peers/mwproxy.sh.
"""

import argparse
import email.parser
import email.policy
import http.client
import http.server
import json
import os
import threading
import time
import urllib.parse

lock = threading.Lock()
plan = {"kind": "none", "count": 0, "lag": 7, "retry": 1, "method": "", "action": ""}
log = []
slow = {"rate": 0}


def form_fields(content_type, body):
    """The form fields of a request body, without file contents."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields = {}
        for part in message.iter_parts() if message.is_multipart() else []:
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            if part.get_filename() is not None:
                fields[name] = "<file %d bytes>" % len(part.get_payload(decode=True) or b"")
            else:
                fields[name] = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
        return fields
    return {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def control(self, path, query):
        if path == "/_proxy/faults":
            with lock:
                plan["kind"] = query.get("kind", "none")
                plan["count"] = int(query.get("count", "1"))
                plan["lag"] = int(query.get("lag", "7"))
                plan["retry"] = int(query.get("retry", "1"))
                plan["method"] = query.get("method", "").upper()
                plan["action"] = query.get("action", "")
            return self.reply(200, json.dumps(plan).encode(), [("Content-Type", "application/json")])
        if path == "/_proxy/slow":
            with lock:
                slow["rate"] = int(query.get("rate", "0"))
            return self.reply(200, json.dumps(slow).encode(), [("Content-Type", "application/json")])
        if path == "/_proxy/requests":
            with lock:
                body = json.dumps(log).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        if path == "/_proxy/reset":
            with lock:
                log.clear()
            return self.reply(200, b"{}", [("Content-Type", "application/json")])
        return self.reply(404, b"unknown control path\n")

    def take_fault(self, action):
        with lock:
            if plan["kind"] == "none" or plan["count"] == 0:
                return None
            if plan["method"] and plan["method"] != self.command:
                return None
            if plan["action"] and plan["action"] != action:
                return None
            if plan["count"] > 0:
                plan["count"] -= 1
            return dict(plan)

    def handle_any(self):
        parsed = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parsed.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        with lock:
            rate = slow["rate"]
        if rate > 0 and not parsed.path.startswith("/_proxy/"):
            parts, left, piece = [], length, max(1, rate // 10)
            while left > 0:
                parts.append(self.rfile.read(min(piece, left)))
                left -= len(parts[-1])
                if not parts[-1]:
                    break
                time.sleep(0.1)
            body = b"".join(parts)
        else:
            body = self.rfile.read(length) if length else b""
        if parsed.path.startswith("/_proxy/"):
            return self.control(parsed.path, query)

        is_api = parsed.path.endswith("/api.php")
        form = form_fields(self.headers.get("Content-Type", ""), body) if is_api else {}
        fault = self.take_fault(query.get("action") or form.get("action", "")) if is_api else None
        if is_api:
            entry = {"method": self.command, "query": query, "form": form,
                     "fault": fault["kind"] if fault else None, "at": time.time()}
            with lock:
                log.append(entry)
        if fault:
            if fault["kind"] == "maxlag":
                error = {"error": {"code": "maxlag",
                                   "info": "Waiting for 127.0.0.1: %d seconds lagged." % fault["lag"],
                                   "host": "127.0.0.1", "lag": fault["lag"], "type": "db"},
                         "servedby": "mwproxy"}
                return self.reply(200, json.dumps(error).encode(),
                                  [("Content-Type", "application/json; charset=utf-8"),
                                   ("Retry-After", str(fault["retry"])),
                                   ("X-Database-Lag", str(fault["lag"])),
                                   ("MediaWiki-API-Error", "maxlag")])
            if fault["kind"] == "503":
                return self.reply(503, b"<html><body>Service Unavailable (mwproxy)</body></html>\n",
                                  [("Content-Type", "text/html"), ("Retry-After", str(fault["retry"]))])
            if fault["kind"] == "readonly":
                error = {"error": {"code": "readonly", "info": "The wiki is currently in read-only mode.",
                                   "readonlyreason": "mwproxy maintenance"}, "servedby": "mwproxy"}
                return self.reply(200, json.dumps(error).encode(),
                                  [("Content-Type", "application/json; charset=utf-8"),
                                   ("MediaWiki-API-Error", "readonly")])

        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=600)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("host", "connection", "keep-alive", "transfer-encoding")}
        headers["Host"] = self.upstream.netloc
        connection.request(self.command, self.path, body=body if body or self.command == "POST" else None,
                           headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        if fault and fault["kind"] == "drop":
            # The wiki answered; the client never hears it.
            self.close_connection = True
            return
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                continue
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = handle_any
    do_POST = handle_any
    do_HEAD = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    Handler.upstream = urllib.parse.urlsplit(args.upstream)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
