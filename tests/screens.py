"""The screens the tests and the screenshots run on: Qt's offscreen platform, told a size.

Offscreen's own screen is 800×800; coordinators use 1280×800 laptops, and 1366×768 screens at
125 % scaling (1093×614 device-independent pixels). ``offscreen_platform`` writes the
platform's configuration file and returns the ``QT_QPA_PLATFORM`` value that uses it; it must
be set before the QApplication exists.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import NamedTuple


class Screen(NamedTuple):
    width: int  # in device pixels
    height: int
    scale: float = 1.0

    @property
    def logical(self) -> tuple[int, int]:
        return round(self.width / self.scale), round(self.height / self.scale)


SCREENS = {
    "laptop": Screen(1280, 800),
    "small-125": Screen(1366, 768, 1.25),
}
DEFAULT_SCREEN = "laptop"


def offscreen_platform(name: str = DEFAULT_SCREEN) -> str:
    screen = SCREENS[name]
    config = {
        "screens": [
            {
                "name": name,
                "x": 0,
                "y": 0,
                "width": screen.width,
                "height": screen.height,
                # 125 % as Windows has it: 120 dpi, which Qt turns into a 1.25 scale.
                "logicalDpi": round(96 * screen.scale),
                "logicalBaseDpi": 96,
                "dpr": 1,
            }
        ]
    }
    # Named by its content, written once and shared by every run and worker: a folder of its
    # own per process was left behind by each (hundreds after a day's runs).
    text = json.dumps(config, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"assessment-desk-screen-{name}-{digest}.json"
    if not path.exists():
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)  # whole or absent, whichever worker writes it
    return f"offscreen:configfile={path}"
