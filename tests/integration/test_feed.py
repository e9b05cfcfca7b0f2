"""The $gw feed, mosquitto's $SYS for gw, against the real gatewayd: an admin subscribed to
$gw/stats, $gw/topics and $gw/clients gets each once a second with the traffic, the topics a
UDP sensor publishes to (which nobody else subscribes to) and the clients; others are refused
unless [feed] readers opens it; nobody may publish there; and with nobody reading, the feed
publishes nothing and keeps no topic activity."""
import os
import threading
import time
import unittest

from gateway_support import TIMEOUT, Gateway, GatewayTestCase, gwctl, json_lines, message
from session_clients import UdpClient, WebSocketClient

ADMIN_KEY = "feed admin key 123"


def next_on(client, topic, where=lambda data: True, timeout=TIMEOUT):
    """The next publication on `topic` delivered to `client` whose data `where` holds of."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = client._receive(deadline - time.monotonic())
        if received.get("topic") == topic and where(received["data"]):
            return received
    raise AssertionError(f"nothing on {topic} within {timeout} s")


class Feed(GatewayTestCase):
    gateway_args = ("--admin-key", ADMIN_KEY, "--storage", "memory")

    def admin(self, name):
        client = WebSocketClient(self.gateway, name)
        self.addCleanup(client.close)
        self.assertEqual(client.request(message("auth", args=ADMIN_KEY)).get("code"), 200)
        return client

    def test_the_feed_shows_traffic_topics_and_clients_to_an_admin(self):
        sensor = UdpClient(self.gateway, "kitchen-sensor")
        self.addCleanup(sensor.close)
        dashboard = self.admin("dashboard")
        for topic in ("$gw/stats", "$gw/topics", "$gw/clients"):
            reply = dashboard.request(message("subscribe", topic=topic))
            self.assertEqual(reply.get("code"), 200, reply)
        # The sensor publishes ten times a second; nobody subscribes to its topic.
        deadline = time.monotonic() + 3
        n = 0
        while time.monotonic() < deadline:
            sensor.request(message("publish", topic="home/kitchen/temperature",
                                   data={"celsius": 20 + n / 10}))
            n += 1
            time.sleep(0.1)
        # A second while it published (they wait, in order, on the dashboard's connection).
        busy = next_on(dashboard, "$gw/stats", lambda data: data["per_second"]["in"]["udp"] > 3)
        self.assertGreater(busy["data"]["per_second"]["deliveries"], 0)  # the feed's own
        # Then the one that counted every datagram sent.
        stats = next_on(dashboard, "$gw/stats",
                        lambda data: data["total"]["in"]["udp"] >= n)["data"]
        self.assertGreaterEqual(stats["clients"]["udp"], 1)  # (the class shares one gateway)
        self.assertGreaterEqual(stats["clients"]["websocket"], 1)
        self.assertGreaterEqual(stats["connections"]["websocket"], 1)
        self.assertEqual(set(stats["per_second"]["refusals"]),
                         {"replayed", "rate_limited", "bad_tokens", "permission"})
        self.assertIn("storage kind memory", stats["store"]["description"])
        self.assertIsNone(stats["cluster"])

        listed = next_on(dashboard, "$gw/topics")["data"]
        topics = listed["topics"]
        self.assertEqual(listed["total"], len(topics))
        kitchen = [t for t in topics if t["topic"] == "home/kitchen/temperature"]
        self.assertEqual(len(kitchen), 1, topics)
        self.assertGreater(kitchen[0]["messages"], n - 15)  # from the first tick that had a reader
        self.assertEqual(kitchen[0]["last"]["from"], sensor.id)
        self.assertIn("celsius", kitchen[0]["last"]["data"])
        self.assertFalse(any(t["topic"].startswith("$") for t in topics))

        clients = {c["name"]: c for c in next_on(
            dashboard, "$gw/clients",
            lambda data: any(c["name"] == "kitchen-sensor" and c["messages_in"] >= n
                             for c in data["clients"]))["data"]["clients"]}
        self.assertIn("idle_seconds", clients["kitchen-sensor"])
        self.assertGreaterEqual(clients["dashboard"]["messages_out"], 3)

    def test_others_are_refused_and_nobody_publishes_there(self):
        client = WebSocketClient(self.gateway, "curious")
        self.addCleanup(client.close)
        refused = client.request(message("subscribe", topic="$gw/#"))
        self.assertEqual(refused.get("code"), 403, refused)
        self.assertIn("needs admin permission", refused["text"])
        # Wildcards do not reach it: MQTT's + and # do not match a $ level first.
        self.assertEqual(client.request(message("subscribe", topic="#")).get("code"), 200)
        admin = self.admin("feed-spoofer")
        refused = admin.request(message("publish", topic="$gw/stats", data={"fake": True}))
        self.assertEqual(refused.get("code"), 403, refused)
        self.assertIn("the gateway's own feed", refused["text"])


    def test_gwctl_top_prints_the_feed_as_json_lines(self):
        admin_key_file = os.path.join(self.gateway.data_dir, "admin.key")
        with open(admin_key_file, "w") as f:
            f.write(ADMIN_KEY + "\n")
        os.chmod(admin_key_file, 0o600)
        publisher = UdpClient(self.gateway, "top-sensor")
        self.addCleanup(publisher.close)
        stop = threading.Event()

        def publish():
            n = 0
            while not stop.wait(0.1) and n < 100:  # bounded: ten seconds at most
                publisher.request(message("publish", topic="home/top/t", data={"n": n}))
                n += 1
        thread = threading.Thread(target=publish, daemon=True)
        thread.start()
        self.addCleanup(lambda: (stop.set(), thread.join(TIMEOUT)))
        url = f"ws://127.0.0.1:{self.gateway.ready['ws']}/ws"
        run = gwctl("top", "--url", url, "--key-file", self.gateway.ready["key_file"],
                    "--admin-key-file", admin_key_file, "--json", "--count", "3")
        self.assertEqual(run.returncode, 0, run.stderr)
        screens = json_lines(run.stdout)
        self.assertEqual(len(screens), 3)
        for screen in screens:
            self.assertEqual(set(screen), {"stats", "topics", "clients"})
        self.assertIn("home/top/t", {t["topic"] for t in screens[-1]["topics"]})
        self.assertIn("top-sensor", {c["name"] for c in screens[-1]["clients"]})
        # Without the admin key: refused, and says why.
        run = gwctl("top", "--url", url, "--key-file", self.gateway.ready["key_file"],
                    "--count", "1")
        self.assertEqual(run.returncode, 1)
        self.assertIn("needs admin permission", run.stderr)
        # Piped without --json: plain screens, no terminal control codes.
        run = gwctl("top", "--url", url, "--key-file", self.gateway.ready["key_file"],
                    "--admin-key-file", admin_key_file, "--count", "1")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("deliveries/s", run.stdout)
        self.assertNotIn("\x1b", run.stdout)


    def test_the_lists_are_bounded_to_one_message_whatever_the_gateway_holds(self):
        dashboard = self.admin("bounded-dashboard")
        # Clients with long subscription lists: together far more than one message holds.
        crowd = []
        for i in range(12):
            client = WebSocketClient(self.gateway, f"crowd-{i}")
            self.addCleanup(client.close)
            for j in range(40):
                client.request(message("subscribe", topic=f"crowd/{i}/{'x' * 100}/{j}"))
            crowd.append(client)
        dashboard.request(message("subscribe", topic="$gw/clients"))
        listed = next_on(dashboard, "$gw/clients")["data"]
        self.assertGreaterEqual(listed["total"], 13)
        self.assertLess(len(listed["clients"]), listed["total"])
        self.assertGreater(len(listed["clients"]), 0)


class FeedSilence(unittest.TestCase):
    def test_with_nobody_reading_the_feed_publishes_nothing(self):
        gateway = Gateway("--admin-key", ADMIN_KEY)
        self.addCleanup(gateway.close)
        gateway.start()
        listener = WebSocketClient(gateway, "everything")  # "#" does not take in $gw topics
        self.addCleanup(listener.close)
        self.assertEqual(listener.request(message("subscribe", topic="#")).get("code"), 200)
        for n in range(20):
            gateway.http_request(message("publish", topic="before/reading", text=str(n)))
        time.sleep(2.5)  # two ticks at least
        self.assertEqual(gateway.metric("gw_feed_published_total"), 0)
        # A reader's first $gw/topics knows nothing of what came before it read.
        admin = WebSocketClient(gateway, "late-dashboard")
        self.addCleanup(admin.close)
        admin.request(message("auth", args=ADMIN_KEY))
        admin.request(message("subscribe", topic="$gw/topics"))
        next_on(admin, "$gw/topics")  # kept from the first tick with a reader on
        gateway.http_request(message("publish", topic="after/reading", text="x"))
        seen = set()
        for _ in range(3):
            seen |= {t["topic"] for t in next_on(admin, "$gw/topics")["data"]["topics"]}
        self.assertIn("after/reading", seen)
        self.assertNotIn("before/reading", seen)
        self.assertGreater(gateway.metric("gw_feed_published_total"), 0)
        self.assertEqual(gateway.stop(), 0)


class OpenFeed(unittest.TestCase):
    def test_feed_readers_subscribers_lets_the_shared_key_read_it(self):
        gateway = Gateway(config_text='[feed]\nreaders = "subscribers"\n')
        self.addCleanup(gateway.close)
        gateway.start()
        reader = WebSocketClient(gateway, "open-reader")
        self.addCleanup(reader.close)
        self.assertEqual(reader.request(message("subscribe", topic="$gw/stats")).get("code"), 200)
        self.assertIn("per_second", next_on(reader, "$gw/stats")["data"])
        self.assertEqual(gateway.stop(), 0)


if __name__ == "__main__":
    unittest.main()
