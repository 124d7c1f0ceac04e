"""A widget's tasks end with the widget: none paints on a widget that is gone."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.common.task_group import NamedTasks


def test_an_owners_tasks_are_cancelled_when_it_is_destroyed(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    owner = QWidget()
    tasks = NamedTasks(owner)
    never = tasks.start(asyncio.Event().wait(), name="save")
    owner.deleteLater()  # its window closed under it, with the work still going
    qtbot.waitUntil(never.done, timeout=30_000)
    assert never.cancelled()
