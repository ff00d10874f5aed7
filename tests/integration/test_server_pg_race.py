"""Two sarafw-server front-ends on one PostgreSQL, with NATS: races
between them are decided by the stored campaign, never by who writes last.

The test holds a row lock on a campaign device (a psql session's SELECT
... FOR UPDATE) so that the campaign's runner stops inside a step, at its
write of that device, at a known point.

1. An operator's cancel on the other front-end lands inside that step:
   once the lock goes, the cancel stands (campaign and device cancelled)
   and the device is never told to download.
2. The runner stalls (SIGSTOP) inside a step past its lease; the other
   front-end takes the campaign over and updates the device; when the
   stalled one runs again (SIGCONT), while the device is still on its
   start version, it writes and sends nothing: one Write /5/0/1, one
   Execute /5/0/2, the device succeeded, the test report stands.
3. A Write routed to a front-end that was killed (kill -9) within its
   heartbeat's lease is not lost silently: the device's detail says it was
   not delivered, and once the device registers at the live front-end it
   gets the Write and is updated."""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from natsserver import Nats
from pgcluster import PG_BIN, PgCluster
from serverharness import Device, Server
import simpkg

OLD, NEW = "01.00,A01.00", "02.00,A01.00"


def imei(i):
    return "35200000000%04d" % i


class SlowDevice(Device):
    """A device that takes a moment to start its download (the stalled
    front-end runs again meanwhile, while it is still on the start version)."""

    def _download(self, uri):
        time.sleep(1.5)
        return super()._download(uri)


def q(pg, dbname, sql):
    return [r.split("|") for r in pg.psql(sql, db=dbname).split("\n") if r]


