"""File names as the file system holds them: bytes on Linux, not always UTF-8.

A report unzipped from a Windows archive made in a legacy code page (Turkish Windows' "Send to >
Compressed folder" writes CP857) is named by bytes that are not UTF-8: "Rapor_I\\x9f\\x8dk.pdf".
Python keeps such a name openable by carrying each undecodable byte as a lone surrogate
(``os.fsdecode``, surrogateescape); anything that reads the bytes as UTF-8 (Qt's
``toLocalFile``) names another file, and a lone surrogate can be neither shown (Qt drops it)
nor written to SQLite as text.
"""

from __future__ import annotations

import os
import unicodedata
from urllib.parse import unquote_to_bytes


def path_from_file_url(encoded_path: str) -> str:
    """The path a ``file:`` URL's percent-encoded path names, as Python names files: the
    file manager's bytes, each byte that is not UTF-8 kept as a surrogate escape."""
    return os.fsdecode(unquote_to_bytes(encoded_path))


_REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def shown_file_name(name: str) -> str:
    """``name`` as words on screen may carry it: each lone surrogate (a byte the file system's
    encoding cannot read, or half of a Windows name's broken pair) as U+FFFD, the mark file
    managers show for it ("Rapor_I\ufffd\ufffdk.pdf"). Qt drops a lone surrogate without a
    trace: "Rapor_Ik.pdf" named a file that is not there."""
    return storable_text(name)


def shown_in_sentence(name: str) -> str:
    """``name`` (a file's or a folder's, as the file system holds it) as a sentence may carry
    it: as ``shown_file_name``, and without invisible format marks (Unicode's Cf: direction
    overrides and isolates, zero-width marks), as a name attached is (``attachment_name``). A
    folder named with a right-to-left override turned the rest of its sentence round
    ("(moved or deleted): drop it again." read backwards)."""
    shown = shown_file_name(name)
    if shown.isascii():
        return shown
    return "".join(c for c in shown if unicodedata.category(c) != "Cf")


def storable_text(text: str) -> str:
    """``text`` (words that may name a file or a folder) as SQLite can keep it, each lone
    surrogate as U+FFFD: written as it was, it raised UnicodeEncodeError, and a refusal that
    named such a folder was never recorded (the file stayed queued, each pass failing)."""
    if text.isascii():
        return text
    return "".join(_REPLACEMENT if "\ud800" <= c <= "\udfff" else c for c in text)
