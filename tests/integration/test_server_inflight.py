"""sarafw-server bounds the devices it has requests in flight to: when 300
devices register at once and answer none of the server's requests (the
Observes of /5/0/3, /5/0/5, /3/0/3 and the Read of /3/0 that follow every
registration), at most 256 devices get requests and the other devices'
setups wait their turn (a fleet registering at once used to get
every request at once, and each send cost the server a walk of libcoap's
send queue). A device that de-registers gives its turn back, answered
requests let the next devices in, and in the end every device gets its
four requests and its firmware version is read. Its Updates are answered
all along."""
import os
import select
import tempfile
import time

from serverharness import (ACK, CON, CONTENT_FORMAT, DELETE, LOCATION_PATH, POST, URI_PATH, URI_QUERY, Exchange,
                           Server, code, code_str, decode, encode, opt_all, tlv_resource)

N = 300
IN_FLIGHT_MAX = 256  # server/lwm2m.c LW_INFLIGHT_MAX: devices
PAYLOAD = b"</1/0>,</3/0>,</5/0>"


def ep_of(i):
    return "inflight-%03d" % i


class Dev:
    def __init__(self, port, i):
        self.i = i
        self.x = Exchange(port)
        self.reg_mid = None
        self.location = None
        self.requests = {}  # mid -> (token, path): the server's requests seen

    def send_register(self):
        self.reg_mid = self.x.next_mid()
        opts = [(URI_PATH, b"rd"), (URI_QUERY, ("ep=" + ep_of(self.i)).encode()), (URI_QUERY, b"lt=300"),
                (URI_QUERY, b"lwm2m=1.0"), (URI_QUERY, b"b=U"), (CONTENT_FORMAT, 40)]
        self.x.send(encode(CON, POST, self.reg_mid, os.urandom(4), opts, PAYLOAD))

    def answer(self, mid):
        token, path = self.requests[mid]
        if path == "3/0":
            body, cf = tlv_resource(3, "v1.%03d" % self.i), 11542
        elif path == "3/0/3":
            body, cf = ("v1.%03d" % self.i).encode(), 0
        else:
            body, cf = b"0", 0
        opts = [(CONTENT_FORMAT, cf)] + ([(6, 1)] if path != "3/0" else [])  # Observe: 1
        self.x.send(encode(ACK, code("2.05"), mid, token, opts, body))


def pump(devs, seconds, answer=None):
    """Reads what the server sends for `seconds`: Register answers and its
    requests (recorded; answered when answer(dev) is true)."""
    end = time.monotonic() + seconds
    socks = {d.x.sock: d for d in devs}
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select(list(socks), [], [], left)
        for s in r:
            d = socks[s]
            m = decode(s.recv(65536))
            if not m:
                continue
            mtype, mcode, mid, token, opts, _ = m
            if mtype == ACK and mid == d.reg_mid:
                assert code_str(mcode) == "2.01", ("Register", d.i, code_str(mcode))
                d.location = "/".join(v.decode() for v in opt_all(opts, LOCATION_PATH))
            elif mtype == CON and mcode == code("0.01"):
                path = "/".join(v.decode() for v in opt_all(opts, URI_PATH))
                d.requests[mid] = (token, path)
                if answer and answer(d):
                    d.answer(mid)


def main():
    with tempfile.TemporaryDirectory() as work, Server(work, args=["--max-reg-rate", "100000"]) as srv:
        devs = [Dev(srv.coap_port, i) for i in range(N)]
        try:
            for d in devs:
                d.send_register()
            # nobody answers: at most IN_FLIGHT_MAX devices get requests
            pump(devs, 1.5)
            assert all(d.location for d in devs), [d.i for d in devs if not d.location]
            asked = sum(1 for d in devs if d.requests)
            assert 0 < asked <= IN_FLIGHT_MAX, ("devices with requests in flight", asked)
            waiting = [d for d in devs if not d.requests]
            assert len(waiting) == N - asked, len(waiting)
            # a waiting device's Update is answered at once all the same
            m = waiting[-1].x.request(POST, "/" + waiting[-1].location)
            assert m[1] == code("2.04"), code_str(m[1])

            # the first set-up device de-registers: its turn goes to a waiting one
            first = next(d for d in devs if d.requests)
            m = first.x.request(DELETE, "/" + first.location)
            assert m[1] == code("2.02"), code_str(m[1])
            pump(devs, 1.0)
            now_asked = sum(1 for d in devs if d.requests)
            assert now_asked == asked + 1, ("a de-registered device kept its turn", now_asked, asked)

            # everyone answers (what came before too): every device gets its four
            for d in devs:
                if d is not first:
                    for mid in list(d.requests):
                        d.answer(mid)
            rest = [d for d in devs if d is not first]
            deadline = time.monotonic() + 30
            while any(len(d.requests) < 4 for d in rest):
                assert time.monotonic() < deadline, sorted(len(d.requests) for d in rest)[:10]
                pump(devs, 0.5, answer=lambda d: d is not first)
            for d in rest:
                assert sorted(p for _, p in d.requests.values()) == ["3/0", "3/0/3", "5/0/3", "5/0/5"], (
                    d.i, d.requests)
            deadline = time.monotonic() + 10
            while True:
                _, rows = srv.api("GET", "/api/v1/devices")
                versions = {r["endpoint"]: r["firmware_version"] for r in rows}
                if all(versions.get(ep_of(d.i)) == "v1.%03d" % d.i for d in rest):
                    break
                assert time.monotonic() < deadline, [(ep_of(d.i), versions.get(ep_of(d.i))) for d in rest][:5]
                pump(devs, 0.2, answer=lambda d: d is not first)
        finally:
            for d in devs:
                d.x.close()
    print("ok: at most %d devices with requests in flight, %d devices set up in turn" % (IN_FLIGHT_MAX, N - 1))


if __name__ == "__main__":
    main()
