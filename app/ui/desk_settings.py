"""This desk's Qt settings: every ``QSettings`` the app reads or writes comes from here."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings

from app.store.paths import make_private_dir, make_private_file, qt_settings_path

log = logging.getLogger(__name__)


def desk_settings() -> QSettings:
    """The window layout, recent snapshots and last portal messages of this desk, and of no
    other (``app.store.paths.qt_settings_path``). A desk folder's file is private, as the rest
    of that folder is: recent snapshots name customers' files."""
    path = qt_settings_path()
    if path is None:
        return QSettings()
    try:
        make_private_dir(path.parent)
        make_private_file(path)
    except OSError as exc:
        # Only the layout and the recent list are lost (Qt cannot write them): the desk starts.
        log.warning("Cannot make the window settings file %s: %s", path, exc)
    return QSettings(str(path), QSettings.Format.IniFormat)
