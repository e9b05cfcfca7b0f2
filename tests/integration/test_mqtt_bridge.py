"""The bridge to MQTT brokers ([[mqtt]]) against Debian's mosquitto broker, started on a
loopback port, with mosquitto_sub and mosquitto_pub as the MQTT side: gw publications reach
MQTT subscribers as JSON, MQTT publications reach gw subscribers with their JSON in data,
fernet payloads are tokens Python's cryptography opens, nothing comes back as an echo, a broker
away or restarted loses nothing the bounded queue holds, and TLS with a test CA."""
import json
import os
import time
import unittest

from cryptography.fernet import Fernet

from gateway_support import TIMEOUT, Gateway, gwctl, message, wait_until
from mqtt_support import Mosquitto, Subscriber, TestCertificates
from nats_support import NatsServer
from session_clients import UdpClient, WebSocketClient


ADMIN_KEY = "mqtt bridge admin key"


def bridge_config(broker_url, **fields):
    """One [[mqtt]] table; list values become TOML arrays."""
    lines = ["[[mqtt]]", f'broker = "{broker_url}"']
    for name, value in fields.items():
        if isinstance(value, (list, tuple)):
            lines.append(f"{name} = {json.dumps(list(value))}")
        elif isinstance(value, str):
            lines.append(f'{name} = "{value}"')
        else:
            lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def health(gateway):
    import requests
    return requests.get(gateway.http_url + "/healthz", timeout=TIMEOUT).json()


def bridge_state(gateway, index=0):
    return health(gateway)["mqtt"][index]


def exits_cleanly(case, gateway):
    """After the test, before its gateway's close: the gateway stops with 0, so that a
    sanitizer's report in a sanitizer build fails the test that caused it."""
    case.addCleanup(lambda: case.assertEqual(gateway.stop(), 0, gateway.stderr()[-4000:]))


def bridge_state_when(gateway, condition, what, index=0):
    """The bridge's state in /healthz once `condition` holds of it."""
    def state_if():
        state = bridge_state(gateway, index)
        return state if condition(state) else None
    return wait_until(state_if, what)


def wait_connected(gateway, index=0):
    return bridge_state_when(gateway, lambda state: state["state"] == "connected",
                             "the bridge connected", index)


class BridgeCase(unittest.TestCase):
    """A broker and a gateway bridged to it, for the tests of one class."""
    bridge = {}

    @classmethod
    def setUpClass(cls):
        cls.broker = Mosquitto()
        cls.addClassCleanup(cls.broker.close)
        cls.broker.start()
        cls.gateway = Gateway("--admin-key", ADMIN_KEY,
                              config_text=bridge_config(cls.broker.url, **cls.bridge))
        cls.addClassCleanup(cls.gateway.close)
        cls.gateway.start()
        wait_connected(cls.gateway)

    @classmethod
    def tearDownClass(cls):
        code = cls.gateway.stop()
        if code != 0:
            raise AssertionError(f"gatewayd exited with {code}: {cls.gateway.stderr()[-4000:]}")

    def subscriber(self, *filters, **options):
        subscriber = Subscriber(self.broker, *filters, **options)
        self.addCleanup(subscriber.close)
        return subscriber

    def client(self, kind, name, **options):
        client = kind(self.gateway, name, **options)
        self.addCleanup(client.close)
        return client


