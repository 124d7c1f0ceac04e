"""The time a long save still takes, in words."""

from __future__ import annotations

from app.domain.time_left import TimeLeft, describe_time_left


def test_the_expected_pace_until_a_few_are_done_then_the_measured_one() -> None:
    estimate = TimeLeft(started=100.0, expected_per_unit=0.11)  # SR: 10 calls per 1.1 s
    assert estimate.seconds_left(0, 400, now=100.0) == 400 * 0.11  # 44 s, before any call
    assert estimate.describe(0, 400, now=100.0) == "about 45 s left"
    # 100 calls took 20 s: 300 more take 60 s, whatever was expected.
    assert estimate.seconds_left(100, 400, now=120.0) == 60.0
    assert estimate.describe(100, 400, now=120.0) == "about 1 min left"
    assert estimate.seconds_left(400, 400, now=150.0) == 0.0


def test_a_first_burst_is_not_taken_for_the_pace_of_the_rest() -> None:
    """The pacer lets 10 calls go at once; measured then, 5 calls in 0.05 s would promise the
    other 680 in 7 s (before: "a few seconds left" of a minute's work, in the save dialog)."""
    estimate = TimeLeft(started=100.0, expected_per_unit=0.11, fastest_per_unit=0.11)
    assert estimate.seconds_left(5, 685, now=100.05) == 680 * 0.11
    assert estimate.describe(5, 685, now=100.05) == "about 1 min left"
    # Slower than the limit (a slow service): the measured pace.
    assert estimate.seconds_left(100, 400, now=120.0) == 60.0


def test_said_as_a_person_would() -> None:
    assert describe_time_left(0.2) == "a few seconds left"
    assert describe_time_left(12) == "about 10 s left"
    assert describe_time_left(44) == "about 45 s left"
    assert describe_time_left(130) == "about 2 min left"
    assert describe_time_left(3600) == "about 1 h left"
    assert describe_time_left(4300) == "about 1 h 12 min left"
