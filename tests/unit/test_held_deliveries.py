"""Automatic delivery holds an order refused for Berke's answer: said once per reason, tried
again after a while or when Berke's side changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.workflows.held_deliveries import HeldDeliveries

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
