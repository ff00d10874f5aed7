"""What the tests of `sarafw ftp` and `sarafw http` share: the real
servers they start on free loopback ports (pyftpdlib in a thread, nginx
with a config of its own, both counting the bytes they send) and running
sarafw with the time scale and a state dir, to completion or in the
background (to kill or interrupt it mid-download)."""
import logging
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

from simharness import BIN

SCALE = 50


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, what):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(what + " did not start")


def env(state):
    return dict(os.environ, SARAFW_TIME_SCALE=str(SCALE), SARAFW_STATE_DIR=state)


def sarafw(*args, state, timeout=120):
    """Runs sarafw to its end."""
    return subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True,
                          text=True, timeout=timeout, env=env(state))


class Background:
    """sarafw running in the background; its stderr read line by line."""

    def __init__(self, *args, state):
        self.proc = subprocess.Popen([os.path.join(BIN, "sarafw")] + list(args), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env(state))
        self.err = ""

    def wait_for(self, pattern, timeout=30.0):
        """Reads stderr until the regular expression matches; fails if
        sarafw ends first."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stderr.fileno()
        text = pattern
        while not re.search(pattern, self.err):
            left = deadline - time.monotonic()
            r, _, _ = select.select([fd], [], [], max(0.0, left))
            if not r:
                raise TimeoutError("sarafw did not print %r: %s" % (text, self.err))
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("sarafw ended before %r: %s" % (text, self.err))
            self.err += chunk.decode(errors="replace")

    def kill(self):
        """kill -9: as a host that loses power."""
        self.proc.kill()
        self.proc.wait(10)
        self.close()

    def interrupt(self, timeout=60):
        """Ctrl-C; returns (exit code, stdout, all of stderr)."""
        self.proc.send_signal(signal.SIGINT)
        out, err = self.proc.communicate(timeout=timeout)
        self.err += err.decode(errors="replace")
        return self.proc.returncode, out.decode(errors="replace"), self.err

    def close(self):
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()


class FtpServer:
    """pyftpdlib on a free loopback port, one user, files in root; sent
    counts the bytes its data connections sent (a broken one is counted
    when the server notices), retrs lists the offset (REST) of each RETR
    as it starts."""

    def __init__(self, files, user="fota", password="s3cret"):
        from pyftpdlib.authorizers import DummyAuthorizer
        from pyftpdlib.handlers import DTPHandler, FTPHandler
        from pyftpdlib.servers import FTPServer

        log = logging.getLogger("pyftpdlib")  # a handler of ours: pyftpdlib adds none
        log.addHandler(logging.NullHandler())
        log.propagate = False
        self.root = tempfile.mkdtemp(prefix="sarafw-ftp-")
        for name, data in files.items():
            with open(os.path.join(self.root, name), "wb") as f:
                f.write(data)
        self.sent = 0
        self.retrs = []
        server = self

        class Counting(DTPHandler):
            def close(self):
                if not self._closed:
                    server.sent += self.tot_bytes_sent
                super().close()

        auth = DummyAuthorizer()
        auth.add_user(user, password, self.root, perm="elr")
        def ftp_RETR(self, file):
            server.retrs.append(self._restart_position)
            return FTPHandler.ftp_RETR(self, file)

        handler = type("H", (FTPHandler,), {"authorizer": auth, "dtp_handler": Counting, "ftp_RETR": ftp_RETR})
        handler.auth_failed_timeout = 0  # a refused login answers at once
        self.server = FTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"timeout": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close_all()
        shutil.rmtree(self.root, ignore_errors=True)


NGINX_CONF = """
daemon off;
master_process off;
{user}
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    log_format bytes "$body_bytes_sent $http_range";
    access_log {d}/access.log bytes;
    client_body_temp_path {d}/tmp;
    proxy_temp_path {d}/tmp;
    fastcgi_temp_path {d}/tmp;
    uwsgi_temp_path {d}/tmp;
    scgi_temp_path {d}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {d}/root;
        location /private/ {{
            auth_basic "fw";
            auth_basic_user_file {d}/htpasswd;
        }}
    }}
}}
"""


class HttpServer:
    """nginx (Range support) on a free loopback port with its own config:
    files under d/root (a name with '/' makes its directory), basic
    authentication for /private/ (user fota, password hunter2)."""

    def __init__(self, d, files):
        self.d = d
        os.chmod(d, 0o755)
        for sub in ("root", "root/private", "tmp"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, "root", name), "wb") as f:
                f.write(data)
        # {PLAIN} is nginx's clear-text scheme: no crypt needed here
        with open(os.path.join(d, "htpasswd"), "w") as f:
            f.write("fota:{PLAIN}hunter2\n")
        self.port = free_port()
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(d=d, port=self.port, user="user root;" if os.geteuid() == 0 else ""))
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", d, "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_listening(self.port, "nginx")

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def requests(self):
        """(body bytes sent, Range header or "-") of each request so far;
        nginx logs a request when it ends."""
        path = os.path.join(self.d, "access.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [(int(l.split()[0]), l.split()[1] if len(l.split()) > 1 else "-") for l in f if l.strip()]

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def fota_package(sim):
    """The package the simulated module stored in its FOTA area."""
    with open(os.path.join(sim.state, "fota", "package"), "rb") as f:
        return f.read()
