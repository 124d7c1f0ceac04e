"""The rules of a profile's keys the settings dialog and ``--configure`` share
(``app.workflows.profile_keys``): names the keyring takes for one, where a saved key may go,
and when keys typed for a saved profile may be another account's. No Qt, no keyring."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import SecretStr

from app.domain.connection import (
    PRODUCTION_PROFILE,
    AppSettings,
    ConnectionProfile,
    ProfileKind,
)
from app.store.credentials import BERKE_TOKEN, SR_KEY
from app.workflows.profile_keys import (
    ADDRESS_FIELDS,
    KEY_ADDRESSES,
    KeyChanges,
    ProfileEdit,
    SavedProfile,
    TypedKey,
    for_another_account,
    key_changes,
    key_left_behind,
    keyring_name,
    needs_account_question,
    profile_named,
    same_names,
    saved_key_may_go,
    typed_key,
    unique_name,
)

ACME = ConnectionProfile(
    name="Acme",
    sr_base_url="https://sr.acme.example/v1",
    berke_base_url="https://berke.acme.example/api",
)
KEY = "k" * 64


def _named(*names: str) -> list[ConnectionProfile]:
    return [ConnectionProfile(name=name) for name in names]


# -- names ---------------------------------------------------------------------------------


def test_names_in_other_capitals_are_one_name_and_other_letters_are_not() -> None:
    assert keyring_name("ACME") == keyring_name("Acme")
    # Capitals only: Windows tells "Straße" from "STRASSE", and so do these rules.
    assert keyring_name("Straße") != keyring_name("STRASSE")
    assert same_names(_named("Acme", "Beta", "ACME")) == ("Acme", "ACME")
    assert same_names(_named("Straße", "STRASSE", "Beta")) is None
    assert same_names(_named("Acme", "Acme")) == ("Acme", "Acme")


def test_a_name_typed_in_other_capitals_is_the_profile_of_that_name() -> None:
    profiles = _named("Acme", "Beta")
    assert profile_named(profiles, "Beta") is profiles[1]
    assert profile_named(profiles, "ACME") is profiles[0]
    assert profile_named(profiles, "Gamma") is None
    # Both in a settings file written by hand: the exact name is the one meant.
    both = _named("ACME", "Acme")
    assert profile_named(both, "Acme") is both[1]


def test_a_proposed_name_is_numbered_past_every_name_it_is_in_any_capitals() -> None:
    assert unique_name("Custom", ["Sandbox", "Production"]) == "Custom"
    assert unique_name("Custom", ["custom"]) == "Custom 2"
    assert unique_name("Custom", ["custom", "CUSTOM 2", "Custom 3"]) == "Custom 4"


# -- another account's keys ----------------------------------------------------------------


def test_a_typed_key_is_the_stored_one_only_when_it_is_that_very_key() -> None:
    assert typed_key(KEY, None) is TypedKey.FIRST
    assert typed_key(f"  {KEY}\n", SecretStr(KEY)) is TypedKey.AGAIN  # spaces are no part
    assert typed_key(KEY.upper(), SecretStr(KEY)) is TypedKey.OTHER  # keys keep their case


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        ((TypedKey.OTHER, TypedKey.AGAIN), True),
        ((TypedKey.OTHER, TypedKey.FIRST), True),
        ((TypedKey.OTHER,), True),
        ((TypedKey.AGAIN, TypedKey.AGAIN), False),
        ((TypedKey.FIRST, TypedKey.FIRST), False),
        # The stored key again beside one that was missing: no stored key is replaced. The
        # dialog asked nothing here, --configure asked "another account?".
        ((TypedKey.AGAIN, TypedKey.FIRST), False),
        ((), False),
    ],
)
def test_only_a_stored_key_replaced_by_another_may_be_another_accounts(
    typed: tuple[TypedKey, ...], asked: bool
) -> None:
    assert needs_account_question(ACME, ACME, typed) is asked


def test_a_profile_with_a_data_file_of_its_own_already_is_not_asked_about() -> None:
    moved = ACME.model_copy(update={"data_file": "acme-moved"})
    assert not needs_account_question(ACME, moved, [TypedKey.OTHER])
    sandbox = ConnectionProfile(name="Sandbox", kind=ProfileKind.SANDBOX)
    assert not needs_account_question(sandbox, sandbox, [TypedKey.OTHER])


def test_another_accounts_keys_start_a_data_file_of_their_own_except_on_production() -> None:
    own = for_another_account(ACME)
    assert own is not None
    assert own.data_file != ACME.data_file
    assert own.data_file.startswith("acme-")
    assert own.model_copy(update={"data_file": ACME.data_file}) == ACME
    production = AppSettings().profile(PRODUCTION_PROFILE)
    assert production is not None
    assert for_another_account(production) is None


# -- where a saved key may go ----------------------------------------------------------------


def _stored(*entries: tuple[str, str]) -> Callable[[str, str], bool]:
    return lambda name, service: (name, service) in entries


def test_a_saved_key_goes_only_to_the_address_it_was_saved_for() -> None:
    moved = ACME.model_copy(update={"berke_base_url": "https://typo.example/api"})
    stored = _stored(("Acme", SR_KEY), ("Acme", BERKE_TOKEN))
    left = key_left_behind([ProfileEdit("Acme", moved)], [ACME], stored)
    assert left is not None
    assert (left.index, left.service) == (0, BERKE_TOKEN)
    assert left.sentence == (
        "The Berke address is now typo.example, no longer berke.acme.example: type the API "
        "token again for it (a saved key is only sent to the address it was saved for)."
    )
    # The key typed for the new address goes there; another path on one server is one server.
    typed = ProfileEdit("Acme", moved, {BERKE_TOKEN: "token"})
    assert key_left_behind([typed], [ACME], stored) is None
    other_path = ACME.model_copy(update={"berke_base_url": "https://berke.acme.example/v2"})
    assert key_left_behind([ProfileEdit("Acme", other_path)], [ACME], stored) is None


def test_every_address_of_a_profile_has_its_key_and_every_key_its_address() -> None:
    """The one list the form, Test connection and the save read: an address field added to
    the profile without its key here would be sent a key no check follows."""
    marked = [
        name
        for name, info in ConnectionProfile.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("address")
    ]
    assert sorted(ADDRESS_FIELDS) == sorted(marked)
    assert sorted(a.service for a in KEY_ADDRESSES) == sorted((SR_KEY, BERKE_TOKEN))


@pytest.mark.parametrize(
    ("address", "may"),
    [
        ("https://sr.acme.example/v1/", True),
        ("https://SR.acme.example:443/v1", True),  # text compared, once: not the saved one
        ("https://sr.acme.example/v2", True),  # another path on one server
        ("http://sr.acme.example/v1", False),
        ("https://sr.acme.example:8443/v1", False),
        ("https://sr.acme-login.example/v1", False),
        ("https://sr.acme.example:v1", False),  # no port: no server to be the same
        ("", False),
    ],
)
def test_a_saved_key_may_go_to_its_server_only(address: str, may: bool) -> None:
    assert saved_key_may_go(ACME, SR_KEY, address) is may


def test_keys_under_a_new_name_are_no_new_profiles_own() -> None:
    beta = ConnectionProfile(name="Beta")
    lost = key_left_behind(
        [ProfileEdit("Acme", ACME), ProfileEdit(None, beta)],
        [ACME],
        _stored(("Beta", SR_KEY)),
    )
    assert lost is not None
    assert (lost.index, lost.service) == (1, SR_KEY)
    assert "from a profile no longer in the settings" in lost.sentence
    shouted = ConnectionProfile(name="ACME")
    capitals = key_left_behind(
        [ProfileEdit(None, shouted)],
        [ACME],
        _stored(("ACME", BERKE_TOKEN)),
    )
    assert capitals is not None
    assert "or under “Acme”, which Windows takes for the same name" in capitals.sentence
    # Its own key typed, or no key under the name: nothing is left behind.
    assert (
        key_left_behind(
            [ProfileEdit(None, beta, {SR_KEY: KEY})],
            [ACME],
            _stored(("Beta", SR_KEY)),
        )
        is None
    )
    assert key_left_behind([ProfileEdit(None, beta)], [ACME], _stored()) is None


def test_the_sandbox_has_no_keys_to_leave_behind() -> None:
    sandbox = ConnectionProfile(name="Sandbox", kind=ProfileKind.SANDBOX)
    assert key_left_behind([ProfileEdit(None, sandbox)], [], lambda *_: True) is None


def test_a_save_forgets_removed_and_renamed_names_and_stores_typed_keys() -> None:
    beta, gone = ConnectionProfile(name="Beta"), ConnectionProfile(name="Gone")
    sandbox = ConnectionProfile(name="Sandbox", kind=ProfileKind.SANDBOX)
    renamed = ACME.model_copy(update={"name": "Acme Ltd"})
    changes = key_changes(
        [
            ProfileEdit("Sandbox", sandbox),
            ProfileEdit("Acme", renamed, {SR_KEY: KEY, BERKE_TOKEN: ""}),
            ProfileEdit(None, beta),
        ],
        [sandbox, ACME, gone],
        file_opt_in=True,
    )
    assert changes == KeyChanges(
        profiles=[
            SavedProfile("Acme", "Acme Ltd", {SR_KEY: SecretStr(KEY)}),
            SavedProfile(None, "Beta", {}),
        ],
        gone=["Gone", "Acme"],
        file_opt_in=True,
    )
    assert KEY not in repr(changes)
