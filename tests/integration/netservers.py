"""Real servers for the FTP and HTTP download tests and benches, on
loopback ports chosen at run time, each in its own process so that a test
can kill it in the middle of a transfer and start it again on the same port.

    from netservers import FtpServer, Nginx
    ftp = FtpServer(user="user", password="secret")   # pyftpdlib
    ftp.put("pkg.bin", data)                          # in its root
    ... AT+UFTP=7,<ftp.port> ...
    ftp.transfers()   # [{"file": "pkg.bin", "completed": True, "bytes": N, "rest": 0}]
    ftp.kill()        # SIGKILL: the server vanishes
    ftp.start()       # again, same port and files
    ftp.close()

    web = Nginx(users={"user": "secret"})   # /auth/ needs basic auth
    web.put("fota/pkg.bin", data)
    web.requests()    # [{"path": "/fota/pkg.bin", "status": 206, "bytes": N, "range": "bytes=65536-"}]

The transfer logs count what each server handed to its socket: the bytes
"fetched from the server". pyftpdlib (python3-pyftpdlib) and nginx are
declared dependencies: a missing one fails the test (simharness.require_*).
"""
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

from simharness import require_module, require_program

PYTHON = "/usr/bin/python3"

# pyftpdlib with one user whose home is the root; every RETR appends one
# line to the transfer log when it ends, whole or not (the REST offset it
# started from included); the port actually bound goes to stdout.
FTP_SCRIPT = r"""
import os
import signal
import socket
import struct
import sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import DTPHandler, FTPHandler
from pyftpdlib.servers import FTPServer
port, root, user, password, logpath = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
log = open(logpath, "a")
SNDBUF = 32768
auth = DummyAuthorizer()
auth.add_user(user, password, root, perm="elr")

class DTP(DTPHandler):
    def __init__(self, sock, cmd_channel):
        # a send buffer of the size a server's link keeps in flight, not
        # the megabytes loopback's autotuning allows: what the log counts
        # as sent is then near what the client received
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SNDBUF)
        DTPHandler.__init__(self, sock, cmd_channel)


class Handler(FTPHandler):
    dtp_handler = DTP
    authorizer = auth
    banner = "sarafw test server"
    auth_failed_timeout = 0  # a refused login answers at once
    rest = 0

    def ftp_REST(self, line):
        try:
            self.rest = int(line)
        except ValueError:
            pass
        return FTPHandler.ftp_REST(self, line)

    def ftp_RETR(self, file):
        self.retr_rest, self.rest = self.rest, 0
        return FTPHandler.ftp_RETR(self, file)

    def log_transfer(self, cmd, filename, receive, completed, elapsed, bytes):
        rel = os.path.relpath(os.path.realpath(filename), os.path.realpath(root))
        log.write("%s %s completed=%d bytes=%d rest=%d\n"
                  % (cmd, rel, 1 if completed else 0, bytes, getattr(self, "retr_rest", 0)))
        log.flush()

    def log(self, msg, logfun=None):
        pass

    def logline(self, msg, logfun=None):
        pass

    def logerror(self, msg):
        pass

server = FTPServer(("127.0.0.1", port), Handler)


def vanish(signum, frame):
    # the server and its network are gone: every connection is reset, what
    # its socket buffers still held is lost (a plain kill would let the
    # kernel deliver it)
    for obj in list(server.ioloop.socket_map.values()):
        try:
            obj.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            obj.socket.close()
        except Exception:
            pass
    os._exit(0)


signal.signal(signal.SIGUSR1, vanish)
print(server.socket.getsockname()[1], flush=True)
server.serve_forever(timeout=0.05)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port, proc, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("%s exited with %s" % (what, proc.returncode))
            time.sleep(0.02)
    raise TimeoutError("%s did not listen on port %d" % (what, port))


class FtpServer:
    """pyftpdlib in a process of its own on 127.0.0.1 (a free port, kept
    across kill() and start()); files live under root."""

    def __init__(self, user="user", password="secret"):
        require_module("pyftpdlib", "python3-pyftpdlib")
        self.user, self.password = user, password
        self.dir = tempfile.mkdtemp(prefix="sarafw-ftp-")
        self.root = os.path.join(self.dir, "root")
        os.mkdir(self.root)
        self.logpath = os.path.join(self.dir, "transfers.log")
        open(self.logpath, "w").close()
        self.port = 0
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen(
            [PYTHON, "-c", FTP_SCRIPT, str(self.port), self.root, self.user, self.password,
             self.logpath], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline()
        if not line.strip():
            self.proc.wait(5)
            raise RuntimeError("pyftpdlib did not start (exit %s)" % self.proc.returncode)
        self.port = int(line)
        _wait_listening(self.port, self.proc, "pyftpdlib")

    def put(self, name, data):
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def transfers(self):
        """Every RETR so far, in order: file (relative to root), completed,
        bytes sent, rest (the REST offset it started from)."""
        out = []
        with open(self.logpath) as f:
            for line in f:
                fields = line.split()
                kv = dict(x.split("=", 1) for x in fields[2:])
                out.append({"cmd": fields[0], "file": fields[1],
                            "completed": kv["completed"] == "1", "bytes": int(kv["bytes"]),
                            "rest": int(kv["rest"])})
        return out

    def wait_transfers(self, n, timeout=5.0):
        """transfers() once it has at least n entries (the server logs a
        transfer when its connection closes, a moment after the client)."""
        deadline = time.monotonic() + timeout
        while True:
            t = self.transfers()
            if len(t) >= n or time.monotonic() > deadline:
                return t
            time.sleep(0.02)

    def vanish(self):
        """The server and its network are gone at once: every connection
        is reset (nothing more arrives), then the process exits."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)
            self.proc.wait(10)
        self.kill()

    def kill(self):
        """SIGKILL: the process dies (the kernel still delivers what its
        sockets hold, then closes them)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        if self.proc:
            self.proc.stdout.close()
        self.proc = None

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Relay:
    """A TCP relay on its own free loopback port to target_port, for one
    connection at a time or more: cut() resets every connection it
    carries (both sides, nothing buffered is delivered), as when the
    server or the network vanishes; later connections are relayed again."""

    def __init__(self, target_port):
        self.target = target_port
        self.lsock = socket.socket()
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(8)
        self.port = self.lsock.getsockname()[1]
        self.conns = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                c, _ = self.lsock.accept()
            except OSError:
                return
            try:
                # small buffers: a cut loses what is in flight, as on a link
                c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32768)
                u = socket.socket()
                u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
                u.settimeout(5)
                u.connect(("127.0.0.1", self.target))
                u.settimeout(None)
            except OSError:
                c.close()
                continue
            with self.lock:
                self.conns.append((c, u))
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(16384)
                if not data:
                    dst.shutdown(socket.SHUT_WR)
                    return
                dst.sendall(data)
        except OSError:
            return

    def cut(self):
        with self.lock:
            conns, self.conns = self.conns, []
        for pair in conns:
            for s in pair:
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.close()
                except OSError:
                    pass

    def close(self):
        self.closed = True
        self.lsock.close()
        self.cut()


NGINX_CONF = """
daemon off;
master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    log_format st '$uri $status $body_bytes_sent "$http_range"';
    access_log {d}/access.log st;
    client_body_temp_path {d}/tmp;
    proxy_temp_path {d}/tmp;
    fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp;
    scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:{port} sndbuf=32k;  # see SNDBUF in FTP_SCRIPT
        root {d}/www;
        location /auth/ {{ auth_basic "fota"; auth_basic_user_file {d}/htpasswd; }}
    }}
}}
"""


class Nginx:
    """nginx (one process, its own config) on 127.0.0.1 and a free port,
    kept across kill() and start(); files live under www, /auth/ needs
    basic authentication with one of users."""

    def __init__(self, users=None):
        # /usr/sbin may not be on a user's PATH
        self.exe = "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else \
            require_program("nginx", "nginx")
        self.dir = tempfile.mkdtemp(prefix="sarafw-nginx-")
        os.chmod(self.dir, 0o755)
        for sub in ("www", "www/auth", "tmp"):
            os.makedirs(os.path.join(self.dir, sub))
        with open(os.path.join(self.dir, "htpasswd"), "w") as f:
            for u, pw in (users or {}).items():
                f.write("%s:{PLAIN}%s\n" % (u, pw))  # nginx's clear-text scheme
        self.access = os.path.join(self.dir, "access.log")
        open(self.access, "w").close()
        self.port = free_port()
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(NGINX_CONF.format(d=self.dir, port=self.port))
        self.proc = None
        self.start()

    def start(self):
        self.proc = subprocess.Popen([self.exe, "-p", self.dir, "-e", self.dir + "/error.log",
                                      "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_listening(self.port, self.proc, "nginx")

    def put(self, name, data):
        path = os.path.join(self.dir, "www", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def requests(self):
        """Every request logged so far: path, status, body bytes sent and
        the Range header ("" without one)."""
        out = []
        with open(self.access) as f:
            for line in f:
                path, status, nbytes, rng = line.rstrip("\n").split(" ", 3)
                rng = rng.strip('"')
                out.append({"path": path, "status": int(status), "bytes": int(nbytes),
                            "range": "" if rng == "-" else rng})
        return out

    def wait_requests(self, n, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            r = self.requests()
            if len(r) >= n or time.monotonic() > deadline:
                return r
            time.sleep(0.02)

    def kill(self):
        """SIGKILL: the server vanishes, its connections with it."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def close(self):
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit("netservers.py is a module for the tests")
