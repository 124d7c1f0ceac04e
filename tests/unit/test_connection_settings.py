"""Profiles, the settings file, the key store (keyring, session-only, opted-in file)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import pytest
from pydantic import SecretStr, ValidationError

from app.domain.connection import (
    BERKE_PRODUCTION_URL,
    PRODUCTION_PROFILE,
    SANDBOX_PROFILE,
    SR_PRODUCTION_URL,
    AppSettings,
    ConnectionProfile,
    Credentials,
    ProfileKind,
    berke_token_problem,
    data_file_name,
    sr_key_problem,
)
from app.domain.journal import CommentStep
from app.store.credentials import (
    BERKE_TOKEN,
    SR_KEY,
    KeyringStatus,
    KeyStore,
    Storage,
    keyring_service,
    keyring_status,
)
from app.store.database import Database, data_file_path
from app.store.journal import Journal
from app.store.paths import default_config_dir
from app.store.settings_file import load_settings, read_settings, save_settings
from app.workflows.profile_data import KEPT_APART_FOR_KEYS, LEFT_UNSENT_FOR_KEYS
from app.workflows.session import author_of
from tests.integration.helpers import sandbox_answering
from tests.memory_keyring import (
    MemoryKeyring,
    UnreachableKeyring,
    installed_keyring,
    memory_keyring,
)

NO_KEYRING = KeyringStatus(False, "keyring.backends.fail.Keyring", "No keyring here.")


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


def test_builtin_profiles_are_always_there_and_sandbox_is_the_default() -> None:
    settings = AppSettings(profiles=[ConnectionProfile(name="Staging")], active="nowhere")
    assert [p.name for p in settings.profiles] == [SANDBOX_PROFILE, PRODUCTION_PROFILE, "Staging"]
    assert settings.active == SANDBOX_PROFILE
    assert settings.active_profile.is_sandbox


def test_production_keeps_the_published_addresses() -> None:
    profile = ConnectionProfile(
        name="Production", kind=ProfileKind.PRODUCTION, sr_base_url="https://evil.example"
    )
    assert profile.sr_base_url == SR_PRODUCTION_URL
    assert profile.berke_base_url == BERKE_PRODUCTION_URL


def test_fields_carry_what_the_dialog_is_built_from() -> None:
    fields = ConnectionProfile.model_fields
    assert fields["poll_interval_seconds"].title
    bounds = {type(m).__name__: m for m in fields["berke_burst"].metadata}
    assert bounds["Ge"].ge == 1
    defaults = ConnectionProfile(name="x")
    assert (defaults.berke_burst, defaults.berke_window_ms) == (120, 60_000)
    assert defaults.max_upload_bytes == 20 * 1024 * 1024
    with pytest.raises(ValidationError):
        ConnectionProfile(name="x", poll_interval_seconds=5)
    with pytest.raises(ValidationError):
        ConnectionProfile.model_validate({"name": "x", "result_flow": "sometimes"})


def test_empty_optional_text_is_absent() -> None:
    profile = ConnectionProfile(name=" Staging ", berke_username="  ", result_author="")
    assert (profile.name, profile.berke_username, profile.result_author) == ("Staging", None, None)


def test_author_of_splits_the_name() -> None:
    author = author_of(ConnectionProfile(name="x", result_author="Cora van Dijk"))
    assert author is not None
    assert (author.first_name, author.last_name) == ("Cora van", "Dijk")
    assert author_of(ConnectionProfile(name="x")) is None


def test_settings_round_trip_and_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_settings(path) == AppSettings()
    settings = AppSettings(
        profiles=[ConnectionProfile(name="Staging", berke_burst=60)], active="Staging"
    )
    save_settings(settings, path)
    assert load_settings(path) == settings
    path.write_text("{not json", encoding="utf-8")
    assert load_settings(path).active == SANDBOX_PROFILE


def test_keys_go_to_the_keyring_one_entry_per_profile_and_service(
    ring: MemoryKeyring, tmp_path: Path
) -> None:
    keys = KeyStore(file_path=tmp_path / "keys.json")
    assert keys.status.usable
    assert keys.set("Production", SR_KEY, SecretStr("s" * 64)) is Storage.KEYRING
    assert keys.set("Production", BERKE_TOKEN, "token-123456") is Storage.KEYRING
    assert ring.entries == {
        (keyring_service(), "Production/smartrecruiters"): "s" * 64,
        (keyring_service(), "Production/berke"): "token-123456",
    }
    creds = keys.credentials("Production")
    assert creds is not None
    assert creds.berke_api_token.get_secret_value() == "token-123456"
    assert keys.credentials("Staging") is None
    assert keys.where("Production", SR_KEY) is Storage.KEYRING
    keys.delete_profile("Production")
    assert ring.entries == {}
    assert not (tmp_path / "keys.json").exists()


def test_fail_backend_is_detected() -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        status = keyring_status()
    finally:
        keyring.set_keyring(previous)
    assert not status.usable
    assert "no usable keyring" in status.reason


def test_without_a_keyring_keys_live_for_the_session_only(tmp_path: Path) -> None:
    keys = KeyStore(status=NO_KEYRING, file_path=tmp_path / "keys.json")
    assert keys.set("Production", SR_KEY, "k" * 64) is Storage.SESSION
    assert keys.get("Production", SR_KEY) == SecretStr("k" * 64)
    assert keys.where("Production", SR_KEY) is Storage.SESSION
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere
    assert (
        KeyStore(status=NO_KEYRING, file_path=tmp_path / "keys.json").get("Production", SR_KEY)
        is None
    )  # a new process has forgotten it


def test_the_file_fallback_only_after_opting_in_and_private(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    keys = KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path)
    creds = Credentials(sr_partner_key=SecretStr("k" * 64), berke_api_token=SecretStr("t" * 40))
    assert keys.store_credentials("Staging", creds) is Storage.FILE
    assert json.loads(path.read_text())["Staging/berke"] == "t" * 40
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path)
    assert again.credentials("Staging") == creds
    assert KeyStore(status=NO_KEYRING, file_path=path).credentials("Staging") is None
    again.delete_profile("Staging")
    assert not path.exists()


def test_no_plain_copy_of_a_key_stays_in_the_file_once_not_wanted(
    ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: keys kept in the opted-in file stayed there in plain text after an opt-out, or
    once a keyring worked and they were stored in it."""
    path = tmp_path / "keys.json"
    earlier = KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path)
    earlier.set("Staging", SR_KEY, "k" * 64)
    earlier.set("Staging", BERKE_TOKEN, "t" * 20)
    # A keyring works now: a key stored again goes there, and leaves the file.
    keys = KeyStore(file_opt_in=True, file_path=path)
    assert keys.set("Staging", SR_KEY, "n" * 64) is Storage.KEYRING
    assert "Staging/smartrecruiters" not in json.loads(path.read_text())
    # Not wanted any more: the file goes, its keys move to the keyring.
    keys.leave_file()
    assert not path.exists()
    assert ring.entries[(keyring_service(), "Staging/berke")] == "t" * 20
    # Without a keyring, they are kept for the session only.
    path.write_text(json.dumps({"Other/berke": "o" * 10}))
    without = KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path)
    without.leave_file()
    assert not path.exists()
    assert without.where("Other", BERKE_TOKEN) is Storage.SESSION
    # A file that cannot be read as keys is not deleted: its keys would be lost unsaid.
    path.write_text("{not json")
    without.leave_file()
    assert path.read_text() == "{not json"


