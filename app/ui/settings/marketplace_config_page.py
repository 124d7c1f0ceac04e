"""Settings > Marketplace configuration: the partner's five ``/configs`` settings, read and set
through the SmartRecruiters client of the connection in use.

Thin on purpose: reading, checking and saving are :mod:`app.workflows.marketplace_config`;
this page only shows their outcomes. Each setting is saved on its own, at once, by its own
button: these are SmartRecruiters' settings, not the dialog's, so OK, Apply and Cancel leave
them be. What is typed and not saved is never dropped unasked (Read again, closing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.marketplace_config import CONFIG_INFO, MarketplaceConfigId
from app.ui.common.async_dialogs import confirm
from app.ui.common.colours import SETTINGS_ERROR, SETTINGS_OK
from app.ui.common.labels import plain_label
from app.ui.common.task_group import until_ended
from app.ui.common.tint import tint
from app.workflows.marketplace_config import (
    ConfigReading,
    ConfigSaving,
    MarketplaceConfigAccess,
)

ClientProvider = Callable[[], MarketplaceConfigAccess | None]

INTRO = (
    "Your partner settings on SmartRecruiters. Each one is sent as soon as you press its Save "
    "button; OK, Apply and Cancel below do not send, change or undo them."
)
DEMO_INTRO = (
    "Demo mode: these are the partner settings of the demo's simulated SmartRecruiters, made "
    "up like its orders. Nothing saved here reaches your SmartRecruiters account, and it is "
    "forgotten when the demo ends: connect your own in Connection profiles to set yours."
)
NO_CONNECTION = (
    "Not connected to SmartRecruiters: these settings are read and set through the connection "
    "in use, and there is none. Connect with a profile, then open Settings again."
)


class MarketplaceConfigPage(QWidget):
    """One row per documented setting: its value, a Save button, and a line for its outcome."""

    loaded = Signal(object)  # ConfigReading
    saved = Signal(object)  # ConfigSaving

    def __init__(self, client: ClientProvider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("marketplaceConfigPage")
        # Asked again before every call: a profile switch replaces the session's client.
        self._client = client
        self._stored: dict[MarketplaceConfigId, str | None] = {}
        self._read_from: MarketplaceConfigAccess | None = None  # the values shown came from it
        self._tasks: set[asyncio.Task[Any]] = set()
        self.editors: dict[MarketplaceConfigId, QLineEdit] = {}
        #: The header settings' "Show" toggles: their values may hold a secret of the vendor's.
        self.show_toggles: dict[MarketplaceConfigId, QCheckBox] = {}
        self.save_buttons: dict[MarketplaceConfigId, QPushButton] = {}
        self.notes: dict[MarketplaceConfigId, QLabel] = {}
        self.last_reading: ConfigReading | None = None
        self.last_savings: dict[MarketplaceConfigId, ConfigSaving] = {}
        self._build()
        self._set_rows_enabled(False)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.intro_label = plain_label(INTRO, "marketplaceConfigIntro")
        layout.addWidget(self.intro_label)
        self.status_label = plain_label(name="marketplaceConfigStatus")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        grid = QGridLayout()
        for config_id in MarketplaceConfigId:
            self._add_row(grid, config_id)
        layout.addLayout(grid)
        self.error_label = plain_label(name="marketplaceConfigError")
        tint(self.error_label, SETTINGS_ERROR)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        reload_row = QHBoxLayout()
        self.reload_button = QPushButton("Read again")
        self.reload_button.setObjectName("marketplaceConfigReload")
        self.reload_button.clicked.connect(self.read_again)
        reload_row.addWidget(self.reload_button)
        reload_row.addStretch(1)
        layout.addLayout(reload_row)
        layout.addStretch(1)

    def _add_row(self, grid: QGridLayout, config_id: MarketplaceConfigId) -> None:
        info = CONFIG_INFO[config_id]
        row = grid.rowCount()
        title = plain_label(info.title, wrap=False)
        editor = QLineEdit()
        editor.setObjectName(f"config_{config_id.value}")
        editor.setAccessibleName(info.title)
        editor.setToolTip(f"{info.help}\n(SmartRecruiters id: {config_id.value})")
        editor.setPlaceholderText("https://…" if config_id.is_url else "")
        editor.textEdited.connect(lambda _text, c=config_id: self._edited(c))
        title.setBuddy(editor)
        value_cell: QWidget = editor
        if is_secret(config_id):
            value_cell = self._masked(config_id, editor, info.title)
        button = QPushButton("Save")
        button.setObjectName(f"save_{config_id.value}")
        button.setAccessibleName(f"Save {info.title}")
        # Enter in the dialog stays the dialog's OK, never a remote change.
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False, c=config_id: self.start_save(c))
        note = plain_label(name=f"note_{config_id.value}")
        note.hide()
        help_line = plain_label(info.help)
        help_line.setEnabled(False)  # greyed: advice, not a value
        grid.addWidget(title, row, 0)
        grid.addWidget(value_cell, row, 1)
        grid.addWidget(button, row, 2)
        grid.addWidget(note, row + 1, 1, 1, 2)
        grid.addWidget(help_line, row + 2, 1, 1, 2)
        self.editors[config_id] = editor
        self.save_buttons[config_id] = button
        self.notes[config_id] = note

    def _masked(self, config_id: MarketplaceConfigId, editor: QLineEdit, title: str) -> QWidget:
        """A header value hidden as the API keys are (screenshots, a shared screen), with a
        "Show" toggle: unlike a key, it is read back from SmartRecruiters to be edited."""
        editor.setEchoMode(QLineEdit.EchoMode.Password)
        toggle = QCheckBox("Show")
        toggle.setObjectName(f"show_{config_id.value}")
        toggle.setAccessibleName(f"Show {title}")
        toggle.setToolTip("Show the value in clear (it may hold a password or token).")
        toggle.toggled.connect(
            lambda shown: editor.setEchoMode(
                QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
            )
        )
        self.show_toggles[config_id] = toggle
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(editor, 1)
        row.addWidget(toggle)
        return cell

    # -- reading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Read the settings in a task; without a connection, say so and stay disabled."""
        if self._client() is None:
            self._show_unavailable()
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # shown outside the app's loop (a bare test): nothing can run
            self.status_label.setText("Press “Read again” to read the settings.")
            return
        self._spawn(self.refresh())

    def unsaved(self) -> list[str]:
        """The titles of the settings typed here and not saved (each has its own Save)."""
        return [
            CONFIG_INFO[config_id].title
            for config_id, button in self.save_buttons.items()
            if button.isEnabled()
        ]

    def read_again(self) -> None:
        """ "Read again": what was typed and not saved is dropped only once the coordinator
        says so."""
        unsaved = self.unsaved()
        if not unsaved:
            self.load()
            return
        self._spawn(self._read_again_asked(unsaved))

    async def _read_again_asked(self, unsaved: list[str]) -> None:
        if await confirm(
            self,
            "Read the settings again",
            f"Drop what you typed for {names_of_settings(unsaved)}?",
            informative="It is not saved: each setting is sent by its own Save button.",
            ok_text="Read again",
            cancel_text="Keep what I typed",
        ):
            await self.refresh()

    async def refresh(self) -> ConfigReading | None:
        client = self._client()
        if client is None:
            self._show_unavailable()
            return None
        self._set_rows_enabled(False)
        self.reload_button.setEnabled(False)
        self.error_label.hide()
        self.intro_label.setText(DEMO_INTRO if client.demo else INTRO)
        self.status_label.setText(f"Reading from {service_at(client)}…")
        try:
            reading = await client.read()
        finally:
            self.reload_button.setEnabled(True)
            self._set_rows_enabled(True)
        self.last_reading = reading
        self._read_from = client
        self._stored = dict(reading.values)
        for config_id, editor in self.editors.items():
            value = reading.values.get(config_id)
            editor.setText(value or "")
            self._show_note(config_id, "", ok=True)
            if reading.ok:
                editor.setPlaceholderText("not set" if value is None else "")
            else:
                editor.setPlaceholderText("could not be read")
            self._edited(config_id)
        if reading.ok:
            self.status_label.setText(f"Settings of {service_at(client)}.")
        else:
            self.status_label.setText(f"{upper_first(service_at(client))}.")
            self._show_error(reading.error or "")
        self.loaded.emit(reading)
        return reading

    def _show_unavailable(self) -> None:
        self._set_rows_enabled(False)
        self.reload_button.setEnabled(False)
        self.error_label.hide()
        self.intro_label.setText(INTRO)
        self.status_label.setText(NO_CONNECTION)

    # -- saving ------------------------------------------------------------------------------

    def start_save(self, config_id: MarketplaceConfigId) -> None:
        self._spawn(self.save(config_id))

    async def save(self, config_id: MarketplaceConfigId) -> ConfigSaving | None:
        client = self._client()
        if client is None:
            self._show_unavailable()
            return None
        editor, button = self.editors[config_id], self.save_buttons[config_id]
        if self._read_from is None or not client.same_connection(self._read_from):
            # A profile applied since the values were read: they are another account's, and
            # this value was typed against them. Nothing is sent; the page reads afresh.
            typed = editor.text().strip()
            if not typed:
                what = "The emptied value"
            elif is_secret(config_id):  # never repeated in clear, even in an error line
                what = f"The value typed for “{CONFIG_INFO[config_id].title}”"
            else:
                what = f"“{typed}”"
            why = (
                "These settings had not been read"
                if self._read_from is None
                else "The connection changed since these settings were read"
            )
            reading = await self.refresh()
            failed = f" {reading.error}" if reading is not None and reading.error else ""
            self._show_error(
                f"{why}: they are now those of {service_at(client)}. {what} was "
                f"not saved; type it again if it is meant for this connection.{failed}"
            )
            return None
        editor.setEnabled(False)
        button.setEnabled(False)
        self.error_label.hide()
        self._show_note(config_id, "Saving…", ok=True)
        try:
            saving = await client.save(config_id, editor.text())
        finally:
            editor.setEnabled(True)
        self.last_savings[config_id] = saving
        if saving.field_error is not None:
            self._show_note(config_id, saving.field_error, ok=False)
        elif saving.error is not None:
            self._show_note(config_id, "Not saved: see below.", ok=False)
            self._show_error(saving.error)
        else:
            self._stored[config_id] = saving.value
            editor.setText(saving.value or "")
            # In demo mode only the simulator has it: "Saved." read as given to SmartRecruiters.
            saved = "Saved in the demo only." if client.demo else "Saved."
            self._show_note(config_id, saved, ok=True)
        self._edited(config_id, keep_note=True)
        self.saved.emit(saving)
        return saving

    # -- state -------------------------------------------------------------------------------

    def _edited(self, config_id: MarketplaceConfigId, *, keep_note: bool = False) -> None:
        """Save is offered only for a value that differs from the one read or saved."""
        text = self.editors[config_id].text().strip()
        changed = text != (self._stored.get(config_id) or "")
        self.save_buttons[config_id].setEnabled(changed and self.editors[config_id].isEnabled())
        if changed and not keep_note:
            self._show_note(config_id, "", ok=True)

    def _set_rows_enabled(self, enabled: bool) -> None:
        for config_id, editor in self.editors.items():
            editor.setEnabled(enabled)
            self.save_buttons[config_id].setEnabled(False)
        if enabled:
            for config_id in self.editors:
                self._edited(config_id, keep_note=True)

    def _show_note(self, config_id: MarketplaceConfigId, text: str, *, ok: bool) -> None:
        note = self.notes[config_id]
        note.setText(text)
        tint(note, SETTINGS_OK if ok else SETTINGS_ERROR)
        note.setVisible(bool(text))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def cancel_tasks(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def wait_idle(self) -> None:
        """Wait until the page's reads and saves have ended, cancelled ones included: a read
        cancelled while it connects stops some turns of the loop later, and then re-enables
        the page's buttons."""
        await until_ended(self._tasks)


def service_at(client: MarketplaceConfigAccess) -> str:
    """Whose settings these are, for the page's lines: "SmartRecruiters at …", or in demo
    mode "the demo's simulated SmartRecruiters at …" (never taken for the coordinator's)."""
    if client.demo:
        return f"the demo's simulated SmartRecruiters at {client.where}"
    return f"SmartRecruiters at {client.where}"


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_secret(config_id: MarketplaceConfigId) -> bool:
    """The header settings: SmartRecruiters sends them as HTTP header values, which may hold
    a secret of the vendor's ("Authorization: Bearer …"). Shown masked, never repeated."""
    return not config_id.is_url


def names_of_settings(titles: list[str]) -> str:
    """“Result URL” / “Result URL” and “Result header”."""
    quoted = [f"“{title}”" for title in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + f" and {quoted[-1]}"
