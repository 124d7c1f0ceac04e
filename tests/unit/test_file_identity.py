"""A file dropped again after a late cancel is looked for in SmartRecruiters only if it is the
very file that went (its content), and only an attachment dated since then counts."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pytest

from app.domain.smartrecruiters import Attachment
from app.workflows import file_identity
from app.workflows.file_identity import CLOCK_SKEW, arrived_copy, file_fingerprint
from tests.file_times import put_dates_back

SENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_fingerprint_is_the_content_not_the_date(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    body = bytearray(b"%PDF-1.4\n" + b"a" * 300_000 + b"%%EOF")
    report.write_bytes(body)
    sent = file_fingerprint(report)
    os.utime(report, (1_000_000, 1_000_000))  # downloaded again: the same file
    assert file_fingerprint(report) == sent
    before = report.stat()
    body[150_000] = ord("b")  # corrected in the middle, same size, date kept (cp -p)
    report.write_bytes(body)
    os.utime(report, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert file_fingerprint(report) != sent


def test_a_big_file_is_sampled_and_still_told_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_identity, "FULL_HASH_BYTES", 100_000)
    big = tmp_path / "big.pdf"
    body = bytearray(b"%PDF-1.4\n" + b"a" * 1_000_000)
    big.write_bytes(body)
    sent = file_fingerprint(big)
    body[-1] = ord("b")  # its end is always read
    big.write_bytes(body)
    assert file_fingerprint(big) != sent
    size, digest = file_fingerprint(big).split(":")
    assert (size, len(digest)) == (str(len(body)), 64)


def _attachment(name: str, created: str | None) -> Attachment:
    return Attachment.model_validate({"id": f"{name}-{created}", "fileName": name,
                                      "createDate": created})  # fmt: skip


def test_only_an_attachment_dated_since_the_file_went_counts() -> None:
    older = _attachment("report.pdf", (SENT - CLOCK_SKEW - timedelta(seconds=1)).isoformat())
    assert arrived_copy([older], "report.pdf", SENT) is None  # someone else's, before
    skewed = _attachment("report.pdf", (SENT - CLOCK_SKEW + timedelta(seconds=1)).isoformat())
    assert arrived_copy([older, skewed], "report.pdf", SENT) is skewed
    assert arrived_copy([skewed], "other.pdf", SENT) is None
    undated = _attachment("report.pdf", None)
    assert arrived_copy([undated], "report.pdf", SENT) is None  # no proof
    naive = _attachment("report.pdf", "2026-12-01T09:01:00")  # no zone: the service's UTC
    assert arrived_copy([naive], "report.pdf", SENT) is naive
    assert arrived_copy([older], "report.pdf", None) is older  # an older version's: by name


def test_a_time_kept_is_on_the_service_clock_by_the_offset_it_was_written_with() -> None:
    """Shifted by SmartRecruiters' offset at the resume, a try kept while the machine was an
    hour fast (its clock put right since) was looked for an hour after its copy."""
    from app.domain.uploads import MachineTime

    kept_fast = MachineTime(SENT + timedelta(hours=1), service_ahead=-timedelta(hours=1))
    assert kept_fast.on_service_clock(timedelta(0)) == SENT
    unknown = MachineTime(SENT, service_ahead=None)  # nothing had answered, or an older version
    assert unknown.on_service_clock(timedelta(minutes=3)) == SENT + timedelta(minutes=3)


# -- the file queued is the file sent ------------------------------------------------------------


def _queued(path: Path) -> str:
    """The identity recorded when ``path`` is dropped (``inspect_file``, off the event loop)."""
    from app.workflows.results import inspect_file

    return inspect_file(path).identity.to_text()


def _same_size_other(body: bytes) -> bytes:
    """Another report from the same template: same size, same first bytes."""
    other = body.replace(b"ZOE ", b"MAX ")
    assert len(other) == len(body)
    return other


def test_a_report_saved_over_with_another_of_the_same_size_is_not_the_one_queued(
    tmp_path: Path,
) -> None:
    """Before: only the size and the first bytes were checked when it was sent, so another
    candidate's report saved under the name (a download, a rename) went in its stead."""
    report = tmp_path / "report.pdf"
    body = b"%PDF-1.4\n" + b"ZOE " * 5000
    report.write_bytes(body)
    queued = _queued(report)
    replacement = tmp_path / "download.pdf"
    replacement.write_bytes(_same_size_other(body))
    replacement.replace(report)  # saved over it: another file under the name
    said = file_identity.changed_since_queued(str(report), "report.pdf", len(body), queued)
    assert said is not None
    assert said.startswith("report.pdf changed since it was dropped")
    assert "drop it on the order again" in said


def test_a_report_edited_in_place_with_its_date_put_back_is_not_the_one_queued(
    tmp_path: Path,
) -> None:
    report = tmp_path / "report.pdf"
    body = b"%PDF-1.4\n" + b"ZOE " * 5000
    report.write_bytes(body)
    queued = _queued(report)
    before = report.stat()
    with report.open("r+b") as handle:  # the same file, its content changed (cp -p)
        handle.write(_same_size_other(body))
    put_dates_back(report, before)
    said = file_identity.changed_since_queued(str(report), "report.pdf", len(body), queued)
    assert said is not None
    assert "changed since it was dropped" in said


def test_the_same_content_is_the_file_queued_whatever_its_date_or_inode(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    body = b"%PDF-1.4\n" + b"ZOE " * 5000
    report.write_bytes(body)
    queued = _queued(report)
    assert file_identity.changed_since_queued(str(report), "report.pdf", len(body), queued) is None
    again = tmp_path / "again.pdf"
    again.write_bytes(body)
    again.replace(report)  # downloaded again: a new file, the same report
    assert file_identity.changed_since_queued(str(report), "report.pdf", len(body), queued) is None


@pytest.mark.skipif(os.name != "posix", reason="a change time no program sets: POSIX")
def test_a_file_nothing_touched_is_not_read_again_when_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 200 MB report waits for its result: untouched on disk, it is not read whole again."""
    report = tmp_path / "report.pdf"
    body = b"%PDF-1.4\n" + b"ZOE " * 5000
    report.write_bytes(body)
    queued = _queued(report)

    def never(handle: object) -> object:
        raise AssertionError("read again")

    monkeypatch.setattr(file_identity, "identify", never)
    assert file_identity.changed_since_queued(str(report), "report.pdf", len(body), queued) is None


def test_a_file_queued_by_an_older_version_is_checked_as_then(tmp_path: Path) -> None:
    """No identity was recorded: its size and its kind, as before (it still sends)."""
    report = tmp_path / "report.pdf"
    body = b"%PDF-1.4\n" + b"ZOE " * 5000
    report.write_bytes(_same_size_other(body))
    assert file_identity.changed_since_queued(str(report), "report.pdf", len(body)) is None
    assert file_identity.changed_since_queued(str(report), "report.pdf", len(body), "{") is None


def test_a_file_written_while_it_is_fingerprinted_is_refused(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"ZOE " * 5000)

    class Growing:
        """A handle whose file is appended to once it has been read."""

        def __init__(self, inner: BinaryIO) -> None:
            self._inner = inner

        def fileno(self) -> int:
            return self._inner.fileno()

        def seek(self, offset: int) -> int:
            return self._inner.seek(offset)

        def read(self, size: int) -> bytes:
            chunk = self._inner.read(size)
            if not chunk:
                with report.open("ab") as writer:
                    writer.write(b"x")
            return chunk

    with report.open("rb") as handle, pytest.raises(file_identity.ChangedWhileReadError):
        file_identity.identify(Growing(handle))  # type: ignore[arg-type]
