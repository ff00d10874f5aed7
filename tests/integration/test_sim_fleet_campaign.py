"""A campaign (note §2.7) rehearsed on `sarafw-sim --fleet`: 20 simulated
modules' own LwM2M clients and one that powers on late, against
sarafw-server. A test campaign of 5 (§2.7.4), approval (§2.7.2), the test
report accepted (§2.7.5), then groups of 6: in the first, 2 of 6 hosts
misbehave (they reset the module when the update starts, §2.7.3), a third
of the group fails and the error threshold pauses; resumed, the rest go on
and the late module joins. Every good module downloads the package over
HTTP from the server's store, installs it, reboots and reports the new
version in GET /api/v1/devices. Then a forced cancel while downloading."""
import os
import subprocess
import sys
import tempfile
import time

from serverharness import BIN, Server
import simpkg

SCALE = float(os.environ.get("SARAFW_TIME_SCALE", "50"))
VARIANT, MODEL = "SARA-R410M-02B-03", "SARA-R410M-02B"
OLD = "L0.0.00.00.05.12,A.02.19"
NEW = "L9.9.00.00.05.12,A.02.19"
N, LATE_WALL_S = 21, 14.0


def fleet_list(path):
    rows = []
    with open(path) as f:
        for line in f:
            i, imei, host, start = line.split()
            rows.append((int(i), imei, host, float(start)))
    return rows


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        operator, approver = srv.token("operator"), srv.token("approver")
        fleet_dir = os.path.join(work, "fleet")
        # 3 misbehaving hosts of 21 (seeded); the last module powers on late
        argv = [os.path.join(BIN, "sarafw-sim"), "--fleet", str(N), "--variant", VARIANT,
                "--state", fleet_dir, "--lwm2m-server", "coap://127.0.0.1:%d" % srv.coap_port,
                "--time-scale", str(SCALE), "--seed", "11", "--rat", "nb1",
                "--fleet-faults", "misbehave=0.143,late=1@%g" % (LATE_WALL_S * SCALE)]
        sim = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=open(os.path.join(work, "fleet.log"), "wb"))
        try:
            assert sim.stdout.readline() == b"ready fleet %d\n" % N
            mem = sim.stdout.readline().decode()
            assert mem.startswith("memory rss_kb="), mem
            print("fleet:", mem.strip())
            rows = fleet_list(os.path.join(fleet_dir, "fleet.txt"))
            assert len(rows) == N and len({r[1] for r in rows}) == N, rows
            bad = [r[1] for r in rows if r[2] == "misbehaving"]
            late = [r[1] for r in rows if r[3] > 0]
            good = [r[1] for r in rows if r[2] == "good" and r[3] == 0]
            assert len(bad) == 3 and len(late) == 1 and late[0] not in bad, rows
            for imei in good + bad:
                srv.wait_device("urn:imei:" + imei, lambda d: d["firmware_version"] == OLD, 20)
            assert srv.device("urn:imei:" + late[0]) is None

            # a signed delta from the modules' image (all start on the same one)
            with open(os.path.join(fleet_dir, "m000000", "firmware.bin"), "rb") as f:
                img = f.read()
            pkg = simpkg.make(work, MODEL, target=simpkg.derive_image(img), source=img,
                              from_version=OLD, to_version=NEW)
            st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
            assert st == 201, (st, p)

            # test 5 good | group 1: 4 good + 2 bad | group 2: 5 good + 1 bad | group 3: 1 good + late
            order = good[:5] + good[5:9] + bad[:2] + good[9:14] + bad[2:] + good[14:] + late
            assert len(order) == N and len(set(order)) == N
            body = {"name": "fleet", "product": MODEL, "from_version": OLD, "to_version": NEW,
                    "package": p["sha256"], "imeis": order, "location_area": "lab",
                    "transport": "http", "test_size": 5, "group_size": 6,
                    "success_threshold": 60, "error_threshold": 30, "action_timeout": 30,
                    "max_retries": 0, "retry_backoff": 0}
            st, c = srv.api("POST", "/api/v1/campaigns", body, token=operator)
            assert st == 201, (st, c)
            cid = c["id"]
            time.sleep(1.0)
            assert srv.campaign(cid)["state"] != "running"  # nothing before approval
            st, c = srv.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=approver)
            assert st == 200 and c["state"] == "running" and c["phase"] == "test", (st, c)

            c = srv.wait_campaign(cid, lambda c: c["state"] == "test_done", 40)
            by = {d["imei"]: d for d in c["devices"]}
            assert all(by[i]["state"] == "succeeded" for i in order[:5]), c
            for i in order[:5]:
                d = srv.device("urn:imei:" + i)
                assert d["firmware_version"] == NEW, d
            st, c = srv.api("POST", "/api/v1/campaigns/%d/accept-test" % cid, token=approver)
            assert st == 200 and c["phase"] == "final", (st, c)

            # group 1: the 2 misbehaving hosts of 6 fail: a third, over 30 %: paused
            c = srv.wait_campaign(cid, lambda c: c["state"] == "paused", 40)
            assert "error threshold" in c["detail"] and c["current_group"] == 1, c
            by = {d["imei"]: d for d in c["devices"]}
            for i in bad[:2]:
                # the module came back on its old image and says so in /5/0/5;
                # the report names why (note §2.7.3): its host reset it
                assert by[i]["state"] == "failed" and by[i]["result"] == 8, by[i]
                assert by[i]["reset_during_install"] is True and "reset" in by[i]["detail"], by[i]
            # the pause stops what has not started; the updates under way finish
            c = srv.wait_campaign(cid, lambda c: all(d["state"] == "succeeded" for d in c["devices"]
                                                     if d["imei"] in good[5:9]), 20)
            assert c["state"] == "paused", c
            st, r = srv.api("GET", "/api/v1/campaigns/%d/report" % cid)
            assert st == 200 and r["report"]["final"]["failed"] == 2, r
            assert r["report"]["final"]["reset_during_install"] == 2, r["report"]
            rd = {d["imei"]: d for d in r["devices"]}
            for i in good[5:9]:
                assert rd[i]["reset_during_install"] is False and rd[i]["install_by_failsafe_reset"] is False, rd[i]
            for i in bad[:2]:
                assert srv.device("urn:imei:" + i)["firmware_version"] == OLD

            st, c = srv.api("POST", "/api/v1/campaigns/%d/resume" % cid, token=operator)
            assert st == 200 and c["state"] == "running", (st, c)
            c = srv.wait_campaign(cid, lambda c: c["state"] in ("finished", "paused"), 50)
            assert c["state"] == "finished", c
            by = {d["imei"]: d for d in c["devices"]}
            assert by[late[0]]["state"] == "succeeded", by[late[0]]  # registered late, joined
            for i in good + late:
                assert by[i]["state"] == "succeeded", by[i]
                assert srv.device("urn:imei:" + i)["firmware_version"] == NEW
            assert by[bad[2]]["state"] == "failed", by[bad[2]]

            # forced cancel: the three misbehaving hosts now behave (one
            # reset each); a slow download is cancelled while it runs
            st, c = srv.api("POST", "/api/v1/campaigns", dict(body, name="again", imeis=bad, test_size=1),
                            token=operator)
            assert st == 201, (st, c)
            cid2 = c["id"]
            srv.api("POST", "/api/v1/campaigns/%d/approve" % cid2, token=approver)
            srv.wait_campaign(cid2, lambda c: c["devices"][0]["state"] == "downloading", 20)
            st, c = srv.api("POST", "/api/v1/campaigns/%d/cancel?force=1" % cid2, token=operator)
            assert st == 200 and c["state"] == "cancelled", (st, c)
            assert all(d["state"] in ("cancelled", "pending") for d in c["devices"]), c
            time.sleep(2.0)
            assert srv.device("urn:imei:" + bad[0])["firmware_version"] == OLD
            assert srv.alive()
            assert sim.poll() is None, open(os.path.join(work, "fleet.log")).read()[-3000:]
        finally:
            sim.terminate()
            sim.wait(10)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