class RowLock:
    """A psql session holding row locks (SELECT ... FOR UPDATE) until release()."""

    def __init__(self, pg, dbname, where):
        self.pg, self.dbname = pg, dbname
        self.p = subprocess.Popen([os.path.join(PG_BIN, "psql"), "-X", "-q", "-h", "127.0.0.1", "-p",
                                   str(pg.port), "-U", "sarafw", "-d", dbname],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.p.stdin.write(b"BEGIN;\nSELECT state FROM campaign_devices WHERE " + where.encode() +
                           b" FOR UPDATE;\n")
        self.p.stdin.flush()
        wait_for(lambda: q(pg, dbname, "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'"
                           " AND query LIKE '%FOR UPDATE%'")[0][0] == "1", 10, "the row lock")

    def release(self):
        self.p.stdin.write(b"ROLLBACK;\n\\q\n")
        self.p.stdin.close()
        self.p.wait(10)


def waiters(pg, dbname):
    return int(q(pg, dbname, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                 " AND datname = current_database()")[0][0])


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "waited %.0f s for %s" % (timeout, what)
        time.sleep(0.05)


class Call(threading.Thread):
    """An API call that may wait on a lock, from a thread."""

    def __init__(self, srv, method, path, token):
        super().__init__(daemon=True)
        self.args = (method, path)
        self.srv, self.token, self.result = srv, token, None
        self.start()

    def run(self):
        self.result = self.srv.api(*self.args, token=self.token)

    def get(self, timeout=20):
        self.join(timeout)
        assert self.result is not None, ("no answer to", self.args)
        return self.result


def stop(srv):
    os.kill(srv.proc.pid, signal.SIGSTOP)


def cont(srv):
    os.kill(srv.proc.pid, signal.SIGCONT)


def real_writes(d):
    return [w for w in d.writes if w]


def main():
    with tempfile.TemporaryDirectory() as work, PgCluster() as pg:
        nats = Nats(work)
        servers, devs = [], []
        try:
            run(work, pg, nats, servers, devs)
        finally:
            for d in devs:
                d.stop()
            for s in servers:
                if s.proc and s.proc.poll() is None:
                    cont(s)
                s.cleanup()
            nats.stop()
    print("ok")


def run(work, pg, nats, servers, devs):
    url = pg.new_database()
    dbname = url.rsplit("/", 1)[1]
    store = os.path.join(work, "packages")
    fe = {}
    for node in ("fe-a", "fe-b"):
        w = os.path.join(work, node)
        os.mkdir(w)
        fe[node] = Server(w, db_url=url, store=store, args=["--node-id", node, "--nats", nats.url])
        servers.append(fe[node])
    a, b = fe["fe-a"], fe["fe-b"]
    operator, approver = a.token("operator"), a.token("approver")
    pkg = simpkg.make(work, "SARA-R410M", target=os.urandom(20000), to_version=NEW)
    st, p = a.api("POST", "/api/v1/packages", raw=pkg, token=operator)
    assert st == 201, (st, p)
    # d0 at fe-a, d1 and d2 at fe-b
    for i, srv in enumerate((a, b, b)):
        d = (SlowDevice if i == 1 else Device)(srv.coap_port, "urn:imei:" + imei(i), OLD, NEW, "good")
        devs.append(d)
        d.start()
        srv.wait_device(d.endpoint, lambda x: x["firmware_version"] == OLD, 10)

    def campaign(i):
        body = {"name": "race %d" % i, "product": "SARA-R410M", "from_version": OLD, "to_version": NEW,
                "package": p["sha256"], "imeis": [imei(i)], "location_area": "lab", "transport": "http",
                "test_size": 1, "group_size": 1, "success_threshold": 50, "error_threshold": 100,
                "action_timeout": 30, "max_retries": 3, "retry_backoff": 0}
        st, c = a.api("POST", "/api/v1/campaigns", body, token=operator)
        assert st == 201, (st, c)
        return c["id"]

    def cdev(cid):
        return q(pg, dbname, "SELECT state, detail FROM campaign_devices WHERE campaign = %d" % cid)[0]

    def runner(cid):
        return q(pg, dbname, "SELECT runner FROM campaigns WHERE id = %d" % cid)[0][0]

    def approve_at_a(cid):
        """fe-a becomes the runner: fe-b is stopped while fe-a approves and
        its step reaches the locked device."""
        stop(b)
        call = Call(a, "POST", "/api/v1/campaigns/%d/approve" % cid, approver)
        wait_for(lambda: waiters(pg, dbname) == 1, 10, "fe-a's step waiting on the lock")
        assert runner(cid) == "fe-a", runner(cid)
        return call

    # 1. an operator's cancel on fe-b inside a step of fe-a
    c1 = campaign(0)
    lock = RowLock(pg, dbname, "campaign = %d" % c1)
    approve = approve_at_a(c1)
    cont(b)
    cancel = Call(b, "POST", "/api/v1/campaigns/%d/cancel" % c1, operator)
    wait_for(lambda: waiters(pg, dbname) == 2, 10, "the cancel waiting on the lock too")
    lock.release()
    st, c = approve.get()
    assert st == 200, (st, c)
    st, c = cancel.get()
    assert st == 200, (st, c)
    time.sleep(3)  # fe-a's step went on, and its next ones
    st, c = a.api("GET", "/api/v1/campaigns/%d" % c1)
    assert c["state"] == "cancelled", c
    assert cdev(c1)[0] == "cancelled", cdev(c1)
    assert real_writes(devs[0]) == [], ("a cancelled campaign's device was told to download", devs[0].writes)
    assert devs[0].version == OLD

    # 2. fe-a stalls inside a step past its lease; fe-b takes over
    c2 = campaign(1)
    lock = RowLock(pg, dbname, "campaign = %d" % c2)
    approve = approve_at_a(c2)
    stop(a)
    stalled = time.monotonic()
    cont(b)
    lock.release()
    wait_for(lambda: runner(c2) == "fe-b", 20, "fe-b taking the campaign over")
    wait_for(lambda: real_writes(devs[1]), 10, "fe-b's Write /5/0/1")
    cont(a)
    print("fe-a stalled %.1f s" % (time.monotonic() - stalled))
    st, c = approve.get()
    assert st == 200, (st, c)
    c = b.wait_campaign(c2, lambda c: c["state"] == "test_done", 30)
    time.sleep(3)  # whatever fe-a would still do
    d1 = devs[1]
    assert len(real_writes(d1)) == 1 and d1.executes == 1, ("acted on twice", d1.writes, d1.executes)
    assert d1.version == NEW
    st, c = b.api("GET", "/api/v1/campaigns/%d" % c2)
    assert c["state"] == "test_done" and c["devices"][0]["state"] == "succeeded", c
    assert runner(c2) == "fe-b"
    assert a.alive() and b.alive()

    # 3. a Write routed to a front-end killed within its heartbeat's lease
    c3 = campaign(2)
    b.kill()
    st, c = a.api("POST", "/api/v1/campaigns/%d/approve" % c3, token=approver)
    assert st == 200, (st, c)
    wait_for(lambda: "not delivered" in cdev(c3)[1], 8, "the undelivered Write reported: %s" % (cdev(c3),))
    print("reported: %s" % cdev(c3)[1])
    devs[2].move(a.coap_port)
    c = a.wait_campaign(c3, lambda c: c["state"] == "test_done", 30)
    assert c["devices"][0]["state"] == "succeeded", c
    assert devs[2].version == NEW and len(real_writes(devs[2])) == 1, devs[2].writes


if __name__ == "__main__":
    sys.exit(main())
