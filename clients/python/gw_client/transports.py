"""The four ways to reach a gateway, each moving tokens (bytes) and nothing else."""
from __future__ import annotations

import socket
import urllib.error
import urllib.request
from typing import Optional

DEFAULT_PORTS = {"websocket": 8000, "tcp": 5001, "udp": 1234, "http": 5000}
MAX_TOKEN = 65536 + 1024  # the gateway's default message limit, with room for the token's frame


class Transport:
    """Sends tokens and receives them. `pushes`: the gateway sends deliveries unasked on it
    (WebSocket, TCP, UDP); over HTTP they wait in a mailbox for `poll`."""

    pushes = True

    def send(self, token: bytes) -> Optional[bytes]:
        """Sends a token; over HTTP returns the reply's token, else None."""
        raise NotImplementedError

    def receive(self, timeout: float) -> Optional[bytes]:
        """The next token, or None when none came within `timeout` seconds."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class WebSocketTransport(Transport):
    def __init__(self, host: str, port: int, timeout: float, path: str = "/ws"):
        import websocket  # optional dependency: websocket-client

        self._websocket = websocket
        self._ws = websocket.create_connection(f"ws://{host}:{port}{path}", timeout=timeout)

    def send(self, token: bytes) -> None:
        self._ws.send(token.decode())

    def receive(self, timeout: float) -> Optional[bytes]:
        self._ws.settimeout(timeout)
        try:
            data = self._ws.recv()
        except self._websocket.WebSocketTimeoutException:
            return None
        return data.encode() if isinstance(data, str) else data

    def close(self) -> None:
        self._ws.close()


class TcpTransport(Transport):
    def __init__(self, host: str, port: int, timeout: float):
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._buffer = b""

    def send(self, token: bytes) -> None:
        self._sock.sendall(token + b"\n")

    def receive(self, timeout: float) -> Optional[bytes]:
        self._sock.settimeout(timeout)
        while b"\n" not in self._buffer:
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise ConnectionError("the gateway closed the connection")
            self._buffer += chunk
            if len(self._buffer) > MAX_TOKEN and b"\n" not in self._buffer:
                raise ConnectionError("a line longer than any token")
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.rstrip(b"\r")

    def close(self) -> None:
        self._sock.close()


class UdpTransport(Transport):
    def __init__(self, host: str, port: int, timeout: float):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sock.connect((host, port))  # only the gateway's datagrams are read

    def send(self, token: bytes) -> None:
        self._sock.send(token)

    def receive(self, timeout: float) -> Optional[bytes]:
        self._sock.settimeout(timeout)
        try:
            return self._sock.recv(MAX_TOKEN)
        except (socket.timeout, ConnectionRefusedError):
            return None

    def close(self) -> None:
        self._sock.close()


class HttpTransport(Transport):
    pushes = False

    def __init__(self, host: str, port: int, timeout: float):
        self._url = f"http://{host}:{port}/message"
        self._timeout = timeout

    def send(self, token: bytes, timeout: Optional[float] = None) -> bytes:
        request = urllib.request.Request(self._url, data=token, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout or self._timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:  # a refusal still carries the reply's token
            return error.read()


def open_transport(kind: str, host: str, port: Optional[int], timeout: float) -> Transport:
    port = port or DEFAULT_PORTS[kind]
    if kind == "websocket":
        return WebSocketTransport(host, port, timeout)
    if kind == "tcp":
        return TcpTransport(host, port, timeout)
    if kind == "udp":
        return UdpTransport(host, port, timeout)
    if kind == "http":
        return HttpTransport(host, port, timeout)
    raise ValueError(f"unknown transport {kind!r}: websocket, tcp, udp or http")
