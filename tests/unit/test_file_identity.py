"""A file dropped again after a late cancel is looked for in SmartRecruiters only if it is the
very file that was going, and only an attachment dated since then counts."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.smartrecruiters import Attachment
from app.workflows.file_identity import CLOCK_SKEW, EDGE_BYTES, arrived_copy, file_fingerprint

SENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _same_time(path: Path, like: os.stat_result) -> None:
    os.utime(path, ns=(like.st_atime_ns, like.st_mtime_ns))


def test_the_fingerprint_tells_a_corrected_file_from_the_one_sent(tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"a" * (3 * EDGE_BYTES) + b"%%EOF")
    sent = file_fingerprint(report)
    before = report.stat()
    assert file_fingerprint(report) == sent  # read again: the same
    # The same size and time, its end changed (a corrected total on the last page):
    report.write_bytes(b"%PDF-1.4\n" + b"a" * (3 * EDGE_BYTES) + b"%%EOG")
    _same_time(report, before)
    assert file_fingerprint(report) != sent
    # Its start changed:
    report.write_bytes(b"%PDF-1.5\n" + b"a" * (3 * EDGE_BYTES) + b"%%EOF")
    _same_time(report, before)
    assert file_fingerprint(report) != sent


def test_a_small_file_has_a_fingerprint_too(tmp_path: Path) -> None:
    small = tmp_path / "small.pdf"
    small.write_bytes(b"%PDF-1.4\nshort")
    size, _mtime, digest = file_fingerprint(small).split(":")
    assert size == str(len(b"%PDF-1.4\nshort"))
    assert len(digest) == 64


def _attachment(name: str, created: datetime | None) -> Attachment:
    stamp = created.isoformat() if created else None
    return Attachment.model_validate(
        {"id": f"{name}-{stamp}", "fileName": name, "createDate": stamp}
    )


def test_only_an_attachment_dated_since_the_file_began_to_go_counts() -> None:
    older = _attachment("report.pdf", SENT - CLOCK_SKEW - timedelta(seconds=1))
    assert arrived_copy([older], "report.pdf", SENT) is None  # someone else's, before
    skewed = _attachment("report.pdf", SENT - CLOCK_SKEW + timedelta(seconds=1))
    assert arrived_copy([older, skewed], "report.pdf", SENT) is skewed
    assert arrived_copy([skewed], "other.pdf", SENT) is None
    undated = _attachment("report.pdf", None)
    assert arrived_copy([undated], "report.pdf", SENT) is undated
    assert arrived_copy([older], "report.pdf", None) is older  # no time known: the name
