"""Secret hygiene: a whole flow with real-looking keys, then not one trace of them in any file the
app wrote (settings, database and its WAL, logs, QSettings, crash log) or any error's words."""

from __future__ import annotations

import asyncio
import logging
import secrets
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.clients.berke import BerkeClient
from app.clients.errors import ApiError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.berke import CreateAssessmentRequest
from app.domain.connection import ConnectionProfile
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, ResultType
from app.sandbox import SandboxConfig, SandboxServer
from app.store import logs
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.database import Database
from app.store.paths import HOME_OVERRIDE, log_dir
from app.store.settings_file import load_settings
from app.ui.common.error_dialog import DialogNotifier
from app.ui.main_window import MainWindow
from app.ui.session_host import database_path_for
from app.ui.settings.settings_dialog import SettingsDialog
from app.workflows.desk import Desk
from app.workflows.notifier import report_for
from app.workflows.order_actions import accept_order, create_assessment, send_invitation
from app.workflows.results import complete_order, queue_files, run_upload
from app.workflows.session import open_session
from tests.integration.helpers import new_order_body
from tests.memory_keyring import memory_keyring
from tests.ui.conftest import connect

ALPHABET = string.ascii_letters + string.digits
SR_KEY_VALUE = "".join(secrets.choice(ALPHABET) for _ in range(64))
BERKE_TOKEN_VALUE = "".join(secrets.choice(ALPHABET) for _ in range(40))
NEEDLES = [SR_KEY_VALUE, SR_KEY_VALUE[:8], BERKE_TOKEN_VALUE, BERKE_TOKEN_VALUE[:8]]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of its own, the app logging into it (put back after the test: tests/conftest.py)."""
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_OVERRIDE, str(home))
    logs.setup_logging(logging.DEBUG, console_level=logging.CRITICAL)
    return home


@pytest.fixture
def strict_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(
        SandboxConfig(
            sr_key=SR_KEY_VALUE,
            berke_token=BERKE_TOKEN_VALUE,
            orders=3,
            sr_rate_per_second=0,
            berke_burst=100_000,
        ),
        port=0,
    )
    server.start()
    yield server
    server.stop()


def _hits(home: Path) -> list[str]:
    found = []
    for path in home.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for needle in NEEDLES:
            for encoded in (needle.encode("utf-8"), needle.encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{path.relative_to(home)} contains {needle[:3]}…")
    return found


def _enter_keys(qtbot: QtBot, sandbox: SandboxServer, loop: asyncio.AbstractEventLoop) -> KeyStore:
    """Keys typed into the settings dialog, as a coordinator would."""
    keys = KeyStore()
    dialog = SettingsDialog(load_settings(), keys)
    qtbot.addWidget(dialog)
    dialog.add_profile()
    dialog.name_edit.setText("Account")
    dialog.name_edit.textEdited.emit("Account")
    for name, url in (
        ("sr_base_url", sandbox.sr_base_url),
        ("berke_base_url", sandbox.berke_base_url),
    ):
        dialog.editors[name].setText(url)  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.key_fields[SR_KEY], SR_KEY_VALUE)
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], BERKE_TOKEN_VALUE)
    dialog.active_combo.setCurrentText("Account")
    assert loop.run_until_complete(dialog.save_changes()) is not None  # Apply
    return keys


async def _whole_flow(
    desk: Desk, window: MainWindow, sandbox: SandboxServer, report: Path
) -> list[BaseException]:
    """Create, accept, invite, complete, upload; then failing calls. Returns their errors."""
    sr = desk.session.sr
    created = await sr.create_test_order(new_order_body(email="zoe@example.com"))

    async def fresh() -> AssessmentOrder:
        return await sr.get_order(created.id)

    order = await fresh()
    await create_assessment(
        desk,
        order,
        CreateAssessmentRequest(
            first_name="Zoë",
            last_name="Müller",
            email_address="zoe@example.com",
            source_candidate_id=order.candidate.id,
        ),
    )
    await accept_order(desk, await fresh())
    await send_invitation(desk, await fresh())
    result = AssessmentResult(
        result_type=ResultType.DOCUMENT, result="report.pdf", title="Fit", score="80%"
    )
    await complete_order(desk, await fresh(), result)
    queued, _refused = await queue_files(desk, await fresh(), [report])
    for upload in queued:
        await run_upload(desk, upload)
    await window.sync()
    # Failing calls: wrong keys, and a right key on a missing order.
    errors: list[BaseException] = []
    wrong_sr = SmartRecruitersClient(sandbox.sr_base_url, SR_KEY_VALUE[::-1])
    wrong_berke = BerkeClient(sandbox.berke_base_url, BERKE_TOKEN_VALUE[::-1])
    for call in (
        wrong_sr.list_orders(limit=1),
        wrong_berke.get_jobs(),
        sr.get_order("no-such-order"),
    ):
        try:
            await call
        except ApiError as exc:
            errors.append(exc)
            logging.getLogger("app.test").warning("failed: %r", exc, exc_info=True)
    await wrong_sr.aclose()
    await wrong_berke.aclose()
    return errors


def test_no_key_survives_anywhere(
    qtbot: QtBot,
    home: Path,
    strict_sandbox: SandboxServer,
    tmp_path: Path,
    qloop: asyncio.AbstractEventLoop,
) -> None:
    report = tmp_path / "report.pdf"  # outside the home: it is the user's file, not the app's
    report.write_bytes(b"%PDF-1.4 Berke report\n")
    with memory_keyring() as ring:
        keys = _enter_keys(qtbot, strict_sandbox, qloop)
        assert len(ring.entries) == 2

        settings = load_settings()
        profile: ConnectionProfile = settings.active_profile
        credentials = keys.credentials(profile.name)
        assert credentials is not None
        session = open_session(profile, credentials)
        desk = Desk(session, Database(database_path_for(profile)))
        window = MainWindow()  # its Qt settings in the home too (config/ui.ini)
        qtbot.addWidget(window)
        connect(window, desk, start=False)

        errors = qloop.run_until_complete(_whole_flow(desk, window, strict_sandbox, report))
        assert len(errors) == 3

        # A crash whose message carries a key: the crash log and the dialog redact it.
        notifier = DialogNotifier(window, log_dir() / logs.LOG_FILE_NAME)
        try:
            raise RuntimeError(f"unexpected, with {SR_KEY_VALUE} inside")
        except RuntimeError as crash:
            notifier.notify(report_for(crash, where="main thread"))
        assert notifier.box is not None
        box_text = notifier.box.text() + notifier.box.informativeText()
        box_text += notifier.box.detailedText()
        notifier.box.close()

        window.save_layout()
        logging.getLogger().debug("headers seen: %s", {"X-SmartToken": SR_KEY_VALUE})
        assert _hits(home) == []  # with the database's WAL still open
        window.close()
        qloop.run_until_complete(session.aclose())
        desk.db.close()

    for handler in logging.getLogger().handlers:
        handler.flush()
    written = sorted(p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file())
    assert any(p.startswith("log/") for p in written)
    assert any(p.endswith(".sqlite3") for p in written)
    assert "config/settings.json" in written
    assert "config/ui.ini" in written
    assert _hits(home) == []
    log_text = (home / "log" / logs.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "«redacted»" in log_text  # the keys did reach the logger, and were replaced
    assert "Traceback" in log_text
    # The scan itself finds a key when one is there.
    (home / "leak.txt").write_text(BERKE_TOKEN_VALUE[:8])
    assert _hits(home) == ["leak.txt contains " + BERKE_TOKEN_VALUE[:3] + "…"]
    for needle in NEEDLES:
        assert needle not in box_text
        for exc in errors:
            assert needle not in str(exc)
            assert needle not in repr(exc)
