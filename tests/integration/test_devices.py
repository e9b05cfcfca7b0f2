"""Every device its own key: the real gatewayd with a devices file, driven by Python's stock
`cryptography` with each device's key, over all four transports. The key a token is under is who
sent it; what a device may publish, subscribe to, send and run is what its entry allows, and
nothing wider; its name is its own; removing it or changing its permissions acts at once on its
live sessions."""
import json
import os
import signal
import socket
import time
import tomllib
import unittest

import websocket
from cryptography.fernet import Fernet, InvalidToken

from gateway_support import TIMEOUT, Gateway, gwctl, message, wait_until
from session_clients import CLIENT_CLASSES, HttpClient, TcpClient, UdpClient, WebSocketClient

SENSOR_KEY = Fernet.generate_key().decode()
PANEL_KEY = Fernet.generate_key().decode()
SENSOR = Fernet(SENSOR_KEY)
PANEL = Fernet(PANEL_KEY)


def device_entry(name, key, **fields):
    lines = ["[[device]]", f'name = "{name}"', f'key = "{key}"']
    for field, value in fields.items():
        lines.append(f"{field} = {json.dumps(value)}")
    return "\n".join(lines) + "\n\n"


SENSOR_ENTRY = device_entry("kitchen-sensor", SENSOR_KEY, publish=["home/kitchen/#"],
                            subscribe=["home/kitchen/#"], description="above the oven")
PANEL_ENTRY = device_entry("wall-panel", PANEL_KEY, send=["kitchen-sensor"],
                           commands=["broadcast", "ask", "clients"], requestables=["time"],
                           subscribe=["home/#"])


def as_device(cls, gateway, name, key):
    """A session of `cls`'s transport under a device's key (a WebSocket greeted as the device)."""
    if cls is WebSocketClient:
        return cls(gateway, name, fernet=key, device=name)
    return cls(gateway, name, fernet=key)


class DeviceGatewayCase(unittest.TestCase):
    """A gateway whose devices file holds the kitchen sensor and the wall panel; each test class
    starts its own, so that a test changing the file changes nothing of another's."""
    devices_text = SENSOR_ENTRY + PANEL_ENTRY
    gateway_args = ("--admin-key", "open sesame 123")

    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway(*cls.gateway_args)
        cls.addClassCleanup(cls.gateway.close)
        cls.gateway.write_devices(cls.devices_text)
        cls.gateway.start()

    @classmethod
    def tearDownClass(cls):
        if cls.gateway.stop() != 0:
            raise AssertionError("gatewayd did not exit cleanly")

    def setUp(self):
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.close()

    def keep(self, client):
        self.clients.append(client)
        return client


