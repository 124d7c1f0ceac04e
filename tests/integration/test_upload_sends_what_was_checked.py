"""An upload sends the file checked when it was dropped, or nothing; and a try the service
denied, or one that never began, is never taken for a file that went out."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.clients.errors import ApiError
from app.domain.attachments import UploadState
from app.domain.journal import UploadStep
from app.workflows.desk import Desk
from app.workflows.outbox import resume_pending
from app.workflows.refusals import StepCancelledError, StepRefusedError
from app.workflows.results import cancel_upload, complete_order, queue_files, run_upload
from tests.integration.helpers import RealNetwork
from tests.integration.test_results_and_resume import RESULT, in_progress, report
from tests.integration.test_workflows import run_with_desk
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

#: Another candidate's report from the same template: same size, same first bytes.
OTHERS = b"O" * 64


def _is_upload(request: httpx.Request) -> bool:
    return request.method == "POST" and request.url.path.endswith("/attachments")


def _denied() -> httpx.Response:
    return httpx.Response(429, headers={"Retry-After": "0"}, json={"message": "Slow down."})


def other_report(path: Path) -> bytes:
    size = path.stat().st_size
    return b"%PDF-1.4\n" + b"O" * (size - 9)


class DeniedOnceWhole(RealNetwork):
    """The first file sent is read whole, then denied (a 429); ``meanwhile`` runs before that
    answer. Every body sent is kept; progress reports seen during the wait are counted."""

    def __init__(self, meanwhile: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.meanwhile = meanwhile
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not _is_upload(request):
            return await self.inner.handle_async_request(request)
        body = await request.aread()
        self.bodies.append(body)
        if len(self.bodies) == 1:
            if self.meanwhile is not None:
                self.meanwhile()
            return _denied()
        return await self.inner.handle_async_request(
            httpx.Request(request.method, request.url, headers=request.headers, content=body)
        )


def test_a_file_saved_over_during_a_429_wait_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The file is checked, then opened again for each try: another report saved under its
    name while a 429 was waited out went to the recruiter unchecked."""
    path = report(tmp_path)
    transport = DeniedOnceWhole(meanwhile=lambda: path.write_bytes(other_report(path)))

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        with pytest.raises(StepRefusedError, match="drop it on the order again"):
            await run_upload(desk, upload)
        assert not any(OTHERS in sent for sent in transport.bodies[1:])
        assert await desk.session.sr.list_attachments(order.id, result_id) == []
        failed = desk.results.get(upload.id)
        assert failed is not None
        assert failed.state is UploadState.FAILED
        assert failed.message is not None
        assert "changed while it was sent" in failed.message

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport)


class EditedWhileSent(RealNetwork):
    """While the file goes, it is written over in place (same file, same size): a report
    tool saving the next candidate's report over it. The body is passed on as read."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not _is_upload(request):
            return await self.inner.handle_async_request(request)
        read = bytearray()
        async for chunk in request.stream:  # type: ignore[union-attr]
            if not read:
                with self.path.open("r+b") as file:
                    file.write(other_report(self.path))
            read += chunk
        return await self.inner.handle_async_request(
            httpx.Request(request.method, request.url, headers=request.headers, content=bytes(read))
        )


def test_a_file_written_over_while_it_is_sent_is_not_attached_as_a_mix(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = report(tmp_path, size=1_000_000)  # four chunks: the first went before the write
    transport = EditedWhileSent(path)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        with pytest.raises(StepRefusedError, match="changed while it was sent"):
            await run_upload(desk, upload)
        assert await desk.session.sr.list_attachments(order.id, result_id) == []
        failed = desk.results.get(upload.id)
        assert failed is not None
        assert failed.state is not UploadState.DONE

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport)


class DeniedWholeThenBroken(RealNetwork):
    """The first file sent is read whole and denied (a 429: not carried out); the client's own
    try after the wait breaks 64 KB in. Later ones pass."""

    def __init__(self) -> None:
        super().__init__()
        self.uploads = 0
        self.progress_in_wait: list[tuple[int, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not _is_upload(request):
            return await self.inner.handle_async_request(request)
        self.uploads += 1
        if self.uploads == 1:
            await request.aread()
            return _denied()
        if self.uploads == 2:
            got = 0
            async for chunk in request.stream:  # type: ignore[union-attr]
                got += len(chunk)
                if got > 64 * 1024:
                    raise httpx.WriteError("connection reset")
        return await self.inner.handle_async_request(request)


def test_a_denied_try_sent_whole_is_not_taken_for_the_file_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first try's "100 %" outlived the 429 that denied it: its retry broke midway, yet
    the upload counted as maybe there, and the next round took a recruiter's file of that
    name, attached meanwhile, for its own. The report was never sent; it said Attached."""
    path = report(tmp_path, size=600_000)
    (tmp_path / "theirs").mkdir()
    recruiters = report(tmp_path / "theirs", size=5_000)
    seen: list[tuple[int, int]] = []

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        with pytest.raises(ApiError):
            await run_upload(desk, upload, progress=lambda sent, total: seen.append((sent, total)))
        broken = desk.results.get(upload.id)
        assert broken is not None
        assert broken.delivered_at is None
        # The bar went back to 0 when the service denied the whole file: not "100 %" in the wait.
        whole = seen.index((600_000, 600_000))
        assert seen[whole + 1] == (0, 600_000)
        theirs = await desk.session.sr.upload_attachment(order.id, result_id, recruiters)
        await resume_pending(desk)
        sent = desk.results.get(upload.id)
        assert sent is not None
        assert sent.state is UploadState.DONE
        assert sent.attachment_id not in (None, theirs.id)
        attachments = await desk.session.sr.list_attachments(order.id, result_id)
        assert len(attachments) == 2

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, DeniedWholeThenBroken())


