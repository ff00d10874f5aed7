"""Drive independent LwM2M and CoAP peers from Python tests (standard
library only): Eclipse Wakaama's example lwm2mserver and lwm2mclient (built
by scripts/peers.sh; ctest sets $SARAFW_PEERS to their directory), and
libcoap's coap-server and coap-client (Debian libcoap3-bin).

    from lwm2mpeers import Lwm2mServer, Lwm2mClient
    with Lwm2mServer() as server, Lwm2mClient(server.port, "ep1") as client:
        c = server.wait_registration("ep1")
        r = server.read(c.id, "/3/0")            # Response, r.status "2.05"
        r.values["0"]                            # "Open Mobile Alliance"
        server.write(c.id, "/3/0/14", "+02:00")
        server.execute(c.id, "/3/0/12")
        server.observe(c.id, "/3/0/14")
        client.change("/3/0/14", "+03:00")
        server.wait_notify(c.id, "/3/0/14").value()  # "+03:00"

Both Wakaama programs read commands on stdin and print on stdout. The
server answers a command with "OK", "Error: ..." or "Syntax error !", then
a prompt "\\r\\n> "; a result arrives later as "Client #N /path : 2.05
(COAP_205_CONTENT)" and a dump of the payload (a hex dump, or a tree for
TLV), also ended by a prompt. The driver cuts the output at the prompts and
turns every piece into an event. Both programs spin on end of file on
stdin, so stdin stays open until they have exited; they are killed when
the test process dies (PR_SET_PDEATHSIG). Every wait has a deadline and
raises TimeoutError with what was received.

The peers listen on 127.0.0.1 only, on free UDP ports chosen at run time.
"""
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.environ.get("SARAFW_PEERS") or os.path.join(HERE, "..", "..", "build", "peers", "bin")
COAP_SERVER = "coap-server-openssl"
COAP_CLIENT = "coap-client-openssl"


def _fail(what):
    # a test that cannot meet its peer has not passed: exit 1 (ctest: failed)
    sys.exit("%s: FAILED: %s" % (os.path.basename(sys.argv[0]), what))


def peer_path(name):
    """The path of a built Wakaama peer (lwm2mserver, lwm2mclient,
    lwm2mclient-dtls); if it is missing, the test exits with status 1."""
    path = os.path.join(PEERS, name)
    if not os.access(path, os.X_OK):
        _fail("%s is missing: build it with scripts/peers.sh (ctest's peers.build does)" % path)
    return path


def coap_program(name):
    """The path of a libcoap program; exits with status 1 if missing."""
    path = shutil.which(name)
    if not path:
        _fail("the program %r is missing: install the Debian package libcoap3-bin (`make deps` does)" % name)
    return path


