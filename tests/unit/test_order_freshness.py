"""A poll never undoes newer local state: the cache keeps the newer copy of an order, and an
unchanged listing is compared as text, never parsed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.domain.order_freshness import is_older
from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import Database
from app.store.order_cache import OrderCache, listing_json


def raw(
    order_id: str, status: str = "NEW", updated: str | None = None, name: str = "Zoë"
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": order_id,
        "status": status,
        "createDate": "2026-11-30T09:00:00.000+0000",
        "candidate": {"id": f"c-{order_id}", "firstName": name, "lastName": "Müller"},
    }
    if updated is not None:
        item["lastUpdateDate"] = updated
    return item


def order(*args: Any, **kwargs: Any) -> AssessmentOrder:
    return AssessmentOrder.model_validate(raw(*args, **kwargs))


class Parser:
    """``AssessmentOrder.model_validate``, counting the orders it parsed."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def __call__(self, item: dict[str, Any]) -> AssessmentOrder:
        self.parsed.append(item["id"])
        return AssessmentOrder.model_validate(item)


@pytest.fixture
def cache(tmp_path: Path) -> OrderCache:
    return OrderCache(Database(tmp_path / "cache.sqlite3"))


T1 = "2026-11-30T10:00:00.000+0000"
T2 = "2026-11-30T10:00:05.000+0000"


def test_the_later_update_date_is_the_newer_copy() -> None:
    assert is_older(order("1", "NEW", T1), order("1", "IN_PROGRESS", T2))
    assert not is_older(order("1", "IN_PROGRESS", T2), order("1", "NEW", T1))
    # At the same stage the date decides.
    assert is_older(order("1", "IN_PROGRESS", T1), order("1", "IN_PROGRESS", T2))
    assert not is_older(order("1", "IN_PROGRESS", T2), order("1", "IN_PROGRESS", T1))
    assert is_older(order("1", "REJECTED", T1), order("1", "COMPLETED", T2))


def test_a_status_further_along_wins_whatever_the_dates_say() -> None:
    """The date decided even against the status: SmartRecruiters' date going back a second
    (another node's clock) kept an order IN_PROGRESS that was COMPLETED, and one copy dated
    2099 kept an order NEW through every sync for good (the review)."""
    assert is_older(order("1", "NEW", T2), order("1", "IN_PROGRESS", T1))
    assert not is_older(order("1", "COMPLETED", T1), order("1", "IN_PROGRESS", T2))
    future = "2099-01-01T00:00:00.000+0000"
    assert not is_older(order("1", "REJECTED", T1), order("1", "NEW", future))
    # A final status never goes back, whatever date the earlier stage's copy carries.
    assert is_older(order("1", "IN_PROGRESS", future), order("1", "COMPLETED", T1))


def test_a_copy_dated_ahead_does_not_freeze_the_order_in_the_cache(cache: OrderCache) -> None:
    future = "2099-01-01T00:00:00.000+0000"
    cache.merge_listing([raw("1", "NEW", updated=future)], Parser())
    merged = cache.merge_listing([raw("1", "REJECTED", updated=T1)], Parser())
    assert [o.id for o in merged.changed] == ["1"]
    assert merged.kept_ids == []
    assert {o.id: o.status.value for o in cache.all()} == {"1": "REJECTED"}
    # And a copy one second behind the held one, yet further along, is taken.
    cache.merge_listing([raw("2", "IN_PROGRESS", updated=T2)], Parser())
    cache.merge_listing([raw("2", "COMPLETED", updated=T1)], Parser())
    assert {o.id: o.status.value for o in cache.all()}["2"] == "COMPLETED"


def test_without_dates_the_status_further_along_is_the_newer_copy() -> None:
    assert is_older(order("1", "NEW"), order("1", "IN_PROGRESS"))
    assert is_older(order("1", "IN_PROGRESS", T1), order("1", "COMPLETED", T1))  # same date
    assert not is_older(order("1", "IN_PROGRESS"), order("1", "NEW"))
    assert not is_older(order("1", "NEW"), order("1", "NEW"))  # equal: the fetched one


def test_merge_keeps_a_newer_copy_over_an_older_fetched_one(cache: OrderCache) -> None:
    cache.merge([order("1", "NEW", T1), order("2", "NEW")])
    cache.put(order("1", "IN_PROGRESS", T2))  # accepted here: the accept's answer
    cache.put(order("2", "IN_PROGRESS"))
    result = cache.merge([order("1", "NEW", T1), order("2", "NEW"), order("3")])
    assert result.new_ids == ["3"]
    assert result.changed_ids == []
    assert sorted(result.kept_ids) == ["1", "2"]
    assert {o.id: o.status.value for o in cache.all()} == {
        "1": "IN_PROGRESS", "2": "IN_PROGRESS", "3": "NEW",
    }  # fmt: skip


def test_an_unchanged_listing_is_neither_parsed_nor_written(cache: OrderCache) -> None:
    page = [raw(str(i), updated=T1) for i in range(50)]
    parse = Parser()
    first = cache.merge_listing(page, parse, count_new=True)
    assert len(first.new) == 50
    assert first.cached_new == 50
    parse.parsed.clear()
    again = cache.merge_listing([dict(item) for item in page], parse)
    assert parse.parsed == []  # compared as text, not parsed
    assert (again.new, again.changed, again.unchanged) == ([], [], 50)


