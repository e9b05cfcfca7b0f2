"""What an attacker on the LAN tried, each finding as it was found, now refused or survived on the
real gatewayd: captured tokens sent again, numbers out of range, deep nesting, silent sockets,
floods. Third-party clients only (cryptography, requests, websocket-client, socket)."""
import json
import resource
import selectors
import socket
import time
import unittest
from contextlib import closing, ExitStack

import requests
import websocket

from gateway_support import TIMEOUT, Gateway, GatewayTestCase, message
from session_clients import HttpClient, TcpClient, WebSocketClient

ADMIN_KEY = "the operator's own admin key"
OUT_OF_RANGE = '{"userID": "x", "cmd": "ping", "data": 1e309}'


def raise_open_file_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, wanted), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class BadJson(GatewayTestCase):
    """A message the JSON library cannot hold is a 400 (silence on UDP), and every transport goes
    on serving."""

    def token(self, text):
        return self.gateway.fernet.encrypt(text.encode())

    def assert_refused(self, reply, *words):
        self.assertEqual((reply["cmd"], reply["code"]), ("error", 400))
        for word in words:
            self.assertIn(word, reply["text"])

    def test_1e309_over_http_then_a_ping(self):
        response = self.gateway.post(self.token(OUT_OF_RANGE))
        self.assertEqual(response.status_code, 400)
        self.assert_refused(self.gateway.decrypt(response.content), "too large for a double")
        self.assertEqual(self.gateway.http_request(message("ping"))[1]["text"], "pong")

    def test_1e309_over_websocket_then_a_ping(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            ws.send(self.token(OUT_OF_RANGE).decode())
            self.assert_refused(self.gateway.decrypt(ws.recv()), "1e309")
            self.assertEqual(self.gateway.ws_request(ws, message("ping"))["text"], "pong")

    def test_1e309_over_tcp_then_a_ping(self):
        sock, lines = self.gateway.tcp_connection()
        with sock, lines:
            sock.sendall(self.token(OUT_OF_RANGE) + b"\n")
            self.assert_refused(self.gateway.decrypt(lines.readline()), "1e309")
            sock.sendall(self.gateway.encrypt(message("ping")) + b"\n")
            self.assertEqual(self.gateway.decrypt(lines.readline())["text"], "pong")

    def test_1e309_over_udp_then_a_ping(self):
        with self.gateway.udp_socket() as sock:
            sock.settimeout(0.5)
            sock.sendto(self.token(OUT_OF_RANGE), self.gateway.udp_address)
            with self.assertRaises(socket.timeout):
                sock.recvfrom(65536)
        # The listener (and discovery with it) still answers.
        self.assertEqual(self.gateway.udp_request(message("ping"))["text"], "pong")
        self.assertGreaterEqual(
            self.gateway.metric("gw_decode_failures_total", transport="udp", reason="not_json"), 1)


class DeepNesting(GatewayTestCase):
    # A message limit that lets a deep message through: the depth limit, not the size, stops it.
    gateway_args = ("--message-bytes", str(1024 * 1024))

    def test_90000_levels_with_a_1_mb_limit(self):
        deep = '{"cmd": "ping", "data": ' + "[" * 90000 + "]" * 90000 + "}"
        token = self.gateway.fernet.encrypt(deep.encode())
        self.assertLess(len(token), 1024 * 1024)
        response = self.gateway.post(token)
        self.assertEqual(response.status_code, 400)
        reply = self.gateway.decrypt(response.content)
        self.assertIn("deeper than 64 levels", reply["text"])
        sock, lines = self.gateway.tcp_connection()
        with sock, lines:
            sock.sendall(self.gateway.fernet.encrypt(deep.encode()) + b"\n")
            self.assertEqual(self.gateway.decrypt(lines.readline())["code"], 400)
        self.assertEqual(self.gateway.process.poll(), None, "the gateway died")
        self.assertEqual(self.gateway.http_request(message("ping"))[1]["text"], "pong")

    def test_nesting_within_the_limit_is_accepted(self):
        nested = {"cmd": "ping", "data": json.loads("[" * 60 + "]" * 60)}
        self.assertEqual(self.gateway.http_request(nested)[0], 200)


class Replays(GatewayTestCase):
    gateway_args = ("--admin-key", ADMIN_KEY)

    def test_a_publication_replayed_over_every_transport_is_delivered_once(self):
        subscriber = WebSocketClient(self.gateway, "door-watcher")
        self.addCleanup(subscriber.close)
        self.assertEqual(subscriber.request(message("subscribe", topic="home/door"))["code"], 200)
        captured = self.gateway.encrypt(message("publish", topic="home/door", text="open"))

        ws, _ = self.gateway.websocket()
        with closing(ws):
            ws.send(captured.decode())
            self.assertEqual(self.gateway.decrypt(ws.recv())["code"], 200)
        # The same bytes again: a new WebSocket, a new TCP connection, UDP and HTTP.
        ws, _ = self.gateway.websocket()
        with closing(ws):
            ws.send(captured.decode())
            refusal = self.gateway.decrypt(ws.recv())
        self.assertEqual((refusal["cmd"], refusal["code"]), ("error", 409))
        self.assertEqual(refusal["data"]["reason"], "replayed")
        self.assertIn("make a new token for every message", refusal["text"])
        sock, lines = self.gateway.tcp_connection()
        with sock, lines:
            sock.sendall(captured + b"\n")
            self.assertEqual(self.gateway.decrypt(lines.readline())["code"], 409)
        with self.gateway.udp_socket() as udp:
            udp.settimeout(0.5)
            udp.sendto(captured, self.gateway.udp_address)
            with self.assertRaises(socket.timeout):
                udp.recvfrom(65536)
        response = self.gateway.post(captured)
        self.assertEqual(response.status_code, 409)

        self.assertEqual(subscriber.next_delivery()["text"], "open")
        # A marker published after the replays arrives next: nothing else came in between.
        self.gateway.http_request(message("publish", topic="home/door", text="marker"))
        self.assertEqual(subscriber.next_delivery()["text"], "marker")
        for transport in ("websocket", "tcp", "udp", "http"):
            self.assertGreaterEqual(self.gateway.metric(
                "gw_replays_refused_total", transport=transport, reason="replayed"), 1, transport)

    def test_a_replayed_kick_kicks_once(self):
        admin = HttpClient(self.gateway, "operator")
        self.addCleanup(admin.close)
        self.assertEqual(admin.request(message("auth", args=ADMIN_KEY))["code"], 200)
        victim = TcpClient(self.gateway, "victim")
        self.addCleanup(victim.close)
        kick = self.gateway.encrypt(message("kick", args="victim", token=admin.token, id="k1"))
        response = self.gateway.post(kick)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(victim._receive(TIMEOUT)["cmd"], "kick")
        # The victim comes back under its name; the captured kick, sent three more times, fails.
        again = TcpClient(self.gateway, "victim")
        self.addCleanup(again.close)
        for _ in range(3):
            response = self.gateway.post(kick)
            self.assertEqual(response.status_code, 409)
            self.assertEqual(self.gateway.decrypt(response.content)["data"]["reason"], "replayed")
        self.assertEqual(again.request(message("ping"))["text"], "pong")


class ReplayWindow(unittest.TestCase):
    def test_a_full_guard_raises_its_horizon_and_refuses_older_tokens(self):
        gateway = Gateway("--replay-entries", "64")
        self.addCleanup(gateway.close)
        gateway.start()
        now = int(time.time())
        # Ten tokens a second for the last 40 seconds: far more than 64 can be remembered.
        for age in range(40, 0, -1):
            for n in range(10):
                body = json.dumps(message("ping", id=f"{age}-{n}")).encode()
                response = gateway.post(gateway.fernet.encrypt_at_time(body, now - age))
                self.assertIn(response.status_code, (200, 409))
        # A token never seen, but dated at the start of that traffic: behind the horizon.
        old = gateway.fernet.encrypt_at_time(json.dumps(message("ping")).encode(), now - 40)
        response = gateway.post(old)
        self.assertEqual(response.status_code, 409)
        reply = gateway.decrypt(response.content)
        self.assertEqual(reply["data"]["reason"], "before_window")
        self.assertIn("make a new token and send again", reply["text"])
        self.assertGreaterEqual(gateway.metric(
            "gw_replays_refused_total", transport="http", reason="before_window"), 1)
        # A token of now is served: the bound holds more than a second of this traffic.
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)

    def test_tokens_made_before_a_restart_are_refused_after_it(self):
        gateway = Gateway()
        self.addCleanup(gateway.close)
        gateway.start()
        made_before = gateway.encrypt(message("ping"))
        self.assertEqual(gateway.stop(), 0)
        time.sleep(1.1)  # the new start is a later second than the token's
        gateway.start()
        response = gateway.post(made_before)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(gateway.decrypt(response.content)["data"]["reason"], "before_window")
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)

    def test_with_the_guard_off_the_banner_warns_and_replays_are_served(self):
        gateway = Gateway("--replay-guard", "false")
        self.addCleanup(gateway.close)
        gateway.start()
        self.assertIn("replay guard off", gateway.stdout())
        token = gateway.encrypt(message("ping"))
        self.assertEqual([gateway.post(token).status_code for _ in range(2)], [200, 200])

    def test_ttl_0_is_named_in_the_banner(self):
        gateway = Gateway("--ttl", "0")
        self.addCleanup(gateway.close)
        gateway.start()
        self.assertIn("ttl 0 accepts tokens of any age", gateway.stdout())