def free_udp_port(count=1):
    """A free UDP port on 127.0.0.1 (with count > 1: the first of count
    consecutive ports free for both UDP and TCP)."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if count == 1:
            return port
        if port + count > 65535:
            continue
        held = []
        try:
            for p in range(port, port + count):
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    s = socket.socket(socket.AF_INET, kind)
                    held.append(s)
                    s.bind(("127.0.0.1", p))
            return port
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError("no free port")


_libc = None


def _die_with_parent():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Lwm2mError(Exception):
    """A command the peer refused ("Error: 4.04 (...)", "Syntax error !")."""


class _Peer:
    """A program reading commands on stdin; its stdout is collected by a
    thread, its stderr goes to a log file (self.log)."""

    quit_command = "q"

    def __init__(self, argv, name):
        self.argv = list(argv)
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix="sarafw-%s-" % name)
        self.log = os.path.join(self.tmp, "stderr.log")
        self.out = ""  # everything printed on stdout, \r kept
        self.cond = threading.Condition()
        self.proc = None
        self.reader = None

    def start(self):
        with open(self.log, "ab") as err:
            # line-buffered stdout: the examples print some lines (the
            # client's "REBOOT", "FIRMWARE UPDATE") without fflush
            self.proc = subprocess.Popen(["stdbuf", "-oL"] + self.argv, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE,
                                         stderr=err, preexec_fn=_die_with_parent, bufsize=0)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.cond.notify_all()
                    return
                text = data.decode("latin-1")
                self.out += text
                self._feed(text)
                self.cond.notify_all()

    def _feed(self, text):
        pass

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send(self, line):
        """Writes one command line on the peer's stdin."""
        if not self.alive():
            raise RuntimeError("%s has exited (status %s); stdout tail: %r"
                               % (self.name, self.proc.returncode if self.proc else None, self.out[-500:]))
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def wait_output(self, pattern, timeout=10.0, start=0):
        """Waits until stdout (from offset start) matches the regular
        expression pattern; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.out, start)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    raise TimeoutError("%s: no %r within %.1f s; stdout tail: %r; stderr: %s"
                                       % (self.name, pattern, timeout, self.out[start:][-800:], self.log))
                self.cond.wait(min(left, 0.2))

    def wait_stderr(self, pattern, timeout=10.0, start=0):
        """Waits until the stderr log (from byte start) matches the regular
        expression; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.stderr_text(), start)
            if m:
                return m
            if time.monotonic() > deadline or not self.alive():
                raise TimeoutError("%s: no %r on stderr within %.1f s (%s)" % (self.name, pattern, timeout, self.log))
            time.sleep(0.05)

    def stderr_text(self):
        with open(self.log, "rb") as f:
            return f.read().decode("latin-1")

    def stop(self, timeout=5.0):
        """Asks the program to quit, kills it if it does not; returns its
        exit status. stdin is closed only once it has exited."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                self.send(self.quit_command)
                self.proc.wait(timeout)
            except (OSError, RuntimeError, subprocess.TimeoutExpired):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        if self.reader:
            self.reader.join(timeout)
        return self.proc.returncode

    def kill(self):
        """SIGKILL, then the same clean-up as stop()."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        return self.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if exc and exc[0] is not None:
            sys.stderr.write("%s: stderr kept in %s\n" % (self.name, self.log))
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


class ClientInfo:
    """A registration as lwm2mserver prints it."""

    def __init__(self, id, name, binding, lifetime, objects, msisdn=None, alt_path=None):
        self.id, self.name, self.binding, self.lifetime = id, name, binding, lifetime
        self.objects, self.msisdn, self.alt_path = objects, msisdn, alt_path

    def __repr__(self):
        return "ClientInfo(#%d %r lifetime=%d objects=%s)" % (self.id, self.name, self.lifetime, self.objects)


_CLIENT_RE = re.compile(r"Client #(\d+):\n\tname: \"(.*)\"\n\tbinding: \"(.*)\"\n"
                        r"(?:\tmsisdn: \"(.*)\"\n)?(?:\talternative path: \"(.*)\"\n)?"
                        r"\tlifetime: (\d+) sec\n\tobjects: (.*)\n")


def _parse_clients(text):
    out = []
    for m in _CLIENT_RE.finditer(text):
        objects = [o.strip() for o in m.group(7).split(",") if o.strip()]
        out.append(ClientInfo(int(m.group(1)), m.group(2), m.group(3), int(m.group(6)), objects,
                              m.group(4), m.group(5)))
    return out


FORMATS = {
    "text/plain": "text/plain",
    "application/octet-stream": "application/octet-stream",
    "application/vnd.oma.lwm2m+tlv": "application/vnd.oma.lwm2m+tlv",
    "application/vnd.oma.lwm2m+json": "application/vnd.oma.lwm2m+json",
    "application/link-format": "application/link-format",
}


def tlv_int(data):
    """A TLV integer (1, 2, 4 or 8 bytes, big-endian, signed)."""
    return int.from_bytes(data, "big", signed=True)


def tlv_float(data):
    """A TLV float (4 or 8 bytes)."""
    return struct.unpack(">f" if len(data) == 4 else ">d", data)[0]


def _hex_lines(lines, i, n):
    data = bytearray()
    if n == 0:
        return bytes(data), i + 1  # output_buffer prints an empty line
    while len(data) < n:
        toks = lines[i].split()
        k = min(16, n - len(data))
        data += bytes.fromhex("".join(toks[:k]))
        i += 1
    return bytes(data), i


