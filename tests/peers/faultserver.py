#!/usr/bin/python3
"""Gatehouse fault server: a fault-injecting HTTP/1.1 server for transfer-engine tests (stdlib only).

    faultserver.py --dir DIR [--host 127.0.0.1] [--port 0] [--port-file FILE]

Listens on 127.0.0.1 (asyncio, many concurrent connections, keep-alive, pipelining), logs errors to
DIR/server.log and every request as one JSON line to DIR/requests.jsonl. Normally started by
tests/peers/faultserver.sh (peer-script contract in tests/support/peerserver.h).

PATH GRAMMAR
============
    /SCENARIO[/SEGMENT]...        SEGMENT := key=value | flag | NAME

The first segment picks the scenario; every further segment is an option `key=value` (value may be
percent-encoded, e.g. type=image%2Fjpeg), a known bare flag (`etag`, `lm`, `gzip`, …), or anything else,
which is a free NAME (e.g. `a.jpg`, `test42`) that only makes the URL, and so the content, unique. Options may
come in any order. An unknown key is a 400. The query string is ignored by resources (use it freely for
cache-busting); counters, seeds and the log key on the path without the query.

Body content is deterministic: SEED = the raw path (no query; for `changing`: path + "@v" + version). The
body is the concatenation of blocks B(i) = SHAKE-256(SEED + "#" + str(i)).digest(65536), i = 0, 1, …,
cut to N bytes (so any C++/OpenSSL client could regenerate it; easier: trust the digests below).
Every body response carries
    X-Expected-Sha256 / X-Expected-Length   sha256 and length of the whole decoded representation (also on
                                            206; omitted for bodies over 1 GiB)
    X-Wire-Sha256 / X-Wire-Length           the same for the bytes on the wire (differs only with gzip)
    X-Request-Count                         how many requests this path has had, this one included
    X-Fault                                 which fault this response carries, if any (drop@K, 503, …)
and GET /_expected?path=PATH answers the same as JSON (plus md5 and sha1).

Body options (every scenario that serves a body):
    n=SIZE          body length; SIZE is bytes or with k/m/g suffix (KiB/MiB/GiB). Default 1024.
    type=T          Content-Type: an alias (bin jpeg jpg png gif tiff tif jp2 pdf html txt text json xml csv
                    zip) or a full percent-encoded type (type=text%2Fplain%3B%20charset%3Dutf-8), or
                    `none` for no Content-Type. Default by body kind.
    body=KIND       random (default; application/octet-stream), text (compressible ASCII, text/plain),
                    html (an HTML page padded to N bytes, at least ~200; text/html)
    etag            strong ETag (etag=weak: W/"…" ; etag=none)
    lm              Last-Modified (fixed: Mon, 01 Jan 2024 00:00:00 GMT; lm=EPOCH sets it; lm=none)
    maxage=S        Cache-Control: max-age=S
    expires=S       Expires: now + S seconds (HTTP-date)
    nostore         Cache-Control: no-store         nocache   Cache-Control: no-cache
    gzip            Content-Encoding: gzip (gzip of the body with mtime 0; Content-Length = gzip length)
    chunked         Transfer-Encoding: chunked instead of Content-Length
    close           Connection: close, and close after the response
    ranges          honour Range / If-Range (what `range` does by default)
    rate=BPS        trickle the body at BPS bytes per second
    delay=MS        wait MS milliseconds before sending the response headers
  Conditional GET: If-None-Match (weak comparison, `*` too) → 304 when it matches the ETag; otherwise
  If-Modified-Since → 304 when Last-Modified <= the date. 304s carry ETag/Last-Modified/cache headers, no body.
  HEAD is answered everywhere with the headers only (no faults on the body, it has none).

Fault options (combine with any body scenario):
    status=CODE     answer CODE (with a short text/plain body) instead of the resource
    retry=S         Retry-After: S (seconds form)        retryat=S   Retry-After: HTTP-date now + S
    drop=K          send headers and K body bytes, then abort the connection with a TCP RST
                    (SO_LINGER 0, after the K bytes have left the send queue). drop=hdr: RST before any byte.
    short=K         send headers (announcing N) and K body bytes, then close cleanly (FIN)
    stall=K         send headers and K body bytes, then send nothing more, keeping the socket open until the
                    client closes it (or hold=S seconds pass, default 300). stall=hdr: never send headers.
    fails=F         apply the fault options only to the first F requests of this path; later requests are
                    served normally. Without fails=, faults apply to every request.
  K >= N means the whole body is sent before the fault happens.

SCENARIOS (with an example each)
    /                                           this text
    /ok/…                                       200 with the body; no Range support unless `ranges`
                                                /ok/n=65536/type=jpeg/etag/lm/maxage=60/a.jpg
    /range/…                                    = ok + ranges + etag + lm: 206 with Content-Range for a valid
                                                single Range, 416 (Content-Range: bytes */N) when unsatisfiable,
                                                200 full for multi-range or a bad Range header; If-Range (ETag
                                                strong comparison, or HTTP-date equal to Last-Modified) that does
                                                not match → 200 full.      /range/n=1m/a.bin
                                                resume test: /range/n=1m/drop=300000/fails=1/a.bin (the first
                                                request drops after 300000 bytes, the retry with Range works)
    /norange/…                                  etag + lm, Range ignored, always 200 full; with `advertise` it
                                                even sends Accept-Ranges: bytes.    /norange/n=1m/advertise/a.bin
                                                restart test: /norange/n=1m/drop=300000/fails=1/a.bin (the retry's
                                                Range is ignored: 200 with the whole body, the client must restart)
    /changing/…                                 = range, but every request of the path is a new version
                                                (content, ETag, Last-Modified = 2024-01-01 + version s change), so
                                                If-Range never matches: 200 full.   /changing/n=100000/a.bin
                                                (/_expected?path=…&version=V; version = X-Request-Count)
                                                /changing/n=1m/drop=300000/fails=1/a.bin: the resume's If-Range
                                                fails, the client gets a different whole body (version 2)
    /drop/at=K/…                                = ok + drop=K (default K = N/2)    /drop/n=100000/at=5000/a.bin
    /short/at=K/…                               = ok + short=K                     /short/n=100000/at=5000/a.bin
    /stall/at=K/…                               = ok + stall=K                     /stall/n=100000/at=1000/a.bin
    /slow/rate=BPS/…                            = ok + rate (default 1024 B/s)     /slow/n=10000/rate=500/a.bin
    /status/CODE/…                              any status (also /status/code=CODE/…), body "CODE Reason\\n"
                                                (n= for a random body of N bytes); with retry=/retryat=; to=PATH
                                                adds a Location.                   /status/503/retry=5/a
                                                /status/429/retryat=30/a  /status/404/a  /status/410/a
    /flaky/fails=F/…                            the first F requests (default 2) fail with status= (default 503,
                                                plus retry= etc.) or with drop=/short=/stall= if given; later
                                                requests get 200 with the body.   /flaky/fails=3/status=500/t1
                                                /flaky/fails=2/drop=100/n=5000/t2
    /redirect/hops=N/code=C/loc=L/…             N redirects (default 1) with status C (301 302 303 307 308,
                                                default 302) ending at /ok/ + the remaining options and name:
                                                /redirect/hops=3/code=301/n=500/a.bin → …/hops=2/… → …/hops=1/…
                                                → /ok/n=500/a.bin. to=PATH (percent-encoded) picks another final
                                                target: /redirect/hops=2/to=%2Frange%2Fn%3D10k%2Fb.bin
                                                L = root (default; Location: /path), abs (http://HOST/path, HOST
                                                from the Host header), rel (relative reference like ../hops=1/x)
                                                Fault options travel along: status=/drop=hdr/stall=hdr (with
                                                fails=) hit each hop's path, drop=K/short=K/stall=K the final body.
    /loop/len=L/pos=P/code=C/loc=L/…            redirect loop of length L (default 2: A→B→A); pos=0 is written
                                                as no pos segment, so /loop/x → /loop/pos=1/x → /loop/x
    /endless/i=K/code=C/loc=L/…                 always redirects to a new URL (i=K+1)   /endless/x
    /huge/…                                     Content-Length: 53687091200 (50 GiB; n= overrides), body
                                                trickled at rate= (default 65536 B/s), no X-Expected-Sha256.
                                                /huge/a.bin
    /html/…                                     = ok + body=html (text/html)       /html/a.jpg
    /lying/…                                    = ok + body=html + type=jpeg: says image/jpeg, is HTML
                                                /lying/a.jpg
    /empty/…                                    200 with Content-Length: 0        /empty/a.bin
    /gzip/…                                     = ok + gzip + body=text. X-Expected-Sha256 is of the decoded
                                                body, X-Wire-Sha256 of the gzip bytes.  /gzip/n=100000/a.txt
    /echo/…                                     200 JSON of the request (method, headers, body length and
                                                sha256; the request body is read, chunked or not)
    /form/…                                     200 JSON of a multipart/form-data request body, part by part:
                                                {"method", "content_type", "body_length", "parts": [{"name",
                                                "filename", "content_type", "length", "sha256", "text" (the
                                                first 200 bytes, decoded as UTF-8 where possible)}]};
                                                400 when the body is not multipart/form-data. Combine with
                                                delay= (before the answer) as usual.   /form/t1

INSPECTION
    GET /_stats[?path=P]      JSON: {"total_requests", "total_bytes_sent", "connections_total",
                              "connections_open" (the asking connection included), "started" (epoch),
                              "statuses": {code: n},
                              "paths": {PATH: {"count", "methods": {..}, "statuses": {..}, "outcomes": {..},
                              "bytes_sent"}}}; with ?path= only that path's record (count 0 if unseen).
    GET|POST /_reset[?log=1]  clears every counter (flaky counts, versions, stats); log=1 also empties
                              requests.jsonl.
    GET /_expected?path=P[&version=V]   JSON: path, seed, length, sha256, md5, sha1, wire_length,
                              wire_sha256, content_type, content_encoding, etag, last_modified (redirects
                              are followed to their target; 400 for loop/endless/status/echo).
    Control requests are neither counted nor logged.

DIR/requests.jsonl: one JSON object per request, written when the response's fate is decided: just before
the last byte of a complete response is handed to the socket, just before a drop/short close, when a stall
starts, or when the client went away (outcome client_closed). Keys:
    time (ISO 8601 UTC, ms), ts (epoch seconds), conn (connection number), seq (request number on that
    connection, 1-based: >1 proves keep-alive), peer_port, method, target (raw request target), path, query,
    version ("HTTP/1.1"), headers ({lower-case name: value}, repeated headers joined with ", "),
    raw_headers ([[name, value], …] as sent), body_length (request body), count (this path's request number),
    status (response status, null when none was sent), bytes_sent (response body bytes handed to the socket),
    outcome (complete | dropped | short | stalled | client_closed | error), fault (as X-Fault or null),
    duration_ms.
"""

