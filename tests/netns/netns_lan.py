"""A simulated LAN made of network namespaces: one namespace holds a bridge, and each host is a
namespace whose `eth0` is plugged into it. Everything, the bridge included, lives in namespaces
this module creates, and close() deletes them all; nothing is added to the host's own network.
"""
import os
import shutil
import subprocess


def netns_unavailable_reason():
    """None when a namespace LAN can be made here, else why not (for a skip message). Tries
    what the LAN needs: a namespace, a command run inside it, a bridge and a veth pair."""
    if os.geteuid() != 0:
        return "network namespaces need root (run the suite as root to test discovery on a LAN)"
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    trial = NetnsLan({"host": 1}, tag="trial")
    try:
        trial.start()
        trial.run("host", ["ip", "link", "show", "eth0"], check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or b"")
        output = output.decode() if isinstance(output, bytes) else output
        return f"cannot build a network-namespace LAN here: {' '.join(error.cmd)}: {output.strip()}"
    finally:
        trial.close()
    return None


class NetnsLan:
    """Hosts on one /24 behind a bridge: NetnsLan({"a": 1, "client": 10}) gives a at
    SUBNET.1 and client at SUBNET.10."""

    def __init__(self, hosts, subnet="10.77.0", tag="lan"):
        self.subnet = subnet
        self.prefix = f"gw{os.getpid()}{tag}-"
        self.hosts = dict(hosts)
        self.created = []

    def namespace(self, host):
        return self.prefix + host

    def address(self, host):
        return f"{self.subnet}.{self.hosts[host]}"

    @property
    def network(self):
        return f"{self.subnet}.0/24"

    def exec_prefix(self, host):
        return ["ip", "netns", "exec", self.namespace(host)]

    def _ip(self, *args):
        subprocess.run(["ip", *args], check=True, capture_output=True, text=True)

    def _add_namespace(self, name):
        self._ip("netns", "add", name)
        self.created.append(name)
        self._ip("-n", name, "link", "set", "lo", "up")

    def start(self):
        try:
            switch = self.prefix + "switch"
            self._add_namespace(switch)
            self._ip("-n", switch, "link", "add", "br0", "type", "bridge")
            self._ip("-n", switch, "link", "set", "br0", "up")
            for index, host in enumerate(self.hosts):
                name = self.namespace(host)
                self._add_namespace(name)
                port = f"port{index}"
                self._ip("-n", switch, "link", "add", port, "type", "veth", "peer", "name",
                         "eth0", "netns", name)
                self._ip("-n", switch, "link", "set", port, "master", "br0", "up")
                self._ip("-n", name, "addr", "add", f"{self.address(host)}/24", "brd", "+",
                         "dev", "eth0")
                self._ip("-n", name, "link", "set", "eth0", "up")
        except Exception:
            self.close()
            raise
        return self

    def run(self, host, args, **options):
        """Runs a command on a host and returns the CompletedProcess."""
        return subprocess.run([*self.exec_prefix(host), *args], **options)

    def close(self):
        """Deletes every namespace made (their veth pairs go with them)."""
        for name in reversed(self.created):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        self.created = []
