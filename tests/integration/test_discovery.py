"""LAN discovery on loopback with the real gatewayd and gwctl: the subnet scanner, and the
gateway's side of probes (bad datagrams get no answer at all). Probe, scan, beacons and
`call --broadcast` on a real broadcast LAN are in tests/netns."""
import json
import socket
import unittest

from cryptography.fernet import Fernet

from gateway_support import Gateway, TIMEOUT, gwctl, json_lines, message


def free_port_on(addresses):
    """A TCP port free on every one of the addresses."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind((addresses[0], 0))
            port = probe.getsockname()[1]
        taken = False
        for address in addresses[1:]:
            with socket.socket() as other:
                try:
                    other.bind((address, port))
                except OSError:
                    taken = True
        if not taken:
            return port
    raise RuntimeError("no port free on all of " + ", ".join(addresses))


class LoopbackScan(unittest.TestCase):
    """Three gateways on 127.0.0.17, .42 and .99 with one HTTP port; .42 has another key, and
    .99 speaks only https there (the scanner tries TLS when told to)."""

    @classmethod
    def setUpClass(cls):
        addresses = ["127.0.0.17", "127.0.0.42", "127.0.0.99"]
        cls.port = free_port_on(addresses)
        cls.gateways = {}
        for address in addresses:
            tls = ("--self-signed",) if address == "127.0.0.99" else ()
            gateway = Gateway(*tls, bind=address, http_port=cls.port)
            gateway.set_option("--name", "gw-" + address.rsplit(".", 1)[1])
            cls.addClassCleanup(gateway.close)
            if address == "127.0.0.99":
                gateway.use_key_of(cls.gateways["127.0.0.17"])
            cls.gateways[address] = gateway.start()
        cls.key_file = cls.gateways["127.0.0.17"].ready["key_file"]

    def scan(self, *args, key_file=None):
        return gwctl("discover", "--key-file", key_file or self.key_file, "--http-port",
                     str(self.port), "--json", *args)

    def test_scan_reports_exactly_the_gateways_with_our_key(self):
        result = self.scan("--scan", "127.0.0.0/24")
        self.assertEqual(result.returncode, 0, result.stderr)
        found = json_lines(result.stdout)
        self.assertEqual(sorted(g["address"] for g in found), ["127.0.0.17", "127.0.0.99"])
        self.assertEqual({g["id"] for g in found},
                         {self.gateways[a].ready["id"] for a in ("127.0.0.17", "127.0.0.99")})
        for gateway in found:
            self.assertEqual(gateway["via"], "scan")
            self.assertEqual(gateway["endpoints"]["http"], self.port)
            self.assertEqual(gateway["endpoints"]["udp"],
                             self.gateways[gateway["address"]].ready["udp"])
            self.assertEqual(gateway["endpoints"]["tls"], gateway["address"] == "127.0.0.99")
        self.assertIn("2 gateways found", result.stderr)
        self.assertIn("scan of 254 addresses", result.stderr)

    def test_the_other_key_finds_only_its_gateway(self):
        other = self.gateways["127.0.0.42"]
        result = self.scan("--scan", "127.0.0.0/24", key_file=other.ready["key_file"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([g["id"] for g in json_lines(result.stdout)], [other.ready["id"]])

    def test_the_table_names_each_gateway(self):
        result = gwctl("discover", "--key-file", self.key_file, "--scan", "127.0.0.16/28",
                       "--port", str(self.port))
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertTrue(lines[0].startswith("NAME"), result.stdout)
        self.assertEqual(len(lines), 2, result.stdout)
        self.assertIn("gw-17", lines[1])
        self.assertIn("127.0.0.17", lines[1])

    def test_no_gateway_is_exit_code_3(self):
        result = self.scan("--scan", "127.0.1.0/29")
        self.assertEqual(result.returncode, 3, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn("0 gateways found", result.stderr)

    def test_large_networks_need_allow_large(self):
        result = self.scan("--scan", "127.0.0.0/16")  # refused before any connection
        self.assertEqual(result.returncode, 2)
        self.assertIn("--allow-large", result.stderr)
        self.assertIn("65536 addresses", result.stderr)

    def test_bad_networks_and_port_mixes_are_usage_errors(self):
        result = self.scan("--scan", "127.0.0.0/33")
        self.assertEqual(result.returncode, 2)
        self.assertIn("prefix", result.stderr)
        result = gwctl("discover", "--key-file", self.key_file, "--probe", "--scan",
                       "127.0.0.0/30", "--port", "5000")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--udp-port", result.stderr)
        result = gwctl("discover", "--scan", "127.0.0.0/30")
        self.assertEqual(result.returncode, 2)
        self.assertIn("--key-file", result.stderr)


class ProbeAnswers(unittest.TestCase):
    """The gateway's side of a probe, over unicast UDP on loopback."""

    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway()
        cls.addClassCleanup(cls.gateway.close)
        cls.gateway.start()

    def setUp(self):
        self.sock = self.gateway.udp_socket()
        self.addCleanup(self.sock.close)

    def probe_token(self, fernet=None, id="probe-1"):
        body = message("handshake", user="prober", args="probe", id=id)
        return self.gateway.encrypt(body, fernet)

    def answer(self, token):
        self.sock.settimeout(TIMEOUT)
        self.sock.sendto(token, self.gateway.udp_address)
        data, _ = self.sock.recvfrom(65536)
        return self.gateway.decrypt(data)

    def assert_silence(self, datagrams):
        for datagram in datagrams:
            self.sock.sendto(datagram, self.gateway.udp_address)
        self.sock.settimeout(0.5)
        with self.assertRaises(socket.timeout, msg="the gateway answered a datagram it should not"):
            data, _ = self.sock.recvfrom(65536)
            print("unexpected answer:", data[:200])

    def test_a_probe_is_answered_without_a_session(self):
        before = self.gateway.metric("gw_sessions_opened_total", transport="udp")
        answer = self.answer(self.probe_token())
        self.assertEqual(answer["code"], 200)
        self.assertEqual(answer["cmd"], "handshake")
        self.assertEqual(answer["id"], "probe-1")
        self.assertEqual(answer["data"]["server"]["id"], self.gateway.ready["id"])
        self.assertEqual(answer["data"]["endpoints"]["udp"], self.gateway.ready["udp"])
        self.assertNotIn("session", answer["data"])
        self.assertNotIn("commands", answer["data"])
        self.assertEqual(self.gateway.metric("gw_sessions_opened_total", transport="udp"), before)

    def test_bad_datagrams_get_no_answer_and_probes_still_do(self):
        stranger = Fernet(Fernet.generate_key())
        ours = self.gateway.fernet
        self.assert_silence([
            b"garbage",
            b"\x00\xff" * 100,
            b"gAAAAA" + b"A" * 200,
            self.probe_token(stranger),                          # another key
            ours.encrypt(b"not json"),                           # ours, but not a message
            ours.encrypt(b"[1, 2]"),
            ours.encrypt_at_time(json.dumps(message("handshake", args="probe")).encode(), 1000),
            b"x" * 65000,                                        # over the message limit
        ])
        self.assertEqual(self.answer(self.probe_token())["code"], 200)

    def test_a_replayed_token_is_answered_once(self):
        token = self.probe_token(id="replayed")
        self.assertEqual(self.answer(token)["id"], "replayed")
        replays = dict(transport="udp", reason="replayed")
        before = self.gateway.metric("gw_replays_refused_total", **replays)
        self.assert_silence([token, token])
        self.assertEqual(self.gateway.metric("gw_replays_refused_total", **replays), before + 2)
        ping = self.gateway.encrypt(message("ping"))
        self.assertEqual(self.answer(ping)["text"], "pong")
        self.assert_silence([ping])

    def test_answers_and_beacons_are_not_answered(self):
        # A forged source address would otherwise make two gateways answer each other forever.
        before = self.gateway.metric("gw_udp_ignored_total", reason="unrequested_answer")
        self.assert_silence([
            self.gateway.encrypt(message("ping", code=200)),
            self.gateway.encrypt(message("handshake", code=404, text="no")),
            self.gateway.encrypt(message("announce", data={"server": {"id": "x"}})),
        ])
        self.assertEqual(self.gateway.metric("gw_udp_ignored_total", reason="unrequested_answer"),
                         before + 3)
        self.assertEqual(self.answer(self.gateway.encrypt(message("ping")))["text"], "pong")


if __name__ == "__main__":
    unittest.main()
