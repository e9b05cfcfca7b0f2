"""Topic history: the topics a [[history]] block keeps hold their last publications, numbered by
offset, in the store; `subscribe FILTER since=EPOCH:OFFSET` (or since=TIME) first delivers what
was missed, across a kill -9 of gatewayd too, then live messages, none lost or doubled in
between; a gap history cannot fill is said (recovered: false), never delivered silently;
`history TOPIC` returns the last few."""
import datetime
import os
import re
import signal
import tempfile
import threading
import time
import unittest

import websocket

from gateway_support import Gateway, Listener, gwctl, json_lines, message
from session_clients import HttpClient, WebSocketClient

CONFIG = """
[[history]]
filter = "home/#"
messages = 100
seconds = 3600

[[history]]
filter = "short/#"
messages = 5

[[history]]
filter = "bulk/#"
messages = 1000
"""


class HistoryTestCase(unittest.TestCase):
    """A gateway with CONFIG's history and an HTTP publisher, new for each test."""

    def setUp(self):
        self.data = tempfile.TemporaryDirectory(prefix="gw-history-")
        self.gateway = Gateway(data_dir=self.data.name, config_text=CONFIG).start()
        self.publisher = HttpClient(self.gateway, "thermometer")

    def tearDown(self):
        self.publisher.close()
        self.gateway.stop()
        self.data.cleanup()

    def publish(self, topic, text, client=None):
        reply = (client or self.publisher).request(message("publish", topic=topic, text=text))
        self.assertEqual(reply["code"], 200, reply)
        return reply["data"]

    def subscribe(self, client, args):
        reply = client.request(message("subscribe", args=args))
        self.assertEqual(reply["code"], 200, reply)
        return reply["data"]

    def deliveries(self, client, count):
        return [client.next_delivery() for _ in range(count)]


class TopicHistory(HistoryTestCase):
    def test_a_subscriber_back_after_a_kill_9_gets_what_it_missed_then_live_messages(self):
        console = WebSocketClient(self.gateway, "console")
        epoch = self.subscribe(console, "home/#")["epoch"]
        for i in range(5):
            self.assertIn("offset", self.publish("home/kitchen", f"seen {i}"))
        seen = self.deliveries(console, 5)
        self.assertEqual([m["text"] for m in seen], [f"seen {i}" for i in range(5)])
        last = seen[-1]["offset"]
        console.drop()
        for i in range(10):
            self.publish("home/kitchen" if i % 2 else "home/hall", f"missed {i}")
        self.gateway.stop(signal.SIGKILL)  # each publish was answered once stored
        self.gateway.start()
        for i in range(10, 13):
            self.publish("home/hall", f"missed {i}")
        console = WebSocketClient(self.gateway, "console")
        reply = self.subscribe(console, f"home/# since={epoch}:{last}")
        self.assertEqual(reply["epoch"], epoch)  # the same database: the same history
        self.assertTrue(reply["recovered"], reply)
        self.assertEqual(reply["missed"], 13)
        missed = console.deliveries  # delivered before the reply
        self.assertEqual([m["text"] for m in missed], [f"missed {i}" for i in range(13)])
        offsets = [m["offset"] for m in missed]
        self.assertEqual(offsets, sorted(offsets))
        self.assertGreater(offsets[0], last)
        console.deliveries = []
        self.publish("home/kitchen", "live")
        self.assertEqual(console.next_delivery()["text"], "live")
        console.close()

    def test_publications_during_the_catch_up_are_neither_lost_nor_doubled(self):
        console = WebSocketClient(self.gateway, "console")
        reply = self.subscribe(console, "bulk/#")
        epoch, start = reply["epoch"], reply["offset"]
        console.close()
        total, halfway = 300, threading.Event()
        publisher = HttpClient(self.gateway, "fast-sensor")

        def publish_all():
            for i in range(total):
                self.publish("bulk/garage", f"n{i}", publisher)
                if i == total // 2:
                    halfway.set()

        thread = threading.Thread(target=publish_all)
        thread.start()
        self.assertTrue(halfway.wait(30))
        console = WebSocketClient(self.gateway, "console")
        try:
            reply = self.subscribe(console, f"bulk/garage since={epoch}:{start}")
        finally:
            thread.join(60)
        self.assertTrue(reply["recovered"], reply)
        publisher.close()
        texts = [console.next_delivery()["text"] for _ in range(total)]  # missed first, then live
        with self.assertRaises(websocket.WebSocketTimeoutException):  # and nothing twice
            console._receive(0.3)
        self.assertEqual(texts, [f"n{i}" for i in range(total)])
        console.close()

    def test_a_gap_history_cannot_fill_is_said_and_what_is_kept_is_sent(self):
        console = WebSocketClient(self.gateway, "console")
        epoch, start = (lambda d: (d["epoch"], d["offset"]))(self.subscribe(console, "short/x"))
        console.close()
        for i in range(10):
            self.publish("short/x", f"s{i}")
        console = WebSocketClient(self.gateway, "console")
        reply = self.subscribe(console, f"short/x since={epoch}:{start}")
        self.assertFalse(reply["recovered"])
        self.assertEqual(reply["missed"], 5)  # the five kept, and the reply says so
        self.assertEqual([m["text"] for m in console.deliveries], [f"s{i}" for i in range(5, 10)])
        console.close()

        console = WebSocketClient(self.gateway, "other-epoch")
        reply = self.subscribe(console, "home/# since=00aa00aa00aa00aa:1")
        self.assertFalse(reply["recovered"])
        self.assertEqual((reply["missed"], console.deliveries), (0, []))
        # A filter wider than any [[history]] block cannot be recovered either.
        reply = self.subscribe(console, f"# since={epoch}:{start}")
        self.assertFalse(reply["recovered"])
        console.close()

    def test_a_new_database_is_a_new_epoch(self):
        console = HttpClient(self.gateway, "console")
        epoch = self.subscribe(console, "home/#")["epoch"]
        offset = self.publish("home/hall", "before")["offset"]
        console.close()
        self.gateway.stop()
        os.unlink(os.path.join(self.data.name, "gw.db"))
        self.gateway.start()
        console = HttpClient(self.gateway, "console")
        reply = self.subscribe(console, f"home/# since={epoch}:{offset}")
        self.assertNotEqual(reply["epoch"], epoch)
        self.assertFalse(reply["recovered"])
        again = console.request(message("subscribe", args=f"home/# since={epoch}:1"))
        self.assertIn("history they belong to was lost", again["text"])
        console.close()

    def test_since_a_time_and_an_http_subscriber_polls_what_it_missed(self):
        self.publish("home/hall", "old")
        time.sleep(0.05)
        since = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        time.sleep(0.05)
        self.publish("home/hall", "new 1")
        self.publish("home/kitchen", "new 2")
        console = HttpClient(self.gateway, "console")
        reply = self.subscribe(console, f"home/# since={since}")
        self.assertTrue(reply["recovered"], reply)
        self.assertEqual([console.next_delivery()["text"] for _ in range(2)], ["new 1", "new 2"])
        console.close()

    def test_the_history_command_and_bad_since(self):
        for i in range(30):
            self.publish("home/kitchen", f"k{i}")
        history = self.publisher.request(message("history", args="home/kitchen 3"))
        self.assertEqual(history["code"], 200, history)
        self.assertEqual([m["text"] for m in history["data"]["messages"]], ["k27", "k28", "k29"])
        default = self.publisher.request(message("history", topic="home/kitchen"))["data"]
        self.assertEqual(len(default["messages"]), 20)
        self.assertEqual(default["offset"], default["messages"][-1]["offset"])
        self.assertEqual(self.publisher.request(message("history", args="garden/pond"))["code"], 404)
        self.assertEqual(self.publisher.request(message("history", args="home/kitchen x"))["code"], 400)
        for since in ("yesterday", "abc:", f"{default['epoch']}:999999"):
            reply = self.publisher.request(message("subscribe", args=f"home/# since={since}"))
            self.assertEqual(reply["code"], 400, reply)
            self.assertIn("since", reply["text"])
        # A topic no [[history]] block keeps carries no offset.
        self.assertNotIn("offset", self.publish("garden/pond", "splash"))


