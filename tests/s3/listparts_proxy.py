#!/usr/bin/python3
"""A pass-through proxy in front of s3rver that adds the one call s3rver lacks: ListParts.

s3rver 3.7.1 answers GET /bucket/key?uploadId=… with 405 MethodNotAllowed, so against it S3Store can only trust its
journal. This proxy answers that request from s3rver's own upload folder (DATA/BUCKET/._S3rver_uploads/UPLOAD_ID:
one file per part plus PART.md5), as AWS would, 404 NoSuchUpload included, and forwards everything else unchanged.
It lets tst_s3store check that S3Store believes the server's list over its journal.

  listparts_proxy.py S3RVER_PORT S3RVER_DATA_DIR     prints "PORT\\n" once it listens on 127.0.0.1
"""
import http.client
import http.server
import os
import sys
import urllib.parse
from xml.sax.saxutils import escape

UPSTREAM_PORT = int(sys.argv[1])
DATA = sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=(), length=None):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def list_parts(self, bucket, key, upload_id):
        folder = os.path.join(DATA, bucket, "._S3rver_uploads", upload_id)
        if not os.path.isdir(folder):
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified "
                    "upload does not exist.</Message><UploadId>%s</UploadId></Error>" % escape(upload_id))
            return self.reply(404, body.encode(), [("Content-Type", "application/xml")])
        parts = []
        for name in os.listdir(folder):
            if name.isdigit() and os.path.exists(os.path.join(folder, name + ".md5")):
                with open(os.path.join(folder, name + ".md5")) as f:
                    md5 = f.read().strip()
                parts.append((int(name), md5, os.path.getsize(os.path.join(folder, name))))
        xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListPartsResult "
               "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">",
               "<Bucket>%s</Bucket><Key>%s</Key><UploadId>%s</UploadId>" % (escape(bucket), escape(key), escape(upload_id)),
               "<IsTruncated>false</IsTruncated>"]
        for number, md5, size in sorted(parts):
            xml.append("<Part><PartNumber>%d</PartNumber><ETag>&quot;%s&quot;</ETag><Size>%d</Size></Part>"
                       % (number, md5, size))
        xml.append("</ListPartsResult>")
        return self.reply(200, "".join(xml).encode(), [("Content-Type", "application/xml")])

    def forward(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if self.command == "GET" and "uploadId" in query:
            segments = url.path.lstrip("/").split("/", 1)
            return self.list_parts(segments[0], urllib.parse.unquote(segments[1]), query["uploadId"][0])
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("expect", "connection")}
        upstream = http.client.HTTPConnection("127.0.0.1", UPSTREAM_PORT, timeout=60)
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        passed = [(k, v) for k, v in response.getheaders()
                  if k.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive")]
        # A HEAD answer has no body but tells the length of the object.
        length = response.getheader("Content-Length") if self.command == "HEAD" else None
        self.reply(response.status, data, passed, length)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = forward


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
