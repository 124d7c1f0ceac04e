"""UrlPreviewDialog against the sandbox: code, URL, checks, reachability, QR, slip, accept."""

from __future__ import annotations

import asyncio
import os
import re
import signal
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.clients.berke import BerkeClient
from app.domain.berke import CreateAssessmentRequest, CreateAssessmentResponse
from app.ui.orders import url_preview
from app.ui.orders.qr import qr_image
from app.ui.orders.url_preview import UrlPreviewDialog
from tests.fifo_guard import fifo_reader_process
from tests.ui.clipping import clipped, settle
from tests.ui.conftest import show_exposed

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

W = TypeVar("W", bound=QWidget)


@pytest.fixture(scope="module")
def created(sandbox: SandboxServer) -> CreateAssessmentResponse:
    """A real assessment in the sandbox, so its landing page answers."""
    from app.sandbox import DEMO_BERKE_TOKEN

    async def create() -> CreateAssessmentResponse:
        client = BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN)
        try:
            return await client.create_assessment(
                CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
            )
        finally:
            await client.aclose()

    return asyncio.run(create())


def response(url: str, code: str = "K7QX2M9P") -> CreateAssessmentResponse:
    # model_construct skips the model's own URL rule: the dialog must cope with a bad URL too.
    return CreateAssessmentResponse.model_construct(
        source_candidate_id="c-1", invitation_code=code, assessment_url=url
    )


def make(
    qtbot: QtBot,
    resp: CreateAssessmentResponse,
    *,
    allow_http_loopback: bool = True,
    **kwargs: object,
) -> UrlPreviewDialog:
    dialog = UrlPreviewDialog(
        candidate_name="Zoë Müller",
        response=resp,
        allow_http_loopback=allow_http_loopback,
        **kwargs,  # type: ignore[arg-type]
    )
    qtbot.addWidget(dialog)
    return dialog


def child(dialog: UrlPreviewDialog, kind: type[W], name: str) -> W:
    widget = dialog.findChild(kind, name)
    assert widget is not None, name
    return widget


