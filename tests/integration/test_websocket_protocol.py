"""The WebSocket protocol as the gateway reads and writes it (RFC 6455): fragments, control
frames, the close handshake, frames that break the protocol, the upgrade's checks, and pings
that find a dead peer. Clients: websocket-client, and a raw socket for what no library sends."""
import socket
import time
import unittest
from contextlib import closing

import websocket

from gateway_support import TIMEOUT, Gateway, GatewayTestCase, message

HANDSHAKE = ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\n{headers}\r\n")
GOOD_HEADERS = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"


class RawWebSocket:
    """A WebSocket client on a bare socket: sends any bytes, reads frames as they are."""

    def __init__(self, gateway, headers=GOOD_HEADERS):
        self.sock = socket.create_connection(("127.0.0.1", gateway.ready["ws"]), timeout=TIMEOUT)
        self.sock.sendall(HANDSHAKE.format(headers=headers).encode())
        self.pending = b""
        while b"\r\n\r\n" not in self.pending:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.pending += chunk
        self.response, _, self.pending = self.pending.partition(b"\r\n\r\n")

    def close(self):
        self.sock.close()

    def _take(self, size):
        while len(self.pending) < size:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the gateway closed the connection")
            self.pending += chunk
        taken, self.pending = self.pending[:size], self.pending[size:]
        return taken

    def read_frame(self):
        """(opcode, payload) of the next frame; a server's frames are never masked."""
        first, second = self._take(2)
        size = second & 0x7f
        if size == 126:
            size = int.from_bytes(self._take(2), "big")
        elif size == 127:
            size = int.from_bytes(self._take(8), "big")
        return first & 0x0f, self._take(size)

    def closed_by_gateway(self):
        """Whether the gateway ends the connection within TIMEOUT, whatever it still sends."""
        try:
            while True:
                self._take(len(self.pending) + 1)
        except EOFError:
            return True
        except (socket.timeout, ConnectionResetError):
            return False


def frame(payload, opcode=websocket.ABNF.OPCODE_TEXT, fin=1, mask=1, rsv1=0):
    if isinstance(payload, str):
        payload = payload.encode()
    known = opcode in websocket.ABNF.OPCODES  # websocket-client writes no other opcode
    data = bytearray(websocket.ABNF(fin, rsv1, 0, 0, opcode if known else 1, mask, payload).format())
    data[0] = (data[0] & 0xf0) | opcode
    return bytes(data)


class WebSocketProtocol(GatewayTestCase):

    def assert_still_serving(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            self.assertEqual(self.gateway.ws_request(ws, message("ping"))["cmd"], "ping")

    def test_a_fragmented_message_with_a_ping_between_is_read_whole(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            token = self.gateway.encrypt(message("ping")).decode()
            third = len(token) // 3
            ws.send_frame(websocket.ABNF.create_frame(token[:third], websocket.ABNF.OPCODE_TEXT, 0))
            ws.ping("between fragments")
            ws.send_frame(websocket.ABNF.create_frame(token[third:2 * third],
                                                      websocket.ABNF.OPCODE_CONT, 0))
            ws.send_frame(websocket.ABNF.create_frame(token[2 * third:],
                                                      websocket.ABNF.OPCODE_CONT, 1))
            opcode, pong = ws.recv_data_frame(control_frame=True)
            self.assertEqual((opcode, pong.data), (websocket.ABNF.OPCODE_PONG, b"between fragments"))
            self.assertEqual(self.gateway.decrypt(ws.recv())["cmd"], "ping")

    def test_the_clients_close_is_answered_with_its_code(self):
        ws, _ = self.gateway.websocket()
        ws.send_close(4000, b"done for today")
        answer = ws.recv_frame()
        self.assertEqual(answer.opcode, websocket.ABNF.OPCODE_CLOSE)
        self.assertEqual(int.from_bytes(answer.data[:2], "big"), 4000)
        ws.sock.settimeout(TIMEOUT)
        self.assertEqual(ws.sock.recv(1), b"")  # then the gateway ends the connection
        ws.sock.close()

    def test_frames_that_break_the_protocol_are_answered_with_a_close_that_says_why(self):
        cases = {
            "an unmasked frame": (frame("hello", mask=0), 1002, "unmasked"),
            "reserved bits": (frame("hello", rsv1=1), 1002, "reserved bits"),
            "an unknown opcode": (frame("hello", opcode=3), 1002, "unknown opcode"),
            "text that is not UTF-8": (frame(b"\xc3\x28"), 1007, "not UTF-8"),
            "a continuation of nothing": (frame("x", opcode=websocket.ABNF.OPCODE_CONT), 1002,
                                          "continuation"),
        }
        for name, (data, code, words) in cases.items():
            with self.subTest(name):
                raw = RawWebSocket(self.gateway)
                with closing(raw):
                    self.assertIn(b" 101 ", raw.response.split(b"\r\n")[0])
                    raw.read_frame()  # the welcome
                    raw.sock.sendall(data)
                    opcode, payload = raw.read_frame()
                    self.assertEqual(opcode, websocket.ABNF.OPCODE_CLOSE)
                    self.assertEqual(int.from_bytes(payload[:2], "big"), code)
                    self.assertIn(words, payload[2:].decode())
                    self.assertTrue(raw.closed_by_gateway())
        self.assert_still_serving()

    def test_an_upgrade_of_another_version_or_without_a_key_is_refused(self):
        raw = RawWebSocket(self.gateway, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                         "Sec-WebSocket-Version: 8\r\n")
        with closing(raw):
            self.assertTrue(raw.response.startswith(b"HTTP/1.1 426 "), raw.response)
            self.assertIn(b"\r\nSec-WebSocket-Version: 13", raw.response)
        raw = RawWebSocket(self.gateway, "Sec-WebSocket-Version: 13\r\n")
        with closing(raw):
            self.assertTrue(raw.response.startswith(b"HTTP/1.1 400 "), raw.response)
            self.assertIn(b"Sec-WebSocket-Key", raw.pending)
        self.assert_still_serving()


class WebSocketPings(GatewayTestCase):
    gateway_args = ("--websocket-ping", "1")

    def test_a_client_that_answers_pings_stays(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            opcode, _ = ws.recv_data_frame(control_frame=True)  # answered by websocket-client
            self.assertEqual(opcode, websocket.ABNF.OPCODE_PING)
            deadline = time.monotonic() + 3.5
            while time.monotonic() < deadline:  # two more pings, each answered
                ws.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    ws.recv_data_frame(control_frame=True)
                except websocket.WebSocketTimeoutException:
                    pass
            ws.settimeout(TIMEOUT)
            self.assertEqual(self.gateway.ws_request(ws, message("ping"))["cmd"], "ping")

    def test_a_client_that_never_answers_is_closed(self):
        before = self.gateway.metric("gw_disconnects_total", transport="websocket",
                                     reason="timeout")
        raw = RawWebSocket(self.gateway)
        with closing(raw):
            raw.read_frame()  # the welcome
            opcode, _ = raw.read_frame()
            self.assertEqual(opcode, websocket.ABNF.OPCODE_PING)
            self.assertTrue(raw.closed_by_gateway())
        self.assertGreaterEqual(
            self.gateway.metric_reaches("gw_disconnects_total", before + 1,
                                        transport="websocket", reason="timeout"), before + 1)


if __name__ == "__main__":
    unittest.main()
