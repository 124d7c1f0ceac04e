"""The session host switching profiles: a profile it cannot open, a switch back while the
first one's sync is still under way, what the closed profile left to say, why a profile
fell back to demo mode, and a service's answer kept unwritten across a reconnection."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from keyring.errors import KeyringError, KeyringLocked
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

import app.clients.tls
import app.workflows.session
from app.clients.berke import BerkeClient, berke_pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import SANDBOX_PROFILE, AppSettings, ConnectionProfile, Credentials
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import AssessmentResult, ResultType
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.database import Database
from app.ui.common.screens import TITLE_BAR, available_room
from app.ui.main_window import MainWindow
from app.ui.session_host import SessionHost
from app.workflows.board import OrderBoard, SyncOutcome
from app.workflows.desk import Desk
from app.workflows.refusals import OutcomeKeptError
from app.workflows.resume_news import ResumeNews
from app.workflows.session import Session
from tests.integration.test_answers_kept_unwritten import (
    BUSY_SECONDS,
    FileHolder,
    HeldAfterTheCompletion,
)
from tests.integration.test_close_the_loop import invited_order, results_of
from tests.memory_keyring import BackendGoneError, MemoryKeyring, installed_keyring
from tests.ui.conftest import show_exposed
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

pytestmark = pytest.mark.usefixtures("running_loop")


def _wait(qtbot: QtBot, coro: Coroutine[Any, Any, object]) -> None:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    task.result()


async def _tiny_demo(**kwargs: object) -> object:
    """The demo session with 3 orders: enough for a switch, quick to start."""
    from app.workflows.session import open_demo_session

    return await open_demo_session(orders=3, **kwargs)  # type: ignore[arg-type]


def _on(sandbox: SandboxServer, name: str) -> ConnectionProfile:
    return ConnectionProfile(
        name=name, sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
    )


def _with_demo_keys(*names: str) -> KeyStore:
    keys = KeyStore()
    for name in names:
        keys.set(name, SR_KEY, DEMO_SR_KEY)
        keys.set(name, BERKE_TOKEN, DEMO_BERKE_TOKEN)
    return keys


def _profile_name(host: SessionHost) -> str | None:
    session = host.session
    return None if session is None or session.profile is None else session.profile.name


@pytest.fixture
def window(qtbot: QtBot, qsettings: QSettings) -> Iterator[MainWindow]:
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    yield window
    window.close()


def test_a_first_start_in_demo_mode_says_where_to_connect_until_a_real_profile_opens(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    """A first start (nothing saved: the built-in sandbox) said "Demo mode" in the title only:
    nothing said the orders were made up, nor where the real services are connected. The line
    above the orders and the connection's tooltip say both, and go once a real profile opens.
    The line costs the orders no room a small screen needs (1366×768 at 125 %)."""
    host = SessionHost(
        window,
        AppSettings(),
        _with_demo_keys("Acme"),
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
    )
    show_exposed(qtbot, window)
    height = window.height()
    try:
        _wait(qtbot, host.open())
        assert host.notice is None  # nothing went wrong: no notice says it
        keys = window.settings_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        where = f"File › Settings… ({keys})"
        assert window.banner.isVisible()
        said = window.banner.text()
        assert "made-up orders" in said
        assert "SmartRecruiters and Berke" in said
        assert where in said
        tip = window.connection_label.toolTip()
        assert "made-up orders" in tip
        assert where in tip
        # The window keeps its size: the status bar and the rows stay on the screen.
        assert window.height() == height
        assert window.height() + TITLE_BAR <= available_room(window).height()
        assert window.banner.height() <= 2 * window.banner.fontMetrics().lineSpacing() + 16
        assert window.rect().contains(window.statusBar().geometry())

        acme = _on(sandbox, "Acme")
        host._saved(AppSettings(profiles=[acme], active="Acme"))  # Settings: OK on "Acme"
        _wait(qtbot, host.wait_switched())
        assert _profile_name(host) == "Acme"
        assert host.session is not None
        assert not host.session.demo
        assert not window.banner.isVisible()
        assert "made-up" not in window.connection_label.toolTip()
    finally:
        _wait(qtbot, host.wait_switched())
        _wait(qtbot, host.close())


def test_a_demo_started_with_the_demo_flag_sends_nobody_to_the_settings(
    qtbot: QtBot, window: MainWindow
) -> None:
    """With --demo no profile opens whatever the settings say: the way out is to start
    without it."""
    host = SessionHost(
        window,
        AppSettings(),
        KeyStore(),
        force_demo=True,
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
    )
    try:
        _wait(qtbot, host.open())
        said = window.banner.text()
        assert "made-up orders" in said
        assert "without it" in said
        assert "Settings" not in said
    finally:
        _wait(qtbot, host.close())


def _https_profile_without_its_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[ConnectionProfile, KeyStore, Path]:
    """An https profile "Acme" with its keys stored, and SSL_CERT_FILE naming a bundle that
    is gone (the bundle it names)."""
    gone = tmp_path / "gone-ca-bundle.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(gone))
    monkeypatch.setattr(app.clients.tls, "_context", None)  # not built yet this run
    acme = ConnectionProfile(
        name="Acme", sr_base_url="https://sr.acme.example/v1",
        berke_base_url="https://berke.acme.example/api",
    )  # fmt: skip
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    keys.set("Acme", BERKE_TOKEN, "berke-token")
    return acme, keys, gone


def test_a_switch_whose_tls_context_cannot_be_built_opens_demo_mode_saying_why(
    qtbot: QtBot,
    window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SSL_CERT_FILE naming a bundle that is gone: the switch closed the sandbox's session,
    then failed opening the https profile's clients. Before: no session at all (no orders,
    every action off, "Closing the connection…" for good) and nothing said; the error sat on
    the switch's task."""
    acme, keys, gone = _https_profile_without_its_bundle(tmp_path, monkeypatch)
    host = SessionHost(
        window,
        AppSettings(profiles=[acme], active=SANDBOX_PROFILE),
        keys,
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
    )
    try:
        _wait(qtbot, host.open())
        host._saved(AppSettings(profiles=[acme], active="Acme"))  # Settings: OK on "Acme"
        _wait(qtbot, host.wait_switched())
        assert host.session is not None
        assert host.session.demo
        assert host.board is not None
        assert window.board is host.board
        notice = host.notice or ""
        assert "“Acme” cannot be opened" in notice, notice
        assert f"SSL_CERT_FILE names ({gone}) is not there" in notice, notice
        assert ("", notice) in window.messages.shown  # said on the status bar
    finally:
        _wait(qtbot, host.close())


