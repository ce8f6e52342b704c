#!/usr/bin/python3
"""Self-test of the fault server (tests/peers/faultserver.py), started and stopped through faultserver.sh.

    /usr/bin/python3 tests/peers/test_faultserver.py [-v] [TestFaultServer.test_drop …]

Standard library only. Registered with ctest as faultserver_selftest (label integration).
"""

import email.utils
import gzip
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "faultserver.sh")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class TestFaultServer(unittest.TestCase):
    dir = None
    port = None
    pid = None

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="faultserver-test-")
        started = subprocess.run(["/bin/bash", SCRIPT, "start", cls.dir], capture_output=True, text=True, timeout=60)
        if started.returncode != 0:
            shutil.rmtree(cls.dir, ignore_errors=True)
            raise RuntimeError(f"faultserver.sh start failed: {started.stderr}{started.stdout}")
        with open(os.path.join(cls.dir, "port")) as f:
            cls.port = int(f.read())
        with open(os.path.join(cls.dir, "pid")) as f:
            cls.pid = int(f.read())

    @classmethod
    def tearDownClass(cls):
        try:
            subprocess.run(["/bin/bash", SCRIPT, "stop", cls.dir], capture_output=True, timeout=60)
        finally:
            pid_alive = True
            for _ in range(50):
                try:
                    os.kill(cls.pid, 0)
                except ProcessLookupError:
                    pid_alive = False
                    break
                time.sleep(0.1)
            try:
                with open(os.path.join(cls.dir, "server.log")) as f:
                    server_log = f.read()
            except OSError:
                server_log = ""
            shutil.rmtree(cls.dir, ignore_errors=True)
        # Checked here, after the stop, so a failure is reported even though it is outside a test method.
        if pid_alive:
            os.kill(cls.pid, 9)
            raise AssertionError(f"fault server pid {cls.pid} still running after faultserver.sh stop")
        if "Traceback" in server_log or " ERROR " in server_log:
            raise AssertionError("fault server logged errors:\n" + server_log)

    # ---------------------------------------------------------------------------------------- helpers

    def conn(self, timeout=10):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, path, headers=None, method="GET", body=None):
        c = self.conn()
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            data = r.read()
            return r.status, r.headers, data
        finally:
            c.close()

    def control(self, path):
        status, _, data = self.request(path)
        self.assertEqual(status, 200, data)
        return json.loads(data)

    def expected(self, path, version=None):
        q = {"path": path}
        if version is not None:
            q["version"] = str(version)
        return self.control("/_expected?" + urllib.parse.urlencode(q))

    def raw(self, path, extra="", timeout=5):
        """Send a GET on a raw socket; return (socket, header bytes, first body bytes)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{extra}\r\n".encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        return s, head.decode("latin-1"), rest

    @staticmethod
    def header(head: str, name: str):
        for line in head.split("\r\n")[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == name.lower():
                return v.strip()
        return None

    def read_all(self, s, rest):
        """Read to the end; return (body bytes, how it ended: 'eof' | 'reset' | 'timeout')."""
        body = rest
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                return body, "reset"
            except socket.timeout:
                return body, "timeout"
            if not chunk:
                return body, "eof"
            body += chunk

    def log_records(self, path=None):
        with open(os.path.join(self.dir, "requests.jsonl")) as f:
            records = [json.loads(line) for line in f if line.strip()]
        return [r for r in records if path is None or r["path"] == path]

    def wait_log(self, path, count, timeout=3.0):
        deadline = time.time() + timeout
        while True:
            records = self.log_records(path)
            if len(records) >= count or time.time() > deadline:
                return records
            time.sleep(0.02)

    # ---------------------------------------------------------------------------------------- ok

    def test_index_documents_grammar(self):
        status, headers, data = self.request("/")
        self.assertEqual(status, 200)
        self.assertIn(b"PATH GRAMMAR", data)

    def test_ok_body_headers_and_expected(self):
        path = "/ok/n=100000/type=jpeg/etag/lm/maxage=60/expires=3600/t-ok.jpg"
        status, h, data = self.request(path)
        self.assertEqual(status, 200)
        self.assertEqual(len(data), 100000)
        self.assertEqual(h["Content-Length"], "100000")
        self.assertEqual(h["Content-Type"], "image/jpeg")
        self.assertEqual(h["X-Expected-Sha256"], sha256(data))
        self.assertEqual(h["X-Expected-Length"], "100000")
        self.assertRegex(h["ETag"], r'^"[0-9a-f]+"$')
        self.assertEqual(h["Last-Modified"], "Mon, 01 Jan 2024 00:00:00 GMT")
        self.assertEqual(h["Cache-Control"], "max-age=60")
        expires = email.utils.parsedate_to_datetime(h["Expires"]).timestamp()
        self.assertAlmostEqual(expires, time.time() + 3600, delta=10)
        self.assertIsNone(h["Accept-Ranges"])
        exp = self.expected(path)
        self.assertEqual(exp["sha256"], sha256(data))
        self.assertEqual(exp["md5"], hashlib.md5(data).hexdigest())
        self.assertEqual(exp["sha1"], hashlib.sha1(data).hexdigest())
        self.assertEqual(exp["length"], 100000)
        self.assertEqual(exp["etag"], h["ETag"])
        # deterministic, and different paths give different content
        self.assertEqual(self.request(path)[2], data)
        self.assertNotEqual(self.request("/ok/n=100000/t-ok2.jpg")[2], data)
        # documented generator: SHAKE-256(seed + "#" + block index)
        self.assertEqual(data[:65536], hashlib.shake_256(f"{path}#0".encode()).digest(65536))

    def test_sizes_types_and_defaults(self):
        status, h, data = self.request("/ok/t-default")
        self.assertEqual((status, len(data), h["Content-Type"]), (200, 1024, "application/octet-stream"))
        self.assertIsNone(h["ETag"])
        self.assertIsNone(h["Last-Modified"])
        status, h, data = self.request("/ok/n=3k/type=text%2Fcsv/t.csv")
        self.assertEqual((len(data), h["Content-Type"]), (3072, "text/csv"))
        status, h, data = self.request("/ok/n=10/type=none/t")
        self.assertIsNone(h["Content-Type"])
        status, h, data = self.request("/ok/n=500/body=text/t.txt")
        self.assertEqual(h["Content-Type"], "text/plain; charset=utf-8")
        self.assertTrue(all(32 <= b < 127 or b == 10 for b in data))

    def test_head(self):
        status, h, data = self.request("/ok/n=5000/etag/t-head", method="HEAD")
        self.assertEqual(status, 200)
        self.assertEqual(h["Content-Length"], "5000")
        self.assertEqual(data, b"")
        self.assertTrue(h["X-Expected-Sha256"])

    def test_empty(self):
        status, h, data = self.request("/empty/t.bin")
        self.assertEqual((status, h["Content-Length"], data), (200, "0", b""))
        self.assertEqual(h["X-Expected-Sha256"], sha256(b""))

    def test_bad_requests(self):
        self.assertEqual(self.request("/nosuch/x")[0], 400)
        self.assertEqual(self.request("/ok/bogus=1/x")[0], 400)
        self.assertEqual(self.request("/ok/n=12q/x")[0], 400)
        self.assertEqual(self.request("/_nosuch")[0], 404)

    # ---------------------------------------------------------------------------------------- conditional

    def test_conditional_get(self):
        path = "/ok/n=2000/etag/lm/maxage=30/t-cond"
        status, h, data = self.request(path)
        etag, lm = h["ETag"], h["Last-Modified"]
        status, h2, data2 = self.request(path, {"If-None-Match": etag})
        self.assertEqual((status, data2), (304, b""))
        self.assertEqual(h2["ETag"], etag)
        self.assertEqual(h2["Cache-Control"], "max-age=30")
        self.assertEqual(self.request(path, {"If-None-Match": '"other", ' + etag})[0], 304)
        self.assertEqual(self.request(path, {"If-None-Match": "W/" + etag})[0], 304)   # weak comparison
        self.assertEqual(self.request(path, {"If-None-Match": "*"})[0], 304)
        self.assertEqual(self.request(path, {"If-None-Match": '"nope"'})[0], 200)
        self.assertEqual(self.request(path, {"If-Modified-Since": lm})[0], 304)
        self.assertEqual(self.request(path, {"If-Modified-Since": "Sun, 31 Dec 2023 23:59:59 GMT"})[0], 200)
        # If-None-Match wins over If-Modified-Since
        self.assertEqual(self.request(path, {"If-None-Match": '"nope"', "If-Modified-Since": lm})[0], 200)
        # without validators there is nothing to match
        self.assertEqual(self.request("/ok/n=10/t-noval", {"If-Modified-Since": lm})[0], 200)
        # the headers are recorded
        recs = self.log_records(path)
        self.assertEqual(recs[1]["headers"]["if-none-match"], etag)
        self.assertEqual(recs[1]["status"], 304)
        self.assertEqual(recs[1]["bytes_sent"], 0)

    def test_weak_etag_and_cache_flags(self):
        status, h, _ = self.request("/ok/etag=weak/nostore/nocache/t-weak")
        self.assertTrue(h["ETag"].startswith('W/"'))
        self.assertEqual(h["Cache-Control"], "no-store, no-cache")

    # ---------------------------------------------------------------------------------------- ranges

    def test_range(self):
        path = "/range/n=300000/t-range.bin"
        status, h, full = self.request(path)
        self.assertEqual(status, 200)
        self.assertEqual(h["Accept-Ranges"], "bytes")
        etag, lm = h["ETag"], h["Last-Modified"]
        status, h, part = self.request(path, {"Range": "bytes=1000-1999"})
        self.assertEqual(status, 206)
        self.assertEqual(h["Content-Range"], "bytes 1000-1999/300000")
        self.assertEqual(part, full[1000:2000])
        self.assertEqual(h["X-Expected-Sha256"], sha256(full))
        status, h, part = self.request(path, {"Range": "bytes=250000-"})
        self.assertEqual((status, part), (206, full[250000:]))
        status, h, part = self.request(path, {"Range": "bytes=-100"})
        self.assertEqual((status, part), (206, full[-100:]))
        self.assertEqual(h["Content-Range"], "bytes 299900-299999/300000")
        status, h, part = self.request(path, {"Range": "bytes=299990-400000"})
        self.assertEqual((status, part), (206, full[299990:]))
        status, h, part = self.request(path, {"Range": "bytes=300000-"})
        self.assertEqual(status, 416)
        self.assertEqual(h["Content-Range"], "bytes */300000")
        self.assertEqual(self.request(path, {"Range": "bytes=0-1,5-6"})[0], 200)      # multi: full
        self.assertEqual(self.request(path, {"Range": "pages=1-2"})[0], 200)          # bad unit: full
        # If-Range
        status, _, part = self.request(path, {"Range": "bytes=100-", "If-Range": etag})
        self.assertEqual((status, part), (206, full[100:]))
        status, _, part = self.request(path, {"Range": "bytes=100-", "If-Range": '"stale"'})
        self.assertEqual((status, part), (200, full))
        status, _, part = self.request(path, {"Range": "bytes=100-", "If-Range": lm})
        self.assertEqual((status, part), (206, full[100:]))
        status, _, part = self.request(path, {"Range": "bytes=100-",
                                              "If-Range": "Tue, 02 Jan 2024 00:00:00 GMT"})
        self.assertEqual(status, 200)
        self.assertEqual(self.log_records(path)[1]["headers"]["range"], "bytes=1000-1999")

    def test_if_range_with_weak_etag_fails(self):
        path = "/range/n=1000/etag=weak/t-weakrange"
        etag = self.request(path)[1]["ETag"]
        self.assertEqual(self.request(path, {"Range": "bytes=10-", "If-Range": etag})[0], 200)

    def test_ok_ignores_range_unless_asked(self):
        self.assertEqual(self.request("/ok/n=1000/t-okr", {"Range": "bytes=10-"})[0], 200)
        self.assertEqual(self.request("/ok/n=1000/ranges/t-okr2", {"Range": "bytes=10-"})[0], 206)

    def test_norange(self):
        path = "/norange/n=5000/advertise/t-norange"
        status, h, data = self.request(path, {"Range": "bytes=100-"})
        self.assertEqual((status, len(data)), (200, 5000))
        self.assertEqual(h["Accept-Ranges"], "bytes")
        self.assertIsNone(h["Content-Range"])
        self.assertTrue(h["ETag"])
        self.assertIsNone(self.request("/norange/n=10/t-norange2")[1]["Accept-Ranges"])

    def test_changing(self):
        path = "/changing/n=20000/t-changing"
        s1, h1, d1 = self.request(path)
        s2, h2, d2 = self.request(path, {"Range": "bytes=1000-", "If-Range": h1["ETag"]})
        self.assertEqual((s1, s2), (200, 200))
        self.assertNotEqual(h1["ETag"], h2["ETag"])
        self.assertNotEqual(h1["Last-Modified"], h2["Last-Modified"])
        self.assertNotEqual(d1, d2)
        self.assertEqual(len(d2), 20000)
        self.assertEqual(h2["X-Expected-Sha256"], sha256(d2))
        self.assertEqual(self.expected(path, 1)["sha256"], sha256(d1))
        self.assertEqual(self.expected(path, 2)["sha256"], sha256(d2))
        self.assertEqual(h2["X-Request-Count"], "2")
        # conditional GET with the old ETag does not match either
        self.assertEqual(self.request(path, {"If-None-Match": h2["ETag"]})[0], 200)

    def test_resume_after_drop(self):
        path = "/range/n=200000/drop=70000/fails=1/t-resume.bin"
        s, head, rest = self.raw(path)
        self.assertIn(" 200 ", head.split("\r\n")[0])
        self.assertEqual(self.header(head, "X-Fault"), "drop@70000")
        first, how = self.read_all(s, rest)
        s.close()
        self.assertEqual(how, "reset")
        self.assertEqual(len(first), 70000)
        etag = self.header(head, "ETag")
        status, h, second = self.request(path, {"Range": "bytes=70000-", "If-Range": etag})
        self.assertEqual(status, 206)
        self.assertEqual(sha256(first + second), self.header(head, "X-Expected-Sha256"))
        self.assertEqual(self.expected(path)["sha256"], sha256(first + second))

    # ---------------------------------------------------------------------------------------- faults

    def test_drop_resets_after_k_bytes(self):
        path = "/drop/n=1000000/at=300000/t-drop"
        s, head, rest = self.raw(path)
        self.assertEqual(self.header(head, "Content-Length"), "1000000")
        body, how = self.read_all(s, rest)
        s.close()
        self.assertEqual(how, "reset")
        self.assertEqual(len(body), 300000)
        rec = self.wait_log(path, 1)[0]
        self.assertEqual((rec["outcome"], rec["bytes_sent"], rec["status"]), ("dropped", 300000, 200))
        # http.client sees the failure too
        with self.assertRaises((http.client.IncompleteRead, ConnectionResetError)):
            self.request(path)

    def test_drop_before_headers(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET /ok/drop=hdr/t-drophdr HTTP/1.1\r\nHost: x\r\n\r\n")
        body, how = self.read_all(s, b"")
        s.close()
        self.assertEqual((body, how), (b"", "reset"))

    def test_short_closes_cleanly(self):
        path = "/short/n=100000/at=5000/t-short"
        s, head, rest = self.raw(path)
        self.assertEqual(self.header(head, "Content-Length"), "100000")
        body, how = self.read_all(s, rest)
        s.close()
        self.assertEqual((how, len(body)), ("eof", 5000))
        self.assertEqual(self.wait_log(path, 1)[0]["outcome"], "short")

    def test_stall_keeps_socket_open(self):
        path = "/stall/n=100000/at=1000/t-stall"
        s, head, rest = self.raw(path, timeout=1.0)
        t0 = time.time()
        body, how = self.read_all(s, rest)
        self.assertEqual(how, "timeout")
        self.assertGreaterEqual(time.time() - t0, 0.9)
        self.assertEqual(len(body), 1000)
        rec = self.wait_log(path, 1)[0]
        self.assertEqual((rec["outcome"], rec["bytes_sent"]), ("stalled", 1000))
        s.close()   # the client gives up; the server lets go of the connection
        deadline = time.time() + 3
        while self.control("/_stats")["connections_open"] > 1 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.control("/_stats")["connections_open"], 1)   # only this stats request

    def test_stall_before_headers(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=0.5)
        s.sendall(b"GET /ok/stall=hdr/t-stallhdr HTTP/1.1\r\nHost: x\r\n\r\n")
        body, how = self.read_all(s, b"")
        s.close()
        self.assertEqual((body, how), (b"", "timeout"))

    def test_slow(self):
        t0 = time.time()
        status, h, data = self.request("/slow/n=2000/rate=4000/t-slow")
        elapsed = time.time() - t0
        self.assertEqual((status, len(data)), (200, 2000))
        self.assertGreaterEqual(elapsed, 0.4)
        self.assertLess(elapsed, 3)
        self.assertEqual(h["X-Expected-Sha256"], sha256(data))

    def test_huge(self):
        s, head, rest = self.raw("/huge/t-huge.bin", timeout=5)
        self.assertEqual(self.header(head, "Content-Length"), "53687091200")
        self.assertIsNone(self.header(head, "X-Expected-Sha256"))
        t0 = time.time()
        body = rest
        while len(body) < 20000:
            body += s.recv(65536)
        s.close()
        self.assertGreater(time.time() - t0, 0.15)          # 64 KiB/s by default: slow
        self.assertEqual(body[:20000], hashlib.shake_256(b"/huge/t-huge.bin#0").digest(20000))

    def test_status_codes(self):
        for code in (400, 401, 403, 404, 410, 429, 500, 502, 503, 504):
            status, h, data = self.request(f"/status/{code}/t-status")
            self.assertEqual(status, code)
            self.assertTrue(data.startswith(str(code).encode()))
        status, h, data = self.request("/status/204/t")
        self.assertEqual((status, data), (204, b""))
        status, h, _ = self.request("/status/503/retry=7/t-retry")
        self.assertEqual((status, h["Retry-After"]), (503, "7"))
        status, h, _ = self.request("/status/429/retryat=120/t-retryat")
        self.assertEqual(status, 429)
        when = email.utils.parsedate_to_datetime(h["Retry-After"]).timestamp()
        self.assertAlmostEqual(when, time.time() + 120, delta=5)
        status, h, data = self.request("/status/500/n=3000/t-statusbody")
        self.assertEqual((status, len(data)), (500, 3000))

    def test_flaky_status(self):
        path = "/flaky/fails=3/status=503/retry=1/n=4000/t-flaky"
        statuses = [self.request(path)[0] for _ in range(5)]
        self.assertEqual(statuses, [503, 503, 503, 200, 200])
        stats = self.control("/_stats?path=" + urllib.parse.quote(path))
        self.assertEqual(stats["count"], 5)
        self.assertEqual(stats["statuses"], {"503": 3, "200": 2})
        status, h, data = self.request(path)
        self.assertEqual(h["X-Expected-Sha256"], sha256(data))
        self.assertEqual(h["X-Request-Count"], "6")

    def test_flaky_drop(self):
        path = "/flaky/fails=2/drop=100/n=5000/t-flakydrop"
        for _ in range(2):
            s, head, rest = self.raw(path)
            body, how = self.read_all(s, rest)
            s.close()
            self.assertEqual((how, len(body)), ("reset", 100))
        status, h, data = self.request(path)
        self.assertEqual((status, len(data)), (200, 5000))

    # ---------------------------------------------------------------------------------------- redirects

    def follow(self, path, limit=30):
        """Follow Location by hand; return ([(status, location)], final status, final headers, final body)."""
        hops = []
        current = f"http://127.0.0.1:{self.port}{path}"
        for _ in range(limit):
            split = urllib.parse.urlsplit(current)
            status, h, data = self.request(split.path + (("?" + split.query) if split.query else ""))
            if status not in (301, 302, 303, 307, 308):
                return hops, status, h, data
            hops.append((status, h["Location"]))
            current = urllib.parse.urljoin(current, h["Location"])
        return hops, None, None, None

    def test_redirect_chains(self):
        for code in (301, 302, 303, 307, 308):
            for loc in ("root", "abs", "rel"):
                path = f"/redirect/hops=3/code={code}/loc={loc}/n=777/t-redir-{code}.bin"
                hops, status, h, data = self.follow(path)
                self.assertEqual(len(hops), 3, (path, hops))
                self.assertTrue(all(s == code for s, _ in hops))
                self.assertEqual(status, 200)
                self.assertEqual(len(data), 777)
                self.assertEqual(self.expected(path)["sha256"], sha256(data))
                if loc == "abs":
                    self.assertTrue(hops[0][1].startswith(f"http://127.0.0.1:{self.port}/"))
                elif loc == "root":
                    self.assertTrue(hops[0][1].startswith("/redirect/"))
                else:
                    self.assertFalse(hops[0][1].startswith("/") or hops[0][1].startswith("http"))
        hops, status, h, data = self.follow("/redirect/hops=2/loc=rel/n=10/t-final")
        self.assertEqual(hops[-1][1], "../../../../ok/n=10/t-final")   # from /redirect/hops=1/loc=rel/n=10/
        hops, status, _, _ = self.follow("/redirect/to=%2Fstatus%2F404%2Fx/t-to")
        self.assertEqual((hops[0][1], status), ("/status/404/x", 404))

    def test_redirect_loop(self):
        hops, status, _, _ = self.follow("/loop/t-loop", limit=6)
        self.assertIsNone(status)
        self.assertEqual([loc for _, loc in hops[:3]], ["/loop/pos=1/t-loop", "/loop/t-loop", "/loop/pos=1/t-loop"])
        hops, _, _, _ = self.follow("/loop/len=3/code=307/t-loop3", limit=6)
        self.assertEqual([loc for _, loc in hops[:3]],
                         ["/loop/pos=1/len=3/code=307/t-loop3", "/loop/pos=2/len=3/code=307/t-loop3",
                          "/loop/len=3/code=307/t-loop3"])
        self.assertEqual(hops[0][0], 307)

    def test_endless_redirects(self):
        hops, status, _, _ = self.follow("/endless/t-endless", limit=25)
        self.assertIsNone(status)
        self.assertEqual(len({loc for _, loc in hops}), 25)
        self.assertEqual(self.request("/_expected?path=/endless/x")[0], 400)

    # ---------------------------------------------------------------------------------------- types, encodings

    def test_wrong_and_lying_types(self):
        status, h, data = self.request("/html/t-html.jpg")
        self.assertEqual(h["Content-Type"], "text/html; charset=utf-8")
        self.assertTrue(data.startswith(b"<!DOCTYPE html>"))
        status, h, data = self.request("/lying/n=5000/t-lying.jpg")
        self.assertEqual(h["Content-Type"], "image/jpeg")
        self.assertTrue(data.startswith(b"<!DOCTYPE html>"))
        self.assertTrue(data.endswith(b"</html>\n"))
        self.assertEqual(len(data), 5000)
        self.assertEqual(h["X-Expected-Sha256"], sha256(data))

    def test_gzip(self):
        path = "/gzip/n=100000/t-gzip.txt"
        status, h, raw = self.request(path, {"Accept-Encoding": "gzip"})
        self.assertEqual(h["Content-Encoding"], "gzip")
        self.assertEqual(int(h["Content-Length"]), len(raw))
        self.assertLess(len(raw), 100000)
        decoded = gzip.decompress(raw)
        self.assertEqual(len(decoded), 100000)
        self.assertEqual(h["X-Expected-Sha256"], sha256(decoded))
        self.assertEqual(h["X-Wire-Sha256"], sha256(raw))
        exp = self.expected(path)
        self.assertEqual((exp["sha256"], exp["wire_sha256"]), (sha256(decoded), sha256(raw)))

    def test_chunked(self):
        status, h, data = self.request("/ok/n=200000/chunked/t-chunked")
        self.assertEqual(h["Transfer-Encoding"], "chunked")
        self.assertIsNone(h["Content-Length"])
        self.assertEqual(h["X-Expected-Sha256"], sha256(data))

    def test_echo_reads_request_body(self):
        payload = os.urandom(300000)
        status, h, data = self.request("/echo/t-echo", {"X-Test": "1"}, method="POST", body=payload)
        doc = json.loads(data)
        self.assertEqual((doc["method"], doc["body_length"], doc["body_sha256"]), ("POST", 300000, sha256(payload)))
        self.assertEqual(doc["headers"]["x-test"], "1")

    def test_form_parses_multipart_parts(self):
        payload = os.urandom(70000) + b"\r\n--not-a-boundary\r\n"
        boundary = "gh-test-boundary-7f3a"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\nhello, wiki\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"page 1.tif\"\r\n"
                f"Content-Type: image/tiff\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
        status, h, data = self.request("/form/t-form", {"Content-Type": f"multipart/form-data; boundary={boundary}"},
                                       method="POST", body=body)
        self.assertEqual(status, 200)
        doc = json.loads(data)
        self.assertEqual(doc["body_length"], len(body))
        self.assertEqual([p["name"] for p in doc["parts"]], ["comment", "file"])
        self.assertEqual(doc["parts"][0]["text"], "hello, wiki")
        self.assertEqual((doc["parts"][1]["filename"], doc["parts"][1]["content_type"]), ("page 1.tif", "image/tiff"))
        self.assertEqual((doc["parts"][1]["length"], doc["parts"][1]["sha256"]), (len(payload), sha256(payload)))
        status, h, data = self.request("/form/t-form-plain", {"Content-Type": "text/plain"}, method="POST",
                                       body=b"not a form")
        self.assertEqual(status, 400)

    # ---------------------------------------------------------------------------------------- connections

    def test_keep_alive_and_log(self):
        c = self.conn()
        try:
            for i in range(3):
                c.request("GET", f"/ok/n=100/t-keepalive?i={i}", headers={"User-Agent": "gatehouse-test/1.0"})
                r = c.getresponse()
                self.assertEqual(r.status, 200)
                r.read()
        finally:
            c.close()
        recs = self.log_records("/ok/n=100/t-keepalive")
        self.assertEqual([r["seq"] for r in recs], [1, 2, 3])
        self.assertEqual(len({r["conn"] for r in recs}), 1)
        self.assertEqual([r["query"] for r in recs], ["i=0", "i=1", "i=2"])
        self.assertEqual([r["count"] for r in recs], [1, 2, 3])
        rec = recs[0]
        self.assertEqual(rec["headers"]["user-agent"], "gatehouse-test/1.0")
        self.assertIn(["User-Agent", "gatehouse-test/1.0"], rec["raw_headers"])
        for key in ("time", "ts", "method", "target", "path", "query", "headers", "status", "bytes_sent", "outcome"):
            self.assertIn(key, rec)
        self.assertEqual((rec["method"], rec["status"], rec["bytes_sent"], rec["outcome"]),
                         ("GET", 200, 100, "complete"))

    def test_pipelining(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        s.sendall(b"GET /ok/n=10/t-pipe1 HTTP/1.1\r\nHost: x\r\n\r\nGET /ok/n=20/t-pipe2 HTTP/1.1\r\nHost: x\r\n"
                  b"Connection: close\r\n\r\n")
        data, how = self.read_all(s, b"")
        s.close()
        self.assertEqual(how, "eof")
        self.assertEqual(data.count(b"HTTP/1.1 200 OK"), 2)

    def test_many_concurrent_connections(self):
        results = []
        errors = []

        def worker(i):
            try:
                path = f"/ok/n=65536/t-conc-{i}"
                status, h, data = self.request(path)
                results.append(status == 200 and h["X-Expected-Sha256"] == sha256(data))
            except Exception as e:  # noqa: BLE001
                errors.append(e)

        # a few stalled connections in the way must not block anyone
        stalled = [self.raw(f"/stall/n=1000/at=10/t-conc-stall-{i}")[0] for i in range(5)]
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        for s in stalled:
            s.close()
        self.assertEqual(errors, [])
        self.assertEqual(results, [True] * 100)

    def test_client_disconnects_do_not_hurt(self):
        for i in range(10):
            s, head, rest = self.raw(f"/ok/n=5m/t-disc-{i}")
            s.close()
        s, head, rest = self.raw("/slow/n=100000/rate=10000/t-disc-slow")
        s.close()
        self.assertEqual(self.request("/ok/n=10/t-after-disc")[0], 200)
        rec = self.wait_log("/slow/n=100000/rate=10000/t-disc-slow", 1, timeout=3)
        self.assertEqual(rec[0]["outcome"], "client_closed")

    # ---------------------------------------------------------------------------------------- control

    def test_stats_and_reset(self):
        # runs in its own order-independent way: reset, then count
        self.control("/_reset")
        stats = self.control("/_stats")
        self.assertEqual((stats["total_requests"], stats["paths"]), (0, {}))
        self.request("/ok/n=10/t-stats")
        self.request("/ok/n=10/t-stats", method="HEAD")
        self.request("/status/404/t-stats404")
        stats = self.control("/_stats")
        self.assertEqual(stats["total_requests"], 3)
        self.assertEqual(stats["paths"]["/ok/n=10/t-stats"]["count"], 2)
        self.assertEqual(stats["paths"]["/ok/n=10/t-stats"]["methods"], {"GET": 1, "HEAD": 1})
        self.assertEqual(stats["statuses"], {"200": 2, "404": 1})
        self.assertEqual(stats["total_bytes_sent"], 10 + len(b"404 Not Found\n"))
        # reset restarts the flaky count too
        path = "/flaky/fails=1/t-reset"
        self.assertEqual([self.request(path)[0] for _ in range(2)], [503, 200])
        self.control("/_reset")
        self.assertEqual(self.request(path)[0], 503)
        # log=1 empties requests.jsonl
        self.assertTrue(self.log_records())
        self.assertEqual(self.request("/_reset?log=1", method="POST")[0], 200)
        self.assertEqual(self.log_records(), [])
        self.request("/ok/n=1/t-after-reset")
        self.assertEqual(len(self.log_records()), 1)
        self.assertEqual(self.log_records()[0]["count"], 1)


if __name__ == "__main__":
    unittest.main(verbosity=2 if "-v" in sys.argv else 1)
