"""With plain CoAP, sarafw-server answers a plain registration Update
ahead of libcoap, straight from the endpoint's socket (server/lwm2m.c
fast_updates), and leaves every other datagram to libcoap in the order
it came. This test sends the same datagrams, one at a time, to a server
doing that and to one with SARAFW_FAST_UPDATES=0 (libcoap reads them all),
and checks:
- the two give the same answer to each (type, code, token, options,
  payload; an ACK echoes the request's message id);
- a plain Update gets an empty ACK 2.04 with its message id and token;
- what must reach libcoap does: an unknown critical option (4.02), a
  non-confirmable Update (answered NON), a datagram too large to look at
  ahead, a Uri-Host option, a query an Update does not take (4.00), an
  Update from another address, one with a payload, and datagrams that are
  not CoAP or not well-formed (cut short, a token of 9 bytes, a payload
  marker with nothing after it), after which plain Updates are answered
  ahead again;
- GET /api/v1/stats counts exactly the plain Updates from the
  registration's own address as answered ahead of libcoap, and none with
  SARAFW_FAST_UPDATES=0; both count the same Updates answered from memory
  (those plus the plain ones libcoap had to read)."""
import os
import tempfile
import time

from serverharness import (CON, NON, ACK, POST, URI_PATH, URI_QUERY, CONTENT_FORMAT, LOCATION_PATH, Exchange,
                           Server, code, code_str, decode, encode, opt_all)

EP = "urn:imei:351234567890124"
PAYLOAD = b"</1/0>,</3/0>,</5/0>"
URI_HOST = 3
CRITICAL_UNKNOWN = 2049  # odd: critical (RFC 7252 §5.4.1)
ELECTIVE_UNKNOWN = 2050


def answer(ex, datagram, token, timeout=3.0):
    """The response to datagram (matched by token), or None."""
    ex.send(datagram)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = ex.recv(deadline - time.monotonic())
        if data is None:
            break
        m = decode(data)
        if m and m[1] >= 64 and m[3] == token:  # a response, not a request of the server's
            return m
    return None


def run(fast):
    """[(case, answer summary)], the server's stats."""
    env_before = os.environ.get("SARAFW_FAST_UPDATES")
    os.environ["SARAFW_FAST_UPDATES"] = "1" if fast else "0"
    try:
        with tempfile.TemporaryDirectory() as work, Server(work) as srv:
            ex, other = Exchange(srv.coap_port), Exchange(srv.coap_port)
            try:
                m = ex.request(POST, "/rd", query=["ep=" + EP, "lt=300", "lwm2m=1.0", "b=U"], payload=PAYLOAD)
                assert m[1] == code("2.01"), code_str(m[1])
                loc = [v.decode() for v in opt_all(m[4], LOCATION_PATH)]
                assert loc[0] == "rd" and len(loc) == 2, loc
                path = [(URI_PATH, "rd"), (URI_PATH, loc[1])]
                out = []

                def case(name, sock=ex, mtype=CON, options=(), payload=b"", token=None, raw=None):
                    # each datagram alone in the server's queue: none
                    # arrives while libcoap reads the one before
                    time.sleep(0.05)
                    mid = sock.next_mid()
                    tok = os.urandom(4) if token is None else token
                    opts = path + list(options)
                    if payload:
                        opts.append((CONTENT_FORMAT, 40))
                    dg = raw if raw is not None else encode(mtype, POST, mid, tok, opts, payload)
                    a = answer(sock, dg, tok, timeout=1.0 if raw is not None else 3.0)
                    if a is None:
                        out.append((name, None))
                        return
                    if a[0] == ACK:
                        assert a[2] == mid, (name, "ACK with another message id", a)
                    out.append((name, (a[0], code_str(a[1]), a[4], a[5])))

                case("plain")
                case("plain, no token", token=b"")
                case("plain, 8-byte token", token=os.urandom(8))
                case("plain, lt it has", options=[(URI_QUERY, "lt=300")])
                case("unknown critical option", options=[(CRITICAL_UNKNOWN, "x")])
                case("too large to look at", options=[(ELECTIVE_UNKNOWN, "y" * 300)])
                case("non-confirmable", mtype=NON)
                case("Uri-Host", options=[(URI_HOST, "127.0.0.1")])
                case("ep query", options=[(URI_QUERY, "ep=other")])
                case("not CoAP", raw=b"\x00", token=b"")
                case("header cut short", raw=b"\x40\x02\x12", token=b"")
                tok9 = os.urandom(9)
                case("token length 9", token=tok9, raw=bytes([0x49, POST, 0x12, 0x34]) + tok9 +
                     encode(CON, POST, 0, b"", path)[4:])
                tok = os.urandom(4)
                case("payload marker, no payload", token=tok, raw=encode(CON, POST, 0x1235, tok, path) + b"\xff")
                case("plain after not CoAP")
                case("with objects", payload=PAYLOAD)
                case("plain after objects")
                case("from another address", sock=other)
                case("back at the first address")
                case("plain again")
                st, stats = srv.api("GET", "/api/v1/stats")
                assert st == 200, (st, stats)
                return out, stats
            finally:
                ex.close()
                other.close()
    finally:
        if env_before is None:
            del os.environ["SARAFW_FAST_UPDATES"]
        else:
            os.environ["SARAFW_FAST_UPDATES"] = env_before


def main():
    ahead, st_ahead = run(True)
    libcoap, st_libcoap = run(False)
    for (name, a), (name2, b) in zip(ahead, libcoap):
        assert name == name2
        assert a == b, ("answered differently ahead of libcoap", name, a, b)
    got = dict(ahead)
    changed = (ACK, "2.04", [], b"")
    for name in ("plain", "plain, no token", "plain, 8-byte token", "plain, lt it has", "too large to look at",
                 "Uri-Host", "plain after not CoAP", "with objects", "plain after objects",
                 "from another address", "back at the first address", "plain again"):
        assert got[name] == changed, (name, got[name])
    assert got["unknown critical option"][:2] == (ACK, "4.02"), got["unknown critical option"]
    assert got["non-confirmable"][:2] == (NON, "2.04"), got["non-confirmable"]
    assert got["ep query"][:2] == (ACK, "4.00"), got["ep query"]
    assert got["not CoAP"] is None, got["not CoAP"]
    for name in ("header cut short", "token length 9", "payload marker, no payload"):
        assert got[name] is None or got[name][1] != "2.04", (name, got[name])
    # from memory: the plain ones from the registration's address, and
    # "plain again" (the session is held at the first address again)
    plain = ["plain", "plain, no token", "plain, 8-byte token", "plain, lt it has", "plain after not CoAP",
             "plain after objects", "plain again"]
    # libcoap's own path answers these from memory too (hnd_update)
    memory = len(plain) + len(["too large to look at", "non-confirmable", "Uri-Host"])
    updates = sum(1 for _, a in ahead if a and a[1] == "2.04")
    assert st_ahead["updates_ahead_of_libcoap"] == len(plain), st_ahead
    assert st_ahead["updates_from_memory"] == memory, st_ahead
    assert st_ahead["updates"] == updates, (st_ahead, updates)
    assert st_libcoap["updates_ahead_of_libcoap"] == 0, st_libcoap
    assert st_libcoap["updates_from_memory"] == memory, st_libcoap
    assert st_libcoap["updates"] == updates, (st_libcoap, updates)
    assert st_ahead["sessions"] == st_libcoap["sessions"] == 1, (st_ahead, st_libcoap)
    print("ok")


if __name__ == "__main__":
    main()
