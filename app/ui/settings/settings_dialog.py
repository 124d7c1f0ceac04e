"""File > Settings: connection profiles, their keys, and "Test connection" per service; and
the partner's Marketplace configuration on SmartRecruiters, on a page of its own.

The dialog holds the profiles being edited and which one is shown. The form is built from
:class:`ConnectionProfile`'s field metadata (``profile_form``): a new option is a new field there,
not new code here. ``load()`` fills the dialog from the settings, and reads where the keys are
kept in a worker thread; ``save_changes()`` validates what was typed here, and ``settings_save``
asks what a save must ask, writes the profiles file and stores the keys (keyring, or the
session, or the opted-in file).

The keyring is never asked on the GUI thread: it may take seconds to answer (a Secret Service
over D-Bus, KWallet waking up) or wait on its unlock prompt, and the whole window froze
meanwhile. Its answers come back from a thread of its own (``key_places.KEYRING``); the file is
written in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from pydantic import SecretStr, ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.clients.errors import Service
from app.domain.connection import (
    TYPED_IN_SETTINGS,
    AppSettings,
    ConnectionProfile,
    ProfileKind,
)
from app.domain.profile_problems import profile_problem
from app.store.credentials import SR_KEY, KeyringStatus, KeyStore, Storage
from app.store.settings_file import save_settings
from app.ui.common.async_dialogs import confirm
from app.ui.common.colours import SETTINGS_ERROR, SETTINGS_OK
from app.ui.common.discard_guard import DiscardGuard
from app.ui.common.labels import plain_label
from app.ui.common.refusal_at_focus import RefusalAtFocus
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.screens import available_room, widest_window
from app.ui.common.task_group import until_ended
from app.ui.common.tint import tint
from app.ui.settings.key_places import KEYRING, KeyPlaces, entries_of, read_places_afresh
from app.ui.settings.marketplace_config_page import (
    ClientProvider,
    MarketplaceConfigPage,
    names_of_settings,
)
from app.ui.settings.profile_form import KEY_RULES, ProfileForm
from app.ui.settings.settings_save import Draft, SettingsSave
from app.workflows.connection_test import (
    ConnectionVerdict,
    Verdict,
    probe_berke,
    probe_smartrecruiters,
)
from app.workflows.profile_data import waiting_for
from app.workflows.profile_keys import (
    KEY_TITLES,
    address_field,
    key_of_address,
    same_names,
    saved_key_may_go,
    unique_name,
)
from app.workflows.settings_words import (
    not_moved_sentence,
    not_stored_sentence,
    same_names_sentence,
)

STORAGE_PLACEHOLDERS = {
    Storage.KEYRING: "saved in the system keyring — type to replace",
    Storage.SESSION: "kept for this session only — type to replace",
    Storage.FILE: "saved in the unencrypted key file — type to replace",
    Storage.NONE: "not set",
}
REMOVE_TIP = "Remove this profile; its keys are forgotten when you save (Cancel keeps it)"
BUILT_IN_STAYS = "The built-in profiles cannot be removed; Duplicate one to make your own."
#: Profiles in view when the list is laid above the form (a large font on a laptop).
STACKED_PROFILE_ROWS = 4
#: A close asked for while a save waits on the keyring.
WAITING_FOR_THE_KEYRING = (
    "Closing once the keys are stored: waiting for the keyring to answer (it may be asking to "
    "be unlocked)."
)
#: Until the keyring has said where a saved profile's keys are (it is read in a worker thread).
CHECKING_PLACEHOLDER = "checking the keyring…"
CHECKING_BANNER = "Checking where the keys are kept…"
FILE_WARNING = (
    "The file is not encrypted: any program running under your account, and anyone with a copy "
    "of your disk or its backups, can read the keys. Use it only on a computer you alone use, "
    "and prefer installing a keyring (e.g. GNOME Keyring or KWallet)."
)


def _why_unreadable(keys: KeyStore) -> str | None:
    """Blocking. Why the keyring cannot be read now (None: it can)."""
    return None if keys.status.usable else keys.status.reason


def _get_afresh(keys: KeyStore, name: str, service: str) -> SecretStr | None:
    """Blocking. The stored key, asking a keyring found locked earlier again (unlocked while
    the dialog was open, as its banner asked)."""
    keys.look_again()
    return keys.get(name, service)


class SettingsDialog(QDialog):
    saved = Signal(object)  # the AppSettings just written

    def __init__(
        self,
        settings: AppSettings,
        keys: KeyStore,
        parent: QWidget | None = None,
        *,
        write: Callable[[AppSettings], object] = save_settings,
        write_over: Callable[[AppSettings], object] | None = None,
        marketplace_client: ClientProvider | None = None,
    ) -> None:
        """``write`` refuses to save over a change another program made to the file since it
        was read (``SettingsChangedElsewhereError``); ``write_over`` saves over it, when the
        coordinator chooses to (None: not offered). ``marketplace_client`` gives the
        SmartRecruiters client of the connection in use, or None when there is none (the
        Marketplace page then says so)."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        RememberedSize(self, "SettingsDialog")
        self.setWindowTitle("Settings — Assessment Desk")
        self._settings = settings
        self._keys = keys
        self._drafts: list[Draft] = []
        self._current = -1
        self._tasks: set[asyncio.Task[Any]] = set()
        self._leaving_unsaved = False  # the coordinator chose to drop typed Marketplace values
        # Where the saved profiles' keys are, by stored name: None until the worker thread
        # has read it. Each save that stores keys replaces it (``_places_generation`` then
        # tells a read started before that save not to paint its older answer).
        self.key_places: KeyPlaces | None = None
        self._places_generation = 0
        self._saving = False  # a save is waiting on the file or the keyring
        self._close_when_saved: int | None = None  # a close asked for meanwhile
        #: The last save's warning, when it saved with one (a key kept for the session only).
        self.save_warning: str | None = None
        self.last_verdicts: dict[str, ConnectionVerdict] = {}
        self._testing: dict[str, Draft] = {}  # per service, the profile whose test is out
        self._marketplace_client: ClientProvider = marketplace_client or (lambda: None)
        # A refusal naming no field, for a screen reader: the error line takes no focus.
        self._refusal = RefusalAtFocus(self)
        self._busy_depth = 0  # ``_busy`` blocks entered: the keyboard is not back yet
        self._unsaid: str | None = None  # a refusal to say once it is
        self._build()
        self._save_steps = SettingsSave(
            self,
            keys,
            write=write,
            write_over=write_over,
            busy=self._busy,
            fail=self._fail,
            show_profile=self.profile_list.setCurrentRow,
            show_key_refused=self._show_key_refused,
            chosen=lambda: (self.active_combo.currentText(), self.file_opt_in.isChecked()),
        )
        self.load()
        # Esc, Cancel, the window's X and the app quitting ask before a profile, a key or a
        # Marketplace value typed is thrown away: one question for all of them (asked about
        # the profiles, then again by ``done()`` about the Marketplace values, the coordinator
        # answered Discard twice). The widgets show one profile of several: the drafts say
        # what was typed.
        self.discard_guard = DiscardGuard(
            self,
            extra=self._typed,
            fields=False,
            saving=self._is_saving,
            unsent=self._unsent_marketplace,
        )
        self.buttons.rejected.connect(self.discard_guard.request_close)

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.pages = QTabWidget()
        self.pages.setObjectName("settingsPages")
        self.connections_page = connections = QWidget()
        layout = QVBoxLayout(connections)
        self.pages.addTab(connections, "Connection &profiles")
        self.marketplace_page = MarketplaceConfigPage(self._marketplace_client)
        self.pages.addTab(self.marketplace_page, "Mar&ketplace configuration")
        outer.addWidget(self.pages)
        self.keyring_banner = plain_label(name="keyringBanner")
        self.file_opt_in = QCheckBox(
            "Keep the keys in a file on this computer instead (not encrypted)"
        )
        self.file_opt_in.setObjectName("keyFileOptIn")
        self.file_warning = plain_label(FILE_WARNING, "keyFileWarning")
        self.file_opt_in.toggled.connect(self._update_key_placeholders)
        layout.addWidget(self.keyring_banner)
        layout.addWidget(self.file_opt_in)
        layout.addWidget(self.file_warning)
        self._build_profiles(layout)
        self._build_footer(outer)
        self._fit_the_screen()
        screen = available_room(self)
        self.resize(min(900, widest_window(self)), min(720, int(screen.height() * 0.9)))

    def _fit_the_screen(self) -> None:
        """The profile list above the form when the two do not fit the screen side by side,
        and the form scrolling sideways when it alone does not: its rows' width grows with
        the font, and at 16 pt the dialog was wider than a 1280 px screen, Apply and Cancel
        past its right edge. Decided once, from the font the dialog is built with (as the
        validated forms' columns are)."""
        widest = widest_window(self)
        if self.minimumSizeHint().width() <= widest:
            return
        self._body.setDirection(QBoxLayout.Direction.TopToBottom)
        # A few profiles in view above the form (the rest scroll): the form takes the height.
        self._body.setStretch(0, 0)
        rows = self.profile_list.fontMetrics().lineSpacing() * STACKED_PROFILE_ROWS
        self.profile_list.setMaximumHeight(rows + 2 * self.profile_list.frameWidth() + 4)
        self._measure_again()
        over = self.minimumSizeHint().width() - widest
        if over > 0:
            self.form.scroll_sideways(self.form_scroll.minimumWidth() - over)
            self._measure_again()

    def _measure_again(self) -> None:
        """The layouts that hold the profiles' body, told it changed: each keeps its sizes
        until the next event loop turn, and the dialog's size hint was the old one's."""
        for layout in (self._body, self.connections_page.layout(), self.layout()):
            if layout is not None:
                layout.invalidate()
        self.connections_page.updateGeometry()
        self.pages.updateGeometry()

    def _build_profiles(self, layout: QVBoxLayout) -> None:
        active_row = QHBoxLayout()
        active_row.addWidget(plain_label("Connect with profile:", wrap=False))
        self.active_combo = QComboBox()
        self.active_combo.setObjectName("activeProfile")
        self.active_combo.setAccessibleName("Active profile")
        active_row.addWidget(self.active_combo, 1)
        layout.addLayout(active_row)

        body = self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        side = QVBoxLayout()
        self.profile_list = QListWidget()
        self.profile_list.setObjectName("profileList")
        self.profile_list.setAccessibleName("Profiles")
        self.profile_list.currentRowChanged.connect(self._select)
        side.addWidget(self.profile_list)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add")
        self.add_button.clicked.connect(self.add_profile)
        self.duplicate_button = QPushButton("&Duplicate")
        self.duplicate_button.clicked.connect(self.duplicate_profile)
        self.remove_button = QPushButton("Re&move")
        self.remove_button.clicked.connect(self.remove_profile)
        for button in (self.add_button, self.duplicate_button, self.remove_button):
            buttons.addWidget(button)
        side.addLayout(buttons)
        body.addLayout(side, 1)
        self.form = ProfileForm(
            renamed=self._rename_current,
            field_edited=self._field_edited,
            key_typed=self._key_typed,
            test=self.start_test,
        )
        # The form's widgets, by the names the dialog has always given them.
        self.name_edit = self.form.name_edit
        self.editors = self.form.editors
        self.key_fields = self.form.key_fields
        self.key_errors = self.form.key_errors
        self.field_errors = self.form.field_errors
        self.counts = self.form.counts
        self.test_buttons = self.form.test_buttons
        self.verdict_labels = self.form.verdict_labels
        self.form_scroll = self.form.scroll
        body.addWidget(self.form_scroll, 3)
        layout.addLayout(body)

    def _build_footer(self, layout: QVBoxLayout) -> None:
        self.error_label = plain_label(name="settingsError")  # profile names, as written
        tint(self.error_label, SETTINGS_ERROR)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )
        self.buttons.accepted.connect(self._ok)
        apply = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        apply.clicked.connect(lambda _checked=False: self._spawn(self.save_changes()))
        layout.addWidget(self.buttons)

    def _field_edited(self, name: str) -> None:
        """Its words gone as it is edited (by the form), an address's also the key's "no longer
        the address it was saved for" (the address may be put back)."""
        self._refusal.clear()
        service = key_of_address(name)  # its "saved for" words may be stale now
        if service is not None:
            self._show_key_error(service)

    def _hide_field_errors(self) -> None:
        """Each save says again what is still wrong: words from the last one may be stale."""
        self.form.hide_field_errors()
        self._refusal.clear()
        for service in self.key_errors:
            self._show_key_error(service)  # only a typed key's own problem stays

    # -- load / save -------------------------------------------------------------------------

    def load(self) -> None:
        """Fill the dialog from the settings it was given. Where their keys are kept is read
        in a worker thread: the key fields say "checking…" until then."""
        self._drafts = [
            Draft(values=p.model_dump(mode="json"), stored_name=p.name)
            for p in self._settings.profiles
        ]
        self._current = -1
        self.key_places = None
        self._places_generation += 1  # a read still out is of what was there before
        self._show_status(None)
        self.file_opt_in.setChecked(self._settings.keys_file_opt_in)
        self._refresh_list(select=self._index_of(self._settings.active))
        self._refresh_active(self._drafts[self._index_of(self._settings.active)])
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # built outside the app's loop (a bare test): nothing can run
            return
        self._spawn(self._read_key_places())

    async def _read_key_places(self) -> None:
        generation = self._places_generation
        names = [p.name for p in self._settings.profiles if not p.is_sandbox]
        places = await KEYRING.run(read_places_afresh, self._keys, entries_of(names))
        if generation == self._places_generation:  # no save stored keys meanwhile
            self._take_places(places)

    def _take_places(self, places: KeyPlaces) -> None:
        self.key_places = places
        self._show_status(places.status)
        self._update_key_placeholders()

    def _show_status(self, status: KeyringStatus | None) -> None:
        """The keyring's state in words (None: not known yet); the file is offered only when
        there is no keyring to use."""
        if status is None:
            self.keyring_banner.setText(CHECKING_BANNER)
        elif status.usable:
            self.keyring_banner.setText(
                f"Keys are kept in the system keyring ({status.backend.rsplit('.', 2)[-2]})."
            )
        else:
            self.keyring_banner.setText(
                f"{status.reason} Keys you enter are kept for this session only and must be "
                "entered again after a restart — unless you choose the file below."
            )
        offered = status is not None and not status.usable
        self.file_opt_in.setVisible(offered)
        self.file_warning.setVisible(offered)

    async def save_changes(self) -> AppSettings | None:
        """Validate every profile, write the file, store typed keys. None (and a message in
        the dialog) when something must be corrected first. The file and the keyring are
        worked in a worker thread, the profiles and the dialog's buttons off meanwhile; a close
        asked for then (Esc, the window's X) waits for the keys to be stored."""
        if self._saving or self._busy_depth:
            # One at a time, and none while Remove reads what a profile has to send: the
            # buttons are off meanwhile.
            return None
        self._saving = True
        self.save_warning = None
        saved: AppSettings | None = None
        try:
            saved = await self._save()
            return saved
        finally:
            self._saving = False
            if self._close_when_saved is not None:
                if saved is not None and self.save_warning is None:
                    asyncio.get_running_loop().call_soon(self._close_as_asked)
                else:  # it stays open, saying why: closed, the words were never seen
                    self._close_when_saved = None

    async def _save(self) -> AppSettings | None:
        profiles = self._validated()
        if profiles is None:
            return None
        done = await self._save_steps.run(self._drafts, self._settings, profiles)
        if done is None:
            return None
        settings, profiles, stored = done.settings, done.profiles, done.stored
        self._places_generation += 1  # a read started before this save is out of date
        self._settings = settings
        for draft, profile in zip(self._drafts, profiles, strict=True):
            draft.stored_name = profile.name
            # A new profile's data file is chosen as it is first saved: kept for the next
            # Apply or OK, which would otherwise choose another and orphan the first.
            draft.values["data_file"] = profile.data_file
            draft.keys.clear()
        for service, field_ in self.key_fields.items():
            field_.clear()
            self.form.show_key_error(service, None)
        self.error_label.hide()
        if stored is None:
            self.key_places = None
            self._update_key_placeholders()
            self._spawn(self._read_key_places())
            self.save_warning = (
                "The settings were saved, but the keys could not all be stored (the log says "
                "why). Check where each profile's keys are, and type again any that is missing."
            )
        else:
            self._take_places(stored.places)
            said = [not_stored_sentence(stored.not_stored)] if stored.not_stored else []
            said += [not_moved_sentence(new, old) for new, old in stored.not_moved]
            self.save_warning = " ".join(said) or None
        if self.save_warning is not None:
            self._fail(self.save_warning)
        self.discard_guard.rebase()  # saved: nothing typed is left to lose
        self.saved.emit(settings)
        return settings

    def _validated(self) -> list[ConnectionProfile] | None:
        """The profiles as typed, when every one is valid and no two share a name; else None,
        and why shown at its field and on the dialog's error line. Asks no keyring."""
        self._commit_current()
        self._hide_field_errors()
        refused = self._refused_key()
        if refused is not None:
            self._show_error(refused)  # the key's field says it (``_show_key_error``)
            return None
        profiles: list[ConnectionProfile] = []
        for index, draft in enumerate(self._drafts):
            try:
                profile = ConnectionProfile.model_validate(draft.values, context=TYPED_IN_SETTINGS)
                unusable = profile.address_problem()
                if unusable is not None:
                    self._fail_on(index, *unusable)
                    return None
            except ValidationError as exc:
                self._fail_on(index, *profile_problem(exc))
                return None
            profiles.append(profile)
        # Names first: on a keyring blind to case, "ACME" beside "Acme" finds Acme's keys,
        # and the left-behind check would call them a removed profile's.
        same = same_names(profiles)
        if same is not None:
            first, second = same
            self._fail_on(
                max(i for i, p in enumerate(profiles) if p.name == second),
                "name",
                same_names_sentence(first, second),
            )
            return None
        return profiles

    @contextlib.contextmanager
    def _busy(self) -> Iterator[None]:
        """The profiles and the buttons off while a save waits on the file or the keyring (an
        edit then would not be saved, a second click would save twice); the keyboard back
        where it was after."""
        focused = self.focusWidget()
        self.connections_page.setEnabled(False)
        self.buttons.setEnabled(False)
        self._busy_depth += 1
        try:
            yield
        finally:
            self._busy_depth -= 1
            self.connections_page.setEnabled(True)
            self.buttons.setEnabled(True)
            if focused is not None and focused.isEnabled() and not focused.hasFocus():
                focused.setFocus(Qt.FocusReason.OtherFocusReason)
            if self._busy_depth == 0 and self._unsaid is not None:
                text, self._unsaid = self._unsaid, None
                self._refusal.say(text)

    def _refused_key(self) -> str | None:
        """The first typed key that breaks its rule: its profile is shown, the field focused and
        its error under it; the sentence for the dialog's error line. None when all are fine."""
        for index, draft in enumerate(self._drafts):
            if draft.kind is ProfileKind.SANDBOX:
                continue
            for service, rule in KEY_RULES.items():
                typed = draft.keys.get(service)
                problem = rule(typed) if typed else None
                if problem is not None:
                    self.profile_list.setCurrentRow(index)
                    self.key_fields[service].setFocus()
                    self.form.scroll_to(self.key_errors[service])
                    name = draft.values.get("name") or "A profile"
                    return f"{name}: {KEY_TITLES[service]}: {problem}"
        return None

    def _show_key_refused(self, index: int, service: str, sentence: str) -> None:
        """Why the key of the profile at ``index`` may not go where the save would put it:
        the profile shown, the key's field focused and the words under it."""
        self.profile_list.setCurrentRow(index)
        self.key_fields[service].setFocus()
        self.form.show_key_error(service, sentence)
        self.form.scroll_to(self.key_errors[service])
        name = self._drafts[index].values.get("name")
        self._show_error(f"{name}: {sentence}" if name else sentence)

    def _show_key_error(self, service: str) -> None:
        """The typed key's own problem at its field, or nothing."""
        draft = self._shown_draft()
        if service not in self.key_errors or draft is None:
            return
        typed = draft.keys.get(service)
        self.form.show_key_error(service, KEY_RULES[service](typed) if typed else None)

    @property
    def settings(self) -> AppSettings:
        return self._settings

    def _fail_on(self, index: int, field_name: str, sentence: str) -> None:
        """In words ("Give the profile a name"), the profile shown, its field focused and the
        words under it; the dialog's error line says which profile."""
        self.profile_list.setCurrentRow(index)
        editor = self.name_edit if field_name == "name" else self.editors.get(field_name)
        if editor is not None:
            editor.setFocus()
        self.form.show_field_error(field_name, sentence)  # said by the field, as it is focused
        name = self._drafts[index].values.get("name")
        self._show_error(f"{name}: {sentence}" if name else sentence)

    def _fail(self, text: str) -> None:
        """A refusal (or a warning) naming no field: on the error line, and said where the
        keyboard is, once a save waiting on the file or the keyring has put it back."""
        self._show_error(text)
        if self._busy_depth:
            self._unsaid = text
        else:
            self._refusal.say(text)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _ok(self) -> None:
        self._spawn(self._save_and_close())

    async def _save_and_close(self) -> None:
        # Saved with a warning (a key kept for this session only): open, for it to be read.
        if await self.save_changes() is not None and self.save_warning is None:
            self.accept()

    # -- profiles ----------------------------------------------------------------------------

    def _index_of(self, name: str) -> int:
        for index, draft in enumerate(self._drafts):
            if draft.values.get("name") == name:
                return index
        return 0

    def _refresh_list(self, *, select: int) -> None:
        self.profile_list.blockSignals(True)
        self.profile_list.clear()
        for draft in self._drafts:
            self.profile_list.addItem(str(draft.values.get("name") or "(unnamed)"))
        self.profile_list.blockSignals(False)
        self.profile_list.setCurrentRow(max(0, min(select, len(self._drafts) - 1)))

    def _active_draft(self) -> Draft | None:
        """The profile "Connect with profile" names, as the draft itself: followed by its
        name's text, it was lost while that name was cleared to be typed again, and OK
        reconnected to the Sandbox (the first profile) in demo mode."""
        found = self.active_combo.currentData()
        return found if isinstance(found, Draft) else None

    def _refresh_active(self, active: Draft | None = None) -> None:
        """The combo's names afresh, ``active`` (by default the one it shows) chosen; the
        first profile when that one is gone."""
        if active is None:
            active = self._active_draft()
        self.active_combo.blockSignals(True)
        self.active_combo.clear()
        for draft in self._drafts:
            self.active_combo.addItem(str(draft.values.get("name") or ""), draft)
        found = next((i for i, d in enumerate(self._drafts) if d is active), 0)
        self.active_combo.setCurrentIndex(found)
        self.active_combo.blockSignals(False)

    def _unique_name(self, base: str) -> str:
        """``base``, numbered if a profile has it, in any capitals."""
        return unique_name(base, (str(d.values.get("name") or "") for d in self._drafts))

    def add_profile(self) -> None:
        self._commit_current()
        values = ConnectionProfile(name="New profile").model_dump(mode="json")
        values["name"] = self._unique_name("Custom")
        del values["data_file"]  # its own, made from the name it is saved with
        self._drafts.append(Draft(values=values, stored_name=None))
        self._refresh_list(select=len(self._drafts) - 1)
        self._refresh_active()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def duplicate_profile(self) -> None:
        self._commit_current()
        if self._current < 0:
            return
        source = self._drafts[self._current]
        # A copy of the options, never of the orders (data_file); nor of a newer desk's options
        # kept with the source: not shown here, they may be that account's own.
        known = ConnectionProfile.model_fields.keys() - {"data_file"}
        values = {k: v for k, v in source.values.items() if k in known}
        values["kind"] = ProfileKind.CUSTOM.value
        values["name"] = self._unique_name(f"{source.values.get('name')} copy")
        self._drafts.append(Draft(values=values, stored_name=None))
        self._refresh_list(select=len(self._drafts) - 1)
        self._refresh_active()

    def remove_profile(self) -> None:
        """Remove the profile shown (Cancel undoes it until saved). A saved profile whose
        data file still has steps or files to send goes only once the coordinator says so:
        removed, its keys are forgotten, and they would never be sent."""
        draft = self._shown_draft()
        if draft is None or draft.kind is not ProfileKind.CUSTOM:
            return  # the built-in profiles stay
        saved = next((p for p in self._settings.profiles if p.name == draft.stored_name), None)
        if saved is None:  # never saved: it has no data file
            self._remove(draft)
            return
        self.remove_button.setEnabled(False)  # one question at a time
        self._spawn(self._remove_asked(draft, saved))

    async def _remove_asked(self, draft: Draft, saved: ConnectionProfile) -> None:
        try:
            # Apply and OK off meanwhile, as during a save: a save started then had the draft
            # taken from under it as the answer came, and failed without a word.
            with self._busy():
                work = await asyncio.to_thread(waiting_for, saved)
                if work is not None and work.nothing:
                    self._remove(draft)
                    return
            name = saved.name
            if work is None:
                text = f"What “{name}” still has to send could not be read from its data file."
            else:
                text = f"“{name}” still has {work.in_words()}."
            if await confirm(
                self,
                "Remove the profile?",
                text,
                informative=(
                    "Removed, they are never sent: its keys are forgotten when you save, and a "
                    "profile added later starts a data file of its own. Keep the profile, "
                    "connected, until they are sent."
                ),
                ok_text="Remove anyway",
                cancel_text="Keep the profile",
            ):
                self._remove(draft)
        finally:
            shown = self._shown_draft()
            if shown is not None:
                self._offer_remove(shown.kind)
            else:
                self.remove_button.setEnabled(False)

    def _offer_remove(self, kind: ProfileKind) -> None:
        """Remove, on for a profile of the coordinator's own; off for a built-in one, saying
        why (it was greyed without a word)."""
        custom = kind is ProfileKind.CUSTOM
        self.remove_button.setEnabled(custom)
        self.remove_button.setToolTip(REMOVE_TIP if custom else BUILT_IN_STAYS)

    def _remove(self, draft: Draft) -> None:
        at = next((i for i, d in enumerate(self._drafts) if d is draft), None)
        if at is None:
            return  # gone meanwhile
        if self._shown_draft() is not draft:
            self._commit_current()  # another profile shown meanwhile: what was typed in it stays
        self._drafts.pop(at)
        self._current = -1
        self._refresh_list(select=len(self._drafts) - 1)
        self._refresh_active()  # the removed one active: the first profile is

    def _select(self, row: int) -> None:
        self._commit_current()
        self._hide_field_errors()  # they were said of the profile shown until now
        self._current = row
        if row < 0 or row >= len(self._drafts):
            return
        draft = self._drafts[row]
        self.name_edit.setText(str(draft.values.get("name", "")))
        self.form.show_values(draft.values)
        for service, field_ in self.key_fields.items():
            field_.setText(draft.keys.get(service, ""))
            self._show_key_error(service)
        for label in self.verdict_labels.values():
            label.clear()
        self._apply_kind(draft.kind)
        for service, tested in self._testing.items():
            if tested is draft:  # back on a profile whose test is still out: one at a time
                self.test_buttons[service].setEnabled(False)
                self.verdict_labels[service].setText("Testing…")
        self._update_key_placeholders()

    def _apply_kind(self, kind: ProfileKind) -> None:
        self._offer_remove(kind)
        self.form.apply_kind(kind)

    def _commit_current(self) -> None:
        draft = self._shown_draft()
        if draft is None:
            return
        draft.values.update(self.form.typed_values(draft.kind))

    def _rename_current(self, text: str) -> None:
        draft = self._shown_draft()
        if draft is None:
            return
        draft.values["name"] = text.strip()
        for service in self.key_errors:  # "keys stored under this name" may be stale now
            self._show_key_error(service)
        item = self.profile_list.item(self._current)
        if item is not None:
            item.setText(text.strip() or "(unnamed)")
        self._refresh_active()  # under its new name, still the one chosen or not

    def _key_typed(self, service: str, text: str) -> None:
        self._refusal.clear()
        draft = self._shown_draft()
        if draft is not None:
            draft.keys[service] = text.strip()
            self._show_key_error(service)

    def _update_key_placeholders(self, *_args: object) -> None:
        draft = self._shown_draft()
        if draft is None:
            return
        for service, field_ in self.key_fields.items():
            # From what the worker thread read: a keyring asked here froze the window.
            if not draft.stored_name or draft.kind is ProfileKind.SANDBOX:
                text = STORAGE_PLACEHOLDERS[Storage.NONE]
            elif self.key_places is None:
                text = CHECKING_PLACEHOLDER
            else:
                text = STORAGE_PLACEHOLDERS[self.key_places.of(draft.stored_name, service)]
            field_.setPlaceholderText(text)

    # -- test connection ---------------------------------------------------------------------

    def start_test(self, service: str) -> None:
        """Run the probe in a task (the dialog stays responsive); the verdict fills the label."""
        self._spawn(self.run_test(service))

    async def run_test(self, service: str) -> ConnectionVerdict | None:
        self._commit_current()
        draft = self._shown_draft()
        if draft is None:
            return None
        button, label = self.test_buttons[service], self.verdict_labels[service]
        typed = draft.keys.get(service)
        stored_under = None if typed else self._stored_key_name(draft, service)
        address = str(draft.values[address_field(service)])
        username = draft.values.get("berke_username") or None
        # The keyboard waits on the verdict's line, and comes back to the button: disabled
        # with the focus, the button handed it to the next field, the Berke address, and what
        # was typed next went into it.
        parked = button.hasFocus()
        if parked:
            label.setFocus(Qt.FocusReason.OtherFocusReason)
        button.setEnabled(False)
        tint(label, None)
        label.setText("Testing…")
        self._testing[service] = draft
        try:
            key: SecretStr | str | None = typed
            unread: str | None = None
            if stored_under is not None:  # the keyring, from a worker thread
                key = await KEYRING.run(_get_afresh, self._keys, stored_under, service)
                places = self.key_places
                if key is None and places and places.of(stored_under, service) is Storage.KEYRING:
                    unread = await KEYRING.run(_why_unreadable, self._keys)
            if unread is not None:
                # Locked since the dialog opened, say: "Enter the key first" was wrong (the
                # field said it is saved in the keyring).
                which = Service.SMARTRECRUITERS if service == SR_KEY else Service.BERKE
                said = f"The saved key could not be read from the system keyring. {unread}"
                verdict = ConnectionVerdict(which, Verdict.NO_KEY, said)
            elif service == SR_KEY:
                verdict = await probe_smartrecruiters(address, key or "")
            else:
                verdict = await probe_berke(address, key or "", username=username)
        finally:
            if self._testing.get(service) is draft:
                del self._testing[service]
            # Another profile shown meanwhile: its own form set the button and label, and this
            # verdict is not about it.
            shown = self._shown_draft() is draft
            if shown:
                button.setEnabled(True)
                if parked and label.hasFocus():
                    button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.last_verdicts[service] = verdict
        if shown:
            label.setText(("✔ " if verdict.ok else "✘ ") + verdict.message)
            tint(label, SETTINGS_OK if verdict.ok else SETTINGS_ERROR)
        return verdict

    def _stored_key_name(self, draft: Draft, service: str) -> str | None:
        """The name the profile's key is stored under, for the address it was saved for only:
        typed over with another address, that address gets no key unless one is typed for
        it."""
        saved = self._settings.profile(draft.stored_name) if draft.stored_name else None
        if saved is None:
            return None
        typed = str(draft.values.get(address_field(service)) or "")
        # The save's rule (``key_left_behind``): tested here with no key, a path changed on the
        # same server was then saved to be sent the key all the same.
        return draft.stored_name if saved_key_may_go(saved, service, typed) else None

    def _shown_draft(self) -> Draft | None:
        return self._drafts[self._current] if 0 <= self._current < len(self._drafts) else None

    def _typed(self) -> list[Any]:
        """What the coordinator may have changed, for the discard guard to compare with what
        ``load()`` read: copies (the drafts change in place), kept in memory only, typed keys
        among them. A key typed and then cleared is no change."""
        self._commit_current()
        return [
            self.active_combo.currentIndex(),
            self.file_opt_in.isChecked(),
            [
                (copy.deepcopy(draft.values), {s: key for s, key in draft.keys.items() if key})
                for draft in self._drafts
            ],
        ]

    def _unsent_marketplace(self) -> str:
        """Words for the Marketplace values typed and not saved ("" when there are none): what
        the discard guard's question drops with the profiles."""
        unsaved = self.marketplace_page.unsaved()
        if not unsaved:
            return ""
        return (
            f"{names_of_settings(unsaved)}, typed on the Marketplace configuration page, "
            f"{'is' if len(unsaved) == 1 else 'are'} not saved: each Marketplace setting is "
            "sent by its own Save button, not by OK or Apply."
        )

    def _is_saving(self) -> bool:
        """A save is under way: a close then waits for it (``done``), and loses nothing."""
        return self._saving

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # opened, not restored by the window manager
            self.marketplace_page.load()

    def done(self, result: int) -> None:
        """Closing never drops a Marketplace setting typed and not saved unasked: they are sent
        by their own Save buttons, not by OK. Esc, Cancel, the window's X and the app quitting
        ask through the discard guard (its one question names them); OK and the program's
        ``reject()`` are asked here."""
        if self._saving:
            # Closed (Esc, the window's X) while a save waits on the file or the keyring: it
            # closes once the keys are stored, never with them half moved. Said, in case the
            # keyring is waiting on its unlock prompt.
            self._close_when_saved = result
            self._fail(WAITING_FOR_THE_KEYRING)
            return
        self._close_when_saved = None
        unsaved = self.marketplace_page.unsaved()
        # Discard, answered to the guard's question, was said of these values too.
        if unsaved and not self._leaving_unsaved and not self.discard_guard.discarded:
            self._spawn(self._close_asked(result, unsaved))
            return
        for task in list(self._tasks):
            task.cancel()
        self.marketplace_page.cancel_tasks()
        super().done(result)

    def _close_as_asked(self) -> None:
        result, self._close_when_saved = self._close_when_saved, None
        if result is not None:  # not closed otherwise since (OK's accept)
            self.done(result)

    async def _close_asked(self, result: int, unsaved: list[str]) -> None:
        if await confirm(
            self,
            "Marketplace settings not saved",
            f"{names_of_settings(unsaved)} typed on the Marketplace configuration page "
            f"{'is' if len(unsaved) == 1 else 'are'} not saved.",
            informative="Each Marketplace setting is sent by its own Save button; OK and Apply "
            "do not send them. Close without saving to drop what you typed.",
            ok_text="Close without saving",
            cancel_text="Go back",
        ):
            self._leaving_unsaved = True
            self.done(result)
        else:
            self.pages.setCurrentWidget(self.marketplace_page)

    def _spawn(self, coro: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Wait until the work started in the dialog has ended (closing cancels it): the
        dialog is deleted only then, its tasks' last steps still use its widgets."""
        await until_ended(self._tasks)
        await self.marketplace_page.wait_idle()
