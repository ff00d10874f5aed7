"""sarafw-server deduplicates a retransmitted Register (RFC 7252 §4.5): the
same CON datagram (same message id, same address) sent again, as a module
does when the server's answer is late, gets the same location, and the
module's Update to that location is answered 2.04, not 4.04. A new
Register (a new message id) still gets a new location, and a message id
from another address is not taken for a duplicate."""
import os
import tempfile

from serverharness import (ACK, CON, CONTENT_FORMAT, LOCATION_PATH, POST, URI_PATH, URI_QUERY, Exchange, Server,
                           code, code_str, decode, encode, opt_all)

EP = "urn:imei:351234567890123"
PAYLOAD = b"</1/0>,</3/0>,</5/0>"


def register_pdu(mid, ep=EP):
    opts = [(URI_PATH, b"rd"), (URI_QUERY, ("ep=" + ep).encode()), (URI_QUERY, b"lt=300"),
            (URI_QUERY, b"lwm2m=1.0"), (URI_QUERY, b"b=U"), (CONTENT_FORMAT, 40)]
    return encode(CON, POST, mid, os.urandom(4), opts, PAYLOAD)


def answer(ex, mid, timeout=5.0):
    """The ACK to mid: (code, location); the server's own requests are skipped."""
    while True:
        data = ex.recv(timeout)
        assert data is not None, "no answer to message id %d" % mid
        m = decode(data)
        if m and m[0] == ACK and m[2] == mid:
            return code_str(m[1]), "/".join(v.decode() for v in opt_all(m[4], LOCATION_PATH))


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        ex = Exchange(srv.coap_port)
        try:
            pdu = register_pdu(0x1234)
            ex.send(pdu)
            c1, loc1 = answer(ex, 0x1234)
            assert c1 == "2.01" and loc1.startswith("rd/"), (c1, loc1)
            # the retransmission, byte for byte
            ex.send(pdu)
            c2, loc2 = answer(ex, 0x1234)
            assert (c2, loc2) == ("2.01", loc1), ("a retransmitted Register got another location", loc1, c2, loc2)
            m = ex.request(POST, "/" + loc1)
            assert m[1] == code("2.04"), ("Update to the first location", code_str(m[1]))
            d = srv.device(EP)
            assert d and d["state"] == "registered", d

            # a new Register (new message id) is a new registration
            ex.send(register_pdu(0x1235))
            c3, loc3 = answer(ex, 0x1235)
            assert c3 == "2.01" and loc3 != loc1, (c3, loc3, loc1)
            m = ex.request(POST, "/" + loc1)
            assert m[1] == code("4.04"), ("the old location after a new Register", code_str(m[1]))
            m = ex.request(POST, "/" + loc3)
            assert m[1] == code("2.04"), code_str(m[1])

            # the same message id from another address is another exchange
            other = Exchange(srv.coap_port)
            try:
                other.send(register_pdu(0x1235))
                c4, loc4 = answer(other, 0x1235)
                assert c4 == "2.01" and loc4 not in (loc1, loc3), (c4, loc4)
            finally:
                other.close()
        finally:
            ex.close()
    print("ok")


if __name__ == "__main__":
    main()
