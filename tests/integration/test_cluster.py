"""Several gatewayd processes acting as one through real nats-server processes (JetStream on,
temporary stores, loopback ports): messages, topics and broadcasts cross gateways on every
transport, names are unique across them, `clients` lists them all, a token is acted on once in
the whole cluster, and a gateway cut off from NATS keeps serving its own clients."""
import contextlib
import itertools
import json
import threading
import signal
import time
import unittest

import requests

from gateway_support import TIMEOUT, Gateway, Listener, gwctl, json_lines, message, wait_until
from nats_support import NatsServer, nats_cluster
from session_clients import HttpClient, TcpClient, UdpClient, WebSocketClient
from test_services import Provider, doubled

TRANSPORTS = [HttpClient, WebSocketClient, TcpClient, UdpClient]
ADMIN_KEY = "cluster-admin-key-for-tests"
_names = itertools.count(1)


def health(gateway):
    return requests.get(gateway.http_url + "/healthz", timeout=TIMEOUT).json()


def start_gateways(nats_urls, nodes, extra=(), key_of=None, cluster_size=None):
    """One gatewayd per node name, all with the key file of `key_of` (a started gateway), else
    of the first one; returned once each has heard `cluster_size` gateways' heartbeats."""
    gateways = []
    for node in nodes:
        gateway = Gateway("--cluster-nats", ",".join(nats_urls), "--cluster-node", node, *extra)
        if key_of or gateways:
            gateway.use_key_of(key_of or gateways[0])
        gateways.append(gateway.start())
    size = cluster_size or len(nodes)
    for gateway in gateways:
        wait_until(lambda: health(gateway)["cluster"]["nodes"] == size,
                   f"{gateway.args} sees {size} gateways")
    return gateways


@contextlib.contextmanager
def two_gateways():
    """A nats-server and gateways a and b of one cluster; all stopped and removed after."""
    nats = NatsServer().start()
    gateways = []
    try:
        gateways = start_gateways([nats.url], ["a", "b"])
        yield nats, gateways
    finally:
        for gateway in gateways:
            gateway.close()
        nats.close()


def unique(prefix):
    return f"{prefix}-{next(_names)}"


def send_to(sender, name, text):
    """Sends `text` to `name`; a client that has just connected is reachable from other gateways
    once its gateway's subscription reached NATS (a few milliseconds): a 404 before that is
    retried, briefly."""
    deadline = time.monotonic() + 2
    while True:
        reply = sender.request(message("", text, to=name))
        if reply.get("code") != 404 or time.monotonic() > deadline:
            return reply
        time.sleep(0.02)


