"""The key store against a real Secret Service (gnome-keyring on a throwaway D-Bus session),
through keyring's own backend discovery and its SecretService backend, each start of the app a
new process: store, read back after a restart, rotate, delete; and the fallback when the
keyring is locked or absent."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.store.credentials import LOCKED_REASON
from tests.secret_service.conftest import SecretServiceSession

pytestmark = pytest.mark.secret_service

SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
PARTNER_KEY = "p" * 64
TOKEN = "berke-token-Real-1"
ROTATED = "berke-token-Real-2"
STORE = {"op": "store", "sr": PARTNER_KEY, "berke": TOKEN}


def test_keys_survive_a_restart_rotate_and_go(secret_service: SecretServiceSession) -> None:
    status, stored = secret_service.app({"op": "status"}, STORE)
    assert status == {"usable": True, "backend": SECRET_SERVICE, "reason": ""}
    assert stored == "keyring"

    # A restart: a new process, the keys read back from the keyring.
    (read,) = secret_service.app({"op": "read"})
    assert read == {
        "smartrecruiters": PARTNER_KEY,
        "smartrecruiters_where": "keyring",
        "berke": TOKEN,
        "berke_where": "keyring",
    }
    # Encrypted at rest: no file of the session holds a key in plain text.
    assert secret_service.files_containing(TOKEN) == []
    assert secret_service.files_containing(PARTNER_KEY) == []

    # Rotating the token replaces the entry (one item, the new value), the other key stays.
    (rotated,) = secret_service.app({"op": "set", "service": "berke", "value": ROTATED})
    assert rotated == "keyring"
    read, items = secret_service.app({"op": "read"}, {"op": "items"})
    assert (read["berke"], read["smartrecruiters"], items) == (ROTATED, PARTNER_KEY, 1)

    # Deleting the profile's keys: gone for the next start too; other profiles untouched.
    secret_service.app({"op": "store", "profile": "Staging", "sr": "s" * 64, "berke": "staging"})
    secret_service.app({"op": "delete"})
    gone, other, items = secret_service.app(
        {"op": "read"}, {"op": "read", "profile": "Staging"}, {"op": "items"}
    )
    assert gone == {
        "smartrecruiters": None,
        "smartrecruiters_where": "none",
        "berke": None,
        "berke_where": "none",
    }
    assert other["berke"] == "staging"
    assert items == 0


def test_a_locked_keyring_falls_back_to_the_session_and_says_why(
    secret_service: SecretServiceSession,
) -> None:
    secret_service.app(STORE)
    (locked,) = secret_service.app({"op": "lock"})
    assert locked is True

    # The next start finds the keyring, but locked, and nobody to unlock it (no desktop).
    before, read, after, stored, again = secret_service.app(
        {"op": "status"},
        {"op": "read"},
        {"op": "status"},
        {"op": "set", "service": "berke", "value": ROTATED},
        {"op": "read"},
    )
    assert before["usable"] is True
    assert before["backend"] == SECRET_SERVICE
    assert read["berke"] is None  # never an exception, never a stale value
    assert after == {"usable": False, "backend": SECRET_SERVICE, "reason": LOCKED_REASON}
    assert stored == "session"  # kept for this session only
    assert (again["berke"], again["berke_where"]) == (ROTATED, "session")

    # Opted in to the file: the key goes there, private, and a later start reads it back.
    (stored,) = secret_service.app(
        {"op": "start", "file_opt_in": True},
        {"op": "set", "service": "berke", "value": ROTATED},
    )[1:]
    assert stored == "file"
    key_file = Path(secret_service.env["ASSESSMENT_DESK_HOME"]) / "keys-unencrypted.json"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    (read,) = secret_service.app({"op": "start", "file_opt_in": True}, {"op": "read"})[1:]
    assert (read["berke"], read["berke_where"]) == (ROTATED, "file")


def test_without_a_secret_service_keys_stay_for_the_session(
    session_bus: SecretServiceSession,
) -> None:
    # A desktop-less session: a bus, but no keyring daemon on it.
    status, stored, read = session_bus.app(
        {"op": "status"},
        {"op": "set", "service": "berke", "value": TOKEN},
        {"op": "read"},
    )
    assert status["usable"] is False
    assert status["backend"] != SECRET_SERVICE
    assert "no usable keyring" in status["reason"]
    assert stored == "session"
    assert (read["berke"], read["berke_where"]) == (TOKEN, "session")
    # A restart: the session's keys are gone, as the dialog warned.
    (read,) = session_bus.app({"op": "read"})
    assert read["berke"] is None


def test_a_keyring_that_stops_is_a_keyring_that_is_absent(
    secret_service: SecretServiceSession,
) -> None:
    secret_service.app(STORE)
    secret_service.stop_keyring()
    status, read, stored = secret_service.app(
        {"op": "status"},
        {"op": "read"},
        {"op": "set", "service": "berke", "value": ROTATED},
    )
    assert status["usable"] is False
    assert read["berke"] is None
    assert stored == "session"
    # Back again (the same login keyring, unlocked with the same password): the keys are there.
    secret_service.start_keyring()
    (read,) = secret_service.app({"op": "read"})
    assert (read["berke"], read["berke_where"]) == (TOKEN, "keyring")
