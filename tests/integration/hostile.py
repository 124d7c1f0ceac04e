"""A tiny raw HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose: endless bodies, bodies
or headers trickling a byte at a time, absurd lengths. Real sockets, so the clients' streaming,
limits and deadlines are tried as they run, not through a mock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from types import TracebackType

Script = Callable[["HostileServer", asyncio.StreamWriter], Awaitable[None]]

CHUNK = 64 * 1024


class HostileServer:
    """Answers every request with ``script``; counts requests and bytes sent, and says when a
    connection has ended (the client hung up or the script finished)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[bytes] = []  # each request's head
        self.sent = 0  # body bytes written in all
        self.connection_ended = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> HostileServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        handlers = list(self._handlers)
        for task in handlers:  # scripts that write for ever stop here
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head)
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            await self.script(self, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up: that is what most scripts wait for
        finally:
            self._handlers.discard(task)
            self.connection_ended.set()
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def write(self, writer: asyncio.StreamWriter, data: bytes, *, body: bool = True) -> None:
        writer.write(data)
        await writer.drain()
        if body:
            self.sent += len(data)


def head(status: str = "200 OK", *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers, "", ""]
    return "\r\n".join(lines).encode("ascii")


def endless_body(total: int, *headers: str) -> Script:
    """A 200 without a length, then ``total`` bytes as fast as the client takes them (far more
    than any limit: the client must hang up long before the end)."""

    async def script(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        await server.write(writer, head("200 OK", "Connection: close", *headers), body=False)
        while server.sent < total:
            await server.write(writer, b"x" * CHUNK)

    return script


def trickling_body(every: float) -> Script:
    """A 200 announcing a small JSON body, sent one byte every ``every`` seconds, for ever."""

    async def script(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        await server.write(
            writer, head("200 OK", "Content-Type: application/json", "Content-Length: 100000"),
            body=False,
        )  # fmt: skip
        while True:
            await server.write(writer, b" ")
            await asyncio.sleep(every)

    return script


def trickling_head(every: float) -> Script:
    """A status line, then header bytes one every ``every`` seconds: the answer never starts."""

    async def script(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        await server.write(writer, b"HTTP/1.1 200 OK\r\nX-Slow: ", body=False)
        while True:
            await server.write(writer, b"a", body=False)
            await asyncio.sleep(every)

    return script


def declared_length(length: int) -> Script:
    """Headers announcing ``length`` bytes, a first chunk, then a wait for the client to leave."""

    async def script(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        await server.write(writer, head("200 OK", f"Content-Length: {length}"), body=False)
        while True:
            await server.write(writer, b"x" * CHUNK)

    return script
