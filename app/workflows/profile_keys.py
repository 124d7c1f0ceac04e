"""A profile's keys: the name they are kept under, where a saved key may go, and when keys
typed for a saved profile may be another account's. The rules the settings dialog and
``assessment-desk --configure`` share.

Nothing here reads the keyring: it may take seconds to answer, and the dialog asks it from a
thread of its own. The callers read it and hand these rules what they found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, field
from enum import Enum
from urllib.parse import urlsplit

from pydantic import SecretStr

from app.domain.connection import ConnectionProfile, ProfileKind, data_file_name
from app.domain.urls import same_origin
from app.store.credentials import BERKE_TOKEN, SR_KEY
from app.workflows.profile_data import with_own_data_file

#: Each key by its title in the profile's form.
KEY_TITLES = {SR_KEY: "Partner API key", BERKE_TOKEN: "API token"}


@dataclass(frozen=True)
class KeyAddress:
    """A key, the profile's field holding the address it is sent to, and that service's name."""

    service: str
    field_name: str
    title: str


#: Each key and the profile's address it is sent to: the one list the dialog's form, its Test
#: connection and the save's checks read.
KEY_ADDRESSES = (
    KeyAddress(SR_KEY, "sr_base_url", "SmartRecruiters"),
    KeyAddress(BERKE_TOKEN, "berke_base_url", "Berke"),
)
#: The profile's address fields.
ADDRESS_FIELDS = tuple(address.field_name for address in KEY_ADDRESSES)


def address_field(service: str) -> str:
    """The profile's field holding the address ``service``'s key is sent to."""
    return next(a.field_name for a in KEY_ADDRESSES if a.service == service)


def key_of_address(field_name: str) -> str | None:
    """The key sent to the address in the profile's field ``field_name`` (None: no address)."""
    return next((a.service for a in KEY_ADDRESSES if a.field_name == field_name), None)


def saved_key_may_go(saved: ConnectionProfile, service: str, address: str) -> bool:
    """Whether ``service``'s key saved for ``saved`` may be sent to ``address``: only to the
    server it was saved for (another path there is that server). Test connection and the
    save's check both ask this: they once differed, and a changed path tested without the key
    was then saved to be sent with it."""
    return same_origin(str(getattr(saved, address_field(service))), address)


# -- names ---------------------------------------------------------------------------------


def keyring_name(name: str) -> str:
    """A name as a case-blind keyring compares it: capitals only. Not ``casefold``: "Straße"
    and "STRASSE" are two names to Windows, and were refused for differing "in capitals"."""
    return name.lower()


def same_names(profiles: Iterable[ConnectionProfile]) -> tuple[str, str] | None:
    """The first two profiles whose names are one name to the keyring, or None. Windows'
    Credential Manager ignores case: "Acme" and "ACME" would share their keys."""
    seen: dict[str, str] = {}
    for profile in profiles:
        key = keyring_name(profile.name)
        if key in seen:
            return seen[key], profile.name
        seen[key] = profile.name
    return None


def profile_named(profiles: Sequence[ConnectionProfile], name: str) -> ConnectionProfile | None:
    """The profile ``name`` names: the one of that name, else one whose name is ``name`` to
    the keyring. Two such names are refused (``same_names``), so ``name`` can only mean that
    profile."""
    return next((p for p in profiles if p.name == name), None) or next(
        (p for p in profiles if keyring_name(p.name) == keyring_name(name)), None
    )


def unique_name(base: str, names: Iterable[str]) -> str:
    """``base``, numbered if one of ``names`` is it to the keyring (a "custom" made "Custom"
    the proposal, which saving then refused)."""
    taken = {keyring_name(name) for name in names}
    if keyring_name(base) not in taken:
        return base
    number = 2
    while keyring_name(f"{base} {number}") in taken:
        number += 1
    return f"{base} {number}"


# -- another account's keys ----------------------------------------------------------------


class TypedKey(Enum):
    """A key typed for a saved profile, beside the one stored for it."""

    FIRST = "first"  # none stored: a first configuration, or a key that went missing
    AGAIN = "again"  # the very key stored, typed again
    OTHER = "other"  # another key than the one stored: perhaps another account's


def typed_key(typed: str, stored: SecretStr | None) -> TypedKey:
    """What ``typed`` is beside ``stored``. Spaces around it are no part of a key (the key
    store trims them as it stores one)."""
    if stored is None:
        return TypedKey.FIRST
    return TypedKey.AGAIN if stored.get_secret_value() == typed.strip() else TypedKey.OTHER


def needs_account_question(
    saved: ConnectionProfile, now: ConnectionProfile, typed: Iterable[TypedKey]
) -> bool:
    """Whether the keys ``typed`` for ``saved`` (to be saved as ``now``) may be another
    account's, to be asked about where its data file keeps something: a stored key replaced
    by another. A key typed where none was stored replaces nothing, and typing the stored one
    again beside it says nothing of another account. ``now`` with a data file of its own
    already (moved to another server) keeps nothing of the account to mix."""
    return (
        not now.is_sandbox
        and data_file_name(now) == data_file_name(saved)
        and any(key is TypedKey.OTHER for key in typed)
    )


