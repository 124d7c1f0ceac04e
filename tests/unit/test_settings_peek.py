"""The first frame finds the active profile's data file from the settings file's JSON alone
(``app.store.settings_peek``): where it names one, it is the one the settings' own reading
opens; where it is not sure, it names none."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from app.domain.connection import AppSettings, ConnectionProfile, ProfileKind
from app.store.database import default_database_path
from app.store.settings_file import read_settings, save_settings
from app.store.settings_peek import MAX_SETTINGS_BYTES, peek_active_data_file
from app.ui.session_host import database_path_for
from tests.fifo_guard import call_near_fifo


def _read_as_the_app_does(path: Path) -> Path | None:
    profile = read_settings(path).settings.active_profile
    return None if profile.is_sandbox else database_path_for(profile)


def _saved(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _custom(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "kind": "custom", "sr_base_url": "https://sr.example/v1", **fields}


AGREEING = {
    "its own data file": {"active": "Day", "profiles": [_custom("Day", data_file="day-1a2b3c4d")]},
    "saved before data files": {"active": "Old Staging", "profiles": [_custom("Old Staging")]},
    "an empty data file": {"active": "Old", "profiles": [_custom("Old", data_file="")]},
    "no kind": {"active": "K", "profiles": [{"name": "K", "data_file": "k-00000000"}]},
    "production": {
        "active": "Production",
        "profiles": [{"name": "Production", "kind": "production"}],
    },
    "the first of a name": {
        "active": "Twin",
        "profiles": [_custom("Twin", data_file="twin-1"), _custom("Twin", data_file="twin-2")],
    },
}


@pytest.mark.parametrize("data", AGREEING.values(), ids=AGREEING.keys())
def test_the_data_file_peeked_at_is_the_one_the_settings_open(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    path = _saved(tmp_path / "settings.json", data)
    peeked = peek_active_data_file(path)
    assert peeked is not None
    assert peeked == _read_as_the_app_does(path)


def test_the_apps_own_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    profile = ConnectionProfile(name="Staging (EU) #2", kind=ProfileKind.CUSTOM)
    save_settings(AppSettings(profiles=[profile], active=profile.name), path)
    assert peek_active_data_file(path) == database_path_for(profile)
    assert peek_active_data_file(path) != default_database_path()
    # With a byte order mark, as a Windows editor leaves it.
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert peek_active_data_file(path) == database_path_for(profile)


NONE_TO_SHOW = {
    "the sandbox": {
        "active": "Sandbox (built-in)",
        "profiles": [{"name": "Sandbox (built-in)", "kind": "sandbox"}],
    },
    "no active profile": {"profiles": [_custom("Day")]},
    "no profiles": {"active": "Day"},
    "an active profile not saved": {"active": "Gone", "profiles": [_custom("Day")]},
    "a data file that is no file name": {
        "active": "X",
        "profiles": [_custom("X", data_file="../x")],
    },
    "a data file that is no text": {"active": "X", "profiles": [_custom("X", data_file=7)]},
    "an unknown kind": {"active": "X", "profiles": [{"name": "X", "kind": "mainframe"}]},
    "a name too long": {"active": "N" * 61, "profiles": [_custom("N" * 61)]},
    "not an object": ["Day"],
}


@pytest.mark.parametrize("data", NONE_TO_SHOW.values(), ids=NONE_TO_SHOW.keys())
def test_what_is_not_plainly_a_saved_profile_names_no_data_file(
    tmp_path: Path, data: object
) -> None:
    assert peek_active_data_file(_saved(tmp_path / "settings.json", data)) is None


def test_no_file_or_not_a_settings_file_names_none(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert peek_active_data_file(path) is None
    path.write_bytes(b"\x00\xff not json")
    assert peek_active_data_file(path) is None
    padding = " " * MAX_SETTINGS_BYTES
    path.write_text(json.dumps({"active": "Day", "profiles": [_custom("Day")]}) + padding)
    assert peek_active_data_file(path) is None  # far larger than a settings file
    path.unlink()
    path.mkdir()
    assert peek_active_data_file(path) is None


def test_a_fifo_in_its_place_is_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    assert call_near_fifo(path, lambda: peek_active_data_file(path)) is None
