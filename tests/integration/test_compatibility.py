"""The original clients, re-enacted: the five-field Message dataclass serialised with json.dumps
and encrypted with cryptography's Fernet, over requests, websocket-client and socket. Nothing
here knows of the fields the gateway added; replies are read the way the originals read them."""
import dataclasses
import json
import socket
import unittest
from contextlib import closing

import requests
import websocket

from gateway_support import TIMEOUT, Gateway


@dataclasses.dataclass
class Message:
    userID: str
    timestamp: str
    text: str
    cmd: str
    args: str

    def encrypt(self, fernet):
        return fernet.encrypt(json.dumps(dataclasses.asdict(self)).encode())

    @classmethod
    def decrypt(cls, fernet, token):
        fields = json.loads(fernet.decrypt(token))
        # The original dataclass takes its five fields; the gateway's extra ones are ignored.
        return cls(**{f.name: fields.get(f.name, "") for f in dataclasses.fields(cls)})


def original(cmd, text="", user="pi-sensor"):
    return Message(userID=user, timestamp="2024-05-01 12:00:00", text=text, cmd=cmd, args="")


class OriginalClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway()
        cls.addClassCleanup(cls.gateway.close)
        cls.fernet = cls.gateway.start().fernet  # the first key of the key file

    def test_http_handshake(self):
        response = requests.post(self.gateway.http_url + "/message",
                                 data=original("handshake").encrypt(self.fernet), timeout=TIMEOUT)
        self.assertEqual(response.status_code, 200)
        reply = Message.decrypt(self.fernet, response.content)
        self.assertEqual(reply.cmd, "handshake")
        self.assertEqual(reply.userID, "test-gateway")

    def test_websocket_welcome(self):
        ws = websocket.create_connection(self.gateway.ws_url, timeout=TIMEOUT)
        with closing(ws):
            welcome = Message.decrypt(self.fernet, ws.recv().encode())
            self.assertEqual(welcome.cmd, "welcome")
            self.assertEqual(welcome.userID, "test-gateway")

    def test_websocket_chat_reaches_another_client(self):
        alice = websocket.create_connection(self.gateway.ws_url, timeout=TIMEOUT)
        bob = websocket.create_connection(self.gateway.ws_url, timeout=TIMEOUT)
        with closing(alice), closing(bob):
            alice.recv(), bob.recv()  # welcomes
            alice.send(original("", "hello bob", user="alice").encrypt(self.fernet).decode())
            for client in (bob, alice):  # the sender receives its own message too
                relayed = Message.decrypt(self.fernet, client.recv().encode())
                self.assertEqual((relayed.userID, relayed.text, relayed.cmd),
                                 ("alice", "hello bob", ""))

    def test_chat_across_transports(self):
        """A browser on WebSocket, a sensor on UDP (known by its address after its handshake) and
        a script posting over HTTP see each other's chat messages."""
        def read_until(receive, text):
            for _ in range(10):  # besides the chat: the sender's acknowledgements
                got = Message.decrypt(self.fernet, receive())
                if got.text == text:
                    return got
            self.fail(f"{text!r} never arrived")

        browser = websocket.create_connection(self.gateway.ws_url, timeout=TIMEOUT)
        sensor = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with closing(browser), sensor:
            browser.recv()  # the welcome
            sensor.settimeout(TIMEOUT)
            sensor.sendto(original("handshake", user="sensor").encrypt(self.fernet),
                          self.gateway.udp_address)
            self.assertEqual(Message.decrypt(self.fernet, sensor.recvfrom(65536)[0]).cmd,
                             "handshake")
            from_udp = lambda: sensor.recvfrom(65536)[0]
            from_ws = lambda: browser.recv().encode()

            requests.post(self.gateway.http_url + "/message", timeout=TIMEOUT,
                          data=original("", "lights on", user="script").encrypt(self.fernet))
            for receive in (from_ws, from_udp):
                self.assertEqual(read_until(receive, "lights on").userID, "script")

            sensor.sendto(original("", "21.5 C", user="sensor").encrypt(self.fernet),
                          self.gateway.udp_address)
            self.assertEqual(read_until(from_ws, "21.5 C").userID, "sensor")

            browser.send(original("", "thanks", user="browser").encrypt(self.fernet).decode())
            self.assertEqual(read_until(from_udp, "thanks").userID, "browser")

    def test_udp_handshake(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(TIMEOUT)
            sock.sendto(original("handshake").encrypt(self.fernet), self.gateway.udp_address)
            data, sender = sock.recvfrom(65536)
            self.assertEqual(sender, self.gateway.udp_address)
            reply = Message.decrypt(self.fernet, data)
            self.assertEqual((reply.cmd, reply.userID), ("handshake", "test-gateway"))

    def test_unknown_command_gets_an_error_reply(self):
        response = requests.post(self.gateway.http_url + "/message",
                                 data=original("reboot").encrypt(self.fernet), timeout=TIMEOUT)
        self.assertEqual(response.status_code, 404)
        reply = Message.decrypt(self.fernet, response.content)
        self.assertEqual(reply.cmd, "error")
        self.assertIn("reboot", reply.text)

    def test_ping_on_every_transport(self):
        # A token per message, as the original clients make them (Fernet.encrypt each time).
        replies = [requests.post(self.gateway.http_url + "/message",
                                 data=original("ping").encrypt(self.fernet),
                                 timeout=TIMEOUT).content]
        ws = websocket.create_connection(self.gateway.ws_url, timeout=TIMEOUT)
        with closing(ws):
            ws.recv()
            ws.send(original("ping").encrypt(self.fernet).decode())
            replies.append(ws.recv().encode())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(TIMEOUT)
            sock.sendto(original("ping").encrypt(self.fernet), self.gateway.udp_address)
            replies.append(sock.recvfrom(65536)[0])
        for reply in replies:
            pong = Message.decrypt(self.fernet, reply)
            self.assertEqual((pong.cmd, pong.text), ("ping", "pong"))


if __name__ == "__main__":
    unittest.main()
