"""Browsers send Origin with every WebSocket upgrade: pages of other origins are refused unless
configured, the console's own origin works, and clients that send no Origin are not affected."""
import unittest

import requests
import websocket

from gateway_support import TIMEOUT, GatewayTestCase


class WebSocketOrigin(GatewayTestCase):
    gateway_args = ("--allowed-origins", "http://panel.example:3000, https://other.example")

    def connect(self, port, **options):
        return websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=TIMEOUT, **options)

    def assert_welcomed(self, ws):
        try:
            self.assertEqual(self.gateway.decrypt(ws.recv())["cmd"], "welcome")
        finally:
            ws.close()

    def test_a_foreign_origin_is_refused(self):
        for port in (self.gateway.ready["http"], self.gateway.ready["ws"]):
            with self.subTest(port=port):
                with self.assertRaises(websocket.WebSocketBadStatusException) as refused:
                    self.connect(port, origin="http://evil.example")
                self.assertEqual(refused.exception.status_code, 403)
                # The refusal says what to do about it.
                answer = requests.get(f"http://127.0.0.1:{port}/ws", timeout=TIMEOUT, headers={
                    "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Origin": "http://evil.example"})
                self.assertEqual(answer.status_code, 403)
                self.assertIn("allowed_origins", answer.text)

    def test_the_consoles_own_origin_works(self):
        http = self.gateway.ready["http"]
        self.assert_welcomed(self.connect(http, origin=f"http://127.0.0.1:{http}"))
        # The same page's origin is foreign to the WebSocket-only port, which serves no page.
        with self.assertRaises(websocket.WebSocketBadStatusException):
            self.connect(self.gateway.ready["ws"], origin=f"http://127.0.0.1:{http}")

    def test_configured_origins_work(self):
        for origin in ("http://panel.example:3000", "https://other.example"):
            with self.subTest(origin=origin):
                self.assert_welcomed(self.connect(self.gateway.ready["ws"], origin=origin))

    def test_clients_without_origin_are_not_affected(self):
        self.assert_welcomed(self.connect(self.gateway.ready["ws"], suppress_origin=True))


class BadOriginConfig(unittest.TestCase):
    def test_a_path_is_not_an_origin(self):
        from gateway_support import Gateway
        gateway = Gateway("--allowed-origins", "http://panel.example/console")
        try:
            with self.assertRaises(RuntimeError) as failed:
                gateway.start()
            self.assertIn("is not an origin", str(failed.exception))
        finally:
            gateway.close()


if __name__ == "__main__":
    unittest.main()