def _parse_tlv(lines, i):
    out = {}
    while i < len(lines) and lines[i].strip() == "{":
        m = re.match(r"ID: (\d+) type: (.*)$", lines[i + 1].strip())
        if not m or lines[i + 2].strip() != "{":
            raise ValueError("TLV dump: unexpected lines %r" % lines[i:i + 3])
        rid, kind = int(m.group(1)), m.group(2)
        i += 3
        if kind in ("Object Instance", "Multiple Instances"):
            value, i = _parse_tlv(lines, i)
        else:
            m = re.match(r"data \((\d+) bytes\):$", lines[i].strip())
            if not m:
                raise ValueError("TLV dump: no data line in %r" % lines[i:i + 2])
            value, i = _hex_lines(lines, i + 1, int(m.group(1)))
            while i < len(lines) and lines[i].strip().startswith("data as "):
                i += 1
        if lines[i].strip() != "}" or lines[i + 1].strip() != "}":
            raise ValueError("TLV dump: unclosed element at %r" % lines[i:i + 2])
        out[rid] = value
        i += 2
    return out, i


class Response:
    """A result or a notification lwm2mserver printed: status ("2.05"),
    code ("COAP_205_CONTENT"), format (a media type, or "Unknown (N)"),
    payload (bytes, for every format but TLV), tlv (for TLV: {id: bytes or
    {id: ...}} as the dump nests it), count (a notification's number).
    values flattens JSON and TLV into {name: value}: JSON names as the
    client sent them ("0", "6/0"; Wakaama's client puts the resource of a
    single-resource read in "bn" and repeats its id in "n"), values as
    decoded (sv: str, v: number, bv: bool, ov: str); TLV names are the ids
    joined with "/" and values are bytes (see tlv_int, tlv_float)."""

    def __init__(self, client, path, status=None, code=None, format=None, payload=b"", tlv=None, count=None):
        self.client, self.path, self.status, self.code = client, path, status, code
        self.format, self.payload, self.tlv, self.count = format, payload, tlv, count

    @property
    def ok(self):
        return self.status is not None and self.status.startswith("2.")

    @property
    def json(self):
        """The parsed LwM2M JSON payload (None for other formats)."""
        if self.format != "application/vnd.oma.lwm2m+json":
            return None
        return json.loads(self.payload.decode("utf-8"))

    @property
    def values(self):
        if self.tlv is not None:
            out = {}

            def walk(prefix, d):
                for k, v in d.items():
                    name = prefix + str(k)
                    if isinstance(v, dict):
                        walk(name + "/", v)
                    else:
                        out[name] = v
            walk("", self.tlv)
            return out
        doc = self.json
        if doc is None:
            raise ValueError("%s: %s has no named values" % (self.path, self.format))
        out = {}
        for e in doc.get("e", []):
            for k in ("sv", "v", "bv", "ov"):
                if k in e:
                    out[e.get("n", "")] = e[k]
                    break
        return out

    def value(self):
        """The single value: JSON or TLV of one resource, text/plain as
        str, anything else as bytes."""
        if self.tlv is not None or self.json is not None:
            v = self.values
            if len(v) != 1:
                raise ValueError("%s: %d values, not one: %r" % (self.path, len(v), v))
            return next(iter(v.values()))
        if self.format == "text/plain":
            return self.payload.decode("utf-8")
        return self.payload

    def __repr__(self):
        return "Response(#%d %s %s %s %s%s)" % (self.client, self.path, self.status, self.format,
                                               self.tlv if self.tlv is not None else self.payload,
                                               "" if self.count is None else " n=%d" % self.count)


