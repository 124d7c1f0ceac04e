"""A watcher the caller of a call sets, told just before each of its requests that may change
something (not a GET, nor a Berke read, though a POST) leaves, after the pacer's and a 429's
waits, and told again when the service's answer shows the request was not carried out (a 429:
"a denied call is not executed"). Whoever must know whether a change may have reached the
service (the journal, for one it cannot tell was carried out) learns it then, not when the call
began or ended: the app may stop while the client waits out a 429. Set in a context, so it
follows the call through the client and nothing else (another task's calls do not see it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol


class SendWatcher(Protocol):
    async def sending(self) -> None:
        """A request that may change something leaves now."""

    async def not_carried_out(self) -> None:
        """The service's answer to it shows it was not carried out."""


_WATCHER: ContextVar[SendWatcher | None] = ContextVar("send_watcher", default=None)


@contextmanager
def watching_sends(watcher: SendWatcher) -> Iterator[None]:
    """Within the block, ``watcher`` is told of each change request sent, and of its denial."""
    token = _WATCHER.set(watcher)
    try:
        yield
    finally:
        _WATCHER.reset(token)


async def about_to_send() -> None:
    """Called by the client just before a request that may change something leaves."""
    watcher = _WATCHER.get()
    if watcher is not None:
        await watcher.sending()


async def denied() -> None:
    """Called by the client when the service denied such a request (a 429)."""
    watcher = _WATCHER.get()
    if watcher is not None:
        await watcher.not_carried_out()
