"""A multipart/form-data body streamed from a file, with progress, never held in memory.

httpx can stream a file object, but it reads it on the event loop and reports no progress.
Here each chunk is read off the loop (``asyncio.to_thread``) and the byte count is reported
after it is handed to the connection. The length is known up front, so the request carries a
``Content-Length`` rather than chunked encoding, which some upload endpoints refuse.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes)

CHUNK_SIZE = 256 * 1024


def _quote(value: str) -> str:
    # RFC 7578: quotes and line breaks in a filename are percent-encoded, not escaped.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True)
class MultipartFile:
    """One file part. ``content_type`` is guessed from the name when not given."""

    path: Path
    field_name: str
    file_name: str
    content_type: str
    boundary: str

    @classmethod
    def from_path(
        cls, path: str | os.PathLike[str], field_name: str, *, file_name: str | None = None
    ) -> MultipartFile:
        real = Path(path)
        name = file_name or real.name
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return cls(real, field_name, name, ctype, f"assessment-desk-{secrets.token_hex(16)}")

    @property
    def content_type_header(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _head(self) -> bytes:
        return (
            f"--{self.boundary}\r\n"
            f'Content-Disposition: form-data; name="{_quote(self.field_name)}"; '
            f'filename="{_quote(self.file_name)}"\r\n'
            f"Content-Type: {self.content_type}\r\n\r\n"
        ).encode()

    def _tail(self) -> bytes:
        return f"\r\n--{self.boundary}--\r\n".encode()

    def file_size(self) -> int:
        return self.path.stat().st_size

    def content_length(self) -> int:
        return len(self._head()) + self.file_size() + len(self._tail())

    async def stream(self, progress: ProgressCallback | None = None) -> AsyncIterator[bytes]:
        """The body, chunk by chunk; ``progress`` counts file bytes, not envelope bytes."""
        total = self.file_size()
        sent = 0
        if progress:
            progress(0, total)
        yield self._head()
        handle: BinaryIO = await asyncio.to_thread(self.path.open, "rb")
        try:
            while True:
                chunk = await asyncio.to_thread(handle.read, CHUNK_SIZE)
                if not chunk:
                    break
                yield chunk
                sent += len(chunk)
                if progress:
                    progress(sent, total)
        finally:
            # Not awaited: a cancelled upload closes this generator, and an await during
            # that close would be refused ("async generator ignored GeneratorExit").
            handle.close()
        if sent != total:
            raise OSError(f"{self.path.name} changed size while it was being sent")
        yield self._tail()