class PermissionsOnEveryTransport(DeviceGatewayCase):
    def test_a_device_publishes_where_it_may_and_gets_403_elsewhere(self):
        listener = self.keep(WebSocketClient(self.gateway, "listener"))
        self.assertEqual(listener.request(message("subscribe", topic="home/#"))["code"], 200)
        for cls in CLIENT_CLASSES:
            with self.subTest(transport=cls.transport):
                sensor = self.keep(as_device(cls, self.gateway, "kitchen-sensor", SENSOR))
                self.assertEqual(sensor.opening["code"], 200)
                self.assertEqual(sensor.name, "kitchen-sensor")
                ok = sensor.request(message("publish", topic="home/kitchen/temperature",
                                            data={"celsius": 21.5}))
                self.assertEqual(ok["code"], 200, ok)
                got = listener.next_delivery()
                # Who sent it is the key's device, whatever the token's userID said.
                self.assertEqual((got["userID"], got["from"], got["topic"]),
                                 ("kitchen-sensor", sensor.id, "home/kitchen/temperature"))
                refused = sensor.request(message("publish", topic="home/garage/x", text="open"))
                self.assertEqual((refused["code"], refused["cmd"]), (403, "error"))
                self.assertEqual(refused["text"],
                                 "device 'kitchen-sensor' may not publish to 'home/garage/x': its "
                                 "publish permission allows home/kitchen/#")
                wide = sensor.request(message("subscribe", topic="home/#"))
                self.assertEqual(wide["code"], 403)
                self.assertIn("may not subscribe to 'home/#'", wide["text"])
                self.assertIn("wider than allowed is refused, not narrowed", wide["text"])
                narrow = sensor.request(message("subscribe", topic="home/kitchen/+/set"))
                self.assertEqual(narrow["code"], 200, narrow)
                me = sensor.request(message("whoami"))
                self.assertTrue(me["data"]["device"])
                self.assertEqual(me["data"]["permissions"]["publish"], ["home/kitchen/#"])
                sensor.request(message("bye"))
        self.assertGreaterEqual(self.gateway.metric_reaches(
            "gw_permission_refusals_total", 4, device="kitchen-sensor", permission="publish"), 4)
        self.assertGreaterEqual(self.gateway.metric(
            "gw_permission_refusals_total", device="kitchen-sensor", permission="subscribe"), 4)

    def test_a_device_without_a_session_is_itself_too(self):
        # Session-less over HTTP and UDP: still the device, by its key.
        response = self.gateway.post(self.gateway.encrypt(
            message("publish", topic="home/garage/door", text="x", user="someone-else"), SENSOR))
        self.assertEqual(response.status_code, 403)
        reply = self.gateway.decrypt(response.content, SENSOR)
        self.assertIn("device 'kitchen-sensor' may not publish", reply["text"])
        with self.gateway.udp_socket() as sock:
            sock.sendto(self.gateway.encrypt(message("ping", id="u1"), SENSOR),
                        self.gateway.udp_address)
            data, _ = sock.recvfrom(65536)
        # The reply is under the device's key, not the shared one.
        self.assertEqual(self.gateway.decrypt(data, SENSOR)["text"], "pong")
        with self.assertRaises(InvalidToken):
            self.gateway.decrypt(data)

    def test_commands_sends_and_reads_are_what_the_entry_lists(self):
        sensor = self.keep(as_device(HttpClient, self.gateway, "kitchen-sensor", SENSOR))
        panel = self.keep(as_device(WebSocketClient, self.gateway, "wall-panel", PANEL))
        clients = sensor.request(message("clients"))
        self.assertEqual(clients["code"], 403)
        self.assertEqual(clients["text"], "device 'kitchen-sensor' may not run 'clients': its "
                                          "commands permission allows nothing")
        self.assertEqual(panel.request(message("clients"))["code"], 200)
        self.assertEqual(sensor.request(message("broadcast", text="hi"))["code"], 403)
        self.assertEqual(sensor.request(message("", text="hi all"))["code"], 403)  # chat to all
        self.assertEqual(sensor.request(message("send", to="wall-panel", text="x"))["code"], 403)
        sent = panel.request(message("send", to="kitchen-sensor", text="lights off"))
        self.assertEqual(sent["code"], 200, sent)
        self.assertEqual(sensor.next_delivery()["text"], "lights off")
        # By its session id too: the name is what the permission lists.
        self.assertEqual(panel.request(message("send", to=sensor.id, text="again"))["code"], 200)
        self.assertEqual(panel.request(message("send", to="listener", text="x"))["code"], 403)
        self.assertEqual(sensor.request(message("get", args="time"))["code"], 403)
        self.assertEqual(panel.request(message("get", args="time"))["code"], 200)
        stats = panel.request(message("get", args="stats"))
        self.assertEqual(stats["code"], 403)
        self.assertIn("requestables permission allows time", stats["text"])
        kick = panel.request(message("kick", args="kitchen-sensor"))
        self.assertEqual(kick["code"], 403)
        self.assertIn("needs admin permission", kick["text"])

    def test_a_devices_name_is_its_own(self):
        sensor = self.keep(as_device(TcpClient, self.gateway, "kitchen-sensor", SENSOR))
        renamed = sensor.request(message("rename", args="oven"))
        self.assertEqual(renamed["code"], 403)
        self.assertEqual(renamed["text"],
                         "device 'kitchen-sensor' keeps its name: a device's name is set by the "
                         "devices file")
        # A shared-key client cannot take it, by handshake, by rename or in its userID.
        other = self.keep(HttpClient(self.gateway, "kitchen-sensor"))
        self.assertNotEqual(other.name, "kitchen-sensor")
        taken = other.request(message("rename", args="kitchen-sensor"))
        self.assertEqual(taken["code"], 409)
        self.assertIn("is a device's", taken["text"])
        listener = self.keep(WebSocketClient(self.gateway, "watcher"))
        listener.request(message("subscribe", topic="home/kitchen/#"))
        status, _ = self.gateway.http_request(
            message("publish", topic="home/kitchen/fake", text="21", user="kitchen-sensor"))
        self.assertEqual(status, 200)
        fake = listener.next_delivery()
        self.assertEqual((fake["from"], fake["userID"]), ("anonymous", "anonymous"))
        # Nor can it use the device's session with the shared key.
        device_session = self.keep(as_device(HttpClient, self.gateway, "kitchen-sensor", SENSOR))
        stolen = self.gateway.post(self.gateway.encrypt(message("whoami", token=device_session.token)))
        self.assertEqual(stolen.status_code, 403)
        self.assertIn("belongs to device 'kitchen-sensor'", self.gateway.decrypt(stolen.content)["text"])
        # A connection that spoke as the device stays the device's.
        mixed = sensor.request(message("ping"))
        self.assertEqual(mixed["code"], 200)
        sensor.fernet = self.gateway.fernet
        refused = sensor.request(message("ping"))
        self.assertEqual(refused["code"], 403)
        self.assertIn("this connection belongs to device 'kitchen-sensor'", refused["text"])

    def test_a_websocket_device_is_greeted_under_its_own_key(self):
        ws, welcome = self.gateway.websocket(device="kitchen-sensor", fernet=SENSOR)
        ws.close()
        self.assertEqual(welcome["cmd"], "welcome")
        ws, welcome = self.gateway.websocket()  # the original clients: the shared key
        ws.close()
        self.assertEqual(welcome["cmd"], "welcome")
        # A name that is no device's: a welcome nobody can read, telling nothing.
        ws = websocket.create_connection(self.gateway.ws_url + "?device=nobody", timeout=TIMEOUT)
        try:
            frame = ws.recv()
        finally:
            ws.close()
        for key in (self.gateway.fernet, SENSOR, PANEL):
            with self.assertRaises(InvalidToken):
                key.decrypt(frame.encode())


