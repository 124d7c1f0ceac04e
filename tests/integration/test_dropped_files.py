"""A report dropped on an order is sent once, under a name the service keeps as sent, and as
it was when it was checked.

Each case here was found by dropping files on orders as a coordinator does all day: a file
overwritten while its order waited for its result, a name with quotes, two quick drops, a
report that failed from a USB stick and was dropped again from the Desktop.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from app.domain.attachments import UploadState
from app.domain.smartrecruiters import AssessmentResult, ResultType
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import BoardListener, OrderBoard
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.results import queue_files
from app.workflows.resume_news import AGAIN, ResumeNews
from tests.file_times import put_dates_back
from tests.integration.test_close_the_loop import invited_order
from tests.integration.test_delivery_races import (
    LostAnswer,
    _attach_as_a_recruiter,
    board_on,
    desk_of,
    files_sent,
)
from tests.waits import HANG_GUARD_SECONDS

RESULT = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


def pdf(folder: Path, name: str = "report.pdf", size: int = 20_000) -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.4\n" + b"x" * (size - 9))
    return path


async def accepted_order(board: OrderBoard, first: str) -> str:
    return await invited_order(board, desk_of(board), first, f"{first.lower()}@example.com")


@pytest.mark.parametrize(
    ("overwrite", "said"),
    [
        pytest.param(lambda p: p.write_bytes(b"MZ" + b"\0" * 19_998), "is not what its name says",
                     id="same-size-not-a-pdf"),
        pytest.param(lambda p: p.write_bytes(b""), "(20 KB then, 0 bytes now)", id="emptied"),
        pytest.param(lambda p: p.unlink(), "(moved or deleted): drop it again", id="deleted"),
    ],
)  # fmt: skip
def test_a_file_changed_while_its_order_waited_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path, overwrite: object, said: str
) -> None:
    """Before: checked only when dropped, the file was sent as it was days later, under the
    name checked (a program, or nothing at all, as "report.pdf"); a deleted one said
    "Cannot read: [Errno 2] No such file or directory: '/home/…'"."""
    path = pdf(tmp_path)

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, f"Wen{len(said)}")
            (queued,), _ = await board.attach_files(order_id, [path])  # waits for the result
            overwrite(path)  # type: ignore[operator]
            await board.complete(order_id, RESULT)
            await board.wait_uploads()
            failed = desk_of(board).results.get(queued.id)
            assert failed is not None
            assert failed.state is UploadState.FAILED
            assert said in (failed.message or "")
            assert "Errno" not in (failed.message or "")
            return order_id

    assert files_sent(sandbox, body) == []


def test_a_file_the_same_as_when_dropped_is_sent(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = pdf(tmp_path)

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Xiu")
            await board.attach_files(order_id, [path])
            path.write_bytes(path.read_bytes())  # saved again, unchanged: a newer date only
            await board.complete(order_id, RESULT)
            await board.wait_uploads()
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]


def _saved_over(path: Path) -> None:
    """Another candidate's report, from the same template (the same size and first bytes),
    downloaded under the name: another file in its place."""
    download = path.with_name("download.pdf")
    download.write_bytes(path.read_bytes().replace(b"x", b"y"))
    download.replace(path)


def _edited_with_its_date_put_back(path: Path) -> None:
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b"x", b"y"))  # the same file, written (cp -p)
    put_dates_back(path, before)


@pytest.mark.parametrize("overwrite", [_saved_over, _edited_with_its_date_put_back])
def test_another_report_of_the_same_size_saved_over_a_queued_one_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path, overwrite: Callable[[Path], None]
) -> None:
    """Before: only its size and first bytes were compared when it was sent, and another
    candidate's report saved under the name while the order waited went to this order."""
    path = pdf(tmp_path)

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, f"Swa{len(overwrite.__name__)}")
            (queued,), _ = await board.attach_files(order_id, [path])  # waits for the result
            overwrite(path)
            await board.complete(order_id, RESULT)
            await board.wait_uploads()
            failed = desk_of(board).results.get(queued.id)
            assert failed is not None
            assert failed.state is UploadState.FAILED
            assert "report.pdf changed since it was dropped" in (failed.message or "")
            assert "drop it on the order again" in (failed.message or "")
            return order_id

    assert files_sent(sandbox, body) == []


