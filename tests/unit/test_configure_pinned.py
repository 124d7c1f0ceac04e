"""Pins for app.configure ``_data_file_for_keys`` / ``_put_back`` / ``_write`` (mutation audit)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.domain.connection import AppSettings, ConnectionProfile
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.settings_file import load_settings, save_settings
from tests.memory_keyring import MemoryKeyring, installed_keyring
from tests.unit.test_connection_settings import (  # noqa: F401  (the ring fixture)
    KEY_A,
    KEY_B,
    TOKEN_A,
    TOKEN_B,
    RefusesTheToken,
    _configure_with,
    _used_by_account_a,
    ring,
)


def test_keys_typed_for_a_profile_that_kept_only_one_key_are_asked_about(
    ring: MemoryKeyring,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Account A's SmartRecruiters key stored, its token not (half a save): B's keys typed
    are still asked about, not taken for a first configuration, so that B's key never meets
    A's orders and waiting steps."""
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    _used_by_account_a(acme, waiting=True)
    KeyStore().delete("Acme", BERKE_TOKEN)
    assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_B)) == 0
    saved = load_settings().profile("Acme")
    assert saved is not None
    assert saved.data_file != acme.data_file


def test_a_new_key_beside_the_same_token_is_asked_about(
    ring: MemoryKeyring,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only the same keys, both of them, typed again are the same account unasked: another
    SmartRecruiters key beside the same Berke token may be another account's."""
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    save_settings(AppSettings(profiles=[acme]))
    _used_by_account_a(acme, waiting=True)
    assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_A)) == 0
    saved = load_settings().profile("Acme")
    assert saved is not None
    assert saved.data_file != acme.data_file


def test_a_settings_file_on_a_read_only_file_system_is_said_and_the_keys_put_back(
    ring: MemoryKeyring,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Not only a permission: any error writing the settings (a read-only file system, a
    full disk) is said in words, not a traceback, and A's keys are put back."""
    from app.store import settings_file

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    path = save_settings(AppSettings(profiles=[acme]))
    _used_by_account_a(acme, waiting=True)

    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    monkeypatch.setattr(settings_file, "write_private_file", read_only)
    assert _configure_with(monkeypatch, ["Acme", "", "", "", "a"], (KEY_B, TOKEN_B)) == 1
    said = capsys.readouterr().out
    assert f"The settings could not be saved to {path}: “Read-only file system”." in said
    assert KeyStore().get("Acme", SR_KEY) == SecretStr(KEY_A)
    assert KeyStore().get("Acme", BERKE_TOKEN) == SecretStr(TOKEN_A)


class KeepsWhatItHolds(RefusesTheToken):
    """Refuses the next token once armed, and then will not forget a key either: a delete
    is refused (``how``: "refused" as a keyring says it, "breaks" with an error of its own)."""

    how = "refused"

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.how == "refused":
            raise PasswordDeleteError("locked")
        raise ValueError("the keyring's daemon went away")


@pytest.mark.parametrize("how", ["refused", "breaks"])
def test_a_new_key_the_keyring_will_not_forget_is_not_said_taken_back(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    """A first configuration: the keyring took the new key, refused the token, then would
    not delete the key (or broke asking). The key is still there: "the profile's keys are
    as they were" would be untrue; it is said as kept, and the profile saved with it."""
    with installed_keyring(KeepsWhatItHolds()) as keeps:
        keeps.how = how
        monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))
        acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
        save_settings(AppSettings(profiles=[acme]))
        keeps.armed = True
        assert _configure_with(monkeypatch, ["Acme", "", "", ""], (KEY_B, TOKEN_B)) == 1
        said = capsys.readouterr().out
        assert "the profile's keys are as they were" not in said
        assert "It would not take the old key back either" in said
