"""What can be read of a saved settings file that does not validate as a whole.

One value this version refuses (a newer version's wider range, a hand edit) used to replace
every profile, the profile in use and the key-file choice by the built-in ones — and the next
OK in the settings dialog wrote that over the file. Each profile is now read on its own, and so
are the choices beside them; only what cannot be read is left out, and said in words.
"""

from __future__ import annotations

from typing import NamedTuple

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError, to_json

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
        name = entry.get("name") if isinstance(entry, dict) else None
        which = f"the profile “{name[:60]}”" if isinstance(name, str) else f"profile {index + 1}"
        writable = (
            _writable_only(entry, ConnectionProfile, f" of {which}", left_out, depth=2)
            if isinstance(entry, dict)
            else entry
        )
        try:
            profiles.append(ConnectionProfile.model_validate(with_legacy_data_file(writable)))
        except ValidationError as exc:
            _, sentence = profile_problem(exc)
            left_out.append(f"{which} ({sentence.rstrip('.')})")
    if not isinstance(saved, list):
        left_out.append("the list of profiles")
    active = data.get("active")
    opt_in = data.get("keys_file_opt_in", False)
    unknown = {k: v for k, v in data.items() if k not in AppSettings.model_fields}
    settings = AppSettings(
        **_writable_only(unknown, AppSettings, "", left_out, depth=0),  # a newer desk's
        profiles=profiles,
        **({"active": active} if isinstance(active, str) else {}),
        keys_file_opt_in=opt_in is True,
    )
    return PartlyRead(settings, left_out, isinstance(opt_in, bool))


def _writable_only(
    data: dict[str, object],
    model: type[BaseModel],
    whose: str,
    left_out: list[str],
    *,
    depth: int,
) -> dict[str, object]:
    """``data`` without the options unknown to ``model`` (a newer desk's, kept and written
    back) that a save could not write as read, ``depth`` lists and objects into the file:
    nested deeper than it writes, or half of a surrogate pair. Kept, they made every save
    fail; left out, they are said, and the copy of the file kept has them."""
    kept: dict[str, object] = {}
    for key, value in data.items():
        if key in model.model_fields or _writable({key: value}, depth):
            kept[key] = value
        else:
            shown = key[:60].encode("utf-8", "replace").decode("utf-8")
            left_out.append(f"the option “{shown}”{whose} (a value this version cannot save)")
    return kept


def _writable(value: object, depth: int) -> bool:
    for _ in range(depth):
        value = [value]
    try:
        to_json(value)
    except PydanticSerializationError:
        return False
    return True
