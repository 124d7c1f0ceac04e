"""What a save of the connection profiles says when it refuses or half succeeds, in the
coordinator's words: two names that are one, two profiles on one data file, a settings file
that could not be written, keys kept for the session only or left under a profile's old name.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.store.credentials import BERKE_TOKEN, SR_KEY

#: The keys named outside their profile's form.
KEY_NAMES = {SR_KEY: "SmartRecruiters partner API key", BERKE_TOKEN: "Berke API token"}


def same_names_sentence(first: str, second: str) -> str:
    """Two profiles whose names are one name to the keyring (``profile_keys.same_names``)."""
    if first != second:
        return (
            f"Two profiles have the same name, “{first}” and “{second}”: names must differ "
            "by more than their capitals (Windows keeps their keys under one name)."
        )
    return f"Two profiles are named “{first}”: names must differ."


def shared_data_file_sentence(first: str, second: str) -> str:
    """Two profiles that would keep their work in one data file
    (``connection.sharing_a_data_file``)."""
    return (
        f"“{first}” and “{second}” would keep their orders and pending steps in one "
        "data file, mixing two accounts (two Production profiles: make one of them "
        "Custom; the same data_file given to both in the settings file: remove one)."
    )


def not_written_sentence(exc: OSError) -> str:
    """The settings file could not be written: where, and the system's own words."""
    where = f" to {exc.filename}" if exc.filename else ""
    return (
        f"The settings could not be saved{where}: “{exc.strerror or exc}”. Nothing "
        "was changed; check that the folder can be written, then try again."
    )


def not_stored_sentence(not_stored: Sequence[tuple[tuple[str, str], str]]) -> str:
    """The settings were saved, but these keys (profile name and service, and why) are kept
    for this session only: which, and why."""
    which = "; ".join(
        f"the {KEY_NAMES[service]} of “{name}” ({why})" for (name, service), why in not_stored
    )
    kept, it = ("it is", "it") if len(not_stored) == 1 else ("they are", "them")
    return (
        f"The settings were saved, but {which} could not be stored: {kept} kept for this "
        f"session only. Once the keyring or the disk works again, type {it} again and Apply."
    )


def not_moved_sentence(new: str, old: str) -> str:
    """A renamed profile whose keys the locked keyring would not give up to move them."""
    return (
        f"The keys of “{new}” could not be moved from its old name “{old}”: the keyring is "
        "locked. Unlock it, then type them again and Apply."
    )