class JsonBridge(BridgeCase):
    bridge = {"name": "home-broker", "export": ["home/#", "homeassistant/#"],
              "import": ["zigbee2mqtt/#", "home/#", "tasmota/#"]}

    def test_a_udp_publish_reaches_mosquitto_sub_as_json(self):
        mqtt = self.subscriber("home/#")
        sensor = self.client(UdpClient, "kitchen-sensor")
        reply = sensor.request(message("publish", topic="home/kitchen/t", data={"celsius": 21.5}))
        self.assertEqual(reply.get("code"), 200, reply)
        received = mqtt.next(topic="home/kitchen/t")
        self.assertEqual(json.loads(received["payload"]), {"celsius": 21.5})
        self.assertEqual(received["retain"], 0)
        # A message with text and no data: the text itself.
        sensor.request(message("publish", topic="home/kitchen/note", text="window open"))
        self.assertEqual(mqtt.next(topic="home/kitchen/note")["payload"], "window open")
        # What the bridge does not export stays in gw.
        sensor.request(message("publish", topic="garden/t", data={"celsius": 9}))
        self.assertEqual(mqtt.all_for(0.5), [])

    def test_mosquitto_pub_reaches_a_websocket_subscriber_with_its_json_in_data(self):
        browser = self.client(WebSocketClient, "browser")
        self.assertEqual(browser.request(message("subscribe", topic="zigbee2mqtt/#"))["code"], 200)
        self.broker.publish("zigbee2mqtt/door", '{"contact": false, "battery": 97}')
        delivered = browser.next_delivery()
        self.assertEqual(delivered["topic"], "zigbee2mqtt/door")
        self.assertEqual(delivered["data"], {"contact": False, "battery": 97})
        self.assertTrue(delivered["from"].startswith("mqtt:"), delivered)
        self.assertEqual(delivered["userID"], "home-broker")
        # A payload that is not JSON (Tasmota's "ON") arrives as text; a number is JSON.
        self.broker.publish("zigbee2mqtt/lamp/state", "ON")
        self.assertEqual(browser.next_delivery()["text"], "ON")
        self.broker.publish("zigbee2mqtt/lamp/brightness", "42")
        self.assertEqual(browser.next_delivery()["data"], 42)

    def test_retained_messages_cross_both_ways(self):
        # A retained MQTT message is retained in gw for later subscribers.
        imported = bridge_state(self.gateway)["imported"]
        self.broker.publish("zigbee2mqtt/hall/config", '{"name": "hall"}', retain=True)
        wait_until(lambda: bridge_state(self.gateway)["imported"] > imported, "the import")
        browser = self.client(WebSocketClient, "late-browser")

        def subscribed_with_the_retained():  # the import may still be on its way in
            reply = browser.request(message("subscribe", topic="zigbee2mqtt/hall/config"))
            if reply["data"]["retained"] == 1:
                return reply
            browser.request(message("unsubscribe", topic="zigbee2mqtt/hall/config"))
            return None

        reply = wait_until(subscribed_with_the_retained, "the retained message in gw")
        self.assertEqual(reply["code"], 200)
        delivered = browser.next_delivery()
        self.assertTrue(delivered.get("retain"), delivered)
        self.assertEqual(delivered["data"], {"name": "hall"})
        # A gw publication its sender retained is retained on the broker: a later MQTT
        # subscriber gets it, flagged retained, though the bridge exported it live.
        exported = bridge_state(self.gateway)["exported"]
        sensor = self.client(UdpClient, "hall-sensor")
        reply = sensor.request(message("publish", topic="home/hall/config", retain=True,
                                       data={"unit": "C"}))
        self.assertTrue(reply["data"]["retained"], reply)
        wait_until(lambda: bridge_state(self.gateway)["exported"] > exported, "the export")
        later = self.subscriber("home/hall/config")
        kept = later.next(topic="home/hall/config")
        self.assertEqual(kept["retain"], 1)
        self.assertEqual(json.loads(kept["payload"]), {"unit": "C"})

    def test_a_home_assistant_discovery_config_from_gwctl_is_retained_on_the_broker(self):
        config = {"name": "Kitchen", "state_topic": "home/kitchen/temperature",
                  "value_template": "{{ value_json.celsius }}", "unique_id": "gw_kitchen_t"}
        topic = "homeassistant/sensor/gw_kitchen/config"
        exported = bridge_state(self.gateway)["exported"]
        run = gwctl("publish", "--url", f"ws://127.0.0.1:{self.gateway.ready['ws']}/ws",
                    "--key-file", self.gateway.ready["key_file"], "--retain", "--topic", topic,
                    "--data", json.dumps(config))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("retained for later subscribers", run.stdout)
        wait_until(lambda: bridge_state(self.gateway)["exported"] > exported, "the export")
        home_assistant = self.subscriber("homeassistant/#")  # as Home Assistant, later
        kept = home_assistant.next(topic=topic)
        self.assertEqual(kept["retain"], 1)
        self.assertEqual(json.loads(kept["payload"]), config)

    def test_no_echo_when_export_and_import_overlap(self):
        mqtt = self.subscriber("home/#")
        browser = self.client(WebSocketClient, "echo-watcher")
        browser.request(message("subscribe", topic="home/#"))
        echoes_before = bridge_state(self.gateway)["echoes_skipped"]
        # From gw: one copy on the broker, and no second one in gw (no-local on the broker side).
        sensor = self.client(UdpClient, "echo-sensor")
        sensor.request(message("publish", topic="home/echo/a", text="from gw"))
        self.assertEqual(browser.next_delivery()["text"], "from gw")
        # From MQTT: one copy in gw, which the bridge does not send back out.
        self.broker.publish("home/echo/b", "from mqtt")
        self.assertEqual(browser.next_delivery()["text"], "from mqtt")
        seen = [m["payload"] for m in mqtt.all_for(1.5)]
        self.assertEqual(sorted(seen), ["from gw", "from mqtt"])
        self.assertEqual(browser.deliveries, [])
        time.sleep(0.3)
        browser.ws.settimeout(0.5)
        with self.assertRaises(Exception):
            browser.ws.recv()  # nothing more
        self.assertGreater(bridge_state(self.gateway)["echoes_skipped"], echoes_before)

    def test_what_gw_cannot_carry_is_counted_and_skipped(self):
        before = bridge_state(self.gateway)
        browser = self.client(WebSocketClient, "picky")
        browser.request(message("subscribe", topic="tasmota/#"))
        self.broker.publish("tasmota/blob", b"\xff\xfe\x00binary")   # not UTF-8
        self.broker.publish("tasmota/" + "x" * 300, "x")              # gw topics: 256 bytes
        self.broker.publish("tasmota/fine", "still serving")
        self.assertEqual(browser.next_delivery()["text"], "still serving")
        after = bridge_state_when(
            self.gateway, lambda state: state["import_skipped"] >= before["import_skipped"] + 2,
            "the skips counted")
        self.assertEqual(after["state"], "connected")
        self.assertIn("gw_mqtt_import_skipped_total", self.gateway.metrics())

    def test_the_bridge_is_in_healthz_the_feed_and_metrics(self):
        state = health(self.gateway)
        self.assertEqual(state["status"], "ok")
        self.assertEqual(state["clients"]["tcp"], 0)  # the bridge is no TCP client
        bridge = state["mqtt"][0]
        self.assertEqual(bridge["name"], "home-broker")
        self.assertEqual(bridge["broker"], self.broker.url)
        self.assertIsNone(bridge["problem"])
        self.assertTrue(bridge["client_id"].startswith("test-gateway-"))
        self.assertEqual(self.gateway.metric("gw_mqtt_connected", bridge="home-broker"), 1)
        self.assertGreaterEqual(self.gateway.metric("gw_mqtt_connects_total", bridge="home-broker"),
                                1)
        # In `clients`, the bridge is a client whose transport says what it is; and the $gw
        # feed's stats carry the bridges as /healthz does.
        browser = self.client(WebSocketClient, "lister")
        self.assertEqual(browser.request(message("auth", args=ADMIN_KEY))["code"], 200)
        self.assertEqual(browser.request(message("subscribe", topic="$gw/stats"))["code"], 200)
        stats = browser._receive(TIMEOUT)
        while stats.get("topic") != "$gw/stats":  # each read waits at most TIMEOUT
            stats = browser._receive(TIMEOUT)
        self.assertEqual(stats["data"]["mqtt"][0]["name"], "home-broker")
        self.assertEqual(stats["data"]["mqtt"][0]["state"], "connected")
        listed = browser.request(message("clients"))["data"]
        bridges = [c for c in listed if c["transport"] == "mqtt"]
        self.assertEqual(len(bridges), 1, listed)
        self.assertTrue(bridges[0]["id"].startswith("mqtt:"))
        # gwctl top shows it too.
        admin_key_file = os.path.join(self.gateway.data_dir, "admin-key")
        with open(admin_key_file, "w") as f:
            f.write(ADMIN_KEY + "\n")
        os.chmod(admin_key_file, 0o600)
        run = gwctl("top", "--url", f"ws://127.0.0.1:{self.gateway.ready['ws']}/ws",
                    "--key-file", self.gateway.ready["key_file"], "--admin-key-file",
                    admin_key_file, "--count", "1")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertRegex(run.stdout, r"mqtt home-broker: connected, exported \d+, imported \d+")


    def test_a_kicked_bridge_joins_again_and_goes_on_exporting(self):
        admin = self.client(WebSocketClient, "admin")
        self.assertEqual(admin.request(message("auth", args=ADMIN_KEY))["code"], 200)
        before = [c["id"] for c in admin.request(message("clients"))["data"]
                  if c["transport"] == "mqtt"]
        self.assertEqual(len(before), 1)
        self.assertEqual(admin.request(message("kick", args=before[0]))["code"], 200)
        after = wait_until(lambda: [
            c["id"] for c in admin.request(message("clients"))["data"]
            if c["transport"] == "mqtt" and c["id"] != before[0] and c["subscriptions"]],
            "the bridge back")
        self.assertEqual(len(after), 1)
        mqtt = self.subscriber("home/#")
        sensor = self.client(UdpClient, "after-kick")
        sensor.request(message("publish", topic="home/kicked", text="still bridged"))
        self.assertEqual(mqtt.next(topic="home/kicked")["payload"], "still bridged")


