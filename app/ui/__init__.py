"""The Qt side of the desk. Loading it first stops PySide6 reading the source of every module
imported after Qt (``app.ui.pyside_imports``): about 40 ms of the first sync."""

from app.ui.pyside_imports import skip_source_scan

skip_source_scan()
