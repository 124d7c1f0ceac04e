"""The session and desk behind the main window, opened from the active profile and reopened
(and re-synced) when the settings dialog switches or changes that profile."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.ui.common.async_dialogs import run_dialog
from app.ui.common.task_group import NamedTasks
from app.ui.main_window import MainWindow

if TYPE_CHECKING:  # the board, the clients (httpx), the sandbox and the dialogs load when first
    # needed: after the window's first frame
    from app.domain.connection import AppSettings, ConnectionProfile, Credentials
    from app.store.credentials import KeyStore
    from app.store.database import Database
    from app.store.settings_file import SettingsFile, SettingsRead
    from app.ui.orders.board_signals import BoardSignals
    from app.ui.orders.sources import OrderSource
    from app.ui.settings.settings_dialog import SettingsDialog
    from app.workflows.board import OrderBoard
    from app.workflows.cached_inbox import CachedInbox
    from app.workflows.demo_services import DemoServices
    from app.workflows.desk import Desk, KeptAnswer
    from app.workflows.session import Session


log = logging.getLogger(__name__)


def _save_settings(settings: AppSettings) -> object:
    from app.store.settings_file import save_settings

    return save_settings(settings)


def _read_if_changed_elsewhere(file: SettingsFile) -> SettingsRead | None:
    """The settings file read again, when another program changed it since it was last read
    or written here; None when it did not. Reads the disk: off the GUI thread."""
    return file.read() if file.changed_elsewhere() else None


# What a session depends on; other options (poll interval…) apply without reconnecting.
_CONNECTION_FIELDS = (
    "kind",
    "data_file",  # another file is other orders and another journal: opened afresh
    "sr_base_url",
    "berke_base_url",
    "berke_username",
    "berke_burst",
    "berke_window_seconds",
    "berke_concurrency",
    "result_author",
)


def database_path_for(profile: ConnectionProfile) -> Path:
    """One SQLite file per account: a staging system's orders never mix with production's.
    Production keeps the file name the app has always used."""
    from app.domain.connection import data_file_name
    from app.store.database import data_file_path

    return data_file_path(data_file_name(profile))


CLOSING_NOTE = "Closing the connection: finishing what is under way first…"


def demo_line(settings_keys: str, *, forced: bool, because: str | None = None) -> str:
    """What demo mode is, and the way to the real services, for the line above the orders:
    a first start (the built-in sandbox profile) said "Demo mode" in the title only.
    ``forced``: started with ``--demo``, where no setting leads out of it. ``because``: the
    session fell back to demo mode, the profile asked for not opened (the host's ``notice``):
    that reason, which the line keeps once the status bar's note has gone. "Connect … in
    File › Settings" sent the coordinator to a profile connected there already."""
    what = "Demo mode: made-up orders from the built-in simulator."
    if forced:
        return f"{what} Started with --demo: start Assessment Desk without it to work on your own."
    if because:
        return f"Demo mode: {because}"
    keys = f" ({settings_keys})" if settings_keys else ""
    return (
        f"{what} To work on your own, connect SmartRecruiters and Berke in File › Settings…{keys}."
    )


def keys_fingerprint(credentials: Credentials | None) -> str | None:
    """A digest of both keys (None without keys): whether they changed, without keeping
    them."""
    if credentials is None:
        return None
    digest = hashlib.sha256()
    for secret in (credentials.sr_partner_key, credentials.berke_api_token):
        digest.update(secret.get_secret_value().encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def account_fingerprint(sr_base_url: str, credentials: Credentials) -> str:
    """A digest of the SmartRecruiters account a session reads its orders from (its address
    and partner key): whether a reconnection reads the same orders, without keeping the key."""
    digest = hashlib.sha256()
    digest.update(sr_base_url.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(credentials.sr_partner_key.get_secret_value().encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class SessionHost(QObject):
    """Owns the session, its desk and the order board; the window only ever sees the board
    (through its signals), never the desk, a client or the database."""

    switched = Signal(str)  # the description of the new session
    # The data file was put back at its path (its folder removed, or another file put there,
    # while the desk ran): its words. Emitted on the writing thread, shown on the window's.
    data_file_put_back = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        settings: AppSettings,
        keys: KeyStore,
        *,
        force_demo: bool = False,
        open_database: Callable[[Session], Database] | None = None,
        write_settings: Callable[[AppSettings], object] | None = None,
        demo_opener: Callable[..., Awaitable[Session]] | None = None,
        settings_problem: str | None = None,
        settings_file: SettingsFile | None = None,
        demo_services: DemoServices | None = None,
    ) -> None:
        """``settings_problem``: what of the saved settings could not be read, said when the
        first session opens. ``settings_file``: the file they were read from; it is written
        only as it was read (``write_settings`` replaces it). ``demo_services``: the demo's
        services, started with the desk; the first demo session opens on them (later ones, and
        all without them, start their own; ``demo_opener`` replaces all that)."""
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.keys = keys
        self.force_demo = force_demo
        self._open_database = open_database or self._default_database
        self._own_database = open_database is None
        # The active profile's database and cached inbox, read before the session opened
        # (``show_cached``): (profile name, database, inbox), taken by ``open``.
        self._cached: tuple[str, Database, CachedInbox] | None = None
        self._settings_file = settings_file
        # The file's settings when another program changed them since they were read or
        # written here (None: they are the ones in use, or are being applied).
        self._on_disk: AppSettings | None = None
        self._write_settings = write_settings or (
            settings_file.write if settings_file is not None else _save_settings
        )
        self._demo_opener = demo_opener or self._open_demo_session
        self._demo_services = demo_services
        self.session: Session | None = None
        self.desk: Desk | None = None
        self.board: OrderBoard | None = None
        self._signals: BoardSignals | None = None  # the board's, as the window follows them
        self.notice: str | None = None  # why the session is not what the profile asked for
        self._settings_problem = settings_problem
        self._opened_keys: str | None = None  # which keys the session opened with (a digest)
        # Which SmartRecruiters account it reads (``account_fingerprint``; None: the demo's).
        self._opened_account: str | None = None
        self._switch_task: asyncio.Task[None] | None = None
        # Services' answers a closed desk kept unwritten (``Desk.kept_outcomes``: its data
        # file could not be written even at its close), by data file: the next desk opened
        # on that file takes them, this reconnection's or a switch back's. Each names its
        # step (``KeptAnswer.answers``): a file made anew at that path since (its step ids
        # start again at 1) takes none of them as another step's answer.
        self._kept_answers: dict[Path, dict[int, KeptAnswer]] = {}
        self._tasks = NamedTasks()
        self._lock = asyncio.Lock()
        self._settings_opening = False  # Settings asked for, the file being looked at
        self.dialog: SettingsDialog | None = None  # the Settings dialog last opened
        window.settings_requested.connect(self.open_settings)
        self.data_file_put_back.connect(
            lambda words: self.window.messages.error("Data file put back", words)
        )

    @staticmethod
    def _default_database(session: Session) -> Database:
        """Demo mode starts from a fresh sandbox each time, so its store lives in memory only."""
        from app.store.database import Database

        if session.demo or session.profile is None:
            return Database(":memory:")
        return Database(database_path_for(session.profile))

    async def _open_demo_session(self, *, profile: ConnectionProfile | None = None) -> Session:
        """The demo's services (the sandbox) in a process of their own: the one started with
        the desk the first time, a fresh one after (a demo starts from a fresh sandbox)."""
        from app.workflows.session import open_demo_services_session

        launched, self._demo_services = self._demo_services, None
        return await open_demo_services_session(launched, profile=profile)

    async def show_cached(self) -> bool:
        """Before the session opens: show the active profile's cached inbox (read-only until
        ``open``), so that the orders are on screen before keys, clients and the network.
        Nothing for the sandbox (its store lives in memory) or a caller's own database.

        On a working day the first frame already shows that inbox's rows, read without the
        models (``app.workflows.inbox_peek``): the models read here then complete them, or
        replace them when the peek saw another data file or other rows, or clear them when
        this profile has no cached inbox to show."""
        from app.ui.orders.cached_orders import CachedOrders

        shown = self.window.orders.source
        peeked = shown if isinstance(shown, CachedOrders) else None
        profile = self.settings.active_profile
        if self.force_demo or profile.is_sandbox or not self._own_database:
            return self._shown_instead(peeked, None)
        from app.store.database import DataFileError
        from app.workflows.cached_inbox import open_cached_inbox

        path = database_path_for(profile)
        try:
            db, inbox = await asyncio.to_thread(open_cached_inbox, path)
        except DataFileError:
            # said when the session opens (``open``), which meets it again
            return self._shown_instead(peeked, None)
        self._cached = (profile.name, db, inbox)
        if peeked is None or peeked.path != path or not peeked.complete(inbox):
            self._shown_instead(peeked, CachedOrders.of_inbox(path, inbox))
        return True

    def _shown_instead(self, peeked: OrderSource | None, source: OrderSource | None) -> bool:
        """``source`` shown in place of the rows peeked at (if any); whether one is shown."""
        if peeked is not None or source is not None:
            if peeked is not None:
                log.info("The rows shown in the first frame were not this profile's cached inbox")
            self.window.orders.set_source(source)
        return source is not None

    def _take_cached(self, session: Session) -> tuple[Database, CachedInbox] | None:
        """The database and inbox ``show_cached`` read, when they belong to ``session``."""
        cached, self._cached = self._cached, None
        if cached is None:
            return None
        name, db, inbox = cached
        if session.demo or session.profile is None or session.profile.name != name:
            db.close()  # the session fell back to demo mode: its store lives in memory
            return None
        return db, inbox

    async def _open_session(self, demo_because: str | None = None) -> Session:
        """The active profile's session; demo mode, and why in ``notice``, when it cannot be
        opened. ``demo_because``: demo mode for that reason, the profile not tried."""
        profile = self.settings.active_profile
        self.notice = None
        self._opened_keys = self._opened_account = None
        if demo_because is not None:
            self.notice = demo_because
            return await self._demo_opener()
        if self.force_demo or profile.is_sandbox:
            return await self._demo_opener(profile=profile if profile.is_sandbox else None)
        from app.workflows.session import prepare_session

        # The keyring's answer and the TLS context (a certificate bundle read) side by side,
        # in worker threads: neither on the loop.
        credentials, _ = await asyncio.gather(
            asyncio.to_thread(self.keys.credentials, profile.name), prepare_session(profile)
        )
        self._opened_keys = keys_fingerprint(credentials)
        if credentials is None:
            self.notice = await asyncio.to_thread(self._why_no_keys, profile.name)
            return await self._demo_opener()
        from app.domain.connection import sr_key_problem

        unsendable = sr_key_problem(credentials.sr_partner_key.get_secret_value())
        if unsendable is not None:
            # Stored before the rule (or by another tool): no request could go, and the start
            # would fail. Demo mode, and the way out in words.
            self.notice = (
                f"The SmartRecruiters key stored for “{profile.name}” cannot be used: "
                f"{unsendable} Working in demo mode until then (File > Settings)."
            )
            return await self._demo_opener()
        unusable = profile.address_problem()
        if unusable is not None:
            # Saved by an older version (or written by hand): the start failed, and with it
            # the way back into the settings. Demo mode, and the way out in words.
            self.notice = (
                f"The profile “{profile.name}” cannot be used: {unusable.sentence} Working in demo "
                "mode until it is corrected (File > Settings)."
            )
            return await self._demo_opener()
        from app.clients.tls import context_problem
        from app.workflows.session import open_session

        try:
            session = open_session(profile, credentials)
        except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
            # The https clients' TLS context (``prepare_session`` met it first, and only
            # logged it): a certificate bundle that is gone or unreadable. Demo mode, and the
            # way out in words; any Save tries the profile again.
            log.error("The TLS context could not be built: %r", exc)
            self._opened_keys = None
            self.notice = (
                f"The profile “{profile.name}” cannot be opened: {context_problem(exc)} Working "
                "in demo mode until that is put right (then File > Settings, Save)."
            )
            return await self._demo_opener()
        self._opened_account = account_fingerprint(profile.sr_base_url, credentials)
        return session

    def _why_no_keys(self, name: str) -> str:
        """Blocking (the keyring's state). Why the profile ``name`` has no keys to open with:
        none stored, or a keyring that is locked or not answering (stored there, maybe, but
        not given): "Enter them" then sent the coordinator to type keys the keyring holds.
        Or no keyring at all on this computer and no key file chosen: keys entered yesterday
        were kept for that session only, and "Enter them" alone read as if they never were,
        every morning, without a word of the file that would keep them."""
        from app.store.credentials import LOCKED_REASON

        unread = self.keys.unread_because
        if unread == LOCKED_REASON:
            return (
                f"The keys of the profile “{name}” could not be read: the system keyring is "
                "locked. Working in demo mode: unlock the keyring, then open File > Settings "
                "and Save."
            )
        if unread is not None:
            return (
                f"The keys of the profile “{name}” could not be read: {unread} Working in "
                "demo mode: once the system keyring answers again, open File > Settings and "
                "Save."
            )
        if not self.keys.status.usable and not self.keys.file_opt_in:
            return (
                f"No keys for the profile “{name}”: this computer has no usable keyring, so "
                "keys entered are kept for one session only. Working in demo mode: enter them "
                "in File > Settings, and to keep them from one start to the next, choose "
                "there to keep the keys in a file on this computer (not encrypted)."
            )
        return (
            f"No keys for the profile “{name}”: working in demo mode. Enter them in "
            "File > Settings."
        )

    async def open(self, *, demo_because: str | None = None) -> OrderBoard:
        """Open the active profile's session and show it in the window (cached orders first),
        then start the board's poll schedule and background resumer. ``demo_because``: a
        demo session instead, that said."""
        async with self._lock:
            from app.ui.orders.board_signals import BoardSignals
            from app.workflows.board import BoardOptions, OrderBoard
            from app.workflows.desk import Desk
            from app.workflows.offer_catalog import OfferCatalog
            from app.workflows.session import author_of

            session = await self._open_session(demo_because)
            session, db, inbox, problem = await self._session_data(session)
            db.on_put_back = self.data_file_put_back.emit
            signals = BoardSignals(self)
            try:
                desk = Desk(session, db, author=author_of(session.profile))
                profile = self.settings.active_profile
                board = OrderBoard(
                    desk,
                    BoardOptions.of(profile),
                    signals.listener(),
                )
                # Loaded before the window follows it: the rows are shown once, all of them.
                await board.load(inbox)
            except BaseException:
                # Nothing of it is kept: the host holds no session rather than half of one.
                signals.setParent(None)
                signals.deleteLater()
                db.close()
                await session.aclose()
                raise
            # Before the board starts: its resumer's first pass writes them, asking nothing.
            if (data_file := board.data_file) is not None:
                desk.kept_outcomes.update(self._kept_answers.pop(data_file, {}))
            self.session, self.desk, self.board = session, desk, board
            self._signals = signals
            self.window.connect_board(board, signals)
            if problem is not None:
                self.notice = problem
            fallback = self.notice if session.demo else None
            self.window.show_demo_line(
                demo_line(self.window.settings_keys(), forced=self.force_demo, because=fallback)
                if session.demo
                else None,
                one_line=fallback is not None,  # a reason may be long: the whole in its tooltip
            )
            self.window.set_offer_catalog(OfferCatalog(session, desk.db))
            if self._settings_problem:  # profiles left out must be read, not glimpsed: a box
                self.window.messages.error("Settings not fully read", self._settings_problem)
                self._settings_problem = None
            if problem is not None:  # a file that cannot be used is read, not glimpsed
                self.window.messages.error("Data file cannot be used", problem)
            elif self.notice:
                self.window.messages.note(self.notice, 20000)
            board.start()
        self.switched.emit(session.description)
        return board

    async def _session_data(
        self, session: Session
    ) -> tuple[Session, Database, CachedInbox | None, str | None]:
        """``session`` with its data file and cached inbox (as ``show_cached`` read them, or
        read here); when the profile's data file cannot be used, a demo session instead, and
        why in words. ``session`` is closed when it is not the one returned."""
        from app.store.database import DataFileError
        from app.workflows.cached_inbox import read_cached_inbox

        cached = self._take_cached(session)
        db: Database | None = None
        try:
            if cached is None:
                db = self._open_database(session)
                # Read here, where a file it cannot take is said, not in the board's load,
                # where it ended the start, each start.
                cached = (db, await asyncio.to_thread(read_cached_inbox, db))
        except DataFileError as exc:
            # The start had ended on it, the window and its Settings with it: demo mode
            # instead, the file named and left as it is, and the way out in words.
            if db is not None:
                db.close()
            await session.aclose()
            log.error("%s", exc)
            self._opened_keys = self._opened_account = None  # any Save tries the profile again
            demo = await self._demo_opener()
            try:
                demo_db = self._open_database(demo)
            except BaseException:
                await demo.aclose()
                raise
            return (
                demo,
                demo_db,
                None,
                f"{exc} Working in demo mode until then (File > Settings, Save).",
            )
        except BaseException:
            if db is not None:
                db.close()
            await session.aclose()
            raise
        return session, cached[0], cached[1], None

    async def close(self) -> None:
        """Let running actions finish, then close the session and the database."""
        board = self.board
        # Nothing new is started on this connection while what is under way finishes (a batch
        # may take minutes): the order actions say why they are off, and the offers go (reads
        # in progress dropped; a save or a move under way finishes below).
        self.window.set_offer_catalog(None)
        if board is not None:
            board.begin_closing()
            self.window.orders.controller.update_state()
            # Said where it is seen: a close may wait minutes for a batch (0: until replaced,
            # by the next session's "Syncing…").
            self.window.messages.note(f"{CLOSING_NOTE} ({board.description})", 0)
            await board.stop()
        await self.window.orders.wait_idle()
        await self.window.wait_offers_idle()
        self._let_go_of_board()
        session, desk = self.session, self.desk
        self.session = self.desk = self.board = None
        if self._cached is not None:  # shown, never opened (start-up failed)
            self._cached[1].close()
            self._cached = None
        if session is not None:
            await session.aclose()
        if desk is not None:
            await self._keep_unwritten_answers(desk)
            desk.db.close()
        unused, self._demo_services = self._demo_services, None
        if unused is not None:  # started with the desk, never used (taken first: an open
            await asyncio.to_thread(unused.stop)  # meanwhile must not find them stopping)

    async def _keep_unwritten_answers(self, desk: Desk) -> None:
        """The answers ``desk`` kept unwritten, written before its data file closes; those the
        file still refuses are kept here for the next desk on it. Dropped with the desk, the
        step was sent or looked for again by the next (a resultId never recorded)."""
        from app.workflows.steps import write_kept_answers

        await write_kept_answers(desk)
        path = desk.db.path
        if desk.kept_outcomes and path != ":memory:":  # a demo's file is never opened again
            self._kept_answers.setdefault(Path(path), {}).update(desk.kept_outcomes)

    def _let_go_of_board(self) -> None:
        """The window stops following the stopped board, and its signals go: children of this
        host, they kept it (through the window's source, their child) and every order of it
        alive for the rest of the day, one board per profile switch or reconnection. The
        board says nothing more (stopped, nothing of its own under way), and none of the
        window's work for it is left (waited for), so nothing can reach them after."""
        signals, self._signals = self._signals, None
        if signals is None:
            return
        if self.window.signals is signals:
            self.window.connect_board(None, None)
        signals.setParent(None)
        signals.deleteLater()

    async def apply(self, settings: AppSettings) -> None:
        """Take saved settings: reconnect and re-sync when the connection changed."""
        # A session still opening (the first, while Settings were open) is opened whole
        # first, and then closed here: else it was opened after this close and never closed.
        async with self._lock:
            pass
        before = self.settings.active_profile
        self.settings = settings
        after = settings.active_profile
        self.keys.file_opt_in = settings.keys_file_opt_in
        reconnect = before.name != after.name or any(
            getattr(before, name) != getattr(after, name) for name in _CONNECTION_FIELDS
        )
        if not reconnect and self.session is not None and not self.force_demo:
            # Same place; still reconnect when the keys changed (they are not in the profile):
            # a new key on the same address is another account, and keys typed for a profile
            # that fell back to demo mode (none were stored) are its way out of it.
            now = await asyncio.to_thread(self.keys.credentials, after.name)
            reconnect = not after.is_sandbox and keys_fingerprint(now) != self._opened_keys
        if not reconnect:
            if self.board is not None and self.session is not None:
                from app.workflows.board import BoardOptions

                self.board.set_options(BoardOptions.of(after))
            return
        await self._reconnect()
        # Its own task, as F5's: a switch is done once the new session is open. Awaited here,
        # a switch back waited for this sync whole (a silent server: half a minute of connect
        # timeouts), though closing its board cancels it at once.
        self.window.request_sync()

    async def _reconnect(self) -> None:
        """Close the session and open the active profile's: demo mode, and why, when it cannot
        be opened. On the same data file and SmartRecruiters account the new board goes on
        watching (``carry_on_from``): the orders its first sync finds arrived while the desk
        was open, and are said. Another account's are its backlog, not news."""
        earlier, account = self.board, self._opened_account
        await self.close()
        self.window.connect_board(None, None)
        name = self.settings.active_profile.name
        try:
            board = await self.open()
        except Exception as exc:  # whatever it was: the desk goes on, and says it
            # The ones foreseen are said by ``open`` itself; this is one that was not. Left
            # with no session, the desk showed no orders and no action, and said nothing.
            log.exception("The profile “%s” could not be opened", name)
            from app.store.logs import redact_known

            said = redact_known(str(exc)) or type(exc).__name__  # shown: no key in it
            board = await self.open(
                demo_because=(
                    f"The profile “{name}” could not be opened ({said})."
                    " Working in demo mode (File > Settings, Save tries it again; the log has "
                    "the details)."
                )
            )
        if (
            earlier is not None
            and account is not None
            and account == self._opened_account
            and board.data_file is not None
            and board.data_file == earlier.data_file
        ):
            board.carry_on_from(earlier)

    def open_settings(self) -> None:
        """File > Settings: the dialog, window-modal, once the settings file was looked at
        (off the GUI thread: a home folder on the network may be slow); saving applies at
        once."""
        if self._settings_opening:
            return  # asked again while the file is looked at: one dialog
        self._settings_opening = True
        self._tasks.start(self._show_settings(), name="settings")

    async def _show_settings(self) -> None:
        from app.ui.settings.settings_dialog import SettingsDialog
        from app.workflows.marketplace_config import MarketplaceConfigAccess

        try:
            settings = await self._settings_as_saved()
        finally:
            self._settings_opening = False
        dialog = SettingsDialog(
            settings,
            self.keys,
            self.window,
            write=self._write_settings,
            write_over=(
                functools.partial(self._settings_file.write, over_changes=True)
                if self._settings_file is not None
                else None
            ),
            # Looked up at each call: the page follows a profile switched meanwhile.
            marketplace_client=lambda: (
                MarketplaceConfigAccess(self.session.sr, demo=self.session.demo)
                if self.session is not None
                else None
            ),
        )
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        try:
            await run_dialog(dialog)
            # Closing cancelled its reads and tests, but one cancelled while it connects stops
            # some turns of the loop later, re-enabling its buttons: deleted only after that.
            await dialog.wait_idle()
        finally:
            dialog.deleteLater()

    async def _settings_as_saved(self) -> AppSettings:
        """What the dialog starts from: the settings in use, or the file's when another program
        (``--configure``, an editor) changed it since: a change made there is shown, not
        undone by the dialog's OK."""
        file = self._settings_file
        if file is not None:
            read = await asyncio.to_thread(_read_if_changed_elsewhere, file)
            if read is not None:
                self._on_disk, problem = read
                if problem is not None:
                    self.window.messages.error("Settings not fully read", problem)
        return self._on_disk or self.settings

    def _saved(self, settings: AppSettings) -> None:
        self._on_disk = None  # the file holds what is applied now
        previous = self._switch_task
        # Started as the host's task: a failure goes the one way every error goes (it sat on
        # the task, never said).
        self._switch_task = self._tasks.start(self._apply_after(previous, settings))

    async def _apply_after(
        self, previous: asyncio.Task[None] | None, settings: AppSettings
    ) -> None:
        if previous is not None and not previous.done():
            await asyncio.gather(previous, return_exceptions=True)  # in order, never two at once
        await self.apply(settings)

    async def wait_switched(self) -> None:
        """Until the last switch is done, and the sync it started."""
        if self._switch_task is not None:
            await self._switch_task
        await self.window.wait_sync_idle()
