"""WebSocket and TCP sessions that resume: a client whose connection is lost without a goodbye
comes back with its resume token and gets its id, name and subscriptions, and first everything
that arrived while it was away; within a running gatewayd and across a kill -9. Tokens that
are unknown, ended or for another transport get clear 4xx replies."""
import signal
import tempfile
import time
import unittest

from gateway_support import TIMEOUT, Gateway, message
from session_clients import HttpClient, TcpClient, WebSocketClient


class Resume(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.TemporaryDirectory(prefix="gw-resume-")
        self.gateway = Gateway(data_dir=self.data.name).start()
        self.publisher = HttpClient(self.gateway, "thermometer")

    def tearDown(self):
        self.publisher.close()
        self.gateway.stop()
        self.data.cleanup()

    def wait_until_away(self, name):
        """Until the gateway has seen the connection go: deliveries then wait in the mailbox."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            listed = self.publisher.request(message("clients"))["data"]
            if any(c["name"] == name and c.get("away") for c in listed):
                return
            time.sleep(0.02)
        self.fail(f"{name} is not shown away within {TIMEOUT} s")

    def publish(self, topic, text, expect_stored):
        reply = self.publisher.request(message("publish", topic=topic, text=text))
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(reply["data"], {"delivered": 1, "stored": expect_stored}, reply)

    def test_a_websocket_client_away_for_two_seconds_misses_none_and_gets_none_twice(self):
        console = WebSocketClient(self.gateway, "console")
        self.assertTrue(console.resume_token)
        self.assertEqual(console.request(message("subscribe", topic="home/#"))["code"], 200)
        self.publish("home/kitchen", "before", expect_stored=0)
        self.assertEqual(console.next_delivery()["text"], "before")
        console.drop()
        away_since = time.monotonic()
        self.wait_until_away("console")
        for i in range(100):
            self.publish("home/kitchen", f"reading {i}", expect_stored=1)
        time.sleep(max(0.0, 2.0 - (time.monotonic() - away_since)))

        back = WebSocketClient(self.gateway, "ignored", resume=console.resume_token)
        self.assertEqual(back.opening["code"], 200, back.opening)
        data = back.opening["data"]
        self.assertEqual((back.id, back.name), (console.id, "console"))
        self.assertEqual(data["subscriptions"], ["home/#"])
        self.assertEqual((data["missed"], data["lost"]), (100, 0))
        # Everything that waited came before the reply, in order.
        self.assertEqual([m["text"] for m in back.deliveries],
                         [f"reading {i}" for i in range(100)])
        back.deliveries.clear()
        self.publish("home/hall", "live again", expect_stored=0)
        self.assertEqual(back.next_delivery()["text"], "live again")
        self.assertEqual(back.request(message("ping"))["text"], "pong")
        self.assertEqual(back.deliveries, [])  # nothing twice
        whoami = back.request(message("whoami"))["data"]
        self.assertEqual((whoami["id"], whoami["name"]), (console.id, "console"))
        self.assertNotIn("away", whoami)
        back.close()

    def test_a_session_resumes_after_a_kill_9_with_what_was_stored_meanwhile(self):
        console = WebSocketClient(self.gateway, "console")
        console.request(message("subscribe", topic="alarm/+"))
        console.drop()
        self.wait_until_away("console")
        self.publish("alarm/door", "open", expect_stored=1)  # committed before the reply
        self.gateway.stop(signal.SIGKILL)
        self.gateway.start()
        back = WebSocketClient(self.gateway, "ignored", resume=console.resume_token)
        self.assertEqual(back.opening["code"], 200, back.opening)
        self.assertEqual(back.id, console.id)
        self.assertEqual([m["text"] for m in back.deliveries], ["open"])
        back.deliveries.clear()
        self.publish("alarm/window", "closed", expect_stored=0)
        self.assertEqual(back.next_delivery()["text"], "closed")
        back.close()

    def test_a_tcp_client_resumes_and_a_second_connection_takes_the_session_over(self):
        radio = TcpClient(self.gateway, "radio")
        radio.request(message("subscribe", topic="news"))
        # Its link died but the gateway has not noticed yet: the new connection takes over.
        back = TcpClient(self.gateway, "ignored", resume=radio.resume_token)
        self.assertEqual(back.opening["code"], 200, back.opening)
        self.assertEqual((back.id, back.name, back.opening["data"]["missed"]),
                         (radio.id, "radio", 0))
        with self.assertRaises(ConnectionError):
            radio.next_delivery()  # the old connection was closed by the gateway
        self.publish("news", "extra", expect_stored=0)
        self.assertEqual(back.next_delivery()["text"], "extra")
        back.close()

    def test_a_goodbye_ends_the_session_and_bad_resumes_say_why(self):
        leaving = WebSocketClient(self.gateway, "leaving")
        leaving.close()  # a close frame: it meant to go
        radio = TcpClient(self.gateway, "radio")
        radio_token = radio.resume_token
        radio.close()  # says bye
        fresh = WebSocketClient(self.gateway, "fresh")
        keeper = TcpClient(self.gateway, "keeper")
        for token in (leaving.resume_token, radio_token, "no-such-token"):
            ws, _welcome = self.gateway.websocket()
            reply = self.gateway.ws_request(ws, message("resume", args=token))
            self.assertEqual(reply["code"], 404, reply)
            self.assertIn("handshake for a new one", reply["text"])
            ws.close()
        cases = [
            (HttpClient(self.gateway, "poster"), fresh.resume_token, 400, "for WebSocket and TCP"),
            (fresh, keeper.resume_token, 400, "resume it over tcp"),
            (fresh, "", 400, "needs the resume token"),
            (keeper, keeper.resume_token, 409, "already"),
            (fresh, WebSocketClient(self.gateway, "other").resume_token, 409, "resume on a new"),
        ]
        for client, token, code, text in cases:
            reply = client.request(message("resume", args=token))
            self.assertEqual(reply["code"], code, reply)
            self.assertIn(text, reply["text"])
        self.assertEqual(fresh.request(message("whoami"))["data"]["name"], "fresh")  # unharmed
        # A name is free again once its session has said goodbye.
        self.assertEqual(WebSocketClient(self.gateway, "leaving").name, "leaving")
        fresh.close()
        keeper.close()

    def test_bye_ends_an_http_session(self):
        poster = HttpClient(self.gateway, "poster")
        reply = poster.request(message("bye"))
        self.assertEqual(reply["code"], 200, reply)
        self.assertIn("no longer valid", reply["text"])
        self.assertEqual(poster.request(message("whoami"))["code"], 401)


if __name__ == "__main__":
    unittest.main()
