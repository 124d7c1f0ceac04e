"""PySide6 no longer reads the source of each module imported after Qt (app.ui.pyside_imports),
and such a module still sees Qt's plain API."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import app.ui  # noqa: F401  (applies the change, as the desk's start does)
from app.ui.pyside_imports import skip_source_scan

MODULE = """
from PySide6.QtCore import QObject


def plain_api_name() -> str:
    thing = QObject()
    thing.setObjectName("plain")
    return thing.objectName()
"""


@pytest.fixture
def fresh_module(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name = f"desk_probe_{tmp_path.name.replace('-', '_')}"
    path = tmp_path / f"{name}.py"
    path.write_text(MODULE, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    try:
        yield name, path
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_a_module_imported_after_qt_is_not_read_for_pyside(
    fresh_module: tuple[str, Path],
) -> None:
    name, path = fresh_module
    linecache.checkcache()
    module = __import__(name)  # the import statement's way, which PySide6 watches
    # PySide's scan read the file through linecache (inspect.getsource); it is not read now.
    assert str(path) not in linecache.cache
    feature = sys.modules["shibokensupport.feature"]
    assert feature.pyside_feature_dict[name] == 0  # Qt's plain API, features never selected
    assert module.plain_api_name() == "plain"


def test_the_change_is_made_once_and_again_harmlessly() -> None:
    assert skip_source_scan() is True  # this PySide6 has the scan the module replaces
