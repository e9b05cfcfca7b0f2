"""LAN discovery with the real gatewayd and gwctl: the subnet scanner on loopback, the gateway's
side of probes (bad datagrams get no answer at all), and probe, scan, beacons and
`call --broadcast` on a LAN of network namespaces that the test creates and deletes."""
import json
import os
import shutil
import socket
import subprocess
import unittest

from cryptography.fernet import Fernet

from gateway_support import Gateway, TIMEOUT, message, required_program
from netns_lan import NetnsLan, netns_unavailable_reason

GWCTL = required_program("GWCTL")


def gwctl(*args, prefix=()):
    return subprocess.run([*prefix, GWCTL, *args], capture_output=True, text=True,
                          timeout=TIMEOUT + 20)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def set_option(gateway, flag, value):
    """Replaces the value of one of the gateway's default flags before it starts."""
    gateway.args[gateway.args.index(flag) + 1] = value


def share_key(source, target):
    """Gives `target` (not yet started) the key file of `source`."""
    destination = os.path.join(target.data_dir, "gw.key")
    shutil.copyfile(source.ready["key_file"], destination)
    os.chmod(destination, 0o600)


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
    """Three gateways on 127.0.0.17, .42 and .99 with one HTTP port; .42 has another key."""

    @classmethod
    def setUpClass(cls):
        addresses = ["127.0.0.17", "127.0.0.42", "127.0.0.99"]
        cls.port = free_port_on(addresses)
        cls.gateways = {}
        for address in addresses:
            gateway = Gateway(bind=address, http_port=cls.port)
            set_option(gateway, "--name", "gw-" + address.rsplit(".", 1)[1])
            cls.addClassCleanup(gateway.close)
            if address == "127.0.0.99":
                share_key(cls.gateways["127.0.0.17"], gateway)
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
        result = self.scan("--scan", "10.0.0.0/16")
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
        before = self.gateway.metric("gw_udp_ignored_total", reason="repeated_token")
        self.assert_silence([token, token])
        self.assertEqual(self.gateway.metric("gw_udp_ignored_total", reason="repeated_token"),
                         before + 2)
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


NETNS_SKIP = netns_unavailable_reason()


@unittest.skipIf(NETNS_SKIP, NETNS_SKIP or "")
class NamespaceLan(unittest.TestCase):
    """Gateways A and B (B with beacons) and X (another key, with beacons) and a client, on a
    bridge inside network namespaces made by the test."""

    @classmethod
    def setUpClass(cls):
        cls.lan = NetnsLan({"a": 1, "b": 2, "x": 3, "client": 10})
        cls.addClassCleanup(cls.lan.close)
        cls.lan.start()
        cls.gateways = {}
        for host in ("a", "b", "x"):
            beacon = [] if host == "a" else ["--announce-interval", "1"]
            gateway = Gateway(*beacon, bind="0.0.0.0", http_port=5000,
                              prefix=cls.lan.exec_prefix(host))
            set_option(gateway, "--udp-port", "1234")
            set_option(gateway, "--name", "gateway-" + host)
            cls.addClassCleanup(gateway.close)
            if host == "b":
                share_key(cls.gateways["a"], gateway)
            cls.gateways[host] = gateway.start()
        cls.key_file = cls.gateways["a"].ready["key_file"]
        cls.ours = {cls.gateways[h].ready["id"]: cls.lan.address(h) for h in ("a", "b")}

    def discover(self, *args):
        result = gwctl("discover", "--key-file", self.key_file, "--json", *args,
                       prefix=self.lan.exec_prefix("client"))
        self.assertEqual(result.returncode, 0, result.stderr)
        return {g["id"]: g for g in json_lines(result.stdout)}

    def assert_ours(self, found, via):
        self.assertEqual({i: g["address"] for i, g in found.items()}, self.ours)
        self.assertNotIn(self.gateways["x"].ready["id"], found)
        for gateway in found.values():
            self.assertEqual(gateway["via"], via)

    def test_probe_finds_a_and_b_by_broadcast(self):
        found = self.discover("--probe")
        self.assert_ours(found, "probe")
        for gateway in found.values():
            self.assertEqual(gateway["endpoints"]["http"], 5000)
            self.assertGreater(gateway["rtt_ms"], 0)

    def test_probe_from_a_named_interface(self):
        self.assert_ours(self.discover("--probe", "--interface", "eth0"), "probe")

    def test_scan_of_the_interface_networks_finds_a_and_b(self):
        self.assert_ours(self.discover("--scan"), "scan")

    def test_scan_of_the_subnet_finds_a_and_b(self):
        self.assert_ours(self.discover("--scan", self.lan.network), "scan")

    def test_listen_hears_b_beacon_only(self):
        found = self.discover("--listen", "--timeout", "3")
        self.assertEqual(list(found), [self.gateways["b"].ready["id"]])
        self.assertEqual(found[self.gateways["b"].ready["id"]]["address"], self.lan.address("b"))

    def test_call_broadcast_prints_each_gateway_pong_once(self):
        before = {h: self.udp_counts(h) for h in ("a", "b")}
        result = gwctl("call", "--broadcast", "--key-file", self.key_file, "ping",
                       prefix=self.lan.exec_prefix("client"))
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 2, result.stdout)
        for host in ("a", "b"):
            line = next(l for l in lines if l.startswith(f"gateway-{host} "))
            self.assertIn(f"({self.lan.address(host)}:1234) 200 ping: pong", line)
        self.assertNotIn("gateway-x", result.stdout)
        # Sent to the limited and the directed broadcast address: received twice, done once.
        for host in ("a", "b"):
            received, answered = self.udp_counts(host)
            self.assertEqual(received - before[host][0], 2)
            self.assertEqual(answered - before[host][1], 1)

    def test_call_broadcast_json(self):
        result = gwctl("call", "--broadcast", "--key-file", self.key_file, "--json", "get",
                       "version", prefix=self.lan.exec_prefix("client"))
        self.assertEqual(result.returncode, 0, result.stderr)
        replies = json_lines(result.stdout)
        self.assertEqual(sorted(r["address"] for r in replies),
                         [f"{self.lan.address(h)}:1234" for h in ("a", "b")])
        for reply in replies:
            self.assertEqual(reply["reply"]["code"], 200)

    def test_the_other_key_hears_nothing_from_ours(self):
        other_key = self.gateways["x"].ready["key_file"]
        result = gwctl("discover", "--key-file", other_key, "--json", "--probe", "--scan",
                       prefix=self.lan.exec_prefix("client"))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([g["id"] for g in json_lines(result.stdout)],
                         [self.gateways["x"].ready["id"]])

    def udp_counts(self, host):
        """(datagrams received, datagrams sent) by a gateway's UDP listener."""
        metrics = self.lan.run("client", ["curl", "-s", "--max-time", str(TIMEOUT),
                                          f"http://{self.lan.address(host)}:5000/metrics"],
                               capture_output=True, text=True, check=True).stdout
        values = {}
        for line in metrics.splitlines():
            for name in ("gw_messages_in_total", "gw_messages_out_total"):
                if line.startswith(name + '{transport="udp"}'):
                    values[name] = float(line.rsplit(" ", 1)[1])
        return values["gw_messages_in_total"], values["gw_messages_out_total"]


if __name__ == "__main__":
    unittest.main()
