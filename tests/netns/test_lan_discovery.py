"""Discovery on a LAN of network namespaces that the test creates and always deletes: a bridge
and four hosts, every interface inside them. From the client host, `gwctl discover` finds the
gateways with our key by real broadcast probe, by subnet scan and by their beacons, and
`gwctl call --broadcast` reaches each of them once; a gateway with another key is never
reported. Skipped, with the reason, where such a LAN cannot be built (not root)."""
import unittest

from gateway_support import Gateway, TIMEOUT, gwctl, json_lines
from netns_lan import NetnsLan, netns_unavailable_reason

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
            gateway.set_option("--udp-port", "1234")
            gateway.set_option("--name", "gateway-" + host)
            cls.addClassCleanup(gateway.close)
            if host == "b":
                gateway.use_key_of(cls.gateways["a"])
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
