"""Which files may be attached to a SmartRecruiters result, checked before anything is sent.

A name is not enough: a link named ``report.pdf`` may point at ``/etc/shadow``. So the first
bytes of the file must be what its name says (``check_content``); the workflow reads them,
this module only judges them.
"""

from __future__ import annotations

import codecs
import unicodedata
from enum import StrEnum
from pathlib import PurePath

#: The report formats recruiters can open; anything else is refused up front.
ALLOWED_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".rtf", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg"}
)
#: The largest report uploaded unless the settings say otherwise: the settings' default
#: (``ConnectionProfile.max_upload_mb``) is this, in MB.
DEFAULT_MAX_MB = 20
DEFAULT_MAX_BYTES = DEFAULT_MAX_MB * 1024 * 1024


def describe_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024**3:.1f} GB"


def attachment_name(file_name: str) -> str:
    """The name a dropped file is attached under: as the file is named, but for what a form's
    filename cannot carry as it is. Quotes, backslashes and line breaks go percent-encoded or
    escaped on the wire, and the service may keep them so ("Report %22final%22.pdf"): the
    name it then holds is not the one this desk looks for after a lost answer, and the file
    would be sent a second time. Invisible direction and width marks go too (a right-to-left
    override shows "x\u202egpj.pdf" as "xfdp.jpg"); a name left with nothing before its
    extension is "attachment" (".pdf" alone has no extension, and failed its send-time check).
    In one Unicode form (NFC): a name from a Mac ("Zoe\u0308.pdf", decomposed) is the name
    of the same file dropped from elsewhere ("Zo\u00eb.pdf"), and was attached a second time
    beside it under a name no one could tell apart."""
    kept = []
    for character in file_name.replace('"', "'").replace("\\", "-"):
        kind = unicodedata.category(character)
        if kind == "Cf":
            continue  # zero-width and direction marks: nothing shown
        kept.append(" " if kind[0] in "CZ" else character)
    # Composed after the marks go: a mark between a letter and its accent kept them apart.
    name = unicodedata.normalize("NFC", " ".join("".join(kept).split()))
    stem, dot, suffix = name.rpartition(".")
    if dot and not stem:  # nothing visible before the extension: ".pdf" has no extension
        return f"attachment.{suffix}"
    return name


def check_attachment(file_name: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """None when the file may be uploaded; otherwise why not, in a sentence."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        allowed = "PDF, DOC, DOCX, RTF, TXT, HTML, PNG or JPG"
        return f"{file_name} cannot be attached: results take {allowed} files only."
    if size <= 0:
        return f"{file_name} is empty."
    if size > max_bytes:
        return (
            f"{file_name} is {describe_size(size)}; the limit is {describe_size(max_bytes)} "
            "(change it in the settings)."
        )
    return None


#: How much of a file ``check_content`` wants to see (the caller reads at most this much).
SNIFF_BYTES = 8192
#: Acrobat accepts a PDF whose "%PDF-" header comes within its first 1024 bytes (after junk a
#: mail gateway or a web server put there); so do we.
PDF_HEADER_WITHIN = 1024

_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".doc": ("Word 97–2003 (DOC)", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),  # OLE compound file
    ".docx": ("Word (DOCX)", (b"PK\x03\x04",)),  # a zip archive
    ".rtf": ("RTF", (b"{\\rtf",)),
    ".png": ("PNG", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("JPEG", (b"\xff\xd8\xff",)),
    ".jpeg": ("JPEG", (b"\xff\xd8\xff",)),
}
_TEXT_KINDS = {".txt": "text", ".html": "HTML", ".htm": "HTML"}
#: Control characters text may hold: tab, line feed, form feed, carriage return, and the
#: DOS end-of-file mark some old editors append.
_TEXT_CONTROLS = frozenset("\t\n\f\r\x1a")
_BINARY_CONTROLS = frozenset(chr(c) for c in range(32)) - _TEXT_CONTROLS


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 (with or without a BOM), UTF-16 with its BOM, or an 8-bit legacy encoding
    (Windows-1252, Latin-1…): no NUL and no control characters but line breaks and tabs.

    ``head`` may end inside a multi-byte character: the incremental decoders keep that part
    for a next call that never comes, so it is not held against the file.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = codecs.getincrementaldecoder("utf-16")().decode(head, final=False)
        except UnicodeDecodeError:
            return False
    else:
        try:
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        except UnicodeDecodeError:
            text = head.decode("latin-1")  # any byte is a character; the controls decide
    return not _BINARY_CONTROLS.intersection(text)


#: What starts an archive or a program: a file that starts so is not a PDF, whatever it holds
#: (a ZIP storing a PDF, an .exe carrying the words "%PDF-", each named report.pdf).
_NOT_PDF_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"MZ", b"\x7fELF", b"\xd0\xcf\x11\xe0")


def is_pdf(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) is a PDF's, as Acrobat reads it: its header
    within the first 1 KB, after any junk (a gateway's lines, a printer job's header) but an
    archive's or a program's start."""
    at = head.find(b"%PDF-", 0, PDF_HEADER_WITHIN + len(b"%PDF-"))
    return at >= 0 and not head[:at].startswith(_NOT_PDF_STARTS)


def check_content(file_name: str, head: bytes) -> str | None:
    """None when ``head`` (the file's first ``SNIFF_BYTES`` bytes, or all of it) is what the
    name's extension says; otherwise why not, in a sentence. Call ``check_attachment`` first:
    a name outside the allow-list is refused there."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".pdf":
        if is_pdf(head):
            return None
        kind = "PDF"
    elif suffix in _SIGNATURES:
        kind, signatures = _SIGNATURES[suffix]
        if head.startswith(signatures):
            return None
    elif suffix in _TEXT_KINDS:
        kind = _TEXT_KINDS[suffix]
        if _looks_like_text(head):
            return None
    else:
        return check_attachment(file_name, len(head) or 1)
    return f"{file_name} cannot be attached: its content is not {kind}, whatever its name says."


class UploadState(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


#: What Cancel may act on: a file on its way.
CANCELLABLE = frozenset({UploadState.QUEUED, UploadState.UPLOADING})
#: What Retry may act on: a file that did not get there (a sent one is never sent twice).
RETRIABLE = frozenset({UploadState.FAILED, UploadState.CANCELLED})
