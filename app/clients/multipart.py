"""A multipart/form-data body streamed from a file, with progress, never held in memory.

httpx can stream a file object, but it reads it on the event loop and reports no progress.
Here each chunk is read off the loop (``asyncio.to_thread``) and the byte count is reported
after it is handed to the connection. The length is known up front, so the request carries a
``Content-Length`` rather than chunked encoding, which some upload endpoints refuse.

The file was checked when it was queued (a regular file, links resolved, content sniffed); by
the time it is sent it may have been replaced. It is opened without blocking and without
following a link, and refused unless it is still a regular file: a FIFO put in its place would
otherwise hang the worker thread until someone wrote to it. Given the checked content's
SHA-256, what is read is hashed as it goes, and the last bytes are held back unless it
matches: a file saved over it after the check (during a 429's wait) or edited while it went
would be attached as another report, or a mix of two. The body then never completes its
declared length, so the service cannot store it.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import mimetypes
import os
import secrets
import stat
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

ProgressCallback = Callable[[int, int], None]  # (bytes sent, total bytes)

CHUNK_SIZE = 256 * 1024


def _quote(value: str) -> str:
    # RFC 7578: quotes and line breaks in a filename are percent-encoded, not escaped.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def open_for_upload(path: Path) -> BinaryIO:
    """``path`` opened for reading, or ``OSError`` with a sentence when it is no longer a
    regular file (a FIFO, a device, a folder, or a link put in its place).

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer;
    ``fstat`` then says what was opened. ``O_NOFOLLOW``: the queued path had its links
    resolved, so a link there now was put there since.
    """
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags | nonblocking | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            # One argument: the message is the sentence the upload shows, without "[Errno …]".
            raise OSError(f"{path.name} was replaced by a link since it was queued") from exc
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(
                f"{path.name} is no longer a regular file (it was replaced since it was queued)"
            )
        if nonblocking:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_declared(
    handle: BinaryIO, size: int, last: bool, name: str, digest: _Hash | None = None
) -> bytes:
    """Up to ``size`` bytes of the file; with ``last`` (they end the length declared), an
    ``OSError`` if the file holds more: it grew since it was measured, and a byte past the
    declared ``Content-Length`` is refused by the connection itself (h11's own error, which
    nothing handles, and the upload stayed "Uploading"). ``digest`` is fed what is read, here
    in the worker thread: hashing a large report on the event loop would stall the window."""
    chunk = handle.read(size)
    if last and len(chunk) == size and handle.read(1):
        raise FileChangedSizeError(name)
    if digest is not None:
        digest.update(chunk)
    return chunk


class _Hash(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


class FileChangedError(OSError):
    """The file's content is no longer the one checked when it was queued: another saved
    over it, or it was edited while it was sent. Not a fault a try again mends."""

    def __init__(self, name: str) -> None:
        # One argument: the message is the sentence the upload shows, without "[Errno …]".
        super().__init__(f"{name} changed since it was checked (saved over, or edited)")
        self.name = name


class FileChangedSizeError(FileChangedError):
    """The file is no longer the size measured before it went: it shrank or grew since (saved
    over, or still being written). Another file than the one checked, as a changed content is."""

    def __init__(self, name: str) -> None:
        OSError.__init__(self, f"{name} changed size while it was being sent")
        self.name = name


@dataclass(frozen=True)
class MultipartFile:
    """One file part. ``content_type`` is guessed from the name when not given. ``size`` is
    the file's size when the part was made: the body declares it and carries that many bytes,
    or fails. ``sha256``: the content the file must still have (None: not checked)."""

    path: Path
    field_name: str
    file_name: str
    content_type: str
    boundary: str
    size: int
    sha256: str | None = None

    @classmethod
    def from_path(
        cls,
        path: str | os.PathLike[str],
        field_name: str,
        *,
        file_name: str | None = None,
        sha256: str | None = None,
    ) -> MultipartFile:
        """The part for the file at ``path`` as it is now (measured here: blocking I/O)."""
        real = Path(path)
        name = file_name or real.name
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        boundary = f"assessment-desk-{secrets.token_hex(16)}"
        return cls(real, field_name, name, ctype, boundary, real.stat().st_size, sha256)

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
        return self.size

    def content_length(self) -> int:
        return len(self._head()) + self.size + len(self._tail())

    async def stream(self, progress: ProgressCallback | None = None) -> AsyncIterator[bytes]:
        """The body, chunk by chunk; ``progress`` counts file bytes, not envelope bytes. The
        file's bytes are the ``size`` declared, never more: a file that shrank or grew since
        it was measured fails with an ``OSError`` that says so, before its last bytes go; so
        does one whose content is not ``sha256``."""
        total = self.size
        sent = 0
        digest = hashlib.sha256() if self.sha256 is not None else None
        if progress:
            progress(0, total)
        yield self._head()
        handle = await asyncio.to_thread(open_for_upload, self.path)
        try:
            while True:
                want = min(CHUNK_SIZE, total - sent)
                chunk = await asyncio.to_thread(
                    _read_declared, handle, want, sent + want == total, self.path.name, digest
                )
                if digest is not None and sent + len(chunk) == total:
                    self._refuse_unless_checked(digest)
                if chunk:
                    yield chunk
                    sent += len(chunk)
                    if progress:
                        progress(sent, total)
                if sent == total or len(chunk) < want:  # all declared, or the file ended
                    break
        finally:
            # Not awaited: a cancelled upload closes this generator, and an await during
            # that close would be refused ("async generator ignored GeneratorExit").
            handle.close()
        if sent != total:
            raise FileChangedSizeError(self.path.name)
        yield self._tail()

    def _refuse_unless_checked(self, digest: _Hash) -> None:
        if digest.hexdigest() != self.sha256:
            raise FileChangedError(self.path.name)
