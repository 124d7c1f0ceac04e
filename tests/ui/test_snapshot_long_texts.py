"""A snapshot may come from anyone: a comment, a step's message or a note of hundreds of
thousands of lines (within every limit of the reader) is shown cut, as names and cells are.
Laid out whole, one such comment froze the window 10-30 s each time its order was selected,
and a snapshot opened from File › Open shares the live desk's thread: polls stalled too."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from app.domain.smartrecruiters import AssessmentComment
from app.domain.snapshot import COMMENTS_REFUSED_NOTE, REMOTE_FILES_NOTE, SnapshotOrder
from app.domain.sr_limits import SR_MESSAGE_MAX
from app.store.snapshot_file import Snapshot, open_snapshot
from app.ui.main_window import MainWindow, open_snapshot_window
from tests.snapshot_samples import records, write_sample

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

#: Generous: a comment as the desk sends it, its heading, indents and a "…".
SHOWN_AT_MOST = 4 * SR_MESSAGE_MAX
LINES = "ab\n" * 60_000  # 180 KB, 60,000 lines: well inside every limit of the reader


def _window(qtbot: QtBot, path: Path, qsettings: QSettings) -> MainWindow:
    window = open_snapshot_window(path, qsettings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def test_a_huge_comment_is_shown_cut(qtbot: QtBot, qsettings: QSettings, tmp_path: Path) -> None:
    items = records(3)
    items[1].comments = [AssessmentComment(message=LINES)]
    window = _window(qtbot, write_sample(tmp_path / "colleague.adsnap", items), qsettings)
    window.orders.select_order(items[1].order.id)
    model = window.orders.detail.comments
    assert model.rowCount() == 1
    shown = model.data(model.index(0, 0), Qt.ItemDataRole.DisplayRole)
    assert len(shown) <= SHOWN_AT_MOST, f"{len(shown):,} characters"
    assert shown.startswith("    ab\n    ab")
    assert shown.endswith("…")


def test_huge_notes_are_shown_cut(qtbot: QtBot, qsettings: QSettings, tmp_path: Path) -> None:
    items = records(3)
    items[1].notes.append(f"{REMOTE_FILES_NOTE}: {LINES}")
    items[2].notes.append(f"{COMMENTS_REFUSED_NOTE}: {LINES}")
    window = _window(qtbot, write_sample(tmp_path / "colleague.adsnap", items), qsettings)
    for record, where in zip(items[1:], ("snapshotFilesLeftOut", "commentState"), strict=True):
        window.orders.select_order(record.order.id)
        label = window.orders.detail.findChild(QLabel, where)
        assert isinstance(label, QLabel)
        assert label.text().startswith(record.notes[-1][:40])  # still said, in its words
        longest = max(window.orders.detail.findChildren(QLabel), key=lambda lab: len(lab.text()))
        assert len(longest.text()) <= SHOWN_AT_MOST, (longest.objectName(), len(longest.text()))


def _read(snapshot: Snapshot, written: SnapshotOrder) -> SnapshotOrder:
    row = snapshot.row_of(written.order.id)
    assert row is not None
    return snapshot.record(row)


def test_the_reader_keeps_long_texts_cut_and_short_records_as_written(tmp_path: Path) -> None:
    from app.domain.snapshot import TEXT_READ

    items = records(3)
    step = items[2].timeline[0]
    items[2].timeline = [step.model_copy(update={"message": LINES})]
    items[2].comments.append(AssessmentComment(message="x" * 5_000))
    items[2].notes.append(f"{COMMENTS_REFUSED_NOTE}: {LINES}")
    snapshot = open_snapshot(write_sample(tmp_path / "s.adsnap", items))
    assert _read(snapshot, items[0]) == items[0]  # nothing long: read as written
    cut = _read(snapshot, items[2])
    assert cut.comments[0] == items[2].comments[0]  # a short one stays whole
    texts = [cut.comments[1].message, cut.timeline[0].message or "", cut.notes[-1]]
    assert all(len(text) == TEXT_READ and text.endswith("…") for text in texts)
    assert cut.notes[-1].startswith(COMMENTS_REFUSED_NOTE)  # still known for what it is


def test_a_comment_is_formatted_once_not_at_each_paint(
    qapp: object, qtmodeltester: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list asks for each comment's text at every paint and size hint: formatted at each
    call (``as_block`` over the whole message), a long one kept the window busy."""
    from app.ui.orders import detail_pane

    made: list[str] = []
    real = detail_pane.as_block

    def as_block(text: str) -> str:
        made.append(text)
        return real(text)

    monkeypatch.setattr(detail_pane, "as_block", as_block)
    model = detail_pane.CommentListModel()
    model.set_comments([AssessmentComment(message="one\ntwo"), AssessmentComment(message="3")])
    model.append(AssessmentComment(message="four"))
    for _ in range(3):
        texts = [model.data(model.index(row, 0)) for row in range(model.rowCount())]
    assert texts == ["    one\n    two", "    3", "    four"]
    assert made == ["one\ntwo", "3", "four"]
    qtmodeltester.check(model)