def nothing_more(client, seconds=0.5):
    """True when nothing else is delivered to a connection client within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            received = client._receive(deadline - time.monotonic())
        except Exception:  # the socket's timeout: nothing came
            return True
        if "from" in received:
            return False
    return True


class ClusterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nats = NatsServer().start()
        cls.gateways = start_gateways([cls.nats.url], ["a", "b", "c"],
                                      extra=("--admin-key", ADMIN_KEY))
        cls.clients = []

    @classmethod
    def tearDownClass(cls):
        for client in cls.clients:
            client.close()
        for gateway in cls.gateways:
            gateway.close()
        cls.nats.close()

    def client(self, kind, gateway, name):
        client = kind(gateway, name)
        self.clients.append(client)
        return client

    def test_direct_messages_cross_gateways_on_every_pair_of_transports(self):
        for i, (sender_kind, recipient_kind) in enumerate(itertools.product(TRANSPORTS, TRANSPORTS)):
            with self.subTest(sender=sender_kind.transport, recipient=recipient_kind.transport):
                here, there = self.gateways[i % 3], self.gateways[(i + 1) % 3]
                sender = self.client(sender_kind, here, unique("sender"))
                recipient = self.client(recipient_kind, there, unique("recipient"))
                self.assertTrue(recipient.id.endswith("@" + there.args[there.args.index("--cluster-node") + 1]))
                reply = send_to(sender, recipient.name, f"hello {i}")
                self.assertEqual(reply.get("code"), 200, reply)
                self.assertEqual(reply["text"], f"delivered to {recipient.id} ({recipient.name})")
                delivered = recipient.next_delivery()
                self.assertEqual((delivered["text"], delivered["from"]), (f"hello {i}", sender.id))
                # And back, by id.
                reply = recipient.request(message("", f"back {i}", to=sender.id))
                self.assertEqual(reply.get("code"), 200, reply)
                self.assertEqual(sender.next_delivery()["text"], f"back {i}")

    def test_ask_reaches_a_client_of_another_gateway_on_every_transport(self):
        for i, (asker_kind, asked_kind) in enumerate(
                itertools.product(TRANSPORTS, [WebSocketClient, TcpClient])):
            with self.subTest(asker=asker_kind.transport, asked=asked_kind.transport):
                here, there = self.gateways[i % 3], self.gateways[(i + 2) % 3]
                asked = self.client(asked_kind, there, unique("lamp"))
                asker = self.client(asker_kind, here, unique("asker"))
                time.sleep(0.05)  # the asked client's name reaches NATS
                replies = []
                thread = threading.Thread(target=lambda: replies.append(
                    asker.request(message("ask", args=f"{asked.name} status verbose"))))
                thread.start()
                request = asked._receive(TIMEOUT)  # the gateway's request, from the other one
                self.assertEqual((request["cmd"], request["args"]), ("status", "verbose"))
                asked._send(message("status", f"on {i}", id=request["id"], data={"watts": i}))
                thread.join(TIMEOUT)
                self.assertEqual((replies[0].get("code"), replies[0]["text"]), (200, f"on {i}"))
                self.assertEqual(replies[0]["data"]["data"], {"watts": i})

    def test_asking_nobody_is_404_and_kick_ends_a_client_of_another_gateway(self):
        a, b, _ = self.gateways
        admin = self.client(WebSocketClient, a, unique("admin"))
        self.assertEqual(admin.request(message("ask", args="nobody-here status")).get("code"), 404)
        self.assertEqual(admin.request(message("auth", args=ADMIN_KEY)).get("code"), 200)
        doomed = self.client(TcpClient, b, unique("kicked"))
        time.sleep(0.05)
        reply = admin.request(message("kick", args=doomed.name))
        self.assertEqual(reply.get("code"), 200, reply)
        self.assertIn(doomed.id, reply["text"])
        notice = doomed._receive(TIMEOUT)
        self.assertEqual(notice["cmd"], "kick")
        self.assertEqual(admin.request(message("kick", args="nobody-here")).get("code"), 404)

    def test_a_name_nobody_has_is_404(self):
        sender = self.client(HttpClient, self.gateways[0], unique("asker"))
        reply = sender.request(message("", "anyone?", to="nobody-has-this-name"))
        self.assertEqual(reply.get("code"), 404, reply)

    def test_a_publication_reaches_subscribers_on_every_gateway_once(self):
        a, b, c = self.gateways
        topic = f"home/kitchen-{next(_names)}/temp"
        wide = self.client(WebSocketClient, b, unique("wide"))
        overlapping = self.client(WebSocketClient, b, unique("overlapping"))
        exact = self.client(TcpClient, c, unique("exact"))
        polling = self.client(HttpClient, c, unique("polling"))
        elsewhere = self.client(WebSocketClient, c, unique("elsewhere"))
        for client, filters in [(wide, ["home/#"]), (overlapping, ["home/#", "+/+/temp", topic]),
                                (exact, [topic]), (polling, ["home/+/temp"]),
                                (elsewhere, ["garden/#"])]:
            for topic_filter in filters:
                self.assertEqual(client.request(message("subscribe", args=topic_filter)).get("code"), 200)
        time.sleep(0.2)  # the subscriptions reach NATS
        publisher = self.client(UdpClient, a, unique("publisher"))
        reply = publisher.request(message("", "21 C", topic=topic))
        self.assertEqual(reply.get("code"), 200, reply)
        for subscriber in (wide, overlapping, exact, polling):
            delivered = subscriber.next_delivery()
            self.assertEqual((delivered["text"], delivered["topic"]), ("21 C", topic))
        # One copy each, however many of a gateway's filters matched; none for other topics.
        self.assertTrue(nothing_more(wide))
        self.assertTrue(nothing_more(overlapping))
        self.assertTrue(nothing_more(elsewhere))

    def test_topic_levels_cannot_be_mistaken_for_nats_syntax(self):
        a, b, _ = self.gateways
        base = f"odd{next(_names)}"
        dotted = self.client(WebSocketClient, b, unique("dotted"))
        plain = self.client(WebSocketClient, b, unique("plain"))
        self.assertEqual(dotted.request(message("subscribe", args=f"{base}/x.y/#")).get("code"), 200)
        self.assertEqual(plain.request(message("subscribe", args=f"{base}/x/y")).get("code"), 200)
        time.sleep(0.2)
        publisher = self.client(HttpClient, a, unique("odd-publisher"))
        for topic in [f"{base}/x.y/a b", f"{base}/x.y/*", f"{base}/x.y/>", f"{base}/x.y/%41"]:
            self.assertEqual(publisher.request(message("", topic, topic=topic)).get("code"), 200)
            delivered = dotted.next_delivery()
            self.assertEqual((delivered["topic"], delivered["text"]), (topic, topic))
        # "x.y" is one level: NATS must not see the levels x and y.
        self.assertTrue(nothing_more(plain))

    def test_publications_cross_gateways_on_every_pair_of_transports(self):
        for i, (publisher_kind, subscriber_kind) in enumerate(
                itertools.product(TRANSPORTS, TRANSPORTS)):
            with self.subTest(publisher=publisher_kind.transport,
                              subscriber=subscriber_kind.transport):
                here, there = self.gateways[i % 3], self.gateways[(i + 1) % 3]
                topic = f"pairs/{next(_names)}/reading"
                subscriber = self.client(subscriber_kind, there, unique("reader"))
                self.assertEqual(subscriber.request(message("subscribe", args="pairs/+/reading"))
                                 .get("code"), 200)
                publisher = self.client(publisher_kind, here, unique("writer"))
                time.sleep(0.05)  # the new filter's subscription reaches NATS
                reply = publisher.request(message("", f"reading {i}", topic=topic))
                self.assertEqual(reply.get("code"), 200, reply)
                delivered = subscriber.next_delivery()
                self.assertEqual((delivered["topic"], delivered["text"]), (topic, f"reading {i}"))
                subscriber.request(message("unsubscribe", args="pairs/+/reading"))

    def test_broadcasts_cross_gateways_on_every_pair_of_transports(self):
        for i, (sender_kind, listener_kind) in enumerate(
                itertools.product(TRANSPORTS, TRANSPORTS)):
            with self.subTest(sender=sender_kind.transport, listener=listener_kind.transport):
                here, there = self.gateways[i % 3], self.gateways[(i + 2) % 3]
                listener = self.client(listener_kind, there, unique("hearer"))
                sender = self.client(sender_kind, here, unique("crier"))
                text = f"hear ye {next(_names)}"
                reply = sender.request(message("broadcast", text))
                self.assertEqual(reply.get("code"), 200, reply)
                while True:  # other broadcasts (of this test's earlier pairs) may come first
                    delivered = listener.next_delivery()
                    if delivered["text"] == text:
                        break
                self.assertEqual(delivered["from"], sender.id)
                listener.close()  # no more broadcasts for it to queue

    def test_a_retained_message_is_handed_out_by_every_gateway(self):
        a, b, c = self.gateways
        topic = f"status/door-{next(_names)}"
        publisher = self.client(HttpClient, a, unique("door"))
        reply = publisher.request(message("", "open", topic=topic, retain=True))
        self.assertEqual((reply.get("code"), reply["data"]["retained"]), (200, True), reply)
        late = self.client(WebSocketClient, b, unique("late"))
        wait_until(lambda: late.request(message("subscribe", args=topic))["data"].get("retained"),
                   "b hands out the retained message", timeout=5)
        delivered = late.next_delivery()
        self.assertEqual((delivered["text"], delivered.get("retain")), ("open", True))
        # Cleared at c: gone everywhere.
        clearer = self.client(TcpClient, c, unique("clearer"))
        self.assertEqual(clearer.request(message("", "", topic=topic, retain=True)).get("code"), 200)
        latest = self.client(HttpClient, a, unique("latest"))
        wait_until(lambda: not latest.request(message("subscribe", args=topic))["data"].get(
            "retained"), "the retained message cleared at a too", timeout=5)

    def test_a_broadcast_reaches_every_gateway(self):
        listeners = [self.client(WebSocketClient, gateway, unique("everyone"))
                     for gateway in self.gateways]
        sender = self.client(TcpClient, self.gateways[1], unique("announcer"))
        reply = sender.request(message("broadcast", "all hands"))
        self.assertEqual(reply.get("code"), 200, reply)
        self.assertEqual(reply["data"]["gateways"], 2)
        for listener in listeners:
            while True:  # other tests' broadcasts may come first
                delivered = listener.next_delivery()
                if delivered["text"] == "all hands":
                    break
            self.assertEqual(delivered["from"], sender.id)

    def test_a_name_taken_on_one_gateway_is_refused_on_another(self):
        a, b, c = self.gateways
        name = unique("printer")
        holder = self.client(WebSocketClient, a, name)
        self.assertEqual(holder.name, name)
        other = self.client(HttpClient, b, unique("renamer"))
        reply = other.request(message("rename", args=name))
        self.assertEqual(reply.get("code"), 409, reply)
        self.assertIn("another gateway", reply["text"])
        self.assertEqual(self.client(TcpClient, c, name).name, f"{name}-2")
        # Given up (its connection closed after bye), it is free for the others.
        self.assertEqual(holder.request(message("bye")).get("code"), 200)
        holder.close()
        wait_until(lambda: other.request(message("rename", args=name)).get("code") == 200,
                   f"{name} is free once its holder left")

    def test_clients_lists_the_clients_of_every_gateway(self):
        names = {}
        for gateway, node in zip(self.gateways, "abc"):
            names[node] = self.client(HttpClient, gateway, unique(f"listed-{node}")).name
        reply = self.client(UdpClient, self.gateways[2], unique("lister")).request(message("clients"))
        self.assertEqual(reply.get("code"), 200, reply)
        listed = {(entry["name"], entry["node"]) for entry in reply["data"]}
        for node, name in names.items():
            self.assertIn((name, node), listed)

    def test_a_token_acted_on_by_one_gateway_is_refused_by_the_others(self):
        a, b, c = self.gateways
        shared_before = {other: other.metric("gw_cluster_shared_admissions_total")
                         for other in (b, c)}
        token = a.encrypt(message("ping"))
        first = requests.post(a.http_url + "/message", data=token, timeout=TIMEOUT)
        self.assertEqual(a.decrypt(first.content).get("code"), 200)
        for other in (b, c):
            # The stamp travels in about a millisecond (bench/cluster_bench measures the window);
            # wait for it, then send the copy.
            wait_until(lambda: other.metric("gw_cluster_shared_admissions_total")
                       > shared_before[other], "the admitted token's stamp reached the others")
            again = requests.post(other.http_url + "/message", data=token, timeout=TIMEOUT)
            reply = other.decrypt(again.content)
            self.assertEqual(reply.get("code"), 409, reply)
            self.assertIn("already used", reply["text"])

    def test_a_service_provided_on_one_gateway_answers_callers_on_every_gateway(self):
        a, b, c = self.gateways
        service = unique("cluster-double")

        def provided_by(gateway):
            _, reply = gateway.http_request(message("commands"))
            return {entry["name"]: entry.get("provided_by") for entry in reply["data"]}.get(service)

        first = Provider(b, unique("doubler-b"), service, doubled)
        self.addCleanup(first.stop)
        wait_until(lambda: provided_by(a) == [first.client.id], "a knows b's provider")
        for i, kind in enumerate(TRANSPORTS):
            with self.subTest(caller=kind.transport):
                caller = self.client(kind, self.gateways[(2 * i) % 3], unique("caller"))
                reply = caller.request(message(service, data={"n": i}))
                self.assertEqual((reply.get("code"), reply.get("data")), (200, {"n": 2 * i}), reply)
                self.assertEqual(first.calls[-1]["from"], caller.id)

        # A second provider on another gateway shares the calls.
        second = Provider(c, unique("doubler-c"), service,
                          lambda call: {"code": 200, "text": "from c", "data": {}})
        self.addCleanup(second.stop)
        wait_until(lambda: sorted(provided_by(a) or []) == sorted([first.client.id,
                                                                   second.client.id]),
                   "a knows both providers")
        caller = self.client(WebSocketClient, a, unique("sharer"))
        answers = [caller.request(message(service, data={"n": 1})).get("text") for _ in range(4)]
        self.assertEqual(sorted(answers), ["doubled", "doubled", "from c", "from c"])

        # The first leaves: calls that would have gone to it go to the second at once, before
        # any heartbeat says it left, and then it is no longer listed.
        first.stop()
        answers = [caller.request(message(service, data={"n": 1})) for _ in range(4)]
        self.assertEqual([(r.get("code"), r.get("text")) for r in answers], [(200, "from c")] * 4)
        wait_until(lambda: provided_by(a) == [second.client.id], "b's provider is forgotten")
        second.stop()
        wait_until(lambda: provided_by(a) is None, "nobody provides it any more")
        self.assertEqual(caller.request(message(service)).get("code"), 404)

    def test_the_handshake_lists_the_cluster_gateways(self):
        client = self.client(HttpClient, self.gateways[0], unique("newcomer"))
        nodes = client.opening["data"]["nodes"]
        self.assertEqual([node["node"] for node in nodes][0], "a")
        self.assertEqual(sorted(node["node"] for node in nodes), ["a", "b", "c"])
        self.assertTrue(all(node["endpoints"]["http"] for node in nodes))


class KilledGatewayTest(unittest.TestCase):
    """kill -9 of a gateway: the others drop it within a few seconds; its HTTP client goes on at
    another gateway with its session token, its name and every message kept for it."""

    def test_a_killed_gateway_leaves_the_cluster_and_its_clients_go_on_elsewhere(self):
        with two_gateways() as (nats, (a, b)):
            survivor = HttpClient(b, "survivor")
            survivor.request(message("subscribe", args="alerts/#"))
            sender = WebSocketClient(a, "sender")
            lister = HttpClient(a, "lister")
            listed = lambda: {(entry["name"], entry["node"])
                              for entry in lister.request(message("clients"))["data"]}
            self.assertIn(("survivor", "b"), listed())
            # Kept for its poll, and acknowledged as kept: JetStream has them.
            for text in ("first", "second"):
                reply = send_to(sender, "survivor", text)
                self.assertEqual(reply.get("code"), 200, reply)
                self.assertEqual(reply["data"]["stored"], 1, reply)

            b.process.send_signal(signal.SIGKILL)
            b.process.wait(timeout=TIMEOUT)
            wait_until(lambda: health(a)["cluster"]["nodes"] == 1, "a sees b gone", timeout=6)
            self.assertNotIn(("survivor", "b"), listed())

            # The same token, at a: the session is taken over, with what waited for it.
            survivor.gateway = a
            polled = survivor.request(message("poll"))
            self.assertEqual(polled.get("code"), 200, polled)
            self.assertEqual([m["text"] for m in polled["data"]["messages"]], ["first", "second"])
            me = survivor.request(message("whoami"))
            self.assertEqual((me["data"]["id"], me["data"]["name"]), (survivor.id, "survivor"))
            self.assertIn(("survivor", "a"), listed())
            # Its name and subscriptions came along.
            self.assertEqual(send_to(sender, "survivor", "third").get("code"), 200)
            self.assertEqual(survivor.next_delivery()["text"], "third")
            sender.request(message("", "smoke", topic="alerts/kitchen"))
            self.assertEqual(survivor.next_delivery()["text"], "smoke")

    def test_a_session_of_a_live_gateway_is_not_taken_over(self):
        with two_gateways() as (nats, (a, b)):
            client = HttpClient(b, "stays")
            client.gateway = a
            # The session is known elsewhere once b has written it, a moment after its
            # handshake's reply; until then a does not know the token (401).
            def answer_once_known():
                reply = client.request(message("whoami"))
                return None if reply.get("code") == 401 else reply
            reply = wait_until(answer_once_known, "a knows b's session")
            self.assertEqual(reply.get("code"), 409, reply)
            self.assertIn("gateway b", reply["text"])


class LibraryFailoverTest(unittest.TestCase):
    """The C++ client library (gwctl listen) moves to another gateway of the cluster when its own
    is killed, and misses nothing the cluster acknowledged for it: over HTTP its session is taken
    over with the messages kept in it; over TCP it resumes its session there."""

    def check_failover(self, scheme, port_of):
        """Over HTTP, "two" and "three" wait in the listener's mailbox at b when b is killed;
        over TCP, a connection's messages are not kept, so they are sent once it is back."""
        with two_gateways() as (nats, (a, b)):
            listener = Listener("--url", f"{scheme}://127.0.0.1:{port_of(b)}", "--key-file",
                                b.ready["key_file"], "--name", "watcher", "--json", "--count", "4")
            sender = WebSocketClient(a, "sender")
            self.assertEqual(send_to(sender, "watcher", "one").get("code"), 200)
            self.assertEqual(json.loads(listener.process.stdout.readline())["text"], "one")
            # Stopped, the listener cannot fetch what comes next: it waits at b, acknowledged.
            listener.process.send_signal(signal.SIGSTOP)
            kept_at_b = scheme == "http"
            if kept_at_b:
                for text in ("two", "three"):
                    reply = send_to(sender, "watcher", text)
                    self.assertEqual((reply.get("code"), reply["data"]["stored"]), (200, 1), reply)
            b.process.send_signal(signal.SIGKILL)
            b.process.wait(timeout=TIMEOUT)
            listener.process.send_signal(signal.SIGCONT)
            # It goes on at a (taken over, or resumed), by its name.
            wait_until(lambda: any(entry["name"] == "watcher" and entry["node"] == "a"
                                   for entry in sender.request(message("clients"))["data"]),
                       "the listener went on at a", timeout=20)
            for text in ([] if kept_at_b else ["two", "three"]) + ["four"]:
                self.assertEqual(send_to(sender, "watcher", text).get("code"), 200)
            code, out = listener.finish()
            self.assertEqual(code, 0, listener.stderr)
            received = [json.loads(line)["text"] for line in out.splitlines() if line.strip()]
            self.assertEqual(received, ["two", "three", "four"], listener.stderr)
            self.assertIn("moving to", listener.stderr)

    def test_over_http_the_session_and_its_mailbox_move(self):
        self.check_failover("http", lambda gateway: gateway.ready["http"])

    def test_over_tcp_the_session_resumes_elsewhere(self):
        self.check_failover("tcp", lambda gateway: gateway.ready["tcp"])


