"""Saving "with details" on the real sandbox: a completed or rejected order's details reused for
a while when it is unchanged, an open order's always asked, the destination checked before any
request, a cancel that really stops, progress with the time left. Requests are counted by a
transport wrapped around the real one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.attachments import UploadState
from app.domain.order_details import KEPT_FOR
from app.domain.smartrecruiters import AssessmentOrder, ContactPerson, OrderStatus
from app.store.database import Database
from app.store.snapshot_destination import SnapshotWriteError
from app.store.snapshot_file import load_snapshot
from app.workflows.desk import Desk
from app.workflows.file_identity import identify
from app.workflows.order_actions import add_comment
from app.workflows.session import Session
from app.workflows.snapshots import SavedSnapshot, SaveRequest, save_snapshot
from tests.integration.helpers import RecordingTransport, sync_like_the_app, unpaced
from tests.locked_folder import locked_folder

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

T = TypeVar("T")
DETAIL_ENDINGS = ("/comments", "/results", "/attachments")


class CountingTransport(RecordingTransport):
    """The real transport, keeping every request; ``on_detail`` hears each detail request."""

    def __init__(self) -> None:
        super().__init__()
        self.on_detail: Callable[[int], None] | None = None
        #: Detail requests after this many wait for ``released`` (unsent, unrecorded): what
        #: a test does meanwhile cannot race the rest of the details.
        self.hold_after: int | None = None
        self.released = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if is_detail(request):
            if self.on_detail is not None:
                self.on_detail(len(self.details()) + 1)
            if self.hold_after is not None and len(self.details()) >= self.hold_after:
                await self.released.wait()
        return await super().handle_async_request(request)

    def details(self) -> list[httpx.Request]:
        return [r for r in self.requests if is_detail(r)]


def is_detail(request: httpx.Request) -> bool:
    return request.method == "GET" and request.url.path.endswith(DETAIL_ENDINGS)


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """A sandbox of each test's own, as seeded: the counts rest on its completed orders having
    results (and files to list), which an order completed with a comment by another test on
    the run's shared sandbox would not (it is listed first, being the newest)."""
    from app.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


def run_counted(
    sandbox: SandboxServer,
    path: Path,
    body: Callable[[Desk, CountingTransport], Awaitable[T]],
) -> T:
    """``body`` with a desk on the sandbox whose SmartRecruiters calls are counted (unpaced:
    the counts, not the pace, are what is tested here)."""
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    transport = CountingTransport()

    async def main() -> T:
        session = Session(
            sr=SmartRecruitersClient(
                sandbox.sr_base_url, DEMO_SR_KEY, transport=transport, pacer=unpaced()
            ),
            berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN),
            demo=True,
        )
        desk = Desk(session, Database(path), author=ContactPerson(first_name="Cora"))
        try:
            return await body(desk, transport)
        finally:
            await session.aclose()
            desk.db.close()

    return asyncio.run(main())


