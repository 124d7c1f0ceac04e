"""What a dialog's discard guard compares: the fields a coordinator types in, found without
wrapping every object of the dialog (the batch's plan took 55 ms to open the first time)."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QTextEdit,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app.ui.common.discard_guard import typed_state

FIELDS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox, QCheckBox)


class Form(QDialog):
    def __init__(self) -> None:
        super().__init__()
        layout = QFormLayout(self)
        self.name = QLineEdit()
        self.shown_only = QLineEdit("read-only")
        self.shown_only.setReadOnly(True)
        self.note = QPlainTextEdit()
        self.message = QTextEdit()
        self.choice = QComboBox()
        self.choice.addItems(["first", "second"])
        self.days = QSpinBox()
        self.again = QCheckBox()
        fields = (self.name, self.shown_only, self.note, self.message, self.choice, self.days)
        for field in (*fields, self.again):
            layout.addRow(field)
        self.table = QTableView()  # many objects of its own: none is a field
        self.table.setModel(QStandardItemModel(5, 3, self.table))
        layout.addRow(self.table)


def test_every_field_typed_in_changes_the_state(qtbot: QtBot) -> None:
    form = Form()
    qtbot.addWidget(form)
    before = typed_state(form)
    for change in (
        lambda: form.name.setText("Ines"),
        lambda: form.note.setPlainText("a note"),
        lambda: form.message.setPlainText("a message"),
        lambda: form.choice.setCurrentIndex(1),
        lambda: form.days.setValue(3),
        lambda: form.again.setChecked(True),
    ):
        change()
        after = typed_state(form)
        assert after != before
        before = after
    form.shown_only.setText("changed by the program")
    assert typed_state(form) == before


def test_only_fields_are_wrapped_for_python(qtbot: QtBot) -> None:
    """Asked for every QObject, PySide6 made a Python wrapper for each (layouts, scroll bars,
    a table's header and delegates…) and set up the enums of each class it met."""
    form = Form()
    qtbot.addWidget(form)
    wrapped = {id(w) for w in Shiboken.getAllValidWrappers()}
    typed_state(form)
    new = [w for w in Shiboken.getAllValidWrappers() if id(w) not in wrapped]
    assert new  # the spin box's own line edit, at least
    assert all(isinstance(w, FIELDS) for w in new), [type(w).__name__ for w in new]
