"""What a save of the connection profiles says when it refuses or half succeeds
(``app.workflows.settings_words``). No Qt, no keyring."""

from __future__ import annotations

import errno

from app.store.credentials import BERKE_TOKEN, SR_KEY
from app.workflows.settings_words import (
    not_moved_sentence,
    not_stored_sentence,
    not_written_sentence,
    same_names_sentence,
    shared_data_file_sentence,
)


def test_two_names_differing_only_in_capitals_say_why_they_are_one() -> None:
    said = same_names_sentence("Acme", "ACME")
    assert "“Acme” and “ACME”" in said
    assert "more than their capitals" in said


def test_one_name_twice_is_said_once() -> None:
    assert same_names_sentence("Acme", "Acme") == (
        "Two profiles are named “Acme”: names must differ."
    )


def test_two_profiles_on_one_data_file_are_both_named() -> None:
    said = shared_data_file_sentence("Production", "Acme")
    assert said.startswith("“Production” and “Acme” would keep their orders")


def test_a_file_not_written_says_where_and_the_systems_words() -> None:
    said = not_written_sentence(PermissionError(errno.EACCES, "Permission denied", "/x/s.json"))
    assert said.startswith("The settings could not be saved to /x/s.json: “Permission denied”.")
    assert "Nothing was changed" in said


def test_a_file_not_written_without_a_name_says_the_error() -> None:
    said = not_written_sentence(OSError("disk gone"))
    assert said.startswith("The settings could not be saved: “disk gone”.")


def test_one_key_kept_for_the_session_is_it() -> None:
    said = not_stored_sentence([(("Acme", SR_KEY), "the keyring is locked")])
    assert "the SmartRecruiters partner API key of “Acme” (the keyring is locked)" in said
    assert "it is kept for this session only" in said
    assert "type it again" in said


def test_two_keys_kept_for_the_session_are_them() -> None:
    said = not_stored_sentence([(("Acme", SR_KEY), "locked"), (("Acme", BERKE_TOKEN), "disk full")])
    assert "of “Acme” (locked); the Berke API token of “Acme” (disk full)" in said
    assert "they are kept for this session only" in said
    assert "type them again" in said


def test_keys_not_moved_name_both_names() -> None:
    said = not_moved_sentence("Acme EU", "Acme")
    assert "“Acme EU” could not be moved from its old name “Acme”" in said
