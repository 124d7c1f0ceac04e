"""Which data file holds the active profile's cached orders, read from the settings file's JSON
alone: a working day's first frame shows those orders before pydantic and the profiles' models
are loaded (``app.store.inbox_rows``).

A peek, not a reading: the settings' own reading (``app.store.settings_file``), right after
the frame, decides which profile is in use. Whatever is not plainly a saved profile of this
version (no file, the built-in sandbox, a profile the models might refuse or complete) gives
None here, and the window then shows the cached orders after its first frame.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.domain.data_files import DATA_FILE_PATTERN, profile_data_file
from app.store.database import data_file_path
from app.store.paths import open_regular_file, settings_path

# A settings file is a few KB; a larger one is not ours, and is not read into memory whole.
MAX_SETTINGS_BYTES = 1024 * 1024
#: ``ConnectionProfile.name``'s length.
_NAME_LENGTH = range(1, 61)
_KINDS = ("custom", "production")  # the sandbox keeps its orders in memory: nothing cached


def peek_active_data_file(path: Path | None = None) -> Path | None:
    """The data file of the active profile the settings file at ``path`` (the app's own by
    default) names; None when there is none to show before the settings are read."""
    try:
        with open_regular_file(path or settings_path()) as handle:  # never waits on a FIFO
            raw = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_SETTINGS_BYTES:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    active, profiles = data.get("active"), data.get("profiles")
    if not isinstance(active, str) or not isinstance(profiles, list):
        return None
    # The first of that name, as the settings keep it (a later one of the same name is dropped).
    named = [p for p in profiles if isinstance(p, dict) and p.get("name") == active]
    if not named or len(active) not in _NAME_LENGTH:
        return None
    profile = named[0]
    kind = profile.get("kind", "custom")
    data_file = profile.get("data_file", "")  # absent: saved before profiles kept their own
    if kind not in _KINDS or not isinstance(data_file, str):
        return None
    if not re.fullmatch(DATA_FILE_PATTERN, data_file):
        return None
    return data_file_path(
        profile_data_file(production=kind == "production", name=active, data_file=data_file)
    )
