"""Files dropped on an order: a regular file after resolving links, whose content is what its
name says; a file replaced by a FIFO after queueing fails its upload instead of hanging."""

from __future__ import annotations

import asyncio
import codecs
import os
from pathlib import Path

import pytest

from app.clients.multipart import MultipartFile
from app.domain.attachments import (
    ALLOWED_EXTENSIONS,
    SNIFF_BYTES,
    check_attachment,
    check_content,
    describe_size,
)
from app.domain.file_names import path_from_file_url, shown_file_name
from app.workflows.results import AttachmentRefusedError, check_file, inspect_file
from tests.fifo_guard import call_near_fifo

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")

#: The start of a real file of each allowed kind.
GENUINE = {
    ".pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    ".doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 32,
    ".docx": b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml",
    ".rtf": b"{\\rtf1\\ansi\\deff0 {\\fonttbl}",
    ".png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    ".jpg": b"\xff\xd8\xff\xe0\0\x10JFIF\0",
    ".jpeg": b"\xff\xd8\xff\xe1\0\x10Exif\0",
    ".txt": "Calm, structured, on time. Zoë Müller — 81 %\r\n".encode(),
    ".html": b"<!doctype html><html><body><p>Report</p></body></html>\n",
    ".htm": b"\xef\xbb\xbf<html><body>Report \xe2\x80\x94 ok</body></html>",
}
SHADOW = b"root:$6$Qm1x$abc:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def test_every_allowed_kind_has_a_content_check() -> None:
    assert set(GENUINE) == ALLOWED_EXTENSIONS


@pytest.mark.parametrize("suffix", sorted(GENUINE))
def test_genuine_content_passes(suffix: str) -> None:
    assert check_content(f"report{suffix}", GENUINE[suffix]) is None
    assert check_content(f"REPORT{suffix.upper()}", GENUINE[suffix]) is None


@pytest.mark.parametrize("suffix", sorted(set(GENUINE) - {".txt", ".html", ".htm"}))
@pytest.mark.parametrize("content", [SHADOW, EXECUTABLE, b"%PDX", b"<html>"])
def test_binary_kinds_need_their_signature(suffix: str, content: bytes) -> None:
    if suffix == ".pdf" and content.startswith(b"%PDF"):
        pytest.skip("a PDF")
    problem = check_content(f"report{suffix}", content)
    assert problem is not None
    assert problem.startswith(f"report{suffix} cannot be attached: its content is not")


def test_a_pdf_header_may_follow_some_junk_as_acrobat_allows() -> None:
    assert check_content("r.pdf", b"\r\n" * 100 + b"%PDF-1.4") is None
    assert check_content("r.pdf", b"x" * 1100 + b"%PDF-1.4") is not None


@pytest.mark.parametrize(
    "start",
    [b"PK\x03\x04\x14\x00\x00\x00\x00\x00report.pdf", b"MZ\x90\x00\x03", b"MZ text only "],
    ids=["zip-storing-a-pdf", "program", "program-without-nul"],
)
def test_an_archive_or_a_program_holding_a_pdf_header_is_not_a_pdf(start: bytes) -> None:
    """Before: "%PDF-" anywhere in the first 1 KB passed, so a ZIP storing a PDF as its first
    entry, or an .exe carrying the words, named report.pdf, was sent to the recruiter."""
    problem = check_content("report.pdf", start + b"%PDF-1.7\n" + b"x" * 100)
    assert (
        problem == "report.pdf cannot be attached: its content is not PDF, whatever its name says."
    )


@pytest.mark.parametrize(
    "content",
    [
        codecs.BOM_UTF16_LE + "Zoë, notes\r\n".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Zoë, notes\r\n".encode("utf-16-be"),
        "Zoë Müller, café".encode("cp1252"),  # legacy 8-bit text still is text
        ("é" * SNIFF_BYTES).encode()[: SNIFF_BYTES - 1],  # cut inside a character
    ],
)
def test_text_in_other_encodings_passes(content: bytes) -> None:
    assert check_content("notes.txt", content) is None


@pytest.mark.parametrize("content", [EXECUTABLE, b"PK\x03\x04\x14\0\0\0", b"text\0with nul"])
def test_binary_content_is_not_text(content: bytes) -> None:
    assert check_content("notes.txt", content) is not None
    assert check_content("page.html", content) is not None