def _parse_body(resp, body):
    """output_data(): 'N bytes received of type T:' then the dump."""
    lines = body.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return resp
    m = re.match(r"\s*(\d+) bytes received of type (.*):$", lines[0])
    if not m:
        raise ValueError("unexpected payload dump %r" % body[:200])
    n, kind = int(m.group(1)), m.group(2)
    resp.format = FORMATS.get(kind, kind)
    if kind == "application/vnd.oma.lwm2m+tlv":
        resp.tlv, _ = _parse_tlv(lines, 1)
    elif kind in ("application/vnd.oma.lwm2m+json", "application/link-format"):
        rest = body[body.index(lines[0]) + len(lines[0]) + 1:]
        resp.payload = rest[4:4 + n].encode("latin-1")  # after one indent
    else:
        resp.payload, _ = _hex_lines(lines, 1, n)
    return resp


def _uri(path):
    """The path as lwm2mserver prints it back: /3, /3/0, /3/0/14."""
    parts = [p for p in path.strip("/").split("/") if p != ""]
    return "/" + "/".join(str(int(p)) for p in parts)


class Lwm2mServer(_Peer):
    """Wakaama's example lwm2mserver on 127.0.0.1:port (NoSec; the example
    has no DTLS). Events (self.events) are tuples:
      ("ack", True, "OK") / ("ack", False, "Error: 4.04 (...)")
      ("registered", ClientInfo) ("updated", ClientInfo) ("deregistered", id)
      ("clients", [ClientInfo])  the answer to list
      ("result", Response)       a read, write, exec, discover... answer
      ("notify", Response)       an observation (number 0: the first)"""

    quit_command = "q"

    def __init__(self, port=None, ipv6=False):
        self.port = port or free_udp_port()
        argv = [peer_path("lwm2mserver"), "-l", str(self.port)]
        if not ipv6:
            argv.insert(1, "-4")
        super().__init__(argv, "lwm2mserver")
        self.events = []
        self._pending = ""
        self._lock = threading.Lock()
        self.start()
        self.wait_output(r"^> ", 5.0)

    def _feed(self, text):
        self._pending += text
        while True:
            m = re.search(r"(?:^|\r\n)> ", self._pending)
            if not m:
                return
            chunk, self._pending = self._pending[:m.start()], self._pending[m.end():]
            chunk = chunk.replace("\r", "").strip("\n")
            if chunk.strip():
                self._event(chunk)

    def _event(self, chunk):
        ev = self.events
        first = chunk.split("\n", 1)[0]
        rest = chunk[len(first) + 1:]
        m = re.match(r"Client #(\d+) (/[0-9/]*) : (\d\.\d\d) \((.*)\)$", first)
        if m:
            r = Response(int(m.group(1)), m.group(2).replace("//", "/"), m.group(3), m.group(4))
            ev.append(("result", _parse_body(r, rest)))
            return
        m = re.match(r"Notify from client #(\d+) (/[0-9/]*) number (\d+)$", first)
        if m:
            r = Response(int(m.group(1)), m.group(2).replace("//", "/"), "2.05", "COAP_205_CONTENT",
                         count=int(m.group(3)))
            ev.append(("notify", _parse_body(r, rest)))
            return
        m = re.match(r"New client #(\d+) registered\.$", first)
        if m:
            ev.append(("registered", _parse_clients(rest + "\n")[0]))
            return
        m = re.match(r"Client #(\d+) updated\.$", first)
        if m:
            ev.append(("updated", _parse_clients(rest + "\n")[0]))
            return
        m = re.match(r"Client #(\d+) unregistered\.$", first)
        if m:
            ev.append(("deregistered", int(m.group(1))))
            return
        if first.startswith("Client #") or first == "No client.":
            ev.append(("clients", _parse_clients(chunk + "\n")))
            return
        if first.startswith("OK"):
            ev.append(("ack", True, first))
            return
        if first.startswith("Error") or first.startswith("Syntax error"):
            ev.append(("ack", False, first))
            return
        ev.append(("other", chunk))

    def wait_event(self, match, timeout=10.0, start=0):
        """Waits for the first event from index start for which
        match(event) is true; returns (index, event)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.events):
                    if match(self.events[i]):
                        return i, self.events[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive():
                    raise TimeoutError("lwm2mserver: no such event within %.1f s; events since: %r; stdout tail: %r"
                                       % (timeout, self.events[start:][-10:], self.out[-600:]))
                self.cond.wait(min(left, 0.2))

    def _cursor(self):
        with self.cond:
            return len(self.events)

    def wait_registration(self, endpoint=None, timeout=10.0, start=0):
        """The ClientInfo of the first registration (of endpoint, if given)
        seen from event index start."""
        _, e = self.wait_event(lambda e: e[0] == "registered" and (endpoint is None or e[1].name == endpoint),
                               timeout, start)
        return e[1]

    def wait_update(self, client_id, timeout=10.0, start=0):
        """The ClientInfo of a registration update of client_id."""
        _, e = self.wait_event(lambda e: e[0] == "updated" and e[1].id == client_id, timeout, start)
        return e[1]

    def wait_deregistration(self, client_id, timeout=10.0, start=0):
        self.wait_event(lambda e: e[0] == "deregistered" and e[1] == client_id, timeout, start)

    def command(self, line, timeout=5.0):
        """Sends a command and waits for its "OK" (returns the event index
        after which its answers arrive); raises Lwm2mError on refusal."""
        with self._lock:
            start = self._cursor()
            self.send(line)
            i, e = self.wait_event(lambda e: e[0] == "ack", timeout, start)
        if not e[1]:
            raise Lwm2mError("%s: %s" % (line, e[2]))
        return start

    def list(self, timeout=5.0):
        """The registered clients (list)."""
        with self._lock:
            start = self._cursor()
            self.send("list")
            _, e = self.wait_event(lambda e: e[0] == "clients", timeout, start)
        return e[1]

    def _request(self, line, client_id, path, timeout):
        start = self.command(line, timeout)
        p = _uri(path)
        _, e = self.wait_event(lambda e: e[0] == "result" and e[1].client == client_id and e[1].path == p,
                               timeout, start)
        return e[1]

    def read(self, client_id, path, timeout=10.0):
        """read CLIENT# URI: the Response (raises nothing on 4.xx: see .ok)."""
        return self._request("read %d %s" % (client_id, _uri(path)), client_id, path, timeout)

    def discover(self, client_id, path, timeout=10.0):
        """disc CLIENT# URI: the link-format Response."""
        return self._request("disc %d %s" % (client_id, _uri(path)), client_id, path, timeout)

    def write(self, client_id, path, value, timeout=10.0):
        """write CLIENT# URI DATA (text/plain; DATA is one word)."""
        value = str(value)
        if not value or any(c.isspace() for c in value):
            raise ValueError("lwm2mserver writes one word: %r" % value)
        return self._request("write %d %s %s" % (client_id, _uri(path), value), client_id, path, timeout)

    def execute(self, client_id, path, arg=None, timeout=10.0):
        """exec CLIENT# URI [DATA]."""
        line = "exec %d %s" % (client_id, _uri(path)) + ("" if arg is None else " %s" % arg)
        return self._request(line, client_id, path, timeout)

    def delete(self, client_id, path, timeout=10.0):
        return self._request("del %d %s" % (client_id, _uri(path)), client_id, path, timeout)

    def write_time(self, client_id, path, pmin, pmax, timeout=10.0):
        """time CLIENT# URI PMIN PMAX (write attributes)."""
        return self._request("time %d %s %d %d" % (client_id, _uri(path), pmin, pmax), client_id, path, timeout)

    def observe(self, client_id, path, timeout=10.0):
        """observe CLIENT# URI: the first answer (a notify event, count 0)."""
        start = self.command("observe %d %s" % (client_id, _uri(path)), timeout)
        p = _uri(path)
        _, e = self.wait_event(lambda e: e[0] in ("notify", "result") and e[1].client == client_id
                               and e[1].path == p, timeout, start)
        return e[1]

    def wait_notify(self, client_id, path, timeout=10.0, after=0, start=0):
        """The first notification of path with number > after, from event
        index start (observe again: numbers start again at 0)."""
        p = _uri(path)
        _, e = self.wait_event(lambda e: e[0] == "notify" and e[1].client == client_id and e[1].path == p
                               and e[1].count > after, timeout, start)
        return e[1]

    def cancel(self, client_id, path, timeout=10.0):
        """cancel CLIENT# URI (cancel an observation). The server prints a
        cancel the client accepted as status "0.00"."""
        return self._request("cancel %d %s" % (client_id, _uri(path)), client_id, path, timeout)


