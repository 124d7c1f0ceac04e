"""The status bar's view of pacing: calls left in each service's window and any wait.

Polled once a second from what the pacers already know (no I/O, no allocation beyond a small
snapshot), and the label is only touched when its text or its tooltip changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.date_words import time_on_day
from app.domain.service_time import local_time

if TYPE_CHECKING:  # the pacers come with the session, after the first frame (and asyncio)
    from app.clients.pacing import Pacer, PacerState

POLL_MS = 1000


def describe(name: str, state: PacerState) -> str:
    """``SR 9/10``, ``Berke waiting 12 s``, ``Berke: daily limit until 14:00``…"""
    if state.daily_limit_until is not None:
        return f"{name}: daily limit until {local_time(state.daily_limit_until):%H:%M}"
    if state.asked_to_wait_until is not None:
        return f"{name}: asked to wait until {local_time(state.asked_to_wait_until):%H:%M}"
    if state.wait_seconds >= 0.5:
        text = f"{name} waiting {state.wait_seconds:.0f} s"
    else:
        text = f"{name} {max(state.calls_left, 0)}/{state.max_calls}"
    if state.queued:
        text += f" ({state.queued} queued)"
    return text


def _tooltip(name: str, state: PacerState) -> str:
    lines = [
        f"{name}: {max(state.calls_left, 0)} of {state.max_calls} calls left in "
        f"{state.window_seconds:g} s; {state.in_flight} under way, {state.queued} waiting."
    ]
    if state.service_remaining is not None:
        lines.append(f"{name} itself reports {state.service_remaining} calls left.")
    if state.daily_limit_until is not None:
        when = time_on_day(local_time(state.daily_limit_until))
        lines.append(f"{name}'s daily limit is reached; calls resume at {when}.")
    elif state.asked_to_wait_until is not None:
        when = time_on_day(local_time(state.asked_to_wait_until))
        lines.append(f"{name} asked for a wait (too many calls); calls resume at {when}.")
    return "\n".join(lines)


class PacingStatus(QLabel):
    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pacingLabel")
        self.setAccessibleName("Calls left per service")
        self._now = now
        self._pacers: list[tuple[str, Pacer]] = []
        self.timer = QTimer(self)
        self.timer.setObjectName("pacingTimer")
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.refresh)

    def set_pacers(self, pacers: list[tuple[str, Pacer]]) -> None:
        """The services' pacers by short name (the board's ``pacing()``); none: nothing shown."""
        self._pacers = list(pacers)
        self.refresh()
        if self._pacers:
            self.timer.start()
        else:
            self.timer.stop()

    def refresh(self) -> None:
        now = self._now()
        states = [(name, pacer.state(now)) for name, pacer in self._pacers]
        text = " · ".join(describe(name, state) for name, state in states)
        if text != self.text():
            self.setText(text)
        # Apart from the text: a call that ended, or the service's own count arriving, leaves
        # "Berke 119/120" as it was, and the tooltip said "1 under way" for the window's 60 s.
        tooltip = "\n".join(_tooltip(name, state) for name, state in states)
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)
