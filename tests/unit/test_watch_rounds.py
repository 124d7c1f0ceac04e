"""A round of watching Berke: it reads every page of the completions listing past one it
cannot read, moves its window on only once every page was read, stops asking statuses when
Berke as a whole fails, does not let statuses that keep failing take every round's turns,
never goes back from a recorded completion, and reads a status as Berke's reference writes it
(or as not known when it says nothing)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

import app.store.berke_watch as berke_watch_store
from app.clients.berke import BerkeClient
from app.clients.errors import Service, UnexpectedResponseError
from app.clients.http import RetryPolicy
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_results import CompletedAssessment, CompletedPage
from app.store.berke_watch import WATERMARK_KEY, BerkeWatchStore
from app.store.database import Database
from app.workflows.watch import CLOCK_MARGIN, watch_berke

T0 = datetime(2024, 1, 1, tzinfo=UTC)
# Another integration's completion this version cannot read (dated year 1). A fit so dated
# is only left out of its assessment (``test_berke_results``).
FOREIGN = {
    "completedOnUtc": -62135596800,
    "jobFit": [{"job": "Clerk", "sourceJobId": "CLERK"}],
}


def _client(handle: Any, **kwargs: Any) -> BerkeClient:
    return BerkeClient(
        "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle), **kwargs
    )


def _store(tmp_path: Path, *ids: str) -> BerkeWatchStore:
    db = Database(tmp_path / "d.sqlite3")
    with db.transaction() as conn:
        for number, source_id in enumerate(ids):
            conn.execute(
                "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
                " assessment_url, created_at) VALUES (?, ?, ?, 'u', ?)",
                (f"O-{number}", source_id, f"CODE{number}", T0.isoformat()),
            )
    return BerkeWatchStore(db)


def _desk(store: Any, berke: Any, meta: dict[str, str]) -> Any:
    return SimpleNamespace(
        berke_watch=store,
        results=SimpleNamespace(meta=meta.get, set_meta=meta.__setitem__),
        session=SimpleNamespace(berke=berke),
    )


def test_the_pages_after_one_of_entries_left_out_are_read() -> None:
    """Before: a page whose every entry was left out looked like a server repeating itself;
    the listing stopped, and the watermark moved past the pages not read."""
    asked: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        page = int(json.loads(request.content)["page"])
        asked.append(page)
        entries = (
            [{**FOREIGN, "sourceCandidateId": f"HRIS-{i}"} for i in range(50)]
            if page == 1
            else [{"sourceCandidateId": "DESK-1", "completedOnUtc": 1.7e9, "jobFit": []}]
        )
        listing = {"totalPages": 2, "currentPage": page, "assessment": entries}
        return httpx.Response(200, json={"status": "ok", "assessments": listing})

    async def body() -> list[str]:
        async with _client(handle, retry=RetryPolicy(read_retries=0)) as berke:
            window = (T0, T0 + timedelta(days=31))
            return [a.source_candidate_id async for a in berke.iter_completed(*window)]

    assert asyncio.run(body()) == ["DESK-1"]
    assert asked == [1, 2]


def test_an_unreachable_berke_is_not_asked_once_per_status(tmp_path: Path) -> None:
    """Before: the listing failed, then each of 20 due statuses was asked, three tries each:
    against a Berke that hangs, a round of about half an hour before the bar said anything."""
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        raise httpx.ReadTimeout("timed out", request=request)

    async def no_wait(_seconds: float) -> None:
        return None

    store = _store(tmp_path, *(f"C-{i}" for i in range(25)))

    async def body() -> Any:
        async with _client(handle, sleep=no_wait) as berke:
            return await watch_berke(_desk(store, berke, {}), now=T0)

    report = asyncio.run(body())
    assert report.problem is not None
    assert len(sent) <= 3  # the listing's tries only


def test_a_listing_cut_short_by_an_unreadable_page_keeps_its_window(tmp_path: Path) -> None:
    """The completions watermark moves only once every page was read: a page whose answer
    cannot be read (the round goes on with statuses) leaves the window, and the next round
    reads it again. Moved past it, its completions were never listed again: each waited for
    its status to come round (20 a round, every 30 minutes), and its delivery with it."""
    asked: list[tuple[float, int]] = []  # (the window's start, the page)

    def handle(request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)
        asked.append((sent["dateFromUtc"], sent["page"]))
        if sent["page"] == 2:  # an answer of no shape a listing has
            return httpx.Response(200, json={"status": "ok", "assessments": [1, 2]})
        entry = {"sourceCandidateId": "HRIS-9", "completedOnUtc": 1.7e9, "jobFit": []}
        listing = {"totalPages": 2, "currentPage": 1, "assessment": [entry]}
        return httpx.Response(200, json={"status": "ok", "assessments": listing})

    store = _store(tmp_path, "DESK-1")
    before = (T0 + timedelta(hours=1)).isoformat()
    meta = {WATERMARK_KEY: before}
    now = T0 + timedelta(hours=2)

    async def two_rounds() -> None:
        async with _client(handle, retry=RetryPolicy(read_retries=0)) as berke:
            for _ in range(2):
                report = await watch_berke(_desk(store, berke, meta), now=now, status_budget=0)
                assert isinstance(report.problem, UnexpectedResponseError)
                assert meta[WATERMARK_KEY] == before  # not moved past the page never read

    asyncio.run(two_rounds())
    since = (T0 + timedelta(hours=1) - CLOCK_MARGIN).timestamp()
    assert asked == [(since, 1), (since, 2)] * 2


def test_statuses_that_keep_failing_do_not_take_every_rounds_turn(tmp_path: Path) -> None:
    """Before: a failed status was not recorded, stayed the oldest, and was asked first every
    round: a few of them used the whole budget, and the others were never asked again."""
    store = _store(tmp_path, "BAD-0", "BAD-1", "BAD-2", "GOOD")
    for source_id in ("BAD-0", "BAD-1", "BAD-2", "GOOD"):
        store.record(source_id, BerkeProgress.NOT_STARTED)
    asked: list[str] = []

    class Berke:
        async def iter_completed(self, *_args: Any) -> Any:
            return
            yield

        async def get_assessment_status(self, source_id: str) -> Any:
            asked.append(source_id)
            if source_id.startswith("BAD"):  # its answer cannot be read, every time
                raise UnexpectedResponseError(Service.BERKE, service_message="unexpected")
            return SimpleNamespace(progress=BerkeProgress.STARTED, completed_on_utc=None)

    meta: dict[str, str] = {}
    for hour in range(1, 4):  # rounds hours apart: every one is due each time
        asyncio.run(
            watch_berke(
                _desk(store, Berke(), meta),
                now=datetime.now(UTC) + timedelta(hours=hour),
                status_budget=3,
            )
        )
    assert "GOOD" in asked


def test_a_status_checked_while_the_clock_ran_ahead_is_asked_again_once_it_is_put_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a status checked while the clock ran two hours ahead (then set back by NTP, or a
    dual-boot PC's hardware clock) was stored two hours in the future, "now - checked" stayed
    negative, and it was not asked again for 2 h 30 min: a start or completion went unseen."""
    store = _store(tmp_path, "C-1")
    ahead = datetime.now(UTC) + timedelta(hours=2)
    monkeypatch.setattr(berke_watch_store, "utc_now", ahead.isoformat)
    store.record("C-1", BerkeProgress.NOT_STARTED)
    monkeypatch.undo()
    asked: list[str] = []

    class Berke:
        async def iter_completed(self, *_args: Any) -> Any:
            return
            yield

        async def get_assessment_status(self, source_id: str) -> Any:
            asked.append(source_id)
            return SimpleNamespace(progress=BerkeProgress.STARTED, completed_on_utc=None)

    later = datetime.now(UTC) + timedelta(hours=1)  # the clock right again, an hour later
    asyncio.run(watch_berke(_desk(store, Berke(), {}), now=later))
    assert asked == ["C-1"]
    assert store.progress("C-1") is BerkeProgress.STARTED


