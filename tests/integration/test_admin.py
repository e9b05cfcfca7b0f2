"""Permissions on the real gatewayd: kick, shutdown and reload are refused before auth and
accepted after it; a wrong admin key is refused, and repeated wrong keys are slowed down."""
import unittest

from gateway_support import Gateway, GatewayTestCase, TIMEOUT, message
from session_clients import TcpClient, UdpClient, WebSocketClient

ADMIN_KEY = "open sesame, said the test"


class Permissions(GatewayTestCase):
    gateway_args = ("--admin-key", ADMIN_KEY)

    def test_admin_commands_need_auth(self):
        admin = WebSocketClient(self.gateway, "operator")
        victim = TcpClient(self.gateway, "victim")
        self.addCleanup(admin.close)
        self.addCleanup(victim.close)
        for cmd, args in (("kick", "victim"), ("shutdown", ""), ("reload", "")):
            reply = admin.request(message(cmd, args=args))
            self.assertEqual((reply["cmd"], reply["code"]), ("error", 403), cmd)
            self.assertIn("needs admin permission", reply["text"])
        reply = admin.request(message("auth", args="not the key"))
        self.assertEqual((reply["code"], reply["text"]), (403, "wrong admin key"))
        self.assertEqual(admin.request(message("auth", args=ADMIN_KEY))["code"], 200)

        self.assertEqual(admin.request(message("reload"))["code"], 200)
        self.assertEqual(admin.request(message("kick", args="victim"))["code"], 200)
        # The kick notice (a message from the gateway, not a reply), then the end.
        self.assertEqual(victim._receive(TIMEOUT)["cmd"], "kick")
        with self.assertRaises(ConnectionError):
            victim._receive(TIMEOUT)
        names = [c["name"] for c in admin.request(message("clients"))["data"]]
        self.assertNotIn("victim", names)

    def test_wrong_keys_are_slowed_down(self):
        guesser = UdpClient(self.gateway, "guesser")
        self.addCleanup(guesser.close)
        codes = [guesser.request(message("auth", args=f"guess {n}"))["code"] for n in range(5)]
        self.assertEqual(codes[:4], [403, 403, 403, 403])
        self.assertEqual(codes[4], 429)
        self.assertIn("wrong admin key", self.gateway.stderr())


class Shutdown(unittest.TestCase):
    def test_shutdown_by_an_admin_stops_the_gateway_cleanly(self):
        gateway = Gateway("--admin-key", ADMIN_KEY)
        self.addCleanup(gateway.close)
        gateway.start()
        waiter = UdpClient(gateway, "waiter")
        self.addCleanup(waiter.close)
        admin = WebSocketClient(gateway, "operator")
        self.addCleanup(admin.close)
        self.assertEqual(admin.request(message("shutdown"))["code"], 403)
        admin.request(message("auth", args=ADMIN_KEY))
        reply = admin.request(message("shutdown"))
        self.assertEqual((reply["code"], reply["text"]), (200, "shutting down"))
        self.assertEqual(gateway.process.wait(TIMEOUT), 0)
        self.assertIn("shutdown command", gateway.stderr())


if __name__ == "__main__":
    unittest.main()
