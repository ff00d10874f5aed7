"""The independent peers and their driver (lwm2mpeers.py) work before any
sarafw code is tested against them: Eclipse Wakaama's lwm2mclient
registers with Wakaama's lwm2mserver on loopback; through the driver the
server lists it, reads /3/0, writes /3/0/14 and reads it back, executes
/3/0/12, observes /3/0/14 and gets a notification when the client changes
it, cancels, sees a registration update and the de-registration. A small
hand-made CoAP client answers a read in TLV so the driver's TLV dump
parser meets the server's real output. libcoap's coap-server serves a
200 KB file that coap-client fetches block-wise with 512-byte blocks,
over CoAP and over DTLS-PSK; Wakaama's DTLS-PSK client reaches libcoap's
DTLS server with the right key and not with a wrong one. Every wait is
bounded."""
import os
import random
import shutil
import socket
import struct
import tempfile
import time
import unittest

from lwm2mpeers import (CoapServer, Lwm2mClient, Lwm2mError, Lwm2mServer, coap_get, tlv_int,
                        _parse_body, Response)

SIZE = 200 * 1024
DATA = random.Random(0xC0A9).randbytes(SIZE)


class WakaamaPair(unittest.TestCase):
    """One lwm2mserver and one lwm2mclient for the whole class."""

    @classmethod
    def setUpClass(cls):
        cls.server = Lwm2mServer()
        cls.client = Lwm2mClient(cls.server.port, "sarafw-peer-1", lifetime=120)
        cls.info = cls.server.wait_registration("sarafw-peer-1", timeout=10)

    @classmethod
    def tearDownClass(cls):
        cls.client.__exit__(None, None, None)
        cls.server.__exit__(None, None, None)

    def test_1_registration_listed(self):
        self.assertEqual(self.info.binding, "UDP")
        self.assertEqual(self.info.lifetime, 120)
        for o in ("/1/0", "/3/0", "/5/0"):
            self.assertIn(o, self.info.objects)
        listed = self.server.list()
        self.assertEqual([(c.id, c.name) for c in listed], [(self.info.id, "sarafw-peer-1")])
        status = self.client.wait_registered()
        self.assertTrue(status[123].startswith("REGISTERED"), status)

    def test_2_read_device(self):
        r = self.server.read(self.info.id, "/3/0")
        self.assertEqual(r.status, "2.05")
        v = r.values
        self.assertEqual(v["0"], "Open Mobile Alliance")
        self.assertEqual(v["1"], "Lightweight M2M Client")
        self.assertEqual(v["2"], "345000123")
        self.assertEqual((v["6/0"], v["6/1"]), (1, 5))  # available power sources
        self.assertEqual(self.server.read(self.info.id, "/5/0/3").value(), 1)  # firmware state
        missing = self.server.read(self.info.id, "/9/0")
        self.assertEqual((missing.status, missing.ok), ("4.04", False))

    def test_3_write_and_read_back(self):
        w = self.server.write(self.info.id, "/3/0/14", "+02:00")
        self.assertEqual(w.status, "2.04")
        self.assertEqual(self.server.read(self.info.id, "/3/0/14").value(), "+02:00")
        bad = self.server.write(self.info.id, "/3/0/14", "noon")  # the client checks the offset
        self.assertEqual(bad.status, "4.00")
        self.assertEqual(self.server.read(self.info.id, "/3/0/14").value(), "+02:00")
        self.assertEqual(self.server.write(self.info.id, "/3/0/0", "ACME").status, "4.05")
        with self.assertRaises(ValueError):
            self.server.write(self.info.id, "/3/0/14", "two words")

    def test_4_execute(self):
        start = len(self.client.out)
        r = self.server.execute(self.info.id, "/3/0/12")
        self.assertEqual(r.status, "2.04")
        self.client.wait_output(r"RESET ERROR CODE", 5, start)
        self.assertEqual(self.server.execute(self.info.id, "/3/0/0").status, "4.05")
        with self.assertRaises(Lwm2mError):
            self.server.command("exec %d" % self.info.id)  # no URI: the server's syntax error

    def test_5_observe_notify_cancel(self):
        self.assertEqual(self.server.write(self.info.id, "/3/0/14", "+01:00").status, "2.04")
        first = self.server.observe(self.info.id, "/3/0/14")
        self.assertEqual((first.count, first.value()), (0, "+01:00"))
        mark = len(self.server.events)
        self.client.change("/3/0/14", "+03:00")
        n = self.server.wait_notify(self.info.id, "/3/0/14", timeout=10, start=mark)
        self.assertGreaterEqual(n.count, 1)
        self.assertEqual(n.value(), "+03:00")
        with self.assertRaises(Lwm2mError):
            self.client.change("/3/0/0", "ACME")  # read-only on the client too
        self.assertIn(self.server.cancel(self.info.id, "/3/0/14").status, ("0.00", "2.05"))
        mark = len(self.server.events)
        self.client.change("/3/0/14", "+04:00")
        self.assertEqual(self.server.read(self.info.id, "/3/0/14").value(), "+04:00")
        time.sleep(1.0)
        later = [e for e in self.server.events[mark:] if e[0] == "notify"]
        self.assertEqual(later, [])

    def test_6_update_then_deregister(self):
        mark = len(self.server.events)
        self.client.update(123)
        u = self.server.wait_update(self.info.id, timeout=10, start=mark)
        self.assertEqual(u.name, "sarafw-peer-1")
        self.assertEqual(self.client.stop(), 0)  # quit: de-registers, exits cleanly
        self.server.wait_deregistration(self.info.id, timeout=10, start=mark)
        self.assertEqual(self.server.list(), [])