class Lwm2mClient(_Peer):
    """Wakaama's example lwm2mclient registering with 127.0.0.1:server_port
    (objects 1, 2, 3, 4, 5, 6, 7 and the test object 31024; short server id
    123). With psk_id and psk_key (hex) the DTLS build is used. Known
    fault of this example (node-red-contrib-lwm2m 2.12.3): it dies of
    SIGSEGV after answering a read of the whole /5/0; reads of single /5/0
    resources are fine. stop() returns -11 if it died so. The DTLS build
    also dies of SIGSEGV at quit, after its De-register (connection_free()
    frees the connections before dtls_free_context() sends close_notify
    through them): stop() returns -11 then too."""

    quit_command = "quit"

    def __init__(self, server_port, endpoint="testlwm2mclient", lifetime=300, local_port=None,
                 psk_id=None, psk_key=None, server_host="127.0.0.1", bootstrap=False):
        self.endpoint = endpoint
        self.local_port = local_port or free_udp_port()
        prog = "lwm2mclient-dtls" if psk_id is not None else "lwm2mclient"
        argv = [peer_path(prog), "-4", "-n", endpoint, "-l", str(self.local_port),
                "-h", server_host, "-p", str(server_port), "-t", str(lifetime)]
        if psk_id is not None:
            argv += ["-i", psk_id, "-s", psk_key]
        if bootstrap:
            argv.append("-b")
        super().__init__(argv, "lwm2mclient")
        self.start()

    def servers(self, timeout=5.0):
        """The client's list: {short server id: status text}."""
        start = len(self.out)
        self.send("list")
        self.wait_output(r"(LWM2M Servers:\r?\n(?: - Server ID .*\r?\n)+|No LWM2M Server\.)", timeout, start)
        return {int(m.group(1)): m.group(2).strip()
                for m in re.finditer(r" - Server ID (\d+)\tstatus: (.*)\r?\n", self.out[start:])}

    def wait_registered(self, timeout=10.0):
        """Polls the client's list until a server says REGISTERED; returns
        {short server id: status}."""
        deadline = time.monotonic() + timeout
        while True:
            s = self.servers()
            if any(v.startswith("REGISTERED") for v in s.values()):
                return s
            if time.monotonic() > deadline:
                raise TimeoutError("lwm2mclient: not registered within %.1f s: %r" % (timeout, s))
            time.sleep(0.2)

    def change(self, path, value, timeout=5.0):
        """change URI DATA: sets a resource on the client side, as a sensor
        would, and so triggers the notifications of its observers. Returns
        once the client has done it; Lwm2mError if it refused."""
        start = len(self.stderr_text())
        self.send("change %s %s" % (_uri(path), value))
        m = self.wait_stderr(r"value changed!|Failed to change value!|write not supported[^\n]*|Object not found !",
                             timeout, start)
        if m.group(0) != "value changed!":
            raise Lwm2mError("change %s %s: %s" % (path, value, m.group(0)))

    def update(self, server_id=123):
        """update SERVER: a registration update now."""
        self.send("update %d" % server_id)