import argparse
import asyncio
import collections
import datetime
import email.parser
import email.policy
import email.utils
import fcntl
import functools
import gzip as gziplib
import hashlib
import http
import json
import logging
import os
import posixpath
import signal
import socket
import struct
import termios
import time
import urllib.parse

BLOCK = 65536
HUGE = 53687091200
DEFAULT_N = 1024
DIGEST_LIMIT = 1 << 30          # no expected digests above this
MATERIALIZE_LIMIT = 256 << 20   # html / gzip bodies are built in memory
FIXED_LM = 1704067200           # 2024-01-01T00:00:00Z
MAX_HEADER = 65536
IDLE_TIMEOUT = 120.0

TYPE_ALIASES = {
    "bin": "application/octet-stream", "octet": "application/octet-stream",
    "jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "tiff": "image/tiff", "tif": "image/tiff", "jp2": "image/jp2", "pdf": "application/pdf",
    "html": "text/html; charset=utf-8", "txt": "text/plain; charset=utf-8", "text": "text/plain; charset=utf-8",
    "json": "application/json", "xml": "application/xml", "csv": "text/csv", "zip": "application/zip",
}
KIND_TYPES = {"random": "application/octet-stream", "text": "text/plain; charset=utf-8",
              "html": "text/html; charset=utf-8"}

