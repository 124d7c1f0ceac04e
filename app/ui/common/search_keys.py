"""The keys of a search field over a list: Escape clears it (then goes to the list), and Down
or Enter go to the list, where the orders' shortcuts act."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

_TO_LIST = frozenset({Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter})


class SearchKeys(QObject):
    """Installed on ``field``; ``to_list`` gives the list the keyboard."""

    def __init__(self, field: QLineEdit, to_list: Callable[[], None]) -> None:
        super().__init__(field)
        self._field = field
        self._to_list = to_list
        field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._field and event.type() == QEvent.Type.ShortcutOverride:
            # Esc is the field's even while a window shortcut holds it (Order › Stop
            # delivering): it clears the search, as the shortcuts list says.
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and not event.modifiers():
                event.accept()
                return True
            return False
        if watched is not self._field or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Shift+Enter and the like are the field's (or a shortcut's)
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self._field.text():
                self._field.clear()
            else:
                self._to_list()
            return True
        if key in _TO_LIST:
            self._to_list()
            return True
        return False


def give_list_the_keyboard(table: QAbstractItemView) -> None:
    """Focus ``table``, on its first row when none is current (Down then moves on from it).
    With nothing selected, the current row is selected, as a click would: a row current but
    not selected left the pane blank, the orders' shortcuts with nothing to act on, and Home
    (already on the first row) did nothing."""
    model = table.model()
    selection = table.selectionModel()
    if model is not None and selection is not None and model.rowCount():
        current = table.currentIndex()
        flags = QItemSelectionModel.SelectionFlag
        if not selection.hasSelection():
            row = current if current.isValid() else model.index(0, 0)
            selection.setCurrentIndex(row, flags.ClearAndSelect | flags.Rows)
        elif not current.isValid():
            selection.setCurrentIndex(model.index(0, 0), flags.NoUpdate)  # the selection stays
    table.setFocus(Qt.FocusReason.ShortcutFocusReason)