class Revocation(DeviceGatewayCase):
    def test_removing_a_device_closes_it_at_once_and_refuses_its_tokens(self):
        ws = self.keep(as_device(WebSocketClient, self.gateway, "kitchen-sensor", SENSOR))
        http = self.keep(as_device(HttpClient, self.gateway, "kitchen-sensor", SENSOR))
        udp = self.keep(as_device(UdpClient, self.gateway, "kitchen-sensor", SENSOR))
        self.assertEqual(ws.request(message("ping"))["code"], 200)
        self.gateway.write_devices(PANEL_ENTRY)
        removed_at = time.monotonic()
        self.gateway.process.send_signal(signal.SIGHUP)
        # The WebSocket hears why, then is closed, within a second.
        ws.ws.settimeout(1.0)
        notice = self.gateway.decrypt(ws.ws.recv(), SENSOR)
        self.assertEqual(notice["cmd"], "kick")
        with self.assertRaises((websocket.WebSocketConnectionClosedException, ConnectionError,
                                socket.timeout, OSError)):
            while True:
                if not ws.ws.recv():
                    raise ConnectionError("closed")
        self.assertLess(time.monotonic() - removed_at, 1.0)
        # Its next HTTP token is refused: no key of the gateway's is its key now.
        response = self.gateway.post(self.gateway.encrypt(message("ping", token=http.token), SENSOR))
        self.assertEqual(response.status_code, 400)
        # The UDP session was told it ended, at its address; its next token gets silence, and is
        # counted as undecryptable.
        udp.sock.settimeout(TIMEOUT)
        self.assertEqual(self.gateway.decrypt(udp.sock.recvfrom(65536)[0], SENSOR)["cmd"], "kick")
        before = self.gateway.metric("gw_decode_failures_total", transport="udp", reason="bad_mac")
        udp.sock.sendto(self.gateway.encrypt(message("ping", token=udp.token), SENSOR),
                        self.gateway.udp_address)
        udp.sock.settimeout(0.5)
        with self.assertRaises(socket.timeout):
            udp.sock.recvfrom(65536)
        self.assertGreater(self.gateway.metric_reaches(
            "gw_decode_failures_total", before + 1, transport="udp", reason="bad_mac"), before)
        self.assertIn("1 removed", self.gateway.stderr())


