"""Where the console keeps its files (platformdirs), overridable for tests and portable use."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "AssessmentDesk"
APP_AUTHOR = "Berke"
HOME_OVERRIDE = "ASSESSMENT_DESK_HOME"  # one folder for everything: tests, portable installs


def _base(kind: str) -> Path:
    override = os.environ.get(HOME_OVERRIDE)
    if override:
        return Path(override) / kind
    finders: dict[str, Callable[[str, str], str]] = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
        "log": platformdirs.user_log_dir,
        "cache": platformdirs.user_cache_dir,
    }
    return Path(finders[kind](APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    return _base("config")


def data_dir() -> Path:
    return _base("data")


def log_dir() -> Path:
    return _base("log")
