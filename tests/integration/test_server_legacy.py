"""Note §2.6.2 end to end: "the uFOTA server will then send a command to
reboot the module. After the reboot, the module will check in again with
the uFOTA server to proceed with the download of a configuration file
(~4 kB), reboot again, then will proceed with the delta packages."

- sarafw-server runs a campaign for sarafw-sim's SARA-R410M-02B-01 (a
  legacy version): Execute /3/0/4, the configuration file through
  /5/0/1, the delta, Execute /5/0/2; `sarafw ufota watch` follows it on
  the PTY and takes the two extra reboots as part of the flow; the
  module's URCs (note §2.6.1.2's legacy form) are checked line by line.
- On a legacy version a delta without the server's reboot and the
  configuration file is refused (Update Result 6), and so is a
  configuration file without the reboot; on SARA-R410M-02B-03 /3/0/4
  reboots and the delta needs nothing before it.
- AT+ULWM2M=1 turns the client off from the next boot, =0 on again.
- A wrong DTLS PSK: the module reports the failed registration
  (+ULWM2MSTAT: 1,721,4 where the variant has that form, +ULWM2MREG?
  on a legacy version) and tries again."""
import os
import subprocess
import tempfile
import time
import unittest

import lwm2mpeer
import simpkg
from lwm2mpeer import code_str
from serverharness import Server
from simharness import BIN, Sim
from ufotawatch import Watch

SCALE = 50
NEW = "L0.0.00.00.05.12,A.02.19"


def log_lines(sim):
    """(kind, text) of the simulator's log: '>' module output, '<' host
    input, '#' events such as "power on"."""
    out = []
    for line in sim.log_text().splitlines():
        parts = line.split(None, 2)
        if len(parts) >= 2 and parts[1] in (">", "<", "#"):
            out.append((parts[1], parts[2] if len(parts) > 2 else ""))
    return out