class FernetBridge(BridgeCase):
    bridge = {"export": ["secret/#"], "import": ["sealed/#"], "payload": "fernet", "qos": 1}

    def test_fernet_payloads_decrypt_with_cryptography_on_the_mqtt_side(self):
        mqtt = self.subscriber("secret/#")
        sensor = self.client(UdpClient, "vault-sensor")
        sensor.request(message("publish", topic="secret/door", data={"open": True}))
        token = mqtt.next(topic="secret/door")["payload"]
        self.assertNotIn("open", token)  # the broker learns nothing
        inside = json.loads(Fernet(self.key()).decrypt(token.encode()))
        self.assertEqual(inside["topic"], "secret/door")
        self.assertEqual(inside["data"], {"open": True})
        self.assertEqual(inside["from"], sensor.id)

    def key(self):
        with open(self.gateway.ready["key_file"]) as f:
            return [line.strip() for line in f if line.strip() and not line.startswith("#")][0]

    def test_a_token_made_on_the_mqtt_side_is_delivered_and_others_are_skipped(self):
        browser = self.client(WebSocketClient, "sealed-reader")
        browser.request(message("subscribe", topic="sealed/#"))
        fernet = Fernet(self.key())
        body = message("publish", topic="sealed/lock", data={"locked": True}, user="python")
        self.broker.publish("sealed/lock", fernet.encrypt(json.dumps(body).encode()).decode(),
                            qos=1)
        delivered = browser.next_delivery()
        self.assertEqual(delivered["data"], {"locked": True})
        before = bridge_state(self.gateway)["import_skipped"]
        # Plain JSON, a token under another key, and a token for another topic: skipped.
        self.broker.publish("sealed/lock", '{"locked": false}')
        self.broker.publish("sealed/lock", Fernet(Fernet.generate_key()).encrypt(
            json.dumps(body).encode()).decode())
        self.broker.publish("sealed/other", fernet.encrypt(json.dumps(body).encode()).decode())
        bridge_state_when(self.gateway, lambda state: state["import_skipped"] >= before + 3,
                          "three skipped")
        # A token replayed on the broker is acted on once.
        token = fernet.encrypt(json.dumps(dict(body, data={"n": 1})).encode()).decode()
        self.broker.publish("sealed/lock", token)
        self.assertEqual(browser.next_delivery()["data"], {"n": 1})
        refused = bridge_state(self.gateway)["import_refused"]
        self.broker.publish("sealed/lock", token)
        bridge_state_when(self.gateway, lambda state: state["import_refused"] > refused,
                          "the replay refused")
        self.assertEqual(browser.deliveries, [])


