"""Package download over block-wise CoAP (RFC 7959; note §2.7.1 offers it
besides HTTP): libcoap's coap-client fetches a stored package from
sarafw-server with 512- and 1024-byte blocks and gets its exact bytes,
also after a restart; an unknown package is 4.04; a campaign with
transport "coap" writes a coap:// URI to /5/0/1."""
import os
import subprocess
import sys
import tempfile
import time

from lwm2mpeers import coap_program
from serverharness import Device, Server
import simpkg

OLD, NEW = "01.00,A01.00", "02.00,A01.00"


def fetch(port, sha, block, out):
    argv = [coap_program("coap-client-openssl"), "-b", str(block), "-B", "20", "-o", out,
            "coap://127.0.0.1:%d/pkg/%s" % (port, sha)]
    r = subprocess.run(argv, capture_output=True, timeout=60)
    with open(out, "rb") if os.path.exists(out) else open(os.devnull, "rb") as f:
        return r, f.read()


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        operator, approver = srv.token("operator"), srv.token("approver")
        pkg = simpkg.make(work, "SARA-R410M", target=os.urandom(150000), to_version=NEW)
        st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
        assert st == 201, (st, p)
        for block in (512, 1024):
            _, got = fetch(srv.coap_port, p["sha256"], block, os.path.join(work, "b%d" % block))
            assert got == pkg, (block, len(got), len(pkg))
        srv.kill()
        srv.start()
        _, got = fetch(srv.coap_port, p["sha256"], 512, os.path.join(work, "again"))
        assert got == pkg, len(got)
        r = subprocess.run([coap_program("coap-client-openssl"), "-B", "5", "-v", "6",
                            "coap://127.0.0.1:%d/pkg/%s" % (srv.coap_port, "0" * 64)],
                           capture_output=True, timeout=30)
        assert b"4.04" in r.stdout + r.stderr, r

        dev = Device(srv.coap_port, "urn:imei:354444444444444", OLD, NEW, "silent").start()
        srv.wait_device(dev.endpoint, lambda d: d["firmware_version"] == OLD, 10)
        st, c = srv.api("POST", "/api/v1/campaigns", {
            "name": "coap", "product": "SARA-R410M", "from_version": OLD, "to_version": NEW,
            "package": p["sha256"], "imeis": ["354444444444444"], "transport": "coap"},
            token=operator)
        assert st == 201 and c["transport"] == "coap", (st, c)
        srv.api("POST", "/api/v1/campaigns/%d/approve" % c["id"], token=approver)
        srv.wait_campaign(c["id"], lambda c: c["devices"][0]["state"] == "downloading", 10)
        # the server records "downloading" as it sends the Write: the
        # device's thread may take it a moment later
        deadline = time.monotonic() + 5
        while not dev.writes and time.monotonic() < deadline:
            time.sleep(0.02)
        assert dev.writes == ["coap://127.0.0.1:%d/pkg/%s" % (srv.coap_port, p["sha256"])], dev.writes
        dev.stop()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
