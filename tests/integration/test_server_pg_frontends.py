"""Two sarafw-server front-ends on one PostgreSQL, commands routed over
NATS: PostgreSQL (a private cluster, pgcluster.py) and Debian's
nats-server run on loopback, started here. Eclipse Wakaama's lwm2mclient
registers at each front-end and both front-ends see both devices, each
owned by the front-end that holds its session. A front-end's NATS subject
takes a routed Observe and drops malformed commands. Six scripted LwM2M devices
are spread over the two; a campaign created on one and approved on the
other updates them all: the front-end that runs the campaign reaches the
devices of the other through NATS. In the middle of the final campaign the
front-end that runs it is killed (kill -9); its devices register again at
the other, which takes the campaign over once its lease ran out and
finishes it. No device is told to install twice."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from lwm2mpeers import Lwm2mClient
from natsserver import Nats
from pgcluster import PgCluster
from serverharness import Device, Server, free_port
import simpkg

OLD, NEW = "01.00,A01.00", "02.00,A01.00"
WAKAAMA_FW = "1.0"


def imei(i):
    return "35100000000%04d" % i


class FailoverDevice(Device):
    """A scripted device whose reboot may find its server dead: it then
    waits for move() instead of dying."""

    def _reboot(self):
        try:
            super()._reboot()
        except TimeoutError:
            pass


def nats_pub(port, subject, payloads):
    """Publish raw messages with NATS's text protocol (no client library)."""
    s = socket.create_connection(("127.0.0.1", port), 5)
    s.settimeout(5)
    s.recv(4096)  # INFO
    buf = b'CONNECT {"verbose":false,"pedantic":false}\r\n'
    for p in payloads:
        buf += b"PUB %s %d\r\n%s\r\n" % (subject.encode(), len(p), p)
    s.sendall(buf + b"PING\r\n")
    data = b""
    while b"PONG" not in data:
        data += s.recv(4096)
    s.close()


def q(pg, dbname, sql):
    return [r.split("|") for r in pg.psql(sql, db=dbname).split("\n") if r]


def main():
    with tempfile.TemporaryDirectory() as work, PgCluster() as pg:
        nats = Nats(work)
        servers, devs, clients = [], [], []
        try:
            run(work, pg, nats, servers, devs, clients)
        finally:
            for c in clients:
                c.stop()
            for d in devs:
                d.stop()
            for s in servers:
                s.cleanup()
            nats.stop()
    print("ok")


