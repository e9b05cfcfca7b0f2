"""Start-up, configuration, signals and restarts of the real gatewayd."""
import json
import os
import signal
import stat
import subprocess
import tempfile
import time
import tomllib
import unittest

import websocket
from cryptography.fernet import Fernet

from gateway_support import GATEWAYD, TIMEOUT, Gateway, message


def gatewayd(*args, env=None, cwd=None):
    return subprocess.run([GATEWAYD, *args], capture_output=True, text=True, timeout=TIMEOUT,
                          env=dict(os.environ, **(env or {})), cwd=cwd)


class FirstStart(unittest.TestCase):
    def test_creates_config_and_key_and_prints_addresses(self):
        gateway = Gateway().start()
        try:
            data = gateway.data_dir
            with open(os.path.join(data, "gatewayd.toml"), "rb") as f:
                config = tomllib.load(f)
            self.assertEqual(set(config),
                             {"gateway", "shared_key", "listeners", "tls", "discovery", "limits",
                              "sessions", "feed", "storage", "cluster", "log"})
            self.assertEqual(config["listeners"]["http_port"], 5000)  # defaults, not the flags
            self.assertEqual(config["limits"]["message_bytes"], 65536)
            self.assertEqual(config["limits"]["http_header_bytes"], 8192)
            key_mode = stat.S_IMODE(os.stat(os.path.join(data, "gw.key")).st_mode)
            self.assertEqual(key_mode, 0o600)
            out = gateway.stdout()
            self.assertIn("(created with defaults)", out)
            self.assertIn(os.path.join(data, "gw.key"), out)
            self.assertIn(f"http://127.0.0.1:{gateway.ready['http']}/message", out)
            self.assertIn(f"ws://127.0.0.1:{gateway.ready['ws']}/ws", out)
            self.assertIn(f"udp://127.0.0.1:{gateway.ready['udp']}", out)
            self.assertIn(f"tcp://127.0.0.1:{gateway.ready['tcp']}", out)
            self.assertIn(f"console   http://127.0.0.1:{gateway.ready['http']}/", out)
        finally:
            gateway.close()

    def test_config_file_comments_every_option(self):
        result = gatewayd("--print-config", "--data-dir", "/nonexistent-gw-dir")
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        for i, line in enumerate(lines):
            if " = " in line and not line.startswith("#"):
                self.assertTrue(lines[i - 1].startswith("# "), f"no comment above {line!r}")
        self.assertFalse(os.path.exists("/nonexistent-gw-dir"))  # --print-config writes nothing