def test_a_dropped_file_is_fingerprinted_whole_off_the_event_loop(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What identifies the file is recorded with it when it is queued (before: nothing, and
    a file saved over it later was taken for it). A 200 MB report is read whole for it:
    never on the GUI's thread."""
    from app.workflows import results
    from app.workflows.file_identity import FileIdentity, identify

    path = pdf(tmp_path, size=3_000_000)
    readers: list[threading.Thread] = []

    def recorded(handle: BinaryIO) -> FileIdentity:
        readers.append(threading.current_thread())
        return identify(handle)

    monkeypatch.setattr(results, "identify", recorded)

    async def body() -> str | None:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Fia")
            (queued,), _ = await board.attach_files(order_id, [path])  # waits for the result
            return desk_of(board).results.queued_identity(queued.id)

    kept = asyncio.run(body())
    assert readers
    assert threading.main_thread() not in readers
    assert kept is not None
    identity = FileIdentity.from_text(kept)
    assert identity is not None
    assert identity.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (identity.size, identity.inode) == (3_000_000, path.stat().st_ino)


def test_a_report_that_grows_while_it_is_sent_fails_in_words(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: its bytes went past the Content-Length declared, h11 refused them with an
    error nothing handled, the upload stayed "Uploading", its step pending "Something
    unexpected went wrong (LocalProtocolError)", and the task's error was never retrieved."""
    from app.clients import multipart
    from app.domain.journal import UploadStep
    from app.domain.journal_terms import StepState

    path = pdf(tmp_path, size=1_000_000)
    really_open = multipart.open_for_upload

    def open_while_it_is_saved(opened: Path) -> BinaryIO:
        handle = really_open(opened)
        with opened.open("ab") as more:  # still being written as its bytes begin to go
            more.write(b"y" * 100_000)
        return handle

    monkeypatch.setattr(multipart, "open_for_upload", open_while_it_is_saved)

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Gro")
            await board.complete(order_id, RESULT)
            (queued,), _ = await board.attach_files(order_id, [path])
            await board.wait_uploads()
            desk = desk_of(board)
            failed = desk.results.get(queued.id)
            assert failed is not None
            assert failed.state is UploadState.FAILED
            assert "report.pdf changed since it was dropped" in (failed.message or "")
            assert "drop it on the order again" in (failed.message or "")
            steps = [e for e in desk.journal.entries(order_id) if isinstance(e.step, UploadStep)]
            assert [e.state for e in steps] == [StepState.FAILED]
            return order_id

    assert files_sent(sandbox, body) == []


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ('Report "final".pdf', "Report 'final'.pdf"),
        ("Zoe\nreport.pdf", "Zoe report.pdf"),
        ("back\\slash.pdf", "back-slash.pdf"),
        ("x\u202egpj.pdf", "xgpj.pdf"),  # shown as "xfdp.jpg" before
        ("\u200b.pdf", "attachment.pdf"),  # ".pdf": no extension, and refused when sent
    ],
)
def test_a_name_the_wire_would_change_is_sent_once_after_a_lost_answer(
    sandbox: SandboxServer, tmp_path: Path, name: str, kept: str
) -> None:
    """Before: "Report %22final%22.pdf" was what the service kept, the desk looked for the
    name as dropped after the lost answer, did not find it, and sent the file again."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3", LostAnswer(stored=True)) as board:
            order_id = await accepted_order(board, f"Qui{len(name)}")
            await board.complete(order_id, RESULT)
            (queued,), _ = await board.attach_files(order_id, [pdf(tmp_path, name)])
            await board.wait_uploads()
            await board.resume()
            await board.wait_uploads()
            sent = desk_of(board).results.get(queued.id)
            assert sent is not None
            assert sent.state is UploadState.DONE
            return order_id

    assert files_sent(sandbox, body) == [kept]


def test_attachment_names_keep_what_is_shown() -> None:
    from app.domain.attachments import attachment_name

    assert attachment_name("Zoe\r\n  report.pdf ") == "Zoe report.pdf"
    assert attachment_name("Ana\u200bLima.pdf") == "AnaLima.pdf"
    assert attachment_name("Zoë Müller – Bericht.pdf") == "Zoë Müller – Bericht.pdf"
    # One Unicode form: a Mac's decomposed "e" + U+0308 is the composed "ë" of other systems,
    # also when a mark stood between the letter and its accent.
    assert attachment_name("Zoe\u0308.pdf") == attachment_name("Zo\u00eb.pdf") == "Zo\u00eb.pdf"
    assert attachment_name("Zoe\u200b\u0308.pdf") == "Zo\u00eb.pdf"
    assert attachment_name(" .pdf") == "attachment.pdf"
    assert attachment_name("..pdf") == "..pdf"


def test_two_quick_drops_of_one_file_attach_it_once(sandbox: SandboxServer, tmp_path: Path) -> None:
    """Before: both drops found the name free while the file was checked, and both went."""
    path = pdf(tmp_path)
    refusals: list[str] = []

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Dua")
            await board.complete(order_id, RESULT)
            both = await asyncio.gather(
                board.attach_files(order_id, [path]), board.attach_files(order_id, [path])
            )
            refusals.extend(r for _queued, refused in both for r in refused)
            await board.wait_uploads()
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]
    assert len(refusals) == 1
    assert refusals[0].startswith("report.pdf is already")


def test_a_report_that_failed_can_be_dropped_again_from_another_folder(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The USB stick was unplugged before the order had its result. Before: the copy on the
    Desktop was refused as "already attached or queued", and the failed row could not be
    cleared: only renaming the file got it sent."""
    stick, desktop = tmp_path / "usb", tmp_path / "Desktop"
    stick.mkdir()
    desktop.mkdir()
    first, copy = pdf(stick), pdf(desktop)

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Ula")
            (failing,), _ = await board.attach_files(order_id, [first])
            first.unlink()  # the stick is unplugged
            await board.complete(order_id, RESULT)
            await board.wait_uploads()
            desk = desk_of(board)
            assert desk.results.get(failing.id).state is UploadState.FAILED  # type: ignore[union-attr]
            (again,), refused = await board.attach_files(order_id, [copy])
            assert refused == []
            await board.wait_uploads()
            assert desk.results.get(again.id).state is UploadState.DONE  # type: ignore[union-attr]
            # The failed one is not sent as well: its Retry says why.
            with pytest.raises(ActionNotAllowedError, match="already sent for this order"):
                await board.retry_upload(order_id, failing.id)
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]


