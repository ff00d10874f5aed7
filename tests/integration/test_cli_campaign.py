"""`sarafw campaign`, `sarafw devices` and `sarafw pkg upload` against a
real sarafw-server (SQLite in a temporary directory) with scripted LwM2M
devices (serverharness.Device): an operator uploads a package and creates
a campaign from an IMEI file; a viewer and an operator may not approve it
(403, exit 9) and it stays a draft; an approver approves it (note §2.7.2);
the test report (§2.7.4) is read as text and as JSON and accepted (§2.7.5);
the final campaign finishes and the devices run the new version. Errors:
an unknown token (401), no server (exit 8), no token file, a finished
campaign cancelled (409), a bad IMEI file."""
import json
import os
import socket
import subprocess
import sys
import tempfile

from serverharness import BIN, Device, Server, free_port
import simpkg

OLD, NEW = "01.00,A01.00", "02.00,A01.00"
IMEIS = ["350000000010001", "350000000010002", "350000000010003"]


def sarafw(*args, env=None, check=None):
    e = dict(os.environ)
    e.pop("SARAFW_SERVER", None)
    e.pop("SARAFW_TOKEN_FILE", None)
    e.update(env or {})
    p = subprocess.run([os.path.join(BIN, "sarafw")] + list(args), capture_output=True, text=True, env=e, timeout=30)
    if check is not None:
        assert p.returncode == check, (args, p.returncode, p.stdout, p.stderr)
    if p.returncode:
        # an error is one line on stderr
        assert p.stderr.count("\n") == 1, (args, p.stderr)
    return p


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        tok = {r: write(os.path.join(work, r + ".token"), srv.token(r) + "\n")
               for r in ("operator", "approver", "viewer")}
        tok["admin"] = srv.token_file
        url = srv.base
        S = ["--server", url]

        def as_(role):
            return S + ["--token-file", tok[role]]

        # pkg upload: stored, then the same bytes again
        pkg = os.path.join(work, "new.pkg")
        with open(pkg, "wb") as f:
            f.write(simpkg.make(work, "SARA-R410M", target=os.urandom(8000), to_version=NEW))
        p = sarafw("pkg", "upload", pkg, *as_("operator"), check=0)
        sha = p.stdout.split()[-1]
        assert "stored" in p.stdout and len(sha) == 64, p.stdout
        st, info = srv.api("GET", "/api/v1/packages/" + sha)
        assert st == 200 and info["to_version"] == NEW, (st, info)
        p = sarafw("pkg", "upload", pkg, *as_("operator"), check=0)
        assert "already stored" in p.stdout, p.stdout
        p = sarafw("pkg", "upload", pkg, *as_("viewer"), check=9)
        assert "403" in p.stderr and "operator" in p.stderr, p.stderr
        bad = write(os.path.join(work, "bad.pkg"), "not a package")
        p = sarafw("pkg", "upload", bad, *as_("operator"), check=1)
        assert "422" in p.stderr and "148" in p.stderr, p.stderr

        devs = [Device(srv.coap_port, "urn:imei:" + i, OLD, NEW, "good") for i in IMEIS]
        for d in devs:
            d.start()
        for d in devs:
            srv.wait_device(d.endpoint, lambda x, d=d: x["firmware_version"] == d.version, 10)
        p = sarafw("devices", *as_("viewer"), check=0)
        for i in IMEIS:
            assert i in p.stdout, p.stdout
        p = sarafw("devices", "--json", *as_("viewer"), check=0)
        assert sorted(d["imei"] for d in json.loads(p.stdout)) == IMEIS, p.stdout

        imeis = write(os.path.join(work, "imeis.txt"), "# lab bench\n%s\n%s, %s  # last two\n" % tuple(IMEIS))
        create = ["campaign", "create", "--name", "bench", "--product", "SARA-R410M", "--from-version", OLD,
                  "--to-version", NEW, "--package", sha, "--imeis", imeis, "--test-size", "1",
                  "--group-size", "2", "--success-threshold", "50", "--error-threshold", "60",
                  "--window", "00:00-00:00", "--transport", "http", "--action-timeout", "20",
                  "--max-retries", "1", "--retry-backoff", "0", "--location-area", "lab"]
        p = sarafw(*create, *as_("viewer"), check=9)
        assert "403" in p.stderr and "role operator" in p.stderr, p.stderr
        # a bad IMEI file is refused before anything is sent
        badimeis = write(os.path.join(work, "bad.txt"), "%s\n12345\n" % IMEIS[0])
        p = sarafw(*[a if a != imeis else badimeis for a in create], *as_("operator"), check=2)
        assert "bad.txt:2" in p.stderr and "15 digits" in p.stderr, p.stderr
        st, lst = srv.api("GET", "/api/v1/campaigns")
        assert lst == [], lst
        p = sarafw(*create, env={"SARAFW_SERVER": url, "SARAFW_TOKEN_FILE": tok["operator"]}, check=0)
        assert "created (draft, test group of 1)" in p.stdout, p.stdout
        cid = int(p.stdout.split()[1])
        c = srv.campaign(cid)
        assert c["state"] == "draft" and c["group_size"] == 2 and c["success_threshold"] == 50, c
        assert c["location_area"] == "lab" and c["max_retries"] == 1 and c["created_by"] == "operator", c
        assert [d["imei"] for d in c["devices"]] == IMEIS, c

        # only an approver approves (note §2.7.2)
        for role in ("viewer", "operator"):
            p = sarafw("campaign", "approve", str(cid), *as_(role), check=9)
            assert "403" in p.stderr and "role approver" in p.stderr, p.stderr
        assert srv.campaign(cid)["state"] == "draft"
        p = sarafw("campaign", "approve", str(cid), *as_("approver"), check=0)
        assert "running, phase test" in p.stdout, p.stdout
        c = srv.campaign(cid)
        # its one-device test campaign may already be over (a slow sarafw under the sanitizers)
        assert c["state"] in ("running", "test_done") and c["approved_by"] == "approver", c
        p = sarafw("campaign", "approve", str(cid), *as_("approver"), check=1)
        assert "409" in p.stderr and "not draft" in p.stderr, p.stderr

        # the test report, then the final campaign
        srv.wait_campaign(cid, lambda c: c["state"] == "test_done", 30)
        p = sarafw("campaign", "report", str(cid), *as_("viewer"), check=0)
        assert "test  1 devices: 1 succeeded, 0 failed" in p.stdout, p.stdout
        assert "no host reset its module" in p.stdout, p.stdout
        assert "test  answered the update (Downloaded to Updating) within 180 s: 1, later: 0" in p.stdout, p.stdout
        assert "eDRX: not visible over LwM2M" in p.stdout, p.stdout
        p = sarafw("campaign", "report", str(cid), "--json", *as_("viewer"), check=0)
        rep = json.loads(p.stdout)
        st, api_rep = srv.api("GET", "/api/v1/campaigns/%d/report" % cid)
        assert rep["report"] == api_rep["report"] and rep["report"]["test"]["succeeded"] == 1, (rep, api_rep)
        p = sarafw("campaign", "accept-test", str(cid), *as_("operator"), check=9)
        p = sarafw("campaign", "accept-test", str(cid), *as_("approver"), check=0)
        assert "phase final" in p.stdout, p.stdout
        c = srv.wait_campaign(cid, lambda c: c["state"] == "finished", 40)
        assert all(d["state"] == "succeeded" for d in c["devices"]), c
        p = sarafw("campaign", "show", str(cid), *as_("viewer"), check=0)
        assert "finished" in p.stdout and p.stdout.count("succeeded") >= 3, p.stdout
        p = sarafw("campaign", "list", *as_("viewer"), check=0)
        assert ("%d" % cid) in p.stdout and "bench" in p.stdout and "finished" in p.stdout, p.stdout
        p = sarafw("devices", "--json", *as_("viewer"), check=0)
        assert all(d["firmware_version"] == NEW for d in json.loads(p.stdout)), p.stdout

        # errors, each one line with the next step
        p = sarafw("campaign", "cancel", str(cid), "--force", *as_("operator"), check=1)
        assert "409" in p.stderr and "already finished" in p.stderr, p.stderr
        p = sarafw("campaign", "show", "99", *as_("viewer"), check=1)
        assert "404" in p.stderr and "campaign list" in p.stderr, p.stderr
        unknown = write(os.path.join(work, "unknown.token"), "f" * 64 + "\n")
        p = sarafw("campaign", "list", "--server", url, "--token-file", unknown, check=9)
        assert "401" in p.stderr and "--token-file" in p.stderr, p.stderr
        down = "http://127.0.0.1:%d" % free_port(socket.SOCK_STREAM)
        p = sarafw("campaign", "list", "--server", down, "--token-file", tok["viewer"], check=8)
        assert "is sarafw-server running" in p.stderr, p.stderr
        p = sarafw("campaign", "list", *S, check=2)
        assert "--token-file" in p.stderr and "SARAFW_TOKEN_FILE" in p.stderr, p.stderr
        p = sarafw("campaign", "list", "--token-file", tok["viewer"], check=2)
        assert "--server" in p.stderr and "SARAFW_SERVER" in p.stderr, p.stderr
        p = sarafw("campaign", "approve", "x1", *as_("approver"), check=2)

        # a second campaign: the schedule's flags, resume refused, a forced cancel as operator
        p = sarafw(*create, "--start", "2030-01-01T00:00Z", "--end", "1900000000", *as_("operator"), check=0)
        cid2 = int(p.stdout.split()[1])
        c = srv.campaign(cid2)
        assert c["start"] == 1893456000 and c["end"] == 1900000000, c
        p = sarafw(*create, "--start", "tomorrow", *as_("operator"), check=2)
        assert "--start tomorrow" in p.stderr and "UTC" in p.stderr, p.stderr
        p = sarafw(*create, "--window", "25:00", *as_("operator"), check=2)
        p = sarafw("campaign", "resume", str(cid2), *as_("operator"), check=1)
        assert "409" in p.stderr and "not paused" in p.stderr, p.stderr
        p = sarafw("campaign", "pause", str(cid2), *as_("operator"), check=1)
        assert "409" in p.stderr and "not running" in p.stderr, p.stderr
        p = sarafw("campaign", "pause", str(cid2), *as_("approver"), check=9)
        assert "role operator" in p.stderr, p.stderr
        p = sarafw("campaign", "cancel", str(cid2), "--force", *as_("approver"), check=9)
        assert "role operator" in p.stderr, p.stderr
        p = sarafw("campaign", "cancel", str(cid2), "--force", *as_("operator"), check=0)
        assert srv.campaign(cid2)["state"] == "cancelled", srv.campaign(cid2)
        for d in devs:
            d.stop()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