class PermissionChange(DeviceGatewayCase):
    def test_a_permission_taken_away_drops_the_subscription_live(self):
        panel = self.keep(as_device(WebSocketClient, self.gateway, "wall-panel", PANEL))
        self.assertEqual(panel.request(message("subscribe", topic="home/garage/#"))["code"], 200)
        self.assertEqual(panel.request(message("subscribe", topic="home/kitchen/#"))["code"], 200)
        # Only the kitchen now: edited on disk, and noticed without a signal.
        self.gateway.write_devices(SENSOR_ENTRY + PANEL_ENTRY.replace(
            'subscribe = ["home/#"]', 'subscribe = ["home/kitchen/#"]'))
        notice = self._next_notice(panel)
        self.assertEqual(notice["cmd"], "unsubscribe")
        self.assertEqual(notice["data"]["topics"], ["home/garage/#"])
        me = panel.request(message("whoami"))
        self.assertEqual(me["data"]["subscriptions"], ["home/kitchen/#"])
        self.assertEqual(me["data"]["permissions"]["subscribe"], ["home/kitchen/#"])
        # Only the kitchen's publication reaches it now, the garage's first one not.
        self.assertEqual(self.gateway.http_request(
            message("publish", topic="home/garage/door", text="1"))[0], 200)
        self.assertEqual(self.gateway.http_request(
            message("publish", topic="home/kitchen/t", text="2"))[0], 200)
        self.assertEqual(panel.next_delivery()["text"], "2")
        # And a subscribe the old permission allowed is refused now.
        self.assertEqual(panel.request(message("subscribe", topic="home/garage/#"))["code"], 403)

    def _next_notice(self, client):
        """The gateway's own next message to `client` (it has no "from")."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            received = client._receive(deadline - time.monotonic())
            if "from" not in received:
                return received
            client.deliveries.append(received)
        raise AssertionError("no notice from the gateway")


class Enrollment(DeviceGatewayCase):
    """gwctl device ...: the admin's way to the devices file while the gateway runs."""
    devices_text = SENSOR_ENTRY

    def gwctl(self, *args):
        admin_key = os.path.join(self.gateway.data_dir, "admin.key")
        if not os.path.exists(admin_key):
            with open(admin_key, "w") as f:
                f.write("open sesame 123\n")
            os.chmod(admin_key, 0o600)
        return gwctl("device", *args, "--url", f"tcp://127.0.0.1:{self.gateway.ready['tcp']}",
                     "--key-file", self.gateway.ready["key_file"], "--admin-key-file", admin_key)

    def test_a_device_added_prints_its_key_once_and_works_with_stock_cryptography(self):
        added = self.gwctl("add", "porch-light", "--subscribe", "home/porch/#", "--publish",
                           "home/porch/light/state", "--description", "by the door")
        self.assertEqual(added.returncode, 0, added.stderr)
        key = added.stdout.split("keep it secret):\n  ", 1)[1].split("\n", 1)[0]
        self.assertEqual(len(key), 44)
        self.assertIn(f"/#device=porch-light&key={key}", added.stdout)
        light = Fernet(key)
        # In force before the reply: the new key is the device at once.
        client = self.keep(as_device(WebSocketClient, self.gateway, "porch-light", light))
        self.assertEqual(client.name, "porch-light")
        ok = client.request(message("publish", topic="home/porch/light/state", text="on"))
        self.assertEqual(ok["code"], 200, ok)
        self.assertEqual(client.request(message("publish", topic="home/porch/x"))["code"], 403)
        listed = json.loads(self.gwctl("list", "--json").stdout)
        self.assertEqual(sorted(d["name"] for d in listed["data"]), ["kitchen-sensor", "porch-light"])
        shown = self.gwctl("show", "porch-light")
        self.assertIn("by the door", shown.stdout)
        self.assertNotIn(key, shown.stdout + listed.__repr__())  # never shown again
        with open(os.path.join(self.gateway.data_dir, "devices.toml")) as f:
            written = f.read()
        self.assertTrue(written.startswith(SENSOR_ENTRY.rstrip()))  # the rest left as it was
        self.assertEqual(os.stat(os.path.join(self.gateway.data_dir, "devices.toml")).st_mode & 0o777,
                         0o600)
        # Rotated: the old key stops at once, the new one works.
        rotated = self.gwctl("rotate", "porch-light")
        self.assertEqual(rotated.returncode, 0, rotated.stderr)
        new_key = rotated.stdout.split("keep it secret):\n  ", 1)[1].split("\n", 1)[0]
        response = self.gateway.post(self.gateway.encrypt(message("ping"), light))
        self.assertEqual(response.status_code, 400)
        response = self.gateway.post(self.gateway.encrypt(message("ping"), Fernet(new_key)))
        self.assertEqual(response.status_code, 200)
        # Removed: gone, and its name is anyone's again.
        removed = self.gwctl("remove", "porch-light")
        self.assertEqual(removed.returncode, 0, removed.stderr)
        response = self.gateway.post(self.gateway.encrypt(message("ping"), Fernet(new_key)))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.gwctl("remove", "porch-light").returncode, 1)

    def test_device_commands_refuse_what_cannot_be(self):
        taken = self.gwctl("add", "kitchen-sensor")
        self.assertEqual(taken.returncode, 1)
        self.assertIn("a second device of this name", taken.stderr)
        bad = self.gwctl("add", "lamp", "--subscribe", "home/#/x")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("subscribe entry 'home/#/x'", bad.stderr)
        unknown = self.gwctl("add", "lamp", "--command", "frobnicate")
        self.assertIn("'frobnicate' is not a command of this gateway", unknown.stderr)
        # Nothing was written by the refusals.
        with open(os.path.join(self.gateway.data_dir, "devices.toml"), "rb") as f:
            self.assertEqual([d["name"] for d in tomllib.load(f)["device"]], ["kitchen-sensor"])
        # Without admin: refused.
        plain = gwctl("device", "list", "--url", f"tcp://127.0.0.1:{self.gateway.ready['tcp']}",
                      "--key-file", self.gateway.ready["key_file"])
        self.assertEqual(plain.returncode, 1)
        self.assertIn("needs admin permission", plain.stderr)


