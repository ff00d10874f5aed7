"""A campaign end to end (note §2.7) on scripted LwM2M devices: created by
an operator, approved by an approver (§2.7.2), a test campaign of 2
devices (§2.7.4) whose report must be accepted before the final campaign
(§2.7.5); groups with a success threshold to go on and an error threshold
that pauses; a device not on the start version is skipped (exact match); a
device that registers late joins; downloads over HTTP with Range (the bytes
are the package's); Write /5/0/1, Execute /5/0/2 once /5/0/3 says
Downloaded, the result from /5/0/5 and the version after the reboot;
retries; kill -9 of the server in the middle of the final campaign loses
nothing; a forced cancel."""
import os
import sys
import tempfile
import time

from serverharness import Device, Server
import simpkg

OLD, NEW, OTHER = "01.00,A01.00", "02.00,A01.00", "09.99,A00.00"


def imei(i):
    return "35000000000%04d" % i


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        operator, approver, viewer = srv.token("operator"), srv.token("approver"), srv.token("viewer")
        pkg = simpkg.make(work, "SARA-R410M", target=os.urandom(20000), to_version=NEW)
        st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
        assert st == 201, (st, p)
        # uploading the same bytes again changes nothing
        st, p2 = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
        assert st == 200 and p2 == p, (st, p2)

        # test group T0 T1; group 1 A0 A1 (late) S0 (other version); group 2 B0 B1 (bad) B2
        plan = [("T0", OLD, "good"), ("T1", OLD, "good"),
                ("A0", OLD, "good"), ("A1", OLD, "good"), ("S0", OTHER, "good"),
                ("B0", OLD, "bad_download"), ("B1", OLD, "bad_download"), ("B2", OLD, "good")]
        devs = {}
        for i, (name, ver, beh) in enumerate(plan):
            devs[name] = Device(srv.coap_port, "urn:imei:" + imei(i), ver, NEW, beh)
        for name, d in devs.items():
            if name != "A1":
                d.start()
        for name, d in devs.items():
            if name != "A1":
                srv.wait_device(d.endpoint, lambda x: x["firmware_version"] == d.version, 10)

        # at every registration the server observes /5/0/3, /5/0/5, /3/0/3 and reads /3/0
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and set(devs["T0"].observers) != {"/5/0/3", "/5/0/5", "/3/0/3"}:
            time.sleep(0.05)
        assert set(devs["T0"].observers) == {"/5/0/3", "/5/0/5", "/3/0/3"}, devs["T0"].observers
        assert "/3/0" in devs["T0"].reads, devs["T0"].reads

        body = {"name": "fleet", "product": "SARA-R410M", "from_version": OLD, "to_version": NEW,
                "package": p["sha256"], "imeis": [imei(i) for i in range(len(plan))],
                "location_area": "lab", "transport": "http", "test_size": 2, "group_size": 3,
                "success_threshold": 90, "error_threshold": 50, "action_timeout": 20,
                "max_retries": 1, "retry_backoff": 0}
        # exact versions: a start version that is only a prefix is a different campaign
        st, c = srv.api("POST", "/api/v1/campaigns", dict(body, test_size=6), token=operator)
        assert st == 422 and "test_size" in c["error"], (st, c)
        st, c = srv.api("POST", "/api/v1/campaigns", dict(body, to_version="02.00"), token=operator)
        assert st == 422, (st, c)
        st, c = srv.api("POST", "/api/v1/campaigns", body, token=operator)
        assert st == 201, (st, c)
        cid = c["id"]
        assert [d["group"] for d in c.get("devices", [])] in ([], [0, 0, 1, 1, 1, 2, 2, 2]), c
        time.sleep(1.2)  # nothing moves before approval
        assert all(not d.writes for d in devs.values())
        st, c = srv.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=approver)
        assert st == 200 and c["state"] == "running" and c["phase"] == "test", (st, c)

        # the test campaign: T0 and T1 only
        c = srv.wait_campaign(cid, lambda c: c["state"] == "test_done", 30)
        by = {d["imei"]: d for d in c["devices"]}
        assert by[imei(0)]["state"] == by[imei(1)]["state"] == "succeeded", c
        assert all(by[imei(i)]["state"] == "pending" for i in range(2, 8)), c
        assert devs["T0"].version == NEW and devs["T0"].downloaded == pkg
        assert devs["T0"].executes == 1 and len(devs["T0"].writes) == 1
        assert devs["A0"].writes == []
        # observations do not survive the reboot's new registration: made again
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(devs["T0"].observers) < 3:
            time.sleep(0.05)
        assert set(devs["T0"].observers) == {"/5/0/3", "/5/0/5", "/3/0/3"}, devs["T0"].observers
        assert devs["T0"].reads.count("/3/0") == 2, devs["T0"].reads
        st, r = srv.api("GET", "/api/v1/campaigns/%d/report" % cid, token=viewer)
        assert st == 200 and r["report"]["test"] == {"devices": 2, "succeeded": 2, "failed": 0,
                                                     "skipped": 0, "open": 0, "reset_during_install": 0,
                                                     "answered_within_180s": 2, "answered_after_180s": 0,
                                                     "install_by_failsafe_reset": 0}, r
        # note §2.7.3: each answered the update (Downloaded to Updating) at once
        for d in r["devices"][:2]:
            assert d["downloaded_at"] and d["answered_within_180s"] is True and 0 <= d["answered_s"] <= 5, d
            assert d["install_by_failsafe_reset"] is False and d["reset_during_install"] is False, d
        assert "not visible over LwM2M" in r["report"]["edrx"], r["report"]
        st, r = srv.api("POST", "/api/v1/campaigns/%d/accept-test" % cid, token=operator)
        assert st == 403, st
        st, c = srv.api("POST", "/api/v1/campaigns/%d/accept-test" % cid, token=approver)
        assert st == 200 and c["phase"] == "final" and c["current_group"] == 1, (st, c)

        # kill -9 while group 1 is on its way, and start again
        srv.wait_campaign(cid, lambda c: any(d["state"] in ("downloading", "updating")
                                             for d in c["devices"]), 20)
        srv.kill()
        time.sleep(0.5)
        srv.start()

        # group 1 ends (A0 succeeded, S0 skipped, A1 away): group 2 starts
        c = srv.wait_campaign(cid, lambda c: c["current_group"] == 2 or c["state"] == "paused", 30)
        by = {d["imei"]: d for d in c["devices"]}
        assert by[imei(2)]["state"] == "succeeded", c
        assert by[imei(4)]["state"] == "skipped" and OTHER in by[imei(4)]["detail"], c
        assert devs["S0"].writes == []

        # group 2: two of three fail after a retry each: the error threshold pauses
        c = srv.wait_campaign(cid, lambda c: c["state"] == "paused", 40)
        assert "error threshold" in c["detail"] and c["current_group"] == 2, c
        by = {d["imei"]: d for d in c["devices"]}
        for i in (5, 6):
            assert by[imei(i)]["state"] == "failed" and by[imei(i)]["attempts"] == 2, by[imei(i)]
            assert by[imei(i)]["result"] == 5 and "integrity" in by[imei(i)]["detail"], by[imei(i)]
        assert by[imei(3)]["state"] == "waiting", by[imei(3)]   # A1 has not registered
        st, r = srv.api("POST", "/api/v1/campaigns/%d/resume" % cid, token=viewer)
        assert st == 403, st
        st, c = srv.api("POST", "/api/v1/campaigns/%d/resume" % cid, token=operator)
        assert st == 200 and c["state"] == "running" and c["current_group"] == 3, (st, c)
        # every group went; A1 registers late, joins and the campaign finishes
        time.sleep(1.2)
        assert srv.campaign(cid)["state"] == "running"
        devs["A1"].start()
        c = srv.wait_campaign(cid, lambda c: c["state"] == "finished", 30)
        by = {d["imei"]: d for d in c["devices"]}
        assert by[imei(3)]["state"] == "succeeded" and devs["A1"].version == NEW, c
        assert devs["A1"].downloaded == pkg
        st, r = srv.api("GET", "/api/v1/campaigns/%d/report" % cid, token=viewer)
        fin = r["report"]["final"]
        assert {k: fin[k] for k in ("devices", "succeeded", "failed", "skipped", "open", "reset_during_install",
                                    "answered_after_180s", "install_by_failsafe_reset")} == \
            {"devices": 6, "succeeded": 3, "failed": 2, "skipped": 1, "open": 0, "reset_during_install": 0,
             "answered_after_180s": 0, "install_by_failsafe_reset": 0}, r["report"]
        assert fin["answered_within_180s"] <= 3, r["report"]
        st, r = srv.api("POST", "/api/v1/campaigns/%d/cancel" % cid, token=operator)
        assert st == 409, (st, r)

        # a second campaign: a device that accepts the download and goes
        # quiet is cancelled, forced; the server writes an empty /5/0/1
        quiet = Device(srv.coap_port, "urn:imei:" + imei(20), OLD, NEW, "silent").start()
        srv.wait_device(quiet.endpoint, lambda x: x["firmware_version"] == OLD, 10)
        st, c = srv.api("POST", "/api/v1/campaigns", dict(body, name="quiet", imeis=[imei(20)],
                                                          test_size=1), token=operator)
        assert st == 201, (st, c)
        cid2 = c["id"]
        srv.api("POST", "/api/v1/campaigns/%d/approve" % cid2, token=approver)
        srv.wait_campaign(cid2, lambda c: c["devices"][0]["state"] == "downloading", 10)
        st, r = srv.api("POST", "/api/v1/campaigns/%d/cancel?force=1" % cid2, token=viewer)
        assert st == 403, st
        st, c = srv.api("POST", "/api/v1/campaigns/%d/cancel?force=1" % cid2, token=operator)
        assert st == 200 and c["state"] == "cancelled", (st, c)
        assert c["devices"][0]["state"] == "cancelled", c
        deadline = time.monotonic() + 5
        while quiet.writes[-1:] != [""] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert quiet.writes[-1] == "", quiet.writes
        st, r = srv.api("POST", "/api/v1/campaigns/%d/cancel" % cid2, token=operator)
        assert st == 409, (st, r)
        quiet.stop()
        for d in devs.values():
            d.stop()
        assert srv.alive()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
