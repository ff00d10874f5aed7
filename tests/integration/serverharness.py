"""Drive sarafw-server from Python tests (standard library only).

    from serverharness import Server, Device
    with Server(tmp) as srv:                       # --nosec, SQLite in tmp
        srv.api("GET", "/api/v1/devices")          # (status, parsed JSON)
        dev = Device(srv.coap_port, "urn:imei:351234567890123", "1.0")
        dev.register()                             # 2.01 and the location

Server starts sarafw-server on free loopback ports and waits for its
"ready" line; its storage is SQLite in the work directory, or, when
SARAFW_PG names a PostgreSQL cluster (pgcluster.py sets it), a new
database of that cluster (db_url= gives one to share between servers); kill() is kill -9, start() starts it again on the same
database and ports. Device is a scripted LwM2M 1.0 client written here on
raw UDP (RFC 7252 encoding, no libcoap), so it is independent of the
server's CoAP stack: it answers the server's Observe of /5/0/3, /5/0/5
and /3/0/3, its Read of /3/0 (TLV), Write /5/0/1 (it then downloads the
package over HTTP with Range) and Execute /5/0/2 (it then "reboots" on the
new version and registers again), from a thread. Every wait has a deadline.
"""
import http.client
import json
import os
import random
import select
import socket
import struct
import subprocess
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SARAFW_BIN") or os.path.join(HERE, "..", "..", "build", "bin")
SRC = os.path.join(HERE, "..", "..")
DEMO_PUB = os.path.join(SRC, "tests", "keys", "demo.key.pub")