class BadDevicesFile(unittest.TestCase):
    def start_with(self, text, *args, mode=0o600):
        gateway = Gateway(*args)
        self.addCleanup(gateway.close)
        path = gateway.write_devices(text)
        os.chmod(path, mode)
        return gateway

    def refused_start(self, gateway):
        with self.assertRaises(RuntimeError) as failed:
            gateway.start()
        return str(failed.exception)

    def test_a_start_with_a_broken_file_says_which_entry_and_line(self):
        duplicate = self.start_with(SENSOR_ENTRY + device_entry("kitchen-sensor", PANEL_KEY))
        second = SENSOR_ENTRY.count("\n") + 1
        self.assertIn(f"line {second} (device 'kitchen-sensor'): a second device of this name (the "
                      "first is at line 1)", self.refused_start(duplicate))
        loose = self.start_with(SENSOR_ENTRY, mode=0o644)
        self.assertIn("chmod 600", self.refused_start(loose))
        unknown = self.start_with(device_entry("x", SENSOR_KEY, commands=["frobnicate"]))
        self.assertIn("device 'x' (line 1 of the devices file): commands entry 'frobnicate' is "
                      "not a command of this gateway", self.refused_start(unknown))
        admin_only = self.start_with(device_entry("x", SENSOR_KEY, commands=["kick"]))
        self.assertIn("is an admin command", self.refused_start(admin_only))

    def test_a_reload_of_a_broken_file_keeps_the_devices_in_use(self):
        gateway = self.start_with(SENSOR_ENTRY)
        gateway.start()
        gateway.write_devices(SENSOR_ENTRY + device_entry("broken", "not-a-key"))
        gateway.process.send_signal(signal.SIGHUP)
        wait_until(lambda: "kept the devices in use" in gateway.stderr(), "the error logged")
        self.assertIn("(device 'broken'): the key is not a Fernet key", gateway.stderr())
        sensor = as_device(HttpClient, gateway, "kitchen-sensor", SENSOR)
        self.addCleanup(sensor.close)
        self.assertEqual(sensor.opening["code"], 200)