def print_slip(qtbot: QtBot, dialog: UrlPreviewDialog) -> None:
    """Click "Print invitation slip…" and wait until the slip is written, or said not to be.
    Needs ``running_loop``: the file is written off the GUI thread."""
    button = child(dialog, QPushButton, "printSlipButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(partial(slip_written, dialog))


def slip_written(dialog: UrlPreviewDialog) -> bool:
    writing = dialog.tasks.latest("slip")
    return writing is None or writing.done()


def test_the_keyboard_stays_on_print_slip_after_printing(
    qtbot: QtBot, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """The button was off while the slip was written: Qt handed the keyboard to the next
    button, "Accept order with this URL…", and the coordinator's next Enter, meant for Print,
    asked to accept the order."""
    target = tmp_path / "slip.pdf"
    dialog = make(qtbot, SLIP_RESPONSE, ask_save_path=lambda: str(target))
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    button = child(dialog, QPushButton, "printSlipButton")
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(partial(slip_written, dialog))
    assert target.read_bytes().startswith(b"%PDF")
    assert QApplication.focusWidget() is button
    asked: list[object] = []
    dialog.accept_requested.connect(asked.append)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert asked == []


def test_code_and_url_are_shown_and_copied(
    qtbot: QtBot, created: CreateAssessmentResponse, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The "Copied" feedback's 1.5 s, shortened: the test waits for it to end, not for a clock.
    monkeypatch.setattr(url_preview, "COPIED_FEEDBACK_MS", 10)
    dialog = make(qtbot, created)
    code = child(dialog, QLabel, "invitationCode")
    url = child(dialog, QLineEdit, "assessmentUrl")
    assert code.text() == created.invitation_code
    assert code.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert url.text() == created.assessment_url
    assert url.isReadOnly()

    copy_code = child(dialog, QPushButton, "copyCodeButton")
    qtbot.mouseClick(copy_code, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == created.invitation_code
    assert "Copied" in copy_code.text()
    qtbot.waitUntil(lambda: "Copied" not in copy_code.text())

    qtbot.mouseClick(child(dialog, QPushButton, "copyUrlButton"), Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == created.assessment_url


def test_sandbox_url_looks_right_when_loopback_http_is_allowed(
    qtbot: QtBot, created: CreateAssessmentResponse
) -> None:
    dialog = make(qtbot, created, allow_http_loopback=True)
    assert child(dialog, QLabel, "urlCheck").text() == "✓ URL looks right"
    assert dialog.problems == []


def test_http_url_elsewhere_is_flagged(qtbot: QtBot) -> None:
    dialog = make(qtbot, response("http://assess.example.com/start/K7QX2M9P"))
    check = child(dialog, QLabel, "urlCheck").text()
    assert check.startswith("⚠")
    assert "https://" in check


def test_url_not_ending_with_the_code_is_flagged(qtbot: QtBot) -> None:
    dialog = make(qtbot, response("https://assess.example.com/start/OTHER999"))
    check = child(dialog, QLabel, "urlCheck").text()
    assert "does not end with the invitation code K7QX2M9P" in check


def test_open_in_browser_calls_the_opener_with_the_url(
    qtbot: QtBot, created: CreateAssessmentResponse
) -> None:
    opened: list[QUrl] = []

    def opener(url: QUrl) -> bool:
        opened.append(url)
        return True

    dialog = make(qtbot, created, open_url=opener)
    qtbot.mouseClick(child(dialog, QPushButton, "openUrlButton"), Qt.MouseButton.LeftButton)
    assert opened == [QUrl(created.assessment_url)]
    assert child(dialog, QLabel, "statusMessage").isHidden()


def test_a_browser_that_cannot_open_is_reported(
    qtbot: QtBot, created: CreateAssessmentResponse
) -> None:
    dialog = make(qtbot, created, open_url=lambda url: False)
    qtbot.mouseClick(child(dialog, QPushButton, "openUrlButton"), Qt.MouseButton.LeftButton)
    assert "No browser" in child(dialog, QLabel, "statusMessage").text()


def test_a_real_code_answers(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, created: CreateAssessmentResponse
) -> None:
    dialog = make(qtbot, created)
    result = qloop.run_until_complete(dialog.check_reachability())
    assert result.ok
    assert result.status == 200
    verdict = child(dialog, QLabel, "reachabilityVerdict").text()
    assert "Reachable" in verdict
    assert "200 OK" in verdict
    assert child(dialog, QPushButton, "reachabilityButton").isEnabled()


def test_the_button_checks_and_is_disabled_meanwhile(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, sandbox: SandboxServer
) -> None:
    url = f"{sandbox.berke_base_url}/start/NOSUCHCODE"
    dialog = make(qtbot, response(url, "NOSUCHCODE"))
    button = child(dialog, QPushButton, "reachabilityButton")

    async def click_and_wait() -> None:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert not button.isEnabled()
        task = dialog.reachability_task
        assert task is not None
        await task

    qloop.run_until_complete(click_and_wait())
    assert button.isEnabled()
    assert "Not found (404)" in child(dialog, QLabel, "reachabilityVerdict").text()


def test_qr_code_is_shown(qtbot: QtBot, created: CreateAssessmentResponse) -> None:
    dialog = make(qtbot, created)
    pixmap = child(dialog, QLabel, "qrCode").pixmap()
    assert not pixmap.isNull()
    assert pixmap.width() > 0
    assert pixmap.height() == pixmap.width()


def test_qr_images_differ_for_different_texts(qtbot: QtBot) -> None:
    first = qr_image("https://site.test/start/AAAA1111")
    second = qr_image("https://site.test/start/BBBB2222")
    assert not first.isNull()
    assert first.size() == second.size()
    assert first != second
    # Black on white, and nothing in between: it must print crisply.
    colours = {
        first.pixelColor(x, y).name() for x in range(first.width()) for y in range(first.height())
    }
    assert colours == {"#000000", "#ffffff"}


def test_print_slip_writes_a_one_page_pdf(
    qtbot: QtBot,
    tmp_path: Path,
    created: CreateAssessmentResponse,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    target = tmp_path / "slip.pdf"
    dialog = make(
        qtbot,
        created,
        job_name="Customer Service Representative",
        candidate_has_email=False,
        ask_save_path=lambda: str(target),
    )
    assert "no email address" in child(dialog, QLabel, "noEmailNote").text()
    print_slip(qtbot, dialog)
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1
    assert len(data) > 1024
    assert str(target) in child(dialog, QLabel, "statusMessage").text()


SLIP_RESPONSE = response("https://site.berkeassessment.com/start/K7QX2M9P")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file size limits")
def test_a_slip_cut_short_by_a_full_disk_is_not_said_saved(
    qtbot: QtBot, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Painted straight onto the file chosen, a slip cut short by a full disk (4,096 of its
    99,228 bytes) was said "✓ Invitation slip saved", over yesterday's slip, lost: Qt does not
    report a failed write. The disk fills here after 4 KB (``RLIMIT_FSIZE``: writes past it
    fail as on a full disk, ``SIGXFSZ`` ignored so that they fail rather than end the run)."""
    import resource

    target = tmp_path / "slip.pdf"
    target.write_bytes(b"%PDF yesterday's slip")
    dialog = make(qtbot, SLIP_RESPONSE, ask_save_path=lambda: str(target))
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, hard))
    try:
        print_slip(qtbot, dialog)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)
    status = child(dialog, QLabel, "statusMessage").text()
    assert status.startswith(
        f"⚠ The invitation slip cannot be saved in the folder {tmp_path}: the system refused"
    ), status
    assert target.read_bytes() == b"%PDF yesterday's slip"
    assert [p.name for p in tmp_path.iterdir()] == ["slip.pdf"]  # no temporary file left


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_chosen_for_the_slip_does_not_freeze_the_desk(
    qtbot: QtBot, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Saved over a FIFO, the slip froze the whole desk (the GUI thread, the event loop,
    every worker thread): Qt opened it to write and waited for a reader, holding the GIL."""
    fifo = tmp_path / "slip.pdf"
    os.mkfifo(fifo)
    dialog = make(qtbot, SLIP_RESPONSE, ask_save_path=lambda: str(fifo))
    with fifo_reader_process(fifo):
        print_slip(qtbot, dialog)
    assert fifo.is_file()  # a file now, in the FIFO's place (reading a FIFO would wait)
    assert fifo.read_bytes().startswith(b"%PDF")
    assert child(dialog, QLabel, "statusMessage").text() == f"✓ Invitation slip saved to {fifo}"


def test_cancelled_save_writes_nothing(qtbot: QtBot, created: CreateAssessmentResponse) -> None:
    dialog = make(qtbot, created, ask_save_path=lambda: None)
    qtbot.mouseClick(child(dialog, QPushButton, "printSlipButton"), Qt.MouseButton.LeftButton)
    assert child(dialog, QLabel, "statusMessage").isHidden()


def test_no_email_note_only_without_email(qtbot: QtBot, created: CreateAssessmentResponse) -> None:
    dialog = make(qtbot, created)
    assert dialog.findChild(QLabel, "noEmailNote") is None


def test_accept_emits_the_url(qtbot: QtBot, created: CreateAssessmentResponse) -> None:
    dialog = make(qtbot, created)
    with qtbot.waitSignal(dialog.accept_requested) as blocker:
        qtbot.mouseClick(child(dialog, QPushButton, "acceptButton"), Qt.MouseButton.LeftButton)
    assert blocker.args == [created.assessment_url]


def test_escape_and_close_close(qtbot: QtBot, created: CreateAssessmentResponse) -> None:
    dialog = make(qtbot, created)
    show_exposed(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog.show()
    qtbot.mouseClick(child(dialog, QPushButton, "closeButton"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_controls_have_accessible_names(qtbot: QtBot, created: CreateAssessmentResponse) -> None:
    dialog = make(qtbot, created)
    for button in dialog.findChildren(QPushButton):
        assert button.accessibleName(), button.objectName()
    assert child(dialog, QLineEdit, "assessmentUrl").accessibleName() == "Assessment URL"


def test_a_name_no_font_can_draw_is_said_after_printing(
    qtbot: QtBot,
    tmp_path: Path,
    created: CreateAssessmentResponse,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    target = tmp_path / "slip.pdf"
    dialog = UrlPreviewDialog(
        candidate_name="Ana \ue000",
        response=created,
        allow_http_loopback=True,
        ask_save_path=lambda: str(target),
    )
    qtbot.addWidget(dialog)
    print_slip(qtbot, dialog)
    assert target.read_bytes().startswith(b"%PDF")
    status = child(dialog, QLabel, "statusMessage").text()
    assert "no font for “\ue000”" in status
    assert "fonts-noto-cjk" in status


CODE = "K7QX2M9P"


def test_a_url_no_qr_code_holds_still_opens_the_preview(qtbot: QtBot) -> None:
    """A 3,000-character address crashed the preview (segno's DataOverflowError): the
    assessment was made and linked, and its code never shown. Berke's answer is now held to
    2,048 characters; one stored before still shows, without its QR code."""
    url = "https://site.berkeassessment.com/start?x=" + "a" * 3000 + "&c=" + CODE
    with pytest.raises(ValueError, match="2048"):
        CreateAssessmentResponse.model_validate(
            {"sourceCandidateId": "c-1", "invitationCode": CODE, "assessmentUrl": url}
        )
    dialog = make(qtbot, response(url, CODE))
    assert dialog.url_field.text() == url
    assert "No QR code" in dialog.qr_label.text()


@pytest.mark.parametrize(
    "url",
    [f"file:///etc/passwd#{CODE}", f"javascript:alert(1)//{CODE}", f"data:text/html,x/{CODE}"],
)
def test_only_a_web_address_is_taken_from_berke_or_opened(qtbot: QtBot, url: str) -> None:
    """A hostile answer's file: or script address was stored, handed to the desktop by Open
    in browser, and sent to SmartRecruiters on Accept (where it failed as an app bug)."""
    with pytest.raises(ValueError, match="web address"):
        CreateAssessmentResponse.model_validate(
            {"sourceCandidateId": "c-1", "invitationCode": CODE, "assessmentUrl": url}
        )
    opened: list[QUrl] = []

    def browser(address: QUrl) -> bool:
        opened.append(address)
        return True

    dialog = make(qtbot, response(url), open_url=browser)
    qtbot.mouseClick(child(dialog, QPushButton, "openUrlButton"), Qt.MouseButton.LeftButton)
    assert opened == []
    assert "Not a web address" in dialog.status_message.text()


@pytest.mark.parametrize(
    ("url", "code", "said"),
    [
        (f"https://site.berkeassessment.com@evil.example/start/{CODE}", CODE, "evil.example"),
        ("https://site.berkeassessment.com/start/\u202e" + CODE, "\u202e" + CODE, "invisible"),
        (f"https://site.b\u0435rkeassessment.com/start/{CODE}", CODE, "xn--"),
    ],
    ids=["a site before an @", "a right-to-left mark", "a Cyrillic letter"],
)
def test_a_deceptive_url_is_never_called_right(
    qtbot: QtBot, url: str, code: str, said: str
) -> None:
    """Each of these had "✓ URL looks right", the tick a coordinator trusts before sending."""
    dialog = make(qtbot, response(url, code), allow_http_loopback=False)
    assert any(said in problem for problem in dialog.problems), dialog.problems


@pytest.mark.parametrize(
    ("url", "code"),
    [
        (f"https://assess.berke.com@evil.example/start/{CODE}", CODE),
        ("https://assess.berke.com/start/\u202e" + CODE, "\u202e" + CODE),
    ],
    ids=["a site before an @", "a right-to-left mark"],
)
def test_a_link_that_opens_elsewhere_is_not_offered_for_accept(
    qtbot: QtBot, url: str, code: str
) -> None:
    """The preview flagged these, and offered "Accept order with this URL…" all the same."""
    dialog = make(qtbot, response(url, code))
    show_exposed(qtbot, dialog)
    button = child(dialog, QPushButton, "acceptButton")
    assert button.isVisible()
    assert not button.isEnabled()
    assert button.toolTip().startswith("Accept is refused")
    assert "Accept is refused" in child(dialog, QLabel, "urlCheck").text()
    asked: list[object] = []
    dialog.accept_requested.connect(asked.append)
    button.click()
    dialog._request_accept()  # a path that reaches it all the same sends nothing
    assert asked == []


def test_plain_http_is_offered_for_accept_which_asks_again(qtbot: QtBot) -> None:
    """Not refused: the Accept dialog asks for "Send this URL anyway" before it sends."""
    dialog = make(qtbot, response(f"http://assess.berke.com/start/{CODE}"))
    button = child(dialog, QPushButton, "acceptButton")
    assert button.isEnabled()
    assert "confirm" in button.toolTip()
    assert "Accept is refused" not in child(dialog, QLabel, "urlCheck").text()
    with qtbot.waitSignal(dialog.accept_requested):
        button.click()


def test_what_the_preview_says_once_open_shows_whole(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop, tmp_path: Path, sandbox: SandboxServer
) -> None:
    """The preview kept the height it opened with: the slip's outcome (three lines for a name
    no font can draw) and the reachability verdict, said once it was open, were squeezed
    into it: the lines under the URL (its check, the verdict) were cut off."""
    url = f"{sandbox.berke_base_url}/start/NOSUCHCODE"
    dialog = UrlPreviewDialog(
        candidate_name="Ana \ue000",
        response=response(url, "NOSUCHCODE"),
        allow_http_loopback=True,
        ask_save_path=lambda: str(tmp_path / "slip.pdf"),
    )
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)

    async def print_then_check() -> None:
        qtbot.mouseClick(child(dialog, QPushButton, "printSlipButton"), Qt.MouseButton.LeftButton)
        await dialog.tasks.wait_idle()  # the slip written
        await dialog.check_reachability()

    qloop.run_until_complete(print_then_check())
    settle()
    assert "fonts-noto-cjk" in dialog.status_message.text()
    assert clipped(dialog) == []


@pytest.mark.parametrize("answer", ["No", "Yes"])
def test_a_slip_name_typed_without_pdf_does_not_replace_a_file_unasked(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    running_loop: asyncio.AbstractEventLoop,
    answer: str,
) -> None:
    """The file chooser asked about replacing "slip" (no such file), then ".pdf" was added and
    another candidate's "slip.pdf" was replaced unasked (as snapshots once were)."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    existing = tmp_path / "slip.pdf"
    existing.write_bytes(b"%PDF yesterday's slip for another candidate")
    typed = str(tmp_path / "slip")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (typed, ""))
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return getattr(QMessageBox.StandardButton, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    response = CreateAssessmentResponse.model_construct(
        source_candidate_id="c-1",
        invitation_code="K7QX2M9P",
        assessment_url="https://site.berkeassessment.com/start/K7QX2M9P",
    )
    dialog = UrlPreviewDialog(
        candidate_name="Zoë Müller", response=response, allow_http_loopback=True
    )
    qtbot.addWidget(dialog)
    print_slip(qtbot, dialog)
    (question_asked,) = asked
    assert str(existing) in question_asked
    replaced = existing.read_bytes() != b"%PDF yesterday's slip for another candidate"
    assert replaced is (answer == "Yes")