class TwoGatewaysOneBroker(unittest.TestCase):
    """Two gateways (keys of their own) bridge the same topics both ways to one broker: each
    message crosses once, and nothing loops."""

    def test_two_gateways_bridging_one_broker_do_not_loop(self):
        broker = Mosquitto()
        self.addCleanup(broker.close)
        broker.start()
        config = bridge_config(broker.url, export=["home/#"], **{"import": ["home/#"]})
        gateways = []
        for _ in range(2):
            gateway = Gateway(config_text=config)
            self.addCleanup(gateway.close)
            exits_cleanly(self, gateway)
            gateway.start()
            wait_connected(gateway)
            gateways.append(gateway)
        mqtt = Subscriber(broker, "home/#")
        self.addCleanup(mqtt.close)
        readers = []
        for gateway in gateways:
            reader = WebSocketClient(gateway, "reader")
            self.addCleanup(reader.close)
            reader.request(message("subscribe", topic="home/#"))
            readers.append(reader)
        sensor = UdpClient(gateways[0], "sensor")
        self.addCleanup(sensor.close)
        sensor.request(message("publish", topic="home/loop", text="once"))
        self.assertEqual(readers[0].next_delivery()["text"], "once")
        self.assertEqual(readers[1].next_delivery()["text"], "once")
        self.assertEqual([m["payload"] for m in mqtt.all_for(2)], ["once"])
        for reader in readers:
            reader.ws.settimeout(0.3)
            with self.assertRaises(Exception):
                reader.ws.recv()
        for gateway in gateways:
            state = bridge_state(gateway)
            self.assertLessEqual(state["exported"], 1, state)
            self.assertLessEqual(state["imported"], 1, state)


