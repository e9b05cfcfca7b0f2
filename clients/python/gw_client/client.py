"""A session with a gateway: requests matched to their replies by id, deliveries handed to
subscriptions or kept for `receive`, and services this client provides answered as calls come."""
from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

from cryptography.fernet import Fernet, InvalidToken

from .topics import topic_matches
from .transports import Transport, open_transport

Message = Dict[str, Any]
ServiceHandler = Callable[[Message], Optional[Message]]


def key_from_file(path: str) -> str:
    """The key a gateway's key file (gw.key) makes tokens under: its first key line (comments
    start with #; later lines are older keys still read)."""
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                return line
    raise ValueError(f"{path} holds no key")


class GatewayError(Exception):
    """The gateway refused a request: `code` (400, 403, 404, 504, ...) and its words."""

    def __init__(self, code: int, text: str, reply: Message):
        super().__init__(f"{code}: {text}")
        self.code = code
        self.text = text
        self.reply = reply


class Client:
    """A session with one gateway over one transport ("websocket", "tcp", "udp", "http").

    `key` is the gateway's Fernet key (or a device's own). The handshake happens here; `name`
    is the name asked for. Replies come within `timeout` seconds or raise TimeoutError.
    `offers` is what the handshake says this client answers (`ask` checks it); by default the
    gateway's `ping`, which the client answers by itself over a transport that pushes, so that
    the gateway's ping service measures its round trip."""

    def __init__(self, key: str | bytes, host: str = "127.0.0.1", *, transport: str = "websocket",
                 port: Optional[int] = None, name: str = "", timeout: float = 10.0,
                 workers: int = 4, offers: Optional[Dict[str, List[str]]] = None):
        self._fernet = Fernet(key)
        self._timeout = timeout
        self._transport: Transport = open_transport(transport, host, port, timeout)
        self.transport = transport
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._waiting: Dict[str, "queue.Queue[Message]"] = {}
        self._subscriptions: Dict[str, List[Callable[[Message], None]]] = {}
        self._services: Dict[str, ServiceHandler] = {}
        self._inbox: "queue.Queue[Message]" = queue.Queue()
        self._http_lock = threading.Lock()
        self._closed = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gw-service")
        self._reader: Optional[threading.Thread] = None
        self.token = ""
        self.welcome: Optional[Message] = None
        if self._transport.pushes:
            self._reader = threading.Thread(target=self._read, name="gw-reader", daemon=True)
            self._reader.start()
        if offers is None:
            offers = {"commands": ["ping"]} if self._transport.pushes else {"commands": []}
        welcome = self.request("handshake", user_id=name, data=offers)
        session = (welcome.get("data") or {}).get("session") or {}
        self.id: str = session.get("id", "")
        self.name: str = session.get("name", name)
        self.token = session.get("token") or ""

    # The session.
    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Says goodbye (the session ends) and closes the transport."""
        if self._closed.is_set():
            return
        try:
            self.request("bye", timeout=min(self._timeout, 2.0))
        except (GatewayError, TimeoutError, OSError, ConnectionError):
            pass
        self._closed.set()
        self._transport.close()
        if self._reader:
            self._reader.join(self._timeout)
        self._pool.shutdown(wait=False)

    # Requests.
    def request(self, cmd: str, *, args: str = "", text: str = "", data: Any = None,
                timeout: Optional[float] = None, **fields: Any) -> Message:
        """Sends a message with `cmd` and returns the gateway's reply; raises GatewayError
        when the reply's code is 400 or more. `fields`: to, topic, retain, user_id (userID)."""
        body: Message = {"userID": fields.pop("user_id", self.__dict__.get("name", "")),
                         "timestamp": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                         "text": text, "cmd": cmd, "args": args, "id": f"py{next(self._ids)}"}
        if data is not None:
            body["data"] = data
        if self.token:
            body["token"] = self.token
        body.update(fields)
        reply = self._exchange(body, timeout or self._timeout)
        code = reply.get("code", 200)
        if code >= 400:
            raise GatewayError(code, reply.get("text", ""), reply)
        return reply

    def ping(self) -> float:
        """The round trip of a `ping`, in seconds."""
        started = time.monotonic()
        self.request("ping")
        return time.monotonic() - started

    def send(self, to: str, text: str = "", data: Any = None) -> Message:
        """Delivers a message to one client, by id or name."""
        return self.request("send", to=to, text=text, data=data)

    def broadcast(self, text: str, data: Any = None) -> Message:
        return self.request("broadcast", text=text, data=data)

    def publish(self, topic: str, data: Any = None, text: str = "", retain: bool = False) -> Message:
        fields: Dict[str, Any] = {"topic": topic}
        if retain:
            fields["retain"] = True
        return self.request("publish", text=text, data=data, **fields)

    def subscribe(self, topic_filter: str, callback: Callable[[Message], None]) -> Message:
        """Calls `callback` (on the reader thread: keep it short) with each publication on a
        topic `topic_filter` matches (MQTT wildcards + and #)."""
        with self._lock:
            self._subscriptions.setdefault(topic_filter, []).append(callback)
        return self.request("subscribe", topic=topic_filter)

    def call(self, name: str, data: Any = None, args: str = "", text: str = "") -> Message:
        """Calls a command, usually a service another client provides; returns its reply."""
        return self.request(name, args=args, text=text, data=data)

    def provide(self, name: str, handler: ServiceHandler, description: str = "") -> Message:
        """Serves command `name` to every client: `handler(call)` runs on a worker thread for
        each call and returns a dict of code, text and data (code 200 if absent), or None to
        answer nothing. An exception becomes a 500 with its words."""
        if not self._transport.pushes:
            raise ValueError("a provider needs calls pushed to it: websocket, tcp or udp")
        with self._lock:
            self._services[name] = handler
        return self.request("provide", args=name, data={"description": description})

    def receive(self, timeout: Optional[float] = None) -> Optional[Message]:
        """The next message delivered that no subscription took (send, chat, broadcast), or
        None after `timeout`. Over HTTP this polls the session's mailbox."""
        if not self._transport.pushes:
            waited = int(timeout if timeout is not None else self._timeout)
            messages = self.request("poll", args=f"wait={waited}",
                                    timeout=waited + self._timeout)["data"]["messages"]
            for message in messages:
                self._route(message)
        try:
            return self._inbox.get(timeout=0 if not self._transport.pushes else
                                   (timeout if timeout is not None else self._timeout))
        except queue.Empty:
            return None

    # Underneath.
    def _exchange(self, body: Message, timeout: float) -> Message:
        token = self._fernet.encrypt(json.dumps(body).encode())
        if not self._transport.pushes:
            with self._http_lock:
                return self._decrypt(self._transport.send(token, timeout))  # type: ignore[call-arg]
        slot: "queue.Queue[Message]" = queue.Queue(maxsize=1)
        with self._lock:
            self._waiting[body["id"]] = slot
        try:
            self._transport.send(token)
            try:
                return slot.get(timeout=timeout)
            except queue.Empty:
                raise TimeoutError(f"no reply to {body['cmd']!r} within {timeout} s") from None
        finally:
            with self._lock:
                self._waiting.pop(body["id"], None)

    def _decrypt(self, token: bytes) -> Message:
        try:
            return json.loads(self._fernet.decrypt(token.strip()))
        except InvalidToken:
            raise GatewayError(400, "a reply not under this key", {}) from None

    def _read(self) -> None:
        while not self._closed.is_set():
            try:
                token = self._transport.receive(0.2)
            except (OSError, ConnectionError, Exception):  # the connection ended
                if not self._closed.is_set():
                    self._closed.set()
                return
            if token is None:
                continue
            try:
                message = self._decrypt(token)
            except GatewayError:
                continue
            self._route(message)

    def _route(self, message: Message) -> None:
        with self._lock:
            waiter = self._waiting.get(message.get("id", ""))
            handler = self._services.get(message.get("cmd", ""))
            callbacks = [callback for topic_filter, callbacks in self._subscriptions.items()
                         if "topic" in message and topic_matches(topic_filter, message["topic"])
                         for callback in callbacks]
        if waiter is not None and "from" not in message:
            waiter.put(message)
        elif message.get("cmd") == "welcome" and "from" not in message:
            self.welcome = message  # what a WebSocket gateway says first: not a delivery
        elif handler is not None and str(message.get("id", "")).startswith("gw-"):
            self._pool.submit(self._serve, handler, message)
        elif message.get("cmd") == "ping" and str(message.get("id", "")).startswith("gw-"):
            self._pool.submit(self._serve, lambda _: {"text": "pong"}, message)  # the ping service
        elif callbacks:
            for callback in callbacks:
                callback(message)
        else:
            self._inbox.put(message)

    def _serve(self, handler: ServiceHandler, call: Message) -> None:
        try:
            answer = handler(call)
        except Exception as error:  # the caller hears of it; the provider goes on
            answer = {"code": 500, "text": f"{type(error).__name__}: {error}"}
        if answer is None:
            return
        reply: Message = {"userID": self.name, "timestamp": "", "text": answer.get("text", ""),
                          "cmd": call["cmd"], "args": "", "id": call["id"],
                          "code": answer.get("code", 200)}
        if answer.get("data") is not None:
            reply["data"] = answer["data"]
        if self.token:
            reply["token"] = self.token
        self._transport.send(self._fernet.encrypt(json.dumps(reply).encode()))
