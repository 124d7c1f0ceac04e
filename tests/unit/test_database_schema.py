"""A data file of a newer schema is refused, even the very next one (real SQLite files)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.store.database import SCHEMA_VERSION, Database, DataFileError


def test_a_file_of_the_very_next_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    Database(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.commit()
    raw.close()
    with pytest.raises(DataFileError, match="newer"):
        Database(path)
