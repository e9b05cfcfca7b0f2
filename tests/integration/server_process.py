"""A third-party server the tests start (nats-server, mosquitto): its own temporary directory
with its config file and log, a loopback port, started and waited for, stopped and cleaned."""
import os
import socket
import subprocess
import tempfile
import time

TIMEOUT = 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {TIMEOUT} s")


class ServerProcess:
    """Subclasses say what they are (`what`), how they are run (`command(config_path)`) and
    with what configuration (`config_text()`)."""
    what = "server"
    config_name = "server.conf"

    def __init__(self, port=None, prefix="gw-server-"):
        self.port = port or free_port()
        self._directory = tempfile.TemporaryDirectory(prefix=prefix)
        self.directory = self._directory.name
        self.log_path = os.path.join(self.directory, "server.log")
        self.process = None

    def command(self, config_path):
        raise NotImplementedError

    def config_text(self):
        raise NotImplementedError

    def start(self):
        config = os.path.join(self.directory, self.config_name)
        with open(config, "w") as f:
            f.write(self.config_text())
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(self.command(config), stdout=log, stderr=log)
        wait_for_port(self.port, self.process, self.what)
        return self

    def stop(self, kill=False):
        if self.process and self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            self.process.wait(timeout=TIMEOUT)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def close(self):
        self.stop()
        self._directory.cleanup()
