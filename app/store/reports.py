"""Berke's reports, downloaded to be attached to SmartRecruiters results: kept after the upload
too (an upload resumed after a crash needs its file, and a snapshot of the order carries the
report it sent), private (they describe a candidate), one folder per order.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from app.store.paths import atomic_file, make_private_dir


class ReportFiles:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, order_id: str, file_name: str) -> Path:
        # The order id is the service's: hashed, it can never climb out of the folder.
        slot = hashlib.sha256(order_id.encode()).hexdigest()[:24]
        return self.folder / slot / Path(file_name).name

    def holds(self, path: str | Path) -> bool:
        """Whether ``path`` (as an upload keeps it: links resolved) is one of these reports:
        a delivery's, meant for the result this desk makes, never another's."""
        return Path(path).is_relative_to(os.path.realpath(self.folder))

    def save(self, order_id: str, file_name: str, data: bytes) -> Path:
        """Write atomically (a crash leaves the old file or none, never half of one), 0600."""
        path = self.path_for(order_id, file_name)
        make_private_dir(path.parent)
        with atomic_file(path, "wb", private=True) as handle:
            handle.write(data)
        return path
