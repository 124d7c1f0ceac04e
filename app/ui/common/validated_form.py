"""The validated-form base both forms share: rows of a label, the field, an error line and an
advice line under it; revalidation from a pydantic model on every edit; the service's complaints
shown next to the field they name; a busy state while the call runs; and the submit button
enabled only when the form is valid.

A subclass builds its widgets, adds its rows (``_add``), fills them, then calls ``_finish``. It
says what the form means in ``_check`` (the model, or None, and the problems by field key) and
sends the result in ``_send``. Keys are the services' own spellings, so that ``field_errors``
and a service's complaint land under the same row.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QBoxLayout,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.field_errors import FORM_LEVEL
from app.ui.common.colours import ADVICE, ERROR
from app.ui.common.discard_guard import DiscardGuard
from app.ui.common.enter_key import EnterPressesFocusedButton, submit_on_ctrl_enter
from app.ui.common.focus_in_view import FocusKeptInView
from app.ui.common.grow_to_fit import grow_to_fit
from app.ui.common.labels import plain_label, without_mnemonic
from app.ui.common.refusal_at_focus import RefusalAtFocus
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.screens import TITLE_BAR, available_room, widest_window
from app.ui.common.tab_order import chain_tab_order
from app.ui.common.tint import tint
from app.views.text import as_refusal

T = TypeVar("T")
#: Space between two sections, and between two columns laid one under the other.
SECTION_GAP = 8


def add_section(grid: QGridLayout, title: str, *, first: bool = False) -> None:
    """A bold heading across both columns, with a little space above all but the first."""
    heading = plain_label(title, wrap=False)
    font = QFont(heading.font())
    font.setBold(True)
    heading.setFont(font)
    row = grid.rowCount()
    if not first:
        grid.setRowMinimumHeight(row, SECTION_GAP)
        row += 1
    grid.addWidget(heading, row, 0, 1, 2)


@dataclass
class FormRow:
    """One field on screen: its label, its input and the two message lines under it.

    ``input`` is what the row shows (a line edit, or a box holding several widgets); ``focus``
    is the widget that takes the focus, is the label's buddy and carries the accessible text;
    ``watched`` are the widgets whose edits revalidate the form. A row with a ``host`` shares
    the host's label and lines (a value typed beside its kind, on one line).
    """

    key: str
    label: QLabel
    input: QWidget
    focus: QWidget
    error: QLabel
    advice: QLabel
    rule: str
    watched: tuple[QWidget, ...]
    host: str | None = None

    def set_shown(self, shown: bool) -> None:
        for widget in (self.label, self.input):
            widget.setVisible(shown)
        self.error.setVisible(shown and bool(self.error.text()))
        self.advice.setVisible(shown and bool(self.advice.text()))


class ValidatedForm(QDialog, Generic[T]):
    """A dialog that collects a valid ``T`` and hands it on once, without calling anything."""

    def __init__(
        self,
        *,
        submit_text: str,
        busy_text: str,
        submit_name: str,
        submit_tip: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._rows: dict[str, FormRow] = {}
        self._value: T | None = None
        self._errors: dict[str, str] = {}
        self._server_errors: dict[str, str] = {}
        self._server_form_error = ""
        self._busy = False
        self._focus_before: QWidget | None = None  # where the keyboard was when sending began
        self._submit_text = submit_text
        self._busy_text = busy_text
        self.setSizeGripEnabled(True)

        self._fields = QWidget()
        self._columns = QHBoxLayout(self._fields)
        self._columns.setContentsMargins(0, 0, 0, 0)
        self._columns.setSpacing(24)
        self._grids: list[QGridLayout] = []
        self._grid = self._new_column()

        self.form_error = plain_label(name="error_form")  # a service's words, as written
        self.form_error.hide()
        self._form_refusal = RefusalAtFocus(self)  # the form error, for a screen reader
        self.cancel_button = QPushButton("Cancel")
        self.submit_button = QPushButton(submit_text)
        self.submit_button.setObjectName(submit_name)
        self.submit_button.setToolTip(submit_tip)
        # The platform's order, as in Accept and Reject: placed by hand ("Cancel | Complete
        # order" here, "Accept order | Cancel" there), a coordinator used to one dialog pressed
        # the irreversible button in the other. The box's own signals are not used: the
        # buttons' clicks are (submit checks the form, Cancel asks before work is discarded).
        self._buttons = QDialogButtonBox()
        self._buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self._buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.cancel_button, self.submit_button):
            # Enter in a line edit must not send: only the button or Ctrl+Enter do.
            button.setAutoDefault(False)
            button.setDefault(False)

    # -- what a subclass says -----------------------------------------------------------------

    @abstractmethod
    def _check(self) -> tuple[T | None, dict[str, str]]:
        """The form's value when valid (else None) and the problems by field key."""

    @abstractmethod
    def _send(self, value: T) -> None:
        """Hand ``value`` on (emit the form's ``submitted`` signal)."""

    def _advice(self, errors: dict[str, str]) -> dict[str, list[str]]:
        """Warnings by field key, never blocking; ``errors`` are the model's problems now."""
        return {}

    def _row_shown(self, key: str) -> bool:
        """False for a row that does not apply now (hidden, its problems never shown)."""
        return True

    def _ready(self) -> bool:
        """False while something besides the fields keeps the form from sending."""
        return True

    def _refreshed(self) -> None:
        """Called after every revalidation, for what else follows the fields."""

    def _unsaved_extra(self) -> object:
        """What the coordinator chose that the fields do not hold (a table's choices), for
        "Discard what you typed?"."""
        return None

    def _tab_order(self) -> list[QWidget]:
        order = [widget for row in self._rows.values() for widget in row.watched]
        return [*order, *self.buttons_in_order()]

    def buttons_in_order(self) -> list[QPushButton]:
        """Submit and Cancel as the platform places them, left to right."""
        mine = (self.submit_button, self.cancel_button)
        row = self._buttons.layout()  # the box's own, in the order it laid them out
        if row is None:
            return list(mine)
        items = (row.itemAt(i) for i in range(row.count()))
        return [b for item in items if item is not None for b in mine if item.widget() is b]

    # -- building -----------------------------------------------------------------------------

    def _new_column(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        self._columns.addLayout(grid, 1)
        self._grids.append(grid)
        return grid

    def _next_column(self) -> None:
        """Rows added from here on go in a column to the right, if the two fit the screen side
        by side (a short form fits a short screen: 1366×768 at 125 % leaves 614 px); else under
        the first. ``_finish`` decides, once every row is in: how wide the rows are depends on
        the font (at 16 pt, two columns chosen from the screen's width alone were wider than a
        1280 px screen, the right-hand fields cut off). Start the column with a section."""
        self._grid = self._new_column()

    def _columns_fit_or_stack(self) -> None:
        """The columns side by side when the window, as wide as its rows want at the current
        font, fits the screen; else one under the other, their labels one width (as one
        column's are), so that nothing is cut off at the right."""
        if len(self._grids) < 2 or self._wanted_width() <= widest_window(self):
            return
        self._columns.setDirection(QBoxLayout.Direction.TopToBottom)
        self._columns.setSpacing(SECTION_GAP)
        for index in range(len(self._grids)):
            self._columns.setStretch(index, 0)
        self._columns.addStretch(1)  # spare height below the last row, not between columns
        labels = max(row.label.sizeHint().width() for row in self._rows.values())
        for grid in self._grids:
            grid.setColumnMinimumWidth(0, labels)

    def _section(self, title: str, first: bool = False) -> None:
        add_section(self._grid, title, first=first)

    def _add(
        self,
        key: str,
        text: str,
        widget: QWidget,
        rule: str,
        *,
        focus: QWidget | None = None,
        watch: tuple[QWidget, ...] | None = None,
        extra: QWidget | None = None,
        below: QWidget | None = None,
    ) -> None:
        """A row: ``text`` (with its & shortcut) beside ``widget``, then ``extra`` (a status
        line of its own), the error line, the advice line and ``below``."""
        focus = focus or widget
        label = plain_label(text, wrap=False)
        label.setBuddy(focus)
        focus.setAccessibleName(without_mnemonic(text))
        focus.setAccessibleDescription(rule)
        widget.setToolTip(rule)
        label.setToolTip(rule)
        error = plain_label(name=f"error_{key}")
        advice = plain_label(name=f"advice_{key}")
        for line in (error, advice):
            line.hide()

        row = self._grid.rowCount()
        if isinstance(widget, QPlainTextEdit):
            self._grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self._grid.addWidget(label, row, 0)
        self._grid.addWidget(widget, row, 1)
        under = [w for w in (extra, error, advice, below) if w is not None]
        for offset, line_widget in enumerate(under, start=1):
            self._grid.addWidget(line_widget, row + offset, 1)
        self._rows[key] = FormRow(
            key, label, widget, focus, error, advice, rule, watch or (widget,)
        )

    def _add_beside(self, key: str, widget: QWidget, host: str, name: str) -> None:
        """``widget`` (already placed inside the host row's input) as field ``key``, called
        ``name`` (the row's label is the host's buddy and names only it): its problems show
        on the host's lines, after the host's own."""
        owner = self._rows[host]
        widget.setAccessibleName(name)
        widget.setAccessibleDescription(owner.rule)
        self._rows[key] = FormRow(
            key, owner.label, widget, widget, owner.error, owner.advice, owner.rule,
            (widget,), host,
        )  # fmt: skip

    def _finish(self) -> None:
        """Frame the rows (scrolling, the form's own error line, the buttons), wire the edits
        and the keys, and check the form once."""
        # Error lines wrap, and a layout's minimum ignores wrapped height: scrolling keeps the
        # rows from being squeezed over each other on a short screen or a small window.
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._fields)
        FocusKeptInView(self._scroll)  # focus from the buttons too: the field is shown
        self._scroll.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self._fields.setBackgroundRole(QPalette.ColorRole.Window)

        outer = self._outer = QVBoxLayout(self)
        outer.addWidget(self._scroll, 1)
        outer.addSpacing(6)
        outer.addWidget(self.form_error)
        outer.addWidget(self._buttons)
        self._columns_fit_or_stack()
        for grid in self._grids:
            grid.setRowStretch(grid.rowCount(), 1)  # spare height below the rows

        chain_tab_order(self._tab_order())
        for key, row in self._rows.items():
            for widget in row.watched:
                self._watch(key, widget)
        # Cancel, Esc and the close button ask before typed work is thrown away.
        self.discard_guard = DiscardGuard(self, self.cancel_button, extra=self._unsaved_extra)
        # A button box makes its first accepting button the default as it is shown: Enter
        # elsewhere (in a line edit) must still press nothing.
        EnterPressesFocusedButton(self, no_default=True)
        RememberedSize(self, type(self).__name__)
        self.submit_button.clicked.connect(self.submit)
        submit_on_ctrl_enter(self, self.submit)
        self._apply_colours()
        self._revalidate()

    def _preferred_size(self, min_width: int = 0) -> QSize:
        """Room for every row and message line shown, within the screen, at least
        ``min_width`` wide.

        Measured from the rows' height for the width they get: a dialog sized from its own
        size hint before a wrapped line is shown opens far too short, and one measured for a
        narrower width than it is given wraps less than measured and opens with a gap above
        its buttons."""
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        width = max(self._wanted_width(), min_width)
        chrome = self.sizeHint().height() - self._scroll.sizeHint().height()
        # -1 when no wrapped line is shown (the layout then has no height-for-width): the
        # rows' own size hint is their height.
        rows = self._fields.heightForWidth(width - bar)
        height = (rows if rows > 0 else self._fields.sizeHint().height()) + chrome
        # As tall as the screen lets a window be with its title bar (as ``grow_to_fit``): at
        # 90 % of a 1280×800 screen the offer form hid its last rows, the Cost's fix among them.
        screen = available_room(self)
        return QSize(min(width, widest_window(self)), min(height, screen.height() - TITLE_BAR))

    def _wanted_width(self) -> int:
        """The window's width for the rows as they are laid out, at their width hints."""
        margins = self._outer.contentsMargins()
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        return self._fields.sizeHint().width() + margins.left() + margins.right() + bar

    def _watch(self, key: str, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit | QPlainTextEdit):
            widget.textChanged.connect(lambda *_a, k=key: self._edited(k))
        elif isinstance(widget, QComboBox) and widget.isEditable():
            # Whatever is typed must reach the model, not only what is picked.
            widget.currentTextChanged.connect(lambda _t, k=key: self._edited(k))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, k=key: self._edited(k))
        elif isinstance(widget, QAbstractButton):
            widget.toggled.connect(lambda _c, k=key: self._edited(k))
        elif isinstance(widget, QDateTimeEdit):
            widget.dateTimeChanged.connect(lambda _d, k=key: self._edited(k))
        else:
            raise TypeError(f"No edit signal known for {type(widget).__name__}")

    # -- validation ---------------------------------------------------------------------------

    def value(self) -> T | None:
        """What the form would send now, or None while it is not valid."""
        return self._value

    def errors(self) -> dict[str, str]:
        """The problems shown now, by field key (for tests and accessibility)."""
        return dict(self._errors)

    def _edited(self, key: str) -> None:
        # A service's complaint about a value holds until that value changes.
        self._server_errors.pop(key, None)
        self._form_refusal.clear()
        self._revalidate()

    def _revalidate(self) -> None:
        # A complaint about a row that no longer applies (hidden: its value is not sent) is
        # over. Kept, it was shown nowhere and kept Create off without a word.
        self._server_errors = {
            key: message
            for key, message in self._server_errors.items()
            if key not in self._rows or self._row_shown(self._rows[key].host or key)
        }
        self._value, errors = self._check()
        advice = self._advice(errors)
        shown = {**errors, **self._server_errors}
        self._errors = shown

        beside: dict[str, list[FormRow]] = {}
        for row in self._rows.values():
            if row.host is not None:
                beside.setdefault(row.host, []).append(row)
        placed: set[str] = set()
        for key, row in self._rows.items():
            if row.host is not None:
                continue
            keys = [key, *(r.key for r in beside.get(key, []))]
            text = next((shown[k] for k in keys if shown.get(k)), "")
            row.error.setText(text)
            warnings = [m for k in keys for m in advice.get(k, [])]
            row.advice.setText("\n".join(f"⚠ {m}" for m in warnings))
            # Heard where the keyboard is: a warning too (a past expiry, the Cost's), and on
            # every Tab stop of the row (the expiry's date as well as its box).
            described = text or " ".join(warnings) or row.rule
            for widget in _tab_stops(row):
                widget.setAccessibleDescription(described)
            for other in beside.get(key, []):
                other.focus.setAccessibleDescription(shown.get(other.key) or row.rule)
            row.set_shown(self._row_shown(key))
            placed.update(keys)

        # Problems naming no field on screen still have to be seen.
        form_level = [self._server_form_error] if self._server_form_error else []
        form_level += [
            message if key == FORM_LEVEL else f"{key}: {message}"
            for key, message in shown.items()
            if key not in placed
        ]
        self.form_error.setText("\n".join(form_level))
        self.form_error.setVisible(bool(form_level))
        self._refreshed()
        self._grow_to_fit()
        self.submit_button.setEnabled(self.can_submit())

    def _grow_to_fit(self) -> None:
        # New message lines push the window taller (within the screen), rather than squeeze
        # the rows or hide them behind a scroll bar.
        if self.isVisible():
            grow_to_fit(self, self._preferred_size(min_width=self.width()).height())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The box made submit the default as it was shown: it would look as if Enter sent.
        self.submit_button.setDefault(False)
        self._grow_to_fit()

    def can_submit(self) -> bool:
        """Valid, nothing else pending, no complaint left unanswered, and not already sending."""
        return (
            self._value is not None and self._ready() and not self._server_errors and not self._busy
        )

    # -- submitting ---------------------------------------------------------------------------

    def submit(self) -> None:
        """Hand the value on once: busy until ``set_busy(False)`` or ``show_server_error``."""
        value = self._value
        if not self.can_submit() or value is None:
            return
        self._server_form_error = ""
        self._form_refusal.clear()
        # Busy before handing on: a click queued behind this one must find the door shut.
        self.set_busy(True)
        self._send(value)

    def set_busy(self, busy: bool) -> None:
        """While busy, the button says so, the inputs are locked and closing waits; after,
        the keyboard is back where it was (locked, the field lost it, and an answer naming
        no field left it nowhere: Tab started again at the first field)."""
        if busy and not self._busy:
            self._focus_before = self.focusWidget()
        self._busy = busy
        self.submit_button.setText(self._busy_text if busy else self._submit_text)
        self._fields.setEnabled(not busy)
        if not busy:
            before, self._focus_before = self._focus_before, None
            focused = QApplication.focusWidget()
            if before is not None and (focused is None or not self.isAncestorOf(focused)):
                before.setFocus(Qt.FocusReason.OtherFocusReason)
        self._revalidate()

    def is_busy(self) -> bool:
        return self._busy

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Around the call a submit started: however it ends, even by a fault of ours, the
        form is not left busy, since a busy form refuses to close."""
        try:
            yield
        finally:
            if self._busy:
                self.set_busy(False)

    def show_server_error(self, message: str, field: str | None = None) -> None:
        """Put the service's complaint under the field it names, else at the bottom.

        An answer means the call is over, so this also ends the busy state; the input is kept.
        """
        message = as_refusal(message)  # on the screen, however long or however many lines
        key = self._key_for(field)
        if key is None:
            self._server_form_error = message
        else:
            self._server_errors[key] = message
        self.set_busy(False)
        if key is not None:
            self._rows[key].focus.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._form_refusal.say(message)  # the field's own description says it otherwise

    def _key_for(self, field: str | None) -> str | None:
        """The row a service's field name means (any case), if that row is on screen."""
        if not field:
            return None
        wanted = field.strip().casefold()
        for key, row in self._rows.items():
            if key.casefold() == wanted:
                # A row that does not apply now is hidden: a message there would never be seen.
                return key if self._row_shown(row.host or key) else None
        return None

    def reject(self) -> None:
        # Closing mid-call would leave the coordinator not knowing whether it went through.
        if not self._busy:
            super().reject()

    # -- look ---------------------------------------------------------------------------------

    def _apply_colours(self) -> None:
        # Tinted, not styled: the shades follow the desktop's palette when it changes.
        for row in self._rows.values():
            tint(row.error, ERROR)
            tint(row.advice, ADVICE)
        tint(self.form_error, ERROR)
        self._colours_changed()

    def _colours_changed(self) -> None:
        """Colour what else the form shows (status lines of its own)."""


def _tab_stops(row: FormRow) -> list[QWidget]:
    """The widgets of ``row`` the keyboard lands on: its focus, and any other it watches that
    takes the focus (the expiry's date beside its box)."""
    others = [
        w for w in row.watched if w is not row.focus and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]
    return [row.focus, *others]