SCENARIOS = {"ok", "range", "norange", "changing", "drop", "short", "stall", "slow", "status", "flaky",
             "redirect", "loop", "endless", "huge", "html", "lying", "empty", "gzip", "echo", "form"}
FLAGS = {"etag", "lm", "nostore", "nocache", "gzip", "chunked", "close", "ranges", "advertise"}
KEYS = {"n", "type", "body", "etag", "lm", "maxage", "expires", "status", "retry", "retryat", "drop", "short",
        "stall", "hold", "fails", "rate", "delay", "hops", "code", "loc", "to", "len", "pos", "i", "at",
        "gzip", "chunked", "close", "ranges", "nostore", "nocache", "advertise"}
REDIRECT_KEYS = {"hops", "code", "loc", "to", "len", "pos", "i"}

log = logging.getLogger("faultserver")


class BadRequest(Exception):
    pass


# ---------------------------------------------------------------------------------------------- content

@functools.lru_cache(maxsize=512)
def random_block(seed: str, index: int) -> bytes:
    return hashlib.shake_256(f"{seed}#{index}".encode()).digest(BLOCK)


_TEXT_TABLE = bytes((b"abcdefghijklmnopqrstuvwxyz    \n."[i & 31]) for i in range(256))


@functools.lru_cache(maxsize=512)
def text_block(seed: str, index: int) -> bytes:
    return random_block(seed, index).translate(_TEXT_TABLE)


