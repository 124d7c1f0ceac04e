"""Whether a window can be shown, decided before Qt starts."""

from __future__ import annotations

from app.display import NO_DISPLAY, display_problem


def test_linux_without_a_display_is_said() -> None:
    assert display_problem({}, "linux") == NO_DISPLAY
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None


def test_windows_and_macos_always_have_one() -> None:
    assert display_problem({}, "win32") is None
    assert display_problem({}, "darwin") is None
