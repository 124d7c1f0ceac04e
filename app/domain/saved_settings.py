"""What can be read of a saved settings file that does not validate as a whole.

One value this version refuses (a newer version's wider range, a hand edit) used to replace
every profile, the profile in use and the key-file choice by the built-in ones — and the next
OK in the settings dialog wrote that over the file. Each profile is now read on its own, and so
are the choices beside them; only what cannot be read is left out, and said in words.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import ValidationError

from app.domain.connection import AppSettings, ConnectionProfile, with_legacy_data_file
from app.domain.profile_problems import profile_problem


class PartlyRead(NamedTuple):
    settings: AppSettings
    left_out: list[str]  # each part not read, in words ("the profile “B” (…)")
    opt_in_read: bool  # whether the key-file choice was in what could be read


def read_partly(data: dict[str, object]) -> PartlyRead:
    """The settings in ``data`` (a settings file's parsed JSON object), read part by part."""
    left_out: list[str] = []
    profiles: list[ConnectionProfile] = []
    saved = data.get("profiles", [])
    for index, entry in enumerate(saved if isinstance(saved, list) else []):
        try:
            profiles.append(ConnectionProfile.model_validate(with_legacy_data_file(entry)))
        except ValidationError as exc:
            name = entry.get("name") if isinstance(entry, dict) else None
            which = (
                f"the profile “{name[:60]}”" if isinstance(name, str) else f"profile {index + 1}"
            )
            _, sentence = profile_problem(exc)
            left_out.append(f"{which} ({sentence.rstrip('.')})")
    if not isinstance(saved, list):
        left_out.append("the list of profiles")
    active = data.get("active")
    opt_in = data.get("keys_file_opt_in", False)
    settings = AppSettings(
        profiles=profiles,
        **({"active": active} if isinstance(active, str) else {}),
        keys_file_opt_in=opt_in is True,
    )
    return PartlyRead(settings, left_out, isinstance(opt_in, bool))