class JoiningGatewayTest(unittest.TestCase):
    """A gateway that joins later takes the cluster's retained messages from JetStream."""

    def test_a_new_gateway_hands_out_what_was_retained_before_it_came(self):
        with two_gateways() as (nats, (a, b)):
            publisher = HttpClient(a, "thermostat")
            reply = publisher.request(message("", "21 C", topic="hall/setpoint", retain=True))
            self.assertEqual(reply.get("code"), 200, reply)
            c = Gateway("--cluster-nats", nats.url, "--cluster-node", "c")
            c.use_key_of(a)
            c.start()
            try:
                subscriber = WebSocketClient(c, "newcomer")
                reply = subscriber.request(message("subscribe", args="hall/#"))
                self.assertEqual(reply.get("code"), 200, reply)
                self.assertEqual(subscriber.next_delivery()["text"], "21 C")
                subscriber.close()
            finally:
                c.close()


class ClusterDiscoveryTest(unittest.TestCase):
    """Every gateway of a cluster answers a probe; gwctl discover lists the cluster once."""

    def test_a_scan_finds_the_cluster_once(self):
        from test_discovery import free_port_on
        addresses = ["127.0.0.21", "127.0.0.22"]
        port = free_port_on(addresses)
        nats = NatsServer().start()
        gateways = []
        try:
            for address, node in zip(addresses, "ab"):
                gateway = Gateway("--cluster-nats", nats.url, "--cluster-node", node,
                                  bind=address, http_port=port)
                if gateways:
                    gateway.use_key_of(gateways[0])
                gateways.append(gateway.start())
            key_file = gateways[0].ready["key_file"]
            for address in addresses:  # each answers, as its own node of the cluster
                answer = gwctl("discover", "--key-file", key_file, "--http-port", str(port),
                               "--json", "--scan", f"{address}/32")
                found = json_lines(answer.stdout)
                self.assertEqual([(g["cluster"], g["address"]) for g in found], [("gw", address)])
            result = gwctl("discover", "--key-file", key_file, "--http-port", str(port), "--json",
                           "--scan", "127.0.0.16/28")
            self.assertEqual(result.returncode, 0, result.stderr)
            found = json_lines(result.stdout)
            self.assertEqual(len(found), 1, found)
            self.assertEqual(found[0]["cluster"], "gw")
            self.assertIn(found[0]["node"], ("a", "b"))
        finally:
            for gateway in gateways:
                gateway.close()
            nats.close()


