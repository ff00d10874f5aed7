"""A private PostgreSQL 15 cluster for the tests (standard library only).

    with PgCluster() as pg:                  # initdb + pg_ctl start
        url = pg.new_database()              # postgresql://sarafw@127.0.0.1:PORT/dbN
    url = pg.new_database(socket=True)   # the same over its Unix socket
    # stopped (pg_ctl stop -m immediate) and its directory removed

    python3 pgcluster.py -- COMMAND ARGS...  # runs COMMAND with SARAFW_PG (the
                                             # cluster) and SARAFW_TEST_DB (a new
                                             # database) set; exits with its status

The cluster lives in a new temporary directory, listens on 127.0.0.1 on a
free port chosen now and on a Unix socket in that directory only, and
trusts local connections (user "sarafw", a superuser of this cluster
only). PostgreSQL refuses to run as root: when the tests run as root, the
cluster runs as the "postgres" system user that Debian's postgresql-15
package creates (runuser -u postgres); its directory is handed to that
user. Otherwise it runs as the current user. fsync is off (PgCluster(fsync=True) for benchmarks): the tests kill
sarafw-server, never PostgreSQL, and a cluster that syncs every commit
makes them slow on a shared machine.

The binaries are Debian's (/usr/lib/postgresql/15/bin); a missing one is
an error, never a skip.
"""
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

PG_BIN = os.environ.get("SARAFW_PG_BIN", "/usr/lib/postgresql/15/bin")
RUN_AS = "postgres"  # when running as root


def _free_tcp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, fsync=False, options=""):
        self.fsync = fsync  # on for benchmarks: commits reach the disk as in production
        self.options = options  # more server settings ("-c NAME=VALUE ..."), for benchmarks
        for prog in ("initdb", "pg_ctl", "psql"):
            if not os.access(os.path.join(PG_BIN, prog), os.X_OK):
                raise RuntimeError("%s/%s is missing: install postgresql-15 (debian-packages.txt)"
                                   % (PG_BIN, prog))
        # as root the cluster's user must reach the directory: under /tmp,
        # whatever TMPDIR says
        self.dir = tempfile.mkdtemp(prefix="sarafw-pg-", dir="/tmp" if os.geteuid() == 0 else None)
        self.data = os.path.join(self.dir, "data")
        self.port = _free_tcp_port()
        self.prefix = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam(RUN_AS)  # KeyError: postgresql-15 is not installed
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chmod(self.dir, 0o700)
            self.prefix = ["runuser", "-u", RUN_AS, "--"]
        self.ndb = 0
        self.started = False

    def _run(self, argv, **kw):
        return subprocess.run(self.prefix + argv, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, cwd=self.dir, **kw)

    def start(self):
        self._run([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", "sarafw", "-A", "trust",
                   "-E", "UTF8", "--locale=C", "--no-sync"])
        opts = self._opts()
        for attempt in range(3):
            try:
                self._run([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l",
                           os.path.join(self.dir, "log"), "-o", opts, "-w", "-t", "30", "start"])
                break
            except subprocess.CalledProcessError:
                if attempt == 2:
                    raise RuntimeError("pg_ctl start failed: %s" % self.log_text())
                # the port was taken meanwhile: another one
                self.port = _free_tcp_port()
                opts = self._opts()
        self.started = True
        return self

    def _opts(self):
        return "-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=%s -c max_connections=200 %s" % (
            self.port, self.dir, "on" if self.fsync else "off", self.options)

    def log_text(self):
        try:
            with open(os.path.join(self.dir, "log"), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    @property
    def url(self):
        return "postgresql://sarafw@127.0.0.1:%d/postgres" % self.port

    def psql(self, sql, db="postgres"):
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-h", "127.0.0.1", "-p", str(self.port), "-U", "sarafw", "-d", db, "-c", sql],
                           check=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        return r.stdout.decode()

    def new_database(self, socket=False):
        """A new empty database; its URL (over TCP, or with socket over the
        cluster's Unix socket: its directory as the host, %-encoded)."""
        self.ndb += 1
        name = "db%d" % self.ndb
        self.psql("CREATE DATABASE %s" % name)
        host = self.dir.replace("/", "%2F") if socket else "127.0.0.1"
        return "postgresql://sarafw@%s:%d/%s" % (host, self.port, name)

    def stop(self):
        if self.started:
            subprocess.run(self.prefix + [os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "immediate",
                                          "-w", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           cwd=self.dir)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        print("usage: pgcluster.py -- COMMAND ARGS...", file=sys.stderr)
        return 2
    with PgCluster() as pg:
        env = dict(os.environ, SARAFW_PG=pg.url, SARAFW_TEST_DB=pg.new_database())
        r = subprocess.run(argv[2:], env=env)
        if r.returncode:
            sys.stderr.write("pgcluster: %s exited %d; PostgreSQL log:\n%s\n" % (argv[2], r.returncode,
                                                                             pg.log_text()))
        return r.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
