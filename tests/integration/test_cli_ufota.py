"""sarafw ufota (note §2) against sarafw-sim's LwM2M client, a test LwM2M
server (lwm2mpeer.py) and an HTTP server for the package on loopback:
`watch` follows a whole update end to end (the server writes /5/0/1 and
executes /5/0/2; the module downloads, installs and comes back on the new
version, §2.6.1), the 180 s failsafe when no execute comes (§2.6.4),
`checkin` and `deregister` (§2.5.1), `lifetime` on both command sets
(§2.5.1, §2.5.2), `cancel` while downloading and after (§2.3, §2.6.5),
and `status` (/5/0/3, /5/0/5)."""
import functools
import http.server
import json
import os
import random
import subprocess
import tempfile
import threading
import time
import unittest

import lwm2mpeer
import simpkg
from simharness import BIN, Sim
from ufotawatch import Watch

SCALE = 50


class Web:
    """Files over HTTP on 127.0.0.1, a free port chosen now."""

    def __init__(self, root):
        self.root = root
        os.makedirs(root, exist_ok=True)
        handler = functools.partial(Quiet, directory=root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def put(self, name, data):
        with open(os.path.join(self.root, name), "wb") as f:
            f.write(data)
        return "http://127.0.0.1:%d/%s" % (self.httpd.server_address[1], name)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Ufota(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sarafw-ufota-")
        self.hoststate = os.path.join(self.tmp.name, "hoststate")
        self.web = Web(os.path.join(self.tmp.name, "www"))
        self.addCleanup(self.web.close)
        self.srv = lwm2mpeer.Server()
        self.addCleanup(self.srv.close)
        self.image = os.path.join(self.tmp.name, "fw.bin")
        with open(self.image, "wb") as f:
            f.write(random.Random(7).randbytes(8192))

    def tearDown(self):
        self.tmp.cleanup()

    def sim(self, variant, *extra):
        s = Sim(variant, time_scale=SCALE,
                args=["--lwm2m-server", self.srv.uri, "--firmware", self.image] + list(extra))
        self.addCleanup(s.cleanup)
        return s

    def env(self):
        return dict(os.environ, SARAFW_TIME_SCALE=str(SCALE), SARAFW_STATE_DIR=self.hoststate)

    def sarafw(self, sim, *args, timeout=120):
        return subprocess.run([os.path.join(BIN, "sarafw"), "--port", sim.link] + list(args),
                              capture_output=True, text=True, timeout=timeout, env=self.env())

    def registered(self, sim):
        port = sim.open()
        sim.wait_boot(port)
        self.srv.wait_event("register", 10)
        return port

    def package(self, sim, port, name, grow=0):
        """A signed delta from the running image to L9.9...; its URL."""
        img = simpkg.read_image(sim)
        ati9 = [l for l in port.command("ATI9") if "," in l][0]
        model = [l for l in port.command("AT+CGMM") if l.startswith("SARA")][0]
        work = os.path.join(self.tmp.name, name + ".d")
        os.makedirs(work)
        new = "L9.9.00.00.05.12," + ati9.split(",")[1]
        pkg = simpkg.make(work, model, target=simpkg.derive_image(img, grow=grow), source=img,
                          from_version=ati9, to_version=new)
        return self.web.put(name, pkg), ati9, new

    def watch(self, sim, *extra):
        w = Watch(sim, self.env(), *extra)
        self.addCleanup(w.close)
        return w

    def events(self, w, until, timeout):
        return w.events(until, timeout)

    def no_host_mistakes(self, sim):
        bad = [e for e in sim.audit_events() if e.get("event") in
               ("reset_during_download", "reset_during_install", "forbidden_during_download")]
        self.assertEqual(bad, [])

    def test_watch_full_update_r422(self):
        # note §2.6.1.1 (SARA-R422 family) seen through sarafw ufota watch
        sim = self.sim("SARA-R422S", "--bandwidth", "400000")
        port = self.registered(sim)
        url, before, new = self.package(sim, port, "r422.pkg")
        port.close()
        p = self.watch(sim)
        self.events(p, lambda e: e["event"] == "watch", 20)
        self.srv.observe("/5/0/3")
        self.assertEqual(lwm2mpeer.code_str(self.srv.write("/5/0/1", url.encode())["code"]), "2.04")
        got = self.events(p, lambda e: e.get("state") == "downloaded" and e["event"] == "state", 60)
        self.assertIn({"event": "close_sockets"}, got)  # §2.6.3: before the end
        self.assertEqual(got[-1]["percent"], 100)
        self.srv.wait_notification("/5/0/3", 5, 2)
        # the server executes the update (§2.1): reset, install, reboot
        self.assertEqual(lwm2mpeer.code_str(self.srv.execute("/5/0/2")["code"]), "2.04")
        got += self.events(p, lambda e: e["event"] == "updated", 120)
        self.assertEqual(p.wait(30), 0, p.stderr.read())
        states = [e["state"] for e in got if e["event"] == "state"]
        self.assertEqual(states[:3], ["downloading", "downloaded", "installing"])
        self.assertEqual(states[-1], "done")
        # the install's percent, from +UFWINSTALL (switched on by watch)
        inst = [e["percent"] for e in got if e["event"] == "progress" and e["state"] == "installing"]
        self.assertTrue(inst and inst[-1] == 100, got)
        self.assertEqual(got[-1]["version"], new)
        self.assertEqual(got[-1]["before"], before)
        self.no_host_mistakes(sim)
        # the URCs are on again after the update (§2.6.1)
        port = sim.open()
        sim.wait_boot(port)
        self.assertEqual(port.command("AT+UFOTASTAT?"), ["+UFOTASTAT: 1", "OK"])

    def test_watch_failsafe_r410(self):
        # note §2.6.4: no execute from the server; 180 s after the download
        # sarafw resets the module (AT+CFUN=15) and the install follows
        sim = self.sim("SARA-R410M-02B-03", "--bandwidth", "400000")
        port = self.registered(sim)
        url, before, new = self.package(sim, port, "r410.pkg")
        port.close()
        p = self.watch(sim)
        self.events(p, lambda e: e["event"] == "watch", 20)
        self.srv.write("/5/0/1", url.encode())
        got = self.events(p, lambda e: e.get("state") == "downloaded", 60)
        t_done = time.monotonic()
        got += self.events(p, lambda e: e["event"] == "failsafe", 60)
        t_reset = time.monotonic()
        self.assertEqual(got[-1]["code"], 0)
        self.assertGreaterEqual((t_reset - t_done) * SCALE, 170)  # not before 180 s of module time
        got += self.events(p, lambda e: e["event"] == "updated" or e.get("state") == "failed", 120)
        self.assertEqual(p.wait(30), 0, p.stderr.read())
        self.assertEqual(got[-1]["event"], "updated", got)
        self.assertEqual(got[-1]["version"], new)
        self.no_host_mistakes(sim)

    def test_host_killed_mid_download_and_install(self):
        # sarafw killed (-9) while the module downloads, then while it
        # installs: a new watch goes on from the state file, and the one
        # that starts mid-install sends the module nothing but AT
        sim = self.sim("SARA-R410M-02B-03", "--bandwidth", "20000")
        port = self.registered(sim)
        # 300 kB of new bytes: about 2 min of module time at 20 kbit/s
        url, before, new = self.package(sim, port, "k.pkg", grow=300000)
        port.close()
        p = self.watch(sim)
        self.events(p, lambda e: e["event"] == "watch", 20)
        self.srv.write("/5/0/1", url.encode())
        self.events(p, lambda e: e.get("state") == "downloading", 30)
        p.kill()
        p.wait(10)
        p = self.watch(sim)
        got = self.events(p, lambda e: e["event"] == "watch", 20)
        self.assertEqual(got[-1]["state"], "downloading")  # from the record
        self.events(p, lambda e: e.get("state") == "downloaded", 120)
        self.srv.execute("/5/0/2")
        self.events(p, lambda e: e.get("state") == "installing", 60)
        p.kill()
        p.wait(10)
        mark = len(sim.log_text())
        p = self.watch(sim)
        got = self.events(p, lambda e: e["event"] == "watch", 20)
        self.assertEqual(got[-1]["state"], "installing")
        got = self.events(p, lambda e: e["event"] == "updated" or e.get("state") == "failed", 180)
        self.assertEqual(p.wait(30), 0, p.stderr.read())
        self.assertEqual(got[-1]["version"], new)
        self.no_host_mistakes(sim)
        # the watch that started mid-install sent nothing but AT until
        # the module was back (the simulator logs no input while it installs)
        sent = []
        for line in sim.log_text()[mark:].splitlines():
            if line.split()[1:2] == ["#"] and "boot done" in line:
                break
            if line.split()[1:2] == ["<"]:
                sent.append(line.split(None, 2)[2])
        self.assertLessEqual(set(sent), {"AT"})
        del before

    def test_checkin_lifetime_deregister(self):
        sim = self.sim("SARA-R410M-02B-03")
        port = self.registered(sim)
        port.close()
        # §2.5.1: +ULWM2MWRITE on /1/1; the change triggers a registration update
        r = self.sarafw(sim, "ufota", "lifetime", "604800")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.srv.wait_event("update", 10), {"lt": "604800"})
        r = self.sarafw(sim, "--json", "ufota", "lifetime")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["seconds"], 604800)
        r = self.sarafw(sim, "ufota", "lifetime", "off")
        self.assertEqual(r.returncode, 1)
        self.assertIn("deregister", r.stderr)
        # §2.5.1: deregister, then check in again (within 60 s)
        r = self.sarafw(sim, "ufota", "deregister")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.srv.wait_event("deregister", 10)
        t0 = time.monotonic()
        r = self.sarafw(sim, "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.srv.wait_event("register", 10)
        self.assertLess((time.monotonic() - t0) * SCALE, 60 + 60)

    def test_lifetime_ufotaconf(self):
        # §2.5.2 on SARA-R410M-52B: +UFOTACONF=2,<s>, -1 disables
        sim = self.sim("SARA-R410M-52B")
        port = self.registered(sim)
        port.close()
        r = self.sarafw(sim, "ufota", "lifetime", "31536000")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.sarafw(sim, "--json", "ufota", "lifetime")
        self.assertEqual(json.loads(r.stdout)["seconds"], 31536000)
        r = self.sarafw(sim, "ufota", "lifetime", "off")
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.sarafw(sim, "ufota", "lifetime")
        self.assertEqual(r.stdout.strip(), "life timer disabled")
        # the check-in: the timer set again to what it is
        r = self.sarafw(sim, "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_cancel_and_status(self):
        sim = self.sim("SARA-R422S", "--bandwidth", "20000")
        port = self.registered(sim)
        port.close()
        r = self.sarafw(sim, "--json", "ufota", "status")
        self.assertEqual(r.returncode, 0, r.stderr)
        st = json.loads(r.stdout)
        self.assertEqual((st["fw_state"], st["update_result"]), (0, 0))
        r = self.sarafw(sim, "ufota", "cancel")
        self.assertEqual(r.returncode, 1)
        self.assertIn("nothing to cancel", r.stderr)
        self.assertEqual(self.sarafw(sim, "ufota", "urcs", "on").returncode, 0)
        self.srv.write("/5/0/1", self.web.put("big.bin", os.urandom(1024 * 1024)).encode())
        deadline = time.monotonic() + 10
        while json.loads(self.sarafw(sim, "--json", "ufota", "status").stdout)["fw_state"] != 1:
            self.assertLess(time.monotonic(), deadline)
        r = self.sarafw(sim, "ufota", "cancel")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("cancelled", r.stdout)
        r = self.sarafw(sim, "--json", "ufota", "status")
        self.assertEqual(json.loads(r.stdout)["fw_state"], 0)
        r = self.sarafw(sim, "ufota", "cancel")
        self.assertEqual(r.returncode, 1)
        self.no_host_mistakes(sim)


if __name__ == "__main__":
    unittest.main()
