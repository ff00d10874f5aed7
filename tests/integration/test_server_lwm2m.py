"""sarafw-server with an independent LwM2M client, Eclipse Wakaama's
lwm2mclient: it registers, the server observes and reads it, and GET
/api/v1/devices shows it with the firmware version the client reports;
tokens and roles (401 without a valid token, 403 for the wrong role);
kill -9 of the server and a restart keep the device and a campaign, and
the client's next registration update is answered and observed again;
De-register."""
import os
import sys
import tempfile
import time

from lwm2mpeers import Lwm2mClient
from serverharness import Server
import simpkg

IMEI = "351234567890123"
EP = "urn:imei:" + IMEI
# Wakaama's example object_device.c reports this firmware version (/3/0/3)
WAKAAMA_FW = "1.0"
# as ATI9 prints it (MODEM,APP): what `sarafw pkg create` takes
NEW_FW = "02.00,A01.00"


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        # no device yet
        st, devs = srv.api("GET", "/api/v1/devices")
        assert st == 200 and devs == [], (st, devs)

        client = Lwm2mClient(srv.coap_port, EP, lifetime=60)
        try:
            client.wait_registered(10)
            d = srv.wait_device(EP, lambda d: d["firmware_version"] == WAKAAMA_FW, 10)
            assert d["imei"] == IMEI and d["state"] == "registered", d
            assert d["lifetime"] == 60 and d["lwm2m"] in ("1.0", "1.1"), d
            assert "/5/0" in d["objects"].split(",") and "/3/0" in d["objects"].split(","), d
            assert d["last_seen"].endswith("Z"), d
            # Wakaama's firmware object answers the observation of /5/0/3 and /5/0/5
            d = srv.wait_device(EP, lambda d: d["fw_state"] >= 0 and d["fw_result"] >= 0, 10)

            # tokens: none, malformed, wrong -> 401; roles -> 403
            st, _, _ = srv.http("GET", "/api/v1/devices")
            assert st == 401, st
            st, hdr, _ = srv.http("GET", "/api/v1/devices", token="0" * 64)
            assert st == 401 and hdr.get("WWW-Authenticate") == "Bearer", (st, hdr)
            st, _, _ = srv.http("GET", "/api/v1/devices", headers={"Authorization": "Basic eDp5"})
            assert st == 401, st
            viewer, operator, approver = srv.token("viewer"), srv.token("operator"), srv.token("approver")
            st, devs = srv.api("GET", "/api/v1/devices", token=viewer)
            assert st == 200 and [x["endpoint"] for x in devs] == [EP], devs
            st, _ = srv.api("POST", "/api/v1/tokens", {"role": "viewer"}, token=operator)
            assert st == 403, st

            # a package and a campaign for this device
            pkg = simpkg.make(work, "SARA-R410M", target=b"\x5a" * 3000, to_version=NEW_FW)
            st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=viewer)
            assert st == 403, st
            st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
            assert st == 201 and p["to_version"] == NEW_FW and p["size"] == len(pkg), (st, p)
            body = {"name": "lab", "product": "SARA-R410M", "from_version": WAKAAMA_FW,
                    "to_version": NEW_FW, "package": p["sha256"], "imeis": [IMEI],
                    "location_area": "desk", "action_timeout": 30}
            st, c = srv.api("POST", "/api/v1/campaigns", body, token=approver)
            assert st == 403, st
            st, c = srv.api("POST", "/api/v1/campaigns", body, token=operator)
            assert st == 201 and c["state"] == "draft" and c["test_size"] == 1, (st, c)
            cid = c["id"]
            # viewer and operator cannot approve (note §2.7.2); approval stays draft
            for tok in (viewer, operator):
                st, r = srv.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=tok)
                assert st == 403, (st, r)
            assert srv.campaign(cid)["state"] == "draft"

            # kill -9 and restart: the device and the campaign are still there
            srv.kill()
            srv.start()
            d = srv.device(EP, token=viewer)
            assert d and d["imei"] == IMEI and d["firmware_version"] == WAKAAMA_FW, d
            c = srv.campaign(cid)
            assert c["state"] == "draft" and [x["imei"] for x in c["devices"]] == [IMEI], c
            st, pk = srv.api("GET", "/api/v1/packages/" + p["sha256"], token=viewer)
            assert st == 200 and pk["sha256"] == p["sha256"], (st, pk)
            st, r = srv.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=approver)
            assert st == 200 and r["state"] == "running" and r["approved_by"] == "approver", (st, r)

            # the client's next update reaches the restarted server, which
            # observes it again: a change of /3/0/3 is seen... Wakaama's
            # firmware version is read-only, so watch last_seen move instead
            before = srv.device(EP)["last_seen"]
            time.sleep(1.1)
            client.update()
            srv.wait_device(EP, lambda d: d["last_seen"] != before, 10)

            # the campaign reached the device: it runs 1.0, the start version,
            # so the server wrote the package URI to /5/0/1 (Wakaama's
            # example accepts it and stays put): the device is downloading
            c = srv.wait_campaign(cid, lambda c: c["devices"][0]["state"] == "downloading", 15)
            assert c["devices"][0]["attempts"] == 1, c
        finally:
            rc = client.stop()
        # De-register on quit
        srv.wait_device(EP, lambda d: d["state"] == "deregistered", 10)
        assert srv.alive()
        assert rc in (0, None), rc
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