def test_a_listing_stores_the_orders_as_listed_and_takes_only_what_changed(
    cache: OrderCache,
) -> None:
    cache.merge_listing([raw("1", updated=T1), raw("2", updated=T1)], Parser())
    parse = Parser()
    merged = cache.merge_listing(
        [raw("1", updated=T1), raw("2", updated=T2, name="Zoe"), raw("3")], parse
    )
    assert sorted(parse.parsed) == ["2", "3"]
    assert [o.id for o in merged.new] == ["3"]
    assert [(o.id, o.candidate.first_name) for o in merged.changed] == [("2", "Zoe")]
    with cache._db.reading() as conn:  # the text a later listing is compared with
        stored = conn.execute("SELECT data FROM orders WHERE id = '2'").fetchone()["data"]
    assert stored == listing_json(raw("2", updated=T2, name="Zoe"))
    assert json.loads(stored)["candidate"]["firstName"] == "Zoe"


def test_a_listing_never_undoes_an_accept_made_after_it_was_read(cache: OrderCache) -> None:
    cache.merge_listing([raw("1", updated=T1), raw("2")], Parser())
    cache.put(order("1", "IN_PROGRESS", T2))
    cache.put(order("2", "IN_PROGRESS"))
    stale = cache.merge_listing(
        [raw("1", updated=T1), raw("2"), raw("3")], Parser(), count_new=True
    )
    assert sorted(stale.kept_ids) == ["1", "2"]
    assert [o.id for o in stale.new] == ["3"]
    assert stale.cached_new == 1
    assert {o.id: o.status.value for o in cache.all()}["1"] == "IN_PROGRESS"


@pytest.mark.parametrize("final", ["REJECTED", "COMPLETED"])
def test_a_final_status_is_newer_than_in_progress_without_dates(final: str) -> None:
    """A final status is further along than IN_PROGRESS, a reject as much as a completion:
    counted as the same stage, a copy read before the reject could replace it."""
    assert is_older(order("1", "IN_PROGRESS"), order("1", final))
    assert not is_older(order("1", final), order("1", "IN_PROGRESS"))


def test_a_listing_never_undoes_a_reject_made_after_it_was_read(cache: OrderCache) -> None:
    """An order rejected a moment ago comes back from a listing read before the reject, still
    IN_PROGRESS and with no dates to tell them apart: the rejected copy is kept. Replaced, the
    rejected order showed in progress again, its Complete and Deliver offered."""
    cache.merge_listing([raw("1", "IN_PROGRESS")], Parser())
    cache.put(order("1", "REJECTED"))  # the reject's answer
    stale = cache.merge_listing([raw("1", "IN_PROGRESS")], Parser())
    assert stale.kept_ids == ["1"]
    assert {o.id: o.status.value for o in cache.all()} == {"1": "REJECTED"}


def _damage(cache: OrderCache, order_id: str) -> None:
    """The order's row holds a copy that no longer parses (another version wrote it, or it
    was damaged): left out of the board."""
    with cache._db.transaction() as conn:
        unreadable = json.dumps({"id": order_id, "status": 7})
        conn.execute("UPDATE orders SET data = ? WHERE id = ?", (unreadable, order_id))
    assert cache.holds(order_id)
    assert cache.get(order_id) is None


def test_a_listing_replaces_a_held_copy_that_no_longer_parses(cache: OrderCache) -> None:
    """A held copy that no longer parses is never preferred to one SmartRecruiters sends.
    Preferred, the order stayed hidden for good: every later sync kept it out as "older than
    the one held"."""
    cache.merge_listing([raw("1")], Parser())
    _damage(cache, "1")
    merged = cache.merge_listing([raw("1", "IN_PROGRESS")], Parser())
    assert merged.kept_ids == []
    assert [o.id for o in merged.changed] == ["1"]
    assert {o.id: o.status.value for o in cache.all()} == {"1": "IN_PROGRESS"}


def test_a_steps_answer_replaces_a_held_copy_that_no_longer_parses(cache: OrderCache) -> None:
    """As for a listing, the copy a step's answer brings (an accept's) replaces an unreadable
    one: kept out, the order stayed hidden after the coordinator acted on it."""
    cache.merge_listing([raw("1")], Parser())
    _damage(cache, "1")
    result = cache.merge([order("1", "IN_PROGRESS")])
    assert (result.kept_ids, result.changed_ids) == ([], ["1"])
    assert {o.id: o.status.value for o in cache.all()} == {"1": "IN_PROGRESS"}


def test_an_invalid_order_is_left_out_and_said_and_the_rest_of_its_page_written(
    cache: OrderCache,
) -> None:
    # It wrote nothing of its page, and so failed every sync: one odd order stopped them all.
    bad = raw("2")
    del bad["candidate"]
    merged = cache.merge_listing([raw("1"), bad], Parser())
    assert [o.id for o in cache.all()] == ["1"]
    assert len(merged.unreadable) == 1
    assert merged.unreadable[0].startswith("“2”: ")