def html_page(seed: str, n: int) -> bytes:
    head = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            b"<title>Gatehouse fault server: an HTML page</title></head>\n<body>\n<h1>Not the file you asked for</h1>\n"
            b"<p>")
    tail = b"</p>\n</body></html>\n"
    fill = max(0, n - len(head) - len(tail))
    filler = b"".join(text_block(seed, i) for i in range((fill + BLOCK - 1) // BLOCK))[:fill]
    return head + filler + tail


class Body:
    """The representation of one resource: decoded content (kind, seed, n) and its wire form (gzip)."""

    def __init__(self, seed: str, n: int, kind: str, gzip: bool):
        self.seed, self.n, self.kind, self.gzip = seed, n, kind, gzip
        self._data = None
        if kind == "html" or gzip:
            if n > MATERIALIZE_LIMIT:
                raise BadRequest(f"n={n} too large for body={kind}{' with gzip' if gzip else ''}")
            decoded = self.decoded_bytes()
            if kind == "html":
                self.n = len(decoded)
            self._data = gziplib.compress(decoded, compresslevel=6, mtime=0) if gzip else decoded
        self.length = len(self._data) if self._data is not None else n

    def decoded_bytes(self) -> bytes:
        if self.kind == "html":
            return html_page(self.seed, self.n)
        return b"".join(self.decoded_chunks(0, self.n))

    def decoded_chunks(self, start: int, end: int):
        if self.kind == "html":
            data = html_page(self.seed, self.n)
            for pos in range(start, end, BLOCK):
                yield data[pos:min(end, pos + BLOCK)]
            return
        block = text_block if self.kind == "text" else random_block
        pos = start
        while pos < end:
            index, offset = divmod(pos, BLOCK)
            take = min(BLOCK - offset, end - pos)
            yield block(self.seed, index)[offset:offset + take]
            pos += take

    def chunks(self, start: int, end: int):
        """Wire bytes [start, end)."""
        if self._data is not None:
            for pos in range(start, end, BLOCK):
                yield self._data[pos:min(end, pos + BLOCK)]
        else:
            yield from self.decoded_chunks(start, end)

    def digests(self) -> dict:
        """Digests of the decoded and wire bytes (blocking; run it in an executor for big bodies)."""
        if self.n > DIGEST_LIMIT:
            return {"length": self.n, "sha256": None, "md5": None, "sha1": None,
                    "wire_length": self.length, "wire_sha256": None}
        s256, md5, sha1 = hashlib.sha256(), hashlib.md5(), hashlib.sha1()
        for piece in self.decoded_chunks(0, self.n):
            s256.update(piece)
            md5.update(piece)
            sha1.update(piece)
        result = {"length": self.n, "sha256": s256.hexdigest(), "md5": md5.hexdigest(), "sha1": sha1.hexdigest()}
        if self.gzip:
            result["wire_length"] = self.length
            result["wire_sha256"] = hashlib.sha256(self._data).hexdigest()
        else:
            result["wire_length"] = self.length
            result["wire_sha256"] = result["sha256"]
        return result


# ---------------------------------------------------------------------------------------------- parsing

def parse_size(text: str, key: str) -> int:
    t = text.strip().lower()
    mult = 1
    if t and t[-1] in "kmg":
        mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[t[-1]]
        t = t[:-1]
    if not t.isdigit():
        raise BadRequest(f"{key}={text}: not a size")
    return int(t) * mult


def parse_int(text: str, key: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadRequest(f"{key}={text}: not an integer") from None


def http_date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


def parse_http_date(text: str):
    try:
        dt = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return int(dt.timestamp())


class Spec:
    """What a path asks for."""

    def __init__(self, path: str):
        self.path = path
        segments = path.split("/")[1:]
        if not segments or not segments[0]:
            raise BadRequest("empty scenario")
        self.scenario = segments[0]
        if self.scenario not in SCENARIOS:
            raise BadRequest(f"unknown scenario {self.scenario!r}")
        self.segments = segments[1:]
        self.opts = {}
        self.flags = set()
        self.names = []
        self.code = None
        for i, seg in enumerate(self.segments):
            if seg == "":
                continue
            if "=" in seg:
                key, value = seg.split("=", 1)
                if key not in KEYS:
                    raise BadRequest(f"unknown option {key!r}")
                self.opts[key] = urllib.parse.unquote(value)
            elif seg in FLAGS:
                self.flags.add(seg)
            elif self.scenario == "status" and i == 0 and seg.isdigit():
                self.code = int(seg)
            else:
                self.names.append(seg)
        o = self.opts
        sc = self.scenario

        # body
        self.kind = o.get("body", {"html": "html", "lying": "html", "gzip": "text"}.get(sc, "random"))
        if self.kind not in KIND_TYPES:
            raise BadRequest(f"body={self.kind}: use random, text or html")
        default_n = {"huge": HUGE, "empty": 0}.get(sc, DEFAULT_N)
        self.n = parse_size(o["n"], "n") if "n" in o else default_n
        if sc == "empty":
            self.n = 0
        ctype = o.get("type", "jpeg" if sc == "lying" else None)
        if ctype is None:
            self.ctype = KIND_TYPES[self.kind]
        elif ctype == "none":
            self.ctype = None
        else:
            self.ctype = TYPE_ALIASES.get(ctype, ctype)
        self.gzip = self.flag("gzip") or sc == "gzip"
        self.chunked = self.flag("chunked")
        self.close = self.flag("close")
        self.ranges = self.flag("ranges") or sc in ("range", "changing")
        self.versioned = sc == "changing"
        self.advertise = self.flag("advertise")
        validators = sc in ("range", "norange", "changing")
        etag = o.get("etag", "strong" if ("etag" in self.flags or validators) else "none")
        if etag in ("1", "yes", "true"):
            etag = "strong"
        if etag not in ("strong", "weak", "none"):
            raise BadRequest("etag=strong|weak|none")
        self.etag_mode = etag
        lm = o.get("lm", "fixed" if ("lm" in self.flags or validators) else "none")
        if lm in ("1", "yes", "true"):
            lm = "fixed"
        self.lm = None if lm == "none" else FIXED_LM if lm == "fixed" else parse_int(lm, "lm")
        self.maxage = parse_int(o["maxage"], "maxage") if "maxage" in o else None
        self.expires = parse_int(o["expires"], "expires") if "expires" in o else None
        self.nostore = self.flag("nostore")
        self.nocache = self.flag("nocache")
        self.rate = parse_size(o["rate"], "rate") if "rate" in o else (
            1024 if sc == "slow" else 65536 if sc == "huge" else None)
        if self.rate is not None and self.rate <= 0:
            raise BadRequest("rate must be > 0")
        self.delay = parse_int(o["delay"], "delay") / 1000.0 if "delay" in o else 0.0

        # faults
        self.fault_status = parse_int(o["status"], "status") if "status" in o else None
        self.retry = parse_int(o["retry"], "retry") if "retry" in o else None
        self.retryat = parse_int(o["retryat"], "retryat") if "retryat" in o else None
        self.hold = parse_int(o["hold"], "hold") if "hold" in o else 300
        self.body_fault = None      # (kind, K) with K an int or "hdr"
        for kind in ("drop", "short", "stall"):
            value = o.get(kind)
            if value is None and sc == kind:
                value = o.get("at", str(self.n // 2))
            if value is not None:
                if value == "hdr" and kind in ("drop", "stall"):
                    self.body_fault = (kind, "hdr")
                else:
                    self.body_fault = (kind, parse_size(value, kind))
                break
        self.fails = parse_int(o["fails"], "fails") if "fails" in o else (2 if sc == "flaky" else None)
        if sc == "flaky" and self.fault_status is None and self.body_fault is None:
            self.fault_status = 503
        if sc == "status":
            if self.code is None:
                self.code = parse_int(o["code"], "code") if "code" in o else None
            if self.code is None or not 100 <= self.code <= 999:
                raise BadRequest("use /status/CODE/…")

        # redirects
        self.hops = parse_int(o.get("hops", "1"), "hops")
        self.redirect_code = parse_int(o.get("code", "302"), "code") if sc != "status" else None
        self.loc = o.get("loc", "root")
        if self.loc not in ("root", "abs", "rel"):
            raise BadRequest("loc=root|abs|rel")
        if sc == "redirect" and self.hops < 1:
            raise BadRequest("hops must be >= 1")

    def flag(self, name: str) -> bool:
        return name in self.flags or self.opts.get(name) in ("1", "yes", "true")

    def seed(self, version: int = 0) -> str:
        return f"{self.path}@v{version}" if self.versioned else self.path

    def body(self, version: int = 0) -> Body:
        return Body(self.seed(version), self.n, self.kind, self.gzip)

    def etag(self, version: int = 0):
        if self.etag_mode == "none":
            return None
        ident = f"{self.seed(version)}|{self.n}|{self.kind}|{self.gzip}"
        tag = '"' + hashlib.sha256(ident.encode()).hexdigest()[:24] + '"'
        return "W/" + tag if self.etag_mode == "weak" else tag

    def last_modified(self, version: int = 0):
        if self.lm is None:
            return None
        return self.lm + version if self.versioned else self.lm

    # -- redirects
    def _rebuild(self, scenario: str, replace: dict, drop_keys=()) -> str:
        out = []
        seen = set()
        for seg in self.segments:
            key = seg.split("=", 1)[0] if "=" in seg else None
            if key in drop_keys:
                continue
            if key in replace:
                seen.add(key)
                if replace[key] is not None:
                    out.append(f"{key}={replace[key]}")
                continue
            out.append(seg)
        head = [f"{k}={v}" for k, v in replace.items() if k not in seen and v is not None]
        return "/" + "/".join([scenario] + head + out)

    def next_location(self) -> str:
        sc = self.scenario
        if sc == "redirect":
            if self.hops > 1:
                return self._rebuild("redirect", {"hops": self.hops - 1})
            if "to" in self.opts:
                return self.opts["to"]
            return self._rebuild("ok", {}, drop_keys=REDIRECT_KEYS)
        if sc == "loop":
            length = max(1, parse_int(self.opts.get("len", "2"), "len"))
            pos = (parse_int(self.opts.get("pos", "0"), "pos") + 1) % length
            return self._rebuild("loop", {"pos": pos if pos else None})
        if sc == "endless":
            return self._rebuild("endless", {"i": parse_int(self.opts.get("i", "0"), "i") + 1})
        raise BadRequest("not a redirect")

    def final_target(self) -> "Spec":
        spec = self
        for _ in range(1000):
            if spec.scenario in ("loop", "endless"):
                raise BadRequest("this redirect never ends")
            if spec.scenario != "redirect":
                return spec
            spec = Spec(urllib.parse.urlsplit(spec.next_location()).path)
        raise BadRequest("redirect chain too long")


def location_header(current: str, target: str, mode: str, host: str) -> str:
    if mode == "abs":
        return f"http://{host}{target}"
    if mode == "rel":
        if target.startswith("/"):
            base = current if current.endswith("/") else posixpath.dirname(current) + "/"
            rel = posixpath.relpath(target, base)
            if target.endswith("/") and not rel.endswith("/"):
                rel += "/"
            return rel
    return target


def parse_range(value: str, length: int):
    """(start, end_inclusive), "unsatisfiable", or None (ignore the header)."""
    value = value.strip()
    if not value.lower().startswith("bytes="):
        return None
    specs = [s.strip() for s in value[6:].split(",") if s.strip()]
    if len(specs) != 1:
        return None
    first, dash, last = specs[0].partition("-")
    first, last = first.strip(), last.strip()
    if not dash:
        return None
    if first == "":
        if not last.isdigit():
            return None
        suffix = int(last)
        if suffix == 0 or length == 0:
            return "unsatisfiable"
        return (max(0, length - suffix), length - 1)
    if not first.isdigit() or (last and not last.isdigit()):
        return None
    start = int(first)
    end = int(last) if last else None
    if end is not None and end < start:
        return None
    if start >= length:
        return "unsatisfiable"
    if end is None:
        end = length - 1
    return (start, min(end, length - 1))


def etag_match_weak(header: str, etag) -> bool:
    if etag is None:
        return False
    want = etag[2:] if etag.startswith("W/") else etag
    for item in header.split(","):
        item = item.strip()
        if item == "*":
            return True
        if (item[2:] if item.startswith("W/") else item) == want:
            return True
    return False


def parse_form(req) -> list:
    """The parts of a multipart/form-data body (RFC 7578), parsed by the standard library's MIME parser."""
    ctype = req.header("content-type") or ""
    if req.body is None or not ctype.lower().startswith("multipart/form-data"):
        raise BadRequest("the /form scenario needs a multipart/form-data body")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + req.body)
    if not message.is_multipart():
        raise BadRequest("the multipart body could not be parsed")
    parts = []
    for part in message.iter_parts():
        data = part.get_payload(decode=True) or b""
        parts.append({"name": part.get_param("name", header="content-disposition"),
                      "filename": part.get_filename(), "content_type": part.get("content-type"),
                      "length": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                      "text": data[:200].decode("utf-8", "replace")})
    return parts


# ---------------------------------------------------------------------------------------------- server

class Request:
    def __init__(self, method, target, version, raw_headers):
        self.method, self.target, self.version, self.raw_headers = method, target, version, raw_headers
        split = urllib.parse.urlsplit(target)
        self.path = split.path or "/"
        self.query = split.query
        self.headers = {}
        for name, value in raw_headers:
            low = name.lower()
            self.headers[low] = f"{self.headers[low]}, {value}" if low in self.headers else value
        self.body_length = 0
        self.body_sha256 = hashlib.sha256().hexdigest()
        self.body = None          # kept for multipart/form-data bodies (the /form scenario parses them)

    def header(self, name: str, default=None):
        return self.headers.get(name.lower(), default)

    def keep_alive(self) -> bool:
        conn = (self.header("connection") or "").lower()
        if "close" in conn:
            return False
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return True


class Exchange:
    """One request/response: the log record, written once."""

    def __init__(self, server, conn_id, seq, peer_port, req, count):
        self.server, self.req = server, req
        self.started = time.time()
        self.done = False
        self.status = None
        self.fault = None
        self.record = {
            "time": datetime.datetime.fromtimestamp(self.started, datetime.timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "ts": round(self.started, 6), "conn": conn_id, "seq": seq, "peer_port": peer_port,
            "method": req.method, "target": req.target, "path": req.path, "query": req.query,
            "version": req.version, "headers": req.headers, "raw_headers": [list(h) for h in req.raw_headers],
            "body_length": req.body_length, "count": count,
        }

    def finish(self, bytes_sent: int, outcome: str):
        if self.done:
            return
        self.done = True
        self.record.update(status=self.status, bytes_sent=bytes_sent, outcome=outcome, fault=self.fault,
                           duration_ms=round((time.time() - self.started) * 1000, 3))
        self.server.record(self.record)


class FaultServer:
    def __init__(self, directory: str):
        self.dir = directory
        self.log_file = open(os.path.join(directory, "requests.jsonl"), "a", encoding="utf-8")
        self.started = time.time()
        self.connections_total = 0
        self.connections_open = 0
        self.digest_cache = collections.OrderedDict()
        self.digest_pending = {}
        self.reset()

    def reset(self):
        self.counts = collections.Counter()
        self.paths = {}
        self.total_requests = 0
        self.total_bytes = 0
        self.statuses = collections.Counter()

    def path_stats(self, path):
        st = self.paths.get(path)
        if st is None:
            st = self.paths[path] = {"count": 0, "methods": {}, "statuses": {}, "outcomes": {}, "bytes_sent": 0}
        return st

    def count(self, req) -> int:
        self.counts[req.path] += 1
        self.total_requests += 1
        st = self.path_stats(req.path)
        st["count"] += 1
        st["methods"][req.method] = st["methods"].get(req.method, 0) + 1
        return self.counts[req.path]

    def record(self, rec):
        st = self.path_stats(rec["path"])
        status = str(rec["status"]) if rec["status"] is not None else "none"
        st["statuses"][status] = st["statuses"].get(status, 0) + 1
        st["outcomes"][rec["outcome"]] = st["outcomes"].get(rec["outcome"], 0) + 1
        st["bytes_sent"] += rec["bytes_sent"]
        self.total_bytes += rec["bytes_sent"]
        self.statuses[status] += 1
        try:
            self.log_file.write(json.dumps(rec, separators=(",", ":")) + "\n")
            self.log_file.flush()
        except OSError:
            log.exception("cannot write requests.jsonl")

    async def digests(self, body: Body) -> dict:
        key = (body.seed, body.n, body.kind, body.gzip)
        if key in self.digest_cache:
            self.digest_cache.move_to_end(key)
            return self.digest_cache[key]
        if body.n > DIGEST_LIMIT:
            return body.digests()
        if body.n <= (1 << 20):
            result = body.digests()
        else:
            pending = self.digest_pending.get(key)
            if pending is None:
                pending = asyncio.get_running_loop().run_in_executor(None, body.digests)
                self.digest_pending[key] = pending
            try:
                result = await pending
            finally:
                self.digest_pending.pop(key, None)
        self.digest_cache[key] = result
        while len(self.digest_cache) > 4096:
            self.digest_cache.popitem(last=False)
        return result

    # ------------------------------------------------------------------------------------------ I/O

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.connections_total += 1
        self.connections_open += 1
        conn_id = self.connections_total
        peer = writer.get_extra_info("peername") or ("?", 0)
        seq = 0
        aborted = False
        try:
            while True:
                req = await self.read_request(reader, writer)
                if req is None:
                    break
                seq += 1
                result = await self.dispatch(req, reader, writer, conn_id, seq, peer[1])
                if result == "aborted":
                    aborted = True
                    break
                if not result:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError, BrokenPipeError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("connection %d failed", conn_id)
        finally:
            self.connections_open -= 1
            if not aborted:
                try:
                    writer.close()
                    await asyncio.wait_for(writer.wait_closed(), 5)
                except Exception:
                    pass

    async def read_request(self, reader, writer):
        while True:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_TIMEOUT)
            except asyncio.IncompleteReadError:
                return None
            except asyncio.LimitOverrunError:
                await self.simple(writer, 431, "request header too large\n", close=True)
                return None
            if head.strip(b"\r\n"):
                break
        lines = head.decode("iso-8859-1").split("\r\n")
        while lines and not lines[0]:
            lines.pop(0)
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            await self.simple(writer, 400, "malformed request line\n", close=True)
            return None
        raw_headers = []
        for line in lines[1:]:
            if not line:
                continue
            if ":" not in line:
                await self.simple(writer, 400, "malformed header line\n", close=True)
                return None
            name, value = line.split(":", 1)
            raw_headers.append((name.strip(), value.strip()))
        req = Request(parts[0], parts[1], parts[2], raw_headers)
        # request body
        te = (req.header("transfer-encoding") or "").lower()
        digest = hashlib.sha256()
        keep = (req.header("content-type") or "").lower().startswith("multipart/form-data")
        kept = [] if keep else None
        if "100-continue" in (req.header("expect") or "").lower():
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        if "chunked" in te:
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    break
                remaining = size
                while remaining:
                    piece = await reader.readexactly(min(remaining, BLOCK))
                    digest.update(piece)
                    if kept is not None and req.body_length < MATERIALIZE_LIMIT:
                        kept.append(piece)
                    remaining -= len(piece)
                    req.body_length += len(piece)
                await reader.readexactly(2)
        elif req.header("content-length"):
            try:
                remaining = int(req.header("content-length"))
            except ValueError:
                await self.simple(writer, 400, "bad Content-Length\n", close=True)
                return None
            while remaining > 0:
                piece = await reader.readexactly(min(remaining, BLOCK))
                digest.update(piece)
                if kept is not None and req.body_length < MATERIALIZE_LIMIT:
                    kept.append(piece)
                remaining -= len(piece)
                req.body_length += len(piece)
        req.body_sha256 = digest.hexdigest()
        if kept is not None:
            req.body = b"".join(kept)
        return req

    async def simple(self, writer, status, text, ctype="text/plain; charset=utf-8", close=False, extra=None):
        body = text.encode() if isinstance(text, str) else text
        headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))] + list(extra or [])
        if close:
            headers.append(("Connection", "close"))
        writer.write(self.head_bytes(status, headers) + body)
        await writer.drain()
        return not close

    def head_bytes(self, status, headers) -> bytes:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Status"
        lines = [f"HTTP/1.1 {status} {reason}", f"Date: {http_date(time.time())}", "Server: gatehouse-faultserver"]
        lines += [f"{k}: {v}" for k, v in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    # ------------------------------------------------------------------------------------------ dispatch

    async def dispatch(self, req, reader, writer, conn_id, seq, peer_port):
        if req.path.startswith("/_"):
            return await self.control(req, writer)
        if req.path == "/":
            return await self.simple(writer, 200, __doc__, close=not req.keep_alive())
        count = self.count(req)
        ex = Exchange(self, conn_id, seq, peer_port, req, count)
        try:
            return await self.serve(req, ex, reader, writer, count)
        except BadRequest as e:
            ex.status = 400
            ex.finish(0, "complete")
            return await self.simple(writer, 400, f"bad request: {e}\n", close=not req.keep_alive())
        except (ConnectionError, BrokenPipeError, asyncio.IncompleteReadError) as e:
            ex.finish(getattr(ex, "sent", 0), "client_closed")
            log.info("client went away on %s: %s", req.target, e)
            return False
        except Exception:
            log.exception("error serving %s", req.target)
            ex.finish(getattr(ex, "sent", 0), "error")
            return False

    async def control(self, req, writer):
        q = urllib.parse.parse_qs(req.query)
        name = req.path
        try:
            if name == "/_stats":
                if "path" in q:
                    p = q["path"][0]
                    st = self.paths.get(p) or {"count": 0, "methods": {}, "statuses": {}, "outcomes": {},
                                               "bytes_sent": 0}
                    doc = dict(st, path=p)
                else:
                    doc = {"total_requests": self.total_requests, "total_bytes_sent": self.total_bytes,
                           "connections_total": self.connections_total,
                           "connections_open": self.connections_open, "started": self.started,
                           "statuses": dict(self.statuses), "paths": self.paths}
                return await self.json(writer, 200, doc, req)
            if name == "/_reset":
                self.reset()
                if q.get("log", ["0"])[0] not in ("0", "", "no", "false"):
                    self.log_file.truncate(0)
                    self.log_file.flush()
                return await self.json(writer, 200, {"reset": True}, req)
            if name == "/_expected":
                if "path" not in q:
                    raise BadRequest("/_expected?path=PATH")
                path = urllib.parse.urlsplit(q["path"][0]).path
                spec = Spec(path).final_target()
                if spec.scenario in ("status", "echo"):
                    raise BadRequest(f"{spec.scenario} has no resource body")
                version = parse_int(q.get("version", ["1"])[0], "version")
                body = spec.body(version)
                doc = {"path": spec.path, "seed": body.seed}
                doc.update(await self.digests(body))
                lm = spec.last_modified(version)
                doc.update(content_type=spec.ctype, content_encoding="gzip" if spec.gzip else None,
                           etag=spec.etag(version), last_modified=http_date(lm) if lm is not None else None)
                return await self.json(writer, 200, doc, req)
            return await self.json(writer, 404, {"error": f"no control endpoint {name}"}, req)
        except BadRequest as e:
            return await self.json(writer, 400, {"error": str(e)}, req)

    async def json(self, writer, status, doc, req):
        return await self.simple(writer, status, json.dumps(doc, indent=1) + "\n", "application/json",
                                 close=not req.keep_alive())

    async def serve(self, req, ex, reader, writer, count):
        spec = Spec(req.path)
        keep = req.keep_alive() and not spec.close
        head_only = req.method == "HEAD"
        version = count if spec.versioned else 0
        fault_active = spec.fails is None or count <= spec.fails
        host = req.header("host") or "%s:%d" % writer.get_extra_info("sockname")[:2]
        extra = [("X-Request-Count", str(count))]
        if spec.retry is not None:
            extra.append(("Retry-After", str(spec.retry)))
        if spec.retryat is not None:
            extra.append(("Retry-After", http_date(time.time() + spec.retryat)))
        if not keep:
            extra.append(("Connection", "close"))

        if spec.delay:
            await asyncio.sleep(spec.delay)

        # connection-level faults before any byte
        if fault_active and spec.body_fault and spec.body_fault[1] == "hdr":
            kind = spec.body_fault[0]
            ex.fault = f"{kind}@hdr"
            if kind == "drop":
                ex.finish(0, "dropped")
                self.reset_connection(writer)
                return "aborted"
            ex.finish(0, "stalled")
            await self.stall(reader, spec.hold)
            return False

        # status responses
        status = spec.code if spec.scenario == "status" else (spec.fault_status if fault_active else None)
        if status is not None:
            ex.status = status
            ex.fault = None if spec.scenario == "status" else str(status)
            if ex.fault:
                extra.append(("X-Fault", ex.fault))
            no_body = status < 200 or status in (204, 304)
            if "n" in spec.opts and not no_body:
                payload = b"".join(Body(spec.path, spec.n, spec.kind, False).chunks(0, spec.n))
                ctype = spec.ctype
            else:
                payload = b"" if no_body else f"{status} {self.reason(status)}\n".encode()
                ctype = "text/plain; charset=utf-8" if "type" not in spec.opts else spec.ctype
            headers = []
            if ctype and payload:
                headers.append(("Content-Type", ctype))
            if "to" in spec.opts:
                headers.append(("Location", spec.opts["to"]))
            if not no_body:
                headers.append(("Content-Length", str(len(payload))))
            headers += extra
            if head_only:
                payload = b""
            ex.finish(len(payload), "complete")
            writer.write(self.head_bytes(status, headers) + payload)
            await writer.drain()
            return keep

        # redirects
        if spec.scenario in ("redirect", "loop", "endless"):
            target = spec.next_location()
            location = location_header(req.path, target, spec.loc, host)
            code = spec.redirect_code
            payload = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>\n'.encode()
            headers = [("Location", location), ("Content-Type", "text/html; charset=utf-8"),
                       ("Content-Length", str(len(payload)))] + extra
            if head_only:
                payload = b""
            ex.status = code
            ex.finish(len(payload), "complete")
            writer.write(self.head_bytes(code, headers) + payload)
            await writer.drain()
            return keep

        if spec.scenario in ("form", "echo"):
            if spec.scenario == "form":
                doc = {"method": req.method, "content_type": req.header("content-type"),
                       "body_length": req.body_length, "parts": parse_form(req)}
            else:
                doc = {"method": req.method, "target": req.target, "path": req.path, "query": req.query,
                       "version": req.version, "headers": req.headers, "raw_headers": req.raw_headers,
                       "body_length": req.body_length, "body_sha256": req.body_sha256}
            payload = json.dumps(doc, indent=1).encode() + b"\n"
            ex.status = 200
            ex.finish(0 if head_only else len(payload), "complete")
            writer.write(self.head_bytes(200, [("Content-Type", "application/json"),
                                               ("Content-Length", str(len(payload)))] + extra)
                         + (b"" if head_only else payload))
            await writer.drain()
            return keep

        # a resource with a body
        body = spec.body(version)
        digests = await self.digests(body)
        etag = spec.etag(version)
        lm = spec.last_modified(version)
        headers = []
        if etag:
            headers.append(("ETag", etag))
        if lm is not None:
            headers.append(("Last-Modified", http_date(lm)))
        cache = []
        if spec.maxage is not None:
            cache.append(f"max-age={spec.maxage}")
        if spec.nostore:
            cache.append("no-store")
        if spec.nocache:
            cache.append("no-cache")
        if cache:
            headers.append(("Cache-Control", ", ".join(cache)))
        if spec.expires is not None:
            headers.append(("Expires", http_date(time.time() + spec.expires)))
        if spec.ranges or spec.advertise:
            headers.append(("Accept-Ranges", "bytes"))
        headers += extra

        # conditional GET
        if req.method in ("GET", "HEAD"):
            inm = req.header("if-none-match")
            ims = req.header("if-modified-since")
            not_modified = False
            if inm is not None:
                not_modified = etag_match_weak(inm, etag)
            elif ims is not None and lm is not None:
                when = parse_http_date(ims)
                not_modified = when is not None and lm <= when
            if not_modified:
                ex.status = 304
                ex.finish(0, "complete")
                writer.write(self.head_bytes(304, headers))
                await writer.drain()
                return keep

        headers.append(("X-Expected-Length", str(digests["length"])))
        if digests["sha256"]:
            headers.append(("X-Expected-Sha256", digests["sha256"]))
        headers.append(("X-Wire-Length", str(digests["wire_length"])))
        if digests["wire_sha256"]:
            headers.append(("X-Wire-Sha256", digests["wire_sha256"]))
        if spec.ctype:
            headers.append(("Content-Type", spec.ctype))
        if spec.gzip:
            headers.append(("Content-Encoding", "gzip"))

        status, start, end = 200, 0, body.length
        range_header = req.header("range")
        if spec.ranges and range_header is not None and req.method in ("GET", "HEAD"):
            if_range = req.header("if-range")
            honour = True
            if if_range is not None:
                if_range = if_range.strip()
                if if_range.startswith('"') or if_range.startswith("W/"):
                    honour = etag is not None and not etag.startswith("W/") and if_range == etag
                else:
                    when = parse_http_date(if_range)
                    honour = when is not None and lm is not None and when == lm
            if honour:
                rng = parse_range(range_header, body.length)
                if rng == "unsatisfiable":
                    ex.status = 416
                    headers = [h for h in headers if h[0] not in ("Content-Type", "Content-Encoding")]
                    headers += [("Content-Range", f"bytes */{body.length}"), ("Content-Length", "0")]
                    ex.finish(0, "complete")
                    writer.write(self.head_bytes(416, headers))
                    await writer.drain()
                    return keep
                if rng is not None:
                    status, start, end = 206, rng[0], rng[1] + 1
                    headers.append(("Content-Range", f"bytes {rng[0]}-{rng[1]}/{body.length}"))

        if spec.chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(end - start)))
        fault = spec.body_fault if fault_active else None
        if fault:
            ex.fault = f"{fault[0]}@{fault[1]}"
            headers.append(("X-Fault", ex.fault))
        ex.status = status
        if head_only:
            ex.finish(0, "complete")
            writer.write(self.head_bytes(status, headers))
            await writer.drain()
            return keep
        return await self.send_body(writer, reader, ex, self.head_bytes(status, headers), body, start, end,
                                    fault, spec, keep)

    @staticmethod
    def reason(status):
        try:
            return http.HTTPStatus(status).phrase
        except ValueError:
            return "Status"

    async def send_body(self, writer, reader, ex, head, body, start, end, fault, spec, keep):
        total = end - start
        planned = min(fault[1], total) if fault else total
        rate = spec.rate
        piece_size = BLOCK if rate is None else max(1, min(BLOCK, rate // 20))
        sent = 0
        ex.sent = 0
        pending_head = head
        t0 = time.monotonic()
        if planned == 0 and fault is None:
            ex.finish(0, "complete")
            data = head + (b"0\r\n\r\n" if spec.chunked else b"")
            writer.write(data)
            await writer.drain()
            return keep
        for chunk in body.chunks(start, start + planned):
            for off in range(0, len(chunk), piece_size):
                piece = chunk[off:off + piece_size]
                if rate is not None:
                    due = t0 + sent / rate
                    wait = due - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                data = piece
                if spec.chunked:
                    data = b"%x\r\n" % len(piece) + piece + b"\r\n"
                if pending_head:
                    data = pending_head + data
                    pending_head = None
                last = sent + len(piece) >= planned
                if last and fault is None:
                    if spec.chunked:
                        data += b"0\r\n\r\n"
                    ex.finish(sent + len(piece), "complete")
                writer.write(data)
                await writer.drain()
                sent += len(piece)
                ex.sent = sent
        if pending_head:                 # fault at 0 bytes: headers only
            writer.write(pending_head)
            await writer.drain()
        if fault is None:
            return keep
        kind = fault[0]
        if kind == "drop":
            await self.wait_sent(writer)
            ex.finish(sent, "dropped")
            self.reset_connection(writer)
            return "aborted"
        if kind == "short":
            await self.wait_sent(writer)
            ex.finish(sent, "short")
            return False
        ex.finish(sent, "stalled")
        await self.stall(reader, spec.hold)
        return False

    async def wait_sent(self, writer, timeout=5.0):
        """Wait until the kernel send queue is empty (the peer has the bytes), so an RST loses nothing."""
        sock = writer.get_extra_info("socket")
        if sock is None:
            return
        deadline = time.monotonic() + timeout
        buf = bytearray(4)
        while time.monotonic() < deadline:
            try:
                fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, buf)
            except OSError:
                return
            if struct.unpack("i", buf)[0] == 0:
                return
            await asyncio.sleep(0.005)

    @staticmethod
    def reset_connection(writer):
        sock = writer.get_extra_info("socket")
        try:
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        writer.transport.abort()

    @staticmethod
    async def stall(reader, hold):
        """Send nothing; return when the client closes the connection or after hold seconds."""
        try:
            async def drain_input():
                while await reader.read(BLOCK):
                    pass
            await asyncio.wait_for(drain_input(), hold)
        except (asyncio.TimeoutError, ConnectionError):
            pass


async def main_async(args):
    server_state = FaultServer(args.dir)
    loop = asyncio.get_running_loop()

    def exception_handler(_loop, context):
        exc = context.get("exception")
        if isinstance(exc, (ConnectionError, BrokenPipeError)):
            return
        log.error("asyncio: %s", context.get("message"), exc_info=exc)

    loop.set_exception_handler(exception_handler)
    server = await asyncio.start_server(server_state.handle, args.host, args.port, limit=MAX_HEADER,
                                        backlog=1024, reuse_address=True)
    port = server.sockets[0].getsockname()[1]
    log.info("listening on %s:%d (pid %d)", args.host, port, os.getpid())
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)

    def terminate():
        log.info("terminating")
        try:
            server_state.log_file.flush()
        finally:
            logging.shutdown()
            os._exit(0)

    loop.add_signal_handler(signal.SIGTERM, terminate)
    loop.add_signal_handler(signal.SIGINT, terminate)
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description="Gatehouse fault-injecting HTTP server")
    parser.add_argument("--dir", required=True, help="folder for server.log and requests.jsonl")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the port here once listening")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    logging.basicConfig(filename=os.path.join(args.dir, "server.log"), level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        asyncio.run(main_async(args))
    except Exception:
        log.exception("server failed")
        raise


if __name__ == "__main__":
    main()
