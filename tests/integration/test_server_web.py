"""sarafw-server's web page in headless Chromium (Debian's chromium and
chromium-driver, driven over WebDriver from the standard library): the
page at / loads from the server alone, a viewer's token shows the
campaign and the devices with no Approve button, an approver's token
(kept in sessionStorage, not localStorage) shows it, a click approves the
campaign (note §2.7.2) and the API says so, and the page follows the test
campaign to its report. Screenshots go to the build directory
(BUILD/screenshots)."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from serverharness import BIN, Device, Server, free_port
import simpkg

OLD, NEW = "01.00,A01.00", "02.00,A01.00"
IMEIS = ["350000000020001", "350000000020002"]
SHOTS = os.path.join(os.path.dirname(os.path.abspath(BIN)), "screenshots")
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


class WebDriver:
    """Just enough of W3C WebDriver over chromedriver."""

    def __init__(self, work):
        exe = shutil.which("chromedriver")
        browser = shutil.which("chromium")
        if not exe or not browser:
            raise RuntimeError("chromium and chromium-driver (debian-packages.txt) are needed: run scripts/deps.sh")
        self.port = free_port(socket.SOCK_STREAM)
        self.log = open(os.path.join(work, "chromedriver.log"), "wb")
        self.proc = subprocess.Popen([exe, "--port=%d" % self.port], stdout=self.log, stderr=self.log)
        self.base = "http://127.0.0.1:%d" % self.port
        deadline = time.monotonic() + 15
        while True:
            try:
                if self.call("GET", "/status").get("ready"):
                    break
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1400", "--user-data-dir=" + os.path.join(work, "chromium"),
                "--no-first-run", "--disable-extensions"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": browser, "args": args}}}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError("webdriver %s %s: %s" % (method, path, e.read()[:500]))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def find(self, css):
        v = self.s("POST", "/element", {"using": "css selector", "value": css})
        assert isinstance(v, dict) and ELEMENT in v, (css, v)
        return v[ELEMENT]

    def type(self, css, text):
        self.s("POST", "/element/%s/value" % self.find(css), {"text": text})

    def click(self, css):
        self.s("POST", "/element/%s/click" % self.find(css), {})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, script, what, timeout=15, *args):
        deadline = time.monotonic() + timeout
        while True:
            v = self.js(script, *args)
            if v:
                return v
            if time.monotonic() > deadline:
                status = self.js("return document.getElementById('status').textContent")
                raise TimeoutError("page: %s (status line: %r)" % (what, status))
            time.sleep(0.1)

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        png = base64.b64decode(self.s("GET", "/screenshot"))
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000, len(png)
        with open(os.path.join(SHOTS, name), "wb") as f:
            f.write(png)

    def quit(self):
        try:
            self.s("DELETE", "")
        finally:
            self.proc.terminate()
            self.proc.wait(10)
            self.log.close()


def login(wd, token, role):
    wd.click("#token-forget")
    wd.type("#token", token)
    wd.click("#token-use")
    wd.wait("return document.getElementById('role').textContent === arguments[0]", "role " + role, 15, role)


def main():
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        viewer, approver, operator = srv.token("viewer"), srv.token("approver"), srv.token("operator")
        st, p = srv.api("POST", "/api/v1/packages", token=operator,
                        raw=simpkg.make(work, "SARA-R410M", target=os.urandom(8000), to_version=NEW))
        assert st == 201, (st, p)
        devs = [Device(srv.coap_port, "urn:imei:" + i, OLD, NEW, "good") for i in IMEIS]
        for d in devs:
            d.start()
        for d in devs:
            srv.wait_device(d.endpoint, lambda x, d=d: x["firmware_version"] == d.version, 10)
        st, c = srv.api("POST", "/api/v1/campaigns", token=operator, obj={
            "name": "web-check", "product": "SARA-R410M", "from_version": OLD, "to_version": NEW,
            "package": p["sha256"], "imeis": IMEIS, "test_size": 1, "group_size": 1,
            "action_timeout": 20, "retry_backoff": 0})
        assert st == 201, (st, c)
        cid = c["id"]

        # the page is the server's own: no other origin, a strict CSP
        st, hdr, html = srv.http("GET", "/")
        assert st == 200 and b"app.js" in html and b"http" not in html.replace(b"http-equiv", b""), html[:300]
        assert "default-src 'self'" in hdr.get("Content-Security-Policy", ""), hdr
        st, _, _ = srv.http("GET", "/nothing-here.js")
        assert st == 404, st
        st, _, _ = srv.http("POST", "/", b"x")
        assert st == 405, st
        # what the page asks to show the buttons a role may use
        assert srv.api("GET", "/api/v1/whoami", token=viewer) == (200, {"role": "viewer"})
        assert srv.api("GET", "/api/v1/whoami", token=None)[0] == 401

        wd = WebDriver(work)
        try:
            wd.get(srv.base + "/")
            wd.wait("return document.getElementById('app').hidden && !!document.getElementById('token')", "token form")
            # a viewer sees the campaign and the devices, and no Approve button
            login(wd, viewer, "viewer")
            wd.wait("return !!document.querySelector('#campaigns tr[data-id=\"%d\"]')" % cid, "campaign row")
            for d in devs:
                wd.wait("return [...document.querySelectorAll('#devices tr')].some(r => r.dataset.endpoint === arguments[0])",
                        "device " + d.endpoint, 15, d.endpoint)
            wd.wait("return document.getElementById('campaign').dataset.state === 'draft'", "campaign detail")
            row = wd.js("return document.querySelector('#campaigns tr[data-id=\"%d\"]').textContent" % cid)
            assert "web-check" in row and "draft" in row, row
            text = wd.js("return document.getElementById('campaign-devices').textContent")
            assert all(i in text for i in IMEIS), text
            assert wd.js("return document.getElementById('act-approve').hidden") is True
            wd.screenshot("web-viewer.png")

            # the token is in sessionStorage only
            assert wd.js("return sessionStorage.getItem('sarafw.token')") == viewer
            assert wd.js("return localStorage.length") == 0

            # an approver approves with a click; the API sees it
            login(wd, approver, "approver")
            wd.wait("return !document.getElementById('act-approve').hidden", "Approve button")
            assert wd.js("return document.getElementById('act-cancel').hidden") is True  # operators cancel
            wd.screenshot("web-approver-draft.png")
            wd.click("#act-approve")
            c = srv.wait_campaign(cid, lambda c: c["state"] != "draft", 10)
            assert c["state"] == "running" and c["approved_by"] == "approver", c
            wd.wait("return document.getElementById('campaign').dataset.state !== 'draft'", "state after approve")
            assert wd.js("return document.getElementById('act-approve').hidden") is True

            # the test campaign runs to its report, which the page shows
            srv.wait_campaign(cid, lambda c: c["state"] == "test_done", 30)
            wd.wait("return document.getElementById('campaign').dataset.state === 'test_done'", "test_done", 15)
            wd.wait("return !document.getElementById('act-accept-test').hidden", "Accept button")
            rep = wd.js("return document.getElementById('report').textContent")
            assert "test" in rep, rep
            cells = wd.js("return [...document.querySelectorAll('#report tbody tr')][0].textContent")
            assert cells.startswith("test11"), cells  # test, 1 device, 1 succeeded
            wd.screenshot("web-test-report.png")

            # an unknown token: a clear message, the data hidden
            login_bad = "0" * 64
            wd.click("#token-forget")
            wd.type("#token", login_bad)
            wd.click("#token-use")
            wd.wait("return document.getElementById('status').textContent.includes('401')", "401 message")
            assert wd.js("return document.getElementById('app').hidden") is True
        finally:
            wd.quit()
            for d in devs:
                d.stop()
    print("ok in %.1f s; screenshots in %s" % (time.monotonic() - t0, SHOTS))


if __name__ == "__main__":
    sys.exit(main())
