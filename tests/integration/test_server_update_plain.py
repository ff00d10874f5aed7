"""A plain registration Update (no lt, b or objects that change) on the
session its registration was written on is answered from the server's
memory and its time written with the rest of that round's (server/lwm2m.c
touch_flush, docs/behaviour.md). What must hold all the same:
- the refreshed last_seen is stored before the server serves anything
  else (the REST API sees it as soon as the 2.04 has arrived);
- an Update that changes the lifetime or the binding is written as
  before, and a plain Update with the lifetime it already has stays plain;
- a registration taken away behind the server's back (another front-end's
  Register of the same device, in a cluster) is not kept alive from
  memory: at most one more Update is answered 2.04, the next gets 4.04, and
  the device registers again;
- the old location after a De-register gets 4.04."""
import tempfile
import time

from serverharness import DELETE, LOCATION_PATH, POST, Exchange, Server, code, code_str, opt_all

EP = "urn:imei:351234567890123"
PAYLOAD = b"</1/0>,</3/0>,</5/0>"


def register(ex):
    m = ex.request(POST, "/rd", query=["ep=" + EP, "lt=300", "lwm2m=1.0", "b=U"], payload=PAYLOAD)
    assert m[1] == code("2.01"), code_str(m[1])
    return "/".join(v.decode() for v in opt_all(m[4], LOCATION_PATH))


def update(ex, loc, query=()):
    return code_str(ex.request(POST, "/" + loc, query=query)[1])


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        ex = Exchange(srv.coap_port)
        try:
            loc = register(ex)
            d = srv.wait_device(EP, lambda d: d["state"] == "registered")
            # plain Updates: each one's time is stored once it is answered
            for _ in range(3):
                before = srv.device(EP)["last_seen"]
                time.sleep(1.1)
                assert update(ex, loc) == "2.04"
                d = srv.device(EP)
                assert d["last_seen"] > before, ("a plain Update's time not stored", before, d)
                assert d["lifetime"] == 300 and d["state"] == "registered", d

            # a new lifetime is written; the same lifetime again is plain
            assert update(ex, loc, ["lt=600"]) == "2.04"
            assert srv.device(EP)["lifetime"] == 600
            before = srv.device(EP)["last_seen"]
            time.sleep(1.1)
            assert update(ex, loc, ["lt=600"]) == "2.04"
            d = srv.device(EP)
            assert d["lifetime"] == 600 and d["last_seen"] > before, d
            assert update(ex, loc, ["b=UQ"]) == "2.04"
            assert srv.device(EP)["binding"] == "UQ"
            assert update(ex, loc) == "2.04"

            # the registration taken away behind the server (another
            # front-end's write): one more 2.04 at most, then 4.04
            srv.sql("UPDATE devices SET registered = 0, location = NULL WHERE endpoint = '%s'" % EP)
            answers = [update(ex, loc) for _ in range(3)]
            assert answers[0] in ("2.04", "4.04") and answers[1:] == ["4.04", "4.04"], answers
            d = srv.device(EP)
            assert d["state"] != "registered", ("kept alive from memory", d)
            loc2 = register(ex)
            assert loc2 != loc
            assert update(ex, loc2) == "2.04"
            assert srv.wait_device(EP, lambda d: d["state"] == "registered")

            # de-registered: the location is gone
            m = ex.request(DELETE, "/" + loc2)
            assert m[1] == code("2.02"), code_str(m[1])
            assert update(ex, loc2) == "4.04"
            assert srv.device(EP)["state"] != "registered"
        finally:
            ex.close()
    print("ok")


if __name__ == "__main__":
    main()