class Legacy(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sarafw-legacy-")
        self.addCleanup(self.tmp.cleanup)
        self.image = os.path.join(self.tmp.name, "fw.bin")
        with open(self.image, "wb") as f:
            f.write(os.urandom(8192))

    def sim(self, variant, uri, *extra):
        s = Sim(variant, time_scale=SCALE, args=["--lwm2m-server", uri, "--firmware", self.image] + list(extra))
        self.addCleanup(s.cleanup)
        return s

    def env(self):
        return dict(os.environ, SARAFW_TIME_SCALE=str(SCALE),
                    SARAFW_STATE_DIR=os.path.join(self.tmp.name, "hoststate"))

    def delta(self, sim, port, grow=250000):
        """A signed delta from the running image to NEW: (bytes, ATI9, model)."""
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        model = [l for l in port.command("AT+CGMM") if l.startswith("SARA")][0]
        img = simpkg.read_image(sim)
        work = tempfile.mkdtemp(dir=self.tmp.name)
        pkg = simpkg.make(work, model, target=simpkg.derive_image(img, grow=grow), source=img,
                          from_version=ati9, to_version=NEW)
        return pkg, ati9, model

    def watch(self, sim, *extra):
        w = Watch(sim, self.env(), *extra)
        self.addCleanup(w.close)
        return w

    def events(self, w, until, timeout):
        return w.events(until, timeout)

    def test_campaign_legacy_flow(self):
        with Server(self.tmp.name) as srv:
            sim = self.sim("SARA-R410M-02B-01", "coap://127.0.0.1:%d" % srv.coap_port, "--bandwidth", "400000")
            port = sim.open()
            sim.wait_boot(port)
            pkg, before, model = self.delta(sim, port)
            imei = [l for l in port.command("AT+CGSN") if l.isdigit()][0]
            port.close()
            ep = "urn:imei:" + imei
            srv.wait_device(ep, lambda d: d["firmware_version"] == before, 20)
            operator, approver = srv.token("operator"), srv.token("approver")
            st, p = srv.api("POST", "/api/v1/packages", raw=pkg, token=operator)
            self.assertEqual(st, 201, p)
            mark = len(log_lines(sim))
            w = self.watch(sim, "--expect-version", NEW)
            self.events(w, lambda e: e["event"] == "watch", 20)
            body = {"name": "legacy", "product": model, "from_version": before, "to_version": NEW,
                    "package": p["sha256"], "imeis": [imei], "location_area": "lab", "transport": "http",
                    "test_size": 1, "group_size": 1, "success_threshold": 100, "error_threshold": 100,
                    "action_timeout": 120, "max_retries": 0, "retry_backoff": 0}
            st, c = srv.api("POST", "/api/v1/campaigns", body, token=operator)
            self.assertEqual(st, 201, c)
            st, c = srv.api("POST", "/api/v1/campaigns/%d/approve" % c["id"], token=approver)
            self.assertEqual(st, 200, c)
            got = self.events(w, lambda e: e["event"] == "updated" or e.get("state") == "failed", 240)
            self.assertEqual(w.wait(30), 0, w.stderr.read())
            self.assertEqual(got[-1], {"event": "updated", "version": NEW, "before": before})
            c = srv.wait_campaign(c["id"], lambda c: c["state"] == "test_done", 60)
            self.assertEqual(c["devices"][0]["state"], "succeeded", c)

            # the monitor: the configuration reboot is the legacy flow, not an end
            states = [(e["state"], e.get("configured", False)) for e in got if e["event"] == "state"]
            self.assertNotIn("failed", [s for s, _ in states])
            self.assertEqual([s for s, _ in states].count("done"), 1)
            self.assertEqual(states[-1][0], "done")
            self.assertIn(("idle", True), states, states)
            first_idle = states.index(("idle", True))
            self.assertEqual([s for s, _ in states[:2]], ["downloading", "downloaded"])
            self.assertIn("downloading", [s for s, _ in states[first_idle:]])

            # what the host saw on the line, in order (note §2.6.2 with
            # §2.6.1.2's URCs): reboot, configuration file, own reboot,
            # the delta with its progress, the reboot into the install
            seen = []
            for kind, text in log_lines(sim)[mark:]:
                if kind == "#" and text == "power on":
                    seen.append("<reboot>")
                elif kind == ">" and text.startswith("+ULWM2MSTAT"):
                    seen.append(text)
            progress = [s for s in seen if s.startswith("+ULWM2MSTAT: 1,")]
            self.assertTrue(progress, seen)
            pcts = [int(s.split(",")[1]) for s in progress]
            self.assertEqual(pcts, sorted(pcts))
            expected = (["<reboot>",                                     # Execute /3/0/4
                         "+ULWM2MSTAT: 0,0", "+ULWM2MSTAT: 2,100",       # the ~4 kB file, no progress
                         "<reboot>",                                     # applied: its own reboot
                         "+ULWM2MSTAT: 0,0"] + progress + ["+ULWM2MSTAT: 2,100",
                                                           "<reboot>"])  # Execute /5/0/2: the install
            self.assertEqual(seen[:len(expected)], expected)
            self.assertEqual(seen[len(expected):], ["<reboot>"])  # the install's end
            audit = [e["event"] for e in sim.audit_events()]
            self.assertIn("server_reboot", audit)
            self.assertIn("ufota_config_applied", audit)
            self.assertNotIn("ufota_legacy_refused", audit)
            for bad in ("reset_during_download", "reset_during_install", "forbidden_during_download"):
                self.assertNotIn(bad, audit)
            port = sim.open()
            sim.wait_boot(port)
            self.assertEqual(port.command("ATI9"), [NEW, "OK"])

    def config_file(self, model, before, sha):
        out = os.path.join(self.tmp.name, "config.bin")
        r = subprocess.run([os.path.join(BIN, "sarafw"), "pkg", "config", "--product", model, "--from", before,
                            "--to", NEW, "--package", sha, "-o", out], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            data = f.read()
        self.assertEqual(len(data), 4096)
        return data

    def test_module_refusals_and_reboot(self):
        srv = lwm2mpeer.Server()
        self.addCleanup(srv.close)
        web = lwm2mpeer.PackageServer(os.path.join(self.tmp.name, "www"))
        self.addCleanup(web.close)
        sim = self.sim("SARA-R410M-02B-00", srv.uri, "--bandwidth", "400000")
        port = sim.open()
        sim.wait_boot(port)
        srv.wait_event("register", 10)
        pkg, before, model = self.delta(sim, port, grow=1000)
        delta_url = web.put("delta.pkg", pkg)
        import hashlib
        config_url = web.put("config.bin", self.config_file(model, before, hashlib.sha256(pkg).hexdigest()))

        def refused(url):
            self.assertEqual(code_str(srv.write("/5/0/1", url.encode())["code"]), "2.04")
            self.assertEqual(lwm2mpeer.urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 3,103", 10),
                             ["+ULWM2MSTAT: 0,0", "+ULWM2MSTAT: 3,103"])
            self.assertEqual(srv.read("/5/0/5")["payload"], b"6")  # unsupported package type
            self.assertEqual(srv.read("/5/0/3")["payload"], b"0")
        # a delta at once, and a configuration file without the reboot
        refused(delta_url)
        refused(config_url)
        # Execute /3/0/4: the AT interface goes away and comes back, and the
        # client checks in again although its lifetime has not run out
        self.assertEqual(code_str(srv.execute("/3/0/4")["code"]), "2.04")
        t0 = time.monotonic()
        time.sleep(0.02)
        deadline = t0 + sim.boot_time() * 0.8
        while time.monotonic() < deadline:  # booting: no answer
            port.write("AT\r")
            with self.assertRaises(TimeoutError):
                port.expect("OK", 0.02)
        sim.wait_boot(port)
        srv.wait_event("register", 10)
        # now the configuration file: applied, then the module's own reboot
        self.assertEqual(code_str(srv.write("/5/0/1", config_url.encode())["code"]), "2.04")
        self.assertEqual(lwm2mpeer.urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 2,100", 10),
                         ["+ULWM2MSTAT: 0,0", "+ULWM2MSTAT: 2,100"])
        srv.wait_event("register", 10)
        sim.wait_boot(port)
        self.assertEqual(srv.read("/5/0/3")["payload"], b"0")
        # then the delta goes through
        self.assertEqual(code_str(srv.write("/5/0/1", delta_url.encode())["code"]), "2.04")
        lwm2mpeer.urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 2,100", 10)
        self.assertEqual(srv.read("/5/0/3")["payload"], b"2")

    def test_other_version_reboot_without_config(self):
        srv = lwm2mpeer.Server()
        self.addCleanup(srv.close)
        web = lwm2mpeer.PackageServer(os.path.join(self.tmp.name, "www"))
        self.addCleanup(web.close)
        sim = self.sim("SARA-R410M-02B-03", srv.uri, "--bandwidth", "400000")
        port = sim.open()
        sim.wait_boot(port)
        port.command("AT+UFOTASTAT=1")
        srv.wait_event("register", 10)
        self.assertEqual(code_str(srv.execute("/3/0/4")["code"]), "2.04")
        srv.wait_event("register", 10)  # checked in again after the reboot
        sim.wait_boot(port)
        pkg, before, model = self.delta(sim, port, grow=1000)
        port.command("AT+UFOTASTAT=1")  # not stored (Table 2: off at boot)
        self.assertEqual(code_str(srv.write("/5/0/1", web.put("d.pkg", pkg).encode())["code"]), "2.04")
        lwm2mpeer.urcs(port, ("+UFOTASTAT",), "+UFOTASTAT: 2,2,100", 10)
        self.assertEqual(srv.read("/5/0/3")["payload"], b"2")
        audit = [e for e in sim.audit_events() if e["event"] == "server_reboot"]
        self.assertEqual(audit[0]["legacy"], False)

    def test_ulwm2m_disable(self):
        srv = lwm2mpeer.Server()
        self.addCleanup(srv.close)
        sim = self.sim("SARA-R412M-02B-01", srv.uri)
        port = sim.open()
        sim.wait_boot(port)
        srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+ULWM2M=1"), ["OK"])
        self.assertEqual(port.command("AT+ULWM2M?"), ["+ULWM2M: 1", "OK"])
        # the running client goes on until the reboot
        self.assertEqual(port.command("AT+ULWM2MREG?"), ["+ULWM2MREG: 721,3", "OK"])
        port.command("AT+CFUN=15")
        time.sleep(sim.boot_time() / 2)
        sim.wait_boot(port)
        self.assertEqual(port.command("AT+ULWM2M?"), ["+ULWM2M: 1", "OK"])
        time.sleep(5.0 / SCALE)  # attached: a client would run by now
        self.assertEqual(port.command("AT+ULWM2MLIST?"), ["ERROR"])  # no client running
        # a check-in asked for ("within 60 s") does not come: no client
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        with self.assertRaises(TimeoutError):
            srv.wait_event("register", 90.0 / SCALE)
        self.assertEqual(port.command("AT+ULWM2M=0"), ["OK"])
        port.command("AT+CFUN=15")
        time.sleep(sim.boot_time() / 2)
        sim.wait_boot(port)
        deadline = time.monotonic() + 5
        while port.command("AT+ULWM2MLIST?") == ["ERROR"]:  # the client starts after attach
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+ULWM2M?"), ["+ULWM2M: 0", "OK"])

    def test_dtls_wrong_psk_reported(self):
        with Server(self.tmp.name, nosec=False) as srv:
            uri = "coaps://127.0.0.1:%d" % srv.coap_port
            key = "000102030405060708090a0b0c0d0e0f"
            for variant in ("SARA-R410M-02B-03", "SARA-R410M-02B-01"):
                sim = Sim(variant, time_scale=SCALE, seed=None,
                          args=["--lwm2m-server", uri, "--lwm2m-psk-id", "x", "--lwm2m-psk-key", "00"])
                self.addCleanup(sim.cleanup)
                port = sim.open()
                sim.wait_boot(port)
                imei = [l for l in port.command("AT+CGSN") if l.isdigit()][0]
                ep = "urn:imei:" + imei
                st, _ = srv.api("PUT", "/api/v1/devices/%s/psk" % ep, {"key": key}, token=srv.token("operator"))
                self.assertEqual(st, 200)
                sim.stop()
                sim.args = ["--lwm2m-server", uri, "--lwm2m-psk-id", ep, "--lwm2m-psk-key", "ff" * 16]
                sim.start()
                port = sim.open()
                sim.wait_boot(port)
                if variant.endswith("-03"):
                    port.command("AT+ULWM2MSTAT=1")
                    got = lwm2mpeer.urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 1,721,4", 20)
                    self.assertNotIn("+ULWM2MSTAT: 1,721,3", got)
                    # and again, a minute of module time later
                    t0 = time.monotonic()
                    lwm2mpeer.urcs(port, ("+ULWM2MSTAT",), "+ULWM2MSTAT: 1,721,4", 20)
                    self.assertGreater((time.monotonic() - t0) * SCALE, 50)
                else:
                    deadline = time.monotonic() + 20
                    while port.command("AT+ULWM2MREG?")[0] != "+ULWM2MREG: 721,4":
                        self.assertLess(time.monotonic(), deadline)
                        time.sleep(0.2)
                fails = [e for e in sim.audit_events() if e["event"] == "lwm2m_dtls_failed"]
                self.assertTrue(fails)
                self.assertNotEqual(srv.device(ep).get("state"), "registered")
                # the right key registers
                sim.stop()
                sim.args = ["--lwm2m-server", uri, "--lwm2m-psk-id", ep, "--lwm2m-psk-key", key]
                sim.start()
                port = sim.open()
                sim.wait_boot(port)
                srv.wait_device(ep, lambda d: d["state"] == "registered", 20)
                deadline = time.monotonic() + 5  # the 2.01 on its way to the module
                while port.command("AT+ULWM2MREG?") != ["+ULWM2MREG: 721,3", "OK"]:
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.05)


if __name__ == "__main__":
    unittest.main()
