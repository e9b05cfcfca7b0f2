"""Lookup tables on the real gatewayd: [[tables]] in the config file, a CSV row returned, the
file edited on disk and the new row returned without a restart, and clear errors."""
import os
import unittest

from gateway_support import Gateway, message
from session_clients import HttpClient, TcpClient

CONFIG = """
[[tables]]
name = "sensors"
file = "sensors.csv"
key = "id"

[[tables]]
name = "rooms"
file = "rooms.json"
key = "room"

[[tables]]
name = "broken"
file = "does-not-exist.csv"
key = "id"
"""


class LookupTables(unittest.TestCase):
    def setUp(self):
        self.gateway = Gateway(config_text=CONFIG)
        self.addCleanup(self.gateway.close)
        self.write("sensors.csv", "id,room,unit\nt1,kitchen,celsius\nh1,bath,percent\n")
        self.write("rooms.json", '[{"room": "kitchen", "floor": 0}]')
        self.gateway.start()
        self.client = TcpClient(self.gateway, "reader")
        self.addCleanup(self.client.close)

    def write(self, name, text):
        with open(os.path.join(self.gateway.data_dir, name), "w") as f:
            f.write(text)

    def lookup(self, args):
        return self.client.request(message("lookup", args=args))

    def test_rows_are_found_and_edits_are_seen_without_a_restart(self):
        reply = self.lookup("sensors/t1")
        self.assertEqual((reply["code"], reply["text"]), (200, "sensors/t1"))
        self.assertEqual(reply["data"], {"id": "t1", "room": "kitchen", "unit": "celsius"})
        self.assertEqual(self.lookup("rooms/kitchen")["data"]["floor"], 0)

        self.write("sensors.csv", "id,room,unit\nt1,garage,celsius\nt2,attic,celsius\n")
        self.assertEqual(self.lookup("sensors/t1")["data"]["room"], "garage")
        self.assertEqual(self.lookup("sensors/t2")["data"]["room"], "attic")
        self.assertEqual(self.lookup("sensors/h1")["code"], 404)

    def test_errors(self):
        self.assertEqual(self.lookup("sensors/nothing")["code"], 404)
        self.assertEqual(self.lookup("nothing/t1")["code"], 404)
        self.assertEqual(self.lookup("sensors")["code"], 400)
        broken = self.lookup("broken/t1")
        self.assertEqual((broken["code"], broken["cmd"]), (500, "error"))
        self.assertIn("does-not-exist.csv", self.gateway.stderr())  # the log names the file
        # Also over HTTP, and typed as chat.
        http = HttpClient(self.gateway, "web")
        self.addCleanup(http.close)
        self.assertEqual(http.request(message("", "/lookup sensors/h1"))["data"]["unit"], "percent")
        tables = self.client.request(message("get", args="tables"))["data"]
        self.assertEqual([t["name"] for t in tables], ["broken", "rooms", "sensors"])


if __name__ == "__main__":
    unittest.main()
