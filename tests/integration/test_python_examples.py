"""The examples in examples/python, each run against the real gatewayd: an SMC-style function
server called in SMC's shape, the where-did-I-store-it CSV service, and the original clients'
flow over WebSocket, UDP and HTTP."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

from gateway_support import TIMEOUT, GatewayTestCase, message
from session_clients import TcpClient, WebSocketClient

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                        "python")


class PythonExamples(GatewayTestCase):

    def start_service(self, script, *args, ready):
        """Runs an example service until the test ends; returns once it says `ready`."""
        process = subprocess.Popen(
            [sys.executable, os.path.join(EXAMPLES, script), "--key-file",
             self.gateway.ready["key_file"], "--port", str(self.gateway.ready["ws"]), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: (process.terminate(), process.communicate(timeout=TIMEOUT)))
        line = process.stdout.readline()
        self.assertIn(ready, line, process.stderr.read() if process.poll() is not None else line)
        return process

    def test_the_smc_function_server_answers_in_smcs_terms(self):
        self.start_service("smc_function_server.py", ready="serving test1, test2")
        status, reply = self.gateway.http_request({"call_func": "test1", "data": {"a": 2, "b": 3}})
        self.assertEqual((status, reply["data"]), (200, {"sum": 5}))
        status, reply = self.gateway.http_request({"call_func": "test1", "data": {"a": 2}})
        self.assertEqual((status, reply["text"]), (400, "incorrect data"))
        status, reply = self.gateway.http_request({"call_func": "test9", "data": {}})
        self.assertEqual((status, reply["text"]), (404, "call_func not found"))
        caller = TcpClient(self.gateway, "smc-client")
        self.addCleanup(caller.close)
        reply = caller.request(message("test2", data={"name": "Ada"}))
        self.assertEqual(reply["data"], {"greeting": "hello, Ada"})

    def test_where_is_it_finds_things_in_its_csv_and_sees_it_change(self):
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("thing,place\npassport,desk: top drawer\nspare keys,hook by the door\n")
        self.addCleanup(os.unlink, f.name)
        self.start_service("where_is_it.py", "--csv", f.name, ready="serving where")
        caller = WebSocketClient(self.gateway, "forgetful")
        self.addCleanup(caller.close)
        reply = caller.request(message("where", args="Passport"))
        self.assertEqual(reply["text"], "Passport: desk: top drawer")
        self.assertEqual(caller.request(message("where", args="umbrella")).get("code"), 404)
        time.sleep(0.01)  # a new modification time
        with open(f.name, "a") as more:
            more.write("umbrella,car boot\n")
        os.utime(f.name)
        self.assertEqual(caller.request(message("where", args="umbrella"))["text"],
                         "umbrella: car boot")

    def test_the_original_clients_flow_runs_unchanged(self):
        ready = self.gateway.ready
        run = subprocess.run(
            [sys.executable, os.path.join(EXAMPLES, "original_clients.py"), "--key-file",
             ready["key_file"], "--http-port", str(ready["http"]), "--ws-port", str(ready["ws"]),
             "--udp-port", str(ready["udp"])], capture_output=True, text=True, timeout=TIMEOUT * 3)
        self.assertEqual(run.returncode, 0, run.stderr)
        lines = run.stdout.splitlines()
        self.assertTrue(lines[0].startswith("websocket welcome: "), lines)
        self.assertEqual(lines[1:], ["websocket chat back: hello, everyone", "udp answer: pong",
                                     "http answer: 200 pong"])


if __name__ == "__main__":
    unittest.main()
