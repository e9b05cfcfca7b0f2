"""Clients of each transport that hold a session, for the messaging tests: a request is matched
to its reply by id, and messages delivered meanwhile (they carry "from") are kept for
next_delivery. Built on the third-party clients only: requests, websocket-client, socket."""
import itertools
import socket
import time

import requests
import websocket

from gateway_support import TIMEOUT, message

_ids = itertools.count(1)


class SessionClient:
    transport = None

    def __init__(self, gateway, name, resume=None, fernet=None):
        """Opens a session with a handshake asking for `name`, or (a connection) goes on as the
        one whose resume token is `resume`; `opening` is the reply. Tokens are made under
        `fernet` (a device's own key), else the gateway's shared key."""
        self.gateway = gateway
        self.fernet = fernet or gateway.fernet
        self.token = None
        self.deliveries = []
        opening = message("resume", args=resume) if resume else message("handshake", user=name)
        self.opening = self.request(opening)
        session = (self.opening.get("data") or {}).get("session") or {}
        self.id, self.name, self.token = session.get("id"), session.get("name"), session.get("token")
        self.resume_token = session.get("resume")

    def request(self, body):
        """Sends `body` (with an id and this session's token) and returns the reply."""
        body = dict(body, id=body.get("id") or f"r{next(_ids)}")
        if self.token:
            body["token"] = self.token
        self._send(body)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            received = self._receive(deadline - time.monotonic())
            if "from" in received:
                self.deliveries.append(received)
            elif received.get("id") == body["id"]:
                return received
        raise TimeoutError(f"no reply to {body['cmd']!r} within {TIMEOUT} s")

    def next_delivery(self):
        """The next message delivered to this client (pushed, or fetched by poll on HTTP)."""
        deadline = time.monotonic() + TIMEOUT
        while not self.deliveries:
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing delivered to {self.transport} within {TIMEOUT} s")
            received = self._receive(deadline - time.monotonic())
            if "from" in received:
                self.deliveries.append(received)
        return self.deliveries.pop(0)

    def close(self):
        pass


class HttpClient(SessionClient):
    transport = "http"

    def __init__(self, gateway, name, fernet=None):
        self.http = requests.Session()
        self._reply = None
        super().__init__(gateway, name, fernet=fernet)

    def _send(self, body):
        response = self.http.post(self.gateway.http_url + "/message",
                                  data=self.gateway.encrypt(body, self.fernet), timeout=TIMEOUT + 5)
        self.status = response.status_code
        self._reply = self.gateway.decrypt(response.content, self.fernet)

    def _receive(self, timeout):
        reply, self._reply = self._reply, None
        return reply

    def next_delivery(self):
        if not self.deliveries:
            reply = self.request(message("poll", args=f"wait={TIMEOUT}"))
            self.deliveries.extend(reply["data"]["messages"])
        if not self.deliveries:
            raise TimeoutError(f"nothing delivered to http within {TIMEOUT} s")
        return self.deliveries.pop(0)

    def close(self):
        self.http.close()


class WebSocketClient(SessionClient):
    transport = "websocket"

    def __init__(self, gateway, name, resume=None, fernet=None, device=None):
        """A device (`device` its name, `fernet` its key) is welcomed under its own key."""
        self.ws, _welcome = gateway.websocket(device=device, fernet=fernet)
        super().__init__(gateway, name, resume, fernet)

    def _send(self, body):
        self.ws.send(self.gateway.encrypt(body, self.fernet).decode())

    def _receive(self, timeout):
        self.ws.settimeout(max(timeout, 0.01))
        return self.gateway.decrypt(self.ws.recv(), self.fernet)

    def close(self):
        self.ws.close()

    def drop(self):
        """Ends the connection without a goodbye (no close frame), as a lost Wi-Fi link does."""
        self.ws.sock.shutdown(socket.SHUT_RDWR)
        self.ws.sock.close()


class UdpClient(SessionClient):
    transport = "udp"

    def __init__(self, gateway, name, fernet=None):
        self.sock = gateway.udp_socket()
        super().__init__(gateway, name, fernet=fernet)

    def _send(self, body):
        self.sock.sendto(self.gateway.encrypt(body, self.fernet), self.gateway.udp_address)

    def _receive(self, timeout):
        self.sock.settimeout(max(timeout, 0.01))
        data, _ = self.sock.recvfrom(65536)
        return self.gateway.decrypt(data, self.fernet)

    def close(self):
        self.sock.close()


class TcpClient(SessionClient):
    transport = "tcp"

    def __init__(self, gateway, name, resume=None, fernet=None):
        self.sock, self.lines = gateway.tcp_connection()
        super().__init__(gateway, name, resume, fernet)

    def _send(self, body):
        self.sock.sendall(self.gateway.encrypt(body, self.fernet) + b"\n")

    def _receive(self, timeout):
        self.sock.settimeout(max(timeout, 0.01))
        line = self.lines.readline()
        if not line:
            raise ConnectionError("the gateway closed the TCP connection")
        return self.gateway.decrypt(line, self.fernet)

    def close(self):
        """Leaves: a TCP stream ends the same way whether the client left or was cut off, so it
        says bye first (nothing waits for the answer), or the session would wait to be resumed."""
        try:
            self._send(message("bye", id="bye"))
        except OSError:
            pass  # closed by the gateway already
        self.drop()

    def drop(self):
        """Ends the connection without a goodbye."""
        self.lines.close()
        self.sock.close()


CLIENT_CLASSES = (HttpClient, WebSocketClient, UdpClient, TcpClient)
