"""A session with a gateway: requests matched to their replies by id, deliveries handed to
subscriptions or kept for `receive`, and services this client provides answered as calls come."""
from __future__ import annotations

import itertools
import json
import queue
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, List, Optional

from cryptography.fernet import Fernet, InvalidToken

from .discovery import LIMITED_BROADCAST, discover
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


RECONNECT_FIRST_WAIT = 0.5  # seconds; doubling up to the last, with jitter
RECONNECT_LAST_WAIT = 15.0


class Client:
    """A session with one gateway over one transport ("websocket", "tcp", "udp", "http").

    `key` is the gateway's Fernet key (or a device's own). The handshake happens here; `name`
    is the name asked for. Replies come within `timeout` seconds or raise TimeoutError.
    `offers` is what the handshake says this client answers (`ask` checks it); by default the
    gateway's `ping`, which the client answers by itself over a transport that pushes, so that
    the gateway's ping service measures its round trip.

    Over WebSocket and TCP the session outlives its connection: when the connection is lost,
    the client connects again (`reconnect`, waits doubling from 0.5 s to 15 s) and resumes the
    session, so that what was delivered meanwhile arrives first, in order; then it provides its
    services again. `resume` starts by resuming an earlier session (its `resume_token`), for a
    program that restarted; when the gateway no longer has it, a new session begins."""

    def __init__(self, key: str | bytes, host: str = "127.0.0.1", *, transport: str = "websocket",
                 port: Optional[int] = None, name: str = "", timeout: float = 10.0,
                 workers: int = 4, offers: Optional[Dict[str, List[str]]] = None,
                 reconnect: bool = True, resume: Optional[str] = None):
        self._fernet = Fernet(key)
        self._timeout = timeout
        self._address = (transport, host, port)
        self._transport: Transport = open_transport(transport, host, port, timeout)
        self.transport = transport
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._waiting: Dict[str, "queue.Queue[Message]"] = {}
        self._subscriptions: Dict[str, List[Callable[[Message], None]]] = {}
        self._services: Dict[str, ServiceHandler] = {}
        self._descriptions: Dict[str, str] = {}
        self._inbox: "queue.Queue[Message]" = queue.Queue()
        self._http_lock = threading.Lock()
        self._closed = threading.Event()
        self._connected = threading.Event()
        self._connected.set()
        self._reconnect = reconnect and transport in ("websocket", "tcp")
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gw-service")
        self._reader: Optional[threading.Thread] = None
        self.token = ""
        self.welcome: Optional[Message] = None
        self.resume_token: Optional[str] = None
        self.reconnects = 0  # connections made again after a loss
        if offers is None:
            offers = {"commands": ["ping"]} if self._transport.pushes else {"commands": []}
        self._offers = offers
        self.id = ""
        self.name = name
        self._start_reader()
        if not (resume and self._resume(resume)):
            self._handshake()

    @classmethod
    def discovered(cls, key: str | bytes, *, transport: str = "websocket",
                   addresses: Iterable[str] = (LIMITED_BROADCAST,), probe_port: int = 1234,
                   probe_timeout: float = 1.0, **options: Any) -> "Client":
        """A session with the first gateway that answers a probe (see `discover`), on its port
        for `transport`. Raises LookupError when none answers."""
        for gateway in discover(key, addresses, probe_port, probe_timeout):
            try:
                port = gateway.port(transport)
            except KeyError:
                continue
            return cls(key, gateway.address, transport=transport, port=port, **options)
        raise LookupError(f"no gateway with this key answered a probe within {probe_timeout} s")

    def _start_reader(self) -> None:
        if self._transport.pushes:
            self._reader = threading.Thread(target=self._read, name="gw-reader", daemon=True)
            self._reader.start()

    def _handshake(self) -> None:
        welcome = self.request("handshake", user_id=self.name, data=self._offers)
        self._take_session(welcome)

    def _resume(self, resume_token: str) -> bool:
        """Goes on as the session of `resume_token`; False when the gateway no longer has it."""
        try:
            self._take_session(self.request("resume", args=resume_token))
            return True
        except GatewayError:
            return False

    def _take_session(self, reply: Message) -> None:
        session = (reply.get("data") or {}).get("session") or {}
        self.id = session.get("id", self.id)
        self.name = session.get("name", self.name)
        self.token = session.get("token") or ""
        self.resume_token = session.get("resume") or self.resume_token

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
        self._connected.set()  # wakes a request waiting for a connection: it fails at once
        self._transport.close()
        if self._reader and self._reader is not threading.current_thread():
            self._reader.join(self._timeout)
        self._pool.shutdown(wait=False)

    @property
    def timeout(self) -> float:
        """Seconds a reply is waited for."""
        return self._timeout

    @property
    def connected(self) -> bool:
        """False while a lost connection is being made again, and once closed."""
        return self._connected.is_set() and not self._closed.is_set()

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
            self._descriptions[name] = description
        return self.request("provide", args=name, data={"description": description})

    def poll(self, wait: int = 0, ack: Optional[int] = None) -> Message:
        """What waits in this session's mailbox (HTTP's way of receiving): `data` with
        `messages`, `lost`, `left` and `last_seq`. `wait` holds an empty poll open up to that
        many seconds. `ack`: at least once; the messages numbered up to `ack` are forgotten and
        those returned are kept until a later poll acknowledges them (`ack=0` to start, then the
        `last_seq` handled), so a program killed meanwhile gets them again."""
        args = f"wait={wait}" if wait else ""
        if ack is not None:
            args = f"{args} ack={ack}".strip()
        return self.request("poll", args=args, timeout=wait + self._timeout)["data"]

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
        if not self._connected.wait(timeout) or self._closed.is_set():
            raise ConnectionError("not connected to the gateway" +
                                  ("" if self._closed.is_set() else ": connecting again"))
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
        transport = self._transport
        while not self._closed.is_set():
            try:
                token = transport.receive(0.2)
            except Exception:  # the connection ended
                if self._closed.is_set() or transport is not self._transport:
                    return  # closed, or replaced by a new connection
                if not self._reconnect or self.resume_token is None:
                    self._closed.set()
                    return
                self._connected.clear()
                threading.Thread(target=self._connect_again, name="gw-reconnect",
                                 daemon=True).start()
                return
            if token is None:
                continue
            try:
                message = self._decrypt(token)
            except GatewayError:
                continue
            self._route(message)

    def _connect_again(self) -> None:
        """Opens a new connection and resumes the session on it (or, when the gateway no
        longer has it, begins a new one with the same subscriptions), then provides again."""
        wait = RECONNECT_FIRST_WAIT
        while not self._closed.is_set():
            self._closed.wait(wait * random.uniform(0.5, 1.0))
            wait = min(wait * 2, RECONNECT_LAST_WAIT)
            if self._closed.is_set():
                return
            try:
                kind, host, port = self._address
                lost, self._transport = self._transport, open_transport(kind, host, port,
                                                                        self._timeout)
                lost.close()
            except OSError:
                continue
            self._start_reader()
            self._connected.set()
            try:
                resumed = self._resume(self.resume_token or "")
                if not resumed:
                    self._handshake()
            except GatewayError:
                self._connected.clear()
                continue  # refused for now (a rate limit): a new connection, later
            except (TimeoutError, OSError, ConnectionError):
                return  # lost again: the new connection's reader connects again
            again = [("provide", name, {"description": description})
                     for name, description in list(self._descriptions.items())]
            if not resumed:
                again = [("subscribe", topic_filter, None) for topic_filter
                         in list(self._subscriptions)] + again
            for cmd, target, data in again:
                try:
                    if cmd == "subscribe":
                        self.request(cmd, topic=target)
                    else:
                        self.request(cmd, args=target, data=data)
                except (GatewayError, TimeoutError, OSError, ConnectionError):
                    pass  # refused now (permissions changed) or lost: the rest still matter
            self.reconnects += 1
            return

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
