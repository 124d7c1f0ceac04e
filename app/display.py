"""Whether Qt has a screen to open the window on, asked before Qt is started.

On Linux without DISPLAY or WAYLAND_DISPLAY (over SSH, in a container) Qt's default platform
aborts the process (exit 134) with a misleading "xcb-cursor0 is needed"; the console says what
is wrong instead, and ``--self-test`` runs on the offscreen platform.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

NO_DISPLAY = (
    "There is no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set, "
    "as over SSH). Start it on the desktop, or over SSH with X forwarding (ssh -X), or check "
    "it without a window: assessment-desk --self-test."
)


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """None when a window can be shown here; otherwise why not, in a sentence."""
    if not platform.startswith("linux"):
        return None  # Windows and macOS always have their own window system
    if environ.get("QT_QPA_PLATFORM"):
        return None  # chosen explicitly (offscreen, vnc, eglfs…): Qt's own business
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY
