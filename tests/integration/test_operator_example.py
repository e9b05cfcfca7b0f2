"""The example operator program (examples/coffee_gateway.cpp): gatewayd plus a blocking command
that takes a second and requestables of its own. With a single network thread, other clients
are still answered while the command runs, because it runs on the worker pool."""
import os
import threading
import time
import unittest

from gateway_support import Gateway, TIMEOUT, message, required_program
from session_clients import UdpClient, WebSocketClient

COFFEE_GATEWAY = required_program("COFFEE_GATEWAY")


class CoffeeGateway(unittest.TestCase):
    def setUp(self):
        self.gateway = Gateway("--threads", "1", program=COFFEE_GATEWAY)
        self.addCleanup(self.gateway.close)
        self.gateway.start()

    def test_ping_is_answered_while_a_blocking_command_runs(self):
        barista = WebSocketClient(self.gateway, "barista")
        other = UdpClient(self.gateway, "other")
        self.addCleanup(barista.close)
        self.addCleanup(other.close)
        replies = []
        brew = threading.Thread(target=lambda: replies.append(
            barista.request(message("brew", args="strong"))))
        brew.start()
        deadline = time.monotonic() + TIMEOUT
        while other.request(message("get", args="coffee"))["data"]["brewing"] == 0:
            self.assertLess(time.monotonic(), deadline, "brew never started")
        # The command is running now; the only network thread is free for the others.
        pong = other.request(message("ping"))
        self.assertEqual(pong["text"], "pong")
        self.assertTrue(brew.is_alive(), "brew finished before the ping was answered")
        brew.join(TIMEOUT)
        self.assertEqual(replies[0]["text"], "your strong coffee is ready")
        self.assertEqual(other.request(message("get", args="coffee"))["data"],
                         {"pots": 1, "brewing": 0})

    def test_the_operator_command_is_listed_and_its_requestable_read(self):
        client = UdpClient(self.gateway, "reader")
        self.addCleanup(client.close)
        listed = {c["name"]: c for c in client.request(message("commands"))["data"]}
        self.assertEqual(listed["brew"]["description"],
                         "Brew a pot of coffee (takes a second); args: the strength")
        self.assertEqual(client.request(message("get", args="location"))["data"], "the kitchen")

    def test_the_periodic_service_runs_and_is_listed(self):
        client = UdpClient(self.gateway, "watcher")
        self.addCleanup(client.close)
        deadline = time.monotonic() + TIMEOUT
        while client.request(message("get", args="cleanings"))["data"] < 2:
            self.assertLess(time.monotonic(), deadline, "the periodic service never ran twice")
            time.sleep(0.1)
        periodic = {p["name"]: p for p in client.request(message("get", args="periodic"))["data"]}
        self.assertEqual(periodic["clean"]["interval_ms"], 1000)
        self.assertGreaterEqual(periodic["clean"]["runs"], 2)
        self.assertEqual((periodic["clean"]["failures"], periodic["clean"]["disabled"]), (0, False))


if __name__ == "__main__":
    unittest.main()
