"""Paths of the files under resources/ (inside the package when installed)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    # In a source checkout resources/ sits beside app/; installed, it is app/resources.
    for candidate in (_HERE.parent / "resources", _HERE.parent.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return _HERE.parent / "resources"


def app_icon_path() -> Path:
    return resources_dir() / "assessment-desk.svg"
