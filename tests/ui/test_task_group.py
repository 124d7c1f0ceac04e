"""Named tasks: a newer start cancels the stale one, references are kept until the end, and a
task that fails unexpectedly is reported the one way every error goes (the loop's handler), and
a widget's tasks end with the widget: none paints on a widget that is gone."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.common.task_group import NamedTasks


def test_a_newer_named_task_cancels_the_stale_one() -> None:
    async def main() -> None:
        tasks = NamedTasks()
        stale = tasks.start(asyncio.sleep(10), name="search")
        fresh = tasks.start(asyncio.sleep(0, result="fresh"), name="search")
        other = tasks.start(asyncio.sleep(0, result="other"), name="detail")
        await tasks.wait_idle()
        assert stale.cancelled()
        assert fresh.result() == "fresh"
        assert other.result() == "other"
        assert tasks.is_latest("search", fresh)
        assert not tasks.is_latest("search", stale)
        assert tasks.latest("nothing") is None

    asyncio.run(main())


def test_an_unexpected_failure_goes_to_the_loop_handler() -> None:
    reported: list[dict[str, Any]] = []

    async def fail() -> None:
        raise RuntimeError("a bug")

    async def main() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: reported.append(ctx))
        tasks = NamedTasks()
        tasks.start(fail())
        await tasks.wait_idle()

    asyncio.run(main())
    assert [str(ctx["exception"]) for ctx in reported] == ["a bug"]


def test_an_owners_tasks_are_cancelled_when_it_is_destroyed(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    owner = QWidget()
    tasks = NamedTasks(owner)
    never = tasks.start(asyncio.Event().wait(), name="save")
    owner.deleteLater()  # its window closed under it, with the work still going
    qtbot.waitUntil(never.done)
    assert never.cancelled()