@pytest.mark.parametrize("refused", ["both", "token"])
def test_configure_never_says_saved_when_the_keyring_refused_the_keys(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    refused: str,
) -> None:
    """Before: "Saved … its keys to the system keyring", exit 0, while the keys were kept by
    that process only (gone as it ended). A keyring that took the first key and refused the
    second is said as it is."""
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import PasswordSetError

    from app import configure

    class Refusing(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            if refused == "both" or username.endswith("/berke"):
                raise PasswordSetError("locked")

        def delete_password(self, service: str, username: str) -> None:
            return None

    previous = keyring.get_keyring()
    keyring.set_keyring(Refusing())
    try:
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
        answers = iter(["Production", ""])
        secrets_typed = iter(["p" * 64, "berke-token-3"])
        monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
        monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
        assert configure.configure_interactively(KeyStore()) == 1
    finally:
        keyring.set_keyring(previous)
    said = capsys.readouterr().out
    assert "did not keep the keys" in said
    assert "Saved" not in said
    assert ("It took the new SmartRecruiters key" in said) is (refused == "token")
    from app.store.paths import settings_path

    assert not settings_path().exists()


class LockableKeyring(MemoryKeyring):
    """A keyring the coordinator's session locks and unlocks (a screen lock, its timeout)."""

    locked = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.locked:
            from keyring.errors import KeyringLocked

            raise KeyringLocked("locked")
        return super().get_password(service, username)


def test_a_keyring_locked_once_is_asked_again_once_unlocked() -> None:
    """Found locked once, it was never asked again in this run: after the coordinator
    unlocked it (as the settings asked), a profile switch still said "no keys" (demo mode)
    and new keys stayed in the session."""
    import keyring

    previous = keyring.get_keyring()
    ring = LockableKeyring()
    keyring.set_keyring(ring)
    try:
        ring.entries[(keyring_service(), "Acme/smartrecruiters")] = "a" * 64
        ring.entries[(keyring_service(), "Acme/berke")] = "berke-token-1"
        keys = KeyStore()
        assert keys.status.usable
        ring.locked = True
        assert keys.credentials("Acme") is None
        assert not keys.status.usable  # said: locked
        ring.locked = False  # unlocked
        found = keys.credentials("Acme")  # a session opening asks again
        assert found is not None
        assert found.sr_partner_key.get_secret_value() == "a" * 64
        assert keys.status.usable
        assert keys.set("Acme", BERKE_TOKEN, "berke-token-2") is Storage.KEYRING
        ring.locked = True
        assert keys.credentials("Acme") is None  # still locked: said so again
        assert not keys.status.usable
    finally:
        keyring.set_keyring(previous)


def test_a_keyring_raising_what_keyring_does_not_wrap_is_unreachable_not_a_crash() -> None:
    """Such an exception escaped the key store: the start ended ("could not start:
    DBUS_SESSION_BUS_ADDRESS is unset") and Settings stayed "checking the keyring…", where a
    locked keyring falls back to no keys and keys kept for the session."""
    with installed_keyring(UnreachableKeyring()):
        keys = KeyStore()
        assert keys.status.usable  # the backend was chosen while the bus was there
        assert keys.credentials(PRODUCTION_PROFILE) is None  # what the start awaits
        assert not keys.status.usable
        assert keys.status.reason == "The keyring could not be reached (BackendGoneError)."
        keys.look_again()  # a later set asks it again, and falls back again
        assert keys.set(PRODUCTION_PROFILE, SR_KEY, "k" * 64) is Storage.SESSION
        assert "k" * 64 not in keys.status.reason  # only the type is named, never its words
        keys.look_again()
        keys.delete(PRODUCTION_PROFILE, SR_KEY)
        assert not keys.status.usable


def test_a_store_found_without_a_keyring_is_not_made_to_look_for_one() -> None:
    keys = KeyStore(status=KeyringStatus(False, "keyring.backends.fail.Keyring", "None here."))
    keys.look_again()
    assert not keys.status.usable
    assert keys.status.reason == "None here."


def test_configure_from_a_terminal_saves_a_profile_and_its_keys(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    answers = iter(["Staging", "https://sr.staging.example/v1", "", "coordinator"])
    secrets_typed = iter(["p" * 64, "berke-token-3"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
    assert configure.configure_interactively(KeyStore()) == 0
    settings = load_settings()
    assert settings.active == "Staging"
    assert settings.active_profile.berke_username == "coordinator"
    assert settings.active_profile.sr_base_url == "https://sr.staging.example/v1"
    assert ring.entries[(keyring_service(), "Staging/berke")] == "berke-token-3"
    assert "berke-token-3" not in (tmp_path / "config" / "settings.json").read_text()


def test_configure_takes_a_name_in_other_capitals_for_the_profile_of_that_name(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """ "staging" beside "Staging" was saved as a second profile: the settings dialog then
    refused every OK (two names that differ only in capitals), and on a case-blind keyring
    (Windows) the new keys were written over Staging's."""
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    staging = ConnectionProfile(name="Staging", sr_base_url="https://sr.staging.example/v1")
    save_settings(AppSettings(profiles=[staging]))
    answers = iter(["staging", "", "", "coordinator"])  # its addresses kept, a user added
    secrets_typed = iter(["p" * 64, "berke-token-3"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
    assert configure.configure_interactively(KeyStore()) == 0
    assert "“staging” is the profile “Staging”" in capsys.readouterr().out
    settings = load_settings()
    assert [p.name for p in settings.profiles if p.name.lower() == "staging"] == ["Staging"]
    assert settings.active == "Staging"
    assert settings.active_profile.berke_username == "coordinator"
    assert settings.active_profile.data_file == staging.data_file  # its orders, kept
    assert ring.entries[(keyring_service(), "Staging/berke")] == "berke-token-3"


KEY_A, TOKEN_A = "a" * 64, "token-of-account-a"
KEY_B, TOKEN_B = "b" * 64, "token-of-account-b"


def test_a_second_desk_home_never_replaces_the_first_desks_keys(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two desks in folders of their own (ASSESSMENT_DESK_HOME) shared one keyring service,
    "assessment-desk", entry "<profile>/<service>" whatever the folder: a "Staging" set up in
    the second desk (``--configure`` refuses only a desk on its own folder) wrote over the
    first desk's, which then sent account B's key to its own server, with its own data."""
    from app import configure
    from app.workflows.session import open_session

    home_a, home_b = tmp_path / "desk-a", tmp_path / "desk-b"
    with (
        sandbox_answering(sr_key=KEY_A, berke_token=TOKEN_A, orders=3) as server_a,
        sandbox_answering(sr_key=KEY_B, berke_token=TOKEN_B, orders=3) as server_b,
    ):
        # Desk A: "Staging" on server A, with A's keys.
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(home_a))
        staging_a = ConnectionProfile(
            name="Staging", sr_base_url=server_a.sr_base_url, berke_base_url=server_a.berke_base_url
        )
        save_settings(AppSettings(profiles=[staging_a], active="Staging"))
        KeyStore().store_credentials(
            "Staging", Credentials(sr_partner_key=KEY_A, berke_api_token=TOKEN_A)
        )

        # A second desk, in a folder of its own, sets up its own "Staging" on server B.
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(home_b))
        answers = iter(["Staging", server_b.sr_base_url, server_b.berke_base_url, ""])
        typed = iter([KEY_B, TOKEN_B])
        monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
        monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(typed))
        assert configure.configure_interactively(KeyStore()) == 0

        # Desk A starts again: its profile, its keys, its server.
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(home_a))
        profile = load_settings().active_profile
        assert profile.sr_base_url == server_a.sr_base_url
        credentials = KeyStore().credentials("Staging")
        assert credentials is not None
        sent = credentials.sr_partner_key.get_secret_value()
        assert sent == KEY_A, "desk A now sends desk B's partner key to server A"

        async def listing() -> int:
            session = open_session(profile, credentials)
            try:
                return len((await session.sr.list_orders()).content)
            finally:
                await session.aclose()

        assert asyncio.run(listing()) == 3


def test_a_throwaway_desk_forgets_only_its_own_keys(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removing a profile in a throwaway folder deleted the real desk's keys of that name, and
    the built-in Production profile's keys were always one pair for every desk."""
    monkeypatch.delenv("ASSESSMENT_DESK_HOME")
    real = KeyStore()
    real.store_credentials(
        PRODUCTION_PROFILE, Credentials(sr_partner_key=KEY_A, berke_api_token=TOKEN_A)
    )
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path / "try"))
    throwaway = KeyStore()
    assert throwaway.credentials(PRODUCTION_PROFILE) is None  # not the real desk's
    throwaway.store_credentials(
        PRODUCTION_PROFILE, Credentials(sr_partner_key=KEY_B, berke_api_token=TOKEN_B)
    )
    throwaway.delete_profile(PRODUCTION_PROFILE)
    kept = real.credentials(PRODUCTION_PROFILE)
    assert kept is not None
    assert kept.sr_partner_key.get_secret_value() == KEY_A


def test_the_desk_in_the_default_folder_finds_the_keys_stored_before_desks_had_their_own(
    ring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its keys stay under "assessment-desk", as every key was stored: none to move."""
    monkeypatch.delenv("ASSESSMENT_DESK_HOME")
    assert keyring_service() == "assessment-desk"
    assert keyring_service(default_config_dir()) == "assessment-desk"
    ring.entries[("assessment-desk", "Production/berke")] = TOKEN_A
    found = KeyStore().get(PRODUCTION_PROFILE, BERKE_TOKEN)
    assert found is not None
    assert found.get_secret_value() == TOKEN_A


def test_two_desk_folders_keep_their_keys_under_two_services(tmp_path: Path) -> None:
    first = keyring_service(tmp_path / "desk-a" / "config")
    second = keyring_service(tmp_path / "desk-b" / "config")
    assert first != second
    assert "assessment-desk" not in {first, second}
    assert first.startswith("assessment-desk:")


def test_one_folder_spelled_two_ways_is_one_keyring_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trailing slash, a ``..`` or a link to the folder is the same desk, with the same keys."""
    home = tmp_path / "desk"
    (home / "config").mkdir(parents=True)
    link = tmp_path / "link-to-desk"
    link.symlink_to(home, target_is_directory=True)
    services = set()
    for spelling in (str(home), f"{home}/", f"{tmp_path}/other/../desk", str(link)):
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", spelling)
        services.add(keyring_service())
    assert services == {keyring_service(home / "config")}


def test_configure_gives_a_profile_moved_to_another_server_a_data_file_of_its_own(
    ring: MemoryKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the moved profile kept its data file, and the desk showed the first account's
    orders as the new one's. With nothing waiting to be sent there, nothing is asked."""
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    Database(data_file_path(data_file_name(acme))).close()  # its orders, nothing to send
    answers = iter(["Acme", "https://sr.other.example/v1", "", ""])
    secrets_typed = iter(["p" * 64, "berke-token-3"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
    assert configure.configure_interactively(KeyStore()) == 0
    moved = load_settings().active_profile
    assert moved.sr_base_url == "https://sr.other.example/v1"
    assert moved.data_file != acme.data_file
    assert moved.data_file.startswith("acme-")


@pytest.mark.parametrize("answer", ["n", "", EOFError], ids=["no", "enter", "ctrl-d"])
def test_configure_moving_a_profile_with_a_step_waiting_changes_nothing_unless_told(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str | type[EOFError],
) -> None:
    """Before: the profile was moved without a word, its data file with it, and the waiting
    step was sent to the new server with the new account's key."""
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    db = Database(data_file_path(data_file_name(acme)))
    Journal(db).begin("o-1", CommentStep(message="Called the candidate"))
    db.close()
    answers = iter(["Acme", "https://sr.other.example/v1", "", "", answer])

    def typed(_prompt: str) -> str:
        given = next(answers)
        if not isinstance(given, str):
            raise given
        return given

    monkeypatch.setattr("builtins.input", typed)
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: pytest.fail("asked"))
    assert configure.configure_interactively(KeyStore()) == 1
    said = capsys.readouterr().out
    assert "“Acme” still has 1 step waiting to be sent, for sr.acme.example." in said
    assert said.endswith("Nothing was changed.\n")
    assert load_settings().profile("Acme") == acme
    assert ring.entries == {}


def test_configure_moving_a_profile_whose_data_file_cannot_be_read_asks_first(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    not_a_data_file = data_file_path(data_file_name(acme))
    not_a_data_file.parent.mkdir(parents=True)
    not_a_data_file.write_bytes(b"%PDF-1.4 not a database")
    answers = iter(["Acme", "https://sr.other.example/v1", "", "", "y"])
    secrets_typed = iter(["p" * 64, "berke-token-3"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
    assert configure.configure_interactively(KeyStore()) == 0
    assert "could not be read from its file" in capsys.readouterr().out
    assert load_settings().active_profile.data_file != acme.data_file


def _used_by_account_a(profile: ConnectionProfile, *, waiting: bool) -> Path:
    """``profile``'s data file as account A left it: one cached order, and a step waiting to
    be sent when ``waiting``. Its keys, A's, in the keyring."""
    from app.domain.smartrecruiters import AssessmentOrder
    from app.store.order_cache import OrderCache

    KeyStore().set(profile.name, SR_KEY, SecretStr(KEY_A))
    KeyStore().set(profile.name, BERKE_TOKEN, SecretStr(TOKEN_A))
    path = data_file_path(data_file_name(profile))
    db = Database(path)
    order = {"id": "order-of-a", "status": "NEW", "candidate": {"id": "c1", "firstName": "Ana"}}
    OrderCache(db).merge([AssessmentOrder.model_validate(order)])
    if waiting:
        Journal(db).begin("order-of-a", CommentStep(message="Called the candidate"))
    db.close()
    return path


def _configure_with(
    monkeypatch: pytest.MonkeyPatch, answers: list[str], secrets: tuple[str, str]
) -> int:
    from app import configure

    given, typed = iter(answers), iter(secrets)
    monkeypatch.setattr("builtins.input", lambda _prompt: next(given))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(typed))
    status = configure.configure_interactively(KeyStore())
    assert next(given, None) is None, "an answer was never asked for"
    return status


def test_configure_with_another_accounts_keys_gives_the_profile_a_data_file_of_its_own(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: account B's keys were stored on "Acme" without a word, its data file kept: the
    next start showed account A's orders on B's board (flagged gone) and resumed A's waiting
    steps against B (a waiting create failed for good). Now the coordinator is asked, and
    another account's keys start a data file of their own; A's step waits in the old one."""
    from app.store.waiting_work import WaitingWork, waiting_in

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    old_file = _used_by_account_a(acme, waiting=True)
    assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_B)) == 0
    said = capsys.readouterr().out
    assert (
        "“Acme” keeps 1 order and 1 step waiting to be sent of the account it used at "
        "sr.acme.example."
    ) in said
    assert LEFT_UNSENT_FOR_KEYS in said
    saved = load_settings().active_profile
    assert saved.sr_base_url == acme.sr_base_url
    assert saved.data_file != acme.data_file
    assert saved.data_file.startswith("acme-")
    assert KeyStore().get("Acme", SR_KEY) == SecretStr(KEY_B)
    assert waiting_in(old_file) == WaitingWork(steps=1)  # left where it was, unsent


@pytest.mark.parametrize("answer", ["", "s", "Same"], ids=["enter", "s", "same"])
def test_configure_with_renewed_keys_keeps_the_profiles_orders(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
) -> None:
    """The common case: the keys expired and the same account's new ones are typed. Enter
    keeps the data file, orders and steps; a file that keeps nothing is not asked about."""
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    empty = ConnectionProfile(name="Empty", sr_base_url="https://sr.empty.example/v1")
    save_settings(AppSettings(profiles=[acme, empty]))
    KeyStore().set("Empty", SR_KEY, SecretStr(KEY_A))
    KeyStore().set("Empty", BERKE_TOKEN, SecretStr(TOKEN_A))
    Database(data_file_path(data_file_name(empty))).close()  # nothing cached, nothing waits
    assert _configure_with(monkeypatch, ["Empty", "", "", ""], (KEY_B, TOKEN_B)) == 0
    assert "same account" not in capsys.readouterr().out.lower()
    _used_by_account_a(acme, waiting=False)
    assert _configure_with(monkeypatch, ["Acme", "", "", "", answer], ("3" * 64, "new")) == 0
    said = capsys.readouterr().out
    assert "“Acme” keeps 1 order of the account it used at sr.acme.example." in said
    assert KEPT_APART_FOR_KEYS in said
    settings = load_settings()
    assert settings.profile("Acme") == acme  # its data file, kept
    assert settings.profile("Empty") == empty
    assert KeyStore().get("Acme", SR_KEY) == SecretStr("3" * 64)


def test_configure_with_the_stored_key_again_and_a_missing_token_asks_nothing(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: with its token lost (a keyring that refused it half way, as configure then
    says: "configure it again to store the token"), the profile's own key typed again beside
    a token asked "the same account, or another?", and "a" left its orders and waiting step
    behind in a data file of their own. Settings asks nothing then: no stored key is replaced,
    and the one stored is the very one typed. Now --configure agrees."""
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    _used_by_account_a(acme, waiting=True)
    KeyStore().delete("Acme", BERKE_TOKEN)
    prompts: list[str] = []
    given = iter(["Acme", "", "", ""])

    def asked(prompt: str) -> str:
        prompts.append(prompt)
        return next(given, "a")  # "another account", were it asked

    monkeypatch.setattr("builtins.input", asked)
    typed = iter([f"  {KEY_A} ", TOKEN_A])  # pasted with spaces around it: still the same key
    monkeypatch.setattr("app.configure.getpass.getpass", lambda _prompt: next(typed))
    from app import configure

    assert configure.configure_interactively(KeyStore()) == 0
    assert load_settings().profile("Acme") == acme  # its data file, kept
    assert "same account" not in capsys.readouterr().out.lower()
    assert not [p for p in prompts if "another account" in p]
    assert KeyStore().get("Acme", BERKE_TOKEN) == SecretStr(TOKEN_A)


def test_configure_refuses_another_accounts_keys_for_production_with_the_way_out(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Production keeps the desk's own data file whatever its settings say: another account
    there would share it. Nothing is changed; another profile's name is the way out."""
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    settings = AppSettings(active=PRODUCTION_PROFILE)
    save_settings(settings)
    production = settings.profile(PRODUCTION_PROFILE)
    assert production is not None
    _used_by_account_a(production, waiting=False)
    assert _configure_with(monkeypatch, [PRODUCTION_PROFILE, "", "a"], (KEY_B, TOKEN_B)) == 1
    said = capsys.readouterr().out
    assert "keeps the desk's own data file" in said
    assert "configure a profile of another name" in said
    assert said.endswith("Nothing was changed.\n")
    assert load_settings() == settings
    assert KeyStore().get(PRODUCTION_PROFILE, SR_KEY) == SecretStr(KEY_A)


class RefusesTheToken(MemoryKeyring):
    """Once ``armed``, refuses the next Berke token (locked between the two writes); and
    with ``for_good``, every write after it too (still locked)."""

    armed = False
    for_good = False
    refusing = False

    def set_password(self, service: str, username: str, password: str) -> None:
        from keyring.errors import PasswordSetError

        if self.armed and username.endswith("/berke"):
            self.armed, self.refusing = False, self.for_good
            raise PasswordSetError("locked")
        if self.refusing:
            raise PasswordSetError("locked")
        super().set_password(service, username, password)


def test_configure_puts_the_old_key_back_when_another_accounts_token_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: the keyring took account B's SmartRecruiters key, refused its token, and
    configure said "The profile was not saved" -- with B's key (A's gone) beside A's token
    and A's data file: the next start showed A's orders under B and resumed A's steps
    against B. Not saved now means not saved: A's key is put back."""
    with installed_keyring(RefusesTheToken()) as ring:
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
        acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
        save_settings(AppSettings(profiles=[acme]))
        _used_by_account_a(acme, waiting=True)
        ring.armed = True
        assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_B)) == 1
        said = capsys.readouterr().out
        assert "The profile was not saved" in said
        assert "the profile's keys are as they were" in said
        assert load_settings().profile("Acme") == acme
        assert KeyStore().get("Acme", SR_KEY) == SecretStr(KEY_A)
        assert KeyStore().get("Acme", BERKE_TOKEN) == SecretStr(TOKEN_A)


def test_configure_saves_a_key_the_keyring_will_not_give_back_with_its_own_data_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A keyring locked for good after it took B's key will not take A's back: the profile
    is saved with its data file of its own, so that B's key never meets A's orders."""
    with installed_keyring(RefusesTheToken()) as ring:
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
        acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
        save_settings(AppSettings(profiles=[acme]))
        _used_by_account_a(acme, waiting=True)
        ring.armed = ring.for_good = True
        assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_B)) == 1
        said = capsys.readouterr().out
        assert "refused the Berke token" in said
        assert "configure it again" in said
        assert "Saved profile" not in said
        saved = load_settings().profile("Acme")
        assert saved is not None
        assert saved.data_file != acme.data_file
        assert KeyStore().get("Acme", SR_KEY) == SecretStr(KEY_B)


def test_configure_that_cannot_write_the_settings_file_says_so_and_puts_the_keys_back(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: a read-only config folder ended in a traceback, account B's keys stored on
    the profile that still pointed at account A's data file."""
    from app.store import settings_file

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    path = save_settings(AppSettings(profiles=[acme]))
    _used_by_account_a(acme, waiting=True)

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(settings_file, "write_private_file", read_only)
    assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_B)) == 1
    said = capsys.readouterr().out
    assert f"The settings could not be saved to {path}: “Permission denied”." in said
    assert "Saved profile" not in said
    assert load_settings().profile("Acme") == acme
    assert KeyStore().get("Acme", SR_KEY) == SecretStr(KEY_A)
    assert KeyStore().get("Acme", BERKE_TOKEN) == SecretStr(TOKEN_A)


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("t", None),
        ("T" * 50, None),
        ("  " + "t" * 50 + "  ", None),  # trimmed, as the key store trims it
        ("t" * 51, "this one has 51"),
        ("p" * 64, "Is it the SmartRecruiters key?"),
        ("   ", "Required"),
    ],
)
def test_the_berke_token_is_1_to_50_characters(token: str, problem: str | None) -> None:
    found = berke_token_problem(token)
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found
        assert "1–50 characters" in found


@pytest.mark.parametrize(
    "token",
    ["abc123\nRegards", "abc\t123", "abc\r\n123", "abc\u00a0123", "abc\u202f123",
     "abc\u200b123", "abc\ufeff123", "abc\u2028123", "abc\x00123"],
    ids=["line-break", "tab", "crlf", "no-break-space", "narrow-no-break-space",
         "zero-width-space", "byte-order-mark", "line-separator", "control"],
)  # fmt: skip
def test_a_berke_token_with_a_break_or_an_invisible_character_inside_is_refused_in_words(
    token: str,
) -> None:
    """Pasted with the line after it, or copied from a web page: it was stored, and every
    call then failed as "invalid or inactive" with nothing to say why."""
    problem = berke_token_problem(token)
    assert problem is not None
    assert "paste it again" in problem


def test_a_berke_token_may_hold_an_ordinary_space() -> None:
    """Berke's rule is "1-50 characters, case-sensitive", nothing more; the token travels in
    a JSON body, where a space is no trouble: refused, a real token could not be saved."""
    assert berke_token_problem("abc 123") is None


def test_configure_refuses_a_token_over_50_characters_before_storing_anything(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    answers = iter(["Staging", "https://sr.staging.example/v1", "", ""])
    # The partner key pasted twice: the second time into Berke's field.
    secrets_typed = iter(["p" * 64, "p" * 64])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
    assert configure.configure_interactively(KeyStore()) == 2
    said = capsys.readouterr().out
    assert "Berke API token: Berke's API tokens are 1–50 characters; this one has 64." in said
    assert "Nothing was changed." in said
    assert ring.entries == {}
    assert load_settings().profile("Staging") is None


def test_configure_refuses_a_profile_name_over_60_characters_without_a_traceback(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: a new profile's name was checked (1-60 characters) outside the ``try`` that
    says a refused answer in words: a long name ended --configure in pydantic's traceback."""
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    name = "Berke staging for the Nordic coordinators (Oslo, Stockholm) 2027"  # 65 characters
    answers = iter([name, "https://sr.staging.example/v1", "", ""])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: "p" * 64)
    assert configure.configure_interactively(KeyStore()) == 2
    assert "at most 60 characters" in capsys.readouterr().out
    assert ring.entries == {}
    assert load_settings().profile(name) is None


@pytest.mark.parametrize("stop", [EOFError, KeyboardInterrupt], ids=["ctrl-d", "ctrl-c"])
@pytest.mark.parametrize("prompt", range(6))  # name, 2 addresses, user, 2 keys
def test_configure_left_at_a_prompt_says_nothing_was_changed(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *,
    stop: type[BaseException],
    prompt: int,
) -> None:
    """Before: Ctrl+D or Ctrl+C at any prompt of --configure ended it in a Python traceback."""
    from app import configure

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    typed = iter(["Staging", "https://sr.staging.example/v1", "", "", "p" * 64, "token-3"])
    asked = iter(range(6))

    def answer(_prompt: str) -> str:
        if next(asked) == prompt:
            raise stop
        return next(typed)

    monkeypatch.setattr("builtins.input", answer)
    monkeypatch.setattr(configure.getpass, "getpass", answer)
    assert configure.configure_interactively(KeyStore()) == 1
    assert capsys.readouterr().out.endswith("\nNothing was changed.\n")
    assert ring.entries == {}
    assert load_settings().profile("Staging") is None


@pytest.mark.parametrize(
    ("key", "sendable"),
    [("p" * 64, True), ("  " + "p" * 64 + " ", True), ("p" * 30 + "\u00a0" + "p" * 33, False),
     ("p" * 30 + "\u200b" + "p" * 33, False), ("p" * 30 + "\u2013" + "p" * 33, False),
     ("p" * 30 + " " + "p" * 33, False)],
    ids=["plain", "trimmed", "no-break-space", "zero-width-space", "en-dash", "inner-space"],
)  # fmt: skip
def test_the_partner_key_must_be_sendable_in_a_header(key: str, sendable: bool) -> None:
    """A no-break space or a dash copied from a web page: before, httpx failed on every request
    (the connection test gave no verdict, and a stored one stopped the app from starting)."""
    problem = sr_key_problem(key)
    assert (problem is None) is sendable
    if problem is not None:
        assert "paste it again" in problem


def _saved_file(path: Path, *profiles: Mapping[str, object], **beside: object) -> None:
    path.write_text(json.dumps({"profiles": list(profiles), **beside}), encoding="utf-8")


CLIENT_A = {
    "name": "Client A",
    "sr_base_url": "https://sr.client-a.example/v1",
    "berke_base_url": "https://berke.client-a.example/api",
}


def test_a_profile_saved_before_data_files_keeps_the_file_its_name_gave_it(
    tmp_path: Path,
) -> None:
    """Its cached orders and pending steps are in "…-client-a": a new file would hide them."""
    path = tmp_path / "settings.json"
    _saved_file(path, CLIENT_A, active="Client A")
    loaded = load_settings(path)
    profile = loaded.profile("Client A")
    assert profile is not None
    assert data_file_name(profile) == "client-a"
    renamed = profile.model_copy(update={"name": "Client A (EU)"})
    save_settings(loaded.model_copy(update={"profiles": [renamed]}), path)
    again = load_settings(path).profile("Client A (EU)")
    assert again is not None
    assert data_file_name(again) == "client-a"
    fresh = ConnectionProfile(name="Client A")
    assert data_file_name(fresh).startswith("client-a-")
    assert fresh.data_file != "client-a"


def test_a_data_file_that_is_not_a_plain_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        ConnectionProfile(name="x", data_file="../../elsewhere")


def test_one_value_this_version_refuses_leaves_out_that_profile_only_and_says_so(
    tmp_path: Path,
) -> None:
    """Before: every profile, the one in use and the key-file choice were replaced by the
    built-in ones, with a log line; the next OK in Settings wrote that over the file."""
    path = tmp_path / "settings.json"
    newer = {**CLIENT_A, "name": "Client B", "max_upload_mb": 250}  # a newer version's range
    _saved_file(path, CLIENT_A, newer, active="Client A", keys_file_opt_in=True)
    read = read_settings(path)
    assert [p.name for p in read.settings.profiles] == [SANDBOX_PROFILE, PRODUCTION_PROFILE,
                                                       "Client A"]  # fmt: skip
    assert read.settings.active == "Client A"
    assert read.settings.keys_file_opt_in is True
    assert read.problem is not None
    assert "the profile “Client B” (“Largest report to upload” takes 1 MB to 200 MB)" in (
        read.problem
    )
    copy = tmp_path / "settings.unreadable.json"
    assert f"kept at {copy}" in read.problem
    assert copy.read_bytes() == path.read_bytes()  # the next save may rewrite the file
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b"\xff\xfe\x00garbage", b"[" * 100_000],
    ids=["broken", "a-list", "not-utf8", "deep"],
)
def test_a_file_that_is_no_settings_at_all_keeps_the_key_file_choice_it_cannot_read(
    tmp_path: Path, content: bytes
) -> None:
    """The choice is lost with the file; taken as "no", the next OK in Settings moved the opted-in
    keys into this session's memory and deleted their file."""
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    read = read_settings(path)
    assert read.settings == AppSettings()
    assert read.problem is not None
    assert read.problem.startswith("The settings file could not")
    (tmp_path / "keys-unencrypted.json").write_text("{}", encoding="utf-8")
    assert read_settings(path).settings.keys_file_opt_in is True


def test_a_byte_order_mark_is_no_problem(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"profiles": [CLIENT_A]}).encode())
    read = read_settings(path)
    assert read.problem is None
    assert read.settings.profile("Client A") is not None


def test_a_huge_file_is_not_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b" " * (2 * 1024 * 1024))
    read = read_settings(path)
    assert read.settings == AppSettings()
    assert read.problem is not None
    assert "far larger" in read.problem


def test_configure_refuses_while_a_desk_runs_on_the_same_folder(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Before: it saved the new address and key under the running desk, whose connection (and
    whose next OK in Settings) went on with the old address, now under the new key."""
    from app import configure
    from app.store.instance_lock import InstanceLock
    from app.store.paths import data_dir, settings_path

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    monkeypatch.setattr("builtins.input", lambda _prompt: pytest.fail("asked while refused"))
    with InstanceLock(data_dir()):  # the desk
        assert configure.configure_interactively(KeyStore()) == 1
    said = capsys.readouterr().out
    assert "already running with this data folder" in said
    assert "Its File > Settings changes profiles too." in said
    with InstanceLock(data_dir(), role="assessment-desk --configure"):  # another terminal's
        assert configure.configure_interactively(KeyStore()) == 1
    said = capsys.readouterr().out
    assert said.startswith("assessment-desk --configure is using this data folder")
    assert "Settings" not in said  # no window to send anyone to
    assert not settings_path().exists()
    assert KeyStore().get(PRODUCTION_PROFILE, SR_KEY) is None


def test_a_settings_file_changed_by_another_program_is_not_written_over(tmp_path: Path) -> None:
    from app.store.settings_file import SettingsChangedElsewhereError, SettingsFile

    path = tmp_path / "settings.json"
    file = SettingsFile(path)
    assert file.read().settings == AppSettings()
    staging = ConnectionProfile(name="Staging", berke_burst=60)
    file.write(AppSettings(profiles=[staging]))  # its own writes it knows
    file.write(AppSettings(profiles=[staging], active="Staging"))
    moved = staging.model_copy(update={"sr_base_url": "https://sr.new.example/v1"})
    save_settings(AppSettings(profiles=[moved], active="Staging"), path)  # another program
    assert file.changed_elsewhere()
    with pytest.raises(SettingsChangedElsewhereError, match="changed by another program"):
        file.write(AppSettings(profiles=[staging], active="Staging"))
    assert load_settings(path).active_profile.sr_base_url == "https://sr.new.example/v1"
    assert file.read().settings.active_profile.sr_base_url == "https://sr.new.example/v1"
    file.write(AppSettings(profiles=[moved]))  # read again: its copy is the file's
    path.unlink()
    with pytest.raises(SettingsChangedElsewhereError):  # removed meanwhile
        file.write(AppSettings())


def _too_large_to_read(path: Path) -> bytes:
    """A settings file with a profile, padded past MAX_SETTINGS_BYTES (still valid JSON)."""
    save_settings(AppSettings(profiles=[ConnectionProfile(**CLIENT_A)], active="Client A"), path)
    saved = path.read_bytes()
    big = saved[:-1] + b" " * (1024 * 1024 + 10) + saved[-1:]
    path.write_bytes(big)
    return big


def test_a_settings_file_set_aside_is_put_back_when_the_save_then_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Renamed, then the new file could not be written (a full disk): no settings file was
    left, and the next start showed the built-in profiles without a word."""
    from app.store import settings_file

    path = tmp_path / "settings.json"
    big = _too_large_to_read(path)
    file = settings_file.SettingsFile(path)
    read = file.read()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(settings_file, "write_private_file", disk_full)
    with pytest.raises(OSError, match="No space"):
        file.write(read.settings)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]
    assert path.read_bytes() == big
    monkeypatch.undo()
    file.write(read.settings)  # still set aside when a save works
    assert (tmp_path / "settings.unreadable.json").read_bytes() == big


def test_a_settings_file_too_large_to_read_is_renamed_before_a_save_replaces_it(
    tmp_path: Path,
) -> None:
    """No copy can be made of what is not read: the next OK in Settings wrote the built-in
    profiles over it, and every profile it held was lost. A copy kept earlier stays too."""
    from app.store.settings_file import SettingsFile

    path = tmp_path / "settings.json"
    big = _too_large_to_read(path)
    (tmp_path / "settings.unreadable.json").write_text("an earlier copy")
    file = SettingsFile(path)
    read = file.read()
    assert read.problem is not None
    assert "rather than writing over it" in read.problem
    file.write(read.settings)
    assert (tmp_path / "settings.unreadable-2.json").read_bytes() == big
    assert (tmp_path / "settings.unreadable.json").read_text() == "an earlier copy"
    assert load_settings(path) == read.settings
    file.write(read.settings)  # its own file now: written over, nothing more set aside
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "settings.json",
        "settings.unreadable-2.json",
        "settings.unreadable.json",
    ]


def test_a_settings_file_that_could_not_be_opened_is_renamed_before_a_save_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not opened (its permissions set by hand, an ACL, a sharing violation on Windows): the
    built-in profiles were used, and the next OK in Settings wrote them over every saved one.
    A rename needs no permission to read the file."""
    import errno

    from app.store import settings_file

    path = tmp_path / "settings.json"
    save_settings(AppSettings(profiles=[ConnectionProfile(**CLIENT_A)], active="Client A"), path)
    original = path.read_bytes()
    unopenable = path.stat().st_ino  # that file, not the one a save puts in its place
    real_open = settings_file.open_regular_file

    def refused(p: Path, expected: os.stat_result | None = None) -> BinaryIO:
        if p == path and p.stat().st_ino == unopenable:
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real_open(p, expected)

    monkeypatch.setattr(settings_file, "open_regular_file", refused)
    file = settings_file.SettingsFile(path)
    read = file.read()
    assert read.problem is not None
    assert "could not be opened" in read.problem
    file.write(read.settings)
    assert (tmp_path / "settings.unreadable.json").read_bytes() == original
    assert load_settings(path) == read.settings


def _other_copies(folder: Path) -> str:
    """Every copy kept beside the settings file, as one text."""
    copies = [p for p in folder.iterdir() if p.name != "settings.json"]
    return "".join(p.read_text("utf-8", errors="replace") for p in copies)


def test_a_left_out_profiles_only_copy_is_never_written_over(tmp_path: Path) -> None:
    """Before: every file read partly was copied to settings.unreadable.json, over the copy
    kept before — after an OK in Settings the only place "Client B" (a newer desk's) was left."""
    from app.store.settings_file import SettingsFile

    path = tmp_path / "settings.json"
    newer_b = {**CLIENT_A, "name": "Client B", "max_upload_mb": 250}  # a newer version's range
    _saved_file(path, CLIENT_A, newer_b, active="Client A")
    file = SettingsFile(path)
    first = file.read()
    assert first.problem is not None
    assert f"kept at {tmp_path / 'settings.unreadable.json'}." in first.problem
    file.write(first.settings)  # the next OK in Settings: "Client B" is in the copy only
    assert "Client B" not in path.read_text("utf-8")

    newer_c = {**newer_b, "name": "Client C"}  # the newer desk adds another
    _saved_file(path, CLIENT_A, newer_c, active="Client A")
    second = read_settings(path)
    assert second.problem is not None
    assert f"kept at {tmp_path / 'settings.unreadable-2.json'}." in second.problem
    assert "Client B" in (tmp_path / "settings.unreadable.json").read_text("utf-8")
    assert (tmp_path / "settings.unreadable-2.json").read_bytes() == path.read_bytes()
    # Read again (the next start): the copy it has already, not a third.
    again = read_settings(path)
    assert again.problem == second.problem
    assert len(list(tmp_path.iterdir())) == 3


def test_a_settings_file_set_aside_whole_is_never_written_over_by_a_later_copy(
    tmp_path: Path,
) -> None:
    """Before: a file too large to read, renamed settings.unreadable.json by a save, was
    replaced by the copy of the next file read partly, and every profile it held was lost."""
    from app.store.settings_file import SettingsFile

    path = tmp_path / "settings.json"
    big = _too_large_to_read(path)
    file = SettingsFile(path)
    file.write(file.read().settings)
    assert (tmp_path / "settings.unreadable.json").read_bytes() == big
    newer = {**CLIENT_A, "name": "Client B", "max_upload_mb": 250}  # a newer version's range
    _saved_file(path, newer)
    read = read_settings(path)
    assert read.problem is not None
    assert f"kept at {tmp_path / 'settings.unreadable-2.json'}." in read.problem
    assert (tmp_path / "settings.unreadable.json").read_bytes() == big
    assert "Client B" in _other_copies(tmp_path)


@pytest.mark.parametrize("partly", [False, True], ids=["read-whole", "read-partly"])
def test_a_newer_desks_options_are_kept_and_written_back(tmp_path: Path, partly: bool) -> None:
    """Before: an option this version does not know, with a profile or beside the profiles,
    was dropped as the file was read, and the next OK in Settings saved the file without it:
    the newer desk's choice went back to its default, without a word."""
    from app.store.settings_file import SettingsFile

    path = tmp_path / "settings.json"
    newer = {**CLIENT_A, "auto_reject_after_days": 14, "delivery_cc": {"to": ["hr@a.example"]}}
    refused = [{**CLIENT_A, "name": "Client B", "max_upload_mb": 250}] if partly else []
    _saved_file(path, newer, *refused, active="Client A", ui_theme="dark")
    file = SettingsFile(path)
    read = file.read()
    assert (read.problem is not None) is partly  # nothing to say of what is kept
    profile = read.settings.active_profile
    edited = profile.model_copy(update={"poll_interval_seconds": 120})
    file.write(read.settings.model_copy(update={"profiles": [edited]}))
    saved = json.loads(path.read_text("utf-8"))
    assert saved["ui_theme"] == "dark"
    (client_a,) = [p for p in saved["profiles"] if p["name"] == "Client A"]
    assert client_a["poll_interval_seconds"] == 120
    assert client_a["auto_reject_after_days"] == 14
    assert client_a["delivery_cc"] == {"to": ["hr@a.example"]}
    assert load_settings(path).active_profile.model_extra == profile.model_extra


def _nested(depth: int) -> object:
    value: object = []
    for _ in range(depth):
        value = [value]
    return value


def test_a_newer_desks_option_a_save_could_not_write_is_left_out_and_said(
    tmp_path: Path,
) -> None:
    """Kept as read, a value a save cannot write (nested past what it writes, half of a
    surrogate pair: Python's reader takes both) made every save of the settings fail."""
    from app.store.settings_file import SettingsFile

    path = tmp_path / "settings.json"
    deep = _nested(300)
    fine = _nested(250)  # deeper than the fast reader takes, not than a save writes
    newer = {**CLIENT_A, "lone": "\ud800", "deep": deep, "fine": fine, "kept": 1}
    _saved_file(path, newer, active="Client A", ui_theme="dark", deep_here=deep)
    file = SettingsFile(path)
    read = file.read()
    assert read.problem is not None
    for option in ("“lone” of the profile “Client A”", "“deep” of the profile “Client A”",
                   "the option “deep_here” ("):  # fmt: skip
        assert option in read.problem
    assert "“fine”" not in read.problem
    file.write(read.settings)
    saved = json.loads(path.read_text("utf-8"))
    assert saved["ui_theme"] == "dark"
    assert "deep_here" not in saved
    assert sorted(saved["profiles"][-1].keys() - ConnectionProfile.model_fields) == [
        "fine",
        "kept",
    ]
    assert "\\ud800" in (tmp_path / "settings.unreadable.json").read_text("utf-8")


def test_configure_over_a_settings_file_it_could_not_read_keeps_that_file(
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--configure read the file, found it unreadable, and saved the built-in profiles and
    the new one over it: every other saved profile was lost."""
    from app import configure
    from app.store.paths import settings_path

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    big = _too_large_to_read(settings_path())
    answers = iter(["Staging", "https://sr.staging.example/v1", "", ""])
    secrets_typed = iter(["p" * 64, "berke-token-3"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(secrets_typed))
    assert configure.configure_interactively(KeyStore()) == 0
    assert "rather than writing over it" in capsys.readouterr().out
    assert settings_path().with_name("settings.unreadable.json").read_bytes() == big
    assert load_settings().active == "Staging"


def test_its_own_writes_are_known_where_text_files_end_lines_with_crlf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the digest was of the text written, not the file: on Windows ("\\r\\n" on disk)
    the second OK of one Settings session was refused as another program's change."""
    from app.store import paths
    from app.store.settings_file import SettingsFile

    real_fdopen = os.fdopen

    def windows_fdopen(fd: int, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "b" not in mode:
            kwargs.setdefault("newline", "\r\n")  # what newline=None does on Windows
        return real_fdopen(fd, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(paths.os, "fdopen", windows_fdopen)
    file = SettingsFile(tmp_path / "settings.json")
    file.read()
    file.write(AppSettings())
    assert b"\r\n" in (tmp_path / "settings.json").read_bytes()
    file.write(AppSettings(profiles=[ConnectionProfile(name="Acme")]))
    assert load_settings(tmp_path / "settings.json").profile("Acme") is not None


def test_a_profile_saved_with_what_berkes_xml_cannot_carry_still_connects(
    tmp_path: Path,
) -> None:
    """Saved before Berke's forms refused such characters: its default invitation failed to
    build, and with it the order board, so the desk could not connect at all. Read from the
    file, the invisible characters are cleaned (white space of that kind a space)."""
    from app.domain.invitation import InvitationText
    from app.workflows.board import BoardOptions

    path = tmp_path / "settings.json"
    saved = {
        "name": "Staging",
        "invitation_message": "Please take it\x0cthis week.\x01",
        "invitation_sender_name": "Talent\x0bteam",
        "invitation_sender_email": "\x02",
    }
    path.write_text(json.dumps({"profiles": [saved], "active": "Staging"}), encoding="utf-8")
    staging = load_settings(path).profile("Staging")
    assert staging is not None
    assert staging.default_invitation == InvitationText(
        message="Please take it this week.", sender_name="Talent team"
    )
    assert BoardOptions.of(staging).invitation == staging.default_invitation


@pytest.mark.parametrize(
    ("before", "after", "elsewhere"),
    [
        ("https://sr.acme.example/v1", "https://sr.acme.example/v2", False),
        ("https://sr.acme.example/v1", "https://SR.acme.example./v1", False),
        ("https://bücher.example/v1", "https://xn--bcher-kva.example/v1", False),
        ("http://localhost:8080/v1", "http://127.0.0.1:8080/v1", False),
        ("https://sr.acme.example/v1", "https://sr.other.example/v1", True),
        ("https://sr.acme.example/v1", "https://sr.acme.example:8443/v1", True),
    ],
)
def test_a_profile_points_elsewhere_only_when_a_service_is_on_another_server(
    before: str, after: str, elsewhere: bool
) -> None:
    """Each time it does, the profile starts a data file of its own: a host re-spelt (a
    final dot, capitals, its international form, another name of this computer) is the same
    server, and its orders and steps are not put out of sight."""
    from app.domain.connection import points_elsewhere

    saved = ConnectionProfile(name="Acme", sr_base_url=before)
    now = saved.model_copy(update={"sr_base_url": after})
    assert points_elsewhere(saved, now) is elsewhere
    production = saved.model_copy(update={"kind": ProfileKind.PRODUCTION})
    assert (
        points_elsewhere(production, production.model_copy(update={"sr_base_url": after})) is False
    )