def run(work, pg, nats, servers, devs, clients):
    url = pg.new_database()
    dbname = url.rsplit("/", 1)[1]
    store = os.path.join(work, "packages")  # one package store for both
    fe = {}
    for node in ("fe-a", "fe-b"):
        w = os.path.join(work, node)
        os.mkdir(w)
        fe[node] = Server(w, db_url=url, store=store, args=["--node-id", node, "--nats", nats.url])
        servers.append(fe[node])
    a, b = fe["fe-a"], fe["fe-b"]

    # Wakaama's lwm2mclient at each; both front-ends see both
    wk = {"fe-a": "urn:imei:359000000000001", "fe-b": "urn:imei:359000000000002"}
    for node, ep in wk.items():
        c = Lwm2mClient(fe[node].coap_port, ep, lifetime=60)
        clients.append(c)
        c.wait_registered(10)
    for srv in (a, b):
        for ep in wk.values():
            srv.wait_device(ep, lambda d: d["firmware_version"] == WAKAAMA_FW and d["state"] == "registered", 10)
    owners = dict(q(pg, dbname, "SELECT endpoint, owner FROM devices WHERE endpoint LIKE 'urn:imei:359%'"))
    assert owners == {wk["fe-a"]: "fe-a", wk["fe-b"]: "fe-b"}, owners
    nodes = [r[0] for r in q(pg, dbname, "SELECT id FROM nodes ORDER BY id")]
    assert nodes == ["fe-a", "fe-b"], nodes

    # six scripted devices: even at fe-a, odd at fe-b
    operator, approver = a.token("operator"), b.token("approver")  # tokens are shared
    pkg = simpkg.make(work, "SARA-R410M", target=os.urandom(20000), to_version=NEW)
    st, p = b.api("POST", "/api/v1/packages", raw=pkg, token=operator)
    assert st == 201, (st, p)
    home = {}
    for i in range(6):
        node = "fe-a" if i % 2 == 0 else "fe-b"
        d = FailoverDevice(fe[node].coap_port, "urn:imei:" + imei(i), OLD, NEW, "good")
        devs.append(d)
        home[i] = node
        d.start()
    for i, d in enumerate(devs):
        a.wait_device(d.endpoint, lambda x: x["firmware_version"] == OLD, 10)

    # what a front-end takes from its subject: a well-formed "O" observes
    # the device again; anything else is dropped and harms nothing
    d1 = devs[1]  # at fe-b
    n = len(d1.reads)
    nats_pub(nats.port, "sarafw.node.fe-b", [b"garbage", b"X 12", b"\xff" * 300, b"W " + imei(1).encode(),
                                             b"O " + imei(1).encode()])
    deadline = time.monotonic() + 10
    while sorted(set(d1.reads[n:])) != ["/3/0", "/3/0/3", "/5/0/3", "/5/0/5"]:
        assert time.monotonic() < deadline, d1.reads[n:]
        time.sleep(0.05)
    assert d1.writes == [] and d1.executes == 0 and a.alive() and b.alive()
    body = {"name": "two front-ends", "product": "SARA-R410M", "from_version": OLD, "to_version": NEW,
            "package": p["sha256"], "imeis": [imei(i) for i in range(6)], "location_area": "lab",
            "transport": "http", "test_size": 2, "group_size": 2, "success_threshold": 50,
            "error_threshold": 100, "action_timeout": 20, "max_retries": 3, "retry_backoff": 0}
    st, c = a.api("POST", "/api/v1/campaigns", body, token=operator)
    assert st == 201, (st, c)
    cid = c["id"]
    st, c = b.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=approver)
    assert st == 200 and c["state"] == "running", (st, c)

    # the test group: one device on each front-end; whichever runs the
    # campaign reaches the other's device through NATS
    c = a.wait_campaign(cid, lambda c: c["state"] == "test_done", 40)
    by = {x["imei"]: x for x in c["devices"]}
    assert by[imei(0)]["state"] == by[imei(1)]["state"] == "succeeded", c
    assert devs[0].version == devs[1].version == NEW and devs[1].downloaded == pkg
    runner = q(pg, dbname, "SELECT runner FROM campaigns WHERE id = %d" % cid)[0][0]
    assert runner in fe, runner
    st, c = a.api("POST", "/api/v1/campaigns/%d/accept-test" % cid, token=approver)
    assert st == 200 and c["phase"] == "final", (st, c)

    # kill -9 the runner while group 1 is on its way
    b.wait_campaign(cid, lambda c: any(x["group"] >= 1 and x["state"] in ("downloading", "updating")
                                       for x in c["devices"]), 20)
    runner = q(pg, dbname, "SELECT runner FROM campaigns WHERE id = %d" % cid)[0][0]
    dead, alive = fe[runner], fe["fe-b" if runner == "fe-a" else "fe-a"]
    survivor = "fe-b" if runner == "fe-a" else "fe-a"
    dead.kill()
    killed_at = time.monotonic()
    # its devices register again at the other front-end
    for i, d in enumerate(devs):
        if home[i] == runner:
            d.move(alive.coap_port)
    for i, d in enumerate(devs):
        if home[i] == runner:
            alive.wait_device(d.endpoint, lambda x: x["state"] == "registered", 10)
    wc = [c for c in clients if c.endpoint == wk[runner]][0]
    wc.stop()
    clients.remove(wc)
    wc = Lwm2mClient(alive.coap_port, wk[runner], lifetime=60)
    clients.append(wc)
    wc.wait_registered(10)
    deadline = time.monotonic() + 10
    while True:
        owners = dict(q(pg, dbname, "SELECT endpoint, owner FROM devices"))
        if all(o == survivor for o in owners.values()):
            break
        assert time.monotonic() < deadline, owners

    # the survivor takes the campaign over once the lease ran out, and finishes it
    c = alive.wait_campaign(cid, lambda c: c["state"] == "finished", 90)
    took = time.monotonic() - killed_at
    runner2 = q(pg, dbname, "SELECT runner FROM campaigns WHERE id = %d" % cid)[0][0]
    assert runner2 == survivor, runner2
    by = {x["imei"]: x for x in c["devices"]}
    assert all(by[imei(i)]["state"] == "succeeded" for i in range(6)), c
    for i, d in enumerate(devs):
        assert d.version == NEW and d.downloaded == pkg, (i, d.version)
        # never told to install twice, whoever ran the campaign
        assert d.executes == 1, (i, d.executes, d.writes)
    assert alive.alive()
    # SIGTERM: the survivor leaves NATS and PostgreSQL cleanly (exit 0, also
    # under the sanitizers)
    assert alive.stop() == 0

    # a front-end given no --node-id is HOSTNAME-COAPPORT: two on one machine differ
    w = os.path.join(work, "fe-default")
    os.mkdir(w)
    third = Server(w, db_url=url, store=store, args=["--nats", nats.url])
    servers.append(third)
    host = "".join(ch if ch.isalnum() or ch in "_-" else "-" for ch in socket.gethostname())
    want = "%s-%d" % (host[:31 - len(str(third.coap_port))], third.coap_port)
    nodes = [r[0] for r in q(pg, dbname, "SELECT id FROM nodes")]
    assert want in nodes, (want, nodes)
    print("runner %s killed; the campaign finished at %s %.1f s later" % (runner, survivor, took))


if __name__ == "__main__":
    sys.exit(main())