def for_another_account(profile: ConnectionProfile) -> ConnectionProfile | None:
    """``profile`` as another account's keys need it: with a data file of its own, so that
    the first account's orders and waiting steps are never shown or resumed against it. None
    for a built-in profile: Production keeps the desk's own data file whatever its settings
    say, which the other account would share."""
    if profile.kind is not ProfileKind.CUSTOM:
        return None
    return with_own_data_file(profile)


# -- a save's keys ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileEdit:
    """A profile as it is to be saved: the name its keys are stored under (None for a new
    one), the profile, and the keys typed for it by service ("" or absent: none)."""

    stored_name: str | None
    profile: ConnectionProfile
    typed: Mapping[str, str] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class LeftBehind:
    """A saved key that would go where it was not saved for: the edit (its index), the key,
    and why, in a sentence."""

    index: int
    service: str
    sentence: str


def key_left_behind(
    edits: Sequence[ProfileEdit],
    saved: Sequence[ConnectionProfile],
    stored: Callable[[str, str], bool],
) -> LeftBehind | None:
    """The first saved key that would go where it was not saved for, with no key typed
    instead; None when every key goes only to its own address and profile.

    - A profile now pointing at another server: saved as it was, the key went there at the
      next connection (a typo'd or pasted address got the partner key), though Test
      connection had refused to send it.
    - A new profile, or one renamed, under the name of keys no saved profile holds (one
      left out of a settings file that could not be read whole): it would connect with
      them, unless a key of its own moves over them.

    ``saved``: the profiles as saved; ``stored(name, service)``: whether a key is kept under
    that name (in the keyring, the session or the key file).
    """
    saved_names = {p.name for p in saved}
    in_other_capitals = {keyring_name(p.name): p.name for p in saved}
    for index, edit in enumerate(edits):
        profile = edit.profile
        if profile.is_sandbox:
            continue
        before_saved = next((p for p in saved if p.name == edit.stored_name), None)
        for service, field_name, title in (astuple(a) for a in KEY_ADDRESSES):
            if edit.typed.get(service):
                continue
            # A key of its own follows the profile (and moves over any under a new name).
            if before_saved is not None and stored(before_saved.name, service):
                before, now = getattr(before_saved, field_name), getattr(profile, field_name)
                if saved_key_may_go(before_saved, service, now):
                    continue
                sentence = (
                    f"The {title} address is now {urlsplit(now).netloc or now}, no longer "
                    f"{urlsplit(before).netloc or before}: type the {KEY_TITLES[service]} "
                    "again for it (a saved key is only sent to the address it was saved for)."
                )
            elif profile.name not in saved_names and stored(profile.name, service):
                sentence = left_behind_sentence(
                    profile.name, in_other_capitals.get(keyring_name(profile.name)), service, title
                )
            else:
                continue
            return LeftBehind(index, service, sentence)
    return None


def left_behind_sentence(name: str, saved_name: str | None, service: str, title: str) -> str:
    """Why keys found under ``name`` are not this profile's. Under a saved profile's name in
    other capitals (``saved_name``), they may be that profile's own, read through a keyring
    blind to capitals (Windows), or a lost profile's on one that is not: which, the store
    does not say, and either way this profile must not connect with them."""
    key = KEY_TITLES[service]
    if saved_name is None:
        return (
            f"A {title} {key} is stored under “{name}” from a profile no longer in the "
            "settings: type this profile's own (a stored key is only sent to the profile it "
            "was saved for)."
        )
    return (
        f"A {title} {key} is stored under “{name}”, or under “{saved_name}”, which Windows "
        f"takes for the same name: type this profile's own, or save the change to "
        f"“{saved_name}” first and add “{name}” after it (a stored key is only sent to the "
        "profile it was saved for)."
    )


@dataclass(frozen=True)
class SavedProfile:
    """A profile with keys (not the sandbox) as it is saved: the name its keys were stored
    under (None for a new one), its name now, and the keys typed for it in the dialog.

    The typed keys are ``SecretStr`` and out of the repr: qasync's thread executor logs the
    arguments of every call it runs (at DEBUG), and these are handed to it."""

    stored_name: str | None
    name: str
    typed: Mapping[str, SecretStr] = field(repr=False)


@dataclass(frozen=True)
class KeyChanges:
    """What one save does to the stored keys."""

    profiles: list[SavedProfile]
    gone: list[str]  # stored names no profile keeps (removed, or moved to another name)
    file_opt_in: bool  # the unencrypted file stays (or becomes) where keys are kept


def key_changes(
    edits: Sequence[ProfileEdit], saved: Sequence[ConnectionProfile], file_opt_in: bool
) -> KeyChanges:
    """What saving ``edits`` over the profiles ``saved`` does to the stored keys."""
    kept = {edit.stored_name for edit in edits}
    # A removed profile's keys go with it; a renamed one's old name holds none.
    gone = [old.name for old in saved if old.name not in kept]
    gone += [
        edit.stored_name
        for edit in edits
        if edit.stored_name is not None and edit.stored_name != edit.profile.name
    ]
    return KeyChanges(
        profiles=[
            SavedProfile(
                edit.stored_name,
                edit.profile.name,
                {service: SecretStr(key) for service, key in edit.typed.items() if key},
            )
            for edit in edits
            if not edit.profile.is_sandbox
        ],
        gone=list(dict.fromkeys(gone)),
        file_opt_in=file_opt_in,
    )
