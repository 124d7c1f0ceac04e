"""The database, its WAL and the log hold candidates' personal data, the config folder the
opt-in key file: 0600 files in 0700 folders, whatever the umask, and files or folders left
wider by an older version are tightened."""

from __future__ import annotations

import logging
import logging.handlers
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.connection import AppSettings
from app.store import logs
from app.store.credentials import SR_KEY, KeyStore
from app.store.database import Database
from app.store.paths import make_private_dir
from app.store.settings_file import save_settings

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Every file anyone creates is world-readable unless the code says otherwise."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("permissive_umask")
def test_a_new_database_and_its_wal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "desk.sqlite3"
    db = Database(path)
    try:
        with db.transaction() as conn:
            conn.execute("INSERT INTO meta (key, value) VALUES ('k', 'Zoë Müller')")
        companions = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in companions)  # WAL mode, connection open
        assert mode(path.parent) == 0o700
        # Before: 0644 (SQLite's own default), and its WAL and shared memory the same.
        assert {p.name: mode(p) for p in [path, *companions]} == {
            p.name: 0o600 for p in [path, *companions]
        }
    finally:
        db.close()


@pytest.mark.usefixtures("permissive_umask")
def test_an_existing_database_left_readable_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    path = folder / "desk.sqlite3"
    Database(path).close()
    folder.chmod(0o755)
    path.chmod(0o644)
    stale_wal = path.with_name(path.name + "-wal")
    stale_wal.write_bytes(b"")
    stale_wal.chmod(0o644)
    Database(path).close()
    assert (mode(folder), mode(path)) == (0o700, 0o600)
    if stale_wal.exists():  # SQLite removes an empty WAL on a clean close
        assert mode(stale_wal) == 0o600


@pytest.mark.usefixtures("permissive_umask")  # the logging is put back: tests/conftest.py
def test_the_log_and_every_file_it_rotates_into_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "log"
    folder.mkdir(mode=0o755)
    old_backup = folder / f"{logs.LOG_FILE_NAME}.2"
    old_backup.write_text("an older version's log\n")
    old_backup.chmod(0o644)
    path = logs.setup_logging(logging.INFO, directory=folder, console_level=logging.CRITICAL)
    assert path is not None
    logging.getLogger("app.test").warning("synced order of Zoë Müller")
    assert (mode(folder), mode(path), mode(old_backup)) == (0o700, 0o600, 0o600)
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h, logs.PrivateRotatingFileHandler)
    )
    handler.doRollover()
    logging.getLogger("app.test").warning("after the rollover")
    assert mode(path) == 0o600  # the new file, created by the rollover
    assert mode(folder / f"{logs.LOG_FILE_NAME}.1") == 0o600


@pytest.mark.usefixtures("permissive_umask")
def test_the_config_folder_with_the_profiles_and_the_key_file_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    settings = save_settings(AppSettings(), folder / "settings.json")
    assert (mode(folder), mode(settings)) == (0o700, 0o666)  # no secret in the profiles
    folder.chmod(0o755)  # as an older version left it
    keys = KeyStore(file_opt_in=True, file_path=folder / "keys.json")
    keys.set("Acme", SR_KEY, "a-key-of-acme-0123456789")
    assert (mode(folder), mode(folder / "keys.json")) == (0o700, 0o600)


def test_a_folder_of_someone_else_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A private folder in a shared place (the temp folder) could have been made by another
    # user beforehand; writing personal data into it would hand them the data.
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    with pytest.raises(PermissionError, match="belongs to another user"):
        make_private_dir(tmp_path / "trap")
