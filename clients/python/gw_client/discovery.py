"""Finding gateways that hold a key: a probe (a `handshake` with args `probe` and a random id)
sent as UDP datagrams; every gateway that can decrypt it answers once, by unicast, with its
name, id and ports. Only an answer under the key, with the probe's id and code 200, counts."""
from __future__ import annotations

import json
import secrets
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List

from cryptography.fernet import Fernet, InvalidToken

LIMITED_BROADCAST = "255.255.255.255"
MAX_ANSWER = 65536


@dataclass
class FoundGateway:
    """A gateway that answered: where it answered from, and what it said of itself."""

    address: str
    name: str
    id: str
    endpoints: Dict[str, Any] = field(default_factory=dict)  # http, ws, ws_path, udp, tcp, tls

    def port(self, transport: str) -> int:
        """Its port for "websocket", "tcp", "udp" or "http"; KeyError when it has none."""
        value = self.endpoints.get({"websocket": "ws"}.get(transport, transport))
        if not isinstance(value, int) or value <= 0:
            raise KeyError(f"{self.name} has no {transport} listener")
        return value


def discover(key: str | bytes, addresses: Iterable[str] = (LIMITED_BROADCAST,), port: int = 1234,
             timeout: float = 1.0) -> List[FoundGateway]:
    """Probes the gateways' UDP port at each of `addresses` (by default the limited broadcast
    address: every gateway of this LAN segment) and collects the answers for `timeout`
    seconds, one per gateway id, in the order they came."""
    fernet = Fernet(key)
    probe_id = "probe-" + secrets.token_hex(8)
    probe = {"userID": "", "timestamp": "", "text": "", "cmd": "handshake", "args": "probe",
             "id": probe_id}
    token = fernet.encrypt(json.dumps(probe).encode())
    found: Dict[str, FoundGateway] = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        for address in addresses:
            sock.sendto(token, (address, port))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                datagram, (sender, _) = sock.recvfrom(MAX_ANSWER)
            except socket.timeout:
                break
            try:
                # No age check: a LAN box's clock may be wrong; the probe's id is the proof.
                answer = json.loads(fernet.decrypt(datagram))
            except (InvalidToken, ValueError):
                continue
            if answer.get("id") != probe_id or answer.get("code") != 200:
                continue
            data = answer.get("data") or {}
            server = data.get("server") or {}
            gateway_id = str(server.get("id", sender))
            found.setdefault(gateway_id, FoundGateway(sender, str(server.get("name", "")),
                                                      gateway_id, data.get("endpoints") or {}))
    return list(found.values())