class Configuration(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.TemporaryDirectory(prefix="gw-config-")
        self.data = self.directory.name
        with open(os.path.join(self.data, "gatewayd.toml"), "w") as f:
            f.write('[gateway]\nname = "from-file"\nttl = 30\n[listeners]\ntcp_port = 7001\n')

    def tearDown(self):
        self.directory.cleanup()

    def effective(self, *args, env=None):
        result = gatewayd("--data-dir", self.data, "--print-config", *args, env=env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return tomllib.loads(result.stdout)

    def test_file_then_environment_then_flags(self):
        self.assertEqual(self.effective()["gateway"]["name"], "from-file")
        self.assertEqual(self.effective(env={"GW_NAME": "from-env"})["gateway"]["name"], "from-env")
        config = self.effective("--name", "from-flag", env={"GW_NAME": "from-env"})
        self.assertEqual(config["gateway"]["name"], "from-flag")
        self.assertEqual(config["gateway"]["ttl"], 30)
        self.assertEqual(config["listeners"]["tcp_port"], 7001)
        self.assertEqual(self.effective(env={"GW_TCP_PORT": "off"})["listeners"]["tcp_port"], "off")
        self.assertEqual(self.effective("--udp-port=-1")["listeners"]["udp_port"], "off")

    def refused(self, *args, env=None):
        result = gatewayd("--data-dir", self.data, *args, env=env)
        self.assertEqual(result.returncode, 2, result.stderr)
        return result.stderr

    def test_invalid_values_name_the_option_and_the_value(self):
        self.assertIn("invalid value 'http' for --http-port", self.refused("--http-port", "http"))
        self.assertIn("invalid value '70000' for --tcp-port", self.refused("--tcp-port", "70000"))
        self.assertIn("invalid value 'loud' for GW_LOG_LEVEL",
                      self.refused(env={"GW_LOG_LEVEL": "loud"}))
        self.assertIn("invalid value 'xml' for --log-format", self.refused("--log-format", "xml"))
        self.assertIn("invalid value 'localhost' for --bind", self.refused("--bind", "localhost"))
        self.assertIn("invalid value '-3' for --ttl", self.refused("--ttl=-3"))
        with open(os.path.join(self.data, "gatewayd.toml"), "a") as f:
            f.write("[limits]\nmessage_bytes = 12\n")
        error = self.refused()
        self.assertIn("invalid value '12' for limits.message_bytes", error)
        self.assertIn("gatewayd.toml line", error)

    def test_unknown_option_in_file(self):
        with open(os.path.join(self.data, "gatewayd.toml"), "a") as f:
            f.write("[limits]\nmesage_bytes = 1000\n")
        self.assertIn("unknown option limits.mesage_bytes", self.refused())

    def test_help_and_version(self):
        result = gatewayd("--help")
        self.assertEqual(result.returncode, 0)
        for flag in ("--config", "--data-dir", "--key-file", "--bind", "--http-port", "--ws-port",
                     "--udp-port", "--tcp-port", "--name", "--ttl", "--threads", "--log-level",
                     "--log-format", "--log-file", "--ready-file", "--print-config", "--version"):
            self.assertIn(flag, result.stdout)
        self.assertIn("GW_HTTP_PORT", result.stdout)
        self.assertEqual(gatewayd("--version").stdout.strip(), "gatewayd 0.1.0")

    def test_disabled_listeners(self):
        gateway = Gateway("--tcp-port", "off", "--udp-port=-1", data_dir=self.data).start()
        try:
            self.assertIsNone(gateway.ready["tcp"])
            self.assertIsNone(gateway.ready["udp"])
            _, reply = gateway.http_request(message("handshake"))
            self.assertIsNone(reply["data"]["endpoints"]["tcp"])
            self.assertNotIn("tcp://", gateway.stdout())
        finally:
            self.assertEqual(gateway.stop(), 0)

    def test_key_file_readable_by_others_is_refused(self):
        key = os.path.join(self.data, "open.key")
        with open(key, "w") as f:
            f.write(Fernet.generate_key().decode() + "\n")
        os.chmod(key, 0o644)
        error = self.refused("--key-file", key)
        self.assertIn("chmod 600", error)
        self.assertIn("--insecure-key-file", error)
        gateway = Gateway("--key-file", key, "--insecure-key-file", data_dir=self.data).start()
        self.assertEqual(gateway.stop(), 0)

    def test_port_in_use_is_a_clear_error(self):
        gateway = Gateway(data_dir=self.data).start()
        try:
            # Its own store: the first gatewayd holds the database (test_durability checks that).
            result = gatewayd("--data-dir", self.data, "--storage", "memory", "--bind",
                              "127.0.0.1", "--http-port",
                              str(gateway.ready["http"]), "--ws-port", "0", "--udp-port", "0",
                              "--tcp-port", "0")
            self.assertEqual(result.returncode, 1)
            self.assertIn(f"http listener on 127.0.0.1:{gateway.ready['http']}: bind",
                          result.stderr)
        finally:
            gateway.stop()

    def test_connections_over_the_limit_are_refused(self):
        gateway = Gateway("--max-connections", "2", data_dir=self.data).start()
        try:
            first, first_lines = gateway.tcp_connection()
            second, second_lines = gateway.tcp_connection()
            for sock in (first, second):  # both served
                sock.sendall(gateway.encrypt(message("ping")) + b"\n")
            for lines in (first_lines, second_lines):
                self.assertEqual(gateway.decrypt(lines.readline())["text"], "pong")
            third, third_lines = gateway.tcp_connection()
            self.assertEqual(third_lines.readline(), b"")  # closed at once
            for closable in (third_lines, third, first_lines, first, second_lines, second):
                closable.close()
            self.assertEqual(gateway.metric("gw_disconnects_total", transport="tcp",
                                            reason="connection_limit"), 1)
            self.assertIn("at the limit of 2 connections", gateway.stderr())
        finally:
            self.assertEqual(gateway.stop(), 0)

    def test_json_log_lines(self):
        gateway = Gateway("--log-format", "json", "--log-level", "debug",
                          data_dir=self.data).start()
        gateway.http_request(message("ping"))
        self.assertEqual(gateway.stop(), 0)
        lines = gateway.stderr().splitlines()
        self.assertGreater(len(lines), 2)
        for line in lines:
            entry = json.loads(line)
            self.assertEqual(set(entry), {"time", "level", "message"})

    def test_log_file_relative_to_the_data_directory(self):
        with open(os.path.join(self.data, "gatewayd.toml"), "a") as f:
            f.write('[log]\nfile = "gatewayd.log"\n')
        gateway = Gateway(data_dir=self.data).start()
        self.assertEqual(gateway.stop(), 0)
        with open(os.path.join(self.data, "gatewayd.log")) as f:
            self.assertIn("serving with", f.read())


class Signals(unittest.TestCase):
    def test_sigterm_closes_websockets_and_exits_zero(self):
        gateway = Gateway().start()
        try:
            clients = [gateway.websocket()[0] for _ in range(3)]
            started = time.monotonic()
            gateway.process.send_signal(signal.SIGTERM)
            for ws in clients:
                frame = ws.recv_frame()
                self.assertEqual(frame.opcode, websocket.ABNF.OPCODE_CLOSE)
                self.assertEqual(int.from_bytes(frame.data[:2], "big"), 1001)  # going away
                ws.send_close()
            self.assertEqual(gateway.process.wait(timeout=5), 0)
            self.assertLess(time.monotonic() - started, 5)
            self.assertIn("SIGTERM: stopping", gateway.stderr())
        finally:
            gateway.close()

    def test_restart_reuses_config_and_key(self):
        with tempfile.TemporaryDirectory(prefix="gw-restart-") as data:
            first = Gateway(data_dir=data).start()
            old_fernet, old_id = first.fernet, first.ready["id"]
            with open(first.ready["key_file"]) as f:
                key_text = f.read()
            self.assertEqual(first.stop(), 0)

            second = Gateway(data_dir=data).start()
            try:
                self.assertNotIn("created", second.stdout())
                with open(second.ready["key_file"]) as f:
                    self.assertEqual(f.read(), key_text)
                self.assertEqual(second.ready["id"], old_id)
                second.fernet = old_fernet  # the client still holds the old key
                _, reply = second.http_request(message("ping"))
                self.assertEqual(reply["text"], "pong")
            finally:
                self.assertEqual(second.stop(), 0)

    def test_sighup_reloads_rotated_keys(self):
        gateway = Gateway().start()
        try:
            old = gateway.fernet
            new_key = Fernet.generate_key().decode()
            new = Fernet(new_key)
            key_file = gateway.ready["key_file"]
            with open(key_file) as f:
                old_key = [line for line in f if line.strip() and not line.startswith("#")][0]
            with open(key_file, "w") as f:  # the new key first: it encrypts from now on
                f.write("# rotated\n" + new_key + "\n" + old_key)
            gateway.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + TIMEOUT
            while "reloaded 2 key(s)" not in gateway.stderr() and time.monotonic() < deadline:
                time.sleep(0.02)
            self.assertIn("reloaded 2 key(s)", gateway.stderr())
            # Old tokens still accepted; replies now made with the new key.
            response = gateway.post(gateway.encrypt(message("ping"), fernet=old))
            self.assertEqual(response.status_code, 200)
            self.assertEqual(json.loads(new.decrypt(response.content))["text"], "pong")
            response = gateway.post(gateway.encrypt(message("ping"), fernet=new))
            self.assertEqual(json.loads(new.decrypt(response.content))["text"], "pong")
        finally:
            self.assertEqual(gateway.stop(), 0)
            gateway.close()


if __name__ == "__main__":
    unittest.main()