class ClusterTakesTurns(unittest.TestCase):
    """Gateways of one cluster with the same bridge take it in turn: one bridges and the other
    stands by, so that each message crosses once either way; when the one bridging stops, or is
    killed, the other takes over."""

    def test_one_gateway_of_a_cluster_bridges_and_another_takes_over(self):
        nats = NatsServer().start()
        self.addCleanup(nats.close)
        broker = Mosquitto()
        self.addCleanup(broker.close)
        broker.start()
        config = bridge_config(broker.url, name="home", export=["home/#"],
                               **{"import": ["home/#"]})
        gateways = {}
        for node in ("a", "b"):
            gateway = Gateway("--cluster-nats", nats.url, "--cluster-node", node,
                              config_text=config)
            if gateways:
                gateway.use_key_of(gateways["a"])
            self.addCleanup(gateway.close)
            gateways[node] = gateway.start()

        def turns():
            """{node: state} of the gateways running, once one bridges and the rest stand by."""
            states = {node: bridge_state(gateway)["state"] for node, gateway in gateways.items()
                      if gateway.process.poll() is None}
            bridging = [node for node, state in states.items() if state == "connected"]
            standing = [node for node, state in states.items() if state == "standby"]
            return states if len(bridging) == 1 and len(standing) == len(states) - 1 else None

        def crossing_once(bridging, standing):
            """A publication from a client of the gateway standing by reaches the broker once
            (retained when its sender retained it); one from the broker reaches a subscriber of
            each gateway once."""
            mqtt = Subscriber(broker, "home/#")
            self.addCleanup(mqtt.close)
            readers = []
            for gateway in (bridging, standing):
                reader = WebSocketClient(gateway, "reader")
                self.addCleanup(reader.close)
                reader.request(message("subscribe", topic="home/#"))
                readers.append(reader)
            time.sleep(0.2)  # the readers' subscriptions reach NATS
            sensor = UdpClient(standing, "sensor")
            self.addCleanup(sensor.close)
            text = f"out {time.monotonic()}"
            sensor.request(message("publish", topic="home/out", text=text))
            self.assertEqual([m["payload"] for m in mqtt.all_for(1.5)], [text])
            broker.publish("home/in", "in")
            for reader in readers:
                texts = [reader.next_delivery()["text"] for _ in range(2)]
                self.assertEqual(texts, [text, "in"])
                reader.ws.settimeout(0.5)
                with self.assertRaises(Exception):  # once: no second copy of either
                    reader.ws.recv()
            # Retained by its sender, it is retained on the broker too, though it reached the
            # bridge over NATS: a later MQTT subscriber gets it, flagged retained.
            exported = bridge_state(bridging)["exported"]
            reply = sensor.request(message("publish", topic="home/config", retain=True,
                                           data={"unit": "C"}))
            self.assertTrue(reply["data"]["retained"], reply)
            wait_until(lambda: bridge_state(bridging)["exported"] > exported, "the export")
            later = Subscriber(broker, "home/config")
            self.addCleanup(later.close)
            kept = later.next(topic="home/config")
            self.assertEqual((kept["retain"], json.loads(kept["payload"])), (1, {"unit": "C"}))

        states = wait_until(turns, "one gateway bridges, the other stands by")
        first = next(node for node, state in states.items() if state == "connected")
        second = "b" if first == "a" else "a"
        # Which gateway bridges, once the cluster has answered each (a round a second).
        for gateway in gateways.values():
            bridge_state_when(gateway, lambda state: state["runs_on"] == first,
                              f"the bridge is said to run on {first}")
        standby = health(gateways[second])
        self.assertEqual(standby["status"], "ok", standby)  # standing by is no fault
        self.assertEqual(standby["mqtt"][0]["state"], "standby")
        self.assertIsNone(standby["mqtt"][0]["problem"])
        crossing_once(gateways[first], gateways[second])

        # A clean stop hands the bridge over at once.
        self.assertEqual(gateways[first].stop(), 0, gateways[first].stderr()[-4000:])
        wait_until(lambda: bridge_state(gateways[second])["state"] == "connected",
                   "the other gateway took the bridge over")
        # Back, the first stands by; killed, the second hands over once its lease runs out.
        gateways[first].start()
        wait_until(lambda: (turns() or {}).get(first) == "standby", "the first stands by")
        gateways[second].process.kill()
        gateways[second].process.wait()
        wait_until(lambda: bridge_state(gateways[first])["state"] == "connected",
                   "the first took the bridge over from the killed one", timeout=30)
        survivor = gateways[first]
        mqtt = Subscriber(broker, "home/#")
        self.addCleanup(mqtt.close)
        reader = WebSocketClient(survivor, "survivor")
        self.addCleanup(reader.close)
        reader.request(message("subscribe", topic="home/in"))  # not home/config, retained
        broker.publish("home/in", "after")
        self.assertEqual(reader.next_delivery()["text"], "after")
        reader.request(message("publish", topic="home/out", text="from the survivor"))
        self.assertEqual(mqtt.next(topic="home/out")["payload"], "from the survivor")
        self.assertEqual(survivor.stop(), 0, survivor.stderr()[-4000:])


