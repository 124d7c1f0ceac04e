"""Paths of the files under resources/ (inside the package when installed, or the bundle)."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    # A PyInstaller bundle unpacks its data beside the code: <bundle>/_internal/resources.
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root) / "resources"
    # In a source checkout resources/ sits beside app/; installed, it is app/resources.
    for candidate in (_HERE.parent / "resources", _HERE.parent.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return _HERE.parent / "resources"


def app_icon_path() -> Path:
    return resources_dir() / "assessment-desk.svg"