class RateLimits(unittest.TestCase):
    def test_http_over_the_address_rate_gets_429_with_retry_after(self):
        gateway = Gateway("--address-rate", "5", "--address-burst", "5")
        self.addCleanup(gateway.close)
        gateway.start()
        statuses = []
        with requests.Session() as http:
            for _ in range(12):
                response = http.post(gateway.http_url + "/message",
                                     data=gateway.encrypt(message("ping")), timeout=TIMEOUT)
                statuses.append(response.status_code)
                if response.status_code == 429:
                    self.assertEqual(response.headers["Retry-After"], "1")
                    reply = gateway.decrypt(response.content)
                    self.assertIn("rate limit", reply["text"])
        self.assertIn(200, statuses)
        self.assertIn(429, statuses)
        self.assertGreaterEqual(gateway.metric(
            "gw_rate_limited_total", transport="http", limit="address"), 1)
        time.sleep(1.2)  # the bucket refills
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)

    def test_udp_over_the_address_rate_is_dropped_silently(self):
        gateway = Gateway("--address-rate", "5", "--address-burst", "5")
        self.addCleanup(gateway.close)
        gateway.start()
        answered = 0
        with gateway.udp_socket() as sock:
            sock.settimeout(0.3)
            for n in range(12):
                sock.sendto(gateway.encrypt(message("ping", id=str(n))), gateway.udp_address)
                try:
                    reply = gateway.decrypt(sock.recvfrom(65536)[0])
                    self.assertEqual(reply["text"], "pong")
                    answered += 1
                except socket.timeout:
                    pass
        self.assertLess(answered, 12)
        self.assertGreaterEqual(answered, 5)
        self.assertGreaterEqual(gateway.metric(
            "gw_rate_limited_total", transport="udp", limit="address"), 12 - answered)

    def session_flood(self, gateway, send, receive):
        """Sends 200 pings at once, then reads the replies until the gateway closes the
        connection; returns their codes."""
        try:
            for n in range(200):
                send(gateway.encrypt(message("ping", id=str(n))))
        except (ConnectionError, websocket.WebSocketConnectionClosedException, OSError):
            pass  # closed by the gateway before all were sent
        codes = []
        try:
            while True:
                codes.append(gateway.decrypt(receive())["code"])
        except (ConnectionError, websocket.WebSocketException, OSError, ValueError):
            pass  # closed, or (a failure the asserts then show) silent past the timeout
        return codes

    def test_websocket_and_tcp_over_the_session_rate_get_429_then_are_closed(self):
        gateway = Gateway("--session-rate", "5", "--session-burst", "5")
        self.addCleanup(gateway.close)
        gateway.start()
        ws, _ = gateway.websocket()
        with closing(ws):
            def receive_frame():
                frame = ws.recv()
                if not frame:  # the close frame
                    raise ConnectionError("closed")
                return frame
            codes = self.session_flood(gateway, lambda t: ws.send(t.decode()), receive_frame)
        self.assertEqual(codes[:5], [200] * 5)
        self.assertIn(429, codes)
        # Told, not answered one by one: at most ten refusals a second are answered.
        self.assertLess(len(codes), 200, "a client going on at twice its rate is closed")
        sock, lines = gateway.tcp_connection()
        with sock, lines:
            def receive():
                line = lines.readline()
                if not line:
                    raise ConnectionError("closed")
                return line
            codes = self.session_flood(gateway, lambda t: sock.sendall(t + b"\n"), receive)
        self.assertIn(429, codes)
        self.assertLess(len(codes), 200)
        for transport in ("websocket", "tcp"):
            self.assertGreaterEqual(gateway.metric(
                "gw_rate_limited_total", transport=transport, limit="session"), 1)
            self.assertGreaterEqual(gateway.metric_reaches(
                "gw_disconnects_total", 1, transport=transport, reason="rate_limit"), 1)
        self.assertIn("went on sending at twice its rate limit", gateway.stderr())
        # Others are served meanwhile.
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)

    def test_undecryptable_tokens_use_up_an_allowance_per_address(self):
        gateway = Gateway("--undecryptable-rate", "1", "--undecryptable-burst", "3")
        self.addCleanup(gateway.close)
        gateway.start()
        statuses = [gateway.post(b"garbage, not a token").status_code for _ in range(5)]
        self.assertEqual(statuses[:3], [400, 400, 400])
        self.assertEqual(statuses[3:], [429, 429])
        # Even an authentic token from that address waits until the allowance refills.
        self.assertEqual(gateway.post(gateway.encrypt(message("ping"))).status_code, 429)
        time.sleep(1.2)
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)


