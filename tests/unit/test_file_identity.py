"""A file dropped again after a late cancel is looked for in SmartRecruiters only if it is the
very file that went (its content), and only an attachment dated since then counts."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.smartrecruiters import Attachment
from app.workflows import file_identity
from app.workflows.file_identity import CLOCK_SKEW, arrived_copy, file_fingerprint

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
