"""kill -9 of sarafw-server at seeded moments of a campaign (the short
version: 6 moments; SARAFW_SOAK=1: 20). After each kill the server starts
again on the same database: the campaign goes on from where it was,
no device's progress goes backwards, and it ends with every device on
the new version and the package's exact bytes downloaded."""
import os
import random
import sys
import tempfile
import time

from serverharness import Device, Server
import simpkg

OLD, NEW = "01.00,A01.00", "02.00,A01.00"
RANK = {"pending": 0, "waiting": 1, "downloading": 2, "updating": 3, "succeeded": 4}


def imei(i):
    return "35300000000%04d" % i


def progress(c):
    return {d["imei"]: (RANK.get(d["state"], -1), d["attempts"]) for d in c["devices"]}


def main():
    seed = int(os.environ.get("SARAFW_SEED", "11"))
    kills = 20 if os.environ.get("SARAFW_SOAK") else 6
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        operator, approver = srv.token("operator"), srv.token("approver")
        pkg = simpkg.make(work, "SARA-R410M", target=rng.randbytes(60000), to_version=NEW)
        st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
        assert st == 201, (st, p)
        devs = [Device(srv.coap_port, "urn:imei:" + imei(i), OLD, NEW).start() for i in range(6)]
        for d in devs:
            srv.wait_device(d.endpoint, lambda x: x["firmware_version"] == OLD, 10)
        st, c = srv.api("POST", "/api/v1/campaigns", {
            "name": "kill", "product": "SARA-R410M", "from_version": OLD, "to_version": NEW,
            "package": p["sha256"], "imeis": [imei(i) for i in range(6)], "test_size": 1,
            "group_size": 5, "action_timeout": 20, "max_retries": 10, "retry_backoff": 0},
            token=operator)
        assert st == 201, (st, c)
        cid = c["id"]
        st, c = srv.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=approver)
        assert st == 200, (st, c)
        last = progress(c)
        accepted = False
        for k in range(kills):
            time.sleep(rng.uniform(0.05, 0.6))
            srv.kill()
            srv.start()
            c = srv.campaign(cid)
            now = progress(c)
            for i, (rank, attempts) in now.items():
                # nothing lost: a state may only move on (a retry goes back
                # to waiting with one more attempt)
                assert attempts >= last[i][1], (k, i, last[i], now[i])
                assert rank >= last[i][0] or attempts > last[i][1] or rank == 1, (k, i, last[i], now[i])
            last = now
            if c["state"] == "test_done" and not accepted:
                st, c = srv.api("POST", "/api/v1/campaigns/%d/accept-test" % cid, token=approver)
                assert st == 200, (st, c)
                accepted = True
        if not accepted:
            srv.wait_campaign(cid, lambda c: c["state"] == "test_done", 30)
            st, c = srv.api("POST", "/api/v1/campaigns/%d/accept-test" % cid, token=approver)
            assert st == 200, (st, c)
        c = srv.wait_campaign(cid, lambda c: c["state"] == "finished", 60)
        assert all(d["state"] == "succeeded" for d in c["devices"]), c
        for d in devs:
            assert d.version == NEW and d.downloaded == pkg, d.endpoint
            d.stop()
        print("ok: %d kills, seed %d, attempts %s" % (kills, seed,
              sorted(d["attempts"] for d in c["devices"])))


if __name__ == "__main__":
    sys.exit(main())
