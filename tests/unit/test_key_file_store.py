"""Mutation-audit pins for app/store/credentials.py: the opt-in key file is 0600 from the
moment it appears (not after), a key kept for the session leaves no plain copy behind, the
file's size cap is exactly MAX_KEY_FILE_BYTES, and leaving the file never overwrites a key
set in this session with the file's older one."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "m"))

from app.store import paths
from app.store.credentials import MAX_KEY_FILE_BYTES, SR_KEY, KeyringStatus, KeyStore, Storage
from tests.memory_keyring import memory_keyring

NO_KEYRING = KeyringStatus(False, "none", "no keyring here")
USABLE = KeyringStatus(True, "tests.memory_keyring.MemoryKeyring")
NAME = f"Acme/{SR_KEY}"


def _secret(keys: KeyStore, profile: str, name: str) -> str:
    found = keys.get(profile, name)
    assert found is not None
    return found.get_secret_value()


def _mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_key_file_is_0600_at_the_moment_it_appears(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills credentials.py:381 private=True -> False (the file is 0644 under a 022 umask from
    its rename until the chmod after it: a window another user can open it in) and, with it,
    :382 (the chmod dropped)."""
    path = tmp_path / "config" / "keys.json"
    seen: list[int] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        if Path(dst) == path:
            seen.append(_mode(src))  # the mode the key file has as it appears
        real_replace(src, dst)

    monkeypatch.setattr(paths.os, "replace", replace)
    old = os.umask(0o022)
    try:
        KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path).set("Acme", SR_KEY, "k-1")
        path.chmod(0o644)  # an older version's file, then written again
        KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path).set("Acme", SR_KEY, "k-2")
    finally:
        os.umask(old)
    assert seen == [0o600, 0o600]
    assert _mode(path) == 0o600


def test_a_key_kept_for_the_session_leaves_no_plain_copy_in_the_file(tmp_path: Path) -> None:
    """Kills credentials.py:225 (``_forget_in_file`` dropped): the old key stayed in the plain
    file after the user replaced it with one kept in memory only."""
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({NAME: "old-key", "Other/berke": "other"}))
    keys = KeyStore(status=NO_KEYRING, file_opt_in=False, file_path=path)
    assert keys.set("Acme", SR_KEY, "new-key") is Storage.SESSION
    assert json.loads(path.read_text()) == {"Other/berke": "other"}
    assert _secret(keys, "Acme", SR_KEY) == "new-key"


def test_the_key_file_cap_is_exactly_max_key_file_bytes(tmp_path: Path) -> None:
    """Kills credentials.py:350 ``>`` -> ``>=`` (a file of exactly the cap refused, and set
    aside on the next save) and ``>`` -> ``> MAX+1`` / dropped (over the cap read)."""
    path = tmp_path / "keys.json"
    body = json.dumps({NAME: "file-key"})
    path.write_text(body + " " * (MAX_KEY_FILE_BYTES - len(body)))
    assert path.stat().st_size == MAX_KEY_FILE_BYTES
    keys = KeyStore(status=NO_KEYRING, file_opt_in=True, file_path=path)
    assert _secret(keys, "Acme", SR_KEY) == "file-key"
    path.write_text(body + " " * (MAX_KEY_FILE_BYTES + 1 - len(body)))
    assert keys.get("Acme", SR_KEY) is None


def test_leaving_the_file_keeps_the_key_set_this_session(tmp_path: Path) -> None:
    """Kills credentials.py:248 (the session check dropped or inverted): the file's older key
    overwrote the one the user kept for this session."""
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({NAME: "old-file-key", "Other/berke": "other"}))
    keys = KeyStore(status=NO_KEYRING, file_opt_in=False, file_path=path)
    keys.keep_for_session("Acme", SR_KEY, SecretStr("session-key"))
    keys.leave_file()
    assert not path.exists()
    assert _secret(keys, "Acme", SR_KEY) == "session-key"
    assert _secret(keys, "Other", "berke") == "other"


def test_leaving_the_file_puts_no_stale_key_in_the_keyring(tmp_path: Path) -> None:
    """The same with a keyring: the file's old key was written over the keyring's entry, and
    came back on the next start."""
    path = tmp_path / "keys.json"
    path.write_text(json.dumps({NAME: "old-file-key", "Other/berke": "other"}))
    with memory_keyring() as ring:
        keys = KeyStore(status=USABLE, file_opt_in=False, file_path=path, service="svc")
        keys.keep_for_session("Acme", SR_KEY, SecretStr("session-key"))
        keys.leave_file()
        assert ("svc", NAME) not in ring.entries
        assert ring.entries[("svc", "Other/berke")] == "other"
    assert not path.exists()