class BrokerAway(unittest.TestCase):
    """The broker is away at the start, comes, goes and comes back: gw serves throughout, says
    so in /healthz, and what was published meanwhile waits in the bounded queue."""

    def test_broker_away_at_start_then_stopped_and_restarted(self):
        broker = Mosquitto(persistent=True)
        self.addCleanup(broker.close)
        gateway = Gateway(config_text=bridge_config(
            broker.url, name="flaky", export=["home/#"], qos=1, queue=5, retry_max=2))
        self.addCleanup(gateway.close)
        gateway.start()
        # Away at the start: degraded, and everything else works.
        state = health(gateway)
        self.assertEqual(state["status"], "degraded")
        self.assertNotEqual(state["mqtt"][0]["state"], "connected")
        sensor = UdpClient(gateway, "sensor")
        self.addCleanup(sensor.close)
        reply = sensor.request(message("publish", topic="garden/t", text="x"))
        self.assertEqual(reply["code"], 200)
        broker.start()
        wait_connected(gateway)
        self.assertEqual(health(gateway)["status"], "ok")
        # A subscriber whose session (QoS 1) the broker keeps across its restart.
        mqtt = Subscriber(broker, "home/#", session="gwtest-flaky-watcher")
        self.addCleanup(mqtt.close)
        sensor.request(message("publish", topic="home/t", text="before"))
        self.assertEqual(mqtt.next(topic="home/t")["payload"], "before")
        broker.stop()
        bridge_state_when(gateway, lambda state: state["state"] != "connected",
                          "the bridge lost the broker")
        self.assertEqual(health(gateway)["status"], "degraded")
        self.assertIn("flaky", health(gateway)["mqtt"][0]["name"])
        # Eight while it is away: the queue holds five, the three oldest are dropped and counted.
        for n in range(8):
            reply = sensor.request(message("publish", topic="home/t", text=f"away {n}"))
            self.assertEqual(reply["code"], 200, reply)
        state = bridge_state_when(gateway, lambda state: state["export_queue"] == 5, "five queued")
        self.assertEqual(state["export_dropped"], 3)
        self.assertEqual(gateway.metric("gw_mqtt_export_dropped_total", bridge="flaky"), 3)
        self.assertEqual(gateway.metric("gw_mqtt_connected", bridge="flaky"), 0)
        broker.start()
        wait_connected(gateway)
        got = []
        while len(got) < 5:
            payload = mqtt.next(topic="home/t", timeout=TIMEOUT + 5)["payload"]
            # QoS 1 is at least once: the broker hands "before" over again when the
            # subscriber's acknowledgement had not reached it when it stopped.
            if payload != "before":
                got.append(payload)
        self.assertEqual(got, [f"away {n}" for n in range(3, 8)])
        self.assertEqual(bridge_state(gateway)["export_queue"], 0)
        self.assertEqual(gateway.stop(), 0)


