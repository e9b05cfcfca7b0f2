"""Bad input on every transport: each gets a clear answer (or, on UDP, silence), is counted on
/metrics by reason, and leaves the gateway serving everyone else."""
import json
import select
import socket
import threading
import time
import unittest
from contextlib import closing

import websocket
from cryptography.fernet import Fernet

from gateway_support import TIMEOUT, GatewayTestCase, message

MESSAGE_LIMIT = 16384  # small enough that an oversized token still fits a UDP datagram
QUEUE_LIMIT = 65536


class BadInput(GatewayTestCase):
    # No session rate limit: the slow-consumer test sends as fast as it can.
    gateway_args = ("--header-timeout", "1", "--write-queue-bytes", str(QUEUE_LIMIT),
                    "--message-bytes", str(MESSAGE_LIMIT), "--session-rate", "0")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        g = cls.gateway
        stranger = Fernet(Fernet.generate_key())
        # Every bad token, with the reason /metrics counts it under.
        cls.bad_tokens = {
            "bad_base64": b"this is not a token!",
            "bad_mac": g.encrypt(message("ping"), fernet=stranger),
            "expired": g.fernet.encrypt_at_time(json.dumps(message("ping")).encode(),
                                                int(time.time()) - 3600),
            "not_json": g.fernet.encrypt(b"hello, gateway"),
            "not_object": g.fernet.encrypt(b'["ping"]'),
        }
        cls.oversized = g.encrypt(message("", text="x" * MESSAGE_LIMIT))

    def assert_error(self, reply, code, *words):
        self.assertEqual((reply["cmd"], reply["code"]), ("error", code))
        for word in words:
            self.assertIn(word, reply["text"])

    def assert_still_serving(self):
        status, reply = self.gateway.http_request(message("handshake"))
        self.assertEqual((status, reply["cmd"]), (200, "handshake"))

    def failures(self, transport, reason):
        return self.gateway.metric("gw_decode_failures_total", transport=transport, reason=reason)

    def test_http(self):
        for reason, token in self.bad_tokens.items():
            with self.subTest(reason=reason):
                before = self.failures("http", reason)
                response = self.gateway.post(token)
                self.assertEqual(response.status_code, 400)
                self.assert_error(self.gateway.decrypt(response.content), 400)
                self.assertEqual(self.failures("http", reason), before + 1)
        response = self.gateway.post(self.oversized)
        self.assertEqual(response.status_code, 413)
        self.assert_error(self.gateway.decrypt(response.content), 413, str(MESSAGE_LIMIT))
        status, reply = self.gateway.http_request(message("no-such-command"))
        self.assertEqual(status, 404)
        self.assert_error(reply, 404, "no-such-command")
        self.assertGreaterEqual(self.failures("http", "too_large"), 1)
        self.assert_still_serving()

    def test_websocket(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            for reason, token in self.bad_tokens.items():
                with self.subTest(reason=reason):
                    ws.send(token.decode())
                    self.assert_error(self.gateway.decrypt(ws.recv()), 400)
                    self.assertGreaterEqual(self.failures("websocket", reason), 1)
            self.assert_error(self.gateway.ws_request(ws, message("no-such-command")), 404)
            ws.send(self.oversized.decode())
            frame = ws.recv_frame()  # the raw frame: the gateway does not wait for a reply
            self.assertEqual(frame.opcode, websocket.ABNF.OPCODE_CLOSE)
            self.assertEqual(int.from_bytes(frame.data[:2], "big"), 1009)
        self.assertGreaterEqual(self.failures("websocket", "too_large"), 1)
        self.assert_still_serving()

    def test_udp_is_silent_on_what_it_cannot_read(self):
        with self.gateway.udp_socket() as sock:
            sock.settimeout(0.5)
            for reason, token in self.bad_tokens.items():
                with self.subTest(reason=reason):
                    before = self.failures("udp", reason)
                    sock.sendto(token, self.gateway.udp_address)
                    with self.assertRaises(socket.timeout):
                        sock.recvfrom(65536)
                    self.assertEqual(self.failures("udp", reason), before + 1)
            sock.sendto(self.oversized, self.gateway.udp_address)
            with self.assertRaises(socket.timeout):
                sock.recvfrom(65536)
        self.assertGreaterEqual(self.failures("udp", "too_large"), 1)
        # Readable but unknown: that deserves an answer.
        self.assert_error(self.gateway.udp_request(message("no-such-command")), 404)

    def test_tcp(self):
        sock, lines = self.gateway.tcp_connection()
        with sock, lines:
            for reason, token in self.bad_tokens.items():
                with self.subTest(reason=reason):
                    sock.sendall(token + b"\n")
                    self.assert_error(self.gateway.decrypt(lines.readline()), 400)
                    self.assertGreaterEqual(self.failures("tcp", reason), 1)
            sock.sendall(self.gateway.encrypt(message("no-such-command")) + b"\n")
            self.assert_error(self.gateway.decrypt(lines.readline()), 404)
            sock.sendall(self.oversized + b"\n")
            self.assert_error(self.gateway.decrypt(lines.readline()), 413)
            self.assertEqual(lines.readline(), b"")  # then closed
        self.assertGreaterEqual(self.failures("tcp", "too_large"), 1)
        self.assert_still_serving()

    def test_http_client_trickling_its_headers_is_closed(self):
        before = self.gateway.metric("gw_disconnects_total", transport="http", reason="timeout")
        with socket.create_connection(("127.0.0.1", self.gateway.ready["http"])) as slow:
            slow.sendall(b"POST /message HTTP/1.1\r\nHost: gw\r\n")
            closed = False
            for _ in range(40):  # one byte every 0.1 s: never a whole request
                self.assert_still_serving()  # others are served meanwhile
                readable, _, _ = select.select([slow], [], [], 0.1)
                if readable and slow.recv(4096) == b"":
                    closed = True
                    break
                try:
                    slow.sendall(b"X")
                except OSError:
                    closed = True
                    break
            self.assertTrue(closed, "the gateway kept a trickling client")
        # Beast closes the socket when the deadline passes and the count follows in the read's
        # completion, a moment later.
        self.assertEqual(self.gateway.metric_reaches(
            "gw_disconnects_total", before + 1, transport="http", reason="timeout"), before + 1)

    def test_websocket_client_that_never_reads_is_disconnected(self):
        # A small receive buffer, never read: the gateway's queue for it must fill.
        sleeper, _ = self.gateway.websocket(
            sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
        sender, _ = self.gateway.websocket()
        bystander, _ = self.gateway.websocket()
        received = []

        def read_all():
            try:
                while True:
                    received.append(bystander.recv())
            except Exception:
                pass

        reader = threading.Thread(target=read_all)
        reader.start()
        def bystander_has(count):
            deadline = time.monotonic() + TIMEOUT
            while len(received) < count and time.monotonic() < deadline:
                time.sleep(0.002)
            return len(received) >= count

        def slow_consumers_cut():
            return self.gateway.metric(
                "gw_disconnects_total", transport="websocket", reason="slow_consumer")

        before = slow_consumers_cut()
        chunk = message("", text="y" * 10000, user="sender")
        sent = 0
        with closing(sleeper), closing(sender):
            for _ in range(4000):  # at most ~54 MB; far more than any socket buffers hold
                sender.send(self.gateway.encrypt(chunk).decode())  # a token is acted on once
                sender.recv()  # the sender's own copy: it keeps reading
                sent += 1
                # The sender waits for the bystander, which therefore never falls behind: a
                # Python reader thread is slower than the gateway, and a reader that lags by
                # more than the queue limit is rightly cut off too.
                self.assertTrue(bystander_has(sent), f"the bystander got {len(received)} of {sent}")
                if sent % 20 == 0 and slow_consumers_cut() > before:
                    break
            # Only the sleeper was cut off; the others were served: the bystander got every
            # message, and a ping works.
            self.assertEqual(slow_consumers_cut(), before + 1)
            self.assertEqual(self.gateway.ws_request(sender, message("ping"))["text"], "pong")
            self.assertEqual(len(received), sent)
        bystander.close()
        reader.join(TIMEOUT)
        self.assertIn("it is not reading", self.gateway.stderr())
        self.assert_still_serving()


if __name__ == "__main__":
    unittest.main()
