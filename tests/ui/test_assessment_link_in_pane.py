"""The order pane's assessment URL: a link only where the desk would send it, and opened by the
window (``open_url``), never by the label on its own. A snapshot may come from anyone, and its
"https://site.berkeassessment.com@evil.example/…" opened evil.example on one click from the
"offline, read-only" window (QLabel's ``setOpenExternalLinks`` went straight to the desktop)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QObject, QPoint, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QTextDocumentFragment
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from app.domain.assessment_url import accept_refusal
from app.ui.main_window import MainWindow, open_snapshot_window
from tests.snapshot_samples import records, write_sample

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

SPOOF = "https://site.berkeassessment.com@evil.example/a/CODE001"


class _Browser(QObject):
    """Stands in for the desktop's browser: records what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[_Browser]:
    """The desktop's browser for https, for the test: what would have opened is listed."""
    made = _Browser()
    # The stub says bytes; PySide 6 takes the slot's name as str only (bytes: ValueError).
    QDesktopServices.setUrlHandler("https", made, "open")  # type: ignore[arg-type]
    yield made
    QDesktopServices.unsetUrlHandler("https")


def _showing(qtbot: QtBot, qsettings: QSettings, tmp_path: Path, url: str) -> MainWindow:
    items = records(2)
    link = items[1].linked_assessment
    assert link is not None
    items[1].linked_assessment = link.model_copy(update={"assessment_url": url})
    window = open_snapshot_window(write_sample(tmp_path / "colleague.adsnap", items), qsettings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.orders.select_order(items[1].order.id)
    return window


def _opened_by(window: MainWindow) -> list[QUrl]:
    """What the window is asked to open (its ``open_url``), listed instead of opened."""
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    window.open_url = open_url
    return opened


def _click(label: QLabel) -> None:
    box = label.contentsRect()
    at = QPoint(box.left() + 20, box.top() + label.fontMetrics().height() // 2)
    QTest.mouseClick(label, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)


def test_a_link_to_another_site_is_text_with_why_and_opens_nothing(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, browser: _Browser
) -> None:
    refused = accept_refusal(SPOOF, "CODE001")
    assert refused is not None  # the desk itself never sends it
    window = _showing(qtbot, qsettings, tmp_path, SPOOF)
    opened = _opened_by(window)
    label = window.orders.detail.fields["assessmentUrl"]
    assert label.isVisible()
    _click(label)
    assert browser.opened == []
    assert opened == []
    from app.ui.orders.detail_pane import NOT_A_LINK

    assert "<a " not in label.text()  # plain text, saying why
    assert f"{NOT_A_LINK} {refused}" in QTextDocumentFragment.fromHtml(label.text()).toPlainText()


def test_a_link_the_desk_would_send_opens_through_the_window(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, browser: _Browser
) -> None:
    url = "https://site.berkeassessment.com/a/CODE001"
    assert accept_refusal(url, "CODE001") is None
    window = _showing(qtbot, qsettings, tmp_path, url)
    opened = _opened_by(window)
    label = window.orders.detail.fields["assessmentUrl"]
    _click(label)
    assert [u.toString() for u in opened] == [url]
    assert browser.opened == []  # the window's open_url, not the label straight away
