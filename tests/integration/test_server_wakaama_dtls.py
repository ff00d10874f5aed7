"""sarafw-server with Eclipse Wakaama's lwm2mclient over DTLS-PSK (tinydtls,
TLS_PSK_WITH_AES_128_CCM_8), each device with its own key from the
server's database: the client registers, is observed, sends a
registration update, and a campaign reaches it (the server's Write /5/0/1
over the DTLS session is accepted: the device stays downloading, nothing
refused); it de-registers on quit. A wrong key gets no session (the
device stays provisioned, the client never registers), and another
device's identity and key cannot register this endpoint (4.03, the
client's registration fails).

The server's HelloVerifyRequest carries the DTLS 1.0 record version, as
OpenSSL's DTLSv1_listen always writes it and RFC 6347 §4.2.1 asks; the
tinydtls of Wakaama's snapshot dropped such records and never sent its
second ClientHello (scripts/peers.sh makes it accept them, as later
tinydtls does)."""
import os
import sys
import tempfile
import time

from lwm2mpeers import Lwm2mClient
from serverharness import Server
import simpkg

IMEI = "352099001761481"
EP = "urn:imei:" + IMEI
EP2 = "urn:imei:352099001761499"
# binary keys: Wakaama takes the key in hex (-s), so any byte goes
KEY = "9f1e00a4c35b7d20e6f80112ab34cd56"
KEY2 = "00112233445566778899aabbccddeeff"
WAKAAMA_FW = "1.0"
NEW_FW = "02.00,A01.00"


def never_registers(client, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s = client.servers()
        assert not any(v.startswith("REGISTERED") for v in s.values()), s
        time.sleep(0.3)
    return client.servers()


def refused(client, seconds):
    """The client's Register was answered with an error: Wakaama marks the
    server REGISTRATION FAILED and, having no bootstrap server, gives up
    (it exits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not client.alive():
            break
        s = client.servers()
        assert not any(v.startswith("REGISTERED") for v in s.values()), s
        if any(v.startswith("REGISTRATION FAILED") for v in s.values()):
            return
        time.sleep(0.3)
    out = client.out
    assert "REGISTERED\t" not in out, out[-2000:]
    assert "STATE_BOOTSTRAP_REQUIRED" in out or "REGISTRATION FAILED" in out, out[-2000:]


def main():
    with tempfile.TemporaryDirectory() as work, Server(work, nosec=False) as srv:
        operator, approver = srv.token("operator"), srv.token("approver")
        for ep, key in ((EP, KEY), (EP2, KEY2)):
            st, r = srv.api("PUT", "/api/v1/devices/%s/psk" % ep, {"key": key}, token=operator)
            assert st == 200, (st, r)

        # a wrong key: the handshake fails, nothing registers
        wrong = KEY[:-2] + "00"
        with Lwm2mClient(srv.coap_port, EP, lifetime=60, psk_id=EP, psk_key=wrong) as client:
            s = never_registers(client, 3.0)
            assert s and all(not v.startswith("REGISTERED") for v in s.values()), s
        assert srv.device(EP)["state"] == "provisioned", srv.device(EP)

        # EP2's own identity and key, registering as EP: the session is
        # EP2's, so the Register is refused and EP is left alone
        with Lwm2mClient(srv.coap_port, EP, lifetime=60, psk_id=EP2, psk_key=KEY2) as client:
            refused(client, 10.0)
        assert srv.device(EP)["state"] == "provisioned", srv.device(EP)
        assert srv.device(EP2)["state"] == "provisioned", srv.device(EP2)

        client = Lwm2mClient(srv.coap_port, EP, lifetime=60, psk_id=EP, psk_key=KEY)
        try:
            client.wait_registered(10)
            d = srv.wait_device(EP, lambda d: d["state"] == "registered" and d["firmware_version"] == WAKAAMA_FW,
                                10)
            assert d["imei"] == IMEI and d["lifetime"] == 60, d
            # the observations of /5/0/3 and /5/0/5 are answered through DTLS
            srv.wait_device(EP, lambda d: d["fw_state"] >= 0 and d["fw_result"] >= 0, 10)

            # a registration update through the same session
            before = srv.device(EP)["last_seen"]
            time.sleep(1.1)
            client.update()
            srv.wait_device(EP, lambda d: d["last_seen"] != before, 10)

            # a campaign: the server writes the package URI to /5/0/1
            pkg = simpkg.make(work, "SARA-R410M", target=b"\x5a" * 3000, to_version=NEW_FW)
            st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
            assert st == 201, (st, p)
            body = {"name": "dtls", "product": "SARA-R410M", "from_version": WAKAAMA_FW,
                    "to_version": NEW_FW, "package": p["sha256"], "imeis": [IMEI],
                    "location_area": "desk", "action_timeout": 60}
            st, c = srv.api("POST", "/api/v1/campaigns", body, token=operator)
            assert st == 201, (st, c)
            cid = c["id"]
            st, r = srv.api("POST", "/api/v1/campaigns/%d/approve" % cid, token=approver)
            assert st == 200 and r["state"] == "running", (st, r)
            c = srv.wait_campaign(cid, lambda c: c["devices"][0]["state"] == "downloading", 15)
            # a refused or unanswered Write would fail the attempt: it stays
            # downloading on its first attempt
            time.sleep(2.0)
            c = srv.campaign(cid)
            dev = c["devices"][0]
            assert dev["state"] == "downloading" and dev["attempts"] == 1, dev
            assert "refused" not in str(dev), dev
            assert client.alive()
        finally:
            rc = client.stop()
        srv.wait_device(EP, lambda d: d["state"] == "deregistered", 10)
        assert srv.device(EP2)["state"] == "provisioned"
        assert srv.alive()
        # the DTLS example dies on the way out, after its De-register:
        # connection_free() frees the connection list, then
        # dtls_free_context() sends close_notify through send_to_peer(),
        # which walks it (SIGSEGV, seen with gdb); the De-register above
        # already reached the server
        assert rc in (0, None, -11), rc
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