class SilentBroker(unittest.TestCase):
    def test_a_broker_that_never_answers_holds_up_nothing(self):
        # A listener that takes connections and says nothing, as a hung broker does.
        import socket
        silent = socket.socket()
        self.addCleanup(silent.close)
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        gateway = Gateway(config_text=bridge_config(f"mqtt://127.0.0.1:{port}", name="silent",
                                                    export=["home/#"], keepalive=5))
        self.addCleanup(gateway.close)
        gateway.start()
        sensor = UdpClient(gateway, "sensor")
        self.addCleanup(sensor.close)
        self.assertEqual(sensor.request(message("publish", topic="home/t", text="x"))["code"], 200)
        self.assertEqual(health(gateway)["status"], "degraded")
        self.assertEqual(gateway.stop(), 0)  # within the test's bound, not killed


class Credentials(unittest.TestCase):
    def test_a_refused_password_is_a_clear_error_naming_the_bridge(self):
        broker = Mosquitto(users={"gw": "right horse battery"})
        self.addCleanup(broker.close)
        broker.start()
        gateway = Gateway(config_text=bridge_config(
            broker.url, name="locked", username="gw", password_file="mqtt-password",
            export=["home/#"]))
        self.addCleanup(gateway.close)
        exits_cleanly(self, gateway)
        password = os.path.join(gateway.data_dir, "mqtt-password")
        with open(password, "w") as f:
            f.write("wrong staple\n")
        os.chmod(password, 0o600)
        gateway.start()
        problem = wait_until(lambda: bridge_state(gateway)["problem"], "the refusal")
        self.assertIn("refused", problem)
        self.assertIn("username and password_file", problem)
        self.assertEqual(bridge_state(gateway)["state"], "refused")
        self.assertEqual(health(gateway)["status"], "degraded")
        self.assertEqual(gateway.stop(), 0)
        self.assertRegex(gateway.stderr() + gateway.stdout(), r"mqtt bridge 'locked'.*refused")
        # The right one connects.
        with open(password, "w") as f:
            f.write("right horse battery\n")
        gateway.start()
        wait_connected(gateway)

    def test_a_password_file_others_can_read_stops_the_start(self):
        gateway = Gateway(config_text=bridge_config(
            "mqtt://127.0.0.1:1", username="gw", password_file="open-password",
            export=["home/#"]))
        self.addCleanup(gateway.close)
        with open(os.path.join(gateway.data_dir, "open-password"), "w") as f:
            f.write("secret\n")
        os.chmod(os.path.join(gateway.data_dir, "open-password"), 0o644)
        with self.assertRaises(RuntimeError) as failed:
            gateway.start()
        self.assertIn("password_file", str(failed.exception))
        self.assertIn("chmod", str(failed.exception))


