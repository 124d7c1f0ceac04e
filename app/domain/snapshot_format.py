"""A snapshot file's name and format marks: what the file dialogs and the desktop know it by.

Apart from the snapshot's shapes (``app.domain.snapshot``, pydantic) so that the File menu,
in the window's first frame, can name the files it opens.
"""

from __future__ import annotations

FORMAT_NAME = "assessment-desk-snapshot"
FORMAT_VERSION = 1
EXTENSION = ".adsnap"
