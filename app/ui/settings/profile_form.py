"""The form of one connection profile in File > Settings, built from :class:`ConnectionProfile`'s
field metadata (titles, ranges, units, groups, choices): a new option is a new field there, not
new code here. Its editors, the count and refusal rows under them, the key fields and each
service's "Test connection" row, in a scroll area of its own.

It shows the values it is given and hands back what was typed; which profile it shows, and what
a typed name or key means, is the dialog's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from annotated_types import Ge, Le, MaxLen
from pydantic.fields import FieldInfo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.connection import (
    GROUP_BERKE,
    GROUP_INVITATION,
    GROUP_SR,
    GROUP_WORK,
    ConnectionProfile,
    ProfileKind,
    berke_token_problem,
    sr_key_problem,
)
from app.domain.sr_limits import message_count
from app.store.credentials import BERKE_TOKEN, SR_KEY
from app.ui.common.colours import SETTINGS_ERROR
from app.ui.common.focus_in_view import FocusKeptInView
from app.ui.common.labels import plain_label
from app.ui.common.tint import tint
from app.ui.common.tooltips import plain_tooltip
from app.workflows.profile_keys import ADDRESS_FIELDS, KEY_TITLES

FORM_FIELDS = [
    name
    for name, info in ConnectionProfile.model_fields.items()
    if isinstance(info.json_schema_extra, dict) and "group" in info.json_schema_extra
]
KEY_HINTS = {
    SR_KEY: "The 64-character partner key from the SmartRecruiters Partner Portal",
    BERKE_TOKEN: "From Berke: Settings | API:Security",
}
# What a typed key must be, checked as it is typed and again before anything is stored.
KEY_RULES: dict[str, Callable[[str], str | None]] = {
    SR_KEY: sr_key_problem,
    BERKE_TOKEN: berke_token_problem,
}


def _extra(info: FieldInfo) -> dict[str, Any]:
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def _bound(info: FieldInfo, kind: type) -> Any:
    for item in info.metadata:
        if isinstance(item, kind):
            return getattr(item, {Ge: "ge", Le: "le", MaxLen: "max_length"}[kind])
    return None


class ProfileForm:
    """The widgets of one profile's form. ``renamed`` hears the name as it is typed,
    ``field_edited`` the name of each field edited (its refusal is gone by then), ``key_typed``
    a key's service and text as it is typed, and ``test`` a "Test connection" click's service."""

    def __init__(
        self,
        *,
        renamed: Callable[[str], None],
        field_edited: Callable[[str], None],
        key_typed: Callable[[str, str], None],
        test: Callable[[str], None],
    ) -> None:
        self._field_edited = field_edited
        self._key_typed = key_typed
        self._test = test
        self.editors: dict[str, QWidget] = {}
        self.key_fields: dict[str, QLineEdit] = {}
        self.key_errors: dict[str, QLabel] = {}
        #: Under each profile field (the name too): why the last save refused it.
        self.field_errors: dict[str, QLabel] = {}
        #: Under a long text: how many characters it has, of how many it may.
        self.counts: dict[str, QLabel] = {}
        self._field_error_forms: dict[str, QFormLayout] = {}
        #: Each field's editor (the name's too), which says its refusal to a screen reader.
        self._field_editors: dict[str, QWidget] = {}
        #: A field's own accessible description, while a refusal is said in its place.
        self._own_descriptions: dict[QWidget, str] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.verdict_labels: dict[str, QLabel] = {}
        # The profile's options outgrow an 800-pixel screen: they scroll, the dialog does not.
        form_host = QWidget()
        form_host.setLayout(self._build(renamed))
        self.scroll = QScrollArea()
        self.scroll.setObjectName("profileForm")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop of its own: focused, it showed nothing; Tab goes field to field.
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(form_host)
        FocusKeptInView(self.scroll)
        # Only height scrolls: the rows keep the width they need, beside the scroll bar.
        bar = self.scroll.verticalScrollBar().sizeHint().width()
        self.scroll.setMinimumWidth(form_host.minimumSizeHint().width() + bar)

    def scroll_sideways(self, width: int) -> None:
        """At most ``width`` wide, its rows scrolling sideways when wider: at a large font
        they outgrow a laptop's screen (a row cut at the right edge was never seen)."""
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.setMinimumWidth(max(width, 0))

    # -- construction ------------------------------------------------------------------------

    def _build(self, renamed: Callable[[str], None]) -> QVBoxLayout:
        """The selected profile: one group per service plus "Work", from the field metadata."""
        form_side = QVBoxLayout()
        name_form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("profileName")
        self.name_edit.textEdited.connect(renamed)
        name_form.addRow(ConnectionProfile.model_fields["name"].title or "Name", self.name_edit)
        self._add_field_error_row(name_form, "name", self.name_edit)
        form_side.addLayout(name_form)
        groups: dict[str, QFormLayout] = {}
        for group in (GROUP_SR, GROUP_BERKE, GROUP_INVITATION, GROUP_WORK):
            box = QGroupBox(group)
            groups[group] = QFormLayout(box)
            form_side.addWidget(box)
        key_after_address = {GROUP_SR: SR_KEY, GROUP_BERKE: BERKE_TOKEN}
        for name in FORM_FIELDS:
            info = ConnectionProfile.model_fields[name]
            extra = _extra(info)
            editor = self._editor_for(name, info)
            self.editors[name] = editor
            groups[extra["group"]].addRow(info.title or name, editor)
            if extra.get("counted"):
                self._add_count_row(groups[extra["group"]], name, editor, _bound(info, MaxLen))
            self._add_field_error_row(groups[extra["group"]], name, editor)
            if extra.get("address"):  # the key right under the address it is for
                self._add_key_row(groups[extra["group"]], key_after_address[extra["group"]])
        for service, group in ((SR_KEY, GROUP_SR), (BERKE_TOKEN, GROUP_BERKE)):
            self._add_test_row(groups[group], service)
        return form_side

    def _editor_for(self, name: str, info: FieldInfo) -> QWidget:
        extra = _extra(info)
        editor: QWidget
        if info.annotation is int:
            spin = QSpinBox()
            spin.setRange(_bound(info, Ge) or 0, _bound(info, Le) or 1_000_000)
            spin.setSuffix(str(extra.get("suffix", "")))
            spin.setAccelerated(True)
            editor = spin
        elif "choices" in extra:
            combo = QComboBox()
            for value, label in extra["choices"].items():
                combo.addItem(label, value)
            editor = combo
        else:
            # Never setMaxLength: a longer paste was cut without a word, and saved so (every
            # invitation then ended mid-word). Too long is refused on save, under the field.
            line = QLineEdit()
            if extra.get("address"):
                line.setPlaceholderText("https://…")
            editor = line
        editor.setObjectName(name)
        editor.setAccessibleName(f"{extra['group']} {info.title}")
        if info.description:
            editor.setToolTip(plain_tooltip(info.description))
        return editor

    def _add_count_row(self, form: QFormLayout, name: str, editor: QWidget, limit: int) -> None:
        """Under a long text: "47 / 1,000" as it is typed; once over, in red, by how much
        ("1,047 / 1,000: 47 too many"). As in the invite dialog: nothing is cut, the save
        refuses it (in a sentence under the field: this line does not say it a second time)."""
        assert isinstance(editor, QLineEdit)
        count = plain_label(name=f"{name}Count")
        self.counts[name] = count

        def follow(text: str) -> None:
            over = len(text.strip()) - limit
            shown = message_count(text, limit)
            count.setText(f"{shown}: {over:,} too many" if over > 0 else shown)
            tint(count, SETTINGS_ERROR if over > 0 else None)

        editor.textChanged.connect(follow)
        follow(editor.text())
        form.addRow("", count)

    def _add_field_error_row(self, form: QFormLayout, name: str, editor: QWidget) -> None:
        """A row under the field for why it was refused: hidden, and taking no room, until a
        save refuses it; gone again as the field is changed."""
        error = plain_label(name=f"{name}Error")
        tint(error, SETTINGS_ERROR)
        form.addRow("", error)
        form.setRowVisible(error, False)
        self.field_errors[name] = error
        self._field_error_forms[name] = form
        self._field_editors[name] = editor
        changed = (
            editor.textEdited
            if isinstance(editor, QLineEdit)
            else editor.valueChanged
            if isinstance(editor, QSpinBox)
            else editor.activated
            if isinstance(editor, QComboBox)
            else None
        )
        if changed is not None:
            changed.connect(lambda *_: self._edited(name))

    def _edited(self, name: str) -> None:
        """Its words go as it is edited."""
        self.hide_field_error(name)
        self._field_edited(name)

    def _add_key_row(self, form: QFormLayout, service: str) -> None:
        field_ = QLineEdit()
        field_.setObjectName(f"{service}Key")
        field_.setEchoMode(QLineEdit.EchoMode.Password)
        field_.setToolTip(KEY_HINTS[service])
        field_.setAccessibleName(KEY_TITLES[service])
        # Keys are never read back into the field: it only ever holds what was typed now.
        field_.textEdited.connect(lambda text, s=service: self._key_typed(s, text))
        self.key_fields[service] = field_
        form.addRow(KEY_TITLES[service], field_)
        if service in KEY_RULES:
            error = plain_label(name=f"{service}KeyError")
            tint(error, SETTINGS_ERROR)
            error.hide()
            self.key_errors[service] = error
            form.addRow("", error)

    def _add_test_row(self, form: QFormLayout, service: str) -> None:
        row = QHBoxLayout()
        button = QPushButton("&Test connection" if service == SR_KEY else "T&est connection")
        button.setObjectName(f"{service}Test")
        button.clicked.connect(lambda _checked=False, s=service: self._test(s))
        verdict = plain_label(name=f"{service}Verdict")  # a service's words, as written
        verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(button)
        row.addWidget(verdict, 1)
        self.test_buttons[service] = button
        self.verdict_labels[service] = verdict
        form.addRow(row)

    # -- values ------------------------------------------------------------------------------

    def show_values(self, values: Mapping[str, Any]) -> None:
        """A profile's values in its editors (the name's is the dialog's to set)."""
        for name, editor in self.editors.items():
            _set_value(editor, values.get(name))

    def typed_values(self, kind: ProfileKind) -> dict[str, Any]:
        """The editors' values, by field; not the sandbox's addresses, which are not its own
        (the field says where the sandbox is started)."""
        return {
            name: _value(editor)
            for name, editor in self.editors.items()
            if not (kind is ProfileKind.SANDBOX and name in ADDRESS_FIELDS)
        }

    def apply_kind(self, kind: ProfileKind) -> None:
        """A built-in profile's name and addresses are not typed over; the sandbox needs no
        keys, no Berke user and no test."""
        builtin = kind is not ProfileKind.CUSTOM
        sandbox = kind is ProfileKind.SANDBOX
        self.name_edit.setReadOnly(builtin)
        for name in ADDRESS_FIELDS:
            editor = self.editors[name]
            assert isinstance(editor, QLineEdit)
            editor.setReadOnly(builtin)
            if sandbox:
                editor.setText("built in: started on this computer when needed")
        self.editors["berke_username"].setEnabled(not sandbox)
        for widget in (*self.key_fields.values(), *self.test_buttons.values()):
            widget.setEnabled(not sandbox)
        if sandbox:
            for label in self.verdict_labels.values():
                label.setText("The built-in sandbox needs no keys and no keyring.")

    # -- refusals ----------------------------------------------------------------------------

    def show_field_error(self, name: str, sentence: str) -> None:
        """Why a save refused the field: under it, and in its editor's accessible description,
        which a screen reader reads as the keyboard is put there (the line under it is a bare
        label no reader comes to)."""
        error = self.field_errors.get(name)
        if error is not None:
            error.setText(sentence)
            self._field_error_forms[name].setRowVisible(error, True)
            self._say_at(self._field_editors[name], sentence)
            self.scroll_to(error)

    def hide_field_error(self, name: str) -> None:
        error = self.field_errors[name]
        if not error.text():
            return
        error.clear()
        self._field_error_forms[name].setRowVisible(error, False)
        self._say_at(self._field_editors[name], None)

    def show_key_error(self, service: str, sentence: str | None) -> None:
        """Why a key cannot be kept or sent (None: nothing), under its field and in that
        field's accessible description, as a field's refusal."""
        error = self.key_errors[service]
        error.setText(sentence or "")
        error.setVisible(sentence is not None)
        self._say_at(self.key_fields[service], sentence)

    def _say_at(self, editor: QWidget, sentence: str | None) -> None:
        """``sentence`` as ``editor``'s accessible description; None gives it its own back."""
        if sentence is None:
            own = self._own_descriptions.pop(editor, None)
            if own is not None:
                editor.setAccessibleDescription(own)
            return
        self._own_descriptions.setdefault(editor, editor.accessibleDescription())
        editor.setAccessibleDescription(sentence)

    def hide_field_errors(self) -> None:
        for name in self.field_errors:
            self.hide_field_error(name)

    def scroll_to(self, error: QWidget) -> None:
        """The words just shown under a field, scrolled into view with it: the form is taller
        than a laptop's screen."""
        host = self.scroll.widget()
        host_layout = host.layout() if host is not None else None
        if host_layout is not None:
            host_layout.activate()  # the row just shown has its place before it is scrolled to
        self.scroll.ensureWidgetVisible(error)


def _value(editor: QWidget) -> Any:
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    assert isinstance(editor, QLineEdit)
    return editor.text().strip() or None


def _set_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findData(value), 0))
    elif isinstance(editor, QLineEdit):
        editor.setText("" if value is None else str(value))
