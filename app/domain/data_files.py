"""Which data file keeps a profile's orders and journal, from a profile's plain fields.

Without pydantic: a working day's first frame finds the active profile's cached orders from
the settings file's JSON (``app.store.settings_peek``) before any model is loaded, by these
same rules ``app.domain.connection`` applies to its profiles.
"""

from __future__ import annotations

import re

#: A profile's ``data_file``: part of a file name, so letters, digits and dashes only.
DATA_FILE_PATTERN = r"^[a-z0-9-]{0,60}$"


def name_slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()


def legacy_data_file(name: str) -> str:
    """The data file of a profile saved before profiles kept their own: named from the
    profile's name (which is why a rename or a swap of names used to change it)."""
    return name_slug(name) or "profile"


def profile_data_file(*, production: bool, name: str, data_file: str) -> str:
    """Which data file keeps the profile's orders and journal: "" for Production (the app's
    own file), the profile's own for the others. Two profiles with one file would mix
    accounts: a journal of one would be resumed against the other."""
    if production:
        return ""
    return data_file or legacy_data_file(name)
