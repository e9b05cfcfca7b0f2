"""gwctl end to end against the real gatewayd: messages cross transports, --json output is
machine-readable, and the exit codes say what happened."""
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

from cryptography.fernet import Fernet

from gateway_support import TIMEOUT, GatewayTestCase, Listener, gwctl, json_lines, required_program


class GwctlTest(GatewayTestCase):
    def url(self, scheme):
        ready = self.gateway.ready
        return {"http": f"http://127.0.0.1:{ready['http']}", "ws": f"ws://127.0.0.1:{ready['ws']}",
                "udp": f"udp://127.0.0.1:{ready['udp']}", "tcp": f"tcp://127.0.0.1:{ready['tcp']}"}[scheme]

    def run_gwctl(self, command, *args, scheme="http", key_file=None):
        return gwctl(command, "--url", self.url(scheme), "--key-file",
                     key_file or self.gateway.ready["key_file"], *args)

    def test_listen_on_websocket_gets_publications_from_udp_and_http(self):
        listener = Listener("--url", self.url("ws"), "--key-file", self.gateway.ready["key_file"],
                            "--topic", "home/+/temperature", "--json", "--count", "2")
        by_udp = self.run_gwctl("publish", "--topic", "home/kitchen/temperature", "--data",
                                '{"celsius": 21.5}', "from udp", scheme="udp")
        self.assertEqual(by_udp.returncode, 0, by_udp.stderr)
        self.assertIn("delivered to 1", by_udp.stdout)
        by_http = self.run_gwctl("publish", "--topic", "home/hall/temperature", "from http",
                                 "--json", scheme="http")
        self.assertEqual(by_http.returncode, 0, by_http.stderr)
        self.assertEqual(json_lines(by_http.stdout)[0]["data"], {"delivered": 1, "stored": 0})
        code, out = listener.finish()
        self.assertEqual(code, 0, listener.stderr)
        messages = json_lines(out)
        self.assertEqual([m["text"] for m in messages], ["from udp", "from http"])
        self.assertEqual(messages[0]["topic"], "home/kitchen/temperature")
        self.assertEqual(messages[0]["data"], {"celsius": 21.5})

    def test_send_reaches_a_named_client_on_every_transport(self):
        for scheme in ("ws", "tcp", "udp", "http"):
            with self.subTest(scheme=scheme):
                name = f"printer-{scheme}"
                listener = Listener("--url", self.url(scheme), "--key-file",
                                    self.gateway.ready["key_file"], "--name", name, "--json",
                                    "--count", "1")
                sent = self.run_gwctl("send", "--to", name, "print", "this", scheme="tcp")
                self.assertEqual(sent.returncode, 0, sent.stderr)
                code, out = listener.finish()
                self.assertEqual(code, 0, listener.stderr)
                [message] = json_lines(out)
                self.assertEqual(message["text"], "print this")
                self.assertEqual(message["cmd"], "send")

    def test_json_output_of_the_queries(self):
        ping = self.run_gwctl("ping", "--json", scheme="ws")
        self.assertEqual(ping.returncode, 0, ping.stderr)
        self.assertEqual(json_lines(ping.stdout)[0]["text"], "pong")

        listener = Listener("--url", self.url("ws"), "--key-file", self.gateway.ready["key_file"],
                            "--name", "watcher", "--topic", "x/#")
        clients = self.run_gwctl("clients", "--json", scheme="tcp")
        listener.finish(signal.SIGINT)
        self.assertEqual(clients.returncode, 0, clients.stderr)
        rows = json_lines(clients.stdout)
        watcher = [row for row in rows if row["name"] == "watcher"]
        self.assertEqual(len(watcher), 1, rows)
        self.assertEqual(watcher[0]["subscriptions"], ["x/#"])
        self.assertEqual(watcher[0]["transport"], "websocket")

        version = self.run_gwctl("get", "version", "--json", scheme="udp")
        self.assertEqual(version.returncode, 0, version.stderr)
        self.assertEqual(json_lines(version.stdout)[0]["data"]["name"], "test-gateway")

        call = self.run_gwctl("call", "whoami", "--json", "--name", "caller", scheme="http")
        self.assertEqual(call.returncode, 0, call.stderr)
        self.assertEqual(json_lines(call.stdout)[0]["data"]["name"], "caller")

    def test_human_output(self):
        ping = self.run_gwctl("ping", scheme="tcp")
        self.assertEqual(ping.returncode, 0, ping.stderr)
        self.assertRegex(ping.stdout, r"^pong from test-gateway \(tcp://127\.0\.0\.1:\d+\) in ")
        clients = self.run_gwctl("clients")
        self.assertTrue(clients.stdout.startswith("ID"), clients.stdout)
        self.assertNotIn("\033[", clients.stdout)  # no colour where the output is not a terminal

    def test_listen_stops_cleanly_on_interrupt(self):
        listener = Listener("--url", self.url("http"), "--key-file", self.gateway.ready["key_file"])
        code, _ = listener.finish(signal.SIGINT)
        self.assertEqual(code, 0, listener.stderr)

    def test_exit_codes(self):
        # 1: an error reply.
        unknown = self.run_gwctl("send", "--to", "nobody-here", "hello")
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("404", unknown.stderr)
        lookup = self.run_gwctl("lookup", "no-table/key")
        self.assertEqual(lookup.returncode, 1)
        # 1: a key the gateway does not have (its answers do not decrypt).
        with tempfile.TemporaryDirectory() as directory:
            other = os.path.join(directory, "other.key")
            with open(other, "w") as f:
                f.write(Fernet.generate_key().decode() + "\n")
            os.chmod(other, 0o600)
            for scheme in ("http", "ws", "tcp"):
                wrong = self.run_gwctl("ping", "--timeout", "2", scheme=scheme, key_file=other)
                self.assertEqual(wrong.returncode, 1, (scheme, wrong.stderr))
                self.assertRegex(wrong.stderr, "do(es)? not decrypt with our key")
            # UDP: the gateway says nothing to a key it cannot read: no gateway reached.
            silent = self.run_gwctl("ping", "--timeout", "1", scheme="udp", key_file=other)
            self.assertEqual(silent.returncode, 3, silent.stderr)
            self.assertIn("cannot read our key", silent.stderr)
        # 2: usage.
        self.assertEqual(self.run_gwctl("send", "no recipient").returncode, 2)
        self.assertEqual(self.run_gwctl("publish", "--topic", "t", "--data", "{bad").returncode, 2)
        bad_url = gwctl("ping", "--url", "ftp://127.0.0.1", "--key-file",
                        self.gateway.ready["key_file"])
        self.assertEqual(bad_url.returncode, 2)
        self.assertIn("unknown scheme", bad_url.stderr)
        self.assertEqual(gwctl("ping", "--url", self.url("ws")).returncode, 2)  # no key
        # 3: nothing there.
        nothing = gwctl("ping", "--url", "tcp://127.0.0.1:1", "--key-file",
                        self.gateway.ready["key_file"], "--timeout", "1")
        self.assertEqual(nothing.returncode, 3)
        self.assertIn("cannot connect", nothing.stderr)

    def test_the_client_library_example(self):
        """examples/thermometer.cpp publishes over UDP and answers requests passed on by `ask`."""
        listener = Listener("--url", self.url("tcp"), "--key-file", self.gateway.ready["key_file"],
                            "--topic", "home/+/temperature", "--json", "--count", "2")
        thermometer = subprocess.Popen([required_program("THERMOMETER"), self.url("udp"),
                                        self.gateway.ready["key_file"], "balcony", "5"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            code, out = listener.finish()
            self.assertEqual(code, 0, listener.stderr)
            readings = json_lines(out)
            self.assertEqual({m["topic"] for m in readings}, {"home/balcony/temperature"})
            self.assertTrue(all(15 < m["data"]["celsius"] < 25 for m in readings), readings)
            asked = self.run_gwctl("call", "ask", "balcony", "read", "--json")
            self.assertEqual(asked.returncode, 0, asked.stderr)
            answer = json_lines(asked.stdout)[0]["data"]
            self.assertEqual(answer["cmd"], "read")
            self.assertIn("celsius", answer["data"])
            out, err = thermometer.communicate(timeout=TIMEOUT)
            self.assertEqual(thermometer.returncode, 0, err)
            self.assertIn("connected to test-gateway as balcony", out)
        finally:
            if thermometer.poll() is None:
                thermometer.kill()
                thermometer.communicate()

    def test_help_has_examples(self):
        for command in ("ping", "send", "broadcast", "publish", "listen", "call", "clients", "get",
                        "lookup"):
            with self.subTest(command=command):
                shown = gwctl(command, "--help")
                self.assertEqual(shown.returncode, 0)
                self.assertIn("Example", shown.stdout)
                self.assertIn("--url", shown.stdout)


if __name__ == "__main__":
    unittest.main()