class NatsOutageTest(unittest.TestCase):
    """NATS stopped: every gateway goes on serving its own clients, cross-gateway deliveries get
    503 cluster unavailable, /healthz says degraded; NATS back: all of it comes back by itself."""

    def test_local_traffic_goes_on_and_the_cluster_comes_back(self):
        with two_gateways() as (nats, (a, b)):
            alice, carol = WebSocketClient(a, "alice"), HttpClient(a, "carol")
            bob = HttpClient(b, "bob")
            self.assertEqual(send_to(alice, "bob", "before").get("code"), 200)
            self.assertEqual(bob.next_delivery()["text"], "before")

            nats.stop()
            wait_until(lambda: health(a)["status"] == "degraded", "a says it is degraded")
            self.assertIn("NATS", health(a)["cluster"]["problem"])
            self.assertEqual(a.metric("gw_cluster_up"), 0)
            # Local traffic never stops.
            reply = alice.request(message("", "local", to="carol"))
            self.assertEqual(reply.get("code"), 200, reply)
            self.assertIs(reply["data"]["durable"], False)  # it says so: memory only, meanwhile
            self.assertEqual(carol.next_delivery()["text"], "local")
            # Cross-gateway: 503, never a silent drop.
            reply = alice.request(message("", "lost?", to="bob"))
            self.assertEqual(reply.get("code"), 503, reply)
            self.assertIn("cluster unavailable", reply["text"])
            self.assertEqual(carol.request(message("subscribe", args="news")).get("code"), 200)
            reply = alice.request(message("", "headline", topic="news"))
            self.assertEqual(reply.get("code"), 503, reply)
            self.assertEqual(reply["data"]["delivered"], 1)  # carol, here, got it
            self.assertEqual(carol.next_delivery()["text"], "headline")
            self.assertGreaterEqual(a.metric("gw_cluster_unavailable_total"), 2)
            # A name is given here meanwhile, even one another gateway's client holds...
            self.assertEqual(carol.request(message("rename", args="bob")).get("code"), 200)

            nats.start()  # the same port and store
            for gateway in (a, b):
                wait_until(lambda: health(gateway)["status"] == "ok", "the cluster is back",
                           timeout=15)
            reply = send_to(alice, "bob", "after")
            self.assertEqual(reply.get("code"), 200, reply)
            self.assertEqual(bob.next_delivery()["text"], "after")
            # ... and taken back once the cluster says it is another's, with a notice.
            notice = carol.next_delivery()
            self.assertEqual((notice["cmd"], notice["data"]["name"]), ("rename", carol.id))
            self.assertNotEqual(carol.request(message("whoami"))["data"]["name"], "bob")


