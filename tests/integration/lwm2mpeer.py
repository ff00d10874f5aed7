"""A small LwM2M 1.0 server for the tests, on a plain UDP socket (NoSec).

Its CoAP (RFC 7252) and TLV codecs are written here from the RFC and the
OMA specification, independently of libcoap, which the simulated module
uses. One thread receives; the test thread sends requests and waits for
their answers. It registers clients (POST /rd), answers updates and
deregistrations, acknowledges notifications and keeps them in order, and
counts the bytes of each registration exchange."""
import itertools
import os
import queue
import socket
import struct
import threading
import time

CON, NON, ACK, RST = 0, 1, 2, 3
GET, POST, PUT, DELETE = 1, 2, 3, 4
OPT_OBSERVE, OPT_LOCATION_PATH, OPT_URI_PATH = 6, 8, 11
OPT_CONTENT_FORMAT, OPT_URI_QUERY, OPT_ACCEPT = 12, 15, 17
CF_TEXT, CF_LINK, CF_TLV, CF_JSON = 0, 40, 11542, 11543


def code(c, d):
    return c << 5 | d


def code_str(c):
    return "%d.%02d" % (c >> 5, c & 31)


def uint_opt(v):
    b = v.to_bytes(4, "big").lstrip(b"\0")
    return b


def encode(mtype, mcode, mid, token=b"", options=(), payload=b""):
    out = bytearray([0x40 | mtype << 4 | len(token), mcode]) + struct.pack(">H", mid) + token
    last = 0
    for num, val in sorted(options, key=lambda o: o[0]):
        delta, length = num - last, len(val)
        last = num

        def ext(n):
            if n < 13:
                return n, b""
            if n < 269:
                return 13, bytes([n - 13])
            return 14, struct.pack(">H", n - 269)
        dn, db = ext(delta)
        ln, lb = ext(length)
        out += bytes([dn << 4 | ln]) + db + lb + val
    if payload:
        out += b"\xff" + payload
    return bytes(out)


def decode(data):
    if len(data) < 4 or data[0] >> 6 != 1:
        raise ValueError("not CoAP")
    tkl = data[0] & 15
    msg = {"type": data[0] >> 4 & 3, "code": data[1], "mid": struct.unpack(">H", data[2:4])[0],
           "token": data[4:4 + tkl], "options": [], "payload": b""}
    i, num = 4 + tkl, 0
    while i < len(data):
        if data[i] == 0xFF:
            msg["payload"] = data[i + 1:]
            break
        d, ln = data[i] >> 4, data[i] & 15
        i += 1

        def ext(n):
            nonlocal i
            if n == 13:
                n = data[i] + 13
                i += 1
            elif n == 14:
                n = struct.unpack(">H", data[i:i + 2])[0] + 269
                i += 2
            return n
        num += ext(d)
        ln = ext(ln)
        msg["options"].append((num, data[i:i + ln]))
        i += ln
    return msg


def opt(msg, num):
    return [v for n, v in msg["options"] if n == num]


def opt_uint(msg, num, default=None):
    v = opt(msg, num)
    return int.from_bytes(v[0], "big") if v else default


def tlv_decode(data):
    """[(kind, id, value)] where value is bytes or, for kinds 0 and 2, a list."""
    out, i = [], 0
    while i < len(data):
        t = data[i]
        kind, i = t >> 6, i + 1
        if t & 0x20:
            ident, i = struct.unpack(">H", data[i:i + 2])[0], i + 2
        else:
            ident, i = data[i], i + 1
        lt = t >> 3 & 3
        if lt == 0:
            length = t & 7
        else:
            length, i = int.from_bytes(data[i:i + lt], "big"), i + lt
        if i + length > len(data):
            raise ValueError("TLV runs past the end")
        val = data[i:i + length]
        i += length
        out.append((kind, ident, tlv_decode(val) if kind in (0, 2) else val))
    return out


def tlv_int(b):
    return int.from_bytes(b, "big", signed=True)


