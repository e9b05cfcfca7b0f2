"""Starts the real gatewayd for a test and talks to it with third-party clients only: Python's
cryptography, requests, websocket-client and socket."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

import requests
import websocket
from cryptography.fernet import Fernet, InvalidToken


def required_program(variable):
    path = os.environ.get(variable)
    if not path or not os.path.exists(path):
        raise RuntimeError(f"{variable} must name a built program (run these tests through ctest)")
    return path


GATEWAYD = required_program("GATEWAYD")
TIMEOUT = 10  # seconds for any single wait on the gateway; a test never waits unbounded


def message(cmd="", text="", user="tester", **fields):
    """A Message as the original Python clients made it, with optional newer fields."""
    body = {"userID": user, "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"), "text": text,
            "cmd": cmd, "args": ""}
    body.update(fields)
    return body


class Gateway:
    """One gatewayd process on loopback with ephemeral ports and a data directory of its own."""

    def __init__(self, *args, data_dir=None, env=None, config_text=None, program=None,
                 bind="127.0.0.1", http_port=0, prefix=()):
        """`prefix` runs the program through another, such as `ip netns exec NAME`."""
        self.program = program or GATEWAYD
        self.prefix = list(prefix)
        self.host = "127.0.0.1" if bind == "0.0.0.0" else bind
        self._temporary = None
        if data_dir is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="gw-test-")
            data_dir = self._temporary.name
        self.data_dir = data_dir
        self.ready_file = os.path.join(data_dir, "ready.json")
        if config_text is not None:
            with open(os.path.join(data_dir, "gatewayd.toml"), "w") as f:
                f.write(config_text)
        self.args = ["--data-dir", data_dir, "--bind", bind, "--http-port", str(http_port),
                     "--ws-port", "0", "--udp-port", "0", "--tcp-port", "0",
                     "--name", "test-gateway", "--ready-file", self.ready_file, *args]
        self.env = dict(os.environ, **(env or {}))
        self.process = None
        self.ready = None

    def set_option(self, flag, value):
        """Replaces the value of one of the default flags; before start()."""
        self.args[self.args.index(flag) + 1] = str(value)

    def write_devices(self, text):
        """Writes the devices file (devices.toml, mode 0600) in the data directory."""
        path = os.path.join(self.data_dir, "devices.toml")
        with open(path + ".new", "w") as f:
            f.write(text)
        os.chmod(path + ".new", 0o600)
        os.replace(path + ".new", path)  # whole, as an editor saving by rename does
        return path

    def use_key_of(self, other):
        """Starts with the key file of another (started) gateway; before start()."""
        destination = os.path.join(self.data_dir, "gw.key")
        shutil.copyfile(other.ready["key_file"], destination)
        os.chmod(destination, 0o600)

    def start(self):
        if os.path.exists(self.ready_file):
            os.unlink(self.ready_file)
        self.stdout_path = os.path.join(self.data_dir, "stdout.txt")
        self.stderr_path = os.path.join(self.data_dir, "stderr.txt")
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen([*self.prefix, self.program, *self.args], env=self.env, stdout=out,
                                            stderr=err)
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(self.ready_file):
            if self.process.poll() is not None:
                raise RuntimeError(f"gatewayd exited with {self.process.returncode}: {self.stderr()}")
            if time.monotonic() > deadline:
                self.process.kill()
                self.process.wait()
                raise RuntimeError("gatewayd did not write its ready file")
            time.sleep(0.02)
        with open(self.ready_file) as f:
            self.ready = json.load(f)
        with open(self.ready["key_file"]) as f:
            keys = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        self.fernet = Fernet(keys[0])
        return self

    def stderr(self):
        with open(self.stderr_path) as f:
            return f.read()

    def stdout(self):
        with open(self.stdout_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        """Signals the gateway and returns its exit code (None if it had to be killed)."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def close(self):
        self.stop()
        if self._temporary:
            self._temporary.cleanup()

    # Addresses.
    @property
    def http_url(self):
        return f"http://{self.host}:{self.ready['http']}"

    @property
    def ws_url(self):
        return f"ws://{self.host}:{self.ready['ws']}/ws"

    @property
    def udp_address(self):
        return (self.host, self.ready["udp"])

    @property
    def tcp_address(self):
        return (self.host, self.ready["tcp"])

    # Tokens.
    def encrypt(self, body, fernet=None):
        return (fernet or self.fernet).encrypt(json.dumps(body).encode())

    def decrypt(self, token, fernet=None):
        return json.loads((fernet or self.fernet).decrypt(
            token if isinstance(token, bytes) else token.encode()))

    # One request, one reply, per transport.
    def post(self, token):
        return requests.post(self.http_url + "/message", data=token, timeout=TIMEOUT)

    def http_request(self, body):
        response = self.post(self.encrypt(body))
        return response.status_code, self.decrypt(response.content)

    def websocket(self, device=None, fernet=None, **options):
        """A connected WebSocket client; the welcome message already read and returned. A
        device asks for its welcome under its own key (`fernet`) with ?device=NAME."""
        url = self.ws_url + (f"?device={device}" if device else "")
        ws = websocket.create_connection(url, timeout=TIMEOUT, **options)
        return ws, self.decrypt(ws.recv(), fernet)

    def ws_request(self, ws, body):
        ws.send(self.encrypt(body).decode())
        return self.decrypt(ws.recv())

    def udp_socket(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(TIMEOUT)
        return sock

    def udp_request(self, body):
        with self.udp_socket() as sock:
            sock.sendto(self.encrypt(body), self.udp_address)
            data, _ = sock.recvfrom(65536)
            return self.decrypt(data)

    def tcp_connection(self):
        sock = socket.create_connection(self.tcp_address, timeout=TIMEOUT)
        return sock, sock.makefile("rb")

    def tcp_request(self, body):
        sock, lines = self.tcp_connection()
        with sock, lines:
            sock.sendall(self.encrypt(body) + b"\n")
            return self.decrypt(lines.readline())

    def metrics(self):
        return requests.get(self.http_url + "/metrics", timeout=TIMEOUT).text

    def metric_reaches(self, name, at_least, **labels):
        """The value of one sample once it is at least `at_least`, or when TIMEOUT has passed:
        for counts a network thread takes a moment after what it counts is seen."""
        deadline = time.monotonic() + TIMEOUT
        value = self.metric(name, **labels)
        while value < at_least and time.monotonic() < deadline:
            time.sleep(0.05)
            value = self.metric(name, **labels)
        return value

    def metric(self, name, **labels):
        """The value of one sample on /metrics (0 if absent)."""
        wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
        for line in self.metrics().splitlines():
            if line.startswith(name + "{" + wanted + "}") or (not labels and line.startswith(name + " ")):
                return float(line.rsplit(" ", 1)[1])
        return 0.0


def wait_until(predicate, what, timeout=TIMEOUT):
    """Polls `predicate` until it returns something true, which is returned; fails the test
    naming `what` when `timeout` passes first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s: {what}")


def gwctl(*args, prefix=()):
    """Runs the built gwctl (through `prefix`, such as `ip netns exec NAME`)."""
    return subprocess.run([*prefix, required_program("GWCTL"), *args], capture_output=True,
                          text=True, timeout=TIMEOUT + 20)


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


class Listener:
    """`gwctl listen ...` in the background, ready once it says it is listening."""

    def __init__(self, *args):
        self.process = subprocess.Popen([required_program("GWCTL"), "listen", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + TIMEOUT
        self.stderr = ""
        while "listening on" not in self.stderr:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                raise AssertionError(f"gwctl listen exited: {self.stderr}")
            self.stderr += line
            if time.monotonic() > deadline:
                raise AssertionError(f"gwctl listen not ready: {self.stderr}")

    def finish(self, sig=None):
        """Waits for it to end (after sending `sig`), returning (exit code, stdout)."""
        if sig is not None:
            self.process.send_signal(sig)
        try:
            out, err = self.process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            out, err = self.process.communicate()
        self.stderr += err
        return self.process.returncode, out


class GatewayTestCase(unittest.TestCase):
    """A test case with one gateway shared by its tests, started with `gateway_args`."""
    gateway_args = ()

    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway(*cls.gateway_args)
        cls.addClassCleanup(cls.gateway.close)  # also when a subclass's setUpClass fails later
        cls.gateway.start()

    @classmethod
    def tearDownClass(cls):
        code = cls.gateway.stop()
        if code != 0:
            raise AssertionError(f"gatewayd exited with {code}")
