"""The Python package's sessions against the real gatewayd: a lost WebSocket or TCP
connection is made again and the session resumed with what arrived meanwhile and its services
provided again; a restarted program resumes its session by token; HTTP polls acknowledge what
they handled; a probe on loopback finds the gateway; and the asyncio flavour does all of the
everyday things on an event loop."""
import asyncio
import os
import socket
import sys
import threading
import unittest

PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python")
sys.path.insert(0, PACKAGE)

from gw_client import AsyncClient, Client, GatewayError, discover, key_from_file  # noqa: E402

from gateway_support import TIMEOUT, GatewayTestCase, wait_until  # noqa: E402

PORT_OF = {"websocket": "ws", "tcp": "tcp", "udp": "udp", "http": "http"}


class CuttableProxy:
    """Forwards loopback TCP connections to `port`, until `cut` closes every one of them (as a
    Wi-Fi drop would); new connections are forwarded again afterwards."""

    def __init__(self, port):
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                inbound, _ = self.listener.accept()
            except OSError:
                return
            outbound = socket.create_connection(("127.0.0.1", self.target), timeout=TIMEOUT)
            outbound.settimeout(None)
            with self.lock:
                self.open += [inbound, outbound]
            for source, sink in ((inbound, outbound), (outbound, inbound)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        for each in (source, sink):
            try:
                each.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        with self.lock:
            cut, self.open = self.open, []
        for each in cut:
            try:
                each.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            each.close()

    def close(self):
        self.listener.close()
        self.cut()


class PythonSessions(GatewayTestCase):

    def key(self):
        return key_from_file(self.gateway.ready["key_file"])

    def connect(self, transport, name, **options):
        client = Client(self.key(), "127.0.0.1", transport=transport,
                        port=options.pop("port", None) or self.gateway.ready[PORT_OF[transport]],
                        name=name, timeout=TIMEOUT, **options)
        self.addCleanup(client.close)
        return client

    def test_a_lost_connection_is_made_again_and_the_session_goes_on(self):
        for transport in ("websocket", "tcp"):
            with self.subTest(transport=transport):
                proxy = CuttableProxy(self.gateway.ready[PORT_OF[transport]])
                self.addCleanup(proxy.close)
                client = self.connect(transport, f"py-roamer-{transport}", port=proxy.port)
                client.provide(f"py-echo-{transport}", lambda call: {"text": call["text"]})
                got = []
                client.subscribe("py/roam/#", got.append)
                session_id = client.id
                proxy.cut()
                wait_until(lambda: not client.connected or client.reconnects, "the loss is seen")
                # Meanwhile the session is away: what is sent to it waits in its mailbox.
                sender = self.connect("http", f"py-sender-{transport}")
                sender.send(client.id, "while you were away")
                sender.publish("py/roam/x", {"n": 1})
                wait_until(lambda: client.reconnects == 1, "the client connects again")
                self.assertEqual(client.id, session_id)
                message = client.receive(TIMEOUT)
                self.assertEqual(message["text"], "while you were away")
                wait_until(lambda: got, "the publication that waited")
                self.assertEqual(got[0]["data"], {"n": 1})
                # Its service is provided again, on the new connection.
                self.assertEqual(sender.call(f"py-echo-{transport}", text="back")["text"], "back")

    def test_a_restarted_program_resumes_its_session_by_token(self):
        first = self.connect("tcp", "py-restarted", reconnect=False)
        first.subscribe("py/restart/#", lambda m: None)
        token, session_id = first.resume_token, first.id
        self.assertTrue(token)
        first._transport.close()  # killed: the stream ends without bye, so the session waits
        sender = self.connect("http", "py-restart-sender")
        wait_until(lambda: any(c.get("away") for c in sender.request("clients")["data"]
                             if c["id"] == session_id), "the gateway sees it away")
        sender.publish("py/restart/x", {"n": 2})
        again = self.connect("tcp", "py-restarted", resume=token)  # over the same transport
        self.assertEqual(again.id, session_id)
        message = again.receive(TIMEOUT)  # no callback in the new program: it is in the inbox
        self.assertEqual((message["topic"], message["data"]), ("py/restart/x", {"n": 2}))
        # A token the gateway does not know begins a new session instead.
        fresh = self.connect("tcp", "py-unknown-token", resume="not-a-token")
        self.assertNotEqual(fresh.id, session_id)

    def test_polls_that_acknowledge_get_what_was_not_acknowledged_again(self):
        reader = self.connect("http", "py-poller")
        sender = self.connect("http", "py-poll-sender")
        for n in range(3):
            sender.send(reader.id, f"m{n}")
        first = reader.poll(ack=0)
        self.assertEqual([m["text"] for m in first["messages"]], ["m0", "m1", "m2"])
        # Not acknowledged: the same again, as for a program killed before it handled them.
        self.assertEqual([m["text"] for m in reader.poll(ack=0)["messages"]],
                         ["m0", "m1", "m2"])
        self.assertEqual(reader.poll(ack=first["last_seq"])["messages"], [])
        with self.assertRaises(GatewayError) as raised:
            reader.poll(ack=first["last_seq"] + 100)
        self.assertEqual(raised.exception.code, 400)

    def test_a_probe_finds_the_gateway_and_connects_to_it(self):
        found = discover(self.key(), addresses=["127.0.0.1"], port=self.gateway.ready["udp"])
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].address, "127.0.0.1")
        self.assertEqual(found[0].port("tcp"), self.gateway.ready["tcp"])
        client = Client.discovered(self.key(), transport="tcp", addresses=["127.0.0.1"],
                                   probe_port=self.gateway.ready["udp"], name="py-found",
                                   timeout=TIMEOUT)
        self.addCleanup(client.close)
        self.assertEqual(client.request("whoami")["data"]["transport"], "tcp")
        # Another key finds nothing: gateways do not answer what they cannot read.
        from cryptography.fernet import Fernet
        self.assertEqual(discover(Fernet.generate_key(), addresses=["127.0.0.1"],
                                  port=self.gateway.ready["udp"], timeout=0.3), [])

    def test_the_asyncio_flavour_runs_callbacks_and_services_on_the_loop(self):
        key, ports = self.key(), self.gateway.ready

        async def main():
            provider = await AsyncClient.connect(key, port=ports["ws"], name="py-async-provider",
                                                 timeout=TIMEOUT)
            caller = await AsyncClient.connect(key, port=ports["tcp"], transport="tcp",
                                               name="py-async-caller", timeout=TIMEOUT)
            async with provider, caller:
                loop = asyncio.get_running_loop()

                async def double(call):
                    assert asyncio.get_running_loop() is loop
                    await asyncio.sleep(0.01)
                    return {"data": {"n": call["data"]["n"] * 2}}

                await provider.provide("py-async-double", double)
                heard = asyncio.Queue()
                await provider.subscribe("py/async/#", heard.put)
                replies = await asyncio.gather(*(caller.call("py-async-double", {"n": n})
                                                 for n in range(5)))
                await caller.publish("py/async/t", {"celsius": 20})
                published = await asyncio.wait_for(heard.get(), TIMEOUT)
                self.assertGreater(await caller.ping(), 0)
                return [r["data"]["n"] for r in replies], published["data"]

        doubled, published = asyncio.run(main())
        self.assertEqual(doubled, [0, 2, 4, 6, 8])
        self.assertEqual(published, {"celsius": 20})


if __name__ == "__main__":
    unittest.main()