def free_port(kind=socket.SOCK_DGRAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- CoAP (RFC 7252) ----

CON, NON, ACK, RST = 0, 1, 2, 3
GET, POST, PUT, DELETE = 1, 2, 3, 4
OBSERVE, LOCATION_PATH, URI_PATH, CONTENT_FORMAT, MAX_AGE, URI_QUERY, ACCEPT = 6, 8, 11, 12, 14, 15, 17


def code(c):
    """(class, detail) from 'x.yy'."""
    a, b = c.split(".")
    return int(a) << 5 | int(b)


def code_str(c):
    return "%d.%02d" % (c >> 5, c & 31)


def _ext(v):
    if v < 13:
        return v, b""
    if v < 269:
        return 13, bytes([v - 13])
    return 14, struct.pack(">H", v - 269)


def encode(mtype, mcode, mid, token=b"", options=(), payload=b""):
    out = bytearray([0x40 | mtype << 4 | len(token), mcode]) + struct.pack(">H", mid) + token
    last = 0
    for num, val in sorted(options, key=lambda o: o[0]):
        if isinstance(val, str):
            val = val.encode()
        elif isinstance(val, int):
            val = val.to_bytes((val.bit_length() + 7) // 8, "big") if val else b""
        d, dx = _ext(num - last)
        l, lx = _ext(len(val))
        out += bytes([d << 4 | l]) + dx + lx + val
        last = num
    if payload:
        out += b"\xff" + payload
    return bytes(out)


def decode(data):
    """(type, code, mid, token, [(num, bytes)], payload) or None."""
    if len(data) < 4 or data[0] >> 6 != 1:
        return None
    tkl = data[0] & 15
    mtype, mcode, mid = data[0] >> 4 & 3, data[1], struct.unpack(">H", data[2:4])[0]
    token = data[4:4 + tkl]
    i, num, opts = 4 + tkl, 0, []
    while i < len(data) and data[i] != 0xff:
        d, l = data[i] >> 4, data[i] & 15
        i += 1
        for which in ("d", "l"):
            v = d if which == "d" else l
            if v == 13:
                v = data[i] + 13
                i += 1
            elif v == 14:
                v = struct.unpack(">H", data[i:i + 2])[0] + 269
                i += 2
            if which == "d":
                d = v
            else:
                l = v
        num += d
        opts.append((num, data[i:i + l]))
        i += l
    payload = data[i + 1:] if i < len(data) else b""
    return mtype, mcode, mid, token, opts, payload


def opt_all(opts, num):
    return [v for n, v in opts if n == num]


def tlv_resource(rid, value):
    value = value.encode() if isinstance(value, str) else value
    assert rid < 256 and len(value) < 256
    if len(value) < 8:
        return bytes([0xc0 | len(value), rid]) + value
    return bytes([0xc8, rid, len(value)]) + value


class Exchange:
    """One UDP socket speaking CoAP: requests with retransmission-free
    waits (loopback), and a queue of what the other side sent."""

    def __init__(self, server_port, local_port=None):
        self.server = ("127.0.0.1", server_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", local_port or 0))
        self.mid = random.randrange(0, 65536)

    def next_mid(self):
        self.mid = (self.mid + 1) & 0xffff
        return self.mid

    def send(self, data):
        self.sock.sendto(data, self.server)

    def recv(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return None
        data, _ = self.sock.recvfrom(65536)
        return data

    def request(self, mcode, path, query=(), payload=b"", options=(), timeout=5.0):
        """Send a CON request, return the decoded answer (piggybacked)."""
        mid, token = self.next_mid(), os.urandom(4)
        opts = [(URI_PATH, p) for p in path.strip("/").split("/") if p]
        opts += [(URI_QUERY, q) for q in query] + list(options)
        if payload:
            opts.append((CONTENT_FORMAT, 40))  # application/link-format
        datagram = encode(CON, mcode, mid, token, opts, payload)
        self.send(datagram)
        # a CON goes again, same message id, after 0.5, 1.5, 3.5 s ...
        # (RFC 7252 §4.2, shortened): a server killed and started again
        # meanwhile still gets it
        now = time.monotonic()
        deadline, resend, gap = now + timeout, now + 0.5, 0.5
        while True:
            data = self.recv(min(deadline, resend) - time.monotonic())
            if data is None:
                if time.monotonic() >= deadline:
                    raise TimeoutError("no answer to %s %s" % (code_str(mcode), path))
                if time.monotonic() >= resend:
                    self.send(datagram)
                    gap *= 2
                    resend = time.monotonic() + gap
                continue
            m = decode(data)
            if m and m[0] == ACK and m[2] == mid:
                return m

    def close(self):
        self.sock.close()


# ---- the server ----

def psql(url, statement):
    """Run one statement with PostgreSQL's psql on the database at url."""
    exe = os.path.join(os.environ.get("SARAFW_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")
    subprocess.run([exe, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", statement],
                   check=True, stdout=subprocess.DEVNULL)


def new_pg_database(cluster_url):
    """A new database in the cluster at cluster_url; its URL."""
    name = "t" + os.urandom(6).hex()
    psql(cluster_url, "CREATE DATABASE " + name)
    return cluster_url.rsplit("/", 1)[0] + "/" + name


class Server:
    def __init__(self, work, nosec=True, args=(), start=True, db_url=None, store=None):
        self.work = work
        self.db = os.path.join(work, "server.db")
        if db_url:
            self.db_url = db_url
        elif os.environ.get("SARAFW_PG"):
            self.db_url = new_pg_database(os.environ["SARAFW_PG"])
        else:
            self.db_url = "sqlite:" + self.db
        self.store = store or (os.path.join(work, "packages") if not self.db_url.startswith("sqlite:") else None)
        self.token_file = os.path.join(work, "admin.token")
        self.coap_port = free_port(socket.SOCK_DGRAM)
        self.http_port = free_port(socket.SOCK_STREAM)
        self.nosec = nosec
        self.args = list(args)
        self.proc = None
        self.log = open(os.path.join(work, "server.log"), "ab")
        if start:
            self.start()

    @property
    def base(self):
        return "http://127.0.0.1:%d" % self.http_port

    def argv(self):
        a = [os.path.join(BIN, "sarafw-server"), "--coap", "127.0.0.1:%d" % self.coap_port,
             "--http", "127.0.0.1:%d" % self.http_port, "--db", self.db_url,
             "--token-file", self.token_file, "--pkg-key", DEMO_PUB]
        if self.store:
            a += ["--store", self.store]
        if self.nosec:
            a.append("--nosec")
        return a + self.args

    def start(self, timeout=10.0):
        self.proc = subprocess.Popen(self.argv(), stdout=subprocess.PIPE, stderr=self.log)
        r, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if r else b""
        if line != b"ready\n":
            self.proc.kill()
            self.proc.wait()
            raise RuntimeError("sarafw-server did not say ready (%r); log: %s" % (line, self.log_text()))
        with open(self.token_file) as f:
            self.admin = f.readline().strip()

    def log_text(self, limit=4000):
        """The server's stderr: its last limit characters (None: all)."""
        self.log.flush()
        with open(os.path.join(self.work, "server.log"), "rb") as f:
            text = f.read().decode(errors="replace")
        return text[-limit:] if limit else text

    def kill(self):
        """kill -9: nothing gets a chance to be written on the way out."""
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc.stdout.close()
            self.proc = None

    def stop(self):
        if self.proc:
            self.proc.terminate()
            rc = self.proc.wait(10)
            self.proc.stdout.close()
            self.proc = None
            return rc
        return None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def http(self, method, path, body=None, token=None, headers=None, ctype=None):
        """(status, headers, bytes)."""
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if token:
            req.add_header("Authorization", "Bearer " + token)
        if ctype:
            req.add_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            req.add_header(k, v)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def api(self, method, path, obj=None, token="admin", raw=None):
        """(status, parsed JSON). token "admin": the token file's."""
        if token == "admin":
            token = self.admin
        body = raw if raw is not None else (json.dumps(obj).encode() if obj is not None else None)
        st, _, data = self.http(method, path, body, token,
                                ctype="application/json" if obj is not None else None)
        try:
            return st, json.loads(data) if data else None
        except ValueError:
            raise AssertionError("%s %s: %d, not JSON: %r" % (method, path, st, data[:200]))

    def token(self, role, name=""):
        st, r = self.api("POST", "/api/v1/tokens", {"role": role, "name": name or role})
        assert st == 201, (st, r)
        return r["token"]

    def sql(self, statement):
        """Run one statement on the server's database beside it (another
        front-end's write, say), on SQLite or PostgreSQL."""
        if self.db_url.startswith("sqlite:"):
            import sqlite3
            con = sqlite3.connect(self.db_url[len("sqlite:"):], timeout=10)
            try:
                con.execute(statement)
                con.commit()
            finally:
                con.close()
            return
        psql(self.db_url, statement)

    def device(self, endpoint, token="admin"):
        st, devs = self.api("GET", "/api/v1/devices", token=token)
        assert st == 200, (st, devs)
        for d in devs:
            if d["endpoint"] == endpoint:
                return d
        return None

    def wait_device(self, endpoint, pred=lambda d: True, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            d = self.device(endpoint)
            if d and pred(d):
                return d
            if time.monotonic() > deadline:
                raise TimeoutError("device %s: %r" % (endpoint, d))
            time.sleep(0.05)

    def campaign(self, cid):
        st, c = self.api("GET", "/api/v1/campaigns/%d" % cid)
        assert st == 200, (st, c)
        return c

    def wait_campaign(self, cid, pred, timeout=30.0):
        deadline = time.monotonic() + timeout
        while True:
            c = self.campaign(cid)
            if pred(c):
                return c
            if time.monotonic() > deadline:
                raise TimeoutError("campaign %d: %s" % (cid, json.dumps(c)[:1500]))
            time.sleep(0.05)

    def cleanup(self):
        self.kill()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


# ---- a scripted LwM2M client ----

class Device:
    """A scripted LwM2M 1.0 client. behaviour: "good" (downloads, installs,
    reboots on new_version), "bad_download" (/5/0/5 = 5, integrity check
    failure), "silent" (accepts the Write and then does nothing),
    "refuse" (4.05 to Write /5/0/1)."""

    def __init__(self, server_port, endpoint, version, new_version=None, behaviour="good",
                 lifetime=300, http_base=None, update_every=1.0):
        self.server_port = server_port
        self.endpoint = endpoint
        self.version = version
        self.new_version = new_version
        self.behaviour = behaviour
        self.lifetime = lifetime
        self.http_base = http_base
        self.state, self.result = 0, 0
        self.observers = {}  # path -> (token, seq)
        self.location = None
        self.x = Exchange(server_port)
        self.downloaded = b""
        self.writes, self.executes, self.reads = [], 0, []
        self.lock = threading.Lock()
        self.stop_ev = threading.Event()
        self.thread = None
        self.update_every = update_every
        self.mine = {}  # mid of a request sent from the thread -> "update" | "register"
        self.calls = []  # run by the thread (move)

    # registration interface, called from the test or the thread
    def register(self):
        payload = b'</>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</5/0>'
        m = self.x.request(POST, "/rd", ["ep=" + self.endpoint, "lt=%d" % self.lifetime,
                                         "lwm2m=1.0", "b=U"], payload)
        if m[1] == code("2.01"):
            self.location = "/".join(v.decode() for v in opt_all(m[4], LOCATION_PATH))
        return m

    def update(self):
        return self.x.request(POST, "/" + self.location)

    def deregister(self):
        return self.x.request(DELETE, "/" + self.location)

    def start(self):
        """Register, then serve the server's requests from a thread."""
        m = self.register()
        assert m[1] == code("2.01"), code_str(m[1])
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.stop_ev.set()
        if self.thread:
            self.thread.join(5)
        self.x.close()

    def move(self, server_port):
        """Register at another server from now on (a fail-over), from the
        thread: observations end, as at any new registration."""
        def go():
            self.server_port = server_port
            self.observers.clear()
            self.x.close()
            self.x = Exchange(server_port)
            self._send_register()
        self.calls.append(go)

    def _value(self, path):
        return {"/5/0/3": str(self.state), "/5/0/5": str(self.result), "/3/0/3": self.version}.get(path)

    def _notify(self, path):
        if path not in self.observers:
            return
        token, seq = self.observers[path]
        seq += 1
        self.observers[path] = (token, seq)
        self.x.send(encode(NON, code("2.05"), self.x.next_mid(), token,
                           [(OBSERVE, seq), (CONTENT_FORMAT, 0)], self._value(path).encode()))

    def _set(self, state=None, result=None):
        if state is not None and state != self.state:
            self.state = state
            self._notify("/5/0/3")
        if result is not None and result != self.result:
            self.result = result
            self._notify("/5/0/5")

    def _download(self, uri):
        # two halves with Range, as a module resumes
        try:
            with urllib.request.urlopen(uri, timeout=10) as r:
                size = int(r.headers["Content-Length"])
            got = b""
            for rng in ("bytes=0-%d" % (size // 2 - 1), "bytes=%d-" % (size // 2)):
                req = urllib.request.Request(uri, headers={"Range": rng})
                with urllib.request.urlopen(req, timeout=10) as r:
                    assert r.status == 206, r.status
                    got += r.read()
            self.downloaded = got
            return True
        except (OSError, AssertionError, http.client.HTTPException):
            # a server killed mid-body closes the connection early (IncompleteRead):
            # the download failed, as a module's would, and the device lives on
            return False

    def _send_update(self):
        mid = self.x.next_mid()
        self.mine[mid] = "update"
        self.x.send(encode(CON, POST, mid, os.urandom(4), [(URI_PATH, p) for p in self.location.split("/")]))

    def _send_register(self):
        mid = self.x.next_mid()
        self.mine[mid] = "register"
        opts = [(URI_PATH, "rd")] + [(URI_QUERY, q) for q in ("ep=" + self.endpoint, "lt=%d" % self.lifetime,
                                                                "lwm2m=1.0", "b=U")]
        self.x.send(encode(CON, POST, mid, os.urandom(4), opts + [(CONTENT_FORMAT, 40)],
                           b'</>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</5/0>'))

    def _reboot(self):
        """Install and reboot: observations end, the client registers again."""
        time.sleep(0.2)
        self.observers.clear()
        if self.behaviour == "good":
            self.version = self.new_version
            self.state, self.result = 0, 1
        else:
            self.state, self.result = 0, 8
        self.x.close()
        self.x = Exchange(self.server_port)
        self.register()

    def _serve(self):
        pending = []  # actions after the answer went
        last_update = time.monotonic()
        while not self.stop_ev.is_set():
            for act in pending:
                act()
            pending = []
            while self.calls:
                self.calls.pop(0)()
            if self.update_every and time.monotonic() - last_update >= self.update_every:
                last_update = time.monotonic()
                self._send_update()
            data = self.x.recv(0.05)
            if data is None:
                continue
            m = decode(data)
            if not m:
                continue
            mtype, mcode, mid, token, opts, payload = m
            if mtype == ACK and mid in self.mine:
                what = self.mine.pop(mid)
                if what == "update" and mcode == code("4.04"):
                    self._send_register()  # the server lost us: register again
                elif what == "register" and mcode == code("2.01"):
                    self.location = "/".join(v.decode() for v in opt_all(opts, LOCATION_PATH))
                continue
            if mcode == 0 or mcode >= 64:  # empty (ACK of a notification) or a response
                continue
            path = "/" + "/".join(v.decode() for v in opt_all(opts, URI_PATH))
            rt = ACK if mtype == CON else NON
            def answer(c, o=(), p=b""):
                self.x.send(encode(rt, code(c), mid if rt == ACK else self.x.next_mid(), token, o, p))
            with self.lock:
                if mcode == GET and path in ("/5/0/3", "/5/0/5", "/3/0/3"):
                    o = [(CONTENT_FORMAT, 0)]
                    if opt_all(opts, OBSERVE) == [b""]:
                        self.observers[path] = (token, 1)
                        o.append((OBSERVE, 1))
                    self.reads.append(path)
                    answer("2.05", o, self._value(path).encode())
                elif mcode == GET and path == "/3/0":
                    self.reads.append(path)
                    body = tlv_resource(0, "sarafw-test") + tlv_resource(3, self.version)
                    answer("2.05", [(CONTENT_FORMAT, 11542)], body)
                elif mcode == PUT and path == "/5/0/1":
                    uri = payload.decode()
                    self.writes.append(uri)
                    if self.behaviour == "refuse":
                        answer("4.05")
                        continue
                    answer("2.04")
                    if uri == "":
                        pending.append(lambda: self._set(state=0, result=0))
                    elif self.behaviour != "silent":
                        def dl(uri=uri):
                            # LwM2M 1.0 §E.6: a new download resets Update Result
                            self._set(state=1, result=0)
                            if self.behaviour == "bad_download":
                                self._set(state=0, result=5)
                            elif self._download(uri):
                                self._set(state=2)
                            else:
                                self._set(state=0, result=4)
                        pending.append(dl)
                elif mcode == POST and path == "/5/0/2":
                    self.executes += 1
                    if self.state != 2:
                        answer("4.05")
                        continue
                    answer("2.04")
                    def up():
                        self._set(state=3)
                        self._reboot()
                    pending.append(up)
                else:
                    answer("4.04")
