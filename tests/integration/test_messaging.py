"""Messages between clients of every transport through the real gatewayd: direct messages and
topic publications for each of the 16 (sender, receiver) transport pairs, long polls, names,
and the session commands."""
import threading
import time
import unittest
from contextlib import closing

from gateway_support import GatewayTestCase, TIMEOUT, message
from session_clients import CLIENT_CLASSES, HttpClient, UdpClient, WebSocketClient


class EveryTransportPair(GatewayTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A sender and a receiver on each transport.
        cls.senders = {c.transport: c(cls.gateway, f"send-{c.transport}") for c in CLIENT_CLASSES}
        cls.receivers = {c.transport: c(cls.gateway, f"recv-{c.transport}")
                         for c in CLIENT_CLASSES}
        for client in [*cls.senders.values(), *cls.receivers.values()]:
            cls.addClassCleanup(client.close)
        for transport, receiver in cls.receivers.items():
            reply = receiver.request(message("subscribe", topic=f"pairs/+/{transport}"))
            assert reply["code"] == 200, reply

    def pairs(self):
        for sender in self.senders.values():
            for receiver in self.receivers.values():
                yield sender, receiver

    def check_delivered(self, delivered, sender, text, request_id):
        self.assertEqual(delivered["text"], text)
        self.assertEqual(delivered["from"], sender.id)
        self.assertEqual(delivered["userID"], sender.name)
        self.assertEqual(delivered["id"], request_id)
        self.assertNotIn("token", delivered)

    def test_direct_message_for_each_pair(self):
        for sender, receiver in self.pairs():
            with self.subTest(sender=sender.transport, receiver=receiver.transport):
                text = f"direct {sender.transport} -> {receiver.transport}"
                request_id = f"dm-{sender.transport}-{receiver.transport}"
                ack = sender.request(message("send", text, to=receiver.name, id=request_id))
                self.assertEqual((ack["code"], ack["data"]["delivered"]), (200, 1))
                self.check_delivered(receiver.next_delivery(), sender, text, request_id)

    def test_topic_publication_for_each_pair(self):
        for sender, receiver in self.pairs():
            with self.subTest(sender=sender.transport, receiver=receiver.transport):
                topic = f"pairs/{sender.transport}/{receiver.transport}"
                text = f"published {sender.transport} -> {receiver.transport}"
                request_id = f"pub-{sender.transport}-{receiver.transport}"
                ack = sender.request(message("publish", text, topic=topic, id=request_id,
                                             data={"n": 1}))
                self.assertEqual((ack["code"], ack["data"]["delivered"]), (200, 1))
                delivered = receiver.next_delivery()
                self.check_delivered(delivered, sender, text, request_id)
                self.assertEqual((delivered["topic"], delivered["data"]), (topic, {"n": 1}))

    def test_direct_message_by_client_id(self):
        sender, receiver = self.senders["tcp"], self.receivers["udp"]
        sender.request(message("send", "by id", to=receiver.id))
        self.assertEqual(receiver.next_delivery()["text"], "by id")


class LongPoll(GatewayTestCase):
    def test_a_long_poll_returns_when_a_message_arrives(self):
        waiter = HttpClient(self.gateway, "waiter")
        sender = WebSocketClient(self.gateway, "sender")
        self.addCleanup(waiter.close)
        self.addCleanup(sender.close)
        replies = []
        # The poll may wait far longer than the test's own timeout: only a message ends it.
        poll = threading.Thread(target=lambda: replies.append(
            waiter.request(message("poll", args="wait=50"))))
        poll.start()
        time.sleep(0.5)
        self.assertTrue(poll.is_alive(), "the poll returned before any message was sent")
        sender.request(message("send", "wake up", to="waiter"))
        poll.join(TIMEOUT)
        self.assertFalse(poll.is_alive(), "the poll was not answered when the message came")
        self.assertEqual([m["text"] for m in replies[0]["data"]["messages"]], ["wake up"])

    def test_an_empty_poll_without_wait_returns_at_once(self):
        client = HttpClient(self.gateway, "impatient")
        self.addCleanup(client.close)
        reply = client.request(message("poll"))
        self.assertEqual((reply["code"], reply["data"]["messages"], reply["data"]["lost"]),
                         (200, [], 0))


class ServerToClientRequests(GatewayTestCase):
    gateway_args = ("--request-timeout", "1")

    def ask_in_background(self, asker, args):
        replies = []
        thread = threading.Thread(target=lambda: replies.append(
            asker.request(message("ask", args=args))))
        thread.start()
        return thread, replies

    def test_a_websocket_client_answers_the_gateway(self):
        lamp = WebSocketClient(self.gateway, "lamp")
        asker = HttpClient(self.gateway, "asker")
        self.addCleanup(lamp.close)
        self.addCleanup(asker.close)
        thread, replies = self.ask_in_background(asker, "lamp status verbose")
        asked = self.gateway.decrypt(lamp.ws.recv())  # the gateway's request
        self.assertEqual((asked["cmd"], asked["args"]), ("status", "verbose"))
        lamp.ws.send(self.gateway.encrypt(
            message("status", "on", id=asked["id"], data={"watts": 9})).decode())
        thread.join(TIMEOUT)
        self.assertEqual((replies[0]["code"], replies[0]["text"]), (200, "on"))
        self.assertEqual(replies[0]["data"]["data"], {"watts": 9})

    def test_a_client_that_does_not_answer_is_a_timeout_error(self):
        silent = WebSocketClient(self.gateway, "silent")
        asker = WebSocketClient(self.gateway, "asker2")
        self.addCleanup(silent.close)
        self.addCleanup(asker.close)
        thread, replies = self.ask_in_background(asker, "silent status")
        thread.join(TIMEOUT)
        self.assertFalse(thread.is_alive(), "the ask hung")
        self.assertEqual((replies[0]["cmd"], replies[0]["code"]), ("error", 504))
        self.assertIn("did not answer within 1 s", replies[0]["text"])


class Requestables(GatewayTestCase):
    def test_get_time_version_stats(self):
        client = UdpClient(self.gateway, "reader")
        self.addCleanup(client.close)
        self.assertEqual(client.request(message("get", args="version"))["data"]["name"],
                         "test-gateway")
        self.assertIn("unix_time", client.request(message("get", args="time"))["data"])
        stats = client.request(message("get", args="stats"))["data"]
        self.assertGreaterEqual(stats["clients"]["udp"], 1)
        self.assertEqual(client.request(message("get", args="weather"))["code"], 404)


class SessionCommands(GatewayTestCase):
    def test_names_whoami_clients_and_topics(self):
        alice = WebSocketClient(self.gateway, "alice")
        device = HttpClient(self.gateway, "alice")  # taken: the handshake gives a variant
        self.addCleanup(alice.close)
        self.addCleanup(device.close)
        self.assertEqual(device.name, "alice-2")
        self.assertEqual(device.request(message("rename", args="alice"))["code"], 409)
        self.assertEqual(device.request(message("rename", args="printer"))["code"], 200)
        me = device.request(message("whoami"))["data"]
        self.assertEqual((me["name"], me["transport"], me["permission"]),
                         ("printer", "http", "user"))
        alice.request(message("subscribe", topic="home/#"))
        listed = {c["name"]: c for c in alice.request(message("clients"))["data"]}
        self.assertEqual(listed["alice"]["subscriptions"], ["home/#"])
        self.assertEqual(listed["printer"]["transport"], "http")
        self.assertIn("since", listed["alice"])
        topics = alice.request(message("topics"))["data"]
        self.assertIn({"filter": "home/#", "subscribers": 1}, topics)

    def test_typed_commands(self):
        client = WebSocketClient(self.gateway, "typist")
        self.addCleanup(client.close)
        reply = client.request(message("", "/rename typist-2"))
        self.assertEqual((reply["cmd"], reply["text"]), ("rename", "you are now typist-2"))
        reply = client.request(message("", "s.whoami()"))
        self.assertEqual(reply["data"]["name"], "typist-2")

    def test_session_commands_without_a_session_are_401(self):
        status, reply = self.gateway.http_request(message("poll"))
        self.assertEqual((status, reply["code"]), (401, 401))
        self.assertIn("handshake", reply["text"])
        status, reply = self.gateway.http_request(message("whoami", token="forged"))
        self.assertEqual(status, 401)


if __name__ == "__main__":
    unittest.main()
