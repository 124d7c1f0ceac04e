"""Connection settings as a small JSON file in the config folder. Never a secret in it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from app.domain.connection import ConnectionSettings
from app.store.paths import config_dir

FILE_NAME = "connection.json"


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load_settings(path: Path | None = None) -> ConnectionSettings | None:
    """The saved settings, or None when there are none (or they cannot be read)."""
    path = path or settings_path()
    try:
        return ConnectionSettings.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError, json.JSONDecodeError):
        return None


def save_settings(settings: ConnectionSettings, path: Path | None = None) -> Path:
    """Write atomically: a crash mid-write leaves the previous file whole."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".connection-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(settings.model_dump_json(indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
