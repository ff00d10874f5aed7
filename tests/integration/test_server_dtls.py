"""sarafw-server over DTLS-PSK: a key per device, stored in the server's
database (PUT /api/v1/devices/{endpoint}/psk). libcoap's coap-client
registers with the identity that is its endpoint name; a client whose
identity is another provisioned device cannot register as the first
(4.03); an unknown identity or a wrong key gets no session at all; nothing
about them is stored. Wakaama's DTLS client against the server:
test_server_wakaama_dtls.py."""
import os
import subprocess
import sys
import tempfile

from lwm2mpeers import coap_program
from serverharness import Server

EP1 = "urn:imei:352222222222221"
EP2 = "urn:imei:352222222222222"
KEY1, KEY2 = "000102030405060708090a0b0c0d0e0f", "f0e0d0c0b0a090807060504030201000"


def coap_client(port, identity, key_text, ep):
    """One registration with libcoap's coap-client over DTLS-PSK: its
    output, or "" when nothing came back."""
    argv = [coap_program("coap-client-openssl"), "-m", "post", "-B", "3", "-v", "6", "-u", identity, "-k",
            key_text, "-t", "40", "-e", '</1/0>,</3/0>',
            "coaps://127.0.0.1:%d/rd?ep=%s&lwm2m=1.0&lt=60" % (port, ep)]
    r = subprocess.run(argv, capture_output=True, timeout=20)
    return (r.stdout + r.stderr).decode(errors="replace")


def main():
    with tempfile.TemporaryDirectory() as work, Server(work, nosec=False) as srv:
        operator, viewer = srv.token("operator"), srv.token("viewer")
        st, r = srv.api("PUT", "/api/v1/devices/%s/psk" % EP1, {"key": KEY1}, token=viewer)
        assert st == 403, st
        for bad in ({"key": "abc"}, {"key": "zz"}, {"key": ""}, {"nokey": 1}, {"key": "00" * 65}):
            st, r = srv.api("PUT", "/api/v1/devices/%s/psk" % EP1, bad, token=operator)
            assert st == 422, (bad, st, r)
        for ep, key in ((EP1, KEY1), (EP2, KEY2)):
            st, r = srv.api("PUT", "/api/v1/devices/%s/psk" % ep, {"key": key}, token=operator)
            assert st == 200, (st, r)
        st, devs = srv.api("GET", "/api/v1/devices")
        assert sorted(d["state"] for d in devs) == ["provisioned", "provisioned"], devs

        # coap-client takes the key as text: give EP2 a printable key
        text_key = "sarafw-psk-ep2!!"
        st, _ = srv.api("PUT", "/api/v1/devices/%s/psk" % EP2, {"key": text_key.encode().hex()},
                        token=operator)
        assert st == 200
        out = coap_client(srv.coap_port, EP2, text_key, EP2)
        assert "2.01" in out, out
        # EP2's identity and key, claiming to be EP1: refused
        out = coap_client(srv.coap_port, EP2, text_key, EP1)
        assert "4.03" in out, out
        # unknown identity, and EP2 with a wrong key: no DTLS session, no answer
        for ident, key in (("urn:imei:359999999999999", text_key), (EP2, "wrong-key-123456")):
            out = coap_client(srv.coap_port, ident, key, ident)
            assert "2.01" not in out and "4.03" not in out, out
        st, devs = srv.api("GET", "/api/v1/devices")
        assert sorted(d["endpoint"] for d in devs) == [EP1, EP2], devs
        assert srv.device(EP1)["state"] == "provisioned"
        assert srv.device(EP2)["state"] == "registered"
        assert srv.alive()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