def test_a_cancel_before_any_byte_went_does_not_count_the_file_as_maybe_there(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Cancel in the moment the upload was stored "uploading" but its sending not yet begun
    took it for one left mid-send by a stopped app: a file of that name found on the result
    later (a recruiter's) would have been counted as this one."""
    path = report(tmp_path)
    stored = threading.Event()
    go_on = threading.Event()

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        start_sending = desk.results.start_sending

        def held_after_storing(*args: object, **kwargs: object) -> object:
            started = start_sending(*args, **kwargs)  # type: ignore[arg-type]
            stored.set()
            # Held until the Cancel is in: the guard is against a hang only (a timed hold
            # let the sending go on by itself, before the Cancel, on a slow machine).
            if not go_on.wait(HANG_GUARD_SECONDS):
                raise TimeoutError("the sending held after storing was never let go on")
            return started

        monkeypatch.setattr(desk.results, "start_sending", held_after_storing)
        sending = asyncio.ensure_future(run_upload(desk, upload))
        if not await asyncio.to_thread(stored.wait, HANG_GUARD_SECONDS):
            raise TimeoutError("the upload was never stored as sending")
        cancelled = await cancel_upload(desk, order.id, upload.id)
        go_on.set()
        assert cancelled is not None
        with pytest.raises(StepCancelledError):
            await sending
        after = desk.results.get(upload.id)
        assert after is not None
        assert after.state is UploadState.CANCELLED
        assert after.delivered_at is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_cancel_while_a_file_left_mid_send_is_looked_for_keeps_it_as_maybe_there(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An app that stopped while it sent left the file "uploading"; its resumed step first
    looks on the result for it. A Cancel then must still count the file as maybe there (the
    same file dropped again is looked for, not sent a second time): only a step storing it as
    "uploading" anew, with nothing of it gone yet, is not."""
    path = report(tmp_path)
    looking = asyncio.Event()
    go_on = asyncio.Event()

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        desk.journal.begin(order.id, UploadStep(upload_id=upload.id))  # its step, and then
        assert desk.results.start_sending(upload.id, order.id, None) is not None  # the stop
        real_list = desk.session.sr.list_attachments

        async def slow_look(order_id: str, result_id: str) -> object:
            looking.set()
            await go_on.wait()
            return await real_list(order_id, result_id)

        monkeypatch.setattr(desk.session.sr, "list_attachments", slow_look)
        resumed = asyncio.ensure_future(run_upload(desk, upload))
        await asyncio.wait_for(looking.wait(), HANG_GUARD_SECONDS)
        assert await cancel_upload(desk, order.id, upload.id) is not None
        go_on.set()
        with pytest.raises(StepCancelledError):
            await resumed
        after = desk.results.get(upload.id)
        assert after is not None
        assert after.state is UploadState.CANCELLED
        assert after.delivered_at is not None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
