"""Saving a snapshot from a desk on the real sandbox, reopening it, and no key inside it."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

from app.domain.snapshot import SnapshotFilter
from app.domain.snapshot_diff import ChangeKind, diff_orders
from app.store import logs
from app.store.snapshot_file import load_snapshot
from app.workflows.desk import Desk
from app.workflows.file_identity import identify
from app.workflows.order_actions import add_comment, create_assessment
from app.workflows.snapshots import SaveRequest, live_records, make_meta, save_snapshot
from tests.integration.helpers import sync_like_the_app
from tests.integration.test_snapshot_details_reuse import CountingTransport, run_counted
from tests.integration.test_workflows import new_order, req, run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def identity_of(path: Path) -> str:
    """What a file is as queued (``queue_files`` keeps it): the content it must still have."""
    with path.open("rb") as handle:
        return identify(handle).to_text()


def test_save_from_the_sandbox_and_reopen(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "inbox.adsnap"
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 a report")

    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        await add_comment(desk, order, "Called the candidate")
        await create_assessment(desk, order, req(order))
        synced = await sync_like_the_app(desk)
        upload = desk.results.enqueue(
            order.id, str(report), "report.pdf", report.stat().st_size,
            identity=identity_of(report),
        )  # fmt: skip
        from app.domain.attachments import UploadState

        desk.results.set_state(upload.id, UploadState.DONE, attachment_id="att-1")
        order = next(o for o in synced if o.id == order.id)  # as it is now
        others = [o for o in synced if o.id != order.id][:15]
        seen: list[int] = []
        saved = await save_snapshot(
            desk,
            SaveRequest(
                orders=[order, *others],
                filter=SnapshotFilter(scope="view", search="x"),
                include_attachments=True,
                concurrency=3,
            ),
            path,
            progress=lambda done, _total, _text: seen.append(done),
        )
        assert saved.order_count == 16
        assert saved.attachment_count == 1
        assert seen

        snapshot = await asyncio.to_thread(load_snapshot, path, temp_root=tmp_path / "tmp")
        assert snapshot.meta.filter.search == "x"
        assert snapshot.meta.source.startswith("Demo mode")
        row = snapshot.row_of(order.id)
        assert row is not None
        mine = snapshot.record(row)
        assert [c.message for c in mine.comments][-1] == "Called the candidate"
        assert mine.linked_assessment is not None
        assert [e.action.value for e in mine.timeline][:2] == ["comment", "create_assessment"]
        # The timeline keeps format 1's shape whatever the journal became: dicts in the
        # services' spellings, the desk's own keys beside them.
        comment, created = mine.timeline[:2]
        assert (comment.request, comment.outcome) == ({"message": "Called the candidate"},) * 2
        assert created.request["firstName"] == order.candidate.first_name
        assert created.outcome is not None
        assert created.outcome["invitationCode"] == mine.linked_assessment.invitation_code
        assert mine.attachments[0].file_name == "report.pdf"
        copy = snapshot.extract_attachment(mine.attachments[0])
        assert copy.read_bytes() == report.read_bytes()

        # Compared with the live inbox: the same orders, nothing changed.
        every = await live_records(desk, desk.orders.all())
        live = [r for r in every if snapshot.row_of(r.order.id) is not None]
        ignore = frozenset({"Comments", "Results", "Attachments"})
        assert diff_orders(snapshot.records(), live, ignore=ignore).is_empty
        diff = diff_orders(snapshot.records(), every, ignore=ignore)
        assert diff.count(ChangeKind.ADDED) == len(synced) - 16

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_saved_snapshot_holds_no_key(sandbox: SandboxServer, tmp_path: Path) -> None:
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    path = tmp_path / "keys.adsnap"

    async def body(desk: Desk) -> None:
        orders = (await sync_like_the_app(desk))[:10]
        await save_snapshot(desk, SaveRequest(orders=orders), path)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        texts = [zf.read(info) for info in zf.infolist()]
    for key in (DEMO_SR_KEY, DEMO_BERKE_TOKEN):
        for blob in (raw, *texts):
            assert key.encode() not in blob
            assert key.encode("utf-16-le") not in blob


def test_cancelling_a_save_keeps_the_previous_file(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "keep.adsnap"
    path.write_bytes(b"previous")

    async def body(desk: Desk, transport: CountingTransport) -> None:
        orders = (await sync_like_the_app(desk))[:40]
        task = asyncio.ensure_future(save_snapshot(desk, SaveRequest(orders=orders), path))
        loop = asyncio.get_running_loop()
        # Cancelled while it fetches (at its first detail request), not after a guessed
        # 10 ms: on a fast machine the save could have been written by then.

        def cancel_now(_count: int) -> None:
            loop.call_soon(task.cancel)

        transport.on_detail = cancel_now
        with pytest.raises(asyncio.CancelledError):
            await task

    run_counted(sandbox, tmp_path / "desk.sqlite3", body)
    assert path.read_bytes() == b"previous"


def test_files_the_service_keeps_are_named_when_not_held(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters lists a result's files but offers no download: a snapshot holds those
    uploaded from this desk and names the others."""
    from app.domain.attachments import UploadState
    from app.domain.smartrecruiters import AssessmentResult, ResultType
    from app.domain.snapshot import REMOTE_FILES_NOTE

    path = tmp_path / "files.adsnap"
    ours = tmp_path / "report.pdf"
    ours.write_bytes(b"%PDF-1.4 ours")
    theirs = tmp_path / "scan by recruiter.pdf"
    theirs.write_bytes(b"%PDF-1.4 theirs")

    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        sr = desk.session.sr
        await sr.accept_order(order.id, "https://assess.test/start/F1")
        result = await sr.create_result(
            order.id, AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
        )
        assert result.id
        uploaded = await sr.upload_attachment(order.id, result.id, ours)
        await sr.upload_attachment(order.id, result.id, theirs)  # not through this desk
        upload = desk.results.enqueue(
            order.id, str(ours), "report.pdf", ours.stat().st_size, identity=identity_of(ours)
        )
        desk.results.set_state(upload.id, UploadState.DONE, attachment_id=uploaded.id)
        order = next(o for o in (await sync_like_the_app(desk)) if o.id == order.id)
        request = SaveRequest(orders=[order], include_attachments=True)
        saved = await save_snapshot(desk, request, path)
        assert saved.notes == 0  # nothing failed: the service just keeps a file
        snapshot = await asyncio.to_thread(load_snapshot, path, temp_root=tmp_path / "tmp")
        record = snapshot.record(0)
        assert [a.file_name for a in record.attachments] == ["report.pdf"]
        left_out = [n for n in record.notes if n.startswith(REMOTE_FILES_NOTE)]
        assert left_out == [f"{REMOTE_FILES_NOTE} (its API offers no download): {theirs.name}"]

        # Without the files asked for, nothing is listed and nothing is said.
        await save_snapshot(desk, SaveRequest(orders=[order]), path)
        snapshot = await asyncio.to_thread(load_snapshot, path, temp_root=tmp_path / "tmp2")
        assert snapshot.record(0).notes == []

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_report_saved_over_since_it_was_sent_is_left_out_and_said(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A snapshot is handed around: the report kept with an order must be the one sent to
    it. Another candidate's report downloaded since under the same name went in its place;
    it is left out, and the order's note says so (the save counts it among its notes)."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType
    from app.domain.snapshot import CHANGED_FILES_NOTE, REMOTE_FILES_NOTE
    from app.workflows.results import complete_order, queue_files, run_upload

    path = tmp_path / "files.adsnap"
    dropped = tmp_path / "report.pdf"
    dropped.write_bytes(b"%PDF-1.4 report of Zoe, as sent")
    kept = tmp_path / "scores.pdf"
    kept.write_bytes(b"%PDF-1.4 scores of Zoe, as sent")

    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        await desk.session.sr.accept_order(order.id, "https://assess.test/start/Z1")
        order = next(o for o in (await sync_like_the_app(desk)) if o.id == order.id)
        result = AssessmentResult(result_type=ResultType.DOCUMENT, result="report.pdf", title="t")
        await complete_order(desk, order, result)
        accepted, refused = await queue_files(desk, order, [dropped, kept])
        assert not refused
        for upload in accepted:
            assert (await run_upload(desk, upload)).attachment_id
        dropped.write_bytes(b"%PDF-1.4 report of SOMEONE ELSE")  # a new download, same name
        order = next(o for o in (await sync_like_the_app(desk)) if o.id == order.id)
        request = SaveRequest(orders=[order], include_attachments=True)
        saved = await save_snapshot(desk, request, path)
        assert (saved.attachment_count, saved.notes) == (1, 1)
        snapshot = await asyncio.to_thread(load_snapshot, path, temp_root=tmp_path / "tmp")
        record = snapshot.record(0)
        assert [(a.file_name, a.size) for a in record.attachments] == [
            ("scores.pdf", kept.stat().st_size)
        ]
        copy = snapshot.extract_attachment(record.attachments[0])
        assert copy.read_bytes() == kept.read_bytes()
        assert record.notes == [f"{CHANGED_FILES_NOTE}: report.pdf"]
        assert not any(n.startswith(REMOTE_FILES_NOTE) for n in record.notes)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_key_of_any_shape_never_reaches_the_snapshots_source() -> None:
    # redact_source finds keys by their look: a short one, one with "+/=", or one in a profile
    # name passed it.
    key = "Ab+9/x=Q1"
    logs.register_secrets([key])
    description = f"Acme {key}: SmartRecruiters https://api.example.com/v1 · Berke https://b/x"
    desk = SimpleNamespace(session=SimpleNamespace(description=description))
    meta = make_meta(desk, SaveRequest(orders=[]), 0, 0)  # type: ignore[arg-type]
    assert key not in meta.source
    assert meta.source.startswith("Acme ")