def coap_msg(mtype, code, mid, token, options, payload=b""):
    """A CoAP message (RFC 7252); options: [(number, bytes)]."""
    out = bytearray([0x40 | (mtype << 4) | len(token), code]) + struct.pack(">H", mid) + token
    last = 0
    for num, val in sorted(options, key=lambda o: o[0]):
        d, n = num - last, len(val)
        last = num

        def nib(x):
            return (x, b"") if x < 13 else (13, bytes([x - 13]))
        dn, dx = nib(d)
        ln, lx = nib(n)
        out += bytes([(dn << 4) | ln]) + dx + lx + val
    if payload:
        out += b"\xff" + payload
    return bytes(out)


def tlv(kind, rid, value):
    """One TLV element with an 8-bit id (kind: 0 object instance, 1
    resource instance, 2 multiple resource, 3 resource value)."""
    if len(value) < 8:
        return bytes([(kind << 6) | len(value), rid]) + value
    return bytes([(kind << 6) | 0x08, rid, len(value)]) + value


class TlvDevice(unittest.TestCase):
    """lwm2mserver prints a TLV payload as a tree; the driver turns it back
    into ids and bytes."""

    def test_tlv_read(self):
        with Lwm2mServer() as server:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            s.settimeout(5)
            try:
                reg = coap_msg(0, 0x02, 1, b"\x01", [(11, b"rd"), (12, bytes([40])), (15, b"ep=urn:imei:352099001761481"),
                                                      (15, b"lt=60"), (15, b"lwm2m=1.0")], b"</3/0>")
                s.sendto(reg, ("127.0.0.1", server.port))
                ack, _ = s.recvfrom(1500)
                self.assertEqual(ack[1], 0x41)  # 2.01 Created
                info = server.wait_registration("urn:imei:352099001761481", timeout=5)
                self.assertEqual((info.lifetime, info.objects), (60, ["/3/0"]))
                server.send("read %d /3/0" % info.id)
                req, addr = s.recvfrom(1500)
                self.assertEqual(req[1], 0x01)  # GET
                tkl = req[0] & 0x0F
                body = (tlv(3, 0, b"ACME") + tlv(3, 1, b"Model with a long name")
                        + tlv(2, 6, tlv(1, 0, b"\x01") + tlv(1, 1, b"\x05")) + tlv(3, 9, b"\x57")
                        + tlv(3, 13, struct.pack(">q", -2)) + tlv(3, 16, b""))
                s.sendto(coap_msg(2, 0x45, struct.unpack(">H", req[2:4])[0], req[4:4 + tkl],
                                  [(12, struct.pack(">H", 11542))], body), addr)
                _, e = server.wait_event(lambda e: e[0] == "result" and e[1].path == "/3/0", 5)
                r = e[1]
            finally:
                s.close()
        self.assertEqual((r.status, r.format), ("2.05", "application/vnd.oma.lwm2m+tlv"))
        self.assertEqual(r.tlv, {0: b"ACME", 1: b"Model with a long name", 6: {0: b"\x01", 1: b"\x05"},
                                 9: b"\x57", 13: struct.pack(">q", -2), 16: b""})
        self.assertEqual(r.values["6/1"], b"\x05")
        self.assertEqual(tlv_int(r.values["13"]), -2)

    def test_dump_parser_bad_input(self):
        """Dumps the server never prints well-formed are errors, not values."""
        bad = [
            "    3 bytes received of type application/vnd.oma.lwm2m+tlv:\n    {\n        ID: x type: Resource Value\n",
            "    3 bytes received of type application/vnd.oma.lwm2m+tlv:\n    {\n        ID: 1 type: Resource Value\n        {\n        no data\n",
            "    1 bytes received of type application/vnd.oma.lwm2m+tlv:\n    {\n        ID: 1 type: Resource Value\n        {\n            data (1 bytes):\n            41  A\n",
            "    2 bytes received of type text/plain:\n    4G                                       A\n",
            "    two bytes received of type text/plain:\n",
        ]
        for text in bad:
            with self.subTest(text=text[:60]):
                with self.assertRaises((ValueError, IndexError)):
                    _parse_body(Response(0, "/3/0"), text)
        ok = _parse_body(Response(0, "/3/0"), "    0 bytes received of type text/plain:\n\n")
        self.assertEqual((ok.format, ok.payload), ("text/plain", b""))