class Tls(unittest.TestCase):
    def test_tls_to_the_broker_with_a_test_ca(self):
        broker = Mosquitto()
        self.addCleanup(broker.close)
        broker.tls = TestCertificates(broker.directory)
        broker.start()
        url = f"mqtts://127.0.0.1:{broker.port}"  # the certificate names the address too
        trusting = Gateway(config_text=bridge_config(url, name="tls", ca_file=broker.tls.ca,
                                                     export=["home/#"]))
        self.addCleanup(trusting.close)
        exits_cleanly(self, trusting)
        trusting.start()
        wait_connected(trusting)
        mqtt = Subscriber(broker, "home/#")
        self.addCleanup(mqtt.close)
        sensor = UdpClient(trusting, "sensor")
        self.addCleanup(sensor.close)
        sensor.request(message("publish", topic="home/tls", data={"over": "tls"}))
        self.assertEqual(json.loads(mqtt.next(topic="home/tls")["payload"]), {"over": "tls"})
        # A gateway that trusts another CA never connects, and says so.
        doubting = Gateway(config_text=bridge_config(url, name="doubting",
                                                     ca_file=broker.tls.other_ca,
                                                     export=["home/#"]))
        self.addCleanup(doubting.close)
        exits_cleanly(self, doubting)
        doubting.start()
        state = bridge_state_when(doubting, lambda state: state["state"] == "disconnected",
                                  "the failure")
        self.assertIn("certificate verify failed", state["problem"])
        self.assertEqual(health(doubting)["status"], "degraded")


class Permissions(unittest.TestCase):
    """The bridge speaks as a device of the devices file: its permissions apply to what it
    imports and exports."""

    def test_a_bridge_device_imports_only_where_it_may_publish(self):
        broker = Mosquitto()
        self.addCleanup(broker.close)
        broker.start()
        gateway = Gateway(config_text=bridge_config(
            broker.url, name="zigbee", device="zigbee-bridge", export=["home/#"],
            **{"import": ["zigbee2mqtt/#", "other/#"]}))
        self.addCleanup(gateway.close)
        exits_cleanly(self, gateway)
        key = Fernet.generate_key().decode()
        gateway.write_devices(f'[[device]]\nname = "zigbee-bridge"\nkey = "{key}"\n'
                              f'publish = ["zigbee2mqtt/#"]\nsubscribe = ["home/#"]\n')
        gateway.start()
        wait_connected(gateway)
        browser = WebSocketClient(gateway, "browser")
        self.addCleanup(browser.close)
        browser.request(message("subscribe", topic="#"))
        broker.publish("other/x", "not allowed")
        broker.publish("zigbee2mqtt/y", "allowed")
        delivered = browser.next_delivery()
        self.assertEqual(delivered["text"], "allowed")
        self.assertEqual(delivered["userID"], "zigbee-bridge")
        wait_until(lambda: bridge_state(gateway)["import_refused"] >= 1, "the refusal counted")
        self.assertEqual(gateway.metric("gw_mqtt_import_refused_total", bridge="zigbee"), 1)
        # The device removed: the bridge is refused too, and never falls back to the shared key.
        gateway.write_devices("")
        problem = wait_until(lambda: bridge_state(gateway)["problem"], "the device gone")
        self.assertIn("device 'zigbee-bridge' is no longer in the devices file", problem)
        skipped = bridge_state(gateway)["import_skipped"]
        broker.publish("zigbee2mqtt/y", "after removal")
        wait_until(lambda: bridge_state(gateway)["import_skipped"] > skipped, "skipped")
        self.assertEqual(health(gateway)["status"], "degraded")
        browser.ws.settimeout(0.5)
        with self.assertRaises(Exception):
            browser.ws.recv()

    def test_a_bridge_naming_an_unknown_device_stops_the_start(self):
        gateway = Gateway(config_text=bridge_config("mqtt://127.0.0.1:1", device="nobody",
                                                    export=["home/#"]))
        self.addCleanup(gateway.close)
        with self.assertRaises(RuntimeError) as failed:
            gateway.start()
        self.assertIn("device 'nobody' is not in the devices file", str(failed.exception))


if __name__ == "__main__":
    unittest.main()
