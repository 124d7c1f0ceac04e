"""Connection profiles as a small JSON file in the config folder. Never a secret in it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import ValidationError

from app.domain.connection import AppSettings
from app.store.paths import atomic_file, make_private_dir, settings_path

log = logging.getLogger(__name__)


def load_settings(path: Path | None = None) -> AppSettings:
    """The saved profiles; the built-in ones (sandbox active) when there are none.

    An unreadable file is logged and replaced by the defaults on the next save rather than
    stopping the app: the profiles are easy to enter again, the keys are not in it.
    """
    path = path or settings_path()
    try:
        return AppSettings.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return AppSettings()
    except (OSError, ValidationError, json.JSONDecodeError) as exc:
        log.warning("Could not read %s (%s); using the built-in profiles", path, type(exc).__name__)
        return AppSettings()


def save_settings(settings: AppSettings, path: Path | None = None) -> Path:
    """Write atomically: a crash mid-write leaves the previous file whole."""
    path = path or settings_path()
    write_private_file(path, settings.model_dump_json(indent=2), private=False)
    return path


def write_private_file(path: Path, text: str, *, private: bool) -> None:
    """Atomic write (temp file + fsync + replace); ``private`` makes it 0600 from the start,
    so that there is no moment where another user could read it. The folder is the app's
    own (the profiles and the opt-in key file): made if missing, and only the user's (0700),
    so that another user cannot even list which profiles and key file it holds."""
    make_private_dir(path.parent)
    with atomic_file(path, private=private, encoding="utf-8") as handle:
        handle.write(text)