def tlv_resource(rid, value):
    """One resource TLV of a str/int/bytes value."""
    if isinstance(value, bool):
        v = bytes([value])
    elif isinstance(value, int):
        for n in (1, 2, 4, 8):
            try:
                v = value.to_bytes(n, "big", signed=True)
                break
            except OverflowError:
                pass
    elif isinstance(value, str):
        v = value.encode()
    else:
        v = value
    t = 0xC0 | (0x20 if rid > 255 else 0)
    ident = struct.pack(">H", rid) if rid > 255 else bytes([rid])
    if len(v) < 8:
        return bytes([t | len(v)]) + ident + v
    if len(v) < 256:
        return bytes([t | 0x08]) + ident + bytes([len(v)]) + v
    return bytes([t | 0x10]) + ident + struct.pack(">H", len(v)) + v


URC_PREFIXES = ("+UFOTASTAT", "+ULWM2MSTAT", "+UFWINSTALL")


class UrcPort:
    """A Port whose command() keeps the uFOTA URCs that arrive in the
    middle of a response for later readline() calls, in order."""

    def __init__(self, port):
        self.port = port
        self.backlog = []

    def command(self, cmd, timeout=5.0):
        lines = self.port.command(cmd, timeout)
        self.backlog += [l for l in lines if l.startswith(URC_PREFIXES)]
        return [l for l in lines if not l.startswith(URC_PREFIXES)]

    def readline(self, timeout=5.0):
        if self.backlog:
            return self.backlog.pop(0)
        return self.port.readline(timeout)

    def drain(self, quiet=0.05):
        return self.port.drain(quiet)


def urcs(port, prefixes, until, timeout):
    """Lines starting with one of prefixes until one equals `until`."""
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = port.readline(max(0.05, deadline - time.monotonic()))
        except TimeoutError:
            break
        if line.startswith(prefixes):
            got.append(line)
        if line == until:
            return got
    raise TimeoutError("no %r; got %r" % (until, got))


