"""Real nats-server processes for the cluster tests: JetStream on, a temporary store, loopback
ports only; alone or three routed together as a NATS cluster."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

NATS_SERVER = shutil.which("nats-server") or "/usr/bin/nats-server"
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


class NatsServer:
    """One nats-server with JetStream, on loopback; `routes` makes it one of a NATS cluster."""

    def __init__(self, name="n1", port=None, cluster_port=None, routes=()):
        self.name = name
        self.port = port or free_port()
        self.cluster_port = cluster_port
        self.routes = list(routes)
        self._directory = tempfile.TemporaryDirectory(prefix=f"gw-nats-{name}-")
        self.store = os.path.join(self._directory.name, "jetstream")
        self.process = None

    @property
    def url(self):
        return f"nats://127.0.0.1:{self.port}"

    def config_text(self):
        text = (f'server_name: "{self.name}"\nlisten: "127.0.0.1:{self.port}"\n'
                f'jetstream {{ store_dir: "{self.store}" }}\n')
        if self.cluster_port:
            routes = ", ".join(f'"nats-route://127.0.0.1:{port}"' for port in self.routes)
            text += (f'cluster {{ name: "gwtest"\n listen: "127.0.0.1:{self.cluster_port}"\n'
                     f' routes: [{routes}] }}\n')
        return text

    def start(self):
        config = os.path.join(self._directory.name, "nats.conf")
        with open(config, "w") as f:
            f.write(self.config_text())
        self.log_path = os.path.join(self._directory.name, "nats.log")
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen([NATS_SERVER, "-c", config], stdout=log, stderr=log)
        wait_for_port(self.port, self.process, f"nats-server {self.name}")
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


def nats_cluster(size=3):
    """`size` nats-servers routed to each other, not yet started."""
    cluster_ports = [free_port() for _ in range(size)]
    return [NatsServer(name=f"n{i + 1}", cluster_port=cluster_ports[i],
                       routes=[p for j, p in enumerate(cluster_ports) if j != i])
            for i in range(size)]
