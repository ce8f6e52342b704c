#!/usr/bin/python3
"""Signs requests with Debian's python3-botocore, the reference for tst_sigv4.

Reads a JSON list of requests on stdin and writes a JSON list of results on stdout. Each request:
  s3            true: botocore.auth.S3SigV4Auth, false: SigV4Auth
  service, region, access_key, secret_key, token (may be empty)
  timestamp     "20150830T123600Z"; botocore's clock is fixed to it
  method, endpoint ("http://host:port")
  path          decoded path, quoted as botocore's serializer quotes S3 keys (safe "/~"), or
  wire_path     a path already as sent, used unchanged
  params        [[name, value], ...] decoded query parameters (botocore encodes them)
  headers       [[name, value], ...]
  body_b64      the body, base64
Each result: authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token, canonical_request,
string_to_sign.

Run with /usr/bin/python3: the python3 on PATH may be an interpreter without botocore.
"""
import base64
import datetime
import json
import sys
from unittest import mock
from urllib.parse import quote

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def recording(cls):
    class Recording(cls):
        def canonical_request(self, request):
            self.last_canonical_request = super().canonical_request(request)
            return self.last_canonical_request

        def string_to_sign(self, request, canonical_request):
            self.last_string_to_sign = super().string_to_sign(request, canonical_request)
            return self.last_string_to_sign

    return Recording


def sign(spec):
    credentials = Credentials(spec["access_key"], spec["secret_key"], spec.get("token") or None)
    cls = botocore.auth.S3SigV4Auth if spec["s3"] else botocore.auth.SigV4Auth
    signer = recording(cls)(credentials, spec["service"], spec["region"])
    path = spec["wire_path"] if "wire_path" in spec else quote(spec["path"], safe="/~")
    request = AWSRequest(
        method=spec["method"],
        url=spec["endpoint"] + path,
        data=base64.b64decode(spec.get("body_b64", "")),
        headers=dict(spec.get("headers", [])),
        params=[tuple(p) for p in spec.get("params", [])],
    )
    now = datetime.datetime.strptime(spec["timestamp"], "%Y%m%dT%H%M%SZ")
    with mock.patch.object(botocore.auth.datetime, "datetime", wraps=datetime.datetime) as clock:
        clock.utcnow.return_value = now
        signer.add_auth(request)
    return {
        "authorization": request.headers.get("Authorization"),
        "x-amz-date": request.headers.get("X-Amz-Date"),
        "x-amz-content-sha256": request.headers.get("X-Amz-Content-SHA256"),
        "x-amz-security-token": request.headers.get("X-Amz-Security-Token"),
        "canonical_request": signer.last_canonical_request,
        "string_to_sign": signer.last_string_to_sign,
    }


def main():
    requests = json.load(sys.stdin)
    json.dump([sign(r) for r in requests], sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