class NatsLateTest(unittest.TestCase):
    """NATS not there at start: the gateway starts anyway, serves its own clients, says it is
    degraded, and joins the cluster when NATS comes."""

    def test_a_gateway_started_before_nats_joins_when_it_comes(self):
        nats = NatsServer()  # its port chosen, not started yet
        gateways = []
        try:
            early = Gateway("--cluster-nats", nats.url, "--cluster-node", "early").start()
            gateways.append(early)
            self.assertEqual(health(early)["status"], "degraded")
            alone, other = HttpClient(early, "alone"), WebSocketClient(early, "other")
            self.assertEqual(alone.request(message("", "local", to="other")).get("code"), 200)
            self.assertEqual(other.next_delivery()["text"], "local")
            nats.start()
            wait_until(lambda: health(early)["status"] == "ok", "it joins once NATS is up",
                       timeout=15)
            gateways += start_gateways([nats.url], ["late"], key_of=early, cluster_size=2)
            remote = HttpClient(gateways[1], "remote")
            self.assertEqual(send_to(other, "remote", "hello").get("code"), 200)
            self.assertEqual(remote.next_delivery()["text"], "hello")
        finally:
            for gateway in gateways:
                gateway.close()
            nats.close()


class NatsClusterTest(unittest.TestCase):
    """Three NATS servers as one NATS cluster (JetStream replicas 3): losing one of them, the
    gateways reconnect to the others and go on, names included."""

    def test_gateways_survive_the_loss_of_a_nats_server(self):
        servers = nats_cluster(3)
        for server in servers:
            server.start()
        gateways = []
        try:
            # a prefers n1, b prefers n2; each knows every server.
            urls = [server.url for server in servers]
            gateways = start_gateways(urls, ["a"], extra=("--cluster-replicas", "3"))
            gateways += start_gateways(urls[1:] + urls[:1], ["b"], extra=("--cluster-replicas", "3"),
                                       key_of=gateways[0], cluster_size=2)
            a, b = gateways
            # JetStream's meta leader is elected a few seconds after a cluster starts.
            sender = HttpClient(a, "sender")
            wait_until(lambda: sender.request(message("rename", args="first-name")).get("code") == 200,
                       "JetStream ready for names", timeout=20)
            receiver = HttpClient(b, "receiver")
            self.assertEqual(send_to(sender, "receiver", "one").get("code"), 200)
            self.assertEqual(receiver.next_delivery()["text"], "one")

            servers[0].stop(kill=True)
            wait_until(lambda: health(a)["status"] == "ok" and health(a)["cluster"]["nodes"] == 2,
                       "a reconnected to another NATS server", timeout=20)
            # As long as the other waits here: b's subscriptions move to another NATS server
            # too, which under the sanitizers' slowdown has taken more than 10 s.
            wait_until(lambda: send_to(sender, "receiver", "two").get("code") == 200,
                       "delivery after the loss", timeout=20)
            self.assertEqual(receiver.next_delivery()["text"], "two")
            # Names still claimed through JetStream (two of three servers hold the bucket, once
            # they have chosen a new leader for it).
            def second_is_refused_the_name():
                client = HttpClient(b, "first-name")
                client.close()
                return client.name == "first-name-2"
            wait_until(second_is_refused_the_name,
                       "a taken name refused with one NATS server down", timeout=10)
            wait_until(lambda: receiver.request(message("rename", args="second-name")).get("code") == 200,
                       "a name claimed with one NATS server down", timeout=10)
        finally:
            for gateway in gateways:
                gateway.close()
            for server in servers:
                server.close()


if __name__ == "__main__":
    unittest.main()
