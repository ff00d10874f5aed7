"""End to end on a serial line: sarafw-sim's module on a PTY (its LwM2M
client pointed at sarafw-server on loopback), the host running `sarafw
ufota watch --json` on that PTY, a campaign created and approved with
`sarafw campaign` (note §2.7.2). The application lets the download run
(`--decide` with a command that exits 0); the module downloads the
package over HTTP from the server's store, the server executes the update, the module
installs, reboots and reports the new version: in GET /api/v1/devices, in
the campaign (succeeded, result 1) and in the watch's final event; the
module's audit is empty (the host kept its hands off, §2.7.3).

And the application's decision (§2.7.3, §2.6.5): `watch --decide CMD`
whose command exits 1 cancels the download at its start (AT+UFOTA=0,
`+UFOTASTAT: 2,3,100`), `watch --refuse` on a legacy version
(AT+ULWM2M=0, `+ULWM2MSTAT: 3,100`); the server's campaign records each
device as cancelled by the device, not retried. Time scale 50."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

from serverharness import BIN, Server
from simharness import Sim
from ufotawatch import Watch
import simpkg

SCALE = 50


def sarafw(env, *args, check=0, timeout=30):
    p = subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True, text=True, env=env,
                       timeout=timeout)
    assert check is None or p.returncode == check, (args, p.returncode, p.stdout, p.stderr)
    return p


class EndToEnd(unittest.TestCase):
    def setUp(self):
        self.t0 = time.monotonic()
        self.tmp = tempfile.TemporaryDirectory(prefix="sarafw-e2e-")
        self.addCleanup(self.tmp.cleanup)
        self.work = self.tmp.name
        self.srv = Server(self.work)
        self.addCleanup(self.srv.cleanup)
        self.tok = {}
        for role in ("operator", "approver", "viewer"):
            path = os.path.join(self.work, role + ".token")
            with open(path, "w") as f:
                f.write(self.srv.token(role) + "\n")
            self.tok[role] = path
        self.env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE), SARAFW_SERVER=self.srv.base)
        self.env.pop("SARAFW_TOKEN_FILE", None)

    def tearDown(self):
        took = time.monotonic() - self.t0
        print("%s: %.1f s" % (self.id().split(".")[-1], took), file=sys.stderr)
        self.assertLess(took, 60)

    def as_(self, role, *args, check=0):
        return sarafw(self.env, *args, "--token-file", self.tok[role], check=check)

    def module(self, variant, seed, *extra):
        """A simulated module on a PTY, registered with the server: (sim,
        imei, model, ATI9 version, host env)."""
        sim = Sim(variant, time_scale=SCALE, seed=seed,
                  args=["--lwm2m-server", "coap://127.0.0.1:%d" % self.srv.coap_port] + list(extra))
        self.addCleanup(sim.cleanup)
        port = sim.open()
        sim.wait_boot(port)
        imei = [l for l in port.command("AT+CGSN") if l.isdigit()][0]
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        model = [l for l in port.command("AT+CGMM") if l.startswith("SARA")][0]
        port.close()
        self.srv.wait_device("urn:imei:" + imei, lambda d: d["firmware_version"] == ati9, 20)
        env = dict(self.env, SARAFW_STATE_DIR=os.path.join(self.work, "host-" + imei))
        return sim, imei, model, ati9, env

    def campaign(self, sim, imei, model, old, grow=0):
        """A signed delta from the module's image, uploaded and in an
        approved campaign for this one module (its test group): the
        campaign's id and the new version."""
        img = simpkg.read_image(sim)
        new = "L9.9.00.00.05.12," + old.split(",")[1]
        d = os.path.join(self.work, "pkg-" + imei)
        os.makedirs(d)
        path = os.path.join(d, "new.pkg")
        with open(path, "wb") as f:
            f.write(simpkg.make(d, model, target=simpkg.derive_image(img, grow=grow), source=img,
                                from_version=old, to_version=new))
        sha = self.as_("operator", "pkg", "upload", path).stdout.split()[-1]
        imeis = os.path.join(d, "imeis.txt")
        with open(imeis, "w") as f:
            f.write(imei + "\n")
        p = self.as_("operator", "campaign", "create", "--name", "e2e-" + imei, "--product", model,
                     "--from-version", old, "--to-version", new, "--package", sha, "--imeis", imeis,
                     "--test-size", "1", "--transport", "http", "--action-timeout", "60", "--max-retries", "1",
                     "--retry-backoff", "0", "--location-area", "bench")
        self.assertIn("created (draft", p.stdout)
        cid = int(p.stdout.split()[1])
        self.assertEqual(self.srv.campaign(cid)["state"], "draft")
        p = self.as_("approver", "campaign", "approve", str(cid))
        self.assertIn("running", p.stdout)
        return cid, new

    def test_campaign_over_a_pty(self):
        sim, imei, model, old, env = self.module("SARA-R410M-02B-03", 1, "--bandwidth", "400000")
        # the application says yes (exit 0): the download goes on
        w = Watch(sim, env, "--decide", 'test "$SARAFW_VARIANT" = SARA-R410M-02B-03')
        self.addCleanup(w.close)
        ev = w.until(lambda e: e["event"] == "watch", 20)
        self.assertEqual(ev["state"], "idle")
        cid, new = self.campaign(sim, imei, model, old)
        w.until(lambda e: e["event"] == "updated" or e.get("state") == "failed", 45)
        self.assertEqual(w.p.wait(20), 0, w.p.stderr.read())
        final = w.got[-1]
        self.assertEqual((final["event"], final["version"], final["before"]), ("updated", new, old), w.got)
        states = [e["state"] for e in w.got if e["event"] == "state"]
        self.assertEqual(states[:3], ["downloading", "downloaded", "installing"], w.got)
        self.assertEqual(states[-1], "done")
        decided = [e for e in w.got if e["event"] == "decide"]
        self.assertEqual(decided, [{"event": "decide", "download": "run", "by": "command"}])
        # the server's view (sarafw devices), once the module has registered
        # again and been read: the host sees the new version first, and
        # the module boots once more after AT+UBKUPDATA (note §6.3), each
        # Register clearing the version until it is read again
        deadline = time.monotonic() + 20
        while True:
            p = self.as_("viewer", "devices", "--json")
            dev = [d for d in json.loads(p.stdout) if d["imei"] == imei][0]
            if dev["firmware_version"] == new or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual((dev["firmware_version"], dev["state"]), (new, "registered"), dev)
        c = self.srv.wait_campaign(cid, lambda c: c["state"] == "test_done", 20)
        self.assertEqual((c["devices"][0]["state"], c["devices"][0]["result"]), ("succeeded", 1), c)
        p = self.as_("viewer", "campaign", "report", str(cid))
        self.assertIn("1 succeeded, 0 failed", p.stdout)
        # the module's side, on its line: the URCs of §2.6.1 in order
        log = sim.log_text()
        at = [log.index(u) for u in ("+UFOTASTAT: 1,0,0", "+UFOTASTAT: 2,2,100", "# install requested")]
        self.assertEqual(at, sorted(at))
        self.assertEqual(sim.audit_events(), [])

    def test_application_cancels(self):
        for bad in (["watch", "--refuse", "--decide", "true"], ["status", "--refuse"], ["watch", "--decide", ""]):
            p = sarafw(self.env, "--port", "/dev/null", "ufota", *bad, check=2)
            self.assertIn("--", p.stderr)
        # --decide: the command sees the port and the product, exits 1
        sim, imei, model, old, env = self.module("SARA-R410M-02B-03", 2, "--bandwidth", "20000")
        seen = os.path.join(self.work, "decide.txt")
        w = Watch(sim, env, "--decide", 'echo "$SARAFW_PORT $SARAFW_VARIANT" > %s; exit 1' % seen)
        self.addCleanup(w.close)
        # --refuse on a version with the legacy URCs (AT+ULWM2M=0, note §2.3);
        # 02B-02, not 52B-00: that one takes note §2.6.2's reboot and
        # configuration file first (test_server_legacy)
        sim2, imei2, model2, old2, env2 = self.module("SARA-R410M-02B-02", 3, "--bandwidth", "20000")
        w2 = Watch(sim2, env2, "--refuse")
        self.addCleanup(w2.close)
        w.until(lambda e: e["event"] == "watch", 20)
        w2.until(lambda e: e["event"] == "watch", 20)
        # 300 kB of new bytes: about 2 min of module time at 20 kbit/s
        cid, _ = self.campaign(sim, imei, model, old, grow=300000)
        cid2, _ = self.campaign(sim2, imei2, model2, old2, grow=300000)
        for watch, s, urc in ((w, sim, "+UFOTASTAT: 2,3,100"), (w2, sim2, "+ULWM2MSTAT: 3,100")):
            watch.until(lambda e: e["event"] == "cancel", 30)
            self.assertEqual(watch.got[-1]["code"], 0, watch.got)
            ev = watch.until(lambda e: e["event"] == "state" and e["state"] in ("failed", "idle"), 20)
            self.assertIn("cancel", ev.get("reason", ""), watch.got)
            self.assertIn(urc, s.log_text())
            # the watch ends: the download it followed was cancelled
            self.assertEqual(watch.p.wait(20), 1, watch.p.stderr.read())
        self.assertEqual([e for e in w.got if e["event"] == "decide"],
                         [{"event": "decide", "download": "cancel", "by": "command"}])
        self.assertEqual([e for e in w2.got if e["event"] == "decide"],
                         [{"event": "decide", "download": "cancel", "by": "refuse"}])
        with open(seen) as f:
            self.assertEqual(f.read().split(), [sim.link, "SARA-R410M-02B-03"])
        for c_id, i in ((cid, imei), (cid2, imei2)):
            c = self.srv.wait_campaign(c_id, lambda c: c["devices"][0]["state"] != "downloading", 15)
            dev = c["devices"][0]
            self.assertEqual((dev["state"], dev["attempts"]), ("cancelled", 1), c)
            self.assertIn("cancelled the download", dev["detail"], c)
            self.assertEqual(self.srv.device("urn:imei:" + i)["fw_state"], 0)
        # not retried: no second download starts
        time.sleep(2)
        self.assertEqual(sim.log_text().count("+UFOTASTAT: 1,0,0"), 1)
        self.assertEqual(self.srv.campaign(cid)["devices"][0]["state"], "cancelled")
        for s in (sim, sim2):
            self.assertEqual([e for e in s.audit_events() if e.get("event") in
                              ("reset_during_download", "reset_during_install", "forbidden_during_download")], [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