def test_the_demo_line_after_a_fallback_says_which_profile_failed_and_why(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A profile that cannot be opened (here its certificate bundle is gone) leaves the desk
    in demo mode, and the status bar says why for 20 s. Before: the line above the orders,
    what stays, said "To work on your own, connect SmartRecruiters and Berke in File ›
    Settings…", where that profile is connected already; once the note had gone nothing on
    the window said which profile failed, or why. The line says it: on one line, the whole
    in its tooltip."""
    acme, keys, _gone = _https_profile_without_its_bundle(tmp_path, monkeypatch)
    host = SessionHost(
        window,
        AppSettings(profiles=[acme], active="Acme"),  # a start on "Acme"
        keys,
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
    )
    show_exposed(qtbot, window)
    try:
        _wait(qtbot, host.open())
        assert host.session is not None
        assert host.session.demo
        notice = host.notice or ""
        assert "“Acme” cannot be opened" in notice
        banner = window.banner
        line = banner.text()
        assert "Demo mode" in line
        assert "“Acme” cannot be opened" in line, line
        assert "connect SmartRecruiters and Berke" not in line
        assert notice in banner.toolTip()
        one_line = banner.fontMetrics().lineSpacing() + 16
        assert banner.height() <= one_line
        window.resize(700, window.height())  # cut again to the narrower window
        qtbot.waitUntil(lambda: banner.width() <= 700)
        assert banner.heightForWidth(banner.width()) <= one_line
        assert "Acme" in banner.text()
    finally:
        _wait(qtbot, host.close())


def test_a_switch_that_fails_unforeseen_opens_demo_mode_saying_why(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    """Whatever opening the new profile raised, the desk is never left with no session."""

    def database(session: Session) -> Database:
        if not session.demo:
            raise RuntimeError("the disk went away")
        return Database(":memory:")

    local = _on(sandbox, "Local")
    host = SessionHost(
        window,
        AppSettings(profiles=[local], active=SANDBOX_PROFILE),
        _with_demo_keys("Local"),
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=database,
    )
    try:
        _wait(qtbot, host.open())
        _wait(qtbot, host.apply(AppSettings(profiles=[local], active="Local")))
        assert host.session is not None
        assert host.session.demo
        assert host.board is not None
        assert window.board is host.board
        assert host.notice is not None
        assert "“Local” could not be opened (the disk went away)" in host.notice
    finally:
        _wait(qtbot, host.close())


def test_switching_back_does_not_wait_for_the_abandoned_profiles_first_sync(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    hanging_port: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """B's server is silent: its first sync waits on connect timeouts and retries (~30 s;
    a busy service's Retry-After, minutes). The switch back to A waited for all of it, though
    closing B's board cancels that sync at once. Here B's clients wait on the silence far
    longer than the hang guard (no connect timeout, each call's deadline ten times the guard):
    a switch back that waits for B's sync never comes, rather than comes late."""
    real_open_session = app.workflows.session.open_session

    def open_session(profile: ConnectionProfile, credentials: Credentials) -> Session:
        session = real_open_session(profile, credentials)
        if profile.name == "B":
            for service in (session.sr._http, session.berke._http):
                service.http.timeout = httpx.Timeout(None)
                service.answer_limits = replace(
                    service.answer_limits, deadline_seconds=10 * HANG_GUARD_SECONDS
                )
        return session

    monkeypatch.setattr(app.workflows.session, "open_session", open_session)
    a = _on(sandbox, "A")
    silent = f"http://127.0.0.1:{hanging_port}"
    b = ConnectionProfile(name="B", sr_base_url=silent + "/v1", berke_base_url=silent + "/api")
    host = SessionHost(
        window,
        AppSettings(profiles=[a, b], active="A"),
        _with_demo_keys("A", "B"),
        write_settings=lambda _s: None,
        open_database=lambda _s: Database(":memory:"),
    )
    try:
        _wait(qtbot, host.open())
        host._saved(AppSettings(profiles=[a, b], active="B"))  # Settings: OK on "B"
        qtbot.waitUntil(lambda: _profile_name(host) == "B")
        qtbot.waitUntil(lambda: window._syncing)  # B's first sync, waiting on the silence
        host._saved(AppSettings(profiles=[a, b], active="A"))  # straight back to A
        qtbot.waitUntil(lambda: _profile_name(host) == "A")
        _wait(qtbot, host.wait_switched())  # A's own first sync runs
        assert host.board is not None
        assert host.board.orders()
    finally:
        _wait(qtbot, host.wait_switched())
        _wait(qtbot, host.close())


A_NEWS = "After a wait: 1 step could not be sent (Ana Lind): see the order's Activity"


def test_what_profile_a_had_waiting_to_say_is_not_said_under_profile_b(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    """A's resumer news, queued behind A's "Sync failed" line, was said once B's own line
    ran out: A's candidate named, for 15 s, as B's news."""
    profiles = [_on(sandbox, "A"), _on(sandbox, "B")]
    host = SessionHost(
        window,
        AppSettings(profiles=profiles, active="A"),
        _with_demo_keys("A", "B"),
        write_settings=lambda _s: None,
        open_database=lambda _s: Database(":memory:"),
    )
    bar = window.statusBar()
    try:
        _wait(qtbot, host.open())
        _wait(qtbot, window.sync())
        board_a = host.board
        assert board_a is not None
        board_a.listener.sync_started(poll=True)
        board_a.listener.sync_finished(SyncOutcome(poll=True, ok=False, error="Timed out."))
        board_a.listener.resume_ended(ResumeNews(A_NEWS, failed=1))  # waits its turn
        assert bar.currentMessage().startswith("Sync failed")
        host._saved(AppSettings(profiles=profiles, active="B"))
        _wait(qtbot, host.wait_switched())
        assert host.board is not None
        assert host.board is not board_a
        b_line = bar.currentMessage()
        assert A_NEWS not in b_line
        qtbot.waitUntil(lambda: bar.currentMessage() != b_line)  # B's line runs out
        assert A_NEWS not in bar.currentMessage(), "A's resumer news said under profile B"
    finally:
        _wait(qtbot, host.close())


class FailingLater(MemoryKeyring):
    """A keyring that answers, then raises ``error`` while ``failing``."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error
        self.failing = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.failing:
            raise self.error
        return super().get_password(service, username)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        pytest.param(
            KeyringLocked("locked"),
            ["the system keyring is locked", "unlock the keyring"],
            id="locked",
        ),
        pytest.param(
            BackendGoneError("DBUS_SESSION_BUS_ADDRESS is unset"),
            ["could not be reached", "once the system keyring answers again"],
            id="unreachable",
        ),
        pytest.param(
            KeyringError("org.freedesktop.DBus.Error.NoReply"),
            ["The keyring did not answer (KeyringError)", "once the system keyring answers"],
            id="refusing",
        ),
    ],
)
def test_a_profile_whose_keys_the_keyring_no_longer_gives_says_why_not_no_keys(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer, error: Exception, said: list[str]
) -> None:
    """Its keys stored, the keyring locked, gone or refusing since: demo mode said "No keys
    for the profile … Enter them in File > Settings" (keys typed again were then kept for
    this session only); only a locked one was said. Once it answers, Save opens it."""
    local = _on(sandbox, "Local")
    with installed_keyring(FailingLater(error)) as ring:
        keys = _with_demo_keys("Local")  # in the keyring, as Settings stores them
        host = SessionHost(
            window,
            AppSettings(profiles=[local], active=SANDBOX_PROFILE),
            keys,
            write_settings=lambda _s: None,
            demo_opener=_tiny_demo,  # type: ignore[arg-type]
            open_database=lambda _s: Database(":memory:"),
        )
        try:
            _wait(qtbot, host.open())
            ring.failing = True  # the desktop's keyring locked, gone or refusing meanwhile
            _wait(qtbot, host.apply(AppSettings(profiles=[local], active="Local")))
            assert host.session is not None
            assert host.session.demo
            notice = host.notice or ""
            assert "No keys" not in notice, notice
            assert "Enter them" not in notice, notice
            for words in said:
                assert words in notice, notice
            ring.failing = False  # it answers again, then Settings, Save: the profile opens
            _wait(qtbot, host.apply(AppSettings(profiles=[local], active="Local")))
            assert not host.session.demo
        finally:
            _wait(qtbot, host.close())


def _result(qtbot: QtBot, coro: Coroutine[Any, Any, Any]) -> Any:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=30_000)
    return task.result()


def _kept_completion(qtbot: QtBot, host: SessionHost) -> tuple[str, Desk]:
    """An invited order of the host's board completed, its answer (the resultId, listed
    nowhere else) kept unwritten: the data file held since SmartRecruiters answered."""
    board, desk = host.board, host.desk
    assert board is not None
    assert desk is not None
    order_id = _result(qtbot, invited_order(board, desk, "Lena", "lena@example.com"))
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="Passed the test")
    with pytest.raises(OutcomeKeptError):
        _result(qtbot, board.complete(order_id, result))
    assert desk.kept_outcomes
    return order_id, desk


def _completion_written(qtbot: QtBot, board: OrderBoard, desk: Desk, order_id: str) -> None:
    """``board``'s resumer has ended the order's completion step (written, or sent again)."""
    _result(qtbot, board.resume())

    def ended() -> bool:
        (step,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.COMPLETE]
        return step.state is not StepState.PENDING

    qtbot.waitUntil(ended, timeout=30_000)


@pytest.fixture
def held_after_completion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[FileHolder, dict[str, Path]]:
    """Sessions whose SmartRecruiters holds profile A's data file once it answered a
    completion (and lists results without ids, as its FAQ has it); each profile's data file,
    by name, in the test's folder."""
    files = {"A": tmp_path / "a.sqlite3", "B": tmp_path / "b.sqlite3"}
    holder = FileHolder(files["A"])
    transport = HeldAfterTheCompletion(holder)

    def open_session(profile: ConnectionProfile, credentials: Credentials) -> Session:
        return Session(
            sr=SmartRecruitersClient(
                profile.sr_base_url, credentials.sr_partner_key, transport=transport
            ),
            berke=BerkeClient(
                profile.berke_base_url,
                credentials.berke_api_token,
                pacer=berke_pacer(
                    profile.berke_burst, profile.berke_window_ms, profile.berke_concurrency
                ),
            ),
            demo=False,
            profile=profile,
        )

    monkeypatch.setattr(app.workflows.session, "open_session", open_session)
    return holder, files


def _host_on_files(
    window: MainWindow, settings: AppSettings, files: dict[str, Path]
) -> SessionHost:
    def open_database(session: Session) -> Database:
        assert session.profile is not None
        return Database(files[session.profile.name], busy_seconds=BUSY_SECONDS)

    return SessionHost(
        window,
        settings,
        _with_demo_keys(*files),
        write_settings=lambda _s: None,
        open_database=open_database,
    )


def test_a_kept_result_id_is_written_as_its_desk_closes_for_a_reconnection(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    held_after_completion: tuple[FileHolder, dict[str, Path]],
) -> None:
    """Settings saved with the result author changed reconnect on the same data file: the
    answer kept on the closed Desk was dropped without a word, and the new desk's resumer
    found the order completed with a result listed without its id: never recorded."""
    holder, files = held_after_completion
    a = _on(sandbox, "A")
    host = _host_on_files(window, AppSettings(profiles=[a], active="A"), files)
    try:
        _wait(qtbot, host.open())
        order_id, desk = _kept_completion(qtbot, host)
        holder.release()  # the other program lets go of the data file
        changed = a.model_copy(update={"result_author": "Cora Lind"})
        _result(qtbot, host.apply(AppSettings(profiles=[changed], active="A")))
        _result(qtbot, host.wait_switched())
        assert host.board is not None
        assert host.desk is not None
        assert host.desk is not desk
        _completion_written(qtbot, host.board, host.desk, order_id)
        (made,) = results_of(sandbox, order_id)
        assert host.desk.results.result_id_for(order_id) == made["id"]
    finally:
        _result(qtbot, host.wait_switched())
        _result(qtbot, host.close())


def test_a_kept_result_id_still_unwritable_at_a_switch_is_written_on_switching_back(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    held_after_completion: tuple[FileHolder, dict[str, Path]],
) -> None:
    """A's data file still held as the desk switches to B: the answer cannot be written as
    A's desk closes, and is handed to the next desk on A's file, which writes it."""
    holder, files = held_after_completion
    profiles = [_on(sandbox, "A"), _on(sandbox, "B")]
    host = _host_on_files(window, AppSettings(profiles=profiles, active="A"), files)
    try:
        _wait(qtbot, host.open())
        order_id, _desk = _kept_completion(qtbot, host)
        _result(qtbot, host.apply(AppSettings(profiles=profiles, active="B")))
        _result(qtbot, host.wait_switched())
        assert _profile_name(host) == "B"
        assert host.desk is not None
        assert not host.desk.kept_outcomes
        holder.release()
        _result(qtbot, host.apply(AppSettings(profiles=profiles, active="A")))
        _result(qtbot, host.wait_switched())
        assert _profile_name(host) == "A"
        assert host.board is not None
        assert host.desk is not None
        _completion_written(qtbot, host.board, host.desk, order_id)
        (made,) = results_of(sandbox, order_id)
        assert host.desk.results.result_id_for(order_id) == made["id"]
        assert not host.desk.kept_outcomes
    finally:
        _result(qtbot, host.wait_switched())
        _result(qtbot, host.close())


def test_a_kept_answer_is_not_taken_by_another_step_of_a_file_made_anew_at_its_path(
    qtbot: QtBot,
    window: MainWindow,
    sandbox: SandboxServer,
    held_after_completion: tuple[FileHolder, dict[str, Path]],
) -> None:
    """A's data file removed while B was open (a clean-up tool): the next desk on A starts a
    fresh file, whose step ids start again at 1. The answer kept for A's old step of that
    id, handed over by path and taken by id alone, was recorded as another order's
    completion: marked done with the first order's resultId, and never sent."""
    holder, files = held_after_completion
    profiles = [_on(sandbox, "A"), _on(sandbox, "B")]
    host = _host_on_files(window, AppSettings(profiles=profiles, active="A"), files)
    try:
        _wait(qtbot, host.open())
        _lena, lenas_desk = _kept_completion(qtbot, host)
        (kept_id,) = lenas_desk.kept_outcomes
        # Still held as the desk switches to B: the answer goes with the host.
        _result(qtbot, host.apply(AppSettings(profiles=profiles, active="B")))
        _result(qtbot, host.wait_switched())
        assert _profile_name(host) == "B"
        holder.release()
        for suffix in ("", "-wal", "-shm"):  # A's file removed while it is closed
            Path(f"{files['A']}{suffix}").unlink(missing_ok=True)
        _result(qtbot, host.apply(AppSettings(profiles=profiles, active="A")))
        _result(qtbot, host.wait_switched())
        assert _profile_name(host) == "A"
        board, desk = host.board, host.desk
        assert board is not None
        assert desk is not None
        # Another order, invited and completed on the fresh file.
        mara = _result(qtbot, invited_order(board, desk, "Mara", "mara@example.com"))
        result = AssessmentResult(result_type=ResultType.DOCUMENT, result="Passed too")
        _result(qtbot, board.complete(mara, result))
        (complete,) = [e for e in desk.journal.entries(mara) if e.action is StepKind.COMPLETE]
        assert complete.id == kept_id, "the fresh file's step ids did not meet the kept one"
        assert complete.state is StepState.DONE
        (made,) = results_of(sandbox, mara)  # sent, not taken from Lena's answer
        assert desk.results.result_id_for(mara) == made["id"]
        assert not desk.kept_outcomes
    finally:
        _result(qtbot, host.wait_switched())
        _result(qtbot, host.close())
