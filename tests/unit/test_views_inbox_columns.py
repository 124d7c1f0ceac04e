"""Mutation-audit pins for ``app.views.inbox_columns`` and ``app.views.columns``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.domain.order_status import OrderStatus
from app.views.columns import Column, Columns
from app.views.inbox_columns import (
    DEFAULT_SHOWN,
    GONE_RANK,
    INBOX,
    NO_EMAIL_TIP,
    STATUS_RANK,
    berke_cell,
    berke_display,
    berke_searched,
    describe_age,
    gone_tip,
    local_text,
    parse_utc,
    shown_status,
    status_label,
)

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
DONE = "Complete · 2026-03-14T20:30:00.000+00:00"  # 05:30 on the 15th in Tokyo


@contextmanager
def living_in(monkeypatch: pytest.MonkeyPatch, zone: str) -> Iterator[None]:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    local_text.cache_clear()
    parse_utc.cache_clear()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()
        local_text.cache_clear()
        parse_utc.cache_clear()


def column(key: str) -> Column:
    return INBOX[INBOX.index(key)]


def search_of(key: str) -> Callable[[Any], str]:
    found = column(key).search
    assert found is not None
    return found


def tip_of(key: str) -> Callable[[Any], str | None]:
    found = column(key).tooltip
    assert found is not None
    return found


def test_ages_turn_to_hours_at_an_hour_and_to_days_at_a_day() -> None:
    # I1 (< 3600 -> <=), I2 (< 86400 -> <=), I3 (a time ahead of the clock said negative)
    assert describe_age(NOW - timedelta(seconds=3599), NOW) == "59 min"
    assert describe_age(NOW - timedelta(hours=1), NOW) == "1 h"
    assert describe_age(NOW - timedelta(days=1), NOW) == "1 d"
    assert describe_age(NOW + timedelta(minutes=5), NOW) == "0 min"


def test_berke_cells_say_the_local_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # I8 (tooltip text in UTC, unconverted), I9 (searched by the UTC date), I10 (cell in UTC)
    with living_in(monkeypatch, "Asia/Tokyo"):
        assert berke_display(DONE) == "Complete · 2026-03-15 05:30"
        assert berke_searched(DONE) == "Complete 2026-03-15"
        assert berke_cell(DONE) == "Complete 15 Mar"
        assert search_of("ordered")("2026-03-14T20:30:00+00:00") == "2026-03-15"  # I17
        assert tip_of("berke")(DONE) == "Berke: Complete · 2026-03-15 05:30"  # I25


def test_gone_is_shown_said_and_sorted_after_every_status() -> None:
    # I11 (GONE_RANK), I12 (shown by its last status), I19 (the tooltip's words)
    assert max(STATUS_RANK.values()) < GONE_RANK
    assert shown_status(OrderStatus.NEW, True) == "Gone"
    assert shown_status(OrderStatus.NEW, False) == "New"
    assert gone_tip(OrderStatus.IN_PROGRESS) == (
        "SmartRecruiters no longer has this order (its last status there: IN_PROGRESS)"
    )


def test_the_inbox_columns_as_coordinators_see_them() -> None:
    # I13 (attention hidden by default), I15 (no tip for a missing email), I16 (age sorted
    # oldest first), I18 ("In progress"), I20 (age searched), I21/I24 (tooltips dropped)
    assert "attention" in DEFAULT_SHOWN
    assert tip_of("email")("") == NO_EMAIL_TIP
    assert tip_of("email")("a@x.com") is None
    assert column("age").descending_first is True
    assert column("age").search is None
    assert status_label(OrderStatus.IN_PROGRESS) == "In progress"
    assert tip_of("attention")("Deliver result (+1)") == "Deliver result (+1)"
    assert tip_of("attention")("") is None
    assert tip_of("age")("") is None
    assert (tip_of("age")("2026-03-14T20:30:00+00:00") or "").startswith("Ordered ")


def test_requestors_sort_accents_aside() -> None:
    # I22 (requestor not a name): "Émile" sorted after "Zed"
    keys = column("requestor").sort_keys(["Zed Ray", "Émile Roy", "ana Lim"])
    assert sorted(range(3), key=keys.__getitem__) == [2, 1, 0]


def test_plain_text_columns_sort_case_aside_names_accents_aside() -> None:
    # K1 (names sorted by casefold alone)
    names = Column("n", "N", "n", names=True).sort_keys(["Zoe", "Émile", "ada"])
    assert sorted(range(3), key=names.__getitem__) == [2, 1, 0]


def test_two_columns_of_one_key_are_refused() -> None:
    # K4 (the check dropped): settings name columns by key
    with pytest.raises(ValueError, match="share a key"):
        Columns([Column("a", "A", "x"), Column("a", "B", "y")])


def test_an_order_in_an_hour_that_holds_a_local_midnight_is_found_by_its_own_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # I5 (the hour's first local date taken for all of it): 18:45 UTC is 00:15 on the 15th in
    # India, and was searched under the 14th, a date its row shows nowhere
    with living_in(monkeypatch, "Asia/Kolkata"):
        assert search_of("ordered")("2026-03-14T18:45:00+00:00") == "2026-03-15"
        assert search_of("ordered")("2026-03-14T18:15:00+00:00") == "2026-03-14"
