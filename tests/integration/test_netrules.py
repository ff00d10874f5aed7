"""The network rules of note §2.8 and §2.1 in sarafw-sim, and the host's
side of them through `sarafw ufota` (lib/ufota_ctl.c), against a loopback
LwM2M server (lwm2mpeer.py):
- +URAT/+COPS/+CGACT: the RAT a module registers on and its contexts;
- §2.8.4: SARA-R412M on 2G, a host-activated context blocks the check-in;
  `sarafw ufota checkin` brings it down and the check-in succeeds; the
  client's own context stays up while an update downloads, then goes;
  on LTE M1 there is no conflict;
- §2.8.3: Verizon on 02B-02 with a network that gives cid 1 another APN:
  the check-in fails until `sarafw ufota vzw-apn` sets cid 3's APN;
  Verizon's own server (102, B.1.2) registers when given a URI;
- §2.8.2: Softbank on 63B, context #2 hidden and out of the host's reach;
- §2.1: no uFOTA over IPv6 on the versions it names;
- §2.6.3, §2.7.3: the audit of open sockets at download complete and of
  eDRX switched on during the download."""
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
from simharness import BIN, Sim

SCALE = 50


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Web:
    """Files over HTTP on 127.0.0.1, a free port chosen now."""

    def __init__(self, root):
        self.root = root
        os.makedirs(root, exist_ok=True)
        handler = functools.partial(Quiet, directory=root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def put(self, name, data):
        with open(os.path.join(self.root, name), "wb") as f:
            f.write(data)
        return "http://127.0.0.1:%d/%s" % (self.httpd.server_address[1], name)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def cme(lines):
    return lines[-1].startswith("+CME ERROR") or lines[-1] == "ERROR"


class NetRules(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sarafw-netrules-")
        self.addCleanup(self.tmp.cleanup)
        self.srv = lwm2mpeer.Server()
        self.addCleanup(self.srv.close)
        self.web = Web(os.path.join(self.tmp.name, "www"))
        self.addCleanup(self.web.close)

    def sim(self, variant, *extra, server=True):
        args = (["--lwm2m-server", self.srv.uri] if server else []) + list(extra)
        s = Sim(variant, time_scale=SCALE, args=args)
        self.addCleanup(s.cleanup)
        return s

    def sarafw(self, sim, *args, timeout=60):
        env = dict(os.environ, SARAFW_TIME_SCALE=str(SCALE),
                   SARAFW_STATE_DIR=os.path.join(self.tmp.name, "host"))
        return subprocess.run([os.path.join(BIN, "sarafw"), "--port", sim.link] + list(args),
                              capture_output=True, text=True, timeout=timeout, env=env)

    def boot(self, sim):
        port = sim.open()
        sim.wait_boot(port)
        port.command("AT+CMEE=2")
        return port

    def wait_registered(self, port, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(l.startswith("+CEREG: 0,1") for l in port.command("AT+CEREG?")):
                return
            time.sleep(0.05)
        self.fail("not registered")

    def no_event(self, kind, seconds):
        with self.assertRaises(TimeoutError):
            self.srv.wait_event(kind, seconds)

    def checkin_event(self, timeout):
        """The next Register or Update the server sees."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                ev = self.srv.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except Exception:
                break
            if ev[0] in ("register", "update"):
                return ev
        self.fail("no check-in within %.1f s" % timeout)

    def drain_events(self):
        while not self.srv.events.empty():
            self.srv.events.get()

    def cgact(self, port):
        return {int(l.split(":")[1].split(",")[0]): int(l.split(",")[1])
                for l in port.command("AT+CGACT?") if l.startswith("+CGACT:")}

    def wait_cgact(self, port, cid, want, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.cgact(port).get(cid) == want:
                return
            time.sleep(0.02)
        self.fail("cid %d never %d: %r" % (cid, want, self.cgact(port)))

    # ---- +URAT, +COPS, +CGACT ----

    def test_urat_cops_cgact(self):
        sim = self.sim("SARA-R412M-02B-03", server=False)
        port = self.boot(sim)
        self.wait_registered(port)
        self.assertEqual(port.command("AT+URAT?"), ["+URAT: 7,8,9", "OK"])
        self.assertEqual(port.command("AT+URAT=?"), ["+URAT: (7,8,9),(7,8,9),(7,8,9)", "OK"])
        self.assertEqual(port.command("AT+COPS?"), ['+COPS: 0,2,"00101",7', "OK"])
        # LTE: the default bearer (cid 1) is up with the attach
        self.assertEqual(self.cgact(port), {1: 1})
        # the RAT is chosen deregistered (AT manual)
        self.assertTrue(cme(port.command("AT+URAT=9")))
        self.assertEqual(port.command("AT+COPS=2"), ["OK"])
        self.assertEqual(port.command("AT+COPS?"), ["+COPS: 2", "OK"])
        self.assertEqual(self.cgact(port), {1: 0})
        self.assertTrue(cme(port.command("AT+CGACT=1,1")))  # no network
        for bad in ("AT+URAT=6", "AT+URAT=10", "AT+URAT=9,9", "AT+URAT=7,8,9,7", 'AT+URAT="9"'):
            self.assertTrue(cme(port.command(bad)), bad)
        self.assertEqual(port.command("AT+URAT=9,7"), ["OK"])
        self.assertEqual(port.command("AT+COPS=0"), ["OK"])
        self.wait_registered(port)
        self.assertEqual(port.command("AT+COPS?"), ['+COPS: 0,2,"00101",3', "OK"])
        # 2G: no context until one is activated
        self.assertEqual(self.cgact(port), {1: 0})
        self.assertEqual(port.command("AT+CGACT=1,1"), ["OK"])
        self.assertEqual(self.cgact(port), {1: 1})
        self.assertTrue(cme(port.command("AT+CGACT=1,5")))   # not defined
        self.assertTrue(cme(port.command("AT+CGACT=2,1")))
        self.assertEqual(port.command("AT+CGACT=0"), ["OK"])  # every context
        self.assertEqual(self.cgact(port), {1: 0})
        # kept in NVM: a reboot registers on 2G again
        port.close()
        sim.restart()
        port = self.boot(sim)
        self.wait_registered(port)
        self.assertEqual(port.command("AT+URAT?"), ["+URAT: 9,7", "OK"])
        self.assertEqual(port.command("AT+COPS?"), ['+COPS: 0,2,"00101",3', "OK"])
        # SARA-R410M has no 2G
        r410 = self.sim("SARA-R410M-02B-03", server=False)
        p2 = self.boot(r410)
        self.assertEqual(p2.command("AT+URAT?"), ["+URAT: 7,8", "OK"])
        self.assertTrue(cme(p2.command("AT+URAT=9")))

    # ---- note §2.8.4 ----

    def test_r412m_2g_host_context_blocks_checkin(self):
        sim = self.sim("SARA-R412M-02B-03", "--rat", "gsm", "--bandwidth", "20000")
        port = self.boot(sim)
        # the first boot's registration: the client's own context
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+COPS?"), ['+COPS: 0,2,"00101",3', "OK"])
        # ... released about 10 s (module time) after the exchange
        self.wait_cgact(port, 1, 0, 3)
        port.command("AT+ULWM2MSTAT=1")
        self.drain_events()
        # the host takes the context: the next check-in cannot be made
        self.assertEqual(port.command("AT+CGACT=1,1"), ["OK"])
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        port.expect("+ULWM2MSTAT: 1,721,4", timeout=5)
        self.no_event("register", 1.5)
        self.assertEqual(self.cgact(port), {1: 1})
        port.close()
        # sarafw finds 2G and the host's context, brings it down, checks in
        r = self.sarafw(sim, "--json", "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]),
                         {"event": "checkin", "contexts_down": [1]})
        reg = self.checkin_event(10)
        self.assertEqual(reg[0], "register")
        port = self.boot(sim)
        # the client holds the context now; the host may not take it
        # while it does (the server is about to write a package URI)
        url = self.web.put("big.bin", random.Random(3).randbytes(300000))
        self.assertEqual(lwm2mpeer.code_str(self.srv.write("/5/0/1", url.encode())["code"]), "2.04")
        time.sleep(0.5)  # 25 s of module time: past the 10 s hold
        self.assertEqual(self.cgact(port), {1: 1})  # "will stay up" while downloading
        self.assertTrue(cme(port.command("AT+CGACT=1,1")))
        self.assertEqual(self.srv.read("/5/0/3")["payload"], b"1")
        # 300 kB at 20 kbit/s: 120 s of module time, then the context goes
        self.wait_cgact(port, 1, 0, 10)
        self.assertEqual(self.srv.read("/5/0/3")["payload"], b"2")
        # and the host may have it again
        self.assertEqual(port.command("AT+CGACT=1,1"), ["OK"])

    def test_r412m_02b02_2g_checkin_ufotaconf(self):
        # 02B-02 checks in through +UFOTACONF (§2.8.4: "use the +UFOTACONF
        # AT command to set the life timer value will trigger a check-in")
        sim = self.sim("SARA-R412M-02B-02", "--rat", "gsm")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.wait_cgact(port, 1, 0, 3)
        self.assertEqual(port.command("AT+CGACT=1,1"), ["OK"])
        self.assertEqual(port.command("AT+UFOTACONF=2,86400"), ["OK"])
        self.no_event("register", 1.5)  # 75 s: the check-in and its retry failed
        port.close()
        self.drain_events()
        r = self.sarafw(sim, "--json", "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]),
                         {"event": "checkin", "contexts_down": [1]})
        self.assertEqual(self.checkin_event(10)[0], "register")
        port = self.boot(sim)
        self.wait_cgact(port, 1, 0, 3)  # no package: the client lets it go

    def test_r412m_lte_no_conflict(self):
        sim = self.sim("SARA-R412M-02B-03")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+CGACT=1,1"), ["OK"])
        port.close()
        r = self.sarafw(sim, "--json", "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]),
                         {"event": "checkin", "contexts_down": []})
        self.assertEqual(self.checkin_event(10)[0], "update")
        port = self.boot(sim)
        self.assertEqual(self.cgact(port), {1: 1})

    # ---- note §2.8.3 ----

    def test_verizon_cid3_apn_fix(self):
        sim = self.sim("SARA-R410M-02B-02", "--network-apn", "so01.vzwstatic")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)  # first boot, profile 1
        self.assertEqual(port.command("AT+UMNOPROF=3"), ["OK"])
        port.close()
        sim.restart()
        port = self.boot(sim)
        self.wait_registered(port)
        lines = port.command("AT+CGDCONT?")
        self.assertIn('+CGDCONT: 1,"IPV4V6","so01.vzwstatic"', "\n".join(lines))
        self.assertIn('+CGDCONT: 3,"IPV4V6","vzwinternet"', "\n".join(lines))
        port.close()
        # another profile: the client registers at boot, and cannot
        self.no_event("register", 2)
        r = self.sarafw(sim, "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.no_event("register", 2.5)  # 125 s of module time: two retries
        r = self.sarafw(sim, "--json", "ufota", "vzw-apn")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]), {"event": "vzw_apn", "changed": True})
        port = self.boot(sim)
        self.assertIn('+CGDCONT: 3,"IP","so01.vzwstatic"', "\n".join(port.command("AT+CGDCONT?")))
        port.close()
        r = self.sarafw(sim, "ufota", "checkin")
        self.assertEqual(r.returncode, 0, r.stderr)
        reg = self.srv.wait_event("register", 10)
        self.assertIn("urn:imei:", reg["ep"])
        # nothing more to do the second time
        r = self.sarafw(sim, "--json", "ufota", "vzw-apn")
        self.assertEqual(json.loads(r.stdout.splitlines()[-1]), {"event": "vzw_apn", "changed": False})

    def test_verizon_default_apn_works(self):
        # the network gives cid 1 "vzwinternet": cid 3's default matches
        sim = self.sim("SARA-R410M-02B-02")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+UMNOPROF=3"), ["OK"])
        port.close()
        sim.restart()
        self.srv.wait_event("register", 10)

    def test_verizon_server_102(self):
        # note B.1.2: Verizon's own server (/1/2, short id 102) registers
        # when it has a URI, beside u-blox's (721)
        vzw = lwm2mpeer.Server()
        self.addCleanup(vzw.close)
        sim = self.sim("SARA-R410M-02B-03", "--lwm2m-verizon-server", vzw.uri)
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.no_event_on(vzw, "register", 0.5)  # profile 1: no Verizon server
        self.assertEqual(port.command("AT+UMNOPROF=3"), ["OK"])
        port.close()
        sim.restart()
        reg = vzw.wait_event("register", 10)
        self.assertIn("urn:imei:", reg["ep"])
        self.assertIn("</5/0>", reg["links"])
        self.srv.wait_event("register", 10)  # another profile: 721 again
        port = self.boot(sim)
        port.command("AT+ULWM2MSTAT=1")
        self.drain_events()
        self.assertEqual(port.command("AT+ULWM2MREG=102"), ["OK"])
        port.expect("+ULWM2MSTAT: 1,102,3", timeout=5)
        self.assertEqual(vzw.wait_event("update", 5), {})
        self.no_event("update", 0.3)  # 721 was not asked
        # the Verizon server reads the firmware object like u-blox's
        self.assertEqual(vzw.read("/5/0/3")["payload"], b"0")
        # and a deregistration leaves both
        self.assertEqual(port.command("AT+ULWM2MDEREG")[-1], "OK")
        vzw.wait_event("deregister", 5)
        self.srv.wait_event("deregister", 5)

    def no_event_on(self, srv, kind, seconds):
        with self.assertRaises(TimeoutError):
            srv.wait_event(kind, seconds)

    # ---- note §2.8.2 ----

    def test_softbank_hidden_context_2(self):
        sim = self.sim("SARA-R410M-63B")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+UMNOPROF=28")[-1], "OK")
        port.close()
        sim.restart()
        port = self.boot(sim)
        self.srv.wait_event("register", 10)  # over context #2
        self.assertTrue(cme(port.command('AT+CGDCONT=2,"IP","sb.apn"')))
        self.assertTrue(cme(port.command("AT+CGACT=1,2")))
        self.assertFalse(any(l.startswith("+CGDCONT: 2,") for l in port.command("AT+CGDCONT?")))
        self.assertNotIn(2, self.cgact(port))
        # the host's own context does not stand in the client's way
        self.assertEqual(port.command("AT+CGACT=1,1")[-1], "OK")
        self.drain_events()
        self.assertEqual(port.command("AT+ULWM2MREG=721")[-1], "OK")
        self.assertIn(self.checkin_event(10)[0], ("register", "update"))
        # elsewhere cid 2 is the host's
        other = self.sim("SARA-R410M-02B-03", server=False)
        p2 = self.boot(other)
        self.assertEqual(p2.command('AT+CGDCONT=2,"IP","sb.apn"'), ["OK"])

    # ---- note §2.1 ----

    def test_no_ipv6_ufota(self):
        sim = self.sim("SARA-R410M-73B")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        # an IPv6 package server: the download fails at once
        r = self.srv.write("/5/0/1", b"http://[::1]:8080/pkg.bin")
        self.assertEqual(lwm2mpeer.code_str(r["code"]), "2.04")
        port.expect("+UFOTASTAT: 1,0,0", timeout=5)
        port.expect("+UFOTASTAT: 2,3,104", timeout=5)
        self.assertEqual(self.srv.read("/5/0/5")["payload"], b"9")
        # an IPv6-only context: the check-in cannot be made
        self.assertEqual(port.command('AT+CGDCONT=1,"IPV6",""'), ["OK"])
        self.drain_events()
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        port.expect("+ULWM2MSTAT: 1,721,4", timeout=5)
        self.no_event("update", 1)
        self.assertEqual(port.command('AT+CGDCONT=1,"IP",""'), ["OK"])
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        self.assertIn(self.checkin_event(10)[0], ("register", "update"))

    def test_ipv6_context_fine_on_02b03(self):
        sim = self.sim("SARA-R410M-02B-03")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command('AT+CGDCONT=1,"IPV6",""'), ["OK"])
        self.drain_events()
        self.assertEqual(port.command("AT+ULWM2MREG=721"), ["OK"])
        self.assertEqual(self.checkin_event(10)[0], "update")

    # ---- note §2.6.3, §2.7.3 ----

    def test_sockets_and_edrx_audit(self):
        sim = self.sim("SARA-R410M-02B-03", "--bandwidth", "20000")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+USOCR=6"), ["+USOCR: 0", "OK"])
        self.assertEqual(port.command("AT+USOCR=17,5000"), ["+USOCR: 1", "OK"])
        self.assertEqual(port.command("AT+USOCTL=1,0"), ["+USOCTL: 1,0,17", "OK"])
        self.assertEqual(port.command("AT+USOCL=0"), ["OK"])
        self.assertTrue(cme(port.command("AT+USOCL=0")))
        self.assertTrue(cme(port.command("AT+USOCTL=0,0")))
        url = self.web.put("pkg.bin", random.Random(5).randbytes(200000))
        self.srv.write("/5/0/1", url.encode())
        time.sleep(0.2)
        self.assertEqual(port.command('AT+CEDRXS=1,4,"0010"'), ["OK"])
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            ev = [e for e in sim.audit_events() if e["event"] == "sockets_open_at_download_complete"]
            if ev:
                break
            time.sleep(0.1)
        self.assertEqual([e["sockets"] for e in ev], [1])
        edrx = [e for e in sim.audit_events() if e["event"] == "edrx_during_ufota"]
        self.assertEqual(len(edrx), 1, sim.audit_events())
        self.assertEqual(edrx[0]["state"], 1)

    def test_sockets_closed_no_audit(self):
        sim = self.sim("SARA-R410M-02B-03", "--bandwidth", "400000")
        port = self.boot(sim)
        self.srv.wait_event("register", 10)
        self.assertEqual(port.command("AT+USOCR=6"), ["+USOCR: 0", "OK"])
        self.assertEqual(port.command("AT+USOCL=0"), ["OK"])
        self.srv.observe("/5/0/3")
        url = self.web.put("pkg.bin", random.Random(6).randbytes(20000))
        self.srv.write("/5/0/1", url.encode())
        self.srv.wait_notification("/5/0/3", 10, 2)
        self.assertEqual([e for e in sim.audit_events()
                          if e["event"] in ("sockets_open_at_download_complete", "edrx_during_ufota")], [])


if __name__ == "__main__":
    unittest.main()
