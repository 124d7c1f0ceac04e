"""The File menu's snapshot entries: save, open, compare, export CSV, recent snapshots.

File choosers, and the question before replacing a file they did not ask about, are attributes
so tests can answer them without a dialog.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMenu
from shiboken6 import isValid

from app.domain.file_names import shown_in_sentence, storable_text
from app.domain.service_time import local_time
from app.domain.snapshot_format import EXTENSION
from app.ui.common.messages import Messages, ask_replace
from app.ui.common.task_group import NamedTasks
from app.ui.common.tooltips import plain_tooltip
from app.ui.orders.orders_room import OrdersRoom
from app.ui.orders.sources import LiveOrders

if TYPE_CHECKING:  # the dialogs and the snapshot's shapes (pydantic) load when first needed:
    # none is in the first frame
    from app.domain.smartrecruiters import AssessmentOrder
    from app.domain.snapshot import SnapshotOrder
    from app.ui.orders.candidate_table_model import CandidateTableModel
    from app.ui.orders.order_filter_proxy import OrderFilterProxy
    from app.ui.snapshots.compare_dialog import CompareDialog
    from app.ui.snapshots.save_snapshot_dialog import SaveSnapshotDialog
    from app.ui.snapshots.snapshot_source import ReadSnapshot
    from app.workflows.snapshots import SavedSnapshot

log = logging.getLogger(__name__)

RECENT_KEY = "snapshots/recent"
MAX_RECENT = 8
FILE_FILTER = f"Assessment Desk snapshots (*{EXTENSION})"
#: Fields a live inbox does not know without fetching every order's details.
LIVE_UNKNOWN = frozenset({"Comments", "Results", "Attachments"})

PathChooser = Callable[[], Path | None]


#: Starts a remembered path kept as the hex of its bytes (``os.fsencode``): a name that is not
#: UTF-8 ("Rapor_I\\xdd\\xfek.adsnap", unzipped from a Windows archive) holds lone surrogates,
#: which Qt's settings drop, so Recent snapshots named another file, or none. No absolute
#: path starts so; every other path is kept as written, readable in the settings file.
AS_BYTES = "bytes:"


def _kept(path: str) -> str:
    """``path`` as the settings keep it, to be read back as the very same path."""
    if path == storable_text(path):  # no lone surrogate: Qt keeps it as it is
        return path
    return AS_BYTES + os.fsencode(path).hex()


def _read_back(kept: str) -> str | None:
    """The path ``_kept`` made ``kept`` of; None for an entry damaged by hand."""
    if not kept.startswith(AS_BYTES):
        return kept
    try:
        return os.fsdecode(bytes.fromhex(kept.removeprefix(AS_BYTES)))
    except ValueError:
        return None


def recent_snapshots(settings: QSettings) -> list[str]:
    """The snapshots opened or saved last, newest first: each the path as Python names it."""
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):  # QSettings gives a one-item list back as a string
        value = [value]
    if not isinstance(value, list):
        return []
    return [path for v in value if (path := _read_back(str(v))) is not None]


def _keep_recent(settings: QSettings, paths: list[str]) -> None:
    settings.setValue(RECENT_KEY, [_kept(p) for p in paths[:MAX_RECENT]])


def remember_snapshot(settings: QSettings, path: Path) -> None:
    text = str(Path(path).resolve())
    recent = [p for p in recent_snapshots(settings) if p != text]
    _keep_recent(settings, [text, *recent])


def forget_snapshot(settings: QSettings, path: Path) -> bool:
    """Take ``path`` off the recent snapshots; whether it was on them."""
    recent = recent_snapshots(settings)
    kept = [p for p in recent if p not in {str(path), str(Path(path).resolve())}]
    if len(kept) == len(recent):
        return False
    _keep_recent(settings, kept)
    return True


#: Opens a snapshot already read in a window of its own (the main window module provides it).
WindowOpener = Callable[[Path, "ReadSnapshot"], QMainWindow]


class SnapshotMenu(QObject):
    """The File menu's snapshot entries for one window: its Orders room is what "in view"
    means, and what a comparison with "this window" compares with."""

    #: A snapshot window was opened from here (the caller keeps it alive).
    window_opened = Signal(object)

    def __init__(
        self,
        window: QMainWindow,
        orders: OrdersRoom,
        file_menu: QMenu,
        *,
        settings: QSettings,
        messages: Messages,
        open_window: WindowOpener,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.orders = orders
        self.settings = settings
        self.messages = messages
        self._open_window = open_window
        self.windows: list[QMainWindow] = []  # snapshot windows opened from here
        self.dialogs: list[QDialog] = []
        self.tasks = NamedTasks(self)
        self._opening: set[Path] = set()  # files being read, each opened once however often asked
        self.choose_save_path: PathChooser = self._ask_save_path
        self.choose_open_path: PathChooser = self._ask_open_path
        self.choose_compare_paths: Callable[[], list[Path]] = self._ask_compare_paths
        self.choose_csv_path: PathChooser = self._ask_csv_path
        self.confirm_replace: Callable[[Path], bool] = self._ask_replace

        self.save_action = QAction("&Save snapshot…", window)
        self.save_action.setObjectName("action_save_snapshot")
        self.save_action.setShortcut("Ctrl+S")
        self.save_action.setStatusTip("Keep the orders and their details in a file")
        self.save_action.triggered.connect(self.save)
        self.open_action = QAction("&Open snapshot…", window)
        self.open_action.setObjectName("action_open_snapshot")
        self.open_action.setShortcut("Ctrl+O")
        self.open_action.setStatusTip("Look at a snapshot, read-only and offline")
        self.open_action.triggered.connect(self.open)
        self.recent_menu = QMenu("Recent s&napshots", window)
        self.recent_menu.setObjectName("recentSnapshots")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        self.compare_action = QAction("&Compare snapshots…", window)
        self.compare_action.setObjectName("action_compare_snapshots")
        self.compare_action.setStatusTip(
            "Choose two snapshots, or one to compare with what this window shows"
        )
        self.compare_action.triggered.connect(self.compare)
        self.export_action = QAction("&Export CSV…", window)
        self.export_action.setObjectName("action_export_csv")
        self.export_action.setStatusTip("Write the orders in view (filters applied) as CSV")
        self.export_action.triggered.connect(self.export_csv)

        first = file_menu.actions()[0] if file_menu.actions() else None
        for action in (self.save_action, self.open_action):
            file_menu.insertAction(first, action)  # type: ignore[arg-type]
        file_menu.insertMenu(first, self.recent_menu)  # type: ignore[arg-type]
        for action in (self.compare_action, self.export_action):
            file_menu.insertAction(first, action)  # type: ignore[arg-type]
        file_menu.insertSeparator(first)  # type: ignore[arg-type]
        self.fill_recent()

    def set_read_only(self, reason: str | None) -> None:
        """A snapshot window: saving needs a live connection, and says so."""
        self.save_action.setEnabled(reason is None)
        if reason is not None:
            self.save_action.setToolTip(reason)
            self.save_action.setStatusTip(reason)

    # -- choosers ----------------------------------------------------------------------------

    def _ask_save_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Save snapshot", f"orders{EXTENSION}", FILE_FILTER
        )
        return Path(name) if name else None

    def _ask_replace(self, path: Path) -> bool:
        return ask_replace(self.window, "Replace snapshot?", path)

    def _ask_open_path(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Open snapshot", "", FILE_FILTER)
        return Path(name) if name else None

    def _ask_compare_paths(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self.window, "Compare: choose one snapshot (with this window) or two", "", FILE_FILTER
        )
        return [Path(n) for n in names]

    def _ask_csv_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self.window, "Export CSV", "orders.csv", "CSV files (*.csv)"
        )
        return Path(name) if name else None

    # -- actions -----------------------------------------------------------------------------

    def _snapshot_path(self) -> Path | None:
        """The file chosen to save to, with the snapshot's extension. The chooser confirmed
        replacing the name typed ("orders"), not the one saved to: an existing
        "orders.adsnap" is asked about here, or it was replaced unasked."""
        path = self.choose_save_path()
        if path is None or path.suffix == EXTENSION:
            return path
        path = path.with_name(path.name + EXTENSION)
        if path.exists() and not self.confirm_replace(path):
            return None
        return path

    def save(self) -> SaveSnapshotDialog | None:
        from app.ui.snapshots.save_snapshot_dialog import (
            SaveSnapshotDialog,
            candidates_filter,
            view_filter,
        )

        source = self.orders.source
        if not isinstance(source, LiveOrders):
            return None
        path = self._snapshot_path()
        if path is None:
            return None
        board = source.board
        orders = self.orders
        # The tab shown is the view: the Candidates tab's search, not the inbox's hidden one.
        shown: OrderFilterProxy | CandidateTableModel
        if orders.candidates_in_view():
            shown = orders.candidates.model
            chosen = candidates_filter(orders.candidates.search.text())
        else:
            shown = orders.proxy
            chosen = view_filter(orders.search.text(), orders.status_filter.currentData())

        def in_view() -> list[AssessmentOrder]:
            return [o for i in shown.order_ids() if (o := board.order(i)) is not None]

        dialog = SaveSnapshotDialog(
            board,
            path,
            in_view,
            board.orders,
            chosen,
            choose_path=self._snapshot_path,
            parent=self.window,
        )
        changes = (shown.rowsInserted, shown.rowsRemoved, shown.modelReset, shown.layoutChanged)
        for change in changes:  # undone with the dialog, once it is deleted (_forget)
            change.connect(dialog.orders_changed)
        dialog.saved.connect(self._saved)
        self._keep(dialog)
        dialog.open()
        dialog.check_destination()
        return dialog

    def _keep(self, dialog: QDialog) -> None:
        """Hold ``dialog`` while it is open; delete it when it finishes."""
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r: self._forget(dialog))

    def _forget(self, dialog: QDialog) -> None:
        # Deleted, not only let go: parented to the window, a closed Save snapshot recounted
        # the inbox at every sync, and every Compare of the day kept its whole diff.
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
            dialog.deleteLater()

    def close_dialogs(self) -> None:
        """Its window closes for good: so do the dialogs opened over it. Deleted with the
        window, unfinished, they stayed in ``dialogs``, each Compare with its diff."""
        for dialog in list(self.dialogs):
            dialog.reject()

    def _saved(self, saved: SavedSnapshot) -> None:
        remember_snapshot(self.settings, saved.path)
        text = f"Saved a snapshot of {saved.order_count} orders: {saved.path}"
        if saved.reused:
            # Not asked again: say how old they may be (a comment since is not in the file).
            since = (
                f" as read at {local_time(saved.kept_since):%H:%M}"
                if saved.kept_since is not None
                else ""
            )
            text += (
                f" (details of {saved.reused} completed or rejected orders kept{since},"
                f" {saved.fetched} fetched)"
            )
        self.messages.note(text, 10000)

    def open(self) -> None:
        path = self.choose_open_path()
        if path is not None:
            self.start_opening(path)

    def start_opening(self, path: Path) -> None:
        self.tasks.start(self.open_path(path))

    async def open_path(self, path: Path) -> QMainWindow | None:
        """Read ``path`` in a worker thread (0.5 s for 100,000 orders: the window stays live,
        saying what it is doing), then show it in a window of its own."""
        import asyncio

        from app.store.snapshot_file import SnapshotError, SnapshotGoneError
        from app.ui.snapshots.snapshot_source import read_snapshot

        if path in self._opening:
            return None  # asked twice (a double click on a recent one): it is on its way
        self._opening.add(path)
        self.window.setCursor(Qt.CursorShape.BusyCursor)
        # Qt drops a byte that is not UTF-8 without a trace; a direction mark turns the
        # sentence round.
        name = shown_in_sentence(path.name)
        self.messages.note(f"Opening the snapshot {name}…", 0)
        window = None
        try:
            read = await asyncio.to_thread(read_snapshot, path)
            window = self._open_window(path, read)
        except SnapshotError as exc:
            said = str(exc)
            # Moved or deleted since: its entry in Recent snapshots would only say so again.
            if isinstance(exc, SnapshotGoneError) and forget_snapshot(self.settings, path):
                said += " It is taken off File › Recent snapshots."
            self.messages.error("Open snapshot", said)
            return None
        finally:
            self._opening.discard(path)
            # Closed meanwhile (a snapshot window is deleted when closed): nothing to tell.
            if isValid(self.window):
                if not self._opening:
                    self.window.unsetCursor()
                # The note said "Opening…" until told otherwise: it must not outlive the work.
                done = "Opened" if window is not None else "Did not open"
                self.messages.note(f"{done} the snapshot {name}", 5000)
        remember_snapshot(self.settings, path)
        # Freed when closed: a colleague's 100,000-order snapshot need not stay in memory.
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.windows.append(window)
        window.destroyed.connect(lambda: self.windows.remove(window))
        window.show()
        self.window_opened.emit(window)
        return window

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = recent_snapshots(self.settings)
        for text in recent:
            action = self.recent_menu.addAction(shown_in_sentence(Path(text).name))
            action.setToolTip(plain_tooltip(shown_in_sentence(text)))
            action.triggered.connect(lambda _c=False, p=text: self.start_opening(Path(p)))
        if not recent:
            empty = self.recent_menu.addAction("No snapshots yet")
            empty.setEnabled(False)

    def compare(self) -> None:
        paths = self.choose_compare_paths()
        if paths:
            self.tasks.start(self.compare_paths(paths))

    async def compare_paths(self, paths: list[Path]) -> CompareDialog | None:
        """Two files, or one and this window's snapshot: older to newer. One file and the
        live inbox: that snapshot to the inbox."""
        import asyncio

        from app.store.snapshot_file import SnapshotError, open_snapshot
        from app.ui.snapshots.snapshot_source import SnapshotOrders

        source = self.orders.source
        ignore: frozenset[str] = frozenset()
        try:
            opened = [await asyncio.to_thread(open_snapshot, p) for p in paths[:2]]
            if len(opened) == 1 and isinstance(source, SnapshotOrders):
                opened.append(source.snapshot)  # which is newer, their dates say
            opened.sort(key=lambda s: s.meta.created_at)
            # Read record by record in the comparison itself (a worker thread), never whole.
            old: Iterable[SnapshotOrder] = opened[0].records()
            old_label = shown_in_sentence(opened[0].path.name)
            new: Iterable[SnapshotOrder]
            if len(opened) == 2:
                new = opened[1].records()
                new_label = shown_in_sentence(opened[1].path.name)
            elif isinstance(source, LiveOrders):
                new = await source.board.live_records()
                new_label = "the live inbox"
                ignore = LIVE_UNKNOWN
            else:
                return None
            from app.domain.snapshot_diff import diff_orders

            diff = await asyncio.to_thread(diff_orders, old, new, ignore=ignore)
        except SnapshotError as exc:
            self.messages.error("Compare snapshots", str(exc))
            return None
        from app.ui.snapshots.compare_dialog import CompareDialog, diff_rows

        rows = await asyncio.to_thread(diff_rows, diff)  # worded off the GUI thread
        dialog = CompareDialog(diff, old_label, new_label, self.window, rows=rows)
        self._keep(dialog)
        dialog.show()
        return dialog

    def export_csv(self) -> None:
        path = self.choose_csv_path()
        if path is not None:
            self.tasks.start(self.export_csv_to(path))

    def export_csv_to(self, path: Path) -> Coroutine[Any, Any, int]:
        """The orders in view (the inbox's, or the Candidates tab's when it is shown), worded
        and written in a worker thread (the coroutine returned): on the GUI thread, a
        100,000-order view froze the window ~4 s. What is exported is the view as it is now
        (its rows' values are taken here); the window can be used meanwhile."""
        from app.ui.snapshots.csv_export import rows_to_export

        source = self.orders.source
        # A snapshot's empty columns are not said empty in the file either.
        empty = source.empty_fields if source is not None else frozenset()
        header, worded = rows_to_export(self.orders.model, self.orders.rows_in_view(), empty)
        return self._write_csv(path, header, worded)

    async def _write_csv(
        self, path: Path, header: list[str], worded: Callable[[], list[list[str]]]
    ) -> int:
        import asyncio

        from app.ui.snapshots.csv_export import csv_failure, write_columns

        self.messages.note(f"Exporting the orders in view to {path}…", 0)
        try:
            count = await asyncio.to_thread(write_columns, path, header, worded)
        except OSError as exc:
            self.messages.note(f"Not exported: {path}", 10000)  # not "Exporting…" still
            self.messages.error("Export CSV", csv_failure(path, exc))
            return 0
        except Exception:  # a bug: the crash report says which
            self.messages.note(f"Not exported: {path}", 10000)
            raise
        self.messages.note(f"Exported {count:,} orders to {path}", 10000)
        return count
