"""A field of a scrolled form that gets the keyboard from outside the form is scrolled to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import SIGNAL, QPoint, QRect
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from app.ui.common.focus_in_view import FocusKeptInView
from tests.ui.conftest import show_exposed

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _window(qtbot: QtBot) -> tuple[QWidget, QScrollArea, list[QLineEdit], QPushButton]:
    window = QWidget()
    qtbot.addWidget(window)
    fields = [QLineEdit() for _ in range(40)]
    inner = QWidget()
    column = QVBoxLayout(inner)
    for field in fields:
        column.addWidget(field)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    button = QPushButton("OK")
    layout = QVBoxLayout(window)
    layout.addWidget(scroll)
    layout.addWidget(button)
    window.resize(300, 200)
    FocusKeptInView(scroll)
    show_exposed(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, scroll, fields, button


def _shown(scroll: QScrollArea, widget: QWidget) -> bool:
    viewport = scroll.viewport()
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


def test_a_field_focused_from_outside_the_form_is_scrolled_into_view(qtbot: QtBot) -> None:
    window, scroll, fields, button = _window(qtbot)
    button.setFocus()
    assert not _shown(scroll, fields[-1])
    fields[-1].setFocus()  # as Shift+Tab from OK, or a mnemonic, puts it there
    assert _shown(scroll, fields[-1])
    assert window.isVisible()


def _followers() -> int:
    app = QApplication.instance()
    assert app is not None
    return app.receivers(SIGNAL("focusChanged(QWidget*,QWidget*)"))


def test_it_stops_following_the_focus_with_its_scroll_area(qtbot: QtBot) -> None:
    window, scroll, _fields, _button = _window(qtbot)
    following = _followers()
    scroll.deleteLater()
    qtbot.waitUntil(lambda: not Shiboken.isValid(scroll))
    assert Shiboken.isValid(window)
    assert _followers() == following - 1