class ReloadCommand(DeviceGatewayCase):
    def test_reload_returns_the_error_of_a_broken_file_and_changes_nothing(self):
        admin = self.keep(HttpClient(self.gateway, "operator"))
        self.assertEqual(admin.request(message("auth", args="open sesame 123"))["code"], 200)
        self.gateway.write_devices(SENSOR_ENTRY + device_entry("kitchen-sensor", PANEL_KEY))
        reply = admin.request(message("reload"))
        self.assertEqual(reply["code"], 400, reply)
        self.assertIn("a second device of this name", reply["text"])
        panel = self.keep(as_device(HttpClient, self.gateway, "wall-panel", PANEL))
        self.assertEqual(panel.opening["code"], 200)
        self.gateway.write_devices(SENSOR_ENTRY)
        reply = admin.request(message("reload"))
        self.assertEqual(reply["code"], 200, reply)
        self.assertIn("1 removed", reply["text"])


class SharedKeySettings(unittest.TestCase):
    def test_the_shared_keys_permissions_come_from_the_config(self):
        gateway = Gateway(config_text='[shared_key]\npublish = ["public/#"]\ncommands = []\n')
        self.addCleanup(gateway.close)
        gateway.start()
        status, reply = gateway.http_request(message("publish", topic="home/x", text="1"))
        self.assertEqual(status, 403)
        self.assertEqual(reply["text"],
                         "the shared key may not publish to 'home/x': its publish permission "
                         "([shared_key] in the configuration) allows public/#")
        self.assertEqual(gateway.http_request(message("publish", topic="public/x"))[0], 200)
        self.assertEqual(gateway.http_request(message("clients"))[0], 403)
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)
        self.assertEqual(gateway.stop(), 0)

    def test_a_gateway_for_devices_only_refuses_the_shared_key(self):
        gateway = Gateway("--shared-key", "false")
        self.addCleanup(gateway.close)
        gateway.write_devices(SENSOR_ENTRY)
        gateway.start()
        response = gateway.post(gateway.encrypt(message("ping")))
        self.assertEqual(response.status_code, 400)
        self.assertIn("device's own key only", gateway.decrypt(response.content)["text"])
        response = gateway.post(gateway.encrypt(message("ping"), SENSOR))
        self.assertEqual(response.status_code, 200)
        self.assertIn("the shared key is refused", gateway.stdout())
        self.assertEqual(gateway.stop(), 0)


class AcrossARestart(unittest.TestCase):
    def test_a_devices_session_comes_back_as_its_own_and_goes_with_the_device(self):
        gateway = Gateway()
        self.addCleanup(gateway.close)
        gateway.write_devices(SENSOR_ENTRY + PANEL_ENTRY)
        gateway.start()
        sensor = as_device(HttpClient, gateway, "kitchen-sensor", SENSOR)
        panel = as_device(HttpClient, gateway, "wall-panel", PANEL)
        self.addCleanup(sensor.close)
        self.addCleanup(panel.close)
        gateway.stop(signal.SIGKILL)  # a crash: nothing is saved on the way out
        gateway.write_devices(SENSOR_ENTRY)  # the panel is gone meanwhile
        gateway.start()
        me = sensor.request(message("whoami"))
        self.assertEqual((me["code"], me["data"]["name"], me["data"]["id"]),
                         (200, "kitchen-sensor", sensor.id))
        self.assertTrue(me["data"]["device"])
        # The panel's session ended with it; its key is no key of the gateway's.
        response = gateway.post(gateway.encrypt(message("whoami", token=panel.token), PANEL))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(gateway.stop(), 0)


if __name__ == "__main__":
    unittest.main()
