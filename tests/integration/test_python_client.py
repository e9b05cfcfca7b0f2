"""The Python package clients/python (gw_client) against the real gatewayd, on every
transport: the handshake, ping, messages between clients, topics with callbacks, services it
provides and calls, and refusals as GatewayError."""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import websocket

PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python")
sys.path.insert(0, PACKAGE)

from gw_client import Client, GatewayError, key_from_file, topic_matches  # noqa: E402

from gateway_support import TIMEOUT, GatewayTestCase  # noqa: E402
from session_clients import WebSocketClient  # noqa: E402

TRANSPORTS = ("websocket", "tcp", "udp", "http")
PORT_OF = {"websocket": "ws", "tcp": "tcp", "udp": "udp", "http": "http"}


class PythonClient(GatewayTestCase):

    def connect(self, transport, name):
        key = key_from_file(self.gateway.ready["key_file"])
        client = Client(key, "127.0.0.1", transport=transport,
                        port=self.gateway.ready[PORT_OF[transport]], name=name, timeout=TIMEOUT)
        self.addCleanup(client.close)
        return client

    def test_every_transport_pings_and_has_a_session(self):
        for transport in TRANSPORTS:
            with self.subTest(transport=transport):
                client = self.connect(transport, f"py-{transport}")
                self.assertTrue(client.id.startswith("c"), client.id)
                self.assertEqual(client.name, f"py-{transport}")
                self.assertGreater(client.ping(), 0)
                self.assertEqual(client.request("whoami")["data"]["transport"], transport)

    def test_a_message_sent_reaches_a_client_on_each_transport(self):
        sender = self.connect("websocket", "py-sender")
        for transport in TRANSPORTS:
            with self.subTest(transport=transport):
                receiver = self.connect(transport, f"py-receiver-{transport}")
                sender.send(receiver.name, "hello", {"n": 1})
                got = receiver.receive(timeout=TIMEOUT)
                self.assertIsNotNone(got)
                self.assertEqual((got["text"], got["data"], got["from"]),
                                 ("hello", {"n": 1}, sender.id))

    def test_subscriptions_call_back_with_each_publication(self):
        for transport in ("websocket", "tcp", "udp"):
            with self.subTest(transport=transport):
                subscriber = self.connect(transport, f"py-sub-{transport}")
                got = []
                arrived = threading.Event()
                subscriber.subscribe("py/+/temperature",
                                     lambda m: (got.append(m), arrived.set()))
                publisher = self.connect("http", f"py-pub-{transport}")
                publisher.publish("py/kitchen/temperature", {"celsius": 21.5})
                self.assertTrue(arrived.wait(TIMEOUT))
                self.assertEqual((got[0]["topic"], got[0]["data"]),
                                 ("py/kitchen/temperature", {"celsius": 21.5}))

    def test_a_service_provided_in_python_answers_callers_on_every_transport(self):
        for provider_transport in ("websocket", "tcp", "udp"):
            with self.subTest(provider=provider_transport):
                provider = self.connect(provider_transport, f"py-provider-{provider_transport}")
                name = f"py-double-{provider_transport}"
                provider.provide(name, lambda call: {"text": "doubled",
                                                     "data": {"n": call["data"]["n"] * 2}})
                for transport in TRANSPORTS:
                    caller = self.connect(transport, f"py-caller-{provider_transport}-{transport}")
                    reply = caller.call(name, {"n": 21})
                    self.assertEqual((reply["text"], reply["data"]), ("doubled", {"n": 42}))
                provider.request("unprovide", args=name)

    def test_a_failing_handler_and_refusals_are_errors_with_their_code(self):
        provider = self.connect("websocket", "py-failing")
        provider.provide("py-fails", lambda call: 1 / 0)
        caller = self.connect("http", "py-caller-of-failure")
        with self.assertRaises(GatewayError) as raised:
            caller.call("py-fails")
        self.assertEqual(raised.exception.code, 500)
        self.assertIn("ZeroDivisionError", raised.exception.text)
        with self.assertRaises(GatewayError) as raised:
            caller.call("nobody-provides-this")
        self.assertEqual(raised.exception.code, 404)

    def test_the_package_installs_with_pip_and_works_from_there(self):
        with tempfile.TemporaryDirectory(prefix="gw-python-") as scratch:
            source = os.path.join(scratch, "source")
            shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                                          "__pycache__"))
            target = os.path.join(scratch, "installed")
            # Offline, as on a LAN: no index, build with the system's setuptools.
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                            "--no-build-isolation", "--no-index", "--target", target, source],
                           check=True, capture_output=True, timeout=120)
            script = ("import sys, gw_client; from gw_client import Client, key_from_file\n"
                      "c = Client(key_from_file(sys.argv[1]), port=int(sys.argv[2]), transport='tcp')\n"
                      "print(gw_client.__file__, c.request('ping')['text']); c.close()")
            run = subprocess.run([sys.executable, "-c", script, self.gateway.ready["key_file"],
                                  str(self.gateway.ready["tcp"])], capture_output=True, text=True,
                                 timeout=TIMEOUT + 5, cwd=scratch, env=dict(os.environ, PYTHONPATH=target))
            self.assertEqual(run.returncode, 0, run.stderr)
            where, answer = run.stdout.split()
            self.assertTrue(where.startswith(target), where)
            self.assertEqual(answer, "pong")

    def test_topic_filters_match_as_the_gateways(self):
        self.assertTrue(topic_matches("home/#", "home/kitchen/t"))
        self.assertTrue(topic_matches("home/+/t", "home/kitchen/t"))
        self.assertFalse(topic_matches("home/+", "home/kitchen/t"))
        self.assertTrue(topic_matches("#", "anything"))


class PingService(GatewayTestCase):
    """The gateway's ping service measures the round trip of each client that offers ping (the
    package does by default) and leaves the others alone."""
    gateway_args = ("--ping-every", "1")

    def test_round_trips_of_clients_that_answer_pings(self):
        key = key_from_file(self.gateway.ready["key_file"])
        measured = Client(key, port=self.gateway.ready["ws"], name="py-pinged", timeout=TIMEOUT)
        self.addCleanup(measured.close)
        silent = WebSocketClient(self.gateway, "original-client")  # offers nothing
        self.addCleanup(silent.close)

        def entries():
            return {c["name"]: c for c in measured.request("clients")["data"]}
        deadline = time.monotonic() + TIMEOUT
        while "rtt_ms" not in entries()["py-pinged"]:
            self.assertLess(time.monotonic(), deadline, "no round trip measured")
            time.sleep(0.1)
        self.assertGreaterEqual(entries()["py-pinged"]["rtt_ms"], 0)
        self.assertNotIn("rtt_ms", entries()["original-client"])
        self.assertEqual(silent.deliveries, [])
        silent.ws.settimeout(0.5)
        with self.assertRaises(websocket.WebSocketTimeoutException):
            silent.ws.recv()  # no ping came to a client that did not offer to answer one
        self.assertGreaterEqual(
            self.gateway.metric_reaches("gw_clients_round_trip_measured", 1), 1)
        pinged = {p["name"]: p for p in measured.request("get", args="periodic")["data"]}
        self.assertGreaterEqual(pinged["ping"]["runs"], 1)


if __name__ == "__main__":
    unittest.main()