class CoapServer:
    """libcoap's coap-server on 127.0.0.1, serving files: it keeps resources
    created with PUT (-d), so every file of a directory (or a dict
    {name: bytes}) is uploaded block-wise when it starts. With psk (a key
    as text) it also listens with DTLS on port + 1 (coaps), any identity.
    Its log is self.log."""

    def __init__(self, files, port=None, psk=None, max_resources=64, block=1024, verbose=4):
        self.prog = coap_program(COAP_SERVER)
        self.port = port or free_udp_port(2)
        self.psk = psk
        self.tmp = tempfile.mkdtemp(prefix="sarafw-coap-server-")
        self.log = os.path.join(self.tmp, "coap-server.log")
        argv = [self.prog, "-A", "127.0.0.1", "-p", str(self.port), "-d", str(max_resources), "-v", str(verbose)]
        if psk is not None:
            argv += ["-k", psk]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         preexec_fn=_die_with_parent)
        self._wait_ready()
        if isinstance(files, str):
            names = sorted(n for n in os.listdir(files) if os.path.isfile(os.path.join(files, n)))
            files = {n: os.path.join(files, n) for n in names}
        for name, data in files.items():
            self.put(name, data, block)

    def uri(self, name="", secure=False):
        if secure:
            return "coaps://127.0.0.1:%d/%s" % (self.port + 1, name)
        return "coap://127.0.0.1:%d/%s" % (self.port, name)

    def _wait_ready(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("coap-server exited with %s: %s" % (self.proc.returncode, open(self.log).read()))
            p = subprocess.run([coap_program(COAP_CLIENT), "-B", "1", "-m", "get", self.uri(".well-known/core")],
                               capture_output=True, timeout=5)
            if p.returncode == 0 and p.stdout:
                return
            time.sleep(0.1)
        raise TimeoutError("coap-server did not answer on port %d: %s" % (self.port, open(self.log).read()))

    def put(self, name, data, block=1024):
        """Creates or replaces the resource /name (data: bytes or a path)."""
        path = data
        if isinstance(data, (bytes, bytearray)):
            path = os.path.join(self.tmp, "put.bin")
            with open(path, "wb") as f:
                f.write(data)
        p = subprocess.run([coap_program(COAP_CLIENT), "-B", "30", "-m", "put", "-b", str(block), "-f", path,
                            self.uri(name)], capture_output=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("coap-client put %s: %s %s" % (name, p.stdout, p.stderr))

    def wait_log(self, pattern, timeout=10.0):
        """Waits until the server's log (with verbose=7: every request it
        decoded) matches the regular expression; returns the match."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            with open(self.log, "rb") as f:
                m = rx.search(f.read().decode("latin-1"))
            if m:
                return m
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise TimeoutError("coap-server: no %r within %.1f s (log %s)" % (pattern, timeout, self.log))
            time.sleep(0.1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


class CoapGet:
    """What coap_get fetched: data (bytes), blocks ({block number: size}
    of the Block2 options of the 2.05 responses, from coap-client's debug
    log; None without trace), log (coap-client's output, text)."""

    def __init__(self, data, blocks, log):
        self.data, self.blocks, self.log = data, blocks, log


_BLOCK2_RE = re.compile(r"c:2\.05 i:[0-9a-f]+ \{[0-9a-f]*\} \[[^\]]*Block2:(\d+)/[_M]/(\d+)")


def coap_get(uri, block=512, timeout=60.0, psk_id=None, psk=None, trace=False):
    """coap-client GET of uri asking for blocks of block bytes (-b) into a
    file; returns a CoapGet. With psk_id and psk (text): DTLS-PSK. With
    trace: the debug log (-v 7, about 5 bytes of log per byte fetched) and
    the blocks seen in it."""
    tmp = tempfile.mkdtemp(prefix="sarafw-coap-client-")
    try:
        out = os.path.join(tmp, "out.bin")
        argv = [coap_program(COAP_CLIENT), "-v", "7" if trace else "4", "-B", str(int(timeout)), "-m", "get",
                "-b", str(block), "-o", out]
        if psk_id is not None:
            argv += ["-u", psk_id, "-k", psk]
        p = subprocess.run(argv + [uri], capture_output=True, timeout=timeout + 5)
        log = (p.stdout + p.stderr).decode("latin-1")
        if p.returncode != 0 or not os.path.exists(out):
            raise RuntimeError("coap-client get %s: status %d: %s" % (uri, p.returncode, log[-1000:]))
        with open(out, "rb") as f:
            data = f.read()
        blocks = {int(m.group(1)): int(m.group(2)) for m in _BLOCK2_RE.finditer(log)} if trace else None
        return CoapGet(data, blocks, log)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
