"""Automatic delivery holds an order refused for Berke's answer, never for a wait (a 429, a
5xx, the network): said once per reason, tried again after a while or when Berke's side
changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.clients.errors import ApiError, NetworkError, ServerError, Service, ThrottledError
from app.workflows.board import _lasting
from app.workflows.held_deliveries import HeldDeliveries
from app.workflows.outbox import is_permanent

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_hold_is_news_once_per_reason() -> None:
    held = HeldDeliveries(retry_after=timedelta(hours=1))
    assert held.hold("o1", "no score", NOW)
    assert not held.hold("o1", "no score", NOW + timedelta(hours=2))  # tried again: same
    assert held.hold("o1", "no job id", NOW + timedelta(hours=3))  # another reason: news
    assert held.reason("o1") == "no job id"
    assert held.reason("o2") is None


def test_a_held_order_waits_until_a_while_has_passed() -> None:
    held = HeldDeliveries(retry_after=timedelta(hours=1))
    held.hold("o1", "no score", NOW)
    assert held.waiting("o1", NOW + timedelta(minutes=59))
    assert not held.waiting("o1", NOW + timedelta(hours=1))
    assert not held.waiting("o2", NOW)
    held.hold("o1", "no score", NOW + timedelta(hours=1))  # refused again: waits again
    assert held.waiting("o1", NOW + timedelta(minutes=90))


def test_a_hold_made_while_the_clock_ran_ahead_lasts_no_longer_than_its_while() -> None:
    """Held at "15:00" on a clock 6 hours ahead, then put right (NTP): before, the order
    waited until 16:00 real time (7 hours, not 1) before automatic delivery tried again."""
    held = HeldDeliveries(retry_after=timedelta(hours=1))
    held.hold("o1", "no score", NOW + timedelta(hours=6))
    assert not held.waiting("o1", NOW + timedelta(hours=2))
    assert not held.waiting("o1", NOW)  # a hold in the future: the clock was set back


def test_a_release_lets_the_order_be_tried_at_once() -> None:
    held = HeldDeliveries()
    held.hold("o1", "no score", NOW)
    assert held.release(["o1", "o2"]) == ["o1"]
    assert not held.waiting("o1", NOW)
    assert held.reason("o1") is None
    assert held.hold("o1", "no score", NOW)  # news again after a release


def test_all_are_released_when_nothing_is_delivered_unattended() -> None:
    held = HeldDeliveries()
    held.hold("o1", "no score", NOW)
    held.hold("o2", "no job id", NOW)
    assert sorted(held.release_all()) == ["o1", "o2"]
    assert held.reason("o1") is None
    assert held.release_all() == []


#: Answers that only ask to wait: a 429 (even a daily limit), a 5xx, a network failure.
WAITS: list[ApiError] = [
    ThrottledError(Service.SMARTRECRUITERS, wait_seconds=2.0),
    ThrottledError(Service.BERKE, wait_seconds=3600.0, is_daily_limit=True),
    ServerError(Service.SMARTRECRUITERS, http_status=503),
    NetworkError(Service.BERKE, request_sent=False),
]


@pytest.mark.parametrize("exc", WAITS, ids=lambda e: type(e).__name__)
def test_a_wait_is_neither_a_lasting_refusal_nor_holds_an_order(exc: ApiError) -> None:
    """A wait is never a refusal: counted as one, the resumer failed the step (the
    coordinator had to retry it by hand), and automatic delivery held the order for an hour
    after a mere 429, its flag saying the result could not be sent."""
    assert exc.is_transient
    assert not is_permanent(exc)
    assert not _lasting(exc)  # automatic delivery tries again next round, holds nothing


def test_a_hold_after_a_delivery_asked_for_outlasts_automatic_delivery_switched_off() -> None:
    """The coordinator's "Deliver all" refused for Berke's answer: held too, said as such;
    switching automatic delivery off lets go of its own holds only."""
    held = HeldDeliveries()
    held.hold("o1", "no score", NOW)
    assert held.hold("o2", "not a PDF", NOW, asked=True)
    assert held.asked("o2")
    assert not held.asked("o1")
    assert not held.asked("o3")
    assert held.hold("o1", "no score", NOW, asked=True)  # now by hand: news
    held.hold("o3", "no job id", NOW)
    assert held.release_automatic() == ["o3"]
    assert held.reason("o2") == "not a PDF"
    assert held.reason("o1") == "no score"
