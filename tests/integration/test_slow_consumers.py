"""Bounded queues, seen from the clients: a WebSocket subscriber that stops reading is cut off
with a logged reason while 50 others receive every message, and an HTTP client's full mailbox
reports what it lost on the next poll."""
import socket
import threading
import unittest

import websocket

from gateway_support import GatewayTestCase, TIMEOUT, message
from session_clients import HttpClient, WebSocketClient

READERS = 50
# The stalled client's kernel buffers (the gateway's send buffer grows to 4 MiB) fill before the
# gateway's own queue does: publish until it is cut off, at most this many.
MAX_PUBLICATIONS = 1000
TEXT = "x" * 16384  # a token of about 22 KiB


class SlowSubscriber(GatewayTestCase):
    # Room for readers that fall behind for a moment (Python threads sharing one interpreter),
    # small enough that the stalled client is cut off after a few hundred publications.
    gateway_args = ("--write-queue-bytes", "262144", "--max-connections", "200")

    def subscribe(self, ws):
        ws.send(self.gateway.encrypt(message("subscribe", topic="feed/#", id="sub")).decode())
        while self.gateway.decrypt(ws.recv()).get("id") != "sub":
            pass

    def test_a_subscriber_that_stops_reading_is_cut_off_and_the_others_get_everything(self):
        readers = []
        for _ in range(READERS):
            # websocket-client checks UTF-8 in pure Python unless told not to; tokens are ASCII.
            ws, _ = self.gateway.websocket(skip_utf8_validation=True)
            self.addCleanup(ws.close)
            self.subscribe(ws)
            readers.append(ws)
        # It never reads again, and asks the kernel for the smallest receive buffer.
        stalled, _ = self.gateway.websocket(
            sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
        self.addCleanup(stalled.close)
        self.subscribe(stalled)

        received = [[] for _ in readers]

        def read(ws, into):
            try:
                while True:
                    n = self.gateway.decrypt(ws.recv())["data"]["n"]
                    if n < 0:
                        return
                    into.append(n)
            except Exception as error:  # reported by the comparison below
                into.append(repr(error))

        threads = [threading.Thread(target=read, args=(ws, into))
                   for ws, into in zip(readers, received)]
        for thread in threads:
            thread.start()
        publisher = WebSocketClient(self.gateway, "publisher")
        self.addCleanup(publisher.close)
        def cut_off():
            return self.gateway.metric("gw_disconnects_total", transport="websocket",
                                       reason="slow_consumer") >= 1

        published = 0
        while published < MAX_PUBLICATIONS and not (published % 10 == 0 and cut_off()):
            ack = publisher.request(message("publish", TEXT, topic="feed/news",
                                            data={"n": published}))
            self.assertEqual(ack["code"], 200)
            published += 1
        publisher.request(message("publish", "end", topic="feed/news", data={"n": -1}))
        for thread in threads:
            thread.join(TIMEOUT * 3)
        self.assertTrue(cut_off(), f"not cut off after {published} publications")
        print(f"cut off after {published} publications of {len(TEXT)} bytes")
        self.assertIn("it is not reading", self.gateway.stderr())
        for into in received:
            self.assertEqual(into, list(range(published)))
        # What the kernel held arrives, then the connection is over.
        with self.assertRaises((websocket.WebSocketConnectionClosedException, ConnectionError,
                                websocket.WebSocketTimeoutException)):
            for _ in range(MAX_PUBLICATIONS + 10):
                stalled.recv()


class FullMailbox(GatewayTestCase):
    gateway_args = ("--mailbox-messages", "5")

    def test_the_next_poll_says_how_many_were_lost(self):
        inbox = HttpClient(self.gateway, "inbox")
        sender = WebSocketClient(self.gateway, "sender")
        self.addCleanup(inbox.close)
        self.addCleanup(sender.close)
        for n in range(8):
            sender.request(message("send", f"note {n}", to="inbox"))
        reply = inbox.request(message("poll"))
        self.assertEqual(reply["data"]["lost"], 3)
        self.assertEqual([m["text"] for m in reply["data"]["messages"]],
                         [f"note {n}" for n in range(3, 8)])
        self.assertIn("3 older ones were lost", reply["text"])
        self.assertEqual(self.gateway.metric("gw_mailbox_dropped_total"), 3)
        self.assertEqual(inbox.request(message("poll"))["data"]["lost"], 0)  # said once


if __name__ == "__main__":
    unittest.main()