def chosen(orders: list[AssessmentOrder], count: int) -> list[AssessmentOrder]:
    """``count`` orders, completed ones (a result, and files to list) among them."""
    done = [o for o in orders if o.status is OrderStatus.COMPLETED][: count // 3]
    rest = [o for o in orders if o not in done][: count - len(done)]
    return done + rest


def asked_of(requests: list[httpx.Request]) -> set[str]:
    """The orders these detail requests are about."""
    return {r.url.path.split("/assessments/")[1].split("/")[0] for r in requests}


def recruiter_comments(sandbox: SandboxServer, order_id: str, message: str) -> None:
    """A recruiter comments in SmartRecruiters, and the order's own lastUpdateDate stays: the
    reference makes a comment a resource of its own (only the sandbox moves the order's)."""
    from app.sandbox import DEMO_SR_KEY

    order = sandbox.app.state.sr.orders[order_id]
    updated = order.updated
    with httpx.Client(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
        client.post(
            f"{sandbox.sr_base_url}/assessments/{order_id}/comments",
            json={"message": message, "author": {"firstName": "Rita"}},
        ).raise_for_status()
    order.updated = updated


def test_a_save_soon_after_asks_again_only_for_open_orders(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before, a second save asked nothing of any order whose lastUpdateDate had not moved.
    Now an open order is asked each time; a completed or rejected one, unchanged, keeps what
    was read in the last ``KEPT_FOR``, and the save says when that was."""

    async def body(desk: Desk, transport: CountingTransport) -> None:
        orders = chosen((await sync_like_the_app(desk)), 12)
        open_ids = {o.id for o in orders if not o.status.is_final}
        assert 0 < len(open_ids) < len(orders)
        request = SaveRequest(orders=orders, include_attachments=True)
        texts: list[str] = []
        began = datetime.now(UTC)
        first = await save_snapshot(
            desk, request, tmp_path / "one.adsnap", lambda _d, _t, text: texts.append(text)
        )
        ended = datetime.now(UTC)
        asked = len(transport.details())
        assert asked >= 2 * len(orders) + 4  # comments, results, files of each result

        second = await save_snapshot(desk, request, tmp_path / "two.adsnap")
        assert asked_of(transport.details()[asked:]) == open_ids
        assert (first.fetched, first.reused, first.kept_since) == (12, 0, None)
        assert (second.fetched, second.reused) == (len(open_ids), 12 - len(open_ids))
        assert second.kept_since is not None
        assert began - timedelta(milliseconds=1) <= second.kept_since <= ended
        # Progress said how far, and about how long was left.
        fetching = [t for t in texts if t.startswith("Fetching")]
        assert fetching
        assert all(" left." in t for t in fetching)
        assert any(" of 12 orders" in t for t in fetching)
        one = await asyncio.to_thread(load_snapshot, tmp_path / "one.adsnap", temp_root=tmp_path)
        two = await asyncio.to_thread(load_snapshot, tmp_path / "two.adsnap", temp_root=tmp_path)
        for row in range(len(orders)):
            a, b = one.record(row), two.record(row)
            assert (a.comments, a.results, a.notes) == (b.comments, b.results, b.notes)

        # A comment that moves a completed order's lastUpdateDate: that one is asked too.
        changed = next(o for o in orders if o.status is OrderStatus.COMPLETED)
        await add_comment(desk, changed, "Called the candidate again")
        fresh = {o.id: o for o in (await sync_like_the_app(desk))}
        orders = [fresh[o.id] for o in orders]
        before = len(transport.details())
        third = await save_snapshot(
            desk, SaveRequest(orders=orders, include_attachments=True), tmp_path / "three.adsnap"
        )
        assert asked_of(transport.details()[before:]) == open_ids | {changed.id}
        assert (third.fetched, third.reused) == (len(open_ids) + 1, 11 - len(open_ids))
        three = await asyncio.to_thread(
            load_snapshot, tmp_path / "three.adsnap", temp_root=tmp_path
        )
        at = three.row_of(changed.id)
        assert at is not None
        assert three.record(at).comments[-1].message == "Called the candidate again"

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_second_snapshot_shows_a_recruiters_new_comment(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A snapshot reused an order's comments for as long as its lastUpdateDate stood, as if
    each comment moved it ("the sandbox, written from the reference, does so": the reference
    says no such thing). Where a recruiter's comment leaves it as it was, every later
    snapshot showed the comments of the first."""

    async def body(desk: Desk, _transport: CountingTransport) -> None:
        orders = await sync_like_the_app(desk)
        order = next(o for o in orders if o.status is OrderStatus.IN_PROGRESS)
        await save_snapshot(desk, SaveRequest(orders=[order]), tmp_path / "monday.adsnap")
        recruiter_comments(sandbox, order.id, "The candidate asked for more time.")
        fresh = {o.id: o for o in (await sync_like_the_app(desk))}[order.id]
        assert fresh.last_update_date == order.last_update_date

        await save_snapshot(desk, SaveRequest(orders=[fresh]), tmp_path / "tuesday.adsnap")
        saved = await asyncio.to_thread(
            load_snapshot, tmp_path / "tuesday.adsnap", temp_root=tmp_path
        )
        row = saved.row_of(order.id)
        assert row is not None
        messages = [c.message for c in saved.record(row).comments]
        assert "The candidate asked for more time." in messages

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_completed_orders_details_are_asked_again_once_kept_for_has_passed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Comments are welcome in every status: a completed order's details read more than
    ``KEPT_FOR`` ago no longer stand for it, its lastUpdateDate unmoved or not."""

    async def body(desk: Desk, transport: CountingTransport) -> None:
        orders = await sync_like_the_app(desk)
        order = next(o for o in orders if o.status is OrderStatus.COMPLETED)
        texts: list[str] = []
        await save_snapshot(desk, SaveRequest(orders=[order]), tmp_path / "one.adsnap")
        recruiter_comments(sandbox, order.id, "Thanks, received.")
        before = len(transport.details())
        soon = await save_snapshot(
            desk,
            SaveRequest(orders=[order]),
            tmp_path / "two.adsnap",
            lambda _d, _t, text: texts.append(text),
        )
        assert len(transport.details()) == before  # within KEPT_FOR: kept, and said so
        assert (soon.fetched, soon.reused) == (0, 1)
        assert soon.kept_since is not None
        assert (
            "The order is completed or rejected, with their details as read in the last "
            f"{KEPT_FOR.total_seconds() / 60:.0f} minutes: nothing to ask SmartRecruiters."
        ) in texts

        then = (datetime.now(UTC) - KEPT_FOR).isoformat(timespec="milliseconds")
        with desk.db.transaction() as conn:  # the time passes
            conn.execute("UPDATE order_details SET fetched_at = ?", (then,))
        later = await save_snapshot(desk, SaveRequest(orders=[order]), tmp_path / "three.adsnap")
        assert asked_of(transport.details()[before:]) == {order.id}
        assert (later.fetched, later.reused, later.kept_since) == (1, 0, None)
        saved = await asyncio.to_thread(
            load_snapshot, tmp_path / "three.adsnap", temp_root=tmp_path
        )
        row = saved.row_of(order.id)
        assert row is not None
        assert "Thanks, received." in [c.message for c in saved.record(row).comments]

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_unwritable_folder_is_refused_before_any_request(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk, transport: CountingTransport) -> None:
        orders = (await sync_like_the_app(desk))[:20]
        before = len(transport.requests)
        with locked_folder(tmp_path) as folder:
            with pytest.raises((SnapshotWriteError, PermissionError)) as info:
                await save_snapshot(desk, SaveRequest(orders=orders), folder / "x.adsnap")
            assert len(transport.requests) == before
            assert isinstance(info.value, SnapshotWriteError)
            assert str(info.value).startswith(
                f"The snapshot cannot be saved in the folder {folder}"
            )
            assert "permission" in str(info.value)
        with pytest.raises(SnapshotWriteError, match="does not exist"):
            await save_snapshot(desk, SaveRequest(orders=orders), tmp_path / "no" / "x.adsnap")
        assert len(transport.requests) == before

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_cancel_while_fetching_stops_every_request_and_writes_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "cancelled.adsnap"

    async def body(desk: Desk, transport: CountingTransport) -> None:
        # Completed and rejected first: theirs are kept for the next save (open ones never).
        listed = await sync_like_the_app(desk)
        orders = sorted(listed, key=lambda o: not o.status.is_final)[:60]
        task = asyncio.ensure_future(save_snapshot(desk, SaveRequest(orders=orders), path))
        loop = asyncio.get_running_loop()

        def cancel_at(count: int) -> None:
            if count == 10:
                loop.call_soon(task.cancel)

        transport.on_detail = cancel_at
        with pytest.raises(asyncio.CancelledError):
            await task
        asked = len(transport.details())
        assert 10 <= asked < 2 * len(orders)
        # Nothing of the save runs on: no task, and nothing queued at the pacer (the next
        # call is the only request that follows).
        assert asyncio.all_tasks() == {asyncio.current_task()}
        before = len(transport.requests)
        await desk.session.sr.get_order(orders[0].id)
        assert len(transport.requests) == before + 1
        assert list(folder.iterdir()) == []  # no file, no temporary file
        # What was fetched before the cancel is kept: the next save asks only for the rest.
        transport.on_detail = None
        saved = await save_snapshot(desk, SaveRequest(orders=orders), path)
        assert len(transport.details()) - asked < 2 * len(orders)
        assert len(transport.details()) - asked == 2 * saved.fetched
        assert saved.reused > 0

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_cancel_while_writing_waits_for_the_writer_and_leaves_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "cancelled.adsnap"
    report = tmp_path / "report.pdf"
    with report.open("wb") as handle:  # large enough to be mid-copy when the cancel comes
        handle.write(b"%PDF-1.4\n")
        for _ in range(48):
            handle.write(bytes(range(256)) * 4096)

    async def body(desk: Desk, _transport: CountingTransport) -> None:
        orders = (await sync_like_the_app(desk))[:5]
        with report.open("rb") as handle:  # kept only while it is the file sent
            identity = identify(handle)
        upload = desk.results.enqueue(
            orders[0].id, str(report), "report.pdf", identity.size, identity=identity.to_text()
        )
        desk.results.set_state(upload.id, UploadState.DONE, attachment_id="att-1")
        loop = asyncio.get_running_loop()
        saving: list[asyncio.Task[SavedSnapshot]] = []

        def progress(_done: int, _total: int, text: str) -> None:
            if text.startswith("Writing") and saving:
                loop.call_soon_threadsafe(saving[0].cancel)

        request = SaveRequest(orders=orders, fetch_details=False, include_attachments=True)
        saving.append(asyncio.ensure_future(save_snapshot(desk, request, path, progress)))
        with pytest.raises(asyncio.CancelledError):
            await saving[0]
        # At once, not later: the writer has stopped and removed its temporary file.
        assert list(folder.iterdir()) == []

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)
