"""The campaign engine's step (bench/bench_campaign.c) on SQLite and on
PostgreSQL.

    /usr/bin/python3 bench/bench_campaign.py BUILD [N] [BACKENDS] [-- ARGS...]

N devices (default 10000); BACKENDS "sqlite,pg" (default): SQLite in a new
temporary directory, PostgreSQL in a private cluster
(tests/integration/pgcluster.py) with fsync on, as in production. ARGS go
to bench_campaign (--groups, --away, --idle, --stop). Prints its lines per
backend, with the load average before the run."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from pgcluster import PgCluster  # noqa: E402


def run(bench, url, n, extra, name):
    load = os.getloadavg()[0]
    out = subprocess.run([bench, "--devices", str(n)] + extra + [url], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    print("== %s, load %.2f" % (name, load))
    print(out, end="", flush=True)


def main(argv):
    rest = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    bench = os.path.join(os.path.abspath(argv[1]), "bin", "bench_campaign")
    n = int(argv[2]) if len(argv) > 2 else 10000
    backends = (argv[3] if len(argv) > 3 else "sqlite,pg").split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as d:
            run(bench, "sqlite:" + os.path.join(d, "s.db"), n, rest, "sqlite")
    if "pg" in backends:
        with PgCluster(fsync=True) as pg:
            run(bench, pg.new_database(), n, rest, "pg")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