# -- check_file: the I/O around the pure check --------------------------------------------------


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_a_real_file_of_each_kind_is_accepted(tmp_path: Path) -> None:
    for suffix, content in GENUINE.items():
        path = write(tmp_path / f"report{suffix}", content)
        assert check_file(path) == len(content)


def test_content_that_is_not_what_the_name_says_is_refused(tmp_path: Path) -> None:
    # Before: only the name was checked, and "setup.exe" renamed "report.pdf" was sent.
    fake = write(tmp_path / "report.pdf", EXECUTABLE)
    with pytest.raises(AttachmentRefusedError, match="its content is not PDF"):
        check_file(fake)


@posix_only
def test_a_link_named_like_a_report_to_a_system_file_is_refused(tmp_path: Path) -> None:
    # Before: a link named report.pdf pointing at /etc/shadow was uploaded.
    secret = write(tmp_path / "shadow", SHADOW)
    for name in ("report.pdf", "report.txt"):  # text: its content alone would pass
        link = tmp_path / name
        link.symlink_to(secret)
        with pytest.raises(AttachmentRefusedError, match="a link to shadow, a file of another"):
            check_file(link)
    disguised = tmp_path / "disguised.pdf"
    disguised.symlink_to(write(tmp_path / "shadow.pdf", SHADOW))
    with pytest.raises(AttachmentRefusedError, match="its content is not PDF"):
        check_file(disguised)


@posix_only
def test_a_link_to_a_genuine_file_is_queued_as_that_file(tmp_path: Path) -> None:
    real = write(tmp_path / "Berke report (final).pdf", GENUINE[".pdf"])
    link = tmp_path / "report.pdf"
    link.symlink_to(real)
    checked = inspect_file(link)
    assert checked.path == real.resolve()
    assert checked.size == len(GENUINE[".pdf"])


@posix_only
def test_devices_fifos_and_folders_are_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pdf"
    os.mkfifo(fifo)
    with pytest.raises(AttachmentRefusedError, match="not a regular file"):
        call_near_fifo(fifo, lambda: check_file(fifo))
    for target in ("/dev/null", "/dev/zero", str(tmp_path)):
        if not Path(target).exists():
            continue
        link = tmp_path / f"link{abs(hash(target))}.pdf"
        link.symlink_to(target)
        with pytest.raises(AttachmentRefusedError, match="not a regular file"):
            check_file(link)


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("invoice\u202efdp.exe", EXECUTABLE, "invoicefdp.exe cannot be attached: results take"),
        ("Zoe\u202efdp.exe.pdf", EXECUTABLE, "Zoefdp.exe.pdf cannot be attached: its content"),
        ("a\u202exxx.pdf", b"", "axxx.pdf is empty."),
        ("big\u202efdp.pdf", b"%PDF-1.4\n" + b"x" * 2048, "bigfdp.pdf is 2 KB; the limit is 1 KB"),
    ],
)
def test_a_refusal_names_the_file_without_the_marks_that_turn_it_round(
    tmp_path: Path, name: str, content: bytes, said: str
) -> None:
    """Before: the name as dropped, a right-to-left override in it, and the whole sentence
    read backwards ("invoice.ylno selif GPJ … exe.pdf"), the name seeming to end in .pdf."""
    path = write(tmp_path / name, content)
    with pytest.raises(AttachmentRefusedError) as refused:
        inspect_file(path, max_bytes=1024)
    assert "\u202e" not in str(refused.value)
    assert str(refused.value).startswith(said)


@posix_only
def test_a_refusal_of_a_link_or_a_folder_names_them_without_those_marks(tmp_path: Path) -> None:
    folder = tmp_path / "cv\u202efdp.exe"
    folder.mkdir()
    with pytest.raises(AttachmentRefusedError, match=r"^cvfdp\.exe is not a regular file"):
        check_file(folder)
    target = write(tmp_path / "setup\u202efdp.exe", EXECUTABLE)
    link = tmp_path / "report\u202e.pdf"
    link.symlink_to(target)
    with pytest.raises(AttachmentRefusedError) as refused:
        check_file(link)
    assert "\u202e" not in str(refused.value)
    assert str(refused.value).startswith("report.pdf cannot be attached: it is a link to setupfdp")


# -- the upload opens what it sends without blocking ------------------------------------------


async def _send_all(part: MultipartFile) -> bytes:
    return b"".join([piece async for piece in part.stream()])