class ConnectionLimits(unittest.TestCase):
    def test_per_address_connection_limit(self):
        gateway = Gateway("--max-connections-per-address", "4")
        self.addCleanup(gateway.close)
        gateway.start()
        with ExitStack() as stack:
            for _ in range(4):
                stack.enter_context(socket.create_connection(gateway.tcp_address, timeout=TIMEOUT))
            refused = stack.enter_context(socket.create_connection(gateway.tcp_address,
                                                                   timeout=TIMEOUT))
            self.assertEqual(refused.recv(1), b"", "the fifth connection was not closed")
            # Another address is served.
            other = stack.enter_context(socket.create_connection(
                gateway.tcp_address, timeout=TIMEOUT, source_address=("127.0.0.2", 0)))
            other.sendall(gateway.encrypt(message("ping")) + b"\n")
            self.assertEqual(gateway.decrypt(other.makefile("rb").readline())["text"], "pong")
        self.assertGreaterEqual(gateway.metric_reaches(
            "gw_disconnects_total", 1, transport="tcp", reason="address_limit"), 1)

    def test_4500_silent_sockets_from_one_address(self):
        deadline = 3
        limit = raise_open_file_limit(6000)
        if limit < 5000:
            self.skipTest(f"the open file limit is {limit}; 4,500 sockets need more")
        gateway = Gateway("--admission-timeout", str(deadline))
        self.addCleanup(gateway.close)
        gateway.start()
        ports = [gateway.ready[name] for name in ("http", "ws", "tcp")]
        selector = selectors.DefaultSelector()
        silent = []
        opened = time.monotonic()
        try:
            for n in range(4500):
                sock = socket.socket()
                sock.setblocking(False)
                sock.bind(("127.0.0.2", 0))
                sock.connect_ex(("127.0.0.1", ports[n % 3]))
                silent.append(sock)
                selector.register(sock, selectors.EVENT_READ)
            # Meanwhile another address is served on every listener.
            self.assertEqual(gateway.http_request(message("ping"))[1]["text"], "pong")
            ws, _ = gateway.websocket()
            with closing(ws):
                self.assertEqual(gateway.ws_request(ws, message("ping"))["text"], "pong")
            sock, lines = gateway.tcp_connection()
            with sock, lines:
                sock.sendall(gateway.encrypt(message("ping")) + b"\n")
                self.assertEqual(gateway.decrypt(lines.readline())["text"], "pong")
            # Every silent socket is closed by the gateway within the deadline (and a little).
            still_open = set(silent)
            while still_open and time.monotonic() - opened < deadline + 5:
                for key, _ in selector.select(timeout=0.5):
                    try:
                        data = key.fileobj.recv(1)
                    except OSError:
                        data = b""
                    if data == b"":
                        selector.unregister(key.fileobj)
                        still_open.discard(key.fileobj)
            self.assertEqual(len(still_open), 0, f"{len(still_open)} silent sockets still open")
        finally:
            for sock in silent:
                sock.close()
            selector.close()
        for transport in ("http", "websocket", "tcp"):
            self.assertGreaterEqual(gateway.metric_reaches(
                "gw_disconnects_total", 1, transport=transport, reason="admission_timeout"), 1)
            self.assertGreaterEqual(gateway.metric_reaches(
                "gw_disconnects_total", 1, transport=transport, reason="address_limit"), 1)
        # Refusals are logged as summaries, not a line each.
        self.assertLess(gateway.stderr().count("refused"), 100)
        self.assertEqual(gateway.http_request(message("ping"))[0], 200)


if __name__ == "__main__":
    unittest.main()
