"""Where a task is waiting: the coroutines it awaits through, outermost first. A test that must
act while a call is at a given step (connecting, say) waits for that step, not for a time."""

from __future__ import annotations

import asyncio
from typing import Any

#: httpx (anyio) connecting, past its first 250 ms "happy eyeballs" step: waiting in its task
#: group's exit for the attempt to end. Cancelled there, it stops only some turns later.
STILL_CONNECTING = ("connect_tcp", "__aexit__")


def await_chain(task: asyncio.Task[Any]) -> list[str]:
    """The names of the coroutines (and generators) ``task`` is suspended in, outermost first."""
    names: list[str] = []
    awaited: Any = task.get_coro()
    while awaited is not None:
        code = getattr(awaited, "cr_code", None) or getattr(awaited, "gi_code", None)
        names.append(code.co_name if code is not None else type(awaited).__name__)
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
    return names


def tasks_in(
    loop: asyncio.AbstractEventLoop, outer: str, step: tuple[str, ...]
) -> list[asyncio.Task[Any]]:
    """The tasks of ``loop`` started with coroutine ``outer`` and now suspended in ``step``
    (coroutines named in that order, each awaiting the next, maybe through others)."""
    return [task for task in asyncio.all_tasks(loop) if _passes(await_chain(task), outer, step)]


def _passes(chain: list[str], outer: str, step: tuple[str, ...]) -> bool:
    if not chain or chain[0] != outer:
        return False
    rest = iter(chain[1:])
    return all(name in rest for name in step)  # in order: each search goes on from the last
