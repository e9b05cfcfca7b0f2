"""handshake and ping on every transport, from third-party clients: curl and requests for HTTP,
websocket-client for WebSocket, plain sockets for UDP and TCP."""
import concurrent.futures
import os
from contextlib import closing
import json
import subprocess
import unittest

import requests
import websocket

from gateway_support import TIMEOUT, GatewayTestCase, message


class HandshakeAndPing(GatewayTestCase):
    def check_handshake(self, reply, known_by_token=True):
        self.assertEqual(reply["cmd"], "handshake")
        self.assertEqual(reply["code"], 200)
        self.assertEqual(reply["userID"], "test-gateway")
        data = reply["data"]
        self.assertEqual(data["server"]["name"], "test-gateway")
        self.assertEqual(data["server"]["id"], self.gateway.ready["id"])
        self.assertIn("time", data["server"])
        self.assertIsInstance(data["server"]["unix_time"], float)
        self.assertTrue(data["session"]["id"].startswith("c"))
        if known_by_token:  # HTTP and UDP sessions; a connection is its own session
            self.assertEqual(len(data["session"]["token"]), 24)
        else:
            self.assertIsNone(data["session"]["token"])
        ready = self.gateway.ready
        self.assertEqual(data["endpoints"], {"http": ready["http"], "ws": ready["ws"],
                                             "ws_path": "/ws", "udp": ready["udp"],
                                             "tcp": ready["tcp"], "tls": False})
        for command in ("handshake", "ping", "error", "commands", "help"):
            self.assertIn(command, data["commands"])

    def check_pong(self, reply, request_id):
        self.assertEqual((reply["cmd"], reply["text"], reply["code"]), ("ping", "pong", 200))
        self.assertEqual(reply["id"], request_id)
        self.assertIn("time", reply["data"])

    def test_http_with_requests(self):
        status, reply = self.gateway.http_request(message("handshake"))
        self.assertEqual(status, 200)
        self.check_handshake(reply)
        status, reply = self.gateway.http_request(message("ping", id="h1"))
        self.assertEqual(status, 200)
        self.check_pong(reply, "h1")

    def test_http_with_curl(self):
        for cmd in ("handshake", "ping"):
            token = self.gateway.encrypt(message(cmd, id="curl-" + cmd))
            result = subprocess.run(
                ["curl", "--silent", "--show-error", "--max-time", str(TIMEOUT),
                 "--write-out", "\n%{http_code}", "--data-binary", "@-",
                 self.gateway.http_url + "/message"],
                input=token + b"\n", capture_output=True, check=True)
            body, status = result.stdout.rsplit(b"\n", 1)
            self.assertEqual(status, b"200")
            reply = self.gateway.decrypt(body)
            if cmd == "handshake":
                self.check_handshake(reply)
            else:
                self.check_pong(reply, "curl-ping")

    def test_websocket(self):
        ws, welcome = self.gateway.websocket()
        with closing(ws):
            self.assertEqual(welcome["cmd"], "welcome")
            self.check_handshake(self.gateway.ws_request(ws, message("handshake")), False)
            self.check_pong(self.gateway.ws_request(ws, message("ping", id="w1")), "w1")

    def test_websocket_on_the_http_port(self):
        url = f"ws://127.0.0.1:{self.gateway.ready['http']}/ws"
        ws = websocket.create_connection(url, timeout=TIMEOUT)
        with closing(ws):
            self.assertEqual(self.gateway.decrypt(ws.recv())["cmd"], "welcome")
            self.check_pong(self.gateway.ws_request(ws, message("ping", id="w2")), "w2")

    def test_websocket_binary_frames(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            ws.send_binary(self.gateway.encrypt(message("ping", id="b1")))
            self.check_pong(self.gateway.decrypt(ws.recv()), "b1")

    def test_udp(self):
        self.check_handshake(self.gateway.udp_request(message("handshake")))
        self.check_pong(self.gateway.udp_request(message("ping", id="u1")), "u1")

    def test_tcp(self):
        self.check_handshake(self.gateway.tcp_request(message("handshake")), False)
        sock, lines = self.gateway.tcp_connection()
        with sock, lines:
            # Several lines in one write, one with "\r\n", and blank lines between: all framing.
            sock.sendall(self.gateway.encrypt(message("ping", id="t1")) + b"\r\n\n" +
                         self.gateway.encrypt(message("ping", id="t2")) + b"\n")
            self.check_pong(self.gateway.decrypt(lines.readline()), "t1")
            self.check_pong(self.gateway.decrypt(lines.readline()), "t2")

    def test_commands_lists_descriptions(self):
        _, reply = self.gateway.http_request(message("commands"))
        by_name = {c["name"]: c for c in reply["data"]}
        # Everyone may ping; a device runs broadcast only when its permissions list it.
        self.assertEqual(by_name["ping"]["permission"], "everyone")
        self.assertEqual(by_name["broadcast"]["permission"], "user")
        self.assertEqual(by_name["kick"]["permission"], "admin")
        self.assertTrue(by_name["handshake"]["description"])
        _, help_reply = self.gateway.http_request(message("help"))
        self.assertEqual(help_reply["data"], reply["data"])

    def test_error_report_is_acknowledged(self):
        _, reply = self.gateway.http_request(message("error", text="sensor 4 failed"))
        self.assertEqual((reply["cmd"], reply["code"]), ("error", 200))

    def test_many_clients_at_once(self):
        def websocket_client(n):
            ws, _ = self.gateway.websocket()
            with closing(ws):
                return [self.gateway.ws_request(ws, message("ping", id=f"w{n}-{i}"))["id"]
                        for i in range(5)]

        def tcp_client(n):
            sock, lines = self.gateway.tcp_connection()
            with sock, lines:
                ids = []
                for i in range(5):
                    sock.sendall(self.gateway.encrypt(message("ping", id=f"t{n}-{i}")) + b"\n")
                    ids.append(self.gateway.decrypt(lines.readline())["id"])
                return ids

        def http_client(n):
            with requests.Session() as session:  # one kept-alive connection
                ids = []
                for i in range(5):
                    token = self.gateway.encrypt(message("ping", id=f"h{n}-{i}"))
                    response = session.post(self.gateway.http_url + "/message", data=token,
                                            timeout=TIMEOUT)
                    ids.append(self.gateway.decrypt(response.content)["id"])
                return ids

        def udp_client(n):
            return [self.gateway.udp_request(message("ping", id=f"u{n}-{i}"))["id"]
                    for i in range(5)]

        clients = {"w": websocket_client, "t": tcp_client, "h": http_client, "u": udp_client}
        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
            futures = {(prefix, n): pool.submit(client, n)
                       for prefix, client in clients.items() for n in range(10)}
            for (prefix, n), future in futures.items():
                self.assertEqual(future.result(timeout=60), [f"{prefix}{n}-{i}" for i in range(5)])


class ProjectClient(GatewayTestCase):
    """The project's own client code (bench/load) shakes hands and pings on every transport."""
    # gateway_load pings as fast as it can from one address; a fast build passes the
    # per-address and per-client limits within the run, which this test is not about.
    gateway_args = ("--trusted-networks", "127.0.0.0/8", "--session-rate", "0")

    def test_handshake_and_ping_on_every_transport(self):
        program = os.environ.get("GATEWAY_LOAD")
        if not program:
            self.skipTest("gateway_load not built (GW_BUILD_BENCH=OFF)")
        ports = {"http": "http", "websocket": "ws", "udp": "udp", "tcp": "tcp"}
        for transport, port in ports.items():
            with self.subTest(transport=transport):
                result = subprocess.run(
                    [program, "--transport", transport, "--port", str(self.gateway.ready[port]),
                     "--key-file", self.gateway.ready["key_file"], "--connections", "3",
                     "--seconds", "0.2", "--warmup", "0", "--verify-every", "1"],
                    capture_output=True, text=True, timeout=60)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("(3 handshakes", result.stdout)
                self.assertIn(" 0 failures", result.stdout)


class HttpPages(GatewayTestCase):
    def get(self, path, method="GET"):
        return requests.request(method, self.gateway.http_url + path, timeout=TIMEOUT)

    def test_healthz(self):
        response = self.get("/healthz")
        self.assertEqual(response.status_code, 200)
        health = response.json()
        self.assertEqual(health["status"], "ok")
        self.assertEqual(health["version"], "0.1.0")
        self.assertGreaterEqual(health["uptime_seconds"], 0)
        self.assertEqual(set(health["connections"]), {"http", "websocket", "udp", "tcp"})
        self.assertEqual(set(health["clients"]), {"http", "websocket", "udp", "tcp"})

    def test_healthz_counts_sessions(self):
        ws, _ = self.gateway.websocket()
        with closing(ws):
            health = self.get("/healthz").json()
            self.assertGreaterEqual(health["connections"]["websocket"], 1)
            self.assertGreaterEqual(health["clients"]["websocket"], 1)

    def test_metrics_is_prometheus_text(self):
        self.gateway.http_request(message("ping"))
        response = self.get("/metrics")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        self.assertIn("# TYPE gw_messages_in_total counter", response.text)
        self.assertGreaterEqual(self.gateway.metric("gw_messages_in_total", transport="http"), 1)

    def test_console_is_served_from_the_binary(self):
        page = self.get("/")
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn("<title>gw console</title>", page.text)
        self.assertEqual(self.get("/index.html").text, page.text)
        script = self.get("/console.js")
        self.assertEqual(script.headers["Content-Type"], "text/javascript; charset=utf-8")
        self.assertIn("sessionStorage", script.text)
        self.assertEqual(self.get("/console.css").headers["Content-Type"], "text/css; charset=utf-8")
        # Everything the page loads comes from the gateway: no fonts or scripts from elsewhere.
        for asset in (page.text, script.text, self.get("/console.css").text):
            self.assertNotRegex(asset, r"(src|href)=[\"']?(https?:)?//")
            self.assertNotIn("@import", asset)

    def test_unknown_path_is_404_and_wrong_method_405(self):
        self.assertEqual(self.get("/nothing").status_code, 404)
        self.assertEqual(self.get("/message").status_code, 405)
        self.assertEqual(self.get("/message").headers["Allow"], "POST")
        self.assertEqual(self.get("/healthz", method="DELETE").status_code, 405)

    def test_ws_path_without_upgrade_is_426(self):
        self.assertEqual(self.get("/ws").status_code, 426)

    def test_websocket_port_serves_only_websocket(self):
        response = requests.get(f"http://127.0.0.1:{self.gateway.ready['ws']}/healthz",
                                timeout=TIMEOUT)
        self.assertEqual(response.status_code, 404)


if __name__ == "__main__":
    unittest.main()