@posix_only
def test_a_file_replaced_by_a_fifo_after_queueing_fails_instead_of_hanging(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "report.pdf", GENUINE[".pdf"])
    part = MultipartFile.from_path(path, "attachment")
    assert GENUINE[".pdf"] in asyncio.run(_send_all(part))
    path.unlink()
    os.mkfifo(path)  # before: the worker thread's open() waited for a writer, for ever
    with pytest.raises(OSError, match=r"report\.pdf is no longer a regular file"):
        call_near_fifo(path, lambda: asyncio.run(_send_all(part)))


@posix_only
def test_a_file_replaced_by_a_link_after_queueing_fails(tmp_path: Path) -> None:
    path = write(tmp_path / "report.pdf", GENUINE[".pdf"])
    part = MultipartFile.from_path(path, "attachment")
    path.unlink()
    path.symlink_to(write(tmp_path / "shadow", SHADOW))
    with pytest.raises(OSError, match=r"report\.pdf was replaced by a link"):
        asyncio.run(_send_all(part))


@pytest.mark.parametrize("change", ["grow", "shrink"])
def test_a_file_that_changes_size_while_it_is_sent_fails_within_its_declared_length(
    tmp_path: Path, change: str
) -> None:
    """Before: a file that grew was read to its end, past the Content-Length declared; the
    connection refused the extra bytes with h11's own error, which nothing handled, and the
    upload stayed "Uploading"."""
    body = GENUINE[".pdf"] + b"x" * 600_000
    path = write(tmp_path / "report.pdf", body)
    part = MultipartFile.from_path(path, "attachment")
    declared = part.content_length()
    with path.open("ab" if change == "grow" else "r+b") as handle:
        if change == "grow":
            handle.write(b"y" * 100_000)  # still being saved
        else:
            handle.truncate(300_000)
    went: list[bytes] = []

    async def send() -> None:
        async for piece in part.stream():
            went.append(piece)

    with pytest.raises(OSError, match=r"^report\.pdf changed size while it was being sent$"):
        asyncio.run(send())
    assert sum(map(len, went)) < declared  # never the whole declared body: nothing stored
    assert part.content_length() == declared


def test_a_file_sent_as_measured_fills_its_declared_length_exactly(tmp_path: Path) -> None:
    body = GENUINE[".pdf"] + b"x" * 600_000  # a few chunks and a partial one
    path = write(tmp_path / "report.pdf", body)
    part = MultipartFile.from_path(path, "attachment")
    sent = asyncio.run(_send_all(part))
    assert len(sent) == part.content_length()
    assert body in sent


def test_a_size_is_said_in_the_unit_a_person_reads() -> None:
    assert describe_size(512) == "512 bytes"
    assert describe_size(5 * 1024) == "5 KB"
    assert describe_size(20 * 1024 * 1024) == "20.0 MB"
    assert describe_size(3 * 1024**3) == "3.0 GB"  # before: "3072.0 MB"
    said = check_attachment("huge report.pdf", 3 * 1024**3, 20 * 1024 * 1024)
    assert said is not None
    assert "is 3.0 GB; the limit is 20.0 MB" in said


def test_a_file_urls_bytes_name_the_file_as_python_opens_it() -> None:
    """UTF-8 names decode as ever; the bytes of a legacy code page's name (not UTF-8) stay
    surrogate escapes, which open the file, where Qt's toLocalFile put U+FFFD."""
    assert path_from_file_url("/home/ana/Rapor_I%C5%9F%C4%B1k%20v2.pdf") == (
        "/home/ana/Rapor_Işık v2.pdf"
    )
    legacy = path_from_file_url("/home/ana/Rapor_I%9F%8Dk.pdf")
    assert os.fsencode(legacy) == b"/home/ana/Rapor_I\x9f\x8dk.pdf"


def test_a_name_on_screen_shows_each_byte_it_cannot_read_as_a_replacement_mark() -> None:
    assert shown_file_name(os.fsdecode(b"Rapor_I\x9f\x8dk.pdf")) == "Rapor_I\ufffd\ufffdk.pdf"
    assert shown_file_name("half\ud83d.pdf") == "half\ufffd.pdf"  # a Windows name's broken pair
    assert shown_file_name("Rapor_Işık.pdf") == "Rapor_Işık.pdf"