def test_many_files_dropped_at_once_leave_smartrecruiters_free_for_other_calls(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: every file started at once, each holding one of SmartRecruiters' 8 concurrent
    calls for its whole transfer: ten reports on a slow line held up sync, accept and
    comments until they were all sent."""
    from app.workflows.board_uploads import UPLOADS_AT_ONCE

    paths = [pdf(tmp_path, f"report {n}.pdf") for n in range(6)]
    most = 0

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Many")
            await board.complete(order_id, RESULT)
            sr = desk_of(board).session.sr
            real, gate, sending = sr.upload_attachment, asyncio.Event(), set()
            full = asyncio.Event()

            async def slow_line(*args: object, **kwargs: object) -> object:
                nonlocal most
                sending.add(kwargs["file_name"])
                most = max(most, len(sending))
                if len(sending) == UPLOADS_AT_ONCE:
                    full.set()
                await gate.wait()
                try:
                    return await real(*args, **kwargs)  # type: ignore[arg-type]
                finally:
                    sending.discard(kwargs["file_name"])

            sr.upload_attachment = slow_line  # type: ignore[method-assign,assignment]
            await board.attach_files(order_id, paths)
            await asyncio.wait_for(full.wait(), HANG_GUARD_SECONDS)
            # Not a wait the pass depends on: a moment in which a third file would show.
            await asyncio.sleep(0.05)
            assert len(sending) == UPLOADS_AT_ONCE
            gate.set()
            await board.wait_uploads()
            return order_id

    assert sorted(files_sent(sandbox, body)) == sorted(p.name for p in paths)
    assert most == UPLOADS_AT_ONCE


def test_a_file_the_resumer_has_in_hand_is_not_started_by_the_board_too(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A queued file no one had started, taken up by a background round and started by the
    board at the same moment: each could open a step for it, and the one left over failed
    later, "Cancelled by the coordinator", though no one had. The round holds the file while
    it has it in hand, as the board does while it sends it: one sender at a time."""
    from app.domain.journal import UploadStep
    from app.domain.journal_terms import StepState
    from app.workflows.results import queue_files

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Tove")
            await board.complete(order_id, RESULT)
            desk = desk_of(board)
            order = board.order(order_id)
            assert order is not None
            (queued,), _ = await queue_files(desk, order, [pdf(tmp_path, "t.pdf")])
            await board.refresh([order_id])
            # The round stops at its first look at the file's order, the file in hand.
            looked_at, let_go = threading.Event(), threading.Event()
            gone_since = desk.orders.gone_since

            def held(asked: str) -> object:
                if not looked_at.is_set():
                    looked_at.set()
                    let_go.wait(HANG_GUARD_SECONDS)
                return gone_since(asked)

            desk.orders.gone_since = held  # type: ignore[assignment,method-assign]
            round_ = asyncio.ensure_future(board.resume())
            await asyncio.to_thread(looked_at.wait, HANG_GUARD_SECONDS)
            board.start_queued(order_id)
            assert board.uploading() == []  # the round's, not started a second time
            let_go.set()
            report = await asyncio.wait_for(round_, HANG_GUARD_SECONDS)
            assert report.done == [-queued.id]
            steps = [e for e in desk.journal.entries(order_id) if isinstance(e.step, UploadStep)]
            assert [e.state for e in steps] == [StepState.DONE]
            return order_id

    assert files_sent(sandbox, body) == ["t.pdf"]


def test_the_resumer_leaves_a_file_waiting_for_its_turn_to_the_board(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two files of one order going, a third (another order's) waiting its turn. Before: the
    background round sent the third beside the two, and when its turn came the board failed
    a step of its own for it, "Cancelled by the coordinator", though no one had."""
    from app.domain.journal import UploadStep
    from app.domain.journal_terms import StepState
    from app.workflows.board_uploads import UPLOADS_AT_ONCE

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            first, second = await accepted_order(board, "Sema"), await accepted_order(board, "Semb")
            await board.complete(first, RESULT)
            await board.complete(second, RESULT)
            desk = desk_of(board)
            sr = desk.session.sr
            real, gate, sending = sr.upload_attachment, asyncio.Event(), set()
            full = asyncio.Event()

            async def slow_line(*args: object, **kwargs: object) -> object:
                sending.add(kwargs["file_name"])
                if len(sending) == UPLOADS_AT_ONCE:
                    full.set()
                await gate.wait()
                return await real(*args, **kwargs)  # type: ignore[arg-type]

            sr.upload_attachment = slow_line  # type: ignore[method-assign,assignment]
            await board.attach_files(first, [pdf(tmp_path, f"a {n}.pdf") for n in range(2)])
            await asyncio.wait_for(full.wait(), HANG_GUARD_SECONDS)
            (waiting,), _ = await board.attach_files(second, [pdf(tmp_path, "b.pdf")])
            # A background round, while the two go (it sent the third, and waited with it).
            report = await asyncio.wait_for(board.resume(), HANG_GUARD_SECONDS)
            assert report.done == []
            assert sending == {"a 0.pdf", "a 1.pdf"}
            assert desk.results.get(waiting.id).state is UploadState.QUEUED  # type: ignore[union-attr]
            gate.set()
            await board.wait_uploads()
            steps = [e for e in desk.journal.entries(second) if isinstance(e.step, UploadStep)]
            assert [e.state for e in steps] == [StepState.DONE]
            return second

    assert files_sent(sandbox, body) == ["b.pdf"]


class ShrinksAsItGoes(BoardListener):
    """The coordinator's editor saves a shorter version of the report as its bytes begin to
    go; the status line's news is kept."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.news: list[ResumeNews] = []

    def upload_progress(self, upload_id: int, sent: int, total: int) -> None:
        if sent == 0 and self.path.stat().st_size == total:
            self.path.write_bytes(self.path.read_bytes()[: total // 2])

    def resume_ended(self, news: ResumeNews) -> None:
        self.news.append(news)


def test_a_file_the_resumer_fails_for_good_is_not_said_to_be_tried_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A queued report the resumer sends (after a restart), which changes size as it goes:
    the file and its step failed, yet the pass counted it waiting, and the status line said
    it "could not be sent yet (the desk tries again by itself)"; the file said "try again",
    which a Retry refuses (it finds the file changed since it was dropped)."""
    path = pdf(tmp_path)
    seen: dict[str, object] = {}

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Rhea")
            await board.complete(order_id, RESULT)
            desk = desk_of(board)
            order = board.order(order_id)
            assert order is not None
            # Queued and left for the resumer, as a file left queued by a desk that stopped.
            (queued,), _ = await queue_files(desk, order, [path])
            listener = ShrinksAsItGoes(path)
            board.listener = listener
            await board.resume()
            await board.resume()  # a later pass: nothing is left to try
            await board.wait_uploads()
            upload = desk.results.get(queued.id)
            assert upload is not None
            seen["state"], seen["message"] = upload.state, upload.message
            seen["news"] = [(n.text, n.failed) for n in listener.news]
            return order_id

    assert files_sent(sandbox, body) == []
    assert seen["state"] is UploadState.FAILED
    message = str(seen["message"])
    assert message.startswith("report.pdf changed since it was dropped"), message
    assert message.endswith("drop it on the order again to send it as it is now."), message
    news = seen["news"]
    assert isinstance(news, list)
    assert news, "the pass said nothing"
    (text, failed), *later = news
    assert AGAIN not in text, text
    assert text.startswith("From before: 1 file could not be sent (Rhea"), text
    assert failed == 1
    assert later == []  # the next pass finds nothing waiting: it says nothing


def test_the_same_report_under_another_unicode_form_is_not_attached_twice(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The "already attached" check compared code points: the same report dropped again from
    a folder made on a Mac ("Zoe\\u0308", decomposed) was taken for another file, and attached
    a second time under a name no one could tell from the first."""
    shown = "Zoë Müller – Bericht.pdf"
    downloads, from_mac = tmp_path / "Downloads", tmp_path / "from-mac"
    downloads.mkdir()
    from_mac.mkdir()
    first = pdf(downloads, unicodedata.normalize("NFC", shown))
    again = pdf(from_mac, unicodedata.normalize("NFD", shown))  # the same bytes
    refusals: list[str] = []

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Zoe")
            await board.complete(order_id, RESULT)
            await board.attach_files(order_id, [first])
            await board.wait_uploads()
            _queued, refused = await board.attach_files(order_id, [again])
            refusals.extend(refused)
            await board.wait_uploads()
            return order_id

    # Sent once, in the one form (NFC) the desk names files in.
    assert files_sent(sandbox, body) == [unicodedata.normalize("NFC", shown)]
    assert len(refusals) == 1
    assert "already attached" in refusals[0]


def test_every_file_on_the_result_is_listed_beside_the_desks_own(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A recruiter attached report.pdf; the coordinator drops their own report.pdf, sent as a
    file of its own: SmartRecruiters holds both, and the order's files listed one (the
    service's files were matched to the desk's by name, not by the id each upload keeps)."""
    from app.ui.orders.attachments_panel import rows_for

    theirs_folder, ours_folder = tmp_path / "theirs", tmp_path / "ours"
    theirs_folder.mkdir()
    ours_folder.mkdir()
    theirs = pdf(theirs_folder, size=5_000)
    ours = pdf(ours_folder, size=9_000)
    seen: dict[str, list[tuple[int | None, UploadState]]] = {}

    async def body() -> None:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            desk = desk_of(board)
            order_id = await accepted_order(board, "Hid")
            result_id = await board.complete(order_id, RESULT)
            await _attach_as_a_recruiter(sandbox, order_id, result_id, theirs)
            listed = await desk.session.sr.list_attachments(order_id, result_id)
            rows = rows_for(list(board.state(order_id).uploads), listed)
            seen["before"] = [(r.upload_id, r.state) for r in rows]
            (queued,), refused = await board.attach_files(order_id, [ours])
            assert refused == []
            await board.wait_uploads()
            listed = await desk.session.sr.list_attachments(order_id, result_id)
            assert len(listed) == 2  # theirs and ours
            rows = rows_for(list(board.state(order_id).uploads), listed)
            seen["after"] = [(r.upload_id, r.state) for r in rows]
            seen["queued"] = [(queued.id, UploadState.DONE)]

    asyncio.run(body())
    assert seen["before"] == [(None, UploadState.DONE)]
    # The desk's own file, then the recruiter's: the service's copy of ours is not listed again.
    assert seen["after"] == [*seen["queued"], (None, UploadState.DONE)]


def test_a_gone_files_folder_is_named_without_direction_marks(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A queued report whose file is gone when its order gets its result fails naming its
    folder. A folder named with a right-to-left override (unzipped from an archive someone
    sent) turned the rest of the sentence round on screen: "(moved or deleted): drop it
    again." read backwards, in the Details column, its tooltip and the order's Activity."""
    folder = tmp_path / "Reports \u202eweiv"
    folder.mkdir()
    path = pdf(folder)
    said: list[str] = []

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            order_id = await accepted_order(board, "Rtl")
            (queued,), _ = await board.attach_files(order_id, [path])  # waits for the result
            path.unlink()
            await board.complete(order_id, RESULT)
            await board.wait_uploads()
            failed = desk_of(board).results.get(queued.id)
            assert failed is not None
            assert failed.state is UploadState.FAILED
            said.append(failed.message or "")
            return order_id

    assert files_sent(sandbox, body) == []
    (message,) = said
    assert f"report.pdf is no longer in {tmp_path}/Reports weiv (moved or deleted)" in message
    assert [c for c in message if unicodedata.category(c) == "Cf"] == []