def test_a_late_status_never_undoes_a_recorded_completion(tmp_path: Path) -> None:
    """A round's "started", answered before the candidate finished and written after another
    round recorded the completion, took the assessment back from complete (the Deliver flag
    went). One round at a time on the board, and the store never goes back from complete."""
    store = _store(tmp_path, "C-1")
    done = CompletedAssessment.model_validate(
        {"sourceCandidateId": "C-1", "completedOnUtc": T0.timestamp() + 3600, "jobFit": []}
    )
    store.record("C-1", BerkeProgress.COMPLETE, completed=done)
    store.record("C-1", BerkeProgress.STARTED)  # the late answer
    assert store.watched() == []  # still complete: not watched any more
    assert store.completed("C-1") == done


def test_a_completion_page_made_in_code_keeps_its_assessments() -> None:
    done = CompletedAssessment.model_validate(
        {"sourceCandidateId": "C-1", "completedOnUtc": 1.7e9, "jobFit": []}
    )
    page = CompletedPage(assessments=(done,), total_pages=1)
    assert page.assessments == (done,)
    read = CompletedPage.model_validate({"assessment": [{**FOREIGN, "sourceCandidateId": "X"}]})
    assert (read.assessments, read.unreadable) == ((), ("X",))


def _status_round(tmp_path: Path, assessment: dict[str, Any]) -> tuple[BerkeWatchStore, Any]:
    """One round for C-1 whose completion the listing does not give (it was missed, as one
    completed before this desk first watched it is): only its status can tell. Berke's
    status answer is ``assessment``."""
    store = _store(tmp_path, "C-1")

    def handle(request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if method == "GetCompletedAssessments":
            return httpx.Response(200, json={"status": "ok", "assessments": {"totalPages": 0}})
        if method == "GetAssessmentStatus":
            answer = {"sourceCandidateId": "C-1", **assessment}
            return httpx.Response(200, json={"status": "ok", "assessment": answer})
        assert method == "GetCompletedAssessment"
        done = {"sourceCandidateId": "C-1", "completedOnUtc": 1.7e9, "jobFit": []}
        return httpx.Response(200, json={"status": "ok", "assessment": done})

    async def body() -> Any:
        async with _client(handle) as berke:
            return await watch_berke(_desk(store, berke, {}), now=T0 + timedelta(days=1))

    return store, asyncio.run(body())


def test_a_completion_the_listing_missed_is_seen_as_the_reference_spells_its_status(
    tmp_path: Path,
) -> None:
    """The reference writes "StatusId = 2 means complete"; the watch read only the sandbox's
    "statusId", so a completion the listing missed was "not started" for ever."""
    store, report = _status_round(tmp_path, {"StatusId": 2, "completedOnUtc": 1.7e9})
    assert report.completed == ["C-1"]
    assert store.progress("C-1") is BerkeProgress.COMPLETE
    assert store.completed("C-1") is not None  # its scores, read for the delivery


def test_a_status_that_does_not_say_where_it_stands_is_unknown_and_still_watched(
    tmp_path: Path,
) -> None:
    """Without its status flag, the answer was taken for "not started": a reminder was
    suggested, and the assessment could be deleted, complete as it may have been."""
    store, report = _status_round(tmp_path, {"invitationCode": "CODE0"})
    assert report.completed == []
    assert store.progress("C-1") is BerkeProgress.UNKNOWN
    assert [w.source_candidate_id for w in store.watched()] == ["C-1"]  # asked again later