class Server:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.uri = "coap://127.0.0.1:%d" % self.port
        self.mids = itertools.count(int.from_bytes(os.urandom(2), "big"))
        self.tokens = itertools.count(1)
        self.client = None          # address of the registered client
        self.registrations = []     # dicts: ep, lt, b, links, bytes, time
        self.updates = []           # dicts: query, time
        self.deregistrations = 0
        self.notifications = queue.Queue()   # (path, payload, cf)
        self.events = queue.Queue()          # ("register"|"update"|"deregister", info)
        self.pending = {}           # token -> Queue of responses
        self.observed = {}          # token -> path
        self.reg_ids = itertools.count(1)
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def close(self):
        self.running = False
        self.sock.close()

    def _send(self, data, addr):
        self.sock.sendto(data, addr)

    def _loop(self):
        self.sock.settimeout(0.1)
        while self.running:
            try:
                data, addr = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                msg = decode(data)
            except (ValueError, IndexError):
                continue
            try:
                self._handle(msg, data, addr)
            except Exception as e:  # keep the peer alive; the test sees the gap
                print("lwm2mpeer:", e)

    def _handle(self, msg, data, addr):
        c = msg["code"]
        if c == 0:  # empty ACK/RST
            return
        if 1 <= c <= 31:  # a request from the client
            path = [v.decode() for v in opt(msg, OPT_URI_PATH)]
            query = dict(q.decode().split("=", 1) for q in opt(msg, OPT_URI_QUERY) if b"=" in q)
            if c == POST and path == ["rd"]:
                rid = "r%d" % next(self.reg_ids)
                self.client = addr
                resp = encode(ACK, code(2, 1), msg["mid"], msg["token"],
                              [(OPT_LOCATION_PATH, b"rd"), (OPT_LOCATION_PATH, rid.encode())])
                self.registrations.append({"ep": query.get("ep"), "lt": query.get("lt"),
                                           "b": query.get("b"), "lwm2m": query.get("lwm2m"),
                                           "links": msg["payload"].decode(), "id": rid,
                                           "bytes": len(data) + len(resp), "time": time.monotonic()})
                self._send(resp, addr)
                self.events.put(("register", self.registrations[-1]))
            elif c == POST and len(path) == 2 and path[0] == "rd":
                self.client = addr
                self.updates.append({"query": query, "time": time.monotonic()})
                self._send(encode(ACK, code(2, 4), msg["mid"], msg["token"]), addr)
                self.events.put(("update", query))
            elif c == DELETE and len(path) == 2 and path[0] == "rd":
                self.deregistrations += 1
                self._send(encode(ACK, code(2, 2), msg["mid"], msg["token"]), addr)
                self.events.put(("deregister", path[1]))
            else:
                self._send(encode(ACK, code(4, 4), msg["mid"], msg["token"]), addr)
            return
        # a response: piggybacked, separate, or a notification
        if msg["type"] == CON:
            self._send(encode(ACK, 0, msg["mid"]), addr)
        tok = bytes(msg["token"])
        if tok in self.pending:
            self.pending.pop(tok).put(msg)
        elif tok in self.observed:
            self.notifications.put((self.observed[tok], msg["payload"],
                                    opt_uint(msg, OPT_CONTENT_FORMAT)))

    def request(self, method, path, payload=b"", cf=None, accept=None, observe=None,
                timeout=10.0):
        if not self.client:
            raise RuntimeError("no client registered")
        tok = next(self.tokens).to_bytes(4, "big")
        opts = [(OPT_URI_PATH, p.encode()) for p in path.strip("/").split("/") if p]
        if cf is not None:
            opts.append((OPT_CONTENT_FORMAT, uint_opt(cf)))
        if accept is not None:
            opts.append((OPT_ACCEPT, uint_opt(accept)))
        if observe is not None:
            opts.append((OPT_OBSERVE, uint_opt(observe)))
            self.observed[tok] = path
        q = queue.Queue()
        self.pending[tok] = q
        data = encode(CON, method, next(self.mids) & 0xFFFF, tok, opts, payload)
        deadline = time.monotonic() + timeout
        while True:  # CON retransmission, simply
            self._send(data, self.client)
            try:
                return q.get(timeout=min(2.0, max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    self.pending.pop(tok, None)
                    raise TimeoutError("%s %s: no answer" % (code_str(method), path))

    def read(self, path, accept=None):
        return self.request(GET, path, accept=accept)

    def observe(self, path):
        return self.request(GET, path, observe=0)

    def write(self, path, payload, cf=CF_TEXT):
        return self.request(PUT, path, payload=payload, cf=cf)

    def execute(self, path):
        return self.request(POST, path)

    def wait_event(self, kind, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                ev = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if ev[0] == kind:
                return ev[1]
        raise TimeoutError("no %s within %.1f s" % (kind, timeout))

    def wait_notification(self, path, timeout, value=None):
        """The next notification of path (with this text or TLV int value)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                p, payload, cf = self.notifications.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            if p != path:
                continue
            v = payload.decode() if cf == CF_TEXT else payload
            if cf == CF_TLV:
                v = str(tlv_int(tlv_decode(payload)[0][2]))
            if value is None or v == str(value):
                return v
        raise TimeoutError("no notification of %s = %s within %.1f s" % (path, value, timeout))


NGINX_CONF = """
daemon off;
master_process off;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp;
    proxy_temp_path {d}/tmp;
    fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp;
    scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {d}/root;
    }}
}}
"""


class PackageServer:
    """nginx on a free loopback port serving files from dir/root (with
    Range, as the module's resume needs). put(name, data) -> its URL."""

    def __init__(self, d):
        import subprocess
        self.d = d
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o755)
        for sub in ("root", "tmp"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(d=d, port=self.port,
                                      user="user root;" if os.geteuid() == 0 else ""))
        if not os.path.exists("/usr/sbin/nginx"):
            raise RuntimeError("nginx is missing (Debian package nginx)")
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", d, "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def put(self, name, data):
        with open(os.path.join(self.d, "root", name), "wb") as f:
            f.write(data)
        return "http://127.0.0.1:%d/%s" % (self.port, name)

    def close(self):
        self.proc.terminate()
        self.proc.wait()