class Coap(unittest.TestCase):
    """coap-server keeps a 200 KB file; coap-client fetches it block-wise."""

    def test_blockwise_fetch(self):
        with CoapServer({"pkg.bin": DATA}) as server:
            got = coap_get(server.uri("pkg.bin"), block=512, trace=True)
            self.assertEqual(len(got.data), SIZE)
            self.assertTrue(got.data == DATA, "fetched bytes differ")
            self.assertEqual(sorted(got.blocks), list(range(SIZE // 512)))
            self.assertEqual(set(got.blocks.values()), {512})
            with self.assertRaises(RuntimeError):
                coap_get(server.uri("nothing-here"), block=512, timeout=5)

    def test_directory_over_dtls_psk(self):
        d = tempfile.mkdtemp(prefix="sarafw-coap-dir-")
        try:
            with open(os.path.join(d, "a.bin"), "wb") as f:
                f.write(DATA[:3000])
            with open(os.path.join(d, "b.bin"), "wb") as f:
                f.write(DATA[3000:4000])
            with CoapServer(d, psk="sarafw-secret") as server:
                got = coap_get(server.uri("a.bin", secure=True), block=1024, psk_id="dev1", psk="sarafw-secret",
                               trace=True)
                self.assertEqual(got.data, DATA[:3000])
                self.assertEqual(sorted(got.blocks), [0, 1, 2])
                self.assertEqual(coap_get(server.uri("b.bin"), block=512).data, DATA[3000:4000])
                with self.assertRaises(RuntimeError):
                    coap_get(server.uri("a.bin", secure=True), block=1024, psk_id="dev1", psk="wrong", timeout=3)
        finally:
            shutil.rmtree(d, ignore_errors=True)


class DtlsClient(unittest.TestCase):
    """Wakaama's DTLS-PSK client completes a handshake with libcoap's
    DTLS (OpenSSL) and its Register request arrives decrypted."""

    def test_register_over_dtls_psk(self):
        key = "sarafw-psk-key"
        with CoapServer({}, psk=key, verbose=7) as server:
            with Lwm2mClient(server.port + 1, "urn:imei:352099001761481", psk_id="urn:imei:352099001761481",
                             psk_key=key.encode().hex()) as client:
                server.wait_log(r"got psk_identity: 'urn:imei:352099001761481'", 10)
                server.wait_log(r"c:POST [^\n]*Uri-Path:rd[^\n]*Uri-Query:ep=urn:imei:352099001761481", 10)
                self.assertTrue(client.alive())

    def test_wrong_key_never_registers(self):
        with CoapServer({}, psk="right-key", verbose=7) as server:
            with Lwm2mClient(server.port + 1, "dev-wrong", psk_id="dev-wrong",
                             psk_key=b"wrong-key".hex()) as client:
                server.wait_log(r"got psk_identity: 'dev-wrong'", 10)
                time.sleep(1.5)
                with open(server.log, "rb") as f:
                    self.assertNotIn(b"ep=dev-wrong", f.read())
                self.assertFalse(any(v.startswith("REGISTERED") for v in client.servers().values()))


if __name__ == "__main__":
    unittest.main(verbosity=2)
