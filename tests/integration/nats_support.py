"""Real nats-server processes for the cluster tests: JetStream on, a temporary store, loopback
ports only; alone or three routed together as a NATS cluster."""
import os
import shutil

from server_process import ServerProcess, free_port

NATS_SERVER = shutil.which("nats-server") or "/usr/bin/nats-server"


class NatsServer(ServerProcess):
    """One nats-server with JetStream, on loopback; `routes` makes it one of a NATS cluster."""
    config_name = "nats.conf"

    def __init__(self, name="n1", port=None, cluster_port=None, routes=()):
        super().__init__(port, prefix=f"gw-nats-{name}-")
        self.name = name
        self.what = f"nats-server {name}"
        self.cluster_port = cluster_port
        self.routes = list(routes)
        self.store = os.path.join(self.directory, "jetstream")

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

    def command(self, config_path):
        return [NATS_SERVER, "-c", config_path]


def nats_cluster(size=3):
    """`size` nats-servers routed to each other, not yet started."""
    cluster_ports = [free_port() for _ in range(size)]
    return [NatsServer(name=f"n{i + 1}", cluster_port=cluster_ports[i],
                       routes=[p for j, p in enumerate(cluster_ports) if j != i])
            for i in range(size)]
