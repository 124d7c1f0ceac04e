"""The pacing label: how many calls are left, how many wait, and short waits said."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.clients.pacing import PacerState
from app.ui.pacing_status import PacingStatus, describe

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def state(**over: object) -> PacerState:
    base: dict[str, object] = dict(
        calls_left=9, max_calls=10, window_seconds=10.0, in_flight=0, queued=0, wait_seconds=0.0
    )
    base.update(over)
    return PacerState(**base)  # type: ignore[arg-type]


def test_calls_left_and_queued() -> None:
    assert describe("SR", state()) == "SR 9/10"
    assert describe("SR", state(calls_left=0, queued=3)) == "SR 0/10 (3 queued)"
    assert describe("SR", state(calls_left=-2)) == "SR 0/10"


def test_a_short_wait_is_said() -> None:
    assert describe("Berke", state(wait_seconds=2.0)) == "Berke waiting 2 s"
    assert describe("Berke", state(wait_seconds=0.6, queued=1)) == "Berke waiting 1 s (1 queued)"
    assert describe("Berke", state(wait_seconds=0.4)) == "Berke 9/10"


class FakePacer:
    def __init__(self, s: PacerState) -> None:
        self.s = s

    def state(self, _now: object) -> PacerState:
        return self.s


def test_label_and_tooltip_follow_the_pacer(qtbot: QtBot) -> None:
    label = PacingStatus()
    qtbot.addWidget(label)
    pacer = FakePacer(state(in_flight=1))
    label.set_pacers([("SR", pacer)])  # type: ignore[list-item]
    assert label.timer.isActive()
    assert label.text() == "SR 9/10"
    assert "1 under way" in label.toolTip()
    pacer.s = state(in_flight=0)  # the call ended: the text is the same, the tooltip not
    label.refresh()
    assert "0 under way" in label.toolTip()
    label.set_pacers([])
    assert not label.timer.isActive()
    assert label.text() == ""


def test_a_long_wait_the_service_asked_for_is_said_with_its_end(qtbot: QtBot) -> None:
    """A 429 asking for an hour holds every call (the client refuses them, each saying when),
    and the bar said "SR 10/10" all along, as if calls went: it says the wait and its end."""
    from datetime import UTC, datetime

    from app.domain.service_time import local_time

    until = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    at = f"{local_time(until):%H:%M}"
    assert describe("SR", state(asked_to_wait_until=until)) == f"SR: asked to wait until {at}"
    label = PacingStatus()
    qtbot.addWidget(label)
    label.set_pacers([("SR", FakePacer(state(asked_to_wait_until=until)))])  # type: ignore[list-item]
    assert "SR asked for a wait (too many calls); calls resume at" in label.toolTip()
    assert at in label.toolTip()