class GwctlHistory(HistoryTestCase):
    """gwctl history prints what a topic kept and where to follow on from; gwctl listen --since
    prints what was missed first, then live messages."""

    def run_gwctl(self, command, *args):
        return gwctl(command, "--url", self.gateway.http_url, "--key-file",
                     self.gateway.ready["key_file"], *args)

    def test_gwctl_history_then_listen_since_gets_what_came_after(self):
        offsets = [self.publish("home/door", f"opened {i}")["offset"] for i in range(3)]
        history = self.run_gwctl("history", "home/door", "--count", "2", "--json")
        self.assertEqual(history.returncode, 0, history.stderr)
        kept = json_lines(history.stdout)
        self.assertEqual([m["text"] for m in kept], ["opened 1", "opened 2"])
        self.assertEqual([m["offset"] for m in kept], offsets[1:])
        # The --since printed follows on from the newest kept, so a listen from it waits for new.
        follow = re.search(r"--since ([0-9a-f]+):([0-9]+)", history.stderr)
        self.assertIsNotNone(follow, history.stderr)
        epoch = follow.group(1)
        self.assertEqual(int(follow.group(2)), offsets[2])
        self.publish("home/door", "probe")

        # From the first offset: the two after it and the probe, then a live one.
        listener = Listener("--url", self.gateway.ws_url, "--key-file",
                            self.gateway.ready["key_file"], "--topic", "home/#", "--since",
                            f"{epoch}:{offsets[0]}", "--json", "--count", "4")
        self.publish("home/door", "live")
        code, out = listener.finish()
        self.assertEqual(code, 0, listener.stderr)
        self.assertEqual([m["text"] for m in json_lines(out)],
                         ["opened 1", "opened 2", "probe", "live"])
        self.assertIn("3 missed messages sent first, all there were", listener.stderr)
        last = json_lines(out)[-1]["offset"]
        self.assertIn(f"to go on from here: --since {epoch}:{last}", listener.stderr)

    def test_gwctl_history_of_a_topic_without_history_and_since_without_topic(self):
        missing = self.run_gwctl("history", "nothere/x")
        self.assertEqual(missing.returncode, 1, missing.stdout)
        self.assertIn("404", missing.stdout + missing.stderr)
        no_topic = self.run_gwctl("listen", "--since", "0:1")
        self.assertEqual(no_topic.returncode, 2, no_topic.stderr)
        self.assertIn("--topic", no_topic.stderr)
        bad = self.run_gwctl("history", "home/door", "--count", "0")
        self.assertEqual(bad.returncode, 2, bad.stderr)


if __name__ == "__main__":
    unittest.main()
