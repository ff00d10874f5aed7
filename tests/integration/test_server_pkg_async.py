"""sarafw-server checks an uploaded package (the checks of `sarafw pkg
verify`, its SHA-256, the fsync of its bytes) on a thread of its own: a
registered device's Updates, sent once the server holds every byte of a
large upload, are answered while that upload is being checked, before the
upload's own answer. The large package (a good header, 240 MiB, a
signature that does not match: every byte is hashed before it is refused)
gets 422; a good package is then stored as before."""
import glob
import http.client
import json
import os
import select
import struct
import sys
import tempfile
import time

from serverharness import (CON, CONTENT_FORMAT, LOCATION_PATH, POST, URI_PATH, URI_QUERY, Exchange, Server, code,
                           code_str, encode, decode, ACK, opt_all)
import simpkg

EP = "urn:imei:351234567890124"
BIG = 240 * 1024 * 1024


def register(ex):
    mid = ex.next_mid()
    opts = [(URI_PATH, b"rd"), (URI_QUERY, ("ep=" + EP).encode()), (URI_QUERY, b"lt=300"),
            (URI_QUERY, b"lwm2m=1.0"), (URI_QUERY, b"b=U"), (CONTENT_FORMAT, 40)]
    ex.send(encode(CON, POST, mid, os.urandom(4), opts, b"</1/0>,</3/0>,</5/0>"))
    while True:
        data = ex.recv(5.0)
        assert data is not None, "no answer to Register"
        m = decode(data)
        if m and m[0] == ACK and m[2] == mid:
            assert code_str(m[1]) == "2.01", code_str(m[1])
            return "/".join(v.decode() for v in opt_all(m[4], LOCATION_PATH))


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        store = srv.store or os.path.join(work, "packages")
        operator = srv.token("operator")
        good = simpkg.make(work, "SARA-R410M", target=os.urandom(3000), to_version="02.00,A01.00")
        big = os.path.join(work, "big.bin")
        with open(big, "wb") as f:
            f.write(good[:24] + struct.pack("<Q", BIG) + good[32:256])
            f.truncate(BIG)  # zeros after the header, and as its signature
        ex = Exchange(srv.coap_port)
        try:
            loc = register(ex)
            conn = http.client.HTTPConnection("127.0.0.1", srv.http_port, timeout=120)
            with open(big, "rb") as f:
                conn.request("POST", "/api/v1/packages", body=f,
                             headers={"Authorization": "Bearer " + operator,
                                      "Content-Type": "application/octet-stream", "Content-Length": str(BIG)})
            # the server holds every byte: its checks run from now on
            deadline = time.monotonic() + 60
            while True:
                ups = glob.glob(os.path.join(store, ".upload.*"))
                if ups and os.path.getsize(ups[0]) == BIG:
                    break
                assert time.monotonic() < deadline, "the upload never reached the store"
                time.sleep(0.001)
            # five Updates in turn (the first may come before the checks start)
            for i in range(5):
                m = ex.request(POST, "/" + loc)
                assert m[1] == code("2.04"), code_str(m[1])
                ready, _, _ = select.select([conn.sock], [], [], 0)
                assert not ready, "Update %d was answered only once the upload's checks had ended" % (i + 1)
            resp = conn.getresponse()
            body = json.loads(resp.read())
            assert resp.status == 422 and "signature" in body["why"], (resp.status, body)
            conn.close()
            deadline = time.monotonic() + 10  # removed once the request is over
            while glob.glob(os.path.join(store, ".upload.*")):
                assert time.monotonic() < deadline, "the refused upload was left behind"
                time.sleep(0.01)
            st, p = srv.api("POST", "/api/v1/packages", raw=good, token=operator)
            assert st == 201 and p["size"] == len(good), (st, p)
        finally:
            ex.close()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
