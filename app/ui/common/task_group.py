"""A widget's background work: each task kept referenced until it ends (a task nobody holds may
be collected mid-flight), and named tasks that cancel their stale predecessor, so that only the
latest search or selection may paint its answer."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

if TYPE_CHECKING:  # loaded by the app's loop, after the first frame (app.ui.application)
    import asyncio


async def until_ended(tasks: set[asyncio.Task[Any]]) -> None:
    """Until every task of ``tasks`` (a set its tasks leave as they end) has ended, cancelled
    ones included. ``asyncio.wait``, not ``gather``: a task's unexpected failure stays
    unretrieved, and is still reported the one way every error goes."""
    import asyncio

    while tasks:
        await asyncio.wait(list(tasks))


class NamedTasks:
    """The tasks one widget started; ``start(coro, name=...)`` cancels the previous ``name``.
    With an ``owner``, what is still running is cancelled when the owner is destroyed (its
    window closed under it, say): the tasks would otherwise paint on widgets that are gone."""

    def __init__(self, owner: QObject | None = None) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._latest: dict[str, asyncio.Task[Any]] = {}
        if owner is not None:
            owner.destroyed.connect(lambda *_args: self.cancel_all())

    def start(
        self, coro: Coroutine[Any, Any, Any], *, name: str | None = None
    ) -> asyncio.Task[Any]:
        """Run ``coro`` on the running loop; a named start supersedes that name's last task."""
        import asyncio

        if name is not None:
            self.cancel(name)
        task = asyncio.ensure_future(coro)
        self._running.add(task)
        task.add_done_callback(self._ended)
        if name is not None:
            self._latest[name] = task
        return task

    def latest(self, name: str) -> asyncio.Task[Any] | None:
        """The last task started under ``name`` (it may have ended)."""
        return self._latest.get(name)

    def is_latest(self, name: str, task: asyncio.Task[Any] | None) -> bool:
        return task is not None and self._latest.get(name) is task

    def cancel(self, name: str) -> None:
        task = self._latest.get(name)
        if task is not None and not task.done():
            task.cancel()

    def cancel_all(self) -> None:
        for task in list(self._running):
            task.cancel()

    def has_running(self) -> bool:
        return bool(self._running)

    async def wait_idle(self) -> None:
        """Wait until every task started here has ended (tests, and a tidy close)."""
        import asyncio

        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._running.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            # Expected failures are handled inside the task: what arrives here is a bug, and
            # goes the one way every error goes (the loop's handler reports to the notifier).
            task.get_loop().call_exception_handler(
                {"message": "A background task failed", "exception": exc, "task": task}
            )
