"""sarafw-server refuses, at Register, an endpoint in the urn:imei
namespace that does not name a 15-digit IMEI ("urn:imei:" with nothing
after it, as a module that could not read its IMEI sends, or too few, too
many or non-digit characters): 4.00 with a diagnostic payload, and nothing
is stored. Such an endpoint would otherwise be one registration shared by
every module in that state, each taking the others'. A valid IMEI and an
endpoint outside the namespace (Wakaama's names) still register."""
import os
import tempfile

from serverharness import POST, Exchange, Server, code, code_str

PAYLOAD = b"</1/0>,</3/0>,</5/0>"
BAD = ["urn:imei:", "urn:imei:35123456789012", "urn:imei:3512345678901234", "urn:imei:35123456789012a",
       "urn:imei-msisdn:", "urn:imei-msisdn:351234567890123",
       "urn:imei-msisdn:35123456789012-4917000000", "urn:imei"]
GOOD = ["urn:imei:351234567890123", "urn:imei-msisdn:351234567890124-4917000000", "lab-client-1"]


def register(ex, ep):
    return ex.request(POST, "/rd", ["ep=" + ep, "lt=300", "lwm2m=1.0", "b=U"], PAYLOAD)


def main():
    with tempfile.TemporaryDirectory() as work, Server(work) as srv:
        ex = Exchange(srv.coap_port)
        try:
            for ep in BAD:
                m = register(ex, ep)
                assert m[1] == code("4.00"), (ep, code_str(m[1]))
                assert b"IMEI" in m[5], (ep, m[5])
            st, devs = srv.api("GET", "/api/v1/devices")
            assert st == 200 and devs == [], ("a refused Register stored something", devs)
            for ep in GOOD:
                m = register(ex, ep)
                assert m[1] == code("2.01"), (ep, code_str(m[1]))
            st, devs = srv.api("GET", "/api/v1/devices")
            got = {d["endpoint"]: d["imei"] for d in devs}
            assert got == {GOOD[0]: "351234567890123", GOOD[1]: "351234567890124", GOOD[2]: ""}, got
            assert srv.alive()
        finally:
            ex.close()
    print("ok")


if __name__ == "__main__":
    main()
