"""The asyncio flavour of Client: the same session, its blocking calls run in a thread so that
the event loop goes on, callbacks and service handlers run on the loop (coroutines or plain
functions)."""
from __future__ import annotations

import asyncio
import functools
import inspect
from typing import Any, Awaitable, Callable, Optional, Union

from .client import Client, Message

Callback = Callable[[Message], Union[None, Awaitable[None]]]
AsyncServiceHandler = Callable[[Message], Union[Optional[Message], Awaitable[Optional[Message]]]]


class AsyncClient:
    """`client = await AsyncClient.connect(key, host, transport=..., name=...)`, or
    `async with await AsyncClient.connect(...) as client:`. Every method of Client that waits
    for the gateway is a coroutine here; `subscribe` callbacks and `provide` handlers run on
    the event loop that connected."""

    def __init__(self, client: Client, loop: asyncio.AbstractEventLoop):
        self.client = client
        self._loop = loop
        self._tasks: set = set()  # callbacks' coroutines, held until done

    @classmethod
    async def connect(cls, key: str | bytes, host: str = "127.0.0.1", **options: Any) -> "AsyncClient":
        """Opens the session (Client's arguments) without blocking the loop."""
        loop = asyncio.get_running_loop()
        client = await asyncio.to_thread(functools.partial(Client, key, host, **options))
        return cls(client, loop)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    @property
    def id(self) -> str:
        return self.client.id

    @property
    def name(self) -> str:
        return self.client.name

    async def close(self) -> None:
        await asyncio.to_thread(self.client.close)

    async def request(self, cmd: str, **fields: Any) -> Message:
        return await asyncio.to_thread(functools.partial(self.client.request, cmd, **fields))

    async def ping(self) -> float:
        return await asyncio.to_thread(self.client.ping)

    async def send(self, to: str, text: str = "", data: Any = None) -> Message:
        return await asyncio.to_thread(self.client.send, to, text, data)

    async def broadcast(self, text: str, data: Any = None) -> Message:
        return await asyncio.to_thread(self.client.broadcast, text, data)

    async def publish(self, topic: str, data: Any = None, text: str = "",
                      retain: bool = False) -> Message:
        return await asyncio.to_thread(self.client.publish, topic, data, text, retain)

    async def call(self, name: str, data: Any = None, args: str = "", text: str = "") -> Message:
        return await asyncio.to_thread(self.client.call, name, data, args, text)

    async def poll(self, wait: int = 0, ack: Optional[int] = None) -> Message:
        return await asyncio.to_thread(self.client.poll, wait, ack)

    async def receive(self, timeout: Optional[float] = None) -> Optional[Message]:
        return await asyncio.to_thread(self.client.receive, timeout)

    async def subscribe(self, topic_filter: str, callback: Callback) -> Message:
        """`callback` (a coroutine function or a plain one) runs on the loop with each
        publication on a topic the filter matches."""
        def on_loop(message: Message) -> None:
            self._loop.call_soon_threadsafe(self._run_callback, callback, message)

        return await asyncio.to_thread(self.client.subscribe, topic_filter, on_loop)

    async def provide(self, name: str, handler: AsyncServiceHandler,
                      description: str = "") -> Message:
        """Serves command `name`; `handler(call)` (a coroutine function or a plain one) runs on
        the loop and returns what Client.provide's handler returns."""
        def on_loop(call: Message) -> Optional[Message]:
            future = asyncio.run_coroutine_threadsafe(self._answer(handler, call), self._loop)
            return future.result(self.client.timeout)

        return await asyncio.to_thread(self.client.provide, name, on_loop, description)

    def _run_callback(self, callback: Callback, message: Message) -> None:
        result = callback(message)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _answer(handler: AsyncServiceHandler, call: Message) -> Optional[Message]:
        answer = handler(call)
        if inspect.isawaitable(answer):
            return await answer
        return answer
